//! The worker's side of the message channel.

use futures::StreamExt;
use futures::channel::mpsc;
use js_sys::{Array, Object, Reflect};
use meridian_engine::Engine;
use meridian_model::{PROTOCOL_VERSION, Request, Response};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// A request with the binary payload that travelled beside it (a `File`).
pub struct Incoming {
    pub request: Request,
    pub payload: JsValue,
}

/// How much of the worker's memory decoded tables may take. A wasm32 worker
/// has 4 GiB at most; queries need the rest (sorting ten million rows for a
/// window function takes about a gigabyte). Tables beyond this stay in their
/// files and are decoded by each query. At 1.75 GiB the benchmark's ten
/// million telemetry readings (922 MB decoded) are held beside its five
/// million payments (640 MB) and TPC-H at scale factor 0.1. Beside TPC-H at
/// scale factor 1 (1,561 MB), the payments fit only with their columns of few
/// values as dictionaries (165 MB), and the telemetry not at all.
const HELD_TABLES_BYTES: u64 = 1792 * 1024 * 1024;

pub fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts a response, moving `buffer` (Arrow IPC bytes) to the UI without a copy.
pub fn post(response: &Response, buffer: Option<js_sys::ArrayBuffer>) {
    let message = Object::new();
    // Setting plain properties on a fresh object cannot fail.
    let _ = Reflect::set(&message, &"json".into(), &response.to_json().into());
    let result = match buffer {
        Some(buffer) => {
            let _ = Reflect::set(&message, &"payload".into(), &buffer);
            scope().post_message_with_transfer(&message, &Array::of1(&buffer))
        }
        None => scope().post_message(&message),
    };
    if let Err(error) = result {
        web_sys::console::error_2(&"meridian worker: could not post a message".into(), &error);
    }
}

/// Posts a response with several buffers beside it, as an array, moved without a copy.
pub fn post_buffers(response: &Response, buffers: Vec<js_sys::ArrayBuffer>) {
    let message = Object::new();
    let array: Array = buffers.into_iter().collect();
    // Setting plain properties on a fresh object cannot fail.
    let _ = Reflect::set(&message, &"json".into(), &response.to_json().into());
    let _ = Reflect::set(&message, &"payload".into(), &array);
    let result = scope().post_message_with_transfer(&message, &array);
    if let Err(error) = result {
        web_sys::console::error_2(&"meridian worker: could not post a message".into(), &error);
    }
}

pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(
            &Response::Crashed {
                message: info.to_string(),
            },
            None,
        );
    }));

    let (sender, mut receiver) = mpsc::unbounded::<Incoming>();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let json = Reflect::get(&data, &"json".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let payload = Reflect::get(&data, &"payload".into()).unwrap_or(JsValue::UNDEFINED);
        match Request::from_json(&json) {
            Ok(request) => {
                let _ = sender.unbounded_send(Incoming { request, payload });
            }
            Err(error) => web_sys::console::error_1(
                &format!("meridian worker: a message it cannot read: {error}").into(),
            ),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();

    let helper = crate::helper::Helper::if_useful();
    // One request at a time: the engine is not shared between concurrent tasks.
    wasm_bindgen_futures::spawn_local(async move {
        let mut engine = Engine::new();
        engine.hold_tables_in_memory(HELD_TABLES_BYTES);
        while let Some(incoming) = receiver.next().await {
            crate::handle::handle(&mut engine, helper.as_ref(), incoming).await;
        }
    });

    post(
        &Response::Ready {
            protocol_version: PROTOCOL_VERSION,
        },
        None,
    );
}

/// Milliseconds since the worker started, for timing queries.
pub fn now_ms() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

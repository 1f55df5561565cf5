//! The embedding API: `postMessage` between a host page and an embedded
//! viewer. The message shapes live in `meridian_model::embed`; this file only
//! moves them across the frame boundary.

use leptos::prelude::*;
use meridian_model::embed::{
    EMBED_API_VERSION, EmbedEvent, EmbedOptions, HostMessage, SelectedRange, parameter_changes,
};

use crate::app::EngineHandle;
use crate::dashboard_state::DashboardState;
use crate::workbench::Workbench;

/// Listens for the host's messages and tells it when the viewer is ready,
/// drawn, and brushed. Does nothing visible when the page is not in a frame.
pub fn install(
    options: EmbedOptions,
    bench: Workbench,
    client: EngineHandle,
    dashboard: DashboardState,
    ready: RwSignal<bool>,
    widgets_on_show: Signal<usize>,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let parent = window
        .parent()
        .ok()
        .flatten()
        .filter(|parent| !js_sys::Object::is(parent.as_ref(), window.as_ref()));
    let target = options.origin.clone().unwrap_or_else(|| "*".to_string());
    let post = StoredValue::new_local(move |event: EmbedEvent| {
        let Some(parent) = &parent else { return };
        if let Ok(value) = js_sys::JSON::parse(&event.to_json()) {
            // A host that went away cannot be told; nothing to do about it.
            let _ = parent.post_message(&value, &target);
        }
    });
    let send = move |event: EmbedEvent| post.with_value(|post| post(event));

    let listener = window_event_listener(leptos::ev::message, move |event| {
        if !options.accepts(&event.origin()) {
            return;
        }
        let text = js_sys::JSON::stringify(&event.data())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        match HostMessage::from_json(&text) {
            Ok(None) => {}
            Err(message) => send(EmbedEvent::Error { message }),
            Ok(Some(_)) if !ready.get_untracked() => send(EmbedEvent::Error {
                message: "The analysis is still opening; send messages after meridian:ready."
                    .into(),
            }),
            Ok(Some(HostMessage::SetParameters { values })) => {
                match bench
                    .analysis
                    .with_untracked(|analysis| parameter_changes(analysis, &values))
                {
                    Ok(changes) => bench.analysis.update(|analysis| {
                        for (index, value) in changes {
                            analysis.parameters[index].value = value;
                        }
                    }),
                    Err(message) => send(EmbedEvent::Error { message }),
                }
            }
            Ok(Some(HostMessage::ClearRange)) => dashboard.set_brush(client, None),
        }
    });
    on_cleanup(move || listener.remove());

    Effect::new(move |_| {
        if ready.get() {
            send(EmbedEvent::Ready {
                version: EMBED_API_VERSION,
                widgets: widgets_on_show.get_untracked(),
                parameters: bench
                    .analysis
                    .with_untracked(|a| a.parameters.iter().map(|p| p.name.clone()).collect()),
            });
        }
    });
    Effect::new(move |_| {
        let settled = dashboard.settled.get();
        if !settled.is_empty() && settled.values().all(|done| *done) {
            send(EmbedEvent::Drawn {
                widgets: settled.len(),
            });
        }
    });
    Effect::new(move |previous: Option<()>| {
        let brush = dashboard.brush.get();
        if previous.is_none() && brush.is_none() {
            return;
        }
        send(EmbedEvent::Range {
            column: brush.as_ref().map(|b| b.column.clone()).unwrap_or_default(),
            range: brush.map(|b| SelectedRange::new(b.range.start_ms, b.range.end_ms)),
        });
    });
}

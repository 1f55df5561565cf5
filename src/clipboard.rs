//! Copying text for the reader, with a sentence on how it went.

use leptos::prelude::*;

/// Copies `text` and then says `done` in `status`, or how to copy by hand.
pub fn copy_text(text: &str, done: &'static str, status: RwSignal<Option<String>>) {
    let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        return;
    };
    let promise = clipboard.write_text(text);
    leptos::task::spawn_local(async move {
        let outcome = wasm_bindgen_futures::JsFuture::from(promise).await;
        status.set(Some(match outcome {
            Ok(_) => done.to_string(),
            Err(_) => "The browser did not allow copying; select the text and copy it.".to_string(),
        }));
    });
}

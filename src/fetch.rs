//! Fetching the app's own static files (a published analysis, the files a
//! published folder copies). Data never comes this way: the worker loads it.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::engine_client::js_error_text;

async fn response(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("there is no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| js_error_text(&e))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "the browser gave no response".to_string())?;
    if response.ok() {
        Ok(response)
    } else {
        Err(format!(
            "the server answered {} for {url}",
            response.status()
        ))
    }
}

/// The text at `url`, or why not, as a phrase.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let text = response(url).await?.text().map_err(|e| js_error_text(&e))?;
    JsFuture::from(text)
        .await
        .map_err(|e| js_error_text(&e))?
        .as_string()
        .ok_or_else(|| format!("{url} is not text"))
}

/// The bytes at `url`, or why not, as a phrase.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let buffer = response(url)
        .await?
        .array_buffer()
        .map_err(|e| js_error_text(&e))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| js_error_text(&e))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

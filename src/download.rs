//! Downloads the page starts itself: an exported chart, an analysis file.

use wasm_bindgen::{JsCast, JsValue};

/// Starts a download of `href` (a data or blob URL) as `file_name`.
pub fn download_href(href: &str, file_name: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    anchor.set_href(href);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

/// Starts a download of `text` as a file of type `mime`.
pub fn download_text(text: &str, mime: &str, file_name: &str) -> Result<(), String> {
    download_part(&JsValue::from_str(text), mime, file_name)
}

/// Starts a download of `bytes` as a file of type `mime`.
pub fn download_bytes(bytes: &[u8], mime: &str, file_name: &str) -> Result<(), String> {
    download_part(&js_sys::Uint8Array::from(bytes), mime, file_name)
}

/// A blob of one part (text or bytes) downloaded as `file_name`.
fn download_part(part: &JsValue, mime: &str, file_name: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options)
        .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
        .and_then(|url| {
            let done = download_href(&url, file_name);
            let _ = web_sys::Url::revoke_object_url(&url);
            done
        })
        .map_err(|e| crate::engine_client::js_error_text(&e))
}

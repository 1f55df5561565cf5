//! Getting bytes into the worker: a browser `File` read in chunks (or only
//! hashed, when it stays on disk and is read by ranges), or a URL either read
//! by ranges (Parquet on a server that honours `Range`) or downloaded whole.
//! All report bytes read as they go.

use std::sync::Arc;

use bytes::Bytes;
use js_sys::{Reflect, Uint8Array};
use meridian_model::{ContentHasher, DatasetFormat};
use url::Url;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, RequestInit};

use crate::browser::scope;
use crate::http_store::{HttpRangeStore, OriginFiles};

/// How a remote dataset is reached.
pub enum Remote {
    /// The whole file, in memory.
    Downloaded(Bytes),
    /// Left on the server and read by ranges as queries need it.
    Ranged {
        store: Arc<HttpRangeStore>,
        url: Url,
        size: u64,
    },
}

/// Report progress at most this often, in bytes, to keep the UI thread quiet.
const PROGRESS_STEP_BYTES: u64 = 256 * 1024;

pub fn describe(error: &JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "the browser gave no reason".to_string())
}

/// Reads a whole `File`, chunk by chunk, reporting bytes read.
pub async fn read_file(
    file: &web_sys::File,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<Bytes, String> {
    let total = file.size() as u64;
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    read_stream(reader, Some(total), progress).await
}

async fn read_stream(
    reader: ReadableStreamDefaultReader,
    total: Option<u64>,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<Bytes, String> {
    let capacity = total.unwrap_or(0).min(usize::MAX as u64) as usize;
    let mut bytes: Vec<u8> = Vec::new();
    bytes
        .try_reserve(capacity)
        .map_err(|_| format!("there is not enough memory for {capacity} bytes"))?;
    each_chunk(reader, total, progress, |chunk| {
        let start = bytes.len();
        let length = chunk.length() as usize;
        bytes
            .try_reserve(length)
            .map_err(|_| "there is not enough memory to hold the file".to_string())?;
        bytes.resize(start + length, 0);
        chunk.copy_to(&mut bytes[start..]);
        Ok(())
    })
    .await?;
    Ok(Bytes::from(bytes))
}

/// The SHA-256 of a `File`, read piece by piece and never held whole, reporting bytes read.
pub async fn hash_file(
    file: &web_sys::File,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<String, String> {
    let total = file.size() as u64;
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut hasher = ContentHasher::default();
    each_chunk(reader, Some(total), progress, |chunk| {
        hasher.update(&chunk.to_vec());
        Ok(())
    })
    .await?;
    Ok(hasher.finish())
}

/// Hands every piece of a stream to `take`, reporting bytes read as it goes.
async fn each_chunk(
    reader: ReadableStreamDefaultReader,
    total: Option<u64>,
    progress: &dyn Fn(u64, Option<u64>),
    mut take: impl FnMut(&Uint8Array) -> Result<(), String>,
) -> Result<u64, String> {
    let (mut loaded, mut reported) = (0u64, 0u64);
    progress(0, total);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| describe(&e))?;
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(|e| describe(&e))?
            .unchecked_into();
        take(&value)?;
        loaded += u64::from(value.length());
        if loaded - reported >= PROGRESS_STEP_BYTES {
            progress(loaded, total);
            reported = loaded;
        }
    }
    progress(loaded, total);
    Ok(loaded)
}

/// Opens a URL: Parquet from a server that answers ranges stays remote and is
/// read by ranges; anything else is downloaded whole.
pub async fn open_url(
    url: &str,
    format: DatasetFormat,
    progress: &dyn Fn(u64, Option<u64>),
) -> Result<Remote, String> {
    let parsed = Url::parse(url).map_err(|e| format!("'{url}' is not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "only http and https URLs can be loaded, not '{}'",
            parsed.scheme()
        ));
    }
    if format == DatasetFormat::Parquet
        && let Some(size) = ranged_size(url).await
    {
        progress(0, Some(size));
        let store = OriginFiles::for_file(&parsed, size);
        return Ok(Remote::Ranged {
            store,
            url: parsed,
            size,
        });
    }
    download(url, progress).await.map(Remote::Downloaded)
}

/// The file size, when the server answers a one-byte range request with 206.
async fn ranged_size(url: &str) -> Option<u64> {
    let headers = web_sys::Headers::new().ok()?;
    headers.set("Range", "bytes=0-0").ok()?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(scope().fetch_with_str_and_init(url, &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if response.status() != 206 {
        return None;
    }
    // "bytes 0-0/12345": the size is after the slash.
    let content_range = response.headers().get("Content-Range").ok()??;
    content_range.rsplit_once('/')?.1.trim().parse().ok()
}

async fn download(url: &str, progress: &dyn Fn(u64, Option<u64>)) -> Result<Bytes, String> {
    let response: web_sys::Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| format!("the request failed ({}); check the address and that the server allows cross-origin requests", describe(&e)))?
        .dyn_into()
        .map_err(|e| describe(&e))?;
    if !response.ok() {
        return Err(format!(
            "the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let total = response
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|length| length.parse().ok());
    let body = response
        .body()
        .ok_or_else(|| "the server sent no body".to_string())?;
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    read_stream(reader, total, progress).await
}

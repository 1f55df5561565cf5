//! An object store that reads one remote file by HTTP range requests, so
//! DataFusion fetches a Parquet footer and only the row groups and columns a
//! query needs instead of the whole file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use meridian_engine::object_store::path::Path;
use meridian_engine::object_store::{Error, Result};
use url::Url;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestInit;

use crate::browser::scope;
use crate::read::describe;
use crate::read_only_store::{FileFacts, RangeSource, ReadOnlyStore};

/// A remote file the store knows: its size and when it was opened, and the
/// query string to send with every request (signed URLs need it).
#[derive(Clone, Debug)]
struct RemoteFile {
    facts: FileFacts,
    query: Option<String>,
}

/// The remote files of one origin. DataFusion keeps one object store per
/// origin, so every file of that origin must live in the same store.
#[derive(Debug)]
pub struct OriginFiles {
    /// `scheme://host:port`, with no trailing slash.
    origin: String,
    files: Mutex<HashMap<String, RemoteFile>>,
}

thread_local! {
    static STORES: RefCell<HashMap<String, Arc<HttpRangeStore>>> = RefCell::new(HashMap::new());
}

/// The object store of one origin's files, read by ranges.
pub type HttpRangeStore = ReadOnlyStore<OriginFiles>;

impl OriginFiles {
    /// The store for `url`'s origin, now knowing that `url` has `size` bytes.
    pub fn for_file(url: &Url, size: u64) -> Arc<HttpRangeStore> {
        let origin = url.origin().ascii_serialization();
        let store = STORES.with(|stores| {
            stores
                .borrow_mut()
                .entry(origin.clone())
                .or_insert_with(|| {
                    Arc::new(ReadOnlyStore(Self {
                        origin,
                        files: Mutex::new(HashMap::new()),
                    }))
                })
                .clone()
        });
        let path = url.path().trim_start_matches('/').to_string();
        let file = RemoteFile {
            // Opening it again (after a reload, say) may find it changed.
            facts: FileFacts {
                size,
                last_modified: chrono::Utc::now(),
            },
            query: url.query().map(str::to_string),
        };
        if let Ok(mut files) = store.files.lock() {
            files.insert(path, file);
        }
        store
    }

    fn file(&self, location: &Path) -> Result<RemoteFile> {
        self.files
            .lock()
            .ok()
            .and_then(|files| files.get(location.as_ref()).cloned())
            .ok_or_else(|| Error::NotFound {
                path: location.to_string(),
                source: format!("{}/{location} was never opened", self.origin).into(),
            })
    }

    fn url_of(&self, location: &Path, file: &RemoteFile) -> String {
        match &file.query {
            Some(query) => format!("{}/{location}?{query}", self.origin),
            None => format!("{}/{location}", self.origin),
        }
    }
}

impl fmt::Display for OriginFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OriginFiles({})", self.origin)
    }
}

impl RangeSource for OriginFiles {
    const NAME: &'static str = "HTTP";

    fn facts(&self, location: &Path) -> Result<FileFacts> {
        self.file(location).map(|file| file.facts)
    }

    fn read(
        &self,
        location: &Path,
        range: Range<u64>,
    ) -> Result<impl Future<Output = std::result::Result<Bytes, String>> + 'static> {
        let url = self.url_of(location, &self.file(location)?);
        Ok(async move { fetch_range_here(&url, range).await })
    }
}

async fn fetch_range_here(url: &str, range: Range<u64>) -> std::result::Result<Bytes, String> {
    let headers = web_sys::Headers::new().map_err(|e| describe(&e))?;
    let header = format!("bytes={}-{}", range.start, range.end - 1);
    headers.set("Range", &header).map_err(|e| describe(&e))?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    let response: web_sys::Response = JsFuture::from(scope().fetch_with_str_and_init(url, &init))
        .await
        .map_err(|e| format!("the range request to {url} failed: {}", describe(&e)))?
        .dyn_into()
        .map_err(|e| describe(&e))?;
    let status = response.status();
    if status != 206 && status != 200 {
        return Err(format!("{url} answered {status} to a range request"));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| describe(&e))?)
        .await
        .map_err(|e| describe(&e))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if status == 206 {
        return Ok(Bytes::from(bytes));
    }
    // A server that ignores `Range` sends the whole file: keep the part asked for.
    let start = range.start as usize;
    let end = (range.end as usize).min(bytes.len());
    if start > end {
        return Err(format!("{url} is shorter than it said"));
    }
    Ok(Bytes::from(bytes[start..end].to_vec()))
}

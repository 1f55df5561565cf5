//! An object store that reads one remote file by HTTP range requests, so
//! DataFusion fetches a Parquet footer and only the row groups and columns a
//! query needs instead of the whole file.
//!
//! `fetch` futures are not `Send`, but `ObjectStore` futures must be: each
//! request runs on the worker's event loop with `spawn_local` and its answer
//! comes back through a (Send) oneshot channel.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use meridian_engine::object_store::path::Path;
use meridian_engine::object_store::{
    Attributes, CopyOptions, Error, GetOptions, GetRange, GetResult, GetResultPayload, ListResult,
    MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload,
    PutResult, Result,
};
use url::Url;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestInit;

use crate::browser::scope;
use crate::read::describe;

const STORE: &str = "HTTP";

/// A remote file the store knows: its size, and the query string to send with
/// every request (signed URLs need it).
#[derive(Clone, Debug)]
struct RemoteFile {
    size: u64,
    query: Option<String>,
}

/// The remote files of one origin, read by ranges. DataFusion keeps one object
/// store per origin, so every file of that origin must live in the same store.
#[derive(Debug)]
pub struct HttpRangeStore {
    /// `scheme://host:port`, with no trailing slash.
    origin: String,
    files: Mutex<HashMap<String, RemoteFile>>,
}

thread_local! {
    static STORES: RefCell<HashMap<String, Arc<HttpRangeStore>>> = RefCell::new(HashMap::new());
}

impl HttpRangeStore {
    /// The store for `url`'s origin, now knowing that `url` has `size` bytes.
    pub fn for_file(url: &Url, size: u64) -> Arc<Self> {
        let origin = url.origin().ascii_serialization();
        let store = STORES.with(|stores| {
            stores
                .borrow_mut()
                .entry(origin.clone())
                .or_insert_with(|| {
                    Arc::new(Self {
                        origin,
                        files: Mutex::new(HashMap::new()),
                    })
                })
                .clone()
        });
        let path = url.path().trim_start_matches('/').to_string();
        let file = RemoteFile {
            size,
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

impl fmt::Display for HttpRangeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpRangeStore({})", self.origin)
    }
}

fn not_supported(what: &str) -> Error {
    Error::NotSupported {
        source: format!("a remote file is read-only; {what} is not possible").into(),
    }
}

#[async_trait]
impl ObjectStore for HttpRangeStore {
    async fn put_opts(&self, _: &Path, _: PutPayload, _: PutOptions) -> Result<PutResult> {
        Err(not_supported("writing"))
    }

    async fn put_multipart_opts(
        &self,
        _: &Path,
        _: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        Err(not_supported("writing"))
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let file = self.file(location)?;
        let size = file.size;
        let meta = ObjectMeta {
            location: location.clone(),
            last_modified: chrono::Utc::now(),
            size,
            e_tag: None,
            version: None,
        };
        let range = match options.range {
            None => 0..size,
            Some(GetRange::Bounded(range)) => range.start..range.end.min(size),
            Some(GetRange::Offset(start)) => start..size,
            Some(GetRange::Suffix(length)) => size.saturating_sub(length)..size,
        };
        let bytes = if options.head || range.is_empty() {
            Bytes::new()
        } else {
            fetch_range(self.url_of(location, &file), range.clone())
                .await
                .map_err(|message| Error::Generic {
                    store: STORE,
                    source: message.into(),
                })?
        };
        Ok(GetResult {
            payload: GetResultPayload::Stream(futures::stream::once(async { Ok(bytes) }).boxed()),
            meta,
            range,
            attributes: Attributes::default(),
        })
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        locations.map(|_| Err(not_supported("deleting"))).boxed()
    }

    fn list(&self, _prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        // One file, always found by `head`; there is nothing to list.
        futures::stream::empty().boxed()
    }

    async fn list_with_delimiter(&self, _prefix: Option<&Path>) -> Result<ListResult> {
        Ok(ListResult {
            common_prefixes: Vec::new(),
            objects: Vec::new(),
        })
    }

    async fn copy_opts(&self, _: &Path, _: &Path, _: CopyOptions) -> Result<()> {
        Err(not_supported("copying"))
    }
}

/// Fetches `range` of `url` on the event loop and hands the bytes back.
async fn fetch_range(url: String, range: Range<u64>) -> std::result::Result<Bytes, String> {
    let (sender, receiver) = futures::channel::oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = sender.send(fetch_range_here(&url, range).await);
    });
    receiver
        .await
        .map_err(|_| "the request was dropped before it finished".to_string())?
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

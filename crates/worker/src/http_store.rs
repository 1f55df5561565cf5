//! An object store that reads one remote file by HTTP range requests, so
//! DataFusion fetches a Parquet footer and only the row groups and columns a
//! query needs instead of the whole file.
//!
//! `fetch` futures are not `Send`, but `ObjectStore` futures must be: each
//! request runs on the worker's event loop with `spawn_local` and its answer
//! comes back through a (Send) oneshot channel.

use std::fmt;
use std::ops::Range;

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

/// One remote file of known size, read by ranges.
#[derive(Debug)]
pub struct HttpRangeStore {
    /// `scheme://host:port`, with no trailing slash.
    origin: String,
    /// The query string to send with every request (signed URLs need it).
    query: Option<String>,
    size: u64,
}

impl HttpRangeStore {
    pub fn new(url: &Url, size: u64) -> Self {
        Self {
            origin: url.origin().ascii_serialization(),
            query: url.query().map(str::to_string),
            size,
        }
    }

    fn url_of(&self, location: &Path) -> String {
        match &self.query {
            Some(query) => format!("{}/{location}?{query}", self.origin),
            None => format!("{}/{location}", self.origin),
        }
    }

    fn meta(&self, location: &Path) -> ObjectMeta {
        ObjectMeta {
            location: location.clone(),
            last_modified: chrono::Utc::now(),
            size: self.size,
            e_tag: None,
            version: None,
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
        let meta = self.meta(location);
        let range = match options.range {
            None => 0..self.size,
            Some(GetRange::Bounded(range)) => range.start..range.end.min(self.size),
            Some(GetRange::Offset(start)) => start..self.size,
            Some(GetRange::Suffix(length)) => self.size.saturating_sub(length)..self.size,
        };
        let bytes = if options.head || range.is_empty() {
            Bytes::new()
        } else {
            fetch_range(self.url_of(location), range.clone())
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

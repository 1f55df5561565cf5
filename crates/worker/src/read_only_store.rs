//! The object store shape shared by the worker's two sources of files read by
//! ranges (a remote server, a file a person chose): read-only, one object per
//! file, found by `head` and never listed.
//!
//! Browser reads are JS promises and not `Send`, while `ObjectStore` futures
//! must be: each read runs on the worker's event loop with `spawn_local`, and
//! its bytes come back through a (Send) oneshot channel.

use std::fmt;
use std::future::Future;
use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use meridian_engine::object_store::path::Path;
use meridian_engine::object_store::{
    Attributes, CopyOptions, Error, GetOptions, GetRange, GetResult, GetResultPayload, ListResult,
    MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions, PutPayload,
    PutResult, Result,
};

/// What a store knows of one file.
#[derive(Clone, Copy, Debug)]
pub struct FileFacts {
    pub size: u64,
    /// Fixed for as long as the file is registered: DataFusion keys its cache
    /// of Parquet footers on it, so a time that moved would re-read the footer
    /// for every query.
    pub last_modified: DateTime<Utc>,
}

/// Where the files of a [`ReadOnlyStore`] come from.
pub trait RangeSource: fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The store's name in errors.
    const NAME: &'static str;

    /// The size of the file at `location` and when it was last changed, or
    /// why they are not known.
    fn facts(&self, location: &Path) -> Result<FileFacts>;

    /// A future that reads `range` of the file at `location`, to be run on the
    /// event loop; it fails with a sentence.
    fn read(
        &self,
        location: &Path,
        range: Range<u64>,
    ) -> Result<impl Future<Output = std::result::Result<Bytes, String>> + 'static>;
}

/// A read-only object store over a [`RangeSource`].
#[derive(Debug)]
pub struct ReadOnlyStore<S>(pub S);

impl<S> std::ops::Deref for ReadOnlyStore<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.0
    }
}

impl<S: RangeSource> fmt::Display for ReadOnlyStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

fn not_supported(what: &str) -> Error {
    Error::NotSupported {
        source: format!("the file is read-only; {what} is not possible").into(),
    }
}

#[async_trait]
impl<S: RangeSource> ObjectStore for ReadOnlyStore<S> {
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
        let FileFacts {
            size,
            last_modified,
        } = self.0.facts(location)?;
        let meta = ObjectMeta {
            location: location.clone(),
            last_modified,
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
        if range.start > range.end {
            return Err(Error::Generic {
                store: S::NAME,
                source: format!(
                    "a read from byte {} is past the end of a {size}-byte file",
                    range.start
                )
                .into(),
            });
        }
        let bytes = if options.head || range.is_empty() {
            Bytes::new()
        } else {
            let read = self.0.read(location, range.clone())?;
            on_event_loop(read)
                .await
                .map_err(|message| Error::Generic {
                    store: S::NAME,
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
        // Each table is one file, always found by `head`; there is nothing to list.
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

/// Starts `read` on the event loop; the returned future waits for its answer.
fn on_event_loop(
    read: impl Future<Output = std::result::Result<Bytes, String>> + 'static,
) -> impl Future<Output = std::result::Result<Bytes, String>> + Send {
    let (sender, receiver) = futures::channel::oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = sender.send(read.await);
    });
    async move {
        receiver
            .await
            .map_err(|_| "the read was dropped before it finished".to_string())?
    }
}

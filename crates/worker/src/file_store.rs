//! An object store over the `File`s a person chose, read by ranges with
//! `Blob.slice`: DataFusion fetches a Parquet footer and then only the column
//! chunks a query needs, so a file larger than the worker's memory is queried
//! without ever being held whole.
//!
//! A `File` is a JS object and not `Send`, while an object store must be: the
//! files live in a thread-local table and the store knows only their paths,
//! sizes and times.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use chrono::DateTime;
use meridian_engine::object_store::path::Path;
use meridian_engine::object_store::{Error, Result};
use url::Url;
use wasm_bindgen_futures::JsFuture;

use crate::read::describe;
use crate::read_only_store::{FileFacts, RangeSource, ReadOnlyStore};

/// Where chosen files are registered, as an object store URL.
pub const FILE_STORE_URL: &str = "chosen://files";

thread_local! {
    /// Every chosen file the engine may read, by its path in the store.
    static FILES: RefCell<HashMap<String, web_sys::File>> = RefCell::new(HashMap::new());
    /// Which path each table reads, to let go of the file when the table goes.
    static TABLES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static NEXT_ID: RefCell<u64> = const { RefCell::new(0) };
}

/// The chosen files: what the store knows of each, by path.
#[derive(Debug, Default)]
pub struct ChosenFiles {
    facts: Mutex<HashMap<String, FileFacts>>,
}

/// The object store of every chosen file.
pub type FileStore = ReadOnlyStore<ChosenFiles>;

/// The store, shared by every chosen file (DataFusion keeps one object store per URL).
pub fn file_store() -> Arc<FileStore> {
    static STORE: OnceLock<Arc<FileStore>> = OnceLock::new();
    STORE
        .get_or_init(|| Arc::new(ReadOnlyStore(ChosenFiles::default())))
        .clone()
}

impl ChosenFiles {
    /// Puts `file` in the store for table `table`; returns its URL.
    pub fn add(&self, table: &str, file: web_sys::File) -> Result<Url, String> {
        let id = NEXT_ID.with(|next| {
            let mut next = next.borrow_mut();
            *next += 1;
            *next
        });
        // The canonical extension keeps DataFusion's listing from filtering the file out.
        let path = format!("{id}/data.parquet");
        let url = Url::parse(&format!("{FILE_STORE_URL}/{path}"))
            .map_err(|e| format!("no URL for a chosen file ({e})"))?;
        let facts = FileFacts {
            size: file.size() as u64,
            last_modified: DateTime::from_timestamp_millis(file.last_modified() as i64)
                .unwrap_or_default(),
        };
        if let Ok(mut known) = self.facts.lock() {
            known.insert(path.clone(), facts);
        }
        FILES.with(|files| files.borrow_mut().insert(path.clone(), file));
        TABLES.with(|tables| tables.borrow_mut().insert(table.to_string(), path));
        Ok(url)
    }

    /// Lets go of table `table`'s file, when it had one.
    pub fn forget(&self, table: &str) {
        let Some(path) = TABLES.with(|tables| tables.borrow_mut().remove(table)) else {
            return;
        };
        FILES.with(|files| files.borrow_mut().remove(&path));
        if let Ok(mut known) = self.facts.lock() {
            known.remove(&path);
        }
    }

    /// Table `from` is now called `to`.
    pub fn rename(&self, from: &str, to: &str) {
        TABLES.with(|tables| {
            let mut tables = tables.borrow_mut();
            if let Some(path) = tables.remove(from) {
                tables.insert(to.to_string(), path);
            }
        });
    }
}

impl fmt::Display for ChosenFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChosenFiles({FILE_STORE_URL})")
    }
}

impl RangeSource for ChosenFiles {
    const NAME: &'static str = "chosen file";

    fn facts(&self, location: &Path) -> Result<FileFacts> {
        self.facts
            .lock()
            .ok()
            .and_then(|known| known.get(location.as_ref()).copied())
            .ok_or_else(|| Error::NotFound {
                path: location.to_string(),
                source: "the chosen file is no longer open".into(),
            })
    }

    fn read(
        &self,
        location: &Path,
        range: Range<u64>,
    ) -> Result<impl Future<Output = std::result::Result<Bytes, String>> + 'static> {
        let path = location.to_string();
        Ok(async move { read_range_here(&path, range).await })
    }
}

async fn read_range_here(path: &str, range: Range<u64>) -> std::result::Result<Bytes, String> {
    let file = FILES
        .with(|files| files.borrow().get(path).cloned())
        .ok_or_else(|| "the chosen file is no longer open".to_string())?;
    // Offsets are exact in an f64 up to 2^53 bytes.
    let slice = file
        .slice_with_f64_and_f64(range.start as f64, range.end as f64)
        .map_err(|e| describe(&e))?;
    let buffer = JsFuture::from(slice.array_buffer())
        .await
        .map_err(|e| format!("the browser could not read the file ({})", describe(&e)))?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    if bytes.len() as u64 != range.end - range.start {
        return Err("the file changed on disk after it was chosen".to_string());
    }
    Ok(Bytes::from(bytes))
}

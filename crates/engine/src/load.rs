//! Registering files as tables: from bytes in memory or from any object store.

use std::sync::Arc;

use bytes::Bytes;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::ipc::reader::{FileReader, StreamReader};
use datafusion::datasource::MemTable;
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::error::DataFusionError;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions};
use meridian_model::dataset::validate_table_name;
use meridian_model::{ColumnInfo, DatasetFormat, DatasetInfo, DatasetSource};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use url::Url;

use crate::session::MEMORY_STORE_URL;
use crate::{Engine, EngineError};

/// Where a registered table's rows live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    /// The bytes are in memory already: decode them once and hold the table
    /// when it fits the budget (see `hold.rs`).
    HoldWhenItFits,
    /// Read by ranges from where it is, as each query needs.
    LeaveInPlace,
}

/// What to register: the table name, how to read it, and where it came from.
#[derive(Clone, Debug)]
pub struct LoadRequest {
    /// The table name SQL will use.
    pub name: String,
    pub format: DatasetFormat,
    pub source: DatasetSource,
    /// The name the user knows the file by, used in messages and to spot TSV.
    pub file_name: String,
}

impl Engine {
    /// Registers a file held in memory, such as a browser `File` read into bytes.
    pub async fn register_bytes(
        &mut self,
        request: LoadRequest,
        bytes: Bytes,
    ) -> Result<DatasetInfo, EngineError> {
        self.check_new_name(&request.name)?;
        let size_bytes = bytes.len() as u64;
        let content_sha256 = meridian_model::content_sha256(&bytes);
        self.next_object_id += 1;
        // The canonical extension keeps DataFusion's listing from filtering the file out.
        let path = Path::from(format!(
            "{}/data.{}",
            self.next_object_id,
            request.format.extension()
        ));
        self.memory
            .put(&path, PutPayload::from_bytes(bytes))
            .await
            .map_err(|e| EngineError::internal(e.into()))?;
        let table_url = format!("{MEMORY_STORE_URL}/{path}");
        match self
            .register_table_url(&request, &table_url, size_bytes, Placement::HoldWhenItFits)
            .await
        {
            Ok(mut dataset) => {
                if self.is_held_in_memory(&request.name) {
                    // Decoded and held: the file's bytes are no longer read.
                    let _ = self.memory.delete(&path).await;
                } else {
                    self.memory_paths.insert(request.name.clone(), path);
                }
                dataset.content_sha256 = Some(content_sha256.clone());
                if let Some(held) = self.datasets.get_mut(&request.name) {
                    held.content_sha256 = Some(content_sha256);
                }
                Ok(dataset)
            }
            Err(error) => {
                let _ = self.memory.delete(&path).await;
                Err(error)
            }
        }
    }

    /// Registers a file that stays in an object store and is read by ranges,
    /// such as a Parquet file behind an HTTP server that honours `Range`.
    pub async fn register_object(
        &mut self,
        request: LoadRequest,
        store: Arc<dyn ObjectStore>,
        url: &Url,
        size_bytes: u64,
    ) -> Result<DatasetInfo, EngineError> {
        self.check_new_name(&request.name)?;
        let mut store_url = url.clone();
        store_url.set_path("");
        store_url.set_query(None);
        store_url.set_fragment(None);
        self.context.register_object_store(&store_url, store);
        self.register_table_url(&request, url.as_str(), size_bytes, Placement::LeaveInPlace)
            .await
    }

    /// Records the hash of a table's content, for a file the engine reads by
    /// ranges and so never hashes itself.
    pub fn set_content_sha256(&mut self, name: &str, sha256: String) -> Option<DatasetInfo> {
        let dataset = self.datasets.get_mut(name)?;
        dataset.content_sha256 = Some(sha256);
        Some(dataset.clone())
    }

    /// Whether `name` can be the name of a new table: a plain SQL identifier
    /// that no table or step has. Callers about to do long work for a new
    /// table (hash a large file) ask first.
    pub fn check_new_name(&self, name: &str) -> Result<(), EngineError> {
        validate_table_name(name).map_err(EngineError::InvalidName)?;
        if self.datasets.contains_key(name) || self.steps.contains_key(name) {
            return Err(EngineError::TableExists(name.to_string()));
        }
        Ok(())
    }

    async fn register_table_url(
        &mut self,
        request: &LoadRequest,
        table_url: &str,
        size_bytes: u64,
        placement: Placement,
    ) -> Result<DatasetInfo, EngineError> {
        let described = async {
            self.register_listing(request, table_url).await?;
            if placement == Placement::HoldWhenItFits {
                // Before describing: counting the rows of a held table costs nothing.
                self.hold_decoded(request, table_url, size_bytes).await;
            }
            self.describe(request, size_bytes).await
        }
        .await;
        match described {
            Ok(dataset) => {
                self.datasets.insert(request.name.clone(), dataset.clone());
                self.tables_changed();
                Ok(dataset)
            }
            Err(source) => {
                let _ = self.context.deregister_table(&request.name);
                self.budget.forget(&request.name);
                Err(EngineError::Load {
                    file: request.file_name.clone(),
                    format: request.format,
                    source,
                })
            }
        }
    }

    async fn register_listing(
        &self,
        request: &LoadRequest,
        table_url: &str,
    ) -> Result<(), DataFusionError> {
        let name = request.name.as_str();
        // An empty extension accepts whatever the URL ends with (`.pq`, `?sig=…`).
        match request.format {
            DatasetFormat::Parquet => {
                let options = ParquetReadOptions::default().file_extension("");
                self.context
                    .register_parquet(name, table_url, options)
                    .await
            }
            DatasetFormat::Csv => {
                let tab_separated = request.file_name.to_ascii_lowercase().ends_with(".tsv");
                let options = CsvReadOptions::new()
                    .has_header(true)
                    .delimiter(if tab_separated { b'\t' } else { b',' })
                    .file_extension("");
                self.context.register_csv(name, table_url, options).await
            }
            DatasetFormat::Json => {
                let options = JsonReadOptions {
                    file_extension: "",
                    ..Default::default()
                };
                self.context.register_json(name, table_url, options).await
            }
            DatasetFormat::ArrowIpc => self.register_arrow_ipc(name, table_url).await,
        }
    }

    /// Arrow IPC is decoded into memory: it is already Arrow, so this costs one
    /// copy, and it accepts both the file and the stream format (DataFusion's
    /// own reader accepts only files, and rejects some current writers' output).
    async fn register_arrow_ipc(&self, name: &str, table_url: &str) -> Result<(), DataFusionError> {
        let url = ListingTableUrl::parse(table_url)?;
        let store = self.context.runtime_env().object_store(&url)?;
        let bytes = store.get(url.prefix()).await?.bytes().await?;
        let (schema, batches) =
            decode_arrow_ipc(&bytes).map_err(|e| DataFusionError::ArrowError(Box::new(e), None))?;
        let table = MemTable::try_new(schema, vec![batches])?;
        self.context.register_table(name, Arc::new(table))?;
        Ok(())
    }

    /// Reads the schema and counts the rows. Counting also proves a CSV or JSON
    /// file parses to the end, so a bad file fails here and not in a later query.
    async fn describe(
        &self,
        request: &LoadRequest,
        size_bytes: u64,
    ) -> Result<DatasetInfo, DataFusionError> {
        let table = self.context.table(request.name.as_str()).await?;
        let columns = table
            .schema()
            .fields()
            .iter()
            .map(|field| ColumnInfo {
                name: field.name().clone(),
                data_type: field.data_type().to_string(),
                nullable: field.is_nullable(),
            })
            .collect();
        let row_count = table.count().await? as u64;
        Ok(DatasetInfo {
            name: request.name.clone(),
            format: request.format,
            source: request.source.clone(),
            size_bytes,
            row_count,
            columns,
            content_sha256: None,
            held_in_memory: self.is_held_in_memory(&request.name),
        })
    }
}

/// Decodes an Arrow IPC file (starts with `ARROW1`) or stream.
fn decode_arrow_ipc(bytes: &Bytes) -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
    let cursor = std::io::Cursor::new(bytes.as_ref());
    if bytes.starts_with(b"ARROW1") {
        let reader = FileReader::try_new(cursor, None)?;
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, _>>()?;
        Ok((schema, batches))
    } else {
        let reader = StreamReader::try_new(cursor, None)?;
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, _>>()?;
        Ok((schema, batches))
    }
}

//! Tables written out as Parquet, for a published dashboard's data folder.

use futures::StreamExt;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::{Engine, EngineError};

impl Engine {
    /// Table `name` as a Parquet file (Snappy, pure Rust in every build),
    /// written batch by batch as the scan produces them; with its row count.
    pub async fn export_parquet(&self, name: &str) -> Result<(u64, Vec<u8>), EngineError> {
        if !self.datasets.contains_key(name) && !self.steps.contains_key(name) {
            return Err(EngineError::UnknownTable(name.to_string()));
        }
        let failed = |reason: String| EngineError::Export {
            table: name.to_string(),
            reason,
        };
        let frame = self.context.table(name).await.map_err(EngineError::sql)?;
        let mut stream = frame
            .execute_stream()
            .await
            .map_err(EngineError::execution)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut bytes = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut bytes, stream.schema(), Some(properties))
            .map_err(|e| failed(e.to_string()))?;
        let mut rows = 0u64;
        while let Some(batch) = stream.next().await {
            let batch = batch.map_err(EngineError::execution)?;
            rows += batch.num_rows() as u64;
            writer.write(&batch).map_err(|e| failed(e.to_string()))?;
        }
        writer.close().map_err(|e| failed(e.to_string()))?;
        Ok((rows, bytes))
    }
}

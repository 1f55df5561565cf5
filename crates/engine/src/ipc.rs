//! Results leave the engine as one Arrow IPC stream: cheap to decode, and a
//! single buffer the worker can transfer to the UI without copying.

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::writer::StreamWriter;

use crate::EngineError;

/// Encodes batches as an uncompressed Arrow IPC stream.
pub fn ipc_stream_from_batches(
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<Vec<u8>, EngineError> {
    let mut bytes = Vec::new();
    let mut writer =
        StreamWriter::try_new(&mut bytes, schema).map_err(|e| EngineError::internal(e.into()))?;
    for batch in batches {
        writer
            .write(batch)
            .map_err(|e| EngineError::internal(e.into()))?;
    }
    writer
        .finish()
        .map_err(|e| EngineError::internal(e.into()))?;
    drop(writer);
    Ok(bytes)
}

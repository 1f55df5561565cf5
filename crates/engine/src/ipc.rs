//! Results leave the engine as one Arrow IPC stream: cheap to decode, and a
//! single buffer the worker can transfer to the UI without copying.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, FieldRef, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::ipc::reader::StreamReader;
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

/// Encodes batches for the page, dictionary-encoded columns as their values: the
/// UI's reader leaves out arrow's dictionary merging to keep its bundle small.
pub fn page_ipc_stream(
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<Vec<u8>, EngineError> {
    let plain = Arc::new(Schema::new_with_metadata(
        schema.fields().iter().map(plain_field).collect::<Vec<_>>(),
        schema.metadata().clone(),
    ));
    if plain == *schema {
        return ipc_stream_from_batches(schema, batches);
    }
    let batches = cast_batches(batches, &plain).map_err(|e| EngineError::internal(e.into()))?;
    ipc_stream_from_batches(&plain, &batches)
}

/// Batches cast column by column to `schema`, whose fields are theirs in the
/// same order with other types (plain forms for readers that lack some).
pub fn cast_batches(
    batches: &[RecordBatch],
    schema: &SchemaRef,
) -> Result<Vec<RecordBatch>, ArrowError> {
    batches
        .iter()
        .map(|batch| {
            let columns = batch
                .columns()
                .iter()
                .zip(schema.fields())
                .map(|(column, field)| cast(column, field.data_type()))
                .collect::<Result<Vec<_>, _>>()?;
            RecordBatch::try_new(schema.clone(), columns)
        })
        .collect()
}

/// The field with every dictionary inside it replaced by its value type.
fn plain_field(field: &FieldRef) -> FieldRef {
    Arc::new(
        field
            .as_ref()
            .clone()
            .with_data_type(plain_type(field.data_type())),
    )
}

fn plain_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Dictionary(_, values) => plain_type(values),
        DataType::List(item) => DataType::List(plain_field(item)),
        DataType::LargeList(item) => DataType::LargeList(plain_field(item)),
        DataType::FixedSizeList(item, size) => DataType::FixedSizeList(plain_field(item), *size),
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(plain_field).collect()),
        other => other.clone(),
    }
}

/// Decodes an Arrow IPC stream written by [`ipc_stream_from_batches`].
pub(crate) fn batches_from_ipc_stream(bytes: &[u8]) -> Result<Vec<RecordBatch>, EngineError> {
    let reader = StreamReader::try_new(std::io::Cursor::new(bytes), None)
        .map_err(|e| EngineError::internal(e.into()))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| EngineError::internal(e.into()))
}

/// The first `limit` rows of `batches`, sliced without copying. The page shows a
/// step's result from these; the engine keeps every row for charts and later steps.
pub fn first_rows(batches: &[RecordBatch], limit: usize) -> Vec<RecordBatch> {
    let mut left = limit;
    let mut taken = Vec::new();
    for batch in batches {
        if left == 0 {
            break;
        }
        let rows = batch.num_rows().min(left);
        taken.push(batch.slice(0, rows));
        left -= rows;
    }
    taken
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, RecordBatch};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    use super::{first_rows, page_ipc_stream};

    fn batch(values: std::ops::Range<i64>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        let column = Arc::new(Int64Array::from_iter_values(values));
        RecordBatch::try_new(schema, vec![column]).expect("a valid batch")
    }

    fn values(batches: &[RecordBatch]) -> Vec<i64> {
        batches
            .iter()
            .flat_map(|b| {
                let column = b.column(0).as_any().downcast_ref::<Int64Array>();
                column.expect("int64").values().to_vec()
            })
            .collect()
    }

    #[test]
    fn the_limit_cuts_inside_a_batch_and_keeps_the_order() {
        let batches = [batch(0..3), batch(3..8), batch(8..10)];
        let taken = first_rows(&batches, 5);
        assert_eq!(values(&taken), vec![0, 1, 2, 3, 4]);
        assert_eq!(taken.len(), 2);
    }

    #[test]
    fn a_limit_beyond_the_rows_keeps_them_all() {
        let batches = [batch(0..3), batch(3..5)];
        assert_eq!(values(&first_rows(&batches, 100)), vec![0, 1, 2, 3, 4]);
        assert!(first_rows(&batches, 0).is_empty());
        assert!(first_rows(&[], 10).is_empty());
    }

    #[test]
    fn the_page_gets_dictionary_columns_as_their_values() {
        use datafusion::arrow::array::{DictionaryArray, ListArray};
        use datafusion::arrow::datatypes::Int32Type;

        let cities: DictionaryArray<Int32Type> = vec![Some("Lisbon"), None, Some("Lisbon")]
            .into_iter()
            .collect();
        let tags = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1)]),
            None,
            Some(vec![Some(2), Some(3)]),
        ]);
        let batch = RecordBatch::try_from_iter([
            ("city", Arc::new(cities) as _),
            ("tags", Arc::new(tags) as _),
        ])
        .expect("batch");
        let bytes = page_ipc_stream(&batch.schema(), &[batch.clone(), batch]).expect("encoded");
        let table = meridian_model::ResultTable::from_ipc_stream(&bytes).expect("decoded");
        assert_eq!(table.schema().field(0).data_type(), &DataType::Utf8);
        assert_eq!(table.row_count(), 6);
        assert_eq!(
            table.rows(0, 3),
            [["Lisbon", "[1]"], ["NULL", "NULL"], ["Lisbon", "[2, 3]"]]
        );
    }
}

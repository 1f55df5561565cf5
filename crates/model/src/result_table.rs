//! A query result decoded from Arrow IPC, read one visible cell at a time.
//!
//! The worker sends results as an Arrow IPC stream. The grid shows only the rows
//! that fit on screen, so cells are formatted on demand instead of all at once.

use arrow_array::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{ArrowError, DataType, SchemaRef};

use crate::ipc_stream::read_stream;

/// Why a result could not be decoded. Always a bug between worker and UI.
#[derive(Debug, thiserror::Error)]
pub enum ResultTableError {
    #[error("the query result could not be decoded: {0}")]
    Decode(#[from] ArrowError),
}

/// A decoded query result.
#[derive(Clone, Debug)]
pub struct ResultTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    /// `batch_starts[i]` is the index of the first row of `batches[i]`.
    batch_starts: Vec<usize>,
    row_count: usize,
}

impl ResultTable {
    /// Decodes an Arrow IPC stream without dictionary-encoded columns.
    pub fn from_ipc_stream(bytes: &[u8]) -> Result<Self, ResultTableError> {
        let (schema, batches) = read_stream(bytes)?;
        Ok(Self::from_batches(schema, batches))
    }

    pub fn from_batches(schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        let mut batch_starts = Vec::with_capacity(batches.len());
        let mut row_count = 0;
        for batch in &batches {
            batch_starts.push(row_count);
            row_count += batch.num_rows();
        }
        Self {
            schema,
            batches,
            batch_starts,
            row_count,
        }
    }

    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    pub fn batches(&self) -> &[RecordBatch] {
        &self.batches
    }

    pub fn row_count(&self) -> usize {
        self.row_count
    }

    pub fn column_count(&self) -> usize {
        self.schema.fields().len()
    }

    pub fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|field| field.name().clone())
            .collect()
    }

    /// Whether a column holds numbers, which the grid aligns to the right.
    pub fn is_numeric(&self, column: usize) -> bool {
        self.schema
            .fields()
            .get(column)
            .is_some_and(|field| is_numeric_type(field.data_type()))
    }

    /// The cell at `row`, `column` as text; `None` outside the table.
    /// Nulls are shown as `NULL` so they cannot be mistaken for empty strings.
    pub fn cell(&self, row: usize, column: usize) -> Option<String> {
        if row >= self.row_count || column >= self.column_count() {
            return None;
        }
        let batch_index = self.batch_starts.partition_point(|start| *start <= row) - 1;
        let batch = &self.batches[batch_index];
        let array = batch.column(column);
        let options = FormatOptions::default().with_null("NULL");
        let formatter = ArrayFormatter::try_new(array.as_ref(), &options).ok()?;
        Some(
            formatter
                .value(row - self.batch_starts[batch_index])
                .to_string(),
        )
    }

    /// The rows `start..start + count` (clamped), each as its formatted cells.
    pub fn rows(&self, start: usize, count: usize) -> Vec<Vec<String>> {
        let end = (start + count).min(self.row_count);
        (start..end)
            .map(|row| {
                (0..self.column_count())
                    .map(|column| self.cell(row, column).unwrap_or_default())
                    .collect()
            })
            .collect()
    }
}

fn is_numeric_type(data_type: &DataType) -> bool {
    data_type.is_numeric()
        || matches!(data_type, DataType::Dictionary(_, value) if value.is_numeric())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, Int32Array, StringArray};
    use arrow_ipc::writer::StreamWriter;
    use arrow_schema::{Field, Schema};

    use super::*;

    fn two_batch_stream() -> Vec<u8> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int32, false),
            Field::new("city", DataType::Utf8, true),
            Field::new("amount", DataType::Float64, true),
        ]));
        let first = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int32Array::from(vec![1, 2])),
                Arc::new(StringArray::from(vec![Some("Lisbon"), None])),
                Arc::new(Float64Array::from(vec![Some(1.5), Some(2.25)])),
            ],
        )
        .expect("batch");
        let second = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int32Array::from(vec![3])),
                Arc::new(StringArray::from(vec![Some("Oslo")])),
                Arc::new(Float64Array::from(vec![None])),
            ],
        )
        .expect("batch");
        let mut bytes = Vec::new();
        let mut writer = StreamWriter::try_new(&mut bytes, &schema).expect("writer");
        writer.write(&first).expect("write");
        writer.write(&second).expect("write");
        writer.finish().expect("finish");
        drop(writer);
        bytes
    }

    #[test]
    fn cells_are_read_across_batches() {
        let table = ResultTable::from_ipc_stream(&two_batch_stream()).expect("decode");
        assert_eq!(table.row_count(), 3);
        assert_eq!(table.column_names(), ["id", "city", "amount"]);
        assert_eq!(table.cell(2, 1).as_deref(), Some("Oslo"));
        assert_eq!(table.cell(1, 1).as_deref(), Some("NULL"));
        assert_eq!(table.cell(1, 2).as_deref(), Some("2.25"));
        assert_eq!(table.cell(3, 0), None);
        assert!(table.is_numeric(0) && !table.is_numeric(1));
    }

    #[test]
    fn row_windows_are_clamped_to_the_table() {
        let table = ResultTable::from_ipc_stream(&two_batch_stream()).expect("decode");
        let rows = table.rows(1, 10);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], ["3", "Oslo", "NULL"]);
    }

    #[test]
    fn garbage_is_a_decode_error_not_a_panic() {
        assert!(ResultTable::from_ipc_stream(b"not arrow").is_err());
        assert!(ResultTable::from_ipc_stream(b"").is_err());
        let stream = two_batch_stream();
        for cut in [3, 8, stream.len() / 2, stream.len() - 9] {
            assert!(
                ResultTable::from_ipc_stream(&stream[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_result_without_rows_keeps_its_columns() {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, false)]));
        let mut bytes = Vec::new();
        StreamWriter::try_new(&mut bytes, &schema)
            .and_then(|mut writer| writer.finish())
            .expect("an empty stream");
        let table = ResultTable::from_ipc_stream(&bytes).expect("decode");
        assert_eq!(
            (table.row_count(), table.column_names()),
            (0, vec!["n".to_string()])
        );
    }

    #[test]
    fn dictionary_columns_are_refused_by_name() {
        use arrow_array::DictionaryArray;
        use arrow_array::types::Int8Type;
        let cities: DictionaryArray<Int8Type> =
            vec!["Lisbon", "Oslo", "Lisbon"].into_iter().collect();
        let batch = RecordBatch::try_from_iter([("city", Arc::new(cities) as _)]).expect("batch");
        let mut bytes = Vec::new();
        let mut writer = StreamWriter::try_new(&mut bytes, &batch.schema()).expect("writer");
        writer.write(&batch).expect("write");
        writer.finish().expect("finish");
        drop(writer);
        let error = ResultTable::from_ipc_stream(&bytes).expect_err("refused");
        assert!(error.to_string().contains("dictionary-encoded"), "{error}");
    }
}

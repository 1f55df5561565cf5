//! Holding a table's columns of few distinct values as dictionaries.
//!
//! A decoded string takes a 16-byte view per row however short it is, and a
//! number its full width however few values the column has. Held as
//! dictionaries (a 2-byte key per row and each distinct value once per
//! batch), the columns that gain take a fraction of that: natively, TPC-H
//! lineitem at scale factor 1 was held in 663 MB rather than 1,275 MB, and the
//! benchmark's ten million telemetry readings in 229 MB rather than 922 MB. So
//! more tables fit the memory budget, and a table held in memory is scanned
//! faster than one decoded from its file on every query.
//!
//! Users never see the dictionaries: a held table keeps the types of its file,
//! and each scan turns the columns it reads back into them (see
//! `compact_table`), one batch at a time.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch, RecordBatchOptions};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;

/// The dictionaries' key type. A held batch has at most `MAX_ROWS_PER_KEY`
/// rows, so it cannot have more distinct values than the keys can number.
const KEY_TYPE: DataType = DataType::UInt16;

/// The most rows a batch may have for its columns to be held as dictionaries.
const MAX_ROWS_PER_KEY: usize = u16::MAX as usize + 1;

/// How each column of a table is held: `Some(type)` for a column held as a
/// dictionary of that type, `None` for one held as it was decoded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Compaction {
    held_types: Vec<Option<DataType>>,
}

impl Compaction {
    /// Chooses, from a table's first full batch, the columns to hold as
    /// dictionaries: those a dictionary holds in at most half their bytes.
    /// Later batches of a table are alike (its values are spread over its
    /// rows), and a column chosen wrongly costs at most its keys, 2 bytes a
    /// row.
    pub(crate) fn choose(batch: &RecordBatch) -> Result<Self, ArrowError> {
        let mut held_types = Vec::with_capacity(batch.num_columns());
        for column in batch.columns() {
            let chosen = match dictionary_type(column.data_type()) {
                Some(dictionary) if batch.num_rows() <= MAX_ROWS_PER_KEY => {
                    let encoded = encode(column, &dictionary)?;
                    (encoded.get_array_memory_size() * 2 <= decoded_size(column.as_ref()))
                        .then_some(dictionary)
                }
                _ => None,
            };
            held_types.push(chosen);
        }
        Ok(Self { held_types })
    }

    /// Whether any column is held otherwise than decoded.
    pub(crate) fn changes_anything(&self) -> bool {
        self.held_types.iter().any(Option::is_some)
    }

    /// The schema of the batches as held.
    pub(crate) fn held_schema(&self, decoded: &Schema) -> SchemaRef {
        let fields: Vec<Field> = decoded
            .fields()
            .iter()
            .zip(&self.held_types)
            .map(|(field, held)| match held {
                Some(data_type) => field.as_ref().clone().with_data_type(data_type.clone()),
                None => field.as_ref().clone(),
            })
            .collect();
        Arc::new(Schema::new_with_metadata(
            fields,
            decoded.metadata().clone(),
        ))
    }

    /// `batch` with the chosen columns turned into dictionaries.
    pub(crate) fn apply(
        &self,
        batch: RecordBatch,
        held_schema: &SchemaRef,
    ) -> Result<RecordBatch, ArrowError> {
        if !self.changes_anything() {
            return Ok(batch);
        }
        let row_count = batch.num_rows();
        let (_, columns, _) = batch.into_parts();
        let mut held = Vec::with_capacity(columns.len());
        for (column, held_type) in columns.into_iter().zip(&self.held_types) {
            held.push(match held_type {
                Some(dictionary) => encode(&column, dictionary)?,
                None => column,
            });
        }
        let options = RecordBatchOptions::new().with_row_count(Some(row_count));
        RecordBatch::try_new_with_options(Arc::clone(held_schema), held, &options)
    }
}

/// The dictionary a column of `data_type` may be held as: wide values only,
/// since a 2-byte key cannot halve a 4-byte one. The values keep their type,
/// so turning a column back gathers each row's value, string views included,
/// and copies no string.
fn dictionary_type(data_type: &DataType) -> Option<DataType> {
    let values = match data_type {
        DataType::Utf8View | DataType::Utf8 => data_type.clone(),
        DataType::Int64
        | DataType::UInt64
        | DataType::Float64
        | DataType::Decimal128(_, _)
        | DataType::Timestamp(_, _) => data_type.clone(),
        _ => return None,
    };
    Some(DataType::Dictionary(Box::new(KEY_TYPE), Box::new(values)))
}

/// `column` as a dictionary of `dictionary`'s type, without spare capacity.
fn encode(column: &ArrayRef, dictionary: &DataType) -> Result<ArrayRef, ArrowError> {
    let mut encoded = cast(column, dictionary)?;
    encoded.shrink_to_fit();
    Ok(encoded)
}

/// The bytes `column` takes as decoded. String views count their own 16
/// bytes and the strings too long to sit in them: the buffers the strings lie
/// in are shared with other batches cut from the same page.
fn decoded_size(column: &dyn Array) -> usize {
    match column.data_type() {
        DataType::Utf8View => {
            let strings = column.as_string_view();
            let outside_views: usize = strings
                .views()
                .iter()
                .map(|view| *view as u32 as usize)
                .filter(|length| *length > 12)
                .sum();
            strings.views().inner().len() + outside_views
        }
        _ => column.get_buffer_memory_size(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use datafusion::arrow::array::{Float64Array, Int32Array, StringViewArray};

    use super::*;

    fn batch() -> RecordBatch {
        let rows = 1_000;
        let flags = StringViewArray::from_iter_values((0..rows).map(|i| ["A", "N", "R"][i % 3]));
        let comments = StringViewArray::from_iter_values(
            (0..rows).map(|i| format!("a comment of its own, number {i}")),
        );
        let prices = Float64Array::from_iter_values((0..rows).map(|i| (i % 10) as f64 / 4.0));
        let ids = Int32Array::from_iter_values(0..rows as i32);
        let schema = Arc::new(Schema::new(vec![
            Field::new("flag", DataType::Utf8View, false),
            Field::new("comment", DataType::Utf8View, false),
            Field::new("price", DataType::Float64, false),
            Field::new("id", DataType::Int32, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(flags),
            Arc::new(comments),
            Arc::new(prices),
            Arc::new(ids),
        ];
        RecordBatch::try_new(schema, columns).unwrap()
    }

    #[test]
    fn columns_of_few_values_are_held_as_dictionaries() {
        let batch = batch();
        let compaction = Compaction::choose(&batch).unwrap();
        let strings = DataType::Dictionary(Box::new(KEY_TYPE), Box::new(DataType::Utf8View));
        let numbers = DataType::Dictionary(Box::new(KEY_TYPE), Box::new(DataType::Float64));
        assert_eq!(
            compaction.held_types,
            [Some(strings), None, Some(numbers), None]
        );

        let held_schema = compaction.held_schema(&batch.schema());
        let held = compaction.apply(batch.clone(), &held_schema).unwrap();
        for index in [0, 2] {
            let held_bytes = held.column(index).get_array_memory_size();
            let decoded_bytes = batch.column(index).get_array_memory_size();
            assert!(
                held_bytes * 2 < decoded_bytes,
                "{held_bytes} of {decoded_bytes}"
            );
        }
        // Cast back, every value is as it was decoded.
        for (index, field) in batch.schema().fields().iter().enumerate() {
            let restored = cast(held.column(index), field.data_type()).unwrap();
            assert_eq!(
                restored.as_ref(),
                batch.column(index).as_ref(),
                "{}",
                field.name()
            );
        }
    }

    #[test]
    fn batches_too_long_for_the_keys_are_held_as_decoded() {
        let rows = MAX_ROWS_PER_KEY + 1;
        let flags = StringViewArray::from_iter_values((0..rows).map(|i| ["A", "N"][i % 2]));
        let schema = Arc::new(Schema::new(vec![Field::new(
            "flag",
            DataType::Utf8View,
            false,
        )]));
        let batch = RecordBatch::try_new(schema, vec![Arc::new(flags)]).unwrap();
        assert!(!Compaction::choose(&batch).unwrap().changes_anything());
    }
}

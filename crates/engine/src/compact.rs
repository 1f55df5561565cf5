//! Holding a table's columns of few distinct values as dictionaries.
//!
//! A decoded string takes a 16-byte view per row however short it is, and a
//! number its full width however few values the column has. Held as
//! dictionaries (a key of one byte per row, or two for a column with more
//! than a few hundred values in a batch, and each distinct value once per
//! batch), the columns that gain take a fraction of that: natively, at the
//! benchmark's sizes, five million payments were held in 127 MB rather than
//! 640 MB, and ten million telemetry readings in 149 MB rather than 922 MB.
//! So more tables fit the memory budget, and a table held in memory is
//! scanned faster than one decoded from its file on every query.
//!
//! Users never see the dictionaries: a held table keeps the types of its file,
//! and each scan turns the columns it reads back into them (see
//! `compact_table`), one batch at a time.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch, RecordBatchOptions};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::error::ArrowError;

/// Keys of one byte, for columns with few values in a batch.
const NARROW_KEY: DataType = DataType::UInt8;

/// Keys of two bytes, for columns with more values than a byte numbers.
const WIDE_KEY: DataType = DataType::UInt16;

/// The most distinct values a column's first batch may have for the column to
/// get one-byte keys: half of what they number, so that later batches have
/// room for values the first lacked. A batch that has more anyway widens its
/// column's keys (see `Compaction::apply`).
const MOST_VALUES_FOR_NARROW_KEYS: usize = 128;

/// The most rows a batch may have for its columns to be held as dictionaries:
/// with two-byte keys, it cannot have more distinct values than they number.
const MAX_ROWS_PER_KEY: usize = u16::MAX as usize + 1;

/// How each column of a table is held: `Some(type)` for a column held as a
/// dictionary of that type, `None` for one held as it was decoded.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Compaction {
    held_types: Vec<Option<DataType>>,
    held_schema: SchemaRef,
}

impl Compaction {
    /// Chooses, from a table's first full batch, the columns to hold as
    /// dictionaries: those a dictionary holds in at most half their bytes.
    /// `None` when there are none. Later batches of a table are alike (its
    /// values are spread over its rows), and a column chosen wrongly costs at
    /// most its keys, 2 bytes a row.
    pub(crate) fn choose(batch: &RecordBatch) -> Result<Option<Self>, ArrowError> {
        let mut held_types = Vec::with_capacity(batch.num_columns());
        for column in batch.columns() {
            held_types.push(held_type(column)?);
        }
        if held_types.iter().all(Option::is_none) {
            return Ok(None);
        }
        let held_schema = with_types(&batch.schema(), &held_types);
        Ok(Some(Self {
            held_types,
            held_schema,
        }))
    }

    /// The schema of the batches as held.
    pub(crate) fn held_schema(&self) -> &SchemaRef {
        &self.held_schema
    }

    /// `batch`, as decoded or as held before, with each column as this
    /// compaction holds it, and whether that changed how a column is held.
    ///
    /// A column whose one-byte keys cannot number its values in `batch` gets
    /// two-byte keys from then on; the batches held before must then be
    /// passed through `apply` again.
    pub(crate) fn apply(&mut self, batch: RecordBatch) -> Result<(RecordBatch, bool), ArrowError> {
        let row_count = batch.num_rows();
        let (_, columns, _) = batch.into_parts();
        let mut widened = false;
        let mut held = Vec::with_capacity(columns.len());
        for (column, held_type) in columns.into_iter().zip(&mut self.held_types) {
            let Some(target) = held_type.as_mut() else {
                held.push(column);
                continue;
            };
            if column.data_type() == target {
                held.push(column);
                continue;
            }
            match encode(&column, target) {
                Ok(encoded) => held.push(encoded),
                Err(ArrowError::DictionaryKeyOverflowError) if key_of(target) == &NARROW_KEY => {
                    *target = dictionary_of(WIDE_KEY, value_of(target).clone());
                    widened = true;
                    held.push(encode(&column, target)?);
                }
                Err(error) => return Err(error),
            }
        }
        if widened {
            self.held_schema = with_types(&self.held_schema, &self.held_types);
        }
        let options = RecordBatchOptions::new().with_row_count(Some(row_count));
        let batch =
            RecordBatch::try_new_with_options(Arc::clone(&self.held_schema), held, &options)?;
        Ok((batch, widened))
    }
}

/// How `column`, a table's first full batch of it, is held: as a dictionary
/// when that takes at most half its decoded bytes, with one-byte keys when it
/// has few values.
fn held_type(column: &ArrayRef) -> Result<Option<DataType>, ArrowError> {
    if !may_be_dictionary(column.data_type()) || column.len() > MAX_ROWS_PER_KEY {
        return Ok(None);
    }
    let value_type = column.data_type().clone();
    let wide = dictionary_of(WIDE_KEY, value_type.clone());
    let mut encoded = encode(column, &wide)?;
    let mut chosen = wide;
    if encoded.as_any_dictionary().values().len() <= MOST_VALUES_FOR_NARROW_KEYS {
        chosen = dictionary_of(NARROW_KEY, value_type);
        encoded = encode(column, &chosen)?;
    }
    let gains = encoded.get_array_memory_size() * 2 <= decoded_size(column.as_ref());
    Ok(gains.then_some(chosen))
}

/// Whether a column of `data_type` may be held as a dictionary: values of 4
/// bytes or more, since a key of one byte cannot halve a narrower one. The
/// values keep their type, so turning a column back gathers each row's value,
/// string views included, and copies no string.
fn may_be_dictionary(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8View
            | DataType::Utf8
            | DataType::Int32
            | DataType::UInt32
            | DataType::Float32
            | DataType::Date32
            | DataType::Int64
            | DataType::UInt64
            | DataType::Float64
            | DataType::Decimal128(_, _)
            | DataType::Timestamp(_, _)
    )
}

fn dictionary_of(key: DataType, values: DataType) -> DataType {
    DataType::Dictionary(Box::new(key), Box::new(values))
}

fn key_of(dictionary: &DataType) -> &DataType {
    match dictionary {
        DataType::Dictionary(key, _) => key,
        other => other,
    }
}

fn value_of(dictionary: &DataType) -> &DataType {
    match dictionary {
        DataType::Dictionary(_, values) => values,
        other => other,
    }
}

/// `schema` with the fields of a `Some` type given that type.
fn with_types(schema: &Schema, types: &[Option<DataType>]) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .zip(types)
        .map(|(field, held)| match held {
            Some(data_type) => field.as_ref().clone().with_data_type(data_type.clone()),
            None => field.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
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

    fn batch(rows: usize) -> RecordBatch {
        let flags = StringViewArray::from_iter_values((0..rows).map(|i| ["A", "N", "R"][i % 3]));
        let comments = StringViewArray::from_iter_values(
            (0..rows).map(|i| format!("a comment of its own, number {i}")),
        );
        let prices = Float64Array::from_iter_values((0..rows).map(|i| (i % 200) as f64 / 4.0));
        let lines = Int32Array::from_iter_values((0..rows).map(|i| (i % 7) as i32));
        let ids = Int32Array::from_iter_values(0..rows as i32);
        let schema = Arc::new(Schema::new(vec![
            Field::new("flag", DataType::Utf8View, false),
            Field::new("comment", DataType::Utf8View, false),
            Field::new("price", DataType::Float64, false),
            Field::new("line", DataType::Int32, false),
            Field::new("id", DataType::Int32, false),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(flags),
            Arc::new(comments),
            Arc::new(prices),
            Arc::new(lines),
            Arc::new(ids),
        ];
        RecordBatch::try_new(schema, columns).unwrap()
    }

    /// Every column of `held` cast back is the column of `decoded`.
    fn assert_restores(held: &RecordBatch, decoded: &RecordBatch) {
        for (index, field) in decoded.schema().fields().iter().enumerate() {
            let restored = cast(held.column(index), field.data_type()).unwrap();
            assert_eq!(
                restored.as_ref(),
                decoded.column(index).as_ref(),
                "{}",
                field.name()
            );
        }
    }

    #[test]
    fn columns_of_few_values_are_held_as_dictionaries() {
        let batch = batch(2_000);
        let mut compaction = Compaction::choose(&batch).unwrap().unwrap();
        assert_eq!(
            compaction.held_types,
            [
                Some(dictionary_of(NARROW_KEY, DataType::Utf8View)),
                None,
                Some(dictionary_of(WIDE_KEY, DataType::Float64)),
                Some(dictionary_of(NARROW_KEY, DataType::Int32)),
                None,
            ]
        );

        let (held, widened) = compaction.apply(batch.clone()).unwrap();
        assert!(!widened);
        assert_eq!(held.schema(), *compaction.held_schema());
        for index in [0, 2, 3] {
            let held_bytes = held.column(index).get_array_memory_size();
            let decoded_bytes = batch.column(index).get_array_memory_size();
            assert!(
                held_bytes * 2 < decoded_bytes,
                "{held_bytes} of {decoded_bytes}"
            );
        }
        assert_restores(&held, &batch);
    }

    #[test]
    fn a_batch_with_more_values_than_one_byte_numbers_widens_the_keys() {
        let few = batch(1_000).project(&[3]).unwrap();
        let mut compaction = Compaction::choose(&few).unwrap().unwrap();
        let (held_first, _) = compaction.apply(few.clone()).unwrap();

        let many_values = Int32Array::from_iter_values(0..1_000);
        let many = RecordBatch::try_new(few.schema(), vec![Arc::new(many_values)]).unwrap();
        let (held_second, widened) = compaction.apply(many.clone()).unwrap();
        assert!(widened);
        let wide = dictionary_of(WIDE_KEY, DataType::Int32);
        assert_eq!(held_second.column(0).data_type(), &wide);
        assert_restores(&held_second, &many);

        // The batch held before is held again with the wider keys.
        let (held_again, widened_again) = compaction.apply(held_first).unwrap();
        assert!(!widened_again);
        assert_eq!(held_again.schema(), *compaction.held_schema());
        assert_restores(&held_again, &few);
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
        assert!(Compaction::choose(&batch).unwrap().is_none());
    }
}

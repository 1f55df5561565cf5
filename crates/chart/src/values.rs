//! Columns read as plain numbers for drawing.
//!
//! Written out per type instead of calling Arrow's `cast`: that one function
//! links every cast kernel Arrow has (about a megabyte of the page's wasm, a
//! fifth of it), while a chart needs only numbers and instants.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type,
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType, PrimitiveArray};
use arrow_schema::{DataType, TimeUnit};

const MS_PER_DAY: i64 = 86_400_000;

fn each<T: ArrowPrimitiveType>(
    array: &dyn Array,
    to_f64: impl Fn(T::Native) -> Option<f64>,
) -> Vec<Option<f64>> {
    let array: &PrimitiveArray<T> = array.as_primitive();
    array.iter().map(|v| v.and_then(&to_f64)).collect()
}

/// A numeric or boolean column as numbers (true is 1); `None` for other types.
/// Decimals lose digits past a float's 15 or so, as any chart does; a
/// Decimal256 beyond the range of i128 is drawn as a gap.
pub fn numbers(array: &dyn Array) -> Option<Vec<Option<f64>>> {
    let ten_to = |scale: i8| 10f64.powi(i32::from(scale));
    let values = match array.data_type() {
        DataType::Int8 => each::<Int8Type>(array, |v| Some(f64::from(v))),
        DataType::Int16 => each::<Int16Type>(array, |v| Some(f64::from(v))),
        DataType::Int32 => each::<Int32Type>(array, |v| Some(f64::from(v))),
        DataType::Int64 => each::<Int64Type>(array, |v| Some(v as f64)),
        DataType::UInt8 => each::<UInt8Type>(array, |v| Some(f64::from(v))),
        DataType::UInt16 => each::<UInt16Type>(array, |v| Some(f64::from(v))),
        DataType::UInt32 => each::<UInt32Type>(array, |v| Some(f64::from(v))),
        DataType::UInt64 => each::<UInt64Type>(array, |v| Some(v as f64)),
        DataType::Float16 => each::<Float16Type>(array, |v| Some(v.to_f64())),
        DataType::Float32 => each::<Float32Type>(array, |v| Some(f64::from(v))),
        DataType::Float64 => each::<Float64Type>(array, Some),
        DataType::Decimal32(_, scale) => {
            let unit = ten_to(*scale);
            each::<Decimal32Type>(array, |v| Some(f64::from(v) / unit))
        }
        DataType::Decimal64(_, scale) => {
            let unit = ten_to(*scale);
            each::<Decimal64Type>(array, |v| Some(v as f64 / unit))
        }
        DataType::Decimal128(_, scale) => {
            let unit = ten_to(*scale);
            each::<Decimal128Type>(array, |v| Some(v as f64 / unit))
        }
        DataType::Decimal256(_, scale) => {
            let unit = ten_to(*scale);
            each::<Decimal256Type>(array, |v| v.to_i128().map(|v| v as f64 / unit))
        }
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|v| v.map(|b| if b { 1.0 } else { 0.0 }))
            .collect(),
        _ => return None,
    };
    Some(values)
}

/// A timestamp or date column as UTC milliseconds; `None` for other types.
pub fn instants_ms(array: &dyn Array) -> Option<Vec<Option<f64>>> {
    let ms = |v: i64| Some(v as f64);
    let values = match array.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            each::<TimestampSecondType>(array, |v| v.checked_mul(1000).and_then(ms))
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            each::<TimestampMillisecondType>(array, ms)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            each::<TimestampMicrosecondType>(array, |v| ms(v.div_euclid(1000)))
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            each::<TimestampNanosecondType>(array, |v| ms(v.div_euclid(1_000_000)))
        }
        DataType::Date32 => each::<Date32Type>(array, |v| ms(i64::from(v) * MS_PER_DAY)),
        DataType::Date64 => each::<Date64Type>(array, ms),
        _ => return None,
    };
    Some(values)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float32Array, Int8Array, StringArray,
        TimestampMicrosecondArray, TimestampSecondArray, UInt64Array,
    };

    use super::*;

    #[test]
    fn numbers_of_every_width_with_gaps() {
        let cases: Vec<(ArrayRef, Vec<Option<f64>>)> = vec![
            (
                Arc::new(Int8Array::from(vec![Some(-3), None])),
                vec![Some(-3.0), None],
            ),
            (
                Arc::new(UInt64Array::from(vec![Some(7), Some(0)])),
                vec![Some(7.0), Some(0.0)],
            ),
            (
                Arc::new(Float32Array::from(vec![Some(0.5), None])),
                vec![Some(0.5), None],
            ),
            (
                Arc::new(
                    Decimal128Array::from(vec![Some(12_345), Some(-5)])
                        .with_precision_and_scale(10, 2)
                        .unwrap(),
                ),
                vec![Some(123.45), Some(-0.05)],
            ),
            (
                // Multiplying by 0.1 would give 0.30000000000000004.
                Arc::new(
                    Decimal128Array::from(vec![Some(3)])
                        .with_precision_and_scale(5, 1)
                        .unwrap(),
                ),
                vec![Some(0.3)],
            ),
            (
                Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
                vec![Some(1.0), Some(0.0), None],
            ),
        ];
        for (array, expected) in cases {
            // Exact: a decimal is divided by its power of ten, as Arrow's cast does,
            // so 12345 at scale 2 is the float nearest 123.45.
            assert_eq!(numbers(array.as_ref()).unwrap(), expected);
        }
        assert!(numbers(&StringArray::from(vec!["a"])).is_none());
    }

    #[test]
    fn instants_in_every_unit_become_utc_milliseconds() {
        let seconds = TimestampSecondArray::from(vec![Some(1), None]).with_timezone("UTC");
        assert_eq!(instants_ms(&seconds).unwrap(), vec![Some(1000.0), None]);
        // Before 1970 a microsecond rounds down to the millisecond it falls in.
        let micros = TimestampMicrosecondArray::from(vec![Some(-1), Some(2_500)]);
        assert_eq!(instants_ms(&micros).unwrap(), vec![Some(-1.0), Some(2.0)]);
        let days = Date32Array::from(vec![Some(1)]);
        assert_eq!(instants_ms(&days).unwrap(), vec![Some(86_400_000.0)]);
        assert!(instants_ms(&Int8Array::from(vec![1])).is_none());
    }
}

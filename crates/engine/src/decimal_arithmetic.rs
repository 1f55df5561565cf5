//! Decimal addition, subtraction and multiplication with a fast path for the
//! magnitudes money and measurements have.
//!
//! Arrow computes every `Decimal128` operation in 128-bit integers with an
//! overflow check per value, and aligns operands of different scales with a
//! checked multiplication first. A wasm32 machine has no 128-bit multiply, so
//! each checked one is a call into a software routine: TPC-H Q1's
//! `l_extendedprice * (1 - l_discount) * (1 + l_tax)` spent most of its time
//! there. Prices, amounts and percentages are nowhere near 128-bit magnitudes.
//! When the largest magnitudes of a batch's operands bound every result below
//! 2^63, the exact result is computed in 64-bit integers, without a check per
//! value, and widened. Any other batch goes to Arrow's kernel, the one
//! DataFusion's operator calls, which gives the same answers and errors.
//!
//! The result's precision and scale follow Arrow's rules, and the rule that
//! puts these functions in a plan (`decimal_rule`) only does so where
//! DataFusion types the operator alike, so a plan's schema never changes.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Datum, Decimal128Array};
use datafusion::arrow::buffer::{NullBuffer, ScalarBuffer};
use datafusion::arrow::compute::kernels::numeric::{add_wrapping, mul_wrapping, sub_wrapping};
use datafusion::arrow::datatypes::{DECIMAL128_MAX_PRECISION, DECIMAL128_MAX_SCALE, DataType};
use datafusion::arrow::error::ArrowError;
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, Operator, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility,
};
use datafusion::physical_expr_common::datum::apply;

/// The operators with a fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DecimalOp {
    Add,
    Subtract,
    Multiply,
}

/// Results below this magnitude fit a signed 64-bit integer.
const I64_LIMIT: u128 = 1 << 63;

impl DecimalOp {
    /// The operator `op` stands for, if it has a fast path.
    pub(crate) fn of(op: Operator) -> Option<Self> {
        match op {
            Operator::Plus => Some(Self::Add),
            Operator::Minus => Some(Self::Subtract),
            Operator::Multiply => Some(Self::Multiply),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Add => "decimal_add",
            Self::Subtract => "decimal_subtract",
            Self::Multiply => "decimal_multiply",
        }
    }

    /// The function to put in a plan in place of the operator.
    pub(crate) fn udf(self) -> Arc<ScalarUDF> {
        Arc::new(ScalarUDF::new_from_impl(DecimalArithmetic::new(self)))
    }

    /// The result's precision and scale for operands of these precisions and
    /// scales, by Arrow's rules; `None` where Arrow refuses (a product's scale
    /// beyond the maximum).
    pub(crate) fn result_type(self, (p1, s1): (u8, i8), (p2, s2): (u8, i8)) -> Option<(u8, i8)> {
        match self {
            Self::Add | Self::Subtract => {
                let scale = s1.max(s2);
                let integer_digits = (p1 as i8 - s1).max(p2 as i8 - s2);
                let precision = (scale.saturating_add(integer_digits) as u8)
                    .saturating_add(1)
                    .min(DECIMAL128_MAX_PRECISION);
                Some((precision, scale))
            }
            Self::Multiply => {
                let scale = s1.saturating_add(s2);
                let precision = p1
                    .saturating_add(p2.saturating_add(1))
                    .min(DECIMAL128_MAX_PRECISION);
                (scale <= DECIMAL128_MAX_SCALE).then_some((precision, scale))
            }
        }
    }

    /// Arrow's kernel, as DataFusion's operator calls it.
    fn arrow_kernel(self) -> fn(&dyn Datum, &dyn Datum) -> Result<ArrayRef, ArrowError> {
        match self {
            Self::Add => add_wrapping,
            Self::Subtract => sub_wrapping,
            Self::Multiply => mul_wrapping,
        }
    }
}

/// `left <op> right` over two `Decimal128` values.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct DecimalArithmetic {
    op: DecimalOp,
    signature: Signature,
}

impl DecimalArithmetic {
    fn new(op: DecimalOp) -> Self {
        Self {
            op,
            signature: Signature::any(2, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for DecimalArithmetic {
    fn name(&self) -> &str {
        self.op.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        let [DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)] = arg_types else {
            return plan_err!("{} takes two Decimal128 values", self.name());
        };
        match self.op.result_type((*p1, *s1), (*p2, *s2)) {
            Some((precision, scale)) => Ok(DataType::Decimal128(precision, scale)),
            None => plan_err!(
                "the scale of {} would exceed {DECIMAL128_MAX_SCALE}",
                self.name()
            ),
        }
    }

    fn return_field_from_args(
        &self,
        args: ReturnFieldArgs,
    ) -> Result<datafusion::arrow::datatypes::FieldRef> {
        let types: Vec<_> = args
            .arg_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let nullable = args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new(
            self.name(),
            self.return_type(&types)?,
            nullable,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [left, right] = args.args.as_slice() else {
            return plan_err!("{} takes two values", self.name());
        };
        if let Some(array) = in_64_bits(self.op, left, right) {
            return Ok(ColumnarValue::Array(array));
        }
        apply(left, right, self.op.arrow_kernel())
    }
}

/// One operand: a column of a batch or one value for every row.
enum Operand<'a> {
    Column(&'a Decimal128Array),
    Value(i128),
}

struct Decimal<'a> {
    operand: Operand<'a>,
    precision: u8,
    scale: i8,
}

impl<'a> Decimal<'a> {
    /// `None` for a null value (every result is null; Arrow's kernel says so).
    fn of(value: &'a ColumnarValue) -> Option<Self> {
        match value {
            ColumnarValue::Array(array) => match array.data_type() {
                DataType::Decimal128(precision, scale) => Some(Self {
                    operand: Operand::Column(array.as_primitive_opt()?),
                    precision: *precision,
                    scale: *scale,
                }),
                _ => None,
            },
            ColumnarValue::Scalar(ScalarValue::Decimal128(Some(value), precision, scale)) => {
                Some(Self {
                    operand: Operand::Value(*value),
                    precision: *precision,
                    scale: *scale,
                })
            }
            ColumnarValue::Scalar(_) => None,
        }
    }

    /// A bound on the magnitude of every value, nulls' slots included (they
    /// may hold anything, and are computed too): at least the largest
    /// magnitude, and less than twice it (see [`magnitude_bound`]).
    fn bound(&self) -> u128 {
        match &self.operand {
            Operand::Column(array) => magnitude_bound(array.values()),
            Operand::Value(value) => value.unsigned_abs(),
        }
    }
}

/// The bitwise OR of the values' magnitudes, computed in 64-bit halves while
/// every value fits 64 bits, else their largest magnitude. The OR is at least
/// the largest magnitude (so a result within the bound is exact) and less than
/// twice it (it has the same highest bit): being a little high only sends a
/// batch whose results come near 2^63 to Arrow's kernel. Taking the largest
/// magnitude instead compares 128-bit integers, which wasm32 does in several
/// branching steps: in a browser profile of TPC-H Q1 and Q10, those bounds
/// took three times as long as the arithmetic they guard.
fn magnitude_bound(values: &[i128]) -> u128 {
    let mut magnitudes = 0u64;
    // Bits set where a value's upper half is not the sign of its lower half.
    let mut outside_64_bits = 0u64;
    for &value in values {
        let low = value as i64;
        let high = (value >> 64) as i64;
        outside_64_bits |= (high ^ (low >> 63)) as u64;
        magnitudes |= low.unsigned_abs();
    }
    if outside_64_bits == 0 {
        u128::from(magnitudes)
    } else {
        values.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0)
    }
}

/// The exact result computed in 64-bit integers, or `None` when some result
/// might not fit (or there is no column to compute).
fn in_64_bits(op: DecimalOp, left: &ColumnarValue, right: &ColumnarValue) -> Option<ArrayRef> {
    let left = Decimal::of(left)?;
    let right = Decimal::of(right)?;
    let (precision, scale) =
        op.result_type((left.precision, left.scale), (right.precision, right.scale))?;
    let (left_bound, right_bound) = (left.bound(), right.bound());
    let values = match op {
        DecimalOp::Multiply => {
            if left_bound.checked_mul(right_bound)? >= I64_LIMIT {
                return None;
            }
            combine(&left.operand, &right.operand, |a, b| a.wrapping_mul(b))?
        }
        DecimalOp::Add | DecimalOp::Subtract => {
            // Each side is brought to the result's scale first.
            let left_factor = power_of_ten(scale - left.scale)?;
            let right_factor = power_of_ten(scale - right.scale)?;
            let bound = left_bound
                .checked_mul(left_factor as u128)?
                .checked_add(right_bound.checked_mul(right_factor as u128)?)?;
            if bound >= I64_LIMIT {
                return None;
            }
            if op == DecimalOp::Add {
                combine(&left.operand, &right.operand, |a, b| {
                    a.wrapping_mul(left_factor)
                        .wrapping_add(b.wrapping_mul(right_factor))
                })?
            } else {
                combine(&left.operand, &right.operand, |a, b| {
                    a.wrapping_mul(left_factor)
                        .wrapping_sub(b.wrapping_mul(right_factor))
                })?
            }
        }
    };
    let nulls = match (&left.operand, &right.operand) {
        (Operand::Column(l), Operand::Column(r)) => NullBuffer::union(l.nulls(), r.nulls()),
        (Operand::Column(column), Operand::Value(_))
        | (Operand::Value(_), Operand::Column(column)) => column.nulls().cloned(),
        (Operand::Value(_), Operand::Value(_)) => return None,
    };
    let array = Decimal128Array::try_new(values, nulls)
        .ok()?
        .with_precision_and_scale(precision, scale)
        .ok()?;
    Some(Arc::new(array))
}

/// `f` over the operands' values, each known to fit 64 bits, widened back.
#[inline]
fn combine(
    left: &Operand,
    right: &Operand,
    f: impl Fn(i64, i64) -> i64,
) -> Option<ScalarBuffer<i128>> {
    let values: Vec<i128> = match (left, right) {
        (Operand::Column(l), Operand::Column(r)) => l
            .values()
            .iter()
            .zip(r.values().iter())
            .map(|(a, b)| f(*a as i64, *b as i64) as i128)
            .collect(),
        (Operand::Column(l), Operand::Value(b)) => {
            let b = *b as i64;
            l.values().iter().map(|a| f(*a as i64, b) as i128).collect()
        }
        (Operand::Value(a), Operand::Column(r)) => {
            let a = *a as i64;
            r.values().iter().map(|b| f(a, *b as i64) as i128).collect()
        }
        (Operand::Value(_), Operand::Value(_)) => return None,
    };
    Some(values.into())
}

/// 10^`exponent`, for exponents a 64-bit integer holds.
fn power_of_ten(exponent: i8) -> Option<i64> {
    10i64.checked_pow(u32::try_from(exponent).ok()?)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use datafusion::arrow::datatypes::Field;

    use super::*;

    /// Both operands as DataFusion hands them to a function.
    fn column(values: &[Option<i128>], precision: u8, scale: i8) -> ColumnarValue {
        let array = Decimal128Array::from(values.to_vec())
            .with_precision_and_scale(precision, scale)
            .unwrap();
        ColumnarValue::Array(Arc::new(array))
    }

    fn value(value: Option<i128>, precision: u8, scale: i8) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Decimal128(value, precision, scale))
    }

    fn run(op: DecimalOp, left: &ColumnarValue, right: &ColumnarValue) -> Result<ArrayRef> {
        let function = DecimalArithmetic::new(op);
        let fields: Vec<_> = [left, right]
            .iter()
            .map(|v| Arc::new(Field::new("x", v.data_type(), true)))
            .collect();
        let return_type = function
            .return_type(&[left.data_type(), right.data_type()])
            .unwrap();
        let answer = function.invoke_with_args(ScalarFunctionArgs {
            args: vec![left.clone(), right.clone()],
            arg_fields: fields,
            number_rows: 6,
            return_field: Arc::new(Field::new("r", return_type, true)),
            config_options: Arc::new(Default::default()),
        })?;
        answer.into_array(6)
    }

    fn arrow(op: DecimalOp, left: &ColumnarValue, right: &ColumnarValue) -> Result<ArrayRef> {
        apply(left, right, op.arrow_kernel())?.into_array(6)
    }

    const OPS: [DecimalOp; 3] = [DecimalOp::Add, DecimalOp::Subtract, DecimalOp::Multiply];

    #[test]
    fn small_values_answer_as_arrow_does_with_nulls_and_signs() {
        let prices = column(
            &[
                Some(10_499_900),
                Some(-1),
                None,
                Some(0),
                Some(90_000),
                Some(-7_777_777),
            ],
            15,
            2,
        );
        let rates = column(
            &[Some(6), Some(-99), Some(3), None, Some(100), Some(1)],
            4,
            2,
        );
        let one = value(Some(1), 20, 0);
        let pairs = [
            (&prices, &rates),
            (&rates, &prices),
            (&one, &rates),
            (&prices, &one),
        ];
        for op in OPS {
            for (left, right) in pairs {
                let ours = run(op, left, right).unwrap();
                let theirs = arrow(op, left, right).unwrap();
                assert_eq!(ours.data_type(), theirs.data_type(), "{op:?}");
                assert_eq!(ours.as_ref(), theirs.as_ref(), "{op:?}");
            }
        }
        // The fast path did answer these (the check above would pass without it).
        assert!(in_64_bits(DecimalOp::Multiply, &prices, &rates).is_some());
        assert!(in_64_bits(DecimalOp::Subtract, &one, &rates).is_some());
    }

    #[test]
    fn large_values_go_to_arrow_and_overflow_as_it_does() {
        let big = column(&[Some(4_000_000_000), Some(5)], 20, 0);
        let bigger = column(&[Some(3_000_000_000), Some(-2)], 20, 0);
        assert!(in_64_bits(DecimalOp::Multiply, &big, &bigger).is_none());
        for op in OPS {
            assert_eq!(
                run(op, &big, &bigger).unwrap().as_ref(),
                arrow(op, &big, &bigger).unwrap().as_ref()
            );
        }
        let huge = column(&[Some(i128::MAX / 2), Some(1)], 38, 0);
        let error = run(DecimalOp::Multiply, &huge, &huge).unwrap_err();
        let arrow_error = arrow(DecimalOp::Multiply, &huge, &huge).unwrap_err();
        assert_eq!(error.to_string(), arrow_error.to_string());
    }

    #[test]
    fn the_bound_is_at_least_every_magnitude_and_under_twice_the_largest() {
        let cases: [&[i128]; 6] = [
            &[],
            &[0, 0],
            &[10_494_950, -3, 99, -10_494_951],
            &[i64::MIN as i128, 1],
            &[i64::MAX as i128, -(i64::MAX as i128)],
            &[1, i64::MAX as i128 + 1, -5],
        ];
        for values in cases {
            let largest = values.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
            let bound = magnitude_bound(values);
            assert!(bound >= largest, "{values:?}: {bound} < {largest}");
            assert!(
                bound == 0 || bound < largest.saturating_mul(2),
                "{values:?}: {bound} too high"
            );
        }
        // A value beyond 64 bits is measured exactly.
        assert_eq!(magnitude_bound(&[3, -(1i128 << 70)]), 1u128 << 70);
    }

    #[test]
    fn a_null_value_makes_every_result_null() {
        let prices = column(&[Some(1), Some(2)], 10, 2);
        let none = value(None, 10, 2);
        for op in OPS {
            let ours = run(op, &prices, &none).unwrap();
            assert_eq!(ours.null_count(), 2, "{op:?}");
        }
    }

    #[test]
    fn result_types_follow_arrow() {
        let a = column(&[Some(1)], 15, 2);
        let b = column(&[Some(1)], 20, 0);
        for op in OPS {
            let (DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)) =
                (a.data_type(), b.data_type())
            else {
                unreachable!()
            };
            let expected = arrow(op, &a, &b).unwrap().data_type().clone();
            let (precision, scale) = op.result_type((p1, s1), (p2, s2)).unwrap();
            assert_eq!(DataType::Decimal128(precision, scale), expected, "{op:?}");
        }
        assert_eq!(DecimalOp::Multiply.result_type((38, 20), (38, 20)), None);
    }
}

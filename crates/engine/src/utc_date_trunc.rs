//! `date_trunc` with a fast path for UTC timestamps.
//!
//! DataFusion truncates a timestamp that carries a time zone value by value
//! through chrono's calendar, even when the zone is UTC: five million rows of
//! `date_trunc('hour', ts)` spend most of their time there. UTC has no offset
//! and no daylight saving, so truncating the same instants as zoneless wall
//! times gives the same answer, and DataFusion does that with plain
//! arithmetic. This function strips the zone from a UTC array, lets the
//! built-in truncate it, and puts the zone back. Every other input goes to the
//! built-in unchanged.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    DataType, Field, FieldRef, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use datafusion::common::{Result, internal_err};
use datafusion::logical_expr::sort_properties::{ExprProperties, SortProperties};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature,
};

/// Registered under the built-in's name, so it replaces it in a session.
#[derive(Debug)]
pub(crate) struct UtcDateTrunc {
    builtin: Arc<ScalarUDF>,
}

impl UtcDateTrunc {
    pub(crate) fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            builtin: datafusion::functions::datetime::date_trunc(),
        })
    }
}

// Every instance wraps the same built-in, so all are equal.
impl PartialEq for UtcDateTrunc {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for UtcDateTrunc {}

impl Hash for UtcDateTrunc {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

/// Zone names that mean UTC itself, as Arrow and DataFusion write them.
fn is_utc(zone: &str) -> bool {
    matches!(zone, "UTC" | "utc" | "Etc/UTC" | "Z" | "+00:00" | "+0000")
}

/// The same values without their zone, when the zone is UTC.
fn without_utc_zone(array: &ArrayRef) -> Option<ArrayRef> {
    match array.data_type() {
        DataType::Timestamp(_, Some(zone)) if is_utc(zone) => in_zone(array, None),
        _ => None,
    }
}

/// A timestamp array with its zone replaced by `zone`; the buffers are shared, not copied.
fn in_zone(array: &ArrayRef, zone: Option<Arc<str>>) -> Option<ArrayRef> {
    let DataType::Timestamp(unit, _) = array.data_type() else {
        return None;
    };
    let zoned: ArrayRef = match unit {
        TimeUnit::Second => Arc::new(
            array
                .as_primitive::<TimestampSecondType>()
                .clone()
                .with_timezone_opt(zone),
        ),
        TimeUnit::Millisecond => Arc::new(
            array
                .as_primitive::<TimestampMillisecondType>()
                .clone()
                .with_timezone_opt(zone),
        ),
        TimeUnit::Microsecond => Arc::new(
            array
                .as_primitive::<TimestampMicrosecondType>()
                .clone()
                .with_timezone_opt(zone),
        ),
        TimeUnit::Nanosecond => Arc::new(
            array
                .as_primitive::<TimestampNanosecondType>()
                .clone()
                .with_timezone_opt(zone),
        ),
    };
    Some(zoned)
}

impl ScalarUDFImpl for UtcDateTrunc {
    fn name(&self) -> &str {
        self.builtin.name()
    }

    fn aliases(&self) -> &[String] {
        self.builtin.aliases()
    }

    fn signature(&self) -> &Signature {
        self.builtin.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.builtin.inner().return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        self.builtin.return_field_from_args(args)
    }

    fn invoke_with_args(&self, mut args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let zoneless = match args.args.get(1) {
            Some(ColumnarValue::Array(array)) => without_utc_zone(array),
            _ => None,
        };
        let Some(zoneless) = zoneless else {
            return self.builtin.invoke_with_args(args);
        };
        let zone = match args.return_field.data_type() {
            DataType::Timestamp(_, Some(zone)) => zone.clone(),
            _ => return self.builtin.invoke_with_args(args),
        };
        let zoneless_type = zoneless.data_type().clone();
        args.args[1] = ColumnarValue::Array(zoneless);
        if let Some(field) = args.arg_fields.get_mut(1) {
            *field = Arc::new(field.as_ref().clone().with_data_type(zoneless_type.clone()));
        }
        args.return_field =
            Arc::new(Field::clone(&args.return_field).with_data_type(zoneless_type));
        match self.builtin.invoke_with_args(args)? {
            ColumnarValue::Array(truncated) => match in_zone(&truncated, Some(zone)) {
                Some(zoned) => Ok(ColumnarValue::Array(zoned)),
                None => internal_err!(
                    "date_trunc returned {} for a zoneless timestamp",
                    truncated.data_type()
                ),
            },
            scalar => Ok(scalar),
        }
    }

    fn output_ordering(&self, inputs: &[ExprProperties]) -> Result<SortProperties> {
        self.builtin.output_ordering(inputs)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.builtin.documentation()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use datafusion::arrow::array::{RecordBatch, TimestampMillisecondArray, TimestampSecondArray};
    use datafusion::arrow::datatypes::Schema;
    use datafusion::datasource::MemTable;
    use datafusion::prelude::SessionContext;

    use super::*;

    const GRANULARITIES: [&str; 9] = [
        "second",
        "minute",
        "hour",
        "day",
        "week",
        "month",
        "quarter",
        "year",
        "millisecond",
    ];

    /// Instants on both sides of 1970, on a leap day, and a null.
    fn instants_ms() -> Vec<Option<i64>> {
        vec![
            Some(1_709_208_296_789), // 2024-02-29 12:04:56.789
            Some(-86_399_999),       // 1969-12-31 00:00:00.001
            Some(-1),                // 1969-12-31 23:59:59.999
            Some(0),
            None,
            Some(1_735_689_599_999),  // 2024-12-31 23:59:59.999
            Some(-2_208_988_800_001), // just before 1900
        ]
    }

    fn table(zone: Option<&str>) -> Arc<MemTable> {
        let millis = TimestampMillisecondArray::from(instants_ms()).with_timezone_opt(zone);
        let seconds = TimestampSecondArray::from(
            instants_ms()
                .into_iter()
                .map(|v| v.map(|ms| ms.div_euclid(1000)))
                .collect::<Vec<_>>(),
        )
        .with_timezone_opt(zone);
        let schema = Arc::new(Schema::new(vec![
            Field::new("ms", millis.data_type().clone(), true),
            Field::new("s", seconds.data_type().clone(), true),
        ]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(millis), Arc::new(seconds)])
            .unwrap();
        Arc::new(MemTable::try_new(schema, vec![vec![batch]]).unwrap())
    }

    async fn answer(context: &SessionContext, sql: &str) -> Vec<RecordBatch> {
        context.sql(sql).await.unwrap().collect().await.unwrap()
    }

    async fn agree_with_the_builtin(zone: Option<&str>) {
        let builtin = SessionContext::new();
        let ours = SessionContext::new();
        ours.register_udf(UtcDateTrunc::udf());
        for context in [&builtin, &ours] {
            context.register_table("t", table(zone)).unwrap();
        }
        for granularity in GRANULARITIES {
            for column in ["ms", "s"] {
                let sql = format!("SELECT date_trunc('{granularity}', {column}) AS d FROM t");
                let expected = answer(&builtin, &sql).await;
                let got = answer(&ours, &sql).await;
                assert_eq!(got, expected, "{sql} in zone {zone:?}");
            }
        }
    }

    #[tokio::test]
    async fn utc_truncates_as_the_builtin_does() {
        agree_with_the_builtin(Some("UTC")).await;
        agree_with_the_builtin(Some("+00:00")).await;
    }

    #[tokio::test]
    async fn other_zones_and_no_zone_go_to_the_builtin() {
        agree_with_the_builtin(Some("Europe/Berlin")).await;
        agree_with_the_builtin(Some("America/St_Johns")).await;
        agree_with_the_builtin(None).await;
    }

    #[tokio::test]
    async fn the_result_keeps_its_zone() {
        let ours = SessionContext::new();
        ours.register_udf(UtcDateTrunc::udf());
        ours.register_table("t", table(Some("UTC"))).unwrap();
        let batches = answer(&ours, "SELECT date_trunc('hour', ms) AS d FROM t").await;
        assert_eq!(
            batches[0].schema().field(0).data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
    }

    #[test]
    fn only_utc_counts_as_utc() {
        assert!(is_utc("UTC") && is_utc("+00:00"));
        assert!(!is_utc("Europe/London") && !is_utc("+01:00") && !is_utc("GMT+1"));
    }
}

//! A first chart for a result, chosen from its columns.

use arrow_schema::{DataType, Schema};
use meridian_model::{Aggregation, ChartKind, ChartSpec};

fn is_time(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64
    )
}

fn is_number(data_type: &DataType) -> bool {
    data_type.is_numeric()
}

fn is_text(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean
    ) || matches!(data_type, DataType::Dictionary(_, value) if is_text(value))
}

/// A column named like a latitude or longitude.
fn find_named(schema: &Schema, names: &[&str]) -> Option<String> {
    schema
        .fields()
        .iter()
        .find(|f| {
            is_number(f.data_type()) && names.contains(&f.name().to_ascii_lowercase().as_str())
        })
        .map(|f| f.name().clone())
}

/// The chart a person most likely wants: latitude and longitude make a map, a
/// time and a number a time series, a category and a number bars, a lone number
/// a histogram, anything else a table.
pub fn suggest(schema: &Schema) -> ChartSpec {
    let fields = schema.fields();
    let time = fields
        .iter()
        .find(|f| is_time(f.data_type()))
        .map(|f| f.name().clone());
    let lat = find_named(schema, &["lat", "latitude"]);
    let lon = find_named(schema, &["lon", "lng", "long", "longitude"]);
    let skip = [lat.as_deref(), lon.as_deref()];
    let number = fields
        .iter()
        .find(|f| is_number(f.data_type()) && !skip.contains(&Some(f.name().as_str())))
        .map(|f| f.name().clone());
    let category = fields
        .iter()
        .find(|f| is_text(f.data_type()))
        .map(|f| f.name().clone());
    // Aggregated results are small; raw rows are many. Either way the engine aggregates.
    if let (Some(lat), Some(lon)) = (lat, lon) {
        let mut spec = ChartSpec::new(ChartKind::DensityMap);
        spec.lat = Some(lat);
        spec.lon = Some(lon);
        spec.x = time;
        return spec;
    }
    if let (Some(time), Some(number)) = (&time, &number) {
        let mut spec = ChartSpec::new(ChartKind::Line);
        spec.x = Some(time.clone());
        spec.y = Some(number.clone());
        spec.aggregation = Aggregation::Sum;
        return spec;
    }
    if let Some(time) = time {
        let mut spec = ChartSpec::new(ChartKind::Bar);
        spec.x = Some(time);
        return spec;
    }
    if let (Some(category), Some(number)) = (&category, &number) {
        let mut spec = ChartSpec::new(ChartKind::CategoryBar);
        spec.x = Some(category.clone());
        spec.y = Some(number.clone());
        spec.aggregation = Aggregation::Sum;
        return spec;
    }
    if let Some(number) = number {
        let mut spec = ChartSpec::new(ChartKind::Histogram);
        spec.y = Some(number);
        return spec;
    }
    if let Some(category) = category {
        let mut spec = ChartSpec::new(ChartKind::CategoryBar);
        spec.x = Some(category);
        return spec;
    }
    ChartSpec::new(ChartKind::Table)
}

#[cfg(test)]
mod tests {
    use arrow_schema::{Field, TimeUnit};

    use super::*;

    fn schema(fields: &[(&str, DataType)]) -> Schema {
        Schema::new(
            fields
                .iter()
                .map(|(name, t)| Field::new(*name, t.clone(), true))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn suggestions_follow_the_columns() {
        let ts = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
        let spec = suggest(&schema(&[
            ("hour", ts.clone()),
            ("revenue", DataType::Float64),
        ]));
        assert_eq!(
            (spec.kind, spec.y.as_deref()),
            (ChartKind::Line, Some("revenue"))
        );
        let spec = suggest(&schema(&[
            ("ts", ts),
            ("lat", DataType::Float64),
            ("lon", DataType::Float64),
            ("battery_pct", DataType::Float64),
        ]));
        assert_eq!(spec.kind, ChartKind::DensityMap);
        assert_eq!(spec.x.as_deref(), Some("ts"));
        let spec = suggest(&schema(&[("city", DataType::Utf8), ("n", DataType::Int64)]));
        assert_eq!(spec.kind, ChartKind::CategoryBar);
        let spec = suggest(&schema(&[("amount", DataType::Float64)]));
        assert_eq!(spec.kind, ChartKind::Histogram);
        let spec = suggest(&schema(&[("blob", DataType::Binary)]));
        assert_eq!(spec.kind, ChartKind::Table);
    }
}

//! The SQL a chart runs. Charts never aggregate in the UI: the engine answers
//! with buckets, bins or categories, a few thousand rows at most.

use arrow_array::RecordBatch;
use meridian_model::{Aggregation, ChartKind, ChartSpec, GeoBox, TimeBucket, TimeRange};

use crate::bucket::{bucket_sql, choose_bucket};
use crate::data::column_values;
use crate::error::ChartError;
use crate::geo;
use crate::sql::{float_literal, ident, source, timestamp_literal};

/// Scatter charts draw at most this many points, sampled from the rest.
pub const SCATTER_POINTS: u64 = 5_000;
/// Point maps draw at most this many points.
pub const MAP_POINTS: usize = 20_000;
/// Category bars show the largest this many categories.
pub const CATEGORY_LIMIT: usize = 20;
/// The table chart shows this many rows (the first of the query's answer).
pub const TABLE_ROWS: usize = 12;
/// Histograms aim at this many bins.
pub const HISTOGRAM_BINS: f64 = 30.0;

/// What the chart learnt about the data before aggregating it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extent {
    /// Time range in UTC milliseconds (first and last value).
    pub time: Option<(i64, i64)>,
    /// Smallest and largest value of the measured column.
    pub value: Option<(f64, f64)>,
    /// South, north, west, east of the points.
    pub geo: Option<(f64, f64, f64, f64)>,
    /// Rows in the query's result.
    pub rows: u64,
}

impl Extent {
    /// Reads the answer of [`extent_sql`].
    pub fn from_batches(batches: &[RecordBatch]) -> Result<Self, ChartError> {
        let first = |name: &str| -> Result<Option<f64>, ChartError> {
            let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) else {
                return Ok(None);
            };
            match batch.schema().index_of(name) {
                Ok(index) => Ok(column_values(batch.column(index), name)?
                    .first()
                    .copied()
                    .flatten()),
                Err(_) => Ok(None),
            }
        };
        let pair = |lo: Option<f64>, hi: Option<f64>| lo.zip(hi);
        let time = pair(first("t_lo")?, first("t_hi")?).map(|(lo, hi)| (lo as i64, hi as i64));
        let value = pair(first("v_lo")?, first("v_hi")?);
        let geo = match (
            first("lat_lo")?,
            first("lat_hi")?,
            first("lon_lo")?,
            first("lon_hi")?,
        ) {
            (Some(s), Some(n), Some(w), Some(e)) => Some((s, n, w, e)),
            _ => None,
        };
        let rows = first("n")?.unwrap_or(0.0) as u64;
        Ok(Self {
            time,
            value,
            geo,
            rows,
        })
    }
}

/// The aggregate query for a chart and what the drawing needs to know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct DataPlan {
    pub sql: String,
    /// Time charts and playback: the bucket and the range it covers.
    pub bucket: Option<TimeBucket>,
    pub time_range: Option<TimeRange>,
    /// Maps: the box and, for density maps, the cell size in degrees.
    pub view: Option<GeoBox>,
    pub cell_deg: Option<f64>,
    /// Histograms: the first bin's start and the bins' width.
    pub bins: Option<(f64, f64)>,
    /// Scatter: the share of rows kept, when sampled.
    pub sample_fraction: Option<f64>,
}

impl DataPlan {
    fn new(sql: String) -> Self {
        Self {
            sql,
            bucket: None,
            time_range: None,
            view: None,
            cell_deg: None,
            bins: None,
            sample_fraction: None,
        }
    }
}

fn require<'a>(
    field: &'a Option<String>,
    kind: ChartKind,
    role: &'static str,
) -> Result<&'a str, ChartError> {
    field.as_deref().ok_or(ChartError::MissingField {
        kind: kind.name(),
        role,
    })
}

/// The SQL expression that aggregates `v` (the measured column) per group.
fn aggregate_sql(aggregation: Aggregation, has_value: bool) -> String {
    if !has_value {
        return "count(*)".to_string();
    }
    match aggregation {
        Aggregation::Count => "count(*)".to_string(),
        Aggregation::Sum => "sum(v)".to_string(),
        Aggregation::Avg => "avg(v)".to_string(),
        Aggregation::Min => "min(v)".to_string(),
        Aggregation::Max => "max(v)".to_string(),
        Aggregation::P95 => "approx_percentile_cont(0.95) WITHIN GROUP (ORDER BY v)".to_string(),
    }
}

/// Time as a zone-less (UTC) timestamp, whatever its type in the result.
fn time_sql(column: &str) -> String {
    format!("CAST({} AS TIMESTAMP)", ident(column))
}

fn value_sql(column: &str) -> String {
    format!("CAST({} AS DOUBLE)", ident(column))
}

/// The `SELECT lat, lon [, t] [, v]` over the user's query that every map query reads.
fn geo_rows_sql(spec: &ChartSpec, base_sql: &str) -> Result<String, ChartError> {
    let lat = require(&spec.lat, spec.kind, "latitude")?;
    let lon = require(&spec.lon, spec.kind, "longitude")?;
    let mut columns = vec![
        format!("{} AS lat", value_sql(lat)),
        format!("{} AS lon", geo::normalized_lon_sql(&value_sql(lon))),
    ];
    if spec.playback {
        let time = require(&spec.x, spec.kind, "time")?;
        columns.push(format!("{} AS t", time_sql(time)));
    }
    if let Some(y) = spec.y.as_deref().or(spec.size.as_deref()) {
        columns.push(format!("{} AS v", value_sql(y)));
    }
    Ok(format!(
        "SELECT {} FROM {}",
        columns.join(", "),
        source(base_sql)
    ))
}

/// Checks that every column the spec names is in the result's `schema`.
pub fn check_columns(spec: &ChartSpec, schema: &arrow_schema::Schema) -> Result<(), ChartError> {
    let named = [
        &spec.x,
        &spec.y,
        &spec.color,
        &spec.size,
        &spec.lat,
        &spec.lon,
    ];
    for column in named.into_iter().flatten() {
        if schema.index_of(column).is_err() {
            let known: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            return Err(ChartError::UnknownColumn {
                column: column.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(())
}

/// The query that measures the data before the chart aggregates it, or `None`
/// when the spec already says everything (a fixed range or map box).
pub fn extent_sql(spec: &ChartSpec, base_sql: &str) -> Result<Option<String>, ChartError> {
    let kind = spec.kind;
    let sql = match kind {
        ChartKind::Line | ChartKind::Area | ChartKind::Bar => {
            let x = require(&spec.x, kind, "time")?;
            if spec.time_range.is_some() && spec.time_bucket.is_some() {
                return Ok(None);
            }
            format!(
                "SELECT min(t) AS t_lo, max(t) AS t_hi, count(*) AS n FROM (SELECT {} AS t FROM {}) AS s",
                time_sql(x),
                source(base_sql)
            )
        }
        ChartKind::Kpi => match spec.x.as_deref() {
            Some(x) => format!(
                "SELECT min(t) AS t_lo, max(t) AS t_hi, count(*) AS n FROM (SELECT {} AS t FROM {}) AS s",
                time_sql(x),
                source(base_sql)
            ),
            None => return Ok(None),
        },
        ChartKind::Histogram => {
            let y = require(&spec.y, kind, "value")?;
            format!(
                "SELECT min(v) AS v_lo, max(v) AS v_hi, count(v) AS n FROM (SELECT {} AS v FROM {}) AS s",
                value_sql(y),
                source(base_sql)
            )
        }
        ChartKind::Scatter => {
            require(&spec.x, kind, "x")?;
            require(&spec.y, kind, "y")?;
            format!("SELECT count(*) AS n FROM {}", source(base_sql))
        }
        ChartKind::PointMap | ChartKind::DensityMap => {
            let rows = geo_rows_sql(spec, base_sql)?;
            let time = if spec.playback {
                ", min(t) AS t_lo, max(t) AS t_hi"
            } else if spec.map_view.is_some() {
                return Ok(None);
            } else {
                ""
            };
            format!(
                "SELECT min(lat) AS lat_lo, max(lat) AS lat_hi, min(lon) AS lon_lo, max(lon) AS lon_hi, count(*) AS n{time} FROM ({rows}) AS s"
            )
        }
        ChartKind::CategoryBar | ChartKind::Table => return Ok(None),
    };
    Ok(Some(sql))
}

/// The aggregate query for `spec` over the user's `base_sql`, given the extent
/// that [`extent_sql`] measured (an empty extent when it asked for none).
pub fn data_plan(
    spec: &ChartSpec,
    base_sql: &str,
    extent: &Extent,
) -> Result<DataPlan, ChartError> {
    match spec.kind {
        ChartKind::Line | ChartKind::Area | ChartKind::Bar => {
            time_series_plan(spec, base_sql, extent)
        }
        ChartKind::CategoryBar => category_plan(spec, base_sql),
        ChartKind::Histogram => histogram_plan(spec, base_sql, extent),
        ChartKind::Scatter => scatter_plan(spec, base_sql, extent),
        ChartKind::Kpi => kpi_plan(spec, base_sql, extent),
        // The user's own query, unwrapped: an ORDER BY inside a derived table
        // need not survive, and a table shows rows in the order asked for.
        ChartKind::Table => Ok(DataPlan::new(
            base_sql.trim().trim_end_matches(';').to_string(),
        )),
        ChartKind::PointMap | ChartKind::DensityMap => map_plan(spec, base_sql, extent),
    }
}

/// The visible range: the spec's zoom, else the data's extent (end exclusive).
fn visible_range(spec: &ChartSpec, extent: &Extent) -> Option<TimeRange> {
    spec.time_range.or_else(|| {
        extent.time.map(|(lo, hi)| TimeRange {
            start_ms: lo,
            end_ms: hi + 1,
        })
    })
}

fn time_series_plan(
    spec: &ChartSpec,
    base_sql: &str,
    extent: &Extent,
) -> Result<DataPlan, ChartError> {
    let x = require(&spec.x, spec.kind, "time")?;
    let range = visible_range(spec, extent);
    let bucket = spec
        .time_bucket
        .unwrap_or_else(|| choose_bucket(range.map_or(0, |r| r.end_ms - r.start_ms)));
    let mut columns = vec![format!("{} AS t", time_sql(x))];
    if let Some(y) = &spec.y {
        columns.push(format!("{} AS v", value_sql(y)));
    }
    if let Some(color) = &spec.color {
        columns.push(format!("CAST({} AS VARCHAR) AS c", ident(color)));
    }
    let filter = match spec.time_range {
        Some(r) => format!(
            " WHERE t >= {} AND t < {}",
            timestamp_literal(r.start_ms),
            timestamp_literal(r.end_ms)
        ),
        None => String::new(),
    };
    let rows = format!(
        "SELECT * FROM (SELECT {} FROM {}) AS r{filter}",
        columns.join(", "),
        source(base_sql)
    );
    let aggregate = aggregate_sql(spec.aggregation, spec.y.is_some());
    let bucket_expr = bucket_sql(bucket, "t");
    let sql = if spec.color.is_some() {
        let rank = if spec.y.is_some() && spec.aggregation == Aggregation::Sum {
            "sum(v)"
        } else {
            "count(*)"
        };
        format!(
            "WITH s AS ({rows}),\n\
             top AS (SELECT c AS top_c FROM s WHERE c IS NOT NULL GROUP BY c ORDER BY {rank} DESC, c LIMIT {top_n})\n\
             SELECT {bucket_expr} AS bucket, COALESCE(top_c, 'Other') AS series, {aggregate} AS value\n\
             FROM s LEFT JOIN top ON s.c = top.top_c\n\
             GROUP BY 1, 2 ORDER BY 1, 2",
            top_n = spec.top_n.max(1)
        )
    } else {
        format!(
            "SELECT {bucket_expr} AS bucket, {aggregate} AS value\nFROM ({rows}) AS s\nGROUP BY 1 ORDER BY 1"
        )
    };
    let mut plan = DataPlan::new(sql);
    plan.bucket = Some(bucket);
    plan.time_range = range;
    Ok(plan)
}

fn category_plan(spec: &ChartSpec, base_sql: &str) -> Result<DataPlan, ChartError> {
    let x = require(&spec.x, spec.kind, "category")?;
    let mut columns = vec![format!("CAST({} AS VARCHAR) AS c", ident(x))];
    if let Some(y) = &spec.y {
        columns.push(format!("{} AS v", value_sql(y)));
    }
    let aggregate = aggregate_sql(spec.aggregation, spec.y.is_some());
    Ok(DataPlan::new(format!(
        "SELECT COALESCE(c, 'NULL') AS category, {aggregate} AS value\nFROM (SELECT {} FROM {}) AS s\nGROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {CATEGORY_LIMIT}",
        columns.join(", "),
        source(base_sql)
    )))
}

/// A "nice" width (1, 2 or 5 times a power of ten) at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

fn histogram_plan(
    spec: &ChartSpec,
    base_sql: &str,
    extent: &Extent,
) -> Result<DataPlan, ChartError> {
    let y = require(&spec.y, spec.kind, "value")?;
    let (lo, hi) = extent.value.unwrap_or((0.0, 1.0));
    let width = nice_step((hi - lo) / HISTOGRAM_BINS);
    let origin = (lo / width).floor() * width;
    let mut plan = DataPlan::new(format!(
        "SELECT CAST(floor((v - {}) / {}) AS BIGINT) AS bin, count(*) AS value\nFROM (SELECT {} AS v FROM {}) AS s\nWHERE v IS NOT NULL GROUP BY 1 ORDER BY 1",
        float_literal(origin),
        float_literal(width),
        value_sql(y),
        source(base_sql)
    ));
    plan.bins = Some((origin, width));
    Ok(plan)
}

fn scatter_plan(spec: &ChartSpec, base_sql: &str, extent: &Extent) -> Result<DataPlan, ChartError> {
    let x = require(&spec.x, spec.kind, "x")?;
    let y = require(&spec.y, spec.kind, "y")?;
    let mut columns = vec![
        format!("{} AS x", value_sql(x)),
        format!("{} AS y", value_sql(y)),
    ];
    if let Some(color) = &spec.color {
        columns.push(format!("CAST({} AS VARCHAR) AS series", ident(color)));
    }
    let sampled = extent.rows > SCATTER_POINTS;
    let fraction = SCATTER_POINTS as f64 / extent.rows.max(1) as f64;
    let filter = if sampled {
        format!(" WHERE random() < {fraction}")
    } else {
        String::new()
    };
    let mut plan = DataPlan::new(format!(
        "SELECT {} FROM {}{filter} LIMIT {SCATTER_POINTS}",
        columns.join(", "),
        source(base_sql)
    ));
    plan.sample_fraction = sampled.then_some(fraction);
    Ok(plan)
}

fn kpi_plan(spec: &ChartSpec, base_sql: &str, extent: &Extent) -> Result<DataPlan, ChartError> {
    let mut columns = Vec::new();
    if let Some(x) = &spec.x {
        columns.push(format!("{} AS t", time_sql(x)));
    }
    match &spec.y {
        Some(y) => columns.push(format!("{} AS v", value_sql(y))),
        None if columns.is_empty() => columns.push("1 AS one".to_string()),
        None => {}
    }
    let rows = format!("SELECT {} FROM {}", columns.join(", "), source(base_sql));
    let aggregate = aggregate_sql(spec.aggregation, spec.y.is_some());
    let (Some(_), Some((_, last))) = (&spec.x, extent.time) else {
        return Ok(DataPlan::new(format!(
            "SELECT {aggregate} AS current FROM ({rows}) AS s"
        )));
    };
    // The current period ends with the last row; the previous one is just before it.
    let bucket = spec.time_bucket.unwrap_or(TimeBucket::Day);
    let period = bucket.approx_millis();
    let end = last + 1;
    let filtered = |from: i64, to: i64| {
        let condition = format!(
            "t >= {} AND t < {}",
            timestamp_literal(from),
            timestamp_literal(to)
        );
        if aggregate.contains("WITHIN GROUP") {
            format!("{aggregate} FILTER (WHERE {condition})")
        } else {
            aggregate.replacen(')', &format!(") FILTER (WHERE {condition})"), 1)
        }
    };
    let mut plan = DataPlan::new(format!(
        "SELECT {} AS current, {} AS previous FROM ({rows}) AS s",
        filtered(end - period, end),
        filtered(end - 2 * period, end - period)
    ));
    plan.bucket = Some(bucket);
    plan.time_range = Some(TimeRange {
        start_ms: end - period,
        end_ms: end,
    });
    Ok(plan)
}

fn map_plan(spec: &ChartSpec, base_sql: &str, extent: &Extent) -> Result<DataPlan, ChartError> {
    let rows = geo_rows_sql(spec, base_sql)?;
    let view = spec.map_view.unwrap_or_else(|| match extent.geo {
        Some((south, north, west, east)) => geo::fit_box(south, north, west, east),
        None => GeoBox::WORLD,
    });
    let inside = geo::inside_sql(&view);
    let has_value = spec.y.is_some() || spec.size.is_some();
    let mut plan = if spec.kind == ChartKind::PointMap {
        let value = if has_value { ", v AS value" } else { "" };
        DataPlan::new(format!(
            "SELECT lat, lon{value} FROM ({rows}) AS s WHERE {inside} LIMIT {MAP_POINTS}"
        ))
    } else {
        let cell = geo::choose_cell_deg(&view);
        let aggregate = aggregate_sql(spec.aggregation, has_value);
        let mut keys = vec![
            format!("{} AS gx", geo::column_sql(cell)),
            format!("{} AS gy", geo::row_sql(cell)),
        ];
        let mut bucket = None;
        if spec.playback {
            let range = visible_range(spec, extent);
            let chosen = spec
                .time_bucket
                .unwrap_or_else(|| choose_bucket(range.map_or(0, |r| r.end_ms - r.start_ms)));
            keys.push(format!("{} AS bucket", bucket_sql(chosen, "t")));
            bucket = Some((chosen, range));
        }
        let group: Vec<String> = (1..=keys.len()).map(|i| i.to_string()).collect();
        let mut plan = DataPlan::new(format!(
            "SELECT {}, {aggregate} AS value\nFROM ({rows}) AS s\nWHERE {inside}\nGROUP BY {}",
            keys.join(", "),
            group.join(", ")
        ));
        plan.cell_deg = Some(cell);
        if let Some((chosen, range)) = bucket {
            plan.bucket = Some(chosen);
            plan.time_range = range;
        }
        plan
    };
    plan.view = Some(view);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_spec() -> ChartSpec {
        let mut spec = ChartSpec::new(ChartKind::Line);
        spec.x = Some("hour".into());
        spec.y = Some("revenue".into());
        spec.aggregation = Aggregation::Sum;
        spec
    }

    #[test]
    fn a_zoomed_time_chart_filters_and_picks_a_finer_bucket() {
        let mut spec = line_spec();
        spec.time_range = Some(TimeRange {
            start_ms: 1_709_510_400_000,
            end_ms: 1_709_596_800_000,
        });
        let plan = data_plan(&spec, "SELECT * FROM t;", &Extent::default()).expect("plan");
        assert_eq!(plan.bucket, Some(TimeBucket::Hour));
        assert!(plan.sql.contains(
            "WHERE t >= TIMESTAMP '2024-03-04 00:00:00.000' AND t < TIMESTAMP '2024-03-05 00:00:00.000'"
        ));
        assert!(plan.sql.contains("date_bin(INTERVAL '1 hour', t"));
        assert!(plan.sql.contains("sum(v) AS value"));
    }

    #[test]
    fn series_beyond_the_top_n_become_other() {
        let mut spec = line_spec();
        spec.color = Some("card_type".into());
        spec.top_n = 3;
        let extent = Extent {
            time: Some((0, 28 * 86_400_000 - 1)),
            ..Extent::default()
        };
        let plan = data_plan(&spec, "SELECT * FROM t", &extent).expect("plan");
        assert_eq!(plan.bucket, Some(TimeBucket::Day));
        assert!(plan.sql.contains("ORDER BY sum(v) DESC, c LIMIT 3"));
        assert!(plan.sql.contains("COALESCE(top_c, 'Other') AS series"));
    }

    #[test]
    fn missing_fields_are_named() {
        let spec = ChartSpec::new(ChartKind::DensityMap);
        let error = extent_sql(&spec, "SELECT 1").expect_err("an error");
        assert_eq!(
            error.to_string(),
            "a density-map chart needs a latitude column: choose one"
        );
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(20.0), 20.0);
        assert_eq!(nice_step(0.0), 1.0);
    }
}

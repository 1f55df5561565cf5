//! The SQL that charts generate, run by the real engine: time buckets (UTC,
//! boundaries, empty buckets) and geo bins (edges, poles, the antimeridian).

#![allow(clippy::unwrap_used)]

use meridian_chart::ChartData;
use meridian_chart::data::GridCell;
use meridian_cli::chart::make_chart;
use meridian_engine::Engine;
use meridian_model::{Aggregation, ChartKind, ChartSpec, GeoBox, TimeBucket, TimeRange};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// 2024-03-04 00:00:00 UTC.
const MIDNIGHT: i64 = 1_709_510_400_000;
const HOUR: i64 = 3_600_000;

/// Rows at bucket edges, one with a +02:00 offset (23:30 UTC the day before),
/// and a zone-aware column, so the test pins the UTC rule.
const TIMES: &str = "SELECT arrow_cast(ts, 'Timestamp(Millisecond, Some(\"UTC\"))') AS ts, amount FROM (VALUES \
     (TIMESTAMP '2024-03-04T00:00:00Z', 1.0), \
     (TIMESTAMP '2024-03-04T00:59:59.999Z', 2.0), \
     (TIMESTAMP '2024-03-04T01:00:00Z', 4.0), \
     (TIMESTAMP '2024-03-04T03:30:00Z', 8.0), \
     (TIMESTAMP '2024-03-04T01:30:00+02:00', 16.0)) AS v(ts, amount)";

fn hourly(aggregation: Aggregation) -> ChartSpec {
    let mut spec = ChartSpec::new(ChartKind::Line);
    spec.x = Some("ts".into());
    spec.y = Some("amount".into());
    spec.aggregation = aggregation;
    spec.time_bucket = Some(TimeBucket::Hour);
    spec.time_range = Some(TimeRange {
        start_ms: MIDNIGHT - HOUR,
        end_ms: MIDNIGHT + 4 * HOUR,
    });
    spec
}

fn series(data: &ChartData) -> (&[i64], Vec<Option<f64>>) {
    let ChartData::TimeSeries {
        buckets, series, ..
    } = data
    else {
        panic!("not a time series: {data:?}");
    };
    (buckets, series[0].values.clone())
}

#[test]
fn hour_buckets_are_utc_start_inclusive_and_empty_ones_are_zero() {
    let engine = Engine::new();
    let made = runtime()
        .block_on(make_chart(&engine, &hourly(Aggregation::Sum), TIMES))
        .unwrap();
    let (buckets, values) = series(&made.data);
    assert_eq!(
        buckets,
        [
            MIDNIGHT - HOUR,
            MIDNIGHT,
            MIDNIGHT + HOUR,
            MIDNIGHT + 2 * HOUR,
            MIDNIGHT + 3 * HOUR
        ]
    );
    // 23:00 holds the +02:00 row; 00:59:59.999 stays in 00:00; 02:00 is empty.
    assert_eq!(
        values,
        [Some(16.0), Some(3.0), Some(4.0), Some(0.0), Some(8.0)]
    );
}

#[test]
fn empty_buckets_of_an_average_are_gaps_not_zeros() {
    let engine = Engine::new();
    let made = runtime()
        .block_on(make_chart(&engine, &hourly(Aggregation::Avg), TIMES))
        .unwrap();
    let (_, values) = series(&made.data);
    assert_eq!(values, [Some(16.0), Some(1.5), Some(4.0), None, Some(8.0)]);
}

#[test]
fn a_day_of_range_chooses_hours_and_a_month_chooses_days() {
    let engine = Engine::new();
    let mut spec = hourly(Aggregation::Count);
    spec.y = None;
    spec.time_bucket = None;
    spec.time_range = Some(TimeRange {
        start_ms: MIDNIGHT,
        end_ms: MIDNIGHT + 24 * HOUR,
    });
    let made = runtime()
        .block_on(make_chart(&engine, &spec, TIMES))
        .unwrap();
    assert_eq!(made.plan.bucket, Some(TimeBucket::Hour));
    let (buckets, values) = series(&made.data);
    assert_eq!(buckets.len(), 24);
    assert_eq!(
        values.iter().flatten().sum::<f64>(),
        4.0,
        "the +02:00 row is on the day before"
    );

    spec.time_range = None;
    let weeks = "SELECT ts FROM (VALUES (TIMESTAMP '2024-03-01T10:00:00Z'), (TIMESTAMP '2024-03-28T10:00:00Z')) AS v(ts)";
    let made = runtime()
        .block_on(make_chart(&engine, &spec, weeks))
        .unwrap();
    assert_eq!(made.plan.bucket, Some(TimeBucket::Day));
    let (buckets, values) = series(&made.data);
    assert_eq!(buckets.len(), 28);
    assert_eq!(values.first(), Some(&Some(1.0)));
    assert_eq!(values.last(), Some(&Some(1.0)));
}

#[test]
fn months_and_weeks_start_where_the_calendar_says() {
    let engine = Engine::new();
    let mut spec = hourly(Aggregation::Count);
    spec.y = None;
    spec.time_range = None;
    spec.time_bucket = Some(TimeBucket::Month);
    let sql = "SELECT ts FROM (VALUES (TIMESTAMP '2024-01-31T23:59:59Z'), (TIMESTAMP '2024-02-01T00:00:00Z'), (TIMESTAMP '2024-02-29T12:00:00Z')) AS v(ts)";
    let made = runtime().block_on(make_chart(&engine, &spec, sql)).unwrap();
    let (buckets, values) = series(&made.data);
    assert_eq!(buckets, [1_704_067_200_000, 1_706_745_600_000]);
    assert_eq!(values, [Some(1.0), Some(2.0)]);

    spec.time_bucket = Some(TimeBucket::Week);
    // Sunday 2024-03-03 and Monday 2024-03-04 fall in different weeks.
    let sql = "SELECT ts FROM (VALUES (TIMESTAMP '2024-03-03T23:00:00Z'), (TIMESTAMP '2024-03-04T01:00:00Z')) AS v(ts)";
    let made = runtime().block_on(make_chart(&engine, &spec, sql)).unwrap();
    let (buckets, values) = series(&made.data);
    assert_eq!(buckets, [MIDNIGHT - 7 * 24 * HOUR, MIDNIGHT]);
    assert_eq!(values, [Some(1.0), Some(1.0)]);
}

/// Points on cell edges, on both poles and on both sides of 180°.
const POINTS: &str = "SELECT * FROM (VALUES \
     (0.0, 0.0), (0.0, 5.0), (-90.0, -180.0), (90.0, 180.0), (89.9, 179.9), \
     (10.0, -170.0), (10.0, 190.0), (10.0, 175.0), (-10.0, 179.99)) AS v(lat, lon)";

fn density(view: GeoBox) -> Vec<GridCell> {
    let engine = Engine::new();
    let mut spec = ChartSpec::new(ChartKind::DensityMap);
    spec.lat = Some("lat".into());
    spec.lon = Some("lon".into());
    spec.map_view = Some(view);
    let made = runtime()
        .block_on(make_chart(&engine, &spec, POINTS))
        .unwrap();
    let ChartData::DensityMap {
        cells, cell_deg, ..
    } = made.data
    else {
        panic!("not a density map");
    };
    assert_eq!(Some(cell_deg), made.plan.cell_deg);
    cells
}

fn cell(cells: &[GridCell], column: i64, row: i64) -> f64 {
    cells
        .iter()
        .filter(|c| c.column == column && c.row == row)
        .map(|c| c.value)
        .sum()
}

#[test]
fn grid_bins_follow_the_edge_rules() {
    let cells = density(GeoBox::WORLD);
    // 5° cells: 72 columns, 36 rows.
    assert_eq!(cell(&cells, 36, 18), 1.0, "(0, 0)");
    assert_eq!(
        cell(&cells, 37, 18),
        1.0,
        "(0, 5) belongs to the cell east of the edge"
    );
    assert_eq!(cell(&cells, 0, 0), 1.0, "the south pole at -180°");
    assert_eq!(
        cell(&cells, 0, 35),
        1.0,
        "the north pole at 180° wraps to -180° and joins the top row"
    );
    assert_eq!(cell(&cells, 71, 35), 1.0, "(89.9, 179.9)");
    assert_eq!(cell(&cells, 2, 20), 2.0, "-170° and 190° are one meridian");
    assert_eq!(cell(&cells, 71, 20), 1.0, "175°");
    assert_eq!(
        cells.iter().map(|c| c.value).sum::<f64>(),
        9.0,
        "every point binned once"
    );
}

#[test]
fn a_box_across_the_antimeridian_keeps_both_sides() {
    let pacific = GeoBox {
        west: 170.0,
        south: -20.0,
        east: -165.0,
        north: 20.0,
    };
    let cells = density(pacific);
    let total: f64 = cells.iter().map(|c| c.value).sum();
    // 175°, 179.99°, -170° and 190° are inside; (0, 0), (0, 5) and the poles are not.
    assert_eq!(total, 4.0, "{cells:?}");
    // 0.5° cells: -170° (and 190°) in column 20, 175° in 710, 179.99° in 719.
    let mut columns: Vec<i64> = cells.iter().map(|c| c.column).collect();
    columns.sort_unstable();
    assert_eq!(columns, [20, 710, 719]);
}

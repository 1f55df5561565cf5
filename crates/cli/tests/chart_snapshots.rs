//! Every chart kind drawn to SVG from generated data, compared with the files in
//! `tests/snapshots/`. Run with `UPDATE_SNAPSHOTS=1` to accept new drawings; a
//! snapshot that no test writes fails the run, so none goes stale unnoticed.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use bytes::Bytes;
use meridian_chart::{DrawOptions, render_svg};
use meridian_cli::chart::make_chart;
use meridian_engine::{Engine, LoadRequest};
use meridian_model::{
    Aggregation, BarMode, ChartKind, ChartSpec, DatasetFormat, DatasetSource, GeoBox, NumberFormat,
    Theme, TimeRange,
};
use meridian_samples::{telemetry, transactions, write_parquet};

const ROWS: usize = 3_000;
const SEED: u64 = 7;

fn snapshot_dir() -> PathBuf {
    // Cargo sets the variable when it runs the test too; the run-time value follows
    // the clone if it moves, while a compiled-in path would outlive a reused build.
    let manifest_dir =
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into());
    PathBuf::from(manifest_dir).join("tests/snapshots")
}

/// Each case: snapshot name, SQL, spec, playback frame.
fn cases() -> Vec<(&'static str, &'static str, ChartSpec, Option<usize>)> {
    let spec = |kind: ChartKind| ChartSpec::new(kind);
    let mut cases = Vec::new();

    let mut line = spec(ChartKind::Line);
    line.x = Some("hour".into());
    line.y = Some("revenue".into());
    line.aggregation = Aggregation::Sum;
    line.title = Some("Revenue per day".into());
    line.y_format = NumberFormat::Unit("EUR".into());
    let hourly = "SELECT date_trunc('hour', ts) AS hour, sum(amount) AS revenue FROM transactions GROUP BY 1";
    cases.push(("line", hourly, line.clone(), None));

    let mut zoomed = line.clone();
    zoomed.title = Some("Revenue on one day, hourly".into());
    zoomed.time_range = Some(TimeRange {
        start_ms: 1_772_582_400_000,
        end_ms: 1_772_668_800_000,
    });
    cases.push(("line_zoomed_day", hourly, zoomed, None));

    let mut area = spec(ChartKind::Area);
    area.x = Some("ts".into());
    area.y = Some("amount".into());
    area.color = Some("card_type".into());
    area.aggregation = Aggregation::Sum;
    area.top_n = 2;
    cases.push((
        "area_stacked_top2",
        "SELECT * FROM transactions",
        area,
        None,
    ));

    let mut bars = spec(ChartKind::Bar);
    bars.x = Some("ts".into());
    bars.color = Some("status".into());
    bars.top_n = 3;
    cases.push((
        "bar_grouped",
        "SELECT ts, status FROM transactions",
        bars.clone(),
        None,
    ));
    bars.bar_mode = BarMode::Stacked;
    bars.theme = Theme::Dark;
    cases.push((
        "bar_stacked_dark",
        "SELECT ts, status FROM transactions",
        bars,
        None,
    ));

    let mut category = spec(ChartKind::CategoryBar);
    category.x = Some("city".into());
    category.y = Some("amount".into());
    category.aggregation = Aggregation::Sum;
    cases.push((
        "category_bar",
        "SELECT city, amount FROM transactions",
        category,
        None,
    ));

    let mut histogram = spec(ChartKind::Histogram);
    histogram.y = Some("app_latency_ms".into());
    cases.push((
        "histogram",
        "SELECT app_latency_ms FROM telemetry",
        histogram,
        None,
    ));

    let mut scatter = spec(ChartKind::Scatter);
    scatter.x = Some("signal_dbm".into());
    scatter.y = Some("app_latency_ms".into());
    scatter.color = Some("connection_status".into());
    cases.push((
        "scatter",
        "SELECT * FROM telemetry ORDER BY ts, device_id LIMIT 800",
        scatter,
        None,
    ));

    let mut kpi = spec(ChartKind::Kpi);
    kpi.x = Some("ts".into());
    kpi.y = Some("amount".into());
    kpi.aggregation = Aggregation::Sum;
    kpi.title = Some("Revenue, last day".into());
    cases.push(("kpi", "SELECT ts, amount FROM transactions", kpi, None));

    let table = spec(ChartKind::Table);
    cases.push((
        "table",
        "SELECT city, count(*) AS payments, round(sum(amount), 2) AS revenue FROM transactions GROUP BY city ORDER BY payments DESC, city",
        table,
        None,
    ));

    let mut points = spec(ChartKind::PointMap);
    points.lat = Some("lat".into());
    points.lon = Some("lon".into());
    points.size = Some("n".into());
    cases.push((
        "point_map",
        "SELECT lat, lon, count(*) AS n FROM transactions GROUP BY lat, lon",
        points,
        None,
    ));

    let mut density = spec(ChartKind::DensityMap);
    density.lat = Some("lat".into());
    density.lon = Some("lon".into());
    cases.push((
        "density_map_world",
        "SELECT lat, lon FROM telemetry",
        density.clone(),
        None,
    ));

    let mut europe = density.clone();
    europe.map_view = Some(GeoBox {
        west: -10.0,
        south: 35.0,
        east: 30.0,
        north: 60.0,
    });
    europe.y = Some("battery_pct".into());
    europe.aggregation = Aggregation::Avg;
    cases.push((
        "density_map_europe_avg",
        "SELECT * FROM telemetry",
        europe,
        None,
    ));

    let mut playback = density;
    playback.x = Some("ts".into());
    playback.playback = true;
    playback.map_view = Some(GeoBox::WORLD);
    cases.push((
        "density_map_playback_frame3",
        "SELECT * FROM transactions",
        playback,
        Some(3),
    ));
    cases
}

async fn engine() -> Engine {
    let mut engine = Engine::new();
    for table in ["transactions", "telemetry"] {
        let mut bytes = Vec::new();
        match table {
            "transactions" => write_parquet(
                transactions::schema(),
                transactions::generate(ROWS, SEED),
                &mut bytes,
                None,
            ),
            _ => write_parquet(
                telemetry::schema(),
                telemetry::generate(ROWS, SEED),
                &mut bytes,
                None,
            ),
        }
        .unwrap();
        let request = LoadRequest {
            name: table.to_string(),
            format: DatasetFormat::Parquet,
            source: DatasetSource::File {
                file_name: format!("{table}.parquet"),
            },
            file_name: format!("{table}.parquet"),
        };
        engine
            .register_bytes(request, Bytes::from(bytes))
            .await
            .unwrap();
    }
    engine
}

#[test]
fn every_chart_kind_matches_its_snapshot() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let engine = runtime.block_on(engine());
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    let cases = cases();
    let kinds: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.2.kind.name()).collect();
    assert_eq!(
        kinds.len(),
        ChartKind::ALL.len(),
        "every kind has a snapshot"
    );
    for (name, sql, spec, frame) in &cases {
        let made = runtime
            .block_on(make_chart(&engine, spec, sql))
            .unwrap_or_else(|e| panic!("{name}: {}", e.render()));
        let options = DrawOptions {
            frame: *frame,
            ..DrawOptions::default()
        };
        let (svg, _) = render_svg(spec, &made.data, (800, 450), options).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
        let path = snapshot_dir().join(format!("{name}.svg"));
        if update {
            std::fs::write(&path, &svg).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == svg => {}
            Ok(_) => failures.push(format!(
                "{name}: the drawing changed (UPDATE_SNAPSHOTS=1 accepts it)"
            )),
            Err(_) => failures.push(format!(
                "{name}: no snapshot yet (UPDATE_SNAPSHOTS=1 writes it)"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_snapshot_is_orphaned() {
    let known: Vec<String> = cases().iter().map(|c| format!("{}.svg", c.0)).collect();
    for entry in std::fs::read_dir(snapshot_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            known.contains(&name),
            "{name} belongs to no test: delete it"
        );
    }
}

//! `meridian chart`: the app's charts drawn headlessly. The same three steps as
//! in the app (measure, aggregate in the engine, draw), with the same crates.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, NaiveDate};
use meridian_chart::{
    ChartData, DataPlan, DrawOptions, Extent, check_columns, data_plan, extent_sql,
};
use meridian_engine::Engine;
use meridian_model::{Aggregation, ChartSpec, TimeRange};

use crate::args::ChartArgs;
use crate::commands::CliError;

/// A chart's query plan and the data its queries returned.
#[derive(Debug)]
pub struct MadeChart {
    pub extent: Extent,
    pub plan: DataPlan,
    pub data: ChartData,
}

/// Measures, aggregates and reads the data for `spec` over the result of `sql`.
pub async fn make_chart(
    engine: &Engine,
    spec: &ChartSpec,
    sql: &str,
) -> Result<MadeChart, CliError> {
    // Planning the user's query first gives its errors with their place in it,
    // and its schema tells a misspelt chart column from a bug.
    let stream = engine
        .execute(sql)
        .await
        .map_err(|e| CliError::engine(e, Some(sql)))?;
    check_columns(spec, stream.schema().as_ref())?;
    drop(stream);
    let extent = match extent_sql(spec, sql)? {
        Some(query) => {
            let (_, batches) = engine
                .query(&query)
                .await
                .map_err(|e| CliError::engine(e, None))?;
            Extent::from_batches(&batches)?
        }
        None => Extent::default(),
    };
    let plan = data_plan(spec, sql, &extent)?;
    let (_, batches) = engine
        .query(&plan.sql)
        .await
        .map_err(|e| CliError::engine(e, None))?;
    let data = ChartData::from_batches(spec, &plan, &batches)?;
    Ok(MadeChart { extent, plan, data })
}

/// Parses `2024-03-04` or an RFC 3339 time as UTC milliseconds.
pub fn parse_utc(text: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp_millis());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
}

/// The spec from `--spec` and the flags, flags winning; `None` when neither names a kind.
pub fn spec_from_args(args: &ChartArgs) -> Result<Option<ChartSpec>, CliError> {
    let mut spec = match &args.spec {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| CliError::Open {
                path: path.clone(),
                source,
            })?;
            Some(ChartSpec::from_json(&text).map_err(|e| CliError::Spec {
                path: path.clone(),
                error: e,
            })?)
        }
        None => None,
    };
    if let Some(kind) = args.kind {
        let spec = spec.get_or_insert_with(|| ChartSpec::new(kind));
        spec.kind = kind;
        if args.aggregation.is_none() && args.y.is_some() && args.spec.is_none() {
            spec.aggregation = Aggregation::Sum;
        }
    }
    let Some(mut spec) = spec else {
        return Ok(None);
    };
    let set = |field: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            field.clone_from(value);
        }
    };
    set(&mut spec.x, &args.x);
    set(&mut spec.y, &args.y);
    set(&mut spec.color, &args.color);
    set(&mut spec.size, &args.size);
    set(&mut spec.lat, &args.lat);
    set(&mut spec.lon, &args.lon);
    set(&mut spec.title, &args.title);
    if let Some(aggregation) = args.aggregation {
        spec.aggregation = aggregation;
    }
    if let Some(bucket) = args.bucket {
        spec.time_bucket = Some(bucket);
    }
    if let Some(view) = args.view {
        spec.map_view = Some(view);
    }
    if let Some(top) = args.top {
        spec.top_n = top;
    }
    if let Some(theme) = args.theme {
        spec.theme = theme.into();
    }
    if args.frame.is_some() {
        spec.playback = true;
    }
    match (&args.from, &args.to) {
        (None, None) => {}
        (Some(from), Some(to)) => {
            let parse =
                |text: &String| parse_utc(text).ok_or_else(|| CliError::BadTime(text.clone()));
            let (start_ms, end_ms) = (parse(from)?, parse(to)?);
            if end_ms <= start_ms {
                return Err(CliError::BadRange);
            }
            spec.time_range = Some(TimeRange { start_ms, end_ms });
        }
        _ => return Err(CliError::BadRange),
    }
    Ok(Some(spec))
}

/// Runs `meridian chart`.
pub async fn run(engine: &Engine, args: &ChartArgs) -> Result<(), CliError> {
    let started = Instant::now();
    let spec = match spec_from_args(args)? {
        Some(spec) => spec,
        None => {
            let stream = engine
                .execute(&args.sql)
                .await
                .map_err(|e| CliError::engine(e, Some(&args.sql)))?;
            meridian_chart::suggest::suggest(stream.schema().as_ref())
        }
    };
    let made = make_chart(engine, &spec, &args.sql).await?;
    let options = DrawOptions {
        frame: args.frame,
        ..DrawOptions::default()
    };
    let (svg, _) =
        meridian_chart::render_svg(&spec, &made.data, (args.width, args.height), options)?;
    write_svg(&args.out, &svg)?;
    eprintln!(
        "wrote {} ({} chart{}) in {:.1} ms",
        args.out.display(),
        spec.kind.name(),
        describe(&made),
        started.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}

fn describe(made: &MadeChart) -> String {
    match &made.data {
        ChartData::TimeSeries {
            bucket,
            buckets,
            series,
        } => format!(
            ", {} buckets of {}, {} series",
            buckets.len(),
            bucket.label(),
            series.len()
        ),
        ChartData::DensityMap {
            cells,
            cell_deg,
            frames,
            ..
        } => {
            let frames = if frames.is_empty() {
                String::new()
            } else {
                format!(", {} frames", frames.len())
            };
            format!(", {} cells of {cell_deg}°{frames}", cells.len())
        }
        _ => String::new(),
    }
}

fn write_svg(path: &Path, svg: &str) -> Result<(), CliError> {
    std::fs::write(path, svg).map_err(|source| CliError::Open {
        path: path.to_path_buf(),
        source,
    })
}

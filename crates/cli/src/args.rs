//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use meridian_model::{Aggregation, ChartKind, GeoBox, Theme, TimeBucket};

#[derive(Debug, Parser)]
#[command(
    name = "meridian",
    version,
    about = "Meridian's query engine from the command line"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run SQL over files; each file becomes a table named after it (no extension).
    Sql {
        /// Parquet, CSV, NDJSON or Arrow IPC files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The SQL to run.
        #[arg(short = 'e', long = "execute")]
        sql: String,
        /// How to print the result.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Print a file's columns and types, and its row count.
    Schema { file: PathBuf },
    /// Draw a chart of a query's result as SVG, as the app draws it.
    Chart(Box<ChartArgs>),
    /// Write the generated sample tables (transactions, telemetry).
    Samples {
        /// Rows in each table.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// The folder to write into; created when missing.
        #[arg(long)]
        out: PathBuf,
        /// The seed; the same seed writes the same rows.
        #[arg(long, default_value_t = meridian_samples::DEFAULT_SEED)]
        seed: u64,
        /// Which file formats to write.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = [SampleFileFormat::Parquet, SampleFileFormat::Csv])]
        formats: Vec<SampleFileFormat>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A table for people.
    Table,
    /// CSV with a header row.
    Csv,
    /// One JSON object per row, in an array.
    Json,
    /// An Arrow IPC stream, for other engines and tools. String and binary views
    /// are written as plain strings and binaries, which every Arrow reader takes.
    Arrow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SampleFileFormat {
    Parquet,
    Csv,
}

/// `meridian chart`: the chart comes from `--spec`, from flags, or from both
/// (flags win), and is suggested from the result's columns when neither says.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Parquet, CSV, NDJSON or Arrow IPC files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The SQL whose result is charted.
    #[arg(short = 'e', long = "execute")]
    pub sql: String,
    /// Where to write the SVG.
    #[arg(long)]
    pub out: PathBuf,
    /// A chart spec (JSON), as the app saves it.
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// line, area, bar, category-bar, histogram, scatter, kpi, table, point-map or density-map.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<ChartKind>,
    /// Time column (time charts, playback), category (bars) or x (scatter).
    #[arg(long)]
    pub x: Option<String>,
    /// The measured column; rows are counted without it.
    #[arg(long)]
    pub y: Option<String>,
    /// Splits the chart into series by this column (top N and "Other").
    #[arg(long)]
    pub color: Option<String>,
    #[arg(long)]
    pub size: Option<String>,
    #[arg(long)]
    pub lat: Option<String>,
    #[arg(long)]
    pub lon: Option<String>,
    /// count, sum, avg, min, max or p95 (sum when --y is given, else count).
    #[arg(long = "agg", value_parser = parse_aggregation)]
    pub aggregation: Option<Aggregation>,
    /// A fixed time bucket (minute, 5-minutes, 15-minutes, hour, 6-hours, day, week, month).
    #[arg(long, value_parser = parse_bucket)]
    pub bucket: Option<TimeBucket>,
    /// Visible range start, UTC (`2024-03-04` or `2024-03-04T12:00:00Z`).
    #[arg(long)]
    pub from: Option<String>,
    /// Visible range end (exclusive), UTC.
    #[arg(long)]
    pub to: Option<String>,
    /// Visible map box as `west,south,east,north` in degrees (west > east crosses 180°).
    #[arg(long, value_parser = parse_box, allow_hyphen_values = true)]
    pub view: Option<GeoBox>,
    /// Series shown before the rest become "Other".
    #[arg(long)]
    pub top: Option<usize>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
    /// Draw playback frame N (from 0) of a density map over time.
    #[arg(long)]
    pub frame: Option<usize>,
    #[arg(long, default_value_t = 960)]
    pub width: u32,
    #[arg(long, default_value_t = 540)]
    pub height: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    Light,
    Dark,
}

impl From<ThemeArg> for Theme {
    fn from(theme: ThemeArg) -> Self {
        match theme {
            ThemeArg::Light => Theme::Light,
            ThemeArg::Dark => Theme::Dark,
        }
    }
}

fn parse_kind(text: &str) -> Result<ChartKind, String> {
    ChartKind::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "'{text}' is not a chart kind; use one of {}",
            names.join(", ")
        )
    })
}

fn parse_aggregation(text: &str) -> Result<Aggregation, String> {
    Aggregation::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = Aggregation::ALL.iter().map(|a| a.name()).collect();
        format!(
            "'{text}' is not an aggregation; use one of {}",
            names.join(", ")
        )
    })
}

fn parse_bucket(text: &str) -> Result<TimeBucket, String> {
    TimeBucket::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = TimeBucket::LADDER.iter().map(|b| b.name()).collect();
        format!(
            "'{text}' is not a time bucket; use one of {}",
            names.join(", ")
        )
    })
}

fn parse_box(text: &str) -> Result<GeoBox, String> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|part| part.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("'{text}' is not four numbers west,south,east,north"))?;
    let [west, south, east, north] = numbers[..] else {
        return Err(format!(
            "'{text}' is not four numbers west,south,east,north"
        ));
    };
    if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) || south >= north {
        return Err(format!(
            "'{text}': south and north must be latitudes with south < north"
        ));
    }
    if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
        return Err(format!(
            "'{text}': west and east must be longitudes from -180 to 180"
        ));
    }
    Ok(GeoBox {
        west,
        south,
        east,
        north,
    })
}

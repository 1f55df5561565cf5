//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SampleFileFormat {
    Parquet,
    Csv,
}

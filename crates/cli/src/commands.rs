//! What each subcommand does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use meridian_engine::object_store::local::LocalFileSystem;
use meridian_engine::{Engine, EngineError, LoadRequest};
use meridian_model::{
    DatasetFormat, DatasetInfo, DatasetSource, UserError, table_name_from_file_name,
};
use meridian_samples::{SampleError, SampleFilesError, SampleFormat, write_files};
use url::Url;

use crate::args::{Cli, Command, SampleFileFormat};
use crate::output;

/// Why a command failed, said as a sentence on stderr.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}", .error.to_sentence())]
    Engine {
        error: UserError,
        sql: Option<String>,
    },
    #[error("'{}' is not a file Meridian reads: use {}.", .0.display(), DatasetFormat::supported_extensions())]
    UnsupportedFile(PathBuf),
    #[error("could not open '{}': {}", .path.display(), .source)]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write '{}': {}", .path.display(), .source)]
    Write { path: PathBuf, source: SampleError },
    #[error("could not print the result: {0}")]
    Output(String),
    #[error("{0}")]
    Chart(#[from] meridian_chart::ChartError),
    #[error("'{}' is not a chart spec Meridian reads: {error}", .path.display())]
    Spec {
        path: PathBuf,
        error: meridian_model::ChartSpecError,
    },
    #[error("'{0}' is not a time: write 2024-03-04 or 2024-03-04T12:00:00Z")]
    BadTime(String),
    #[error("--from and --to go together, and --to must be after --from")]
    BadRange,
}

impl CliError {
    pub fn engine(error: EngineError, sql: Option<&str>) -> Self {
        Self::Engine {
            error: error.to_user_error(),
            sql: sql.map(str::to_string),
        }
    }

    /// The message for stderr; SQL errors show the line with a caret under the place.
    pub fn render(&self) -> String {
        let mut text = format!("error: {self}");
        if let Self::Engine {
            error,
            sql: Some(sql),
        } = self
            && let Some(span) = error.span
            && let Some(line) = sql.lines().nth(span.start.line.saturating_sub(1) as usize)
        {
            let start = span.start.column.saturating_sub(1) as usize;
            let width = if span.end.line == span.start.line {
                (span.end.column.saturating_sub(span.start.column) as usize).max(1)
            } else {
                1
            };
            text.push_str(&format!(
                "\n  {line}\n  {}{}",
                " ".repeat(start),
                "^".repeat(width)
            ));
        }
        text
    }
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Sql { files, sql, format } => {
            let mut engine = Engine::new();
            for file in &files {
                register_file(&mut engine, file, None).await?;
            }
            let started = Instant::now();
            let (schema, batches) = engine
                .query(&sql)
                .await
                .map_err(|e| CliError::engine(e, Some(&sql)))?;
            let stdout = std::io::stdout().lock();
            output::print(format, &schema, &batches, stdout)?;
            if format == crate::args::OutputFormat::Table {
                let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
                eprintln!(
                    "{rows} rows in {:.1} ms",
                    started.elapsed().as_secs_f64() * 1e3
                );
            }
            Ok(())
        }
        Command::Chart(args) => {
            let mut engine = Engine::new();
            for file in &args.files {
                register_file(&mut engine, file, None).await?;
            }
            crate::chart::run(&engine, &args).await
        }
        Command::Schema { file } => {
            let mut engine = Engine::new();
            let dataset = register_file(&mut engine, &file, None).await?;
            print_schema(&dataset).map_err(|e| CliError::Output(e.to_string()))
        }
        Command::Samples {
            rows,
            out,
            seed,
            formats,
        } => write_samples(rows, &out, seed, &formats),
    }
}

/// Registers a file from disk, read by ranges through the local object store.
async fn register_file(
    engine: &mut Engine,
    file: &Path,
    name: Option<String>,
) -> Result<DatasetInfo, CliError> {
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = DatasetFormat::from_file_name(&file_name)
        .ok_or_else(|| CliError::UnsupportedFile(file.to_path_buf()))?;
    let open_error = |source| CliError::Open {
        path: file.to_path_buf(),
        source,
    };
    let absolute = std::fs::canonicalize(file).map_err(open_error)?;
    let size_bytes = std::fs::metadata(&absolute).map_err(open_error)?.len();
    let url = Url::from_file_path(&absolute).map_err(|()| {
        open_error(std::io::Error::other(
            "the path cannot be written as a file URL",
        ))
    })?;
    let request = LoadRequest {
        name: name.unwrap_or_else(|| table_name_from_file_name(&file_name)),
        format,
        source: DatasetSource::File {
            file_name: file_name.clone(),
        },
        file_name,
    };
    engine
        .register_object(request, Arc::new(LocalFileSystem::new()), &url, size_bytes)
        .await
        .map_err(|e| CliError::engine(e, None))
}

fn print_schema(dataset: &DatasetInfo) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({}, {} rows, {} bytes)",
        dataset.name,
        dataset.format.label(),
        dataset.row_count,
        dataset.size_bytes
    )?;
    let width = dataset
        .columns
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for column in &dataset.columns {
        let null = if column.nullable { "" } else { " not null" };
        writeln!(out, "  {:width$}  {}{null}", column.name, column.data_type)?;
    }
    Ok(())
}

fn write_samples(
    rows: usize,
    out: &Path,
    seed: u64,
    formats: &[SampleFileFormat],
) -> Result<(), CliError> {
    let formats: Vec<SampleFormat> = formats
        .iter()
        .map(|format| match format {
            SampleFileFormat::Parquet => SampleFormat::Parquet,
            SampleFileFormat::Csv => SampleFormat::Csv,
        })
        .collect();
    let report = |path: &Path| eprintln!("wrote {}", path.display());
    write_files(out, rows, seed, &formats, report).map_err(|error| match error {
        SampleFilesError::Folder { path, source } => CliError::Open { path, source },
        SampleFilesError::File { path, source } => CliError::Write { path, source },
    })
}

//! The parts an analysis is made of: where data comes from, the steps, the widgets.

use serde::{Deserialize, Serialize};

use crate::{ChartSpec, DatasetFormat, DatasetInfo, DatasetSource};

/// Where one table of an analysis comes from. Only the description travels in a
/// saved or shared analysis, never the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// One of the samples shipped with the app, by its name (`transactions`).
    Sample { table: String, sample: String },
    /// A file the analyst loaded; asked for again by name and checked by hash.
    Upload {
        table: String,
        file_name: String,
        size_bytes: u64,
        /// SHA-256 of the file's bytes, hex.
        sha256: String,
        format: DatasetFormat,
    },
    /// A remote file, fetched again when the analysis opens.
    Url {
        table: String,
        url: String,
        format: DatasetFormat,
    },
}

impl Source {
    /// The table name the steps use.
    pub fn table(&self) -> &str {
        match self {
            Source::Sample { table, .. }
            | Source::Upload { table, .. }
            | Source::Url { table, .. } => table,
        }
    }

    /// How a loaded dataset is described in an analysis.
    pub fn of_dataset(dataset: &DatasetInfo) -> Self {
        let table = dataset.name.clone();
        match &dataset.source {
            DatasetSource::Sample { url } => Source::Sample {
                table,
                // `…/samples/transactions.parquet` is the sample `transactions`.
                sample: url
                    .rsplit('/')
                    .next()
                    .and_then(|file| file.split('.').next())
                    .unwrap_or(&dataset.name)
                    .to_string(),
            },
            DatasetSource::Url { url } => Source::Url {
                table,
                url: url.clone(),
                format: dataset.format,
            },
            DatasetSource::File { file_name } => Source::Upload {
                table,
                file_name: file_name.clone(),
                size_bytes: dataset.size_bytes,
                sha256: dataset.content_sha256.clone().unwrap_or_default(),
                format: dataset.format,
            },
        }
    }

    /// When `loaded` is an upload for the same table as `self` but with other
    /// contents (by SHA-256), a sentence saying so; a file given again that is
    /// not the original must not pass for it.
    pub fn changed_upload(&self, loaded: &Source) -> Option<String> {
        match (self, loaded) {
            (
                Source::Upload {
                    table: expected_table,
                    sha256: expected,
                    ..
                },
                Source::Upload {
                    table,
                    file_name,
                    sha256,
                    ..
                },
            ) if expected_table == table
                && !expected.is_empty()
                && !sha256.is_empty()
                && expected != sha256 =>
            {
                Some(format!(
                    "'{file_name}' is not the file this analysis was made with (its contents differ), so table {table} may give other numbers."
                ))
            }
            _ => None,
        }
    }

    /// What identifies the data itself: a cached step over it stays valid while this holds.
    pub fn identity(&self) -> String {
        match self {
            Source::Sample { sample, .. } => format!("sample:{sample}"),
            Source::Upload { sha256, .. } => format!("upload:{sha256}"),
            Source::Url { url, .. } => format!("url:{url}"),
        }
    }
}

/// One step: a named query whose result later steps use as a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The table name later steps and widgets use.
    pub name: String,
    pub sql: String,
    /// What the step is for, in Markdown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Where a widget sits on the dashboard grid (12 columns wide; rows of equal height).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPlace {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// The dashboard grid's width in columns.
pub const GRID_COLUMNS: u32 = 12;

impl GridPlace {
    /// The next free place below `taken`, half the grid wide, filling rows left to right.
    pub fn next_free(taken: &[GridPlace]) -> Self {
        let w = GRID_COLUMNS / 2;
        let h = 4;
        let count = taken.len() as u32;
        Self {
            x: (count % 2) * w,
            y: (count / 2) * h,
            w,
            h,
        }
    }
}

/// One piece of a dashboard: a step's result as a chart or a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    /// The step whose result it shows.
    pub step: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The chart; absent means the result's table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<ChartSpec>,
    pub place: GridPlace,
}

impl Widget {
    pub fn title(&self) -> String {
        self.title
            .clone()
            .or_else(|| self.chart.as_ref().and_then(|c| c.title.clone()))
            .unwrap_or_else(|| self.step.clone())
    }
}

//! The file formats Meridian reads, and how a file name maps to one.

use serde::{Deserialize, Serialize};

/// A tabular file format the engine can register as a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetFormat {
    Parquet,
    Csv,
    /// Newline-delimited JSON: one object per line.
    Json,
    /// The Arrow IPC file format (`.arrow`, `.feather`).
    ArrowIpc,
}

impl DatasetFormat {
    /// Every format, in the order the UI lists them.
    pub const ALL: [DatasetFormat; 4] = [
        DatasetFormat::Parquet,
        DatasetFormat::Csv,
        DatasetFormat::Json,
        DatasetFormat::ArrowIpc,
    ];

    /// Guesses the format from a file name or URL path by its extension.
    ///
    /// Returns `None` when the extension is not one Meridian reads, so the caller
    /// can tell the user which extensions are supported.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let path = name.split(['?', '#']).next().unwrap_or(name);
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "parquet" | "pq" => Some(Self::Parquet),
            "csv" | "tsv" => Some(Self::Csv),
            "json" | "ndjson" | "jsonl" => Some(Self::Json),
            "arrow" | "feather" | "ipc" => Some(Self::ArrowIpc),
            _ => None,
        }
    }

    /// The file extension written for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::ArrowIpc => "arrow",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Parquet => "Parquet",
            Self::Csv => "CSV",
            Self::Json => "NDJSON",
            Self::ArrowIpc => "Arrow IPC",
        }
    }

    /// The extensions accepted, as a sentence fragment for error messages.
    pub fn supported_extensions() -> &'static str {
        ".parquet, .csv, .tsv, .json, .ndjson, .jsonl, .arrow or .feather"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension_whatever_its_case() {
        assert_eq!(
            DatasetFormat::from_file_name("a.PARQUET"),
            Some(DatasetFormat::Parquet)
        );
        assert_eq!(
            DatasetFormat::from_file_name("dir/x.csv"),
            Some(DatasetFormat::Csv)
        );
        assert_eq!(
            DatasetFormat::from_file_name("x.jsonl"),
            Some(DatasetFormat::Json)
        );
        assert_eq!(
            DatasetFormat::from_file_name("x.feather"),
            Some(DatasetFormat::ArrowIpc)
        );
    }

    #[test]
    fn query_strings_and_fragments_do_not_hide_the_extension() {
        assert_eq!(
            DatasetFormat::from_file_name("http://h/t.parquet?sig=1#x"),
            Some(DatasetFormat::Parquet)
        );
    }

    #[test]
    fn unknown_or_missing_extensions_are_not_guessed() {
        assert_eq!(DatasetFormat::from_file_name("notes.txt"), None);
        assert_eq!(DatasetFormat::from_file_name("README"), None);
    }
}

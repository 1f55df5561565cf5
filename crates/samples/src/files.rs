//! Writing the sample tables as files: one per table and format, in a folder.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::{SampleError, SampleFormat, telemetry, transactions, write_csv, write_parquet};

/// The generated tables, by the name each table and its file take.
const TABLE_NAMES: [&str; 2] = ["transactions", "telemetry"];

/// Why a folder of samples could not be written, with the path that failed.
#[derive(Debug, thiserror::Error)]
pub enum SampleFilesError {
    #[error("could not create the folder '{}': {source}", .path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write '{}': {source}", .path.display())]
    File { path: PathBuf, source: SampleError },
}

impl SampleFormat {
    /// The file extension a table in this format is written with.
    pub fn extension(self) -> &'static str {
        match self {
            SampleFormat::Parquet => "parquet",
            SampleFormat::Csv => "csv",
        }
    }
}

/// Writes every table in every format into `folder`, created when missing:
/// `rows` rows each from `seed`, as `transactions.parquet` and so on. Calls
/// `written` with each file's path once it is complete.
pub fn write_files(
    folder: &Path,
    rows: usize,
    seed: u64,
    formats: &[SampleFormat],
    mut written: impl FnMut(&Path),
) -> Result<(), SampleFilesError> {
    std::fs::create_dir_all(folder).map_err(|source| SampleFilesError::Folder {
        path: folder.to_path_buf(),
        source,
    })?;
    for &format in formats {
        for table in TABLE_NAMES {
            let path = folder.join(format!("{table}.{}", format.extension()));
            write_file(table, format, rows, seed, &path).map_err(|source| {
                SampleFilesError::File {
                    path: path.clone(),
                    source,
                }
            })?;
            written(&path);
        }
    }
    Ok(())
}

fn write_file(
    table: &str,
    format: SampleFormat,
    rows: usize,
    seed: u64,
    path: &Path,
) -> Result<(), SampleError> {
    let file = BufWriter::new(File::create(path)?);
    match (table, format) {
        ("transactions", SampleFormat::Parquet) => write_parquet(
            transactions::schema(),
            transactions::generate(rows, seed),
            file,
            None,
        ),
        ("transactions", SampleFormat::Csv) => write_csv(transactions::generate(rows, seed), file),
        (_, SampleFormat::Parquet) => write_parquet(
            telemetry::schema(),
            telemetry::generate(rows, seed),
            file,
            None,
        ),
        (_, SampleFormat::Csv) => write_csv(telemetry::generate(rows, seed), file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own under the system's temporary one, removed when dropped.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn writes_each_table_in_each_format_into_a_new_folder() -> Result<(), Box<dyn std::error::Error>>
    {
        let scratch = Scratch(
            std::env::temp_dir().join(format!("meridian-samples-test-{}", std::process::id())),
        );
        let folder = scratch.0.join("nested");
        let mut seen = Vec::new();
        write_files(
            &folder,
            300,
            7,
            &[SampleFormat::Parquet, SampleFormat::Csv],
            |path| seen.push(path.to_path_buf()),
        )?;
        let names: Vec<_> = seen
            .iter()
            .filter_map(|path| path.file_name()?.to_str())
            .collect();
        assert_eq!(
            names,
            [
                "transactions.parquet",
                "telemetry.parquet",
                "transactions.csv",
                "telemetry.csv"
            ]
        );
        let csv = std::fs::read_to_string(folder.join("transactions.csv"))?;
        assert_eq!(csv.lines().count(), 301, "a header and 300 rows");
        Ok(())
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_named_in_the_error() {
        let scratch = Scratch(
            std::env::temp_dir().join(format!("meridian-samples-file-{}", std::process::id())),
        );
        // A file where the folder should be.
        let made = std::fs::write(&scratch.0, b"not a folder");
        assert!(made.is_ok());
        let error = write_files(&scratch.0, 10, 1, &[SampleFormat::Csv], |_| {});
        let said = error.map_err(|e| e.to_string());
        assert!(
            matches!(&said, Err(text) if text.starts_with("could not create the folder")),
            "{said:?}"
        );
    }
}

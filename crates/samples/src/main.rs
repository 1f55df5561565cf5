//! `meridian-samples ROWS FOLDER`: writes the app's bundled sample tables as
//! Parquet, from the default seed.
//!
//! The `meridian samples` command does the same with more choices. This binary
//! needs no query engine, so a build script can make the samples the app's
//! bundle carries before DataFusion is built.

use std::path::Path;
use std::process::ExitCode;

use meridian_samples::{DEFAULT_SEED, SampleFormat, write_files};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rows, folder] = args.as_slice() else {
        eprintln!("usage: meridian-samples ROWS FOLDER");
        return ExitCode::from(2);
    };
    let Ok(rows) = rows.parse::<usize>() else {
        eprintln!("'{rows}' is not a number of rows: give a whole number, such as 200000.");
        return ExitCode::from(2);
    };
    let report = |path: &Path| eprintln!("wrote {}", path.display());
    match write_files(
        Path::new(folder),
        rows,
        DEFAULT_SEED,
        &[SampleFormat::Parquet],
        report,
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

//! Sample data generated in code: realistic, seeded, any size.
//!
//! `transactions` are card payments in real cities with skewed merchants and
//! daily and weekly seasonality; `telemetry` is payment terminals reporting
//! battery, signal, connection and app latency as they drain, drop and recover.
//! The same seed gives the same rows on every platform, wasm included.

// Writing files is for native programs: the browser has no file system.
#[cfg(not(target_arch = "wasm32"))]
mod files;
mod places;
mod random;
pub mod telemetry;
pub mod transactions;
mod write;

#[cfg(not(target_arch = "wasm32"))]
pub use files::{SampleFilesError, write_files};
pub use places::{CITIES, City, Store, stores};
pub use write::{SampleError, SampleFormat, write_csv, write_parquet};

/// The first instant of every generated table: Monday 2 March 2026, 00:00 UTC, in milliseconds.
pub const START_MS: i64 = 1_772_409_600_000;

/// How many rows each generated record batch holds at most.
pub const BATCH_ROWS: usize = 65_536;

/// The default seed, used by the app's bundled samples and the CLI.
pub const DEFAULT_SEED: u64 = 0x5EED_2026;

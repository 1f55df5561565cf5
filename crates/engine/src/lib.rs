//! Meridian's query engine: one DataFusion session, fed through object stores.
//!
//! The engine knows nothing of browsers or terminals. The worker feeds it bytes
//! read from a `File` or an HTTP object store; the CLI feeds it bytes from disk.
//! It answers SQL with a stream of Arrow record batches and explains failures as
//! [`EngineError`]s that turn into sentences with a position in the SQL.

mod analyze_in_task;
mod clustered_sort;
mod compact;
mod compact_table;
mod cross_filter;
mod decimal_arithmetic;
mod decimal_rule;
mod error;
mod export;
mod filter_conjunction;
mod hold;
mod ipc;
mod load;
mod session;
mod split;
mod split_joins;
mod split_rows;
mod steps;
mod utc_date_trunc;
mod window_rule;

pub use datafusion;
pub use datafusion::arrow;
pub use error::EngineError;
pub use ipc::{cast_batches, first_rows, ipc_stream_from_batches, page_ipc_stream};
pub use load::LoadRequest;
pub use object_store;
pub use session::Engine;
pub use split::{SharePart, SplitQuery};
pub use split_rows::ShareRows;
pub use steps::{StepResult, StepRun};

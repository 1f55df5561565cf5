//! The messages between the UI thread and the engine worker, and between the
//! engine worker and its helper (a second engine worker that answers part of
//! a query on another core; see `RunPart`).
//!
//! Each message travels as a JSON string beside at most one binary payload: a
//! browser `File` going in, Arrow IPC bytes (a transferable buffer) coming out.
//! Bumping [`PROTOCOL_VERSION`] is required whenever a message changes shape;
//! the UI and the worker are always built together, so a mismatch is a bug.

use serde::{Deserialize, Serialize};

use crate::{BoundValue, DatasetFormat, DatasetInfo, DatasetSource, StepKey, UserError};

pub const PROTOCOL_VERSION: u32 = 5;

/// At most this many rows of a step's result travel to the page for the grid.
/// The engine keeps them all: charts and later steps read the whole result
/// there, so ten million rows never cross to the UI thread.
pub const ROWS_SENT_TO_PAGE: usize = 100_000;

/// Which tables a query or step reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The tables as loaded.
    #[default]
    Whole,
    /// Every table with the cross-filter's column, restricted to its range;
    /// steps run again over them and are kept apart from the whole ones.
    CrossFiltered,
}

/// A time range brushed on one chart, applied to the tables with `column`
/// as the predicate `column >= from AND column < to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossFilter {
    pub column: String,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// One analysis step to run: its table name, SQL, placeholder values, cache
/// key, whether its rows travel back, and over which tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepCall {
    pub name: String,
    pub sql: String,
    pub bindings: Vec<(String, BoundValue)>,
    pub key: StepKey,
    pub send_rows: bool,
    #[serde(default)]
    pub scope: Scope,
}

/// What the UI asks of the engine. `request_id` pairs an answer with its question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Load a dataset and register it as table `name`. For `DatasetSource::File`,
    /// the browser `File` travels beside this message.
    Register {
        request_id: u64,
        name: String,
        format: DatasetFormat,
        source: DatasetSource,
    },
    /// Give table `from` the name `to`.
    Rename {
        request_id: u64,
        from: String,
        to: String,
    },
    /// Drop a table.
    Remove { request_id: u64, name: String },
    /// Run one SQL statement; the answer carries the result as Arrow IPC bytes.
    Query {
        request_id: u64,
        sql: String,
        #[serde(default)]
        scope: Scope,
    },
    /// Run one analysis step with its placeholder values and keep its result as
    /// table `name`. A held result with the same `key` is answered without running.
    /// The rows travel back only when `send_rows` (otherwise just the schema).
    RunStep {
        request_id: u64,
        #[serde(flatten)]
        call: StepCall,
    },
    /// Drop every step result whose name is not in `keep`.
    RetainSteps { request_id: u64, keep: Vec<String> },
    /// Set (or clear, with `None`) the cross-filter that [`Scope::CrossFiltered`] requests see.
    SetCrossFilter {
        request_id: u64,
        filter: Option<CrossFilter>,
    },
    /// Write table `name` as Parquet; the bytes travel beside the answer.
    ExportParquet { request_id: u64, name: String },
    /// Panic inside the engine on purpose, to exercise crash recovery from tests.
    CrashForTesting { request_id: u64 },
    /// From the engine worker to its helper: plan `sql` with `parts` partitions
    /// and run partition `part` of each partial aggregate. The answer is
    /// `PartDone`, with one Arrow IPC stream per partial aggregate beside it.
    RunPart {
        request_id: u64,
        sql: String,
        /// Placeholder values, as a step binds them.
        #[serde(default)]
        bindings: Vec<(String, BoundValue)>,
        part: u32,
        parts: u32,
    },
    /// Answered with `Settled` once the helper, if there is one, holds every
    /// table sent to it (or was given up), so that what follows runs with
    /// both cores free: a benchmark times queries after it.
    Settle { request_id: u64 },
}

impl Request {
    pub fn request_id(&self) -> u64 {
        match self {
            Self::Register { request_id, .. }
            | Self::Rename { request_id, .. }
            | Self::Remove { request_id, .. }
            | Self::Query { request_id, .. }
            | Self::RunStep { request_id, .. }
            | Self::RetainSteps { request_id, .. }
            | Self::SetCrossFilter { request_id, .. }
            | Self::ExportParquet { request_id, .. }
            | Self::RunPart { request_id, .. }
            | Self::Settle { request_id }
            | Self::CrashForTesting { request_id } => *request_id,
        }
    }
}

/// What the engine tells the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The worker has started and can take requests.
    Ready {
        protocol_version: u32,
    },
    /// Bytes read so far while loading; `total_bytes` is absent when unknown.
    Progress {
        request_id: u64,
        loaded_bytes: u64,
        total_bytes: Option<u64>,
    },
    Registered {
        request_id: u64,
        dataset: DatasetInfo,
    },
    Renamed {
        request_id: u64,
        dataset: DatasetInfo,
    },
    Removed {
        request_id: u64,
        name: String,
    },
    /// A query's result; the Arrow IPC stream travels beside this message.
    QueryDone {
        request_id: u64,
        row_count: u64,
        elapsed_ms: f64,
        /// How many workers ran it: 2 when the helper ran part of it.
        workers: u32,
    },
    /// A step's result (rows or only its schema) travels beside this message as Arrow IPC.
    StepDone {
        request_id: u64,
        row_count: u64,
        elapsed_ms: f64,
        /// The engine already held this result; nothing ran.
        cached: bool,
    },
    StepsRetained {
        request_id: u64,
    },
    /// The cross-filter is set; `tables` are the tables it filters (those with its column).
    CrossFilterSet {
        request_id: u64,
        tables: Vec<String>,
    },
    /// A table as Parquet; the bytes travel beside this message.
    Exported {
        request_id: u64,
        row_count: u64,
    },
    Failed {
        request_id: u64,
        error: UserError,
    },
    /// A helper's partition of each partial aggregate; `fingerprint` is the
    /// plan it ran, which must match the engine worker's own.
    PartDone {
        request_id: u64,
        fingerprint: String,
    },
    /// Nothing of the helper's is loading any more; `workers` hold the tables
    /// (2 with a helper, 1 without).
    Settled {
        request_id: u64,
        workers: u32,
    },
    /// The engine panicked; the worker is no longer usable and must be replaced.
    Crashed {
        message: String,
    },
}

impl Request {
    pub fn to_json(&self) -> String {
        // Serialising these plain enums cannot fail: no maps with non-string keys, no floats as keys.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn requests_round_trip_through_json() {
        let requests = [
            Request::Register {
                request_id: 1,
                name: "t".into(),
                format: DatasetFormat::Csv,
                source: DatasetSource::File {
                    file_name: "t.csv".into(),
                },
            },
            Request::Rename {
                request_id: 2,
                from: "a".into(),
                to: "b".into(),
            },
            Request::Remove {
                request_id: 3,
                name: "b".into(),
            },
            Request::Query {
                request_id: 4,
                sql: "SELECT 1".into(),
                scope: Scope::CrossFiltered,
            },
            Request::CrashForTesting { request_id: 5 },
            Request::RunStep {
                request_id: 6,
                call: StepCall {
                    name: "s".into(),
                    sql: "SELECT $x".into(),
                    bindings: vec![("x".into(), BoundValue::TimestampMs(3))],
                    key: StepKey("k".into()),
                    send_rows: true,
                    scope: Scope::Whole,
                },
            },
            Request::RetainSteps {
                request_id: 7,
                keep: vec!["s".into()],
            },
            Request::SetCrossFilter {
                request_id: 8,
                filter: Some(CrossFilter {
                    column: "ts".into(),
                    from_ms: 1,
                    to_ms: 2,
                }),
            },
            Request::ExportParquet {
                request_id: 9,
                name: "t".into(),
            },
            Request::RunPart {
                request_id: 10,
                sql: "SELECT count(*) FROM t WHERE n > $n".into(),
                bindings: vec![("n".into(), BoundValue::Number(2.0))],
                part: 1,
                parts: 2,
            },
            Request::Settle { request_id: 11 },
        ];
        for request in requests {
            let decoded = Request::from_json(&request.to_json()).expect("round trip");
            assert_eq!(decoded, request);
        }
    }

    #[test]
    fn responses_round_trip_through_json() {
        let response = Response::Failed {
            request_id: 9,
            error: UserError::new(ErrorKind::Load, "bad file"),
        };
        assert_eq!(
            Response::from_json(&response.to_json()).expect("round trip"),
            response
        );
    }

    #[test]
    fn a_step_travels_flat() {
        let json = Request::RunStep {
            request_id: 1,
            call: StepCall {
                name: "s".into(),
                sql: "SELECT 1".into(),
                bindings: Vec::new(),
                key: StepKey("k".into()),
                send_rows: false,
                scope: Scope::CrossFiltered,
            },
        }
        .to_json();
        assert_eq!(
            json,
            r#"{"type":"run_step","request_id":1,"name":"s","sql":"SELECT 1","bindings":[],"key":"k","send_rows":false,"scope":"cross_filtered"}"#
        );
    }

    #[test]
    fn the_wire_spelling_is_stable() {
        let json = Request::Query {
            request_id: 7,
            sql: "SELECT 1".into(),
            scope: Scope::Whole,
        }
        .to_json();
        assert_eq!(
            json,
            r#"{"type":"query","request_id":7,"sql":"SELECT 1","scope":"whole"}"#
        );
    }
}

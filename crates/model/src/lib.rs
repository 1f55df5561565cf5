//! Meridian's model: the plain, serialisable types every other crate shares.
//!
//! Nothing here touches the browser or the query engine, so the UI, the worker,
//! the CLI and the tests all agree on one vocabulary.

pub mod analysis;
pub mod archive;
pub mod chart_spec;
pub mod dataset;
pub mod embed;
pub mod error;
pub mod format;
mod ipc_stream;
pub mod protocol;
pub mod publish;
pub mod result_table;
pub mod share;

pub use analysis::{
    ANALYSIS_VERSION, Analysis, AnalysisError, BoundValue, ContentHasher, GridPlace, Lineage,
    ParamValue, Parameter, Source, Step, StepInputs, StepKey, Widget, content_sha256,
    ms_of_utc_date, steps_to_run, utc_date_of_ms,
};
pub use chart_spec::{
    Aggregation, BarMode, CHART_SPEC_VERSION, ChartKind, ChartSpec, ChartSpecError, GeoBox,
    NumberFormat, Theme, TimeBucket, TimeRange,
};
pub use dataset::{
    ColumnInfo, DatasetInfo, DatasetSource, table_name_from_file_name, unique_table_name,
    validate_table_name,
};
pub use error::{ErrorKind, SqlPosition, SqlSpan, UserError};
pub use format::DatasetFormat;
pub use protocol::{
    CrossFilter, PROTOCOL_VERSION, ROWS_SENT_TO_PAGE, Request, Response, Scope, StepCall,
};
pub use result_table::{ResultTable, ResultTableError};

/// The `version` field of a saved JSON document, read before the rest so a
/// newer version is refused with a sentence instead of a field error.
pub(crate) fn version_of(text: &str) -> Result<u32, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        version: u32,
    }
    serde_json::from_str::<VersionOnly>(text).map(|probe| probe.version)
}

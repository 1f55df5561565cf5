//! Why a chart could not be made, said to the person who asked for it.

/// Every way making a chart fails.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The spec lacks a column this kind of chart needs; the user's to fix.
    #[error("a {kind} chart needs a {role} column: choose one")]
    MissingField {
        kind: &'static str,
        role: &'static str,
    },
    /// The spec names a column the query's result does not have; the user's to fix.
    #[error("the result has no column '{column}' (it has {known})")]
    UnknownColumn { column: String, known: String },
    /// The aggregate query's answer lacks a column the chart asked for: a bug.
    #[error("the chart's query did not return the column '{0}' (this is a bug)")]
    MissingColumn(String),
    /// A column holds values the chart cannot place on an axis; the user's to fix.
    #[error("the column '{column}' holds {found}, but the chart needs {expected}")]
    WrongType {
        column: String,
        found: String,
        expected: &'static str,
    },
    /// plotters failed while drawing: a bug or a broken canvas.
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}

impl ChartError {
    pub(crate) fn draw(error: impl std::fmt::Display) -> Self {
        Self::Draw(error.to_string())
    }
}

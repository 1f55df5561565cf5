//! Engine errors, and how each becomes a sentence for a person.

use datafusion::error::DataFusionError;
use datafusion::sql::sqlparser::parser::ParserError;
use meridian_model::{DatasetFormat, ErrorKind, SqlPosition, SqlSpan, UserError};

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The SQL does not parse or plan (unknown column, bad syntax). The user's to fix.
    #[error("{}", clean_message(.0))]
    Sql(DataFusionError),
    /// The query planned but failed while running (a bad cast, memory). Usually the data's.
    #[error("{}", clean_message(.0))]
    Execution(DataFusionError),
    /// A file could not be read as the format it claims. The user picks another file.
    #[error("Could not read '{file}' as {}: {}", .format.label(), clean_message(.source))]
    Load {
        file: String,
        format: DatasetFormat,
        source: DataFusionError,
    },
    /// A table name was asked for that is not registered.
    #[error("There is no table named '{0}'.")]
    UnknownTable(String),
    /// A table with this name is already registered.
    #[error("A table named '{0}' already exists; choose another name.")]
    TableExists(String),
    /// The table name is not a plain SQL identifier; the message says why.
    #[error("{0}")]
    InvalidName(String),
    /// A cross-filtered request came while no cross-filter is set: a bug in the caller.
    #[error("Internal error (this is a bug in Meridian): no cross-filter is set.")]
    NoCrossFilter,
    /// A table could not be written as Parquet.
    #[error("Could not write table '{table}' as Parquet: {reason}")]
    Export { table: String, reason: String },
    /// Meridian broke an invariant of its own: a bug.
    #[error("Internal error (this is a bug in Meridian): {}", clean_message(.0))]
    Internal(DataFusionError),
}

impl EngineError {
    pub(crate) fn sql(error: DataFusionError) -> Self {
        Self::Sql(error)
    }

    pub(crate) fn execution(error: DataFusionError) -> Self {
        Self::Execution(error)
    }

    pub(crate) fn internal(error: DataFusionError) -> Self {
        Self::Internal(error)
    }

    /// The error as people see it: a sentence, a kind, a span in the SQL and a hint.
    pub fn to_user_error(&self) -> UserError {
        match self {
            Self::Sql(error) | Self::Execution(error) => {
                let kind = match (self, is_planning_error(error)) {
                    (Self::Execution(_), false) => ErrorKind::Execution,
                    _ => ErrorKind::Sql,
                };
                let (span, hint) = locate(error);
                UserError::new(kind, self.to_string())
                    .with_span(span)
                    .with_hint(hint)
            }
            Self::Load { .. } => UserError::new(ErrorKind::Load, self.to_string()),
            Self::UnknownTable(_) | Self::TableExists(_) | Self::InvalidName(_) => {
                UserError::new(ErrorKind::Sql, self.to_string())
            }
            Self::Export { .. } => UserError::new(ErrorKind::Execution, self.to_string()),
            Self::Internal(_) | Self::NoCrossFilter => {
                UserError::new(ErrorKind::Internal, self.to_string())
            }
        }
    }
}

fn is_planning_error(error: &DataFusionError) -> bool {
    matches!(
        error.find_root(),
        DataFusionError::SQL(..) | DataFusionError::Plan(_) | DataFusionError::SchemaError(..)
    )
}

/// The error's own words, without DataFusion's category prefixes, backtraces or Debug text.
fn clean_message(error: &DataFusionError) -> String {
    if let Some(diagnostic) = error.diagnostic() {
        return sentence(&diagnostic.message);
    }
    let root = error.find_root();
    let text = match root {
        DataFusionError::SQL(parser_error, _) => parser_message(parser_error),
        DataFusionError::Context(_, inner) => clean_message(inner),
        DataFusionError::ObjectStore(error) => storage_message(error),
        other => other.message().to_string(),
    };
    sentence(text.trim())
}

/// A failed read from where a table's file lives, without the store's
/// internal names and paths: the store's own reason when it gave one.
fn storage_message(error: &object_store::Error) -> String {
    match error {
        object_store::Error::Generic { source, .. } => {
            format!("the file could not be read: {source}")
        }
        object_store::Error::NotFound { .. } => "the file is no longer available".to_string(),
        other => format!("the file could not be read ({other})"),
    }
}

fn parser_message(error: &ParserError) -> String {
    let text = match error {
        ParserError::ParserError(text) | ParserError::TokenizerError(text) => text.clone(),
        ParserError::RecursionLimitExceeded => "The query is nested too deeply.".to_string(),
    };
    // The position is reported separately, as a span.
    match text.rfind(" at Line: ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Starts with a capital letter and ends with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return "The engine gave no reason.".to_string(),
    };
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// Where the error is in the SQL, and what might be meant, when DataFusion knows.
fn locate(error: &DataFusionError) -> (Option<SqlSpan>, Option<String>) {
    if let Some(diagnostic) = error.diagnostic() {
        let span = diagnostic.span.map(|span| SqlSpan {
            start: SqlPosition {
                line: span.start.line as u32,
                column: span.start.column as u32,
            },
            end: SqlPosition {
                line: span.end.line as u32,
                column: span.end.column as u32,
            },
        });
        let hint = diagnostic.helps.first().map(|help| sentence(&help.message));
        return (span.filter(|s| s.start.line > 0), hint);
    }
    if let DataFusionError::SQL(parser_error, _) = error.find_root() {
        let text = match parser_error.as_ref() {
            ParserError::ParserError(text) | ParserError::TokenizerError(text) => text,
            ParserError::RecursionLimitExceeded => return (None, None),
        };
        return (parser_span(text), None);
    }
    (None, None)
}

/// Reads "… found: TOKEN at Line: 3, Column: 7" into a span covering TOKEN.
fn parser_span(text: &str) -> Option<SqlSpan> {
    let at = text.rfind(" at Line: ")?;
    let position = &text[at + " at Line: ".len()..];
    let (line, column) = position.split_once(", Column: ")?;
    let line: u32 = line.trim().parse().ok()?;
    let column: u32 = column
        .trim()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    let token_length = text[..at]
        .rsplit_once("found: ")
        .map_or(1, |(_, token)| token.chars().count().max(1)) as u32;
    Some(SqlSpan {
        start: SqlPosition { line, column },
        end: SqlPosition {
            line,
            column: column + token_length,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_positions_become_spans_over_the_token() {
        let span = parser_span("Expected: an expression, found: FROM at Line: 2, Column: 8")
            .expect("span");
        assert_eq!(span.start, SqlPosition { line: 2, column: 8 });
        assert_eq!(
            span.end,
            SqlPosition {
                line: 2,
                column: 12
            }
        );
        assert_eq!(parser_span("no position here"), None);
    }

    #[test]
    fn sentences_are_capitalised_and_closed() {
        assert_eq!(sentence("table 'x' not found"), "Table 'x' not found.");
        assert_eq!(sentence("done?"), "Done?");
        assert_eq!(sentence(""), "The engine gave no reason.");
    }

    #[test]
    fn a_failed_read_names_no_store_or_path() {
        let read = |error: object_store::Error| {
            EngineError::Execution(DataFusionError::ObjectStore(Box::new(error)))
                .to_user_error()
                .message
        };
        let changed = read(object_store::Error::Generic {
            store: "chosen file",
            source: "the file changed on disk after it was chosen".into(),
        });
        assert_eq!(
            changed,
            "The file could not be read: the file changed on disk after it was chosen."
        );
        let gone = read(object_store::Error::NotFound {
            path: "7/data.parquet".into(),
            source: "the chosen file is no longer open".into(),
        });
        assert_eq!(gone, "The file is no longer available.");
    }
}

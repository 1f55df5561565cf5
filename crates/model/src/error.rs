//! Errors as people see them: a sentence, whose fault it is, and where in the SQL.

use serde::{Deserialize, Serialize};

/// Whose problem an error is, which decides how the UI presents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The SQL does not parse or does not plan: the user fixes the query.
    Sql,
    /// A file or URL could not be read as a table: the user picks another source.
    Load,
    /// The query failed while running (a bad cast, a resource limit).
    Execution,
    /// The user cancelled the query.
    Cancelled,
    /// The engine worker died (a panic or out of memory) and was restarted.
    EngineCrashed,
    /// Meridian itself is wrong: this is a bug to report.
    Internal,
}

/// A 1-based line and column in the SQL text, as DataFusion reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SqlPosition {
    pub line: u32,
    pub column: u32,
}

/// The stretch of SQL an error points at; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlSpan {
    pub start: SqlPosition,
    pub end: SqlPosition,
}

impl SqlSpan {
    /// Converts the span to character offsets into `sql`, clamped to its length.
    pub fn to_offsets(&self, sql: &str) -> (usize, usize) {
        let start = offset_of(sql, self.start);
        let end = offset_of(sql, self.end).max(start);
        (start, end)
    }
}

fn offset_of(sql: &str, position: SqlPosition) -> usize {
    let mut offset = 0;
    for (index, line) in sql.split('\n').enumerate() {
        let line_chars = line.chars().count();
        if index + 1 == position.line as usize {
            let column = (position.column as usize).saturating_sub(1).min(line_chars);
            return offset + column;
        }
        offset += line_chars + 1;
    }
    sql.chars().count()
}

/// An error ready to show a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    pub kind: ErrorKind,
    /// A whole sentence (or a few), never Debug output.
    pub message: String,
    /// Where in the SQL the error is, when the engine knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<SqlSpan>,
    /// A suggestion such as "did you mean `amount`?".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl UserError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub fn with_span(mut self, span: Option<SqlSpan>) -> Self {
        self.span = span;
        self
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// The message with its hint and position, on one line for logs and the CLI.
    pub fn to_sentence(&self) -> String {
        let mut text = self.message.clone();
        if let Some(span) = self.span {
            text.push_str(&format!(
                " (line {}, column {})",
                span.start.line, span.start.column
            ));
        }
        if let Some(hint) = &self.hint {
            text.push(' ');
            text.push_str(hint);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_map_to_character_offsets_across_lines() {
        let sql = "SELECT a,\n  bogus FROM t";
        let span = SqlSpan {
            start: SqlPosition { line: 2, column: 3 },
            end: SqlPosition { line: 2, column: 8 },
        };
        let (start, end) = span.to_offsets(sql);
        let selected: String = sql.chars().skip(start).take(end - start).collect();
        assert_eq!(selected, "bogus");
    }

    #[test]
    fn spans_past_the_text_are_clamped() {
        let span = SqlSpan {
            start: SqlPosition { line: 9, column: 1 },
            end: SqlPosition { line: 9, column: 4 },
        };
        assert_eq!(span.to_offsets("abc"), (3, 3));
    }

    #[test]
    fn sentences_carry_position_and_hint() {
        let error = UserError::new(ErrorKind::Sql, "No column named 'amout'.")
            .with_span(Some(SqlSpan {
                start: SqlPosition { line: 1, column: 8 },
                end: SqlPosition {
                    line: 1,
                    column: 13,
                },
            }))
            .with_hint(Some("Did you mean 'amount'?".into()));
        assert_eq!(
            error.to_sentence(),
            "No column named 'amout'. (line 1, column 8) Did you mean 'amount'?"
        );
    }
}

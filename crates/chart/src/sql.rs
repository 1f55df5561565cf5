//! Small pieces of SQL text shared by the chart queries.

use chrono::DateTime;

/// A column name as a quoted SQL identifier, so any name (spaces, capitals, quotes) works.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The user's query as a derived table. A trailing `;` is dropped and the closing
/// parenthesis goes on its own line so a trailing `--` comment cannot swallow it.
pub fn source(base_sql: &str) -> String {
    let trimmed = base_sql.trim().trim_end_matches(';').trim_end();
    format!("(\n{trimmed}\n) AS source")
}

/// A UTC instant as a timestamp literal without a zone; chart queries cast time
/// columns to zone-less timestamps, which are UTC.
pub fn timestamp_literal(millis: i64) -> String {
    let text = DateTime::from_timestamp_millis(millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "1970-01-01 00:00:00".to_string());
    format!("TIMESTAMP '{text}'")
}

/// A float as SQL text that always parses as a floating-point literal.
pub fn float_literal(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_escaped() {
        assert_eq!(ident("amount"), "\"amount\"");
        assert_eq!(ident("Odd \"name\""), "\"Odd \"\"name\"\"\"");
    }

    #[test]
    fn trailing_semicolons_and_comments_are_safe() {
        assert_eq!(
            source("SELECT 1 -- done"),
            "(\nSELECT 1 -- done\n) AS source"
        );
        assert_eq!(source("  SELECT 1 ;; "), "(\nSELECT 1\n) AS source");
    }

    #[test]
    fn timestamps_are_utc_literals() {
        assert_eq!(
            timestamp_literal(1_700_000_000_000),
            "TIMESTAMP '2023-11-14 22:13:20.000'"
        );
        assert_eq!(float_literal(5.0), "5.0");
        assert_eq!(float_literal(0.25), "0.25");
        assert_eq!(float_literal(-180.0), "-180.0");
    }
}

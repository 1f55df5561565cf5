//! What a loaded dataset is, as the UI lists it.

use serde::{Deserialize, Serialize};

use crate::DatasetFormat;

/// Where a dataset's bytes come from. Kept so a restarted engine can load it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DatasetSource {
    /// One of the samples shipped with the app, fetched from its own static files.
    Sample { url: String },
    /// A file the user chose or dropped; the browser keeps the handle, not the bytes.
    File { file_name: String },
    /// A remote file the user pointed Meridian at.
    Url { url: String },
}

/// One column of a dataset's schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The Arrow type, spelled as DataFusion prints it (`Int64`, `Utf8`, `Timestamp(ms, "UTC")`).
    pub data_type: String,
    pub nullable: bool,
}

/// A dataset registered as a table in the engine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// The table name SQL uses.
    pub name: String,
    pub format: DatasetFormat,
    pub source: DatasetSource,
    /// Size of the file in bytes.
    pub size_bytes: u64,
    pub row_count: u64,
    pub columns: Vec<ColumnInfo>,
    /// SHA-256 of the file's bytes (hex), when the engine held them all; an
    /// analysis uses it to check that a file given again is the same file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
    /// Whether the engine decoded the table once and holds it in memory, so
    /// queries skip decoding; otherwise each query reads the file.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held_in_memory: bool,
}

/// Turns a file name into a table name SQL can use without quotes.
///
/// The extension is dropped, every character that is not a letter, digit or `_`
/// becomes `_`, letters are lower-cased, and a leading digit gets a `t_` prefix.
/// `Sales 2024.parquet` becomes `sales_2024`.
pub fn table_name_from_file_name(file_name: &str) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .split(['?', '#'])
        .next()
        .unwrap_or_default();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name.push_str("table");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "t_");
    }
    name
}

/// `base`, or `base_2`, `base_3`, … — the first that is not taken.
pub fn unique_table_name<'a>(
    base: &str,
    taken: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    let is_taken = |candidate: &str| taken.clone().into_iter().any(|name| name == candidate);
    if !is_taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// Checks a table name a person typed. Returns the reason it cannot be used.
pub fn validate_table_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("A table name cannot be empty.".into());
    }
    if name.len() > 128 {
        return Err("A table name can have at most 128 characters.".into());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!(
            "The table name '{name}' starts with a digit; start it with a letter or '_'."
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "The table name '{name}' contains '{bad}'; use letters, digits and '_' only."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_drop_the_extension_and_directories() {
        assert_eq!(
            table_name_from_file_name("transactions.parquet"),
            "transactions"
        );
        assert_eq!(
            table_name_from_file_name("/tmp/a/telemetry.csv"),
            "telemetry"
        );
        assert_eq!(
            table_name_from_file_name("http://h/x/orders.parquet?s=1"),
            "orders"
        );
    }

    #[test]
    fn table_names_are_safe_identifiers() {
        assert_eq!(
            table_name_from_file_name("Sales 2024.parquet"),
            "sales_2024"
        );
        assert_eq!(table_name_from_file_name("2024-q1.csv"), "t_2024_q1");
        assert_eq!(table_name_from_file_name(".parquet"), "_parquet");
        assert_eq!(table_name_from_file_name(""), "table");
        assert!(validate_table_name(&table_name_from_file_name("Ünïcode file.csv")).is_ok());
    }

    #[test]
    fn unique_names_count_up_from_two() {
        assert_eq!(unique_table_name("t", ["a"]), "t");
        assert_eq!(unique_table_name("t", ["t", "t_2"]), "t_3");
    }

    #[test]
    fn typed_table_names_are_checked_with_a_reason() {
        assert!(validate_table_name("orders_2024").is_ok());
        assert!(validate_table_name("").is_err());
        let message = validate_table_name("my table").err().unwrap_or_default();
        assert!(message.contains("' '"), "{message}");
        assert!(validate_table_name("1abc").is_err());
    }
}

//! The `meridian` command as a user runs it: real processes, real files.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

fn meridian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meridian"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn samples(dir: &Path) {
    let out = meridian(&["samples", "--rows", "5000", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for name in [
        "transactions.parquet",
        "telemetry.parquet",
        "transactions.csv",
        "telemetry.csv",
    ] {
        assert!(dir.join(name).is_file(), "{name} missing");
    }
}

#[test]
fn samples_then_a_group_by_in_every_output_format() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let parquet = dir.path().join("transactions.parquet");
    let sql = "SELECT status, count(*) AS n FROM transactions GROUP BY status ORDER BY n DESC";

    let table = meridian(&["sql", parquet.to_str().unwrap(), "-e", sql]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    let stdout = text(&table.stdout);
    assert!(stdout.contains("| approved"), "{stdout}");

    let csv = meridian(&[
        "sql",
        parquet.to_str().unwrap(),
        "-e",
        sql,
        "--format",
        "csv",
    ]);
    let stdout = text(&csv.stdout);
    assert!(stdout.starts_with("status,n\napproved,"), "{stdout}");
    assert!(csv.stderr.is_empty(), "machine formats keep stderr quiet");

    let json = meridian(&[
        "sql",
        parquet.to_str().unwrap(),
        "-e",
        sql,
        "--format",
        "json",
    ]);
    let stdout = text(&json.stdout);
    assert!(
        stdout.starts_with("[{\"status\":\"approved\",\"n\":"),
        "{stdout}"
    );
}

#[test]
fn several_files_join_by_their_names() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let out = meridian(&[
        "sql",
        dir.path().join("transactions.parquet").to_str().unwrap(),
        dir.path().join("telemetry.csv").to_str().unwrap(),
        "-e",
        "SELECT count(DISTINCT t.store_id) AS stores FROM transactions t JOIN telemetry d ON t.store_id = d.store_id",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("stores\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn schema_lists_columns_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let out = meridian(&[
        "schema",
        dir.path().join("telemetry.parquet").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("telemetry (Parquet, 5000 rows"),
        "{stdout}"
    );
    assert!(stdout.contains("battery_pct"), "{stdout}");
}

#[test]
fn a_bad_column_is_an_error_with_a_caret_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let out = meridian(&[
        "sql",
        dir.path().join("transactions.parquet").to_str().unwrap(),
        "-e",
        "SELECT amout FROM transactions",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("amout"), "{stderr}");
    assert!(stderr.contains("\n         ^^^^^"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unreadable_inputs_are_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "hello").unwrap();
    let out = meridian(&["sql", notes.to_str().unwrap(), "-e", "SELECT 1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not a file Meridian reads"),
        "{}",
        text(&out.stderr)
    );

    let missing = meridian(&["schema", "/nonexistent/x.parquet"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("could not open"),
        "{}",
        text(&missing.stderr)
    );

    let broken = dir.path().join("broken.parquet");
    std::fs::write(&broken, "not parquet").unwrap();
    let out = meridian(&["schema", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Could not read 'broken.parquet' as Parquet"),
        "{}",
        text(&out.stderr)
    );
}

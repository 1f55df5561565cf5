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
fn arrow_output_is_a_stream_other_readers_take() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let parquet = dir.path().join("transactions.parquet");
    let out = meridian(&[
        "sql",
        parquet.to_str().unwrap(),
        "-e",
        "SELECT status, ts, amount FROM transactions ORDER BY ts LIMIT 1234",
        "--format",
        "arrow",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "machine formats keep stderr quiet");
    let reader = arrow::ipc::reader::StreamReader::try_new(out.stdout.as_slice(), None).unwrap();
    let schema = reader.schema();
    let types: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().to_string())
        .collect();
    assert_eq!(
        types[0], "Utf8",
        "string views are written as plain strings"
    );
    assert!(types[1].starts_with("Timestamp"), "{types:?}");
    let rows: usize = reader.map(|batch| batch.unwrap().num_rows()).sum();
    assert_eq!(rows, 1234);
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

#[test]
fn chart_draws_the_two_documented_calls_to_svg() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let transactions = dir.path().join("transactions.parquet");
    let telemetry = dir.path().join("telemetry.parquet");
    let line = dir.path().join("revenue.svg");
    let out = meridian(&[
        "chart",
        transactions.to_str().unwrap(),
        "-e",
        "SELECT date_trunc('hour', ts) AS hour, sum(amount) AS revenue FROM transactions GROUP BY 1",
        "--kind",
        "line",
        "--x",
        "hour",
        "--y",
        "revenue",
        "--out",
        line.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("line chart, 28 buckets of 1 day"),
        "{}",
        text(&out.stderr)
    );
    assert!(std::fs::read_to_string(&line).unwrap().starts_with("<svg"));

    let density = dir.path().join("density.svg");
    let out = meridian(&[
        "chart",
        telemetry.to_str().unwrap(),
        "-e",
        "SELECT lat, lon FROM telemetry",
        "--kind",
        "density-map",
        "--lat",
        "lat",
        "--lon",
        "lon",
        "--out",
        density.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("density-map chart"),
        "{}",
        text(&out.stderr)
    );
    let svg = std::fs::read_to_string(&density).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("<polygon"),
        "the basemap is drawn"
    );
}

#[test]
fn chart_mistakes_are_sentences_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    samples(dir.path());
    let transactions = dir.path().join("transactions.parquet");
    let svg = dir.path().join("x.svg");
    let chart = |extra: &[&str]| {
        let mut args = vec![
            "chart",
            transactions.to_str().unwrap(),
            "-e",
            "SELECT * FROM transactions",
            "--out",
            svg.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        meridian(&args)
    };

    let out = chart(&["--kind", "pie"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("'pie' is not a chart kind; use one of line, area"));

    let out = chart(&["--kind", "density-map"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "error: a density-map chart needs a latitude column: choose one"
    );

    let out = chart(&["--kind", "line", "--x", "ts", "--y", "amout"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr)
            .starts_with("error: the result has no column 'amout' (it has ts, merchant_id,"),
        "{}",
        text(&out.stderr)
    );
}

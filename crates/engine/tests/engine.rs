//! Native tests of the engine: loading, SQL, errors people see, table management.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::*;
use meridian_engine::Engine;
use meridian_model::{DatasetFormat, ErrorKind, SqlPosition};

#[tokio::test]
async fn every_codec_and_csv() {
    every_codec_and_csv_read_the_same_rows().await;
}

#[tokio::test]
async fn held_in_memory() {
    tables_held_in_memory_answer_as_files_do().await;
}

#[tokio::test]
async fn decimal_arithmetic() {
    decimal_arithmetic_answers_as_datafusion_does().await;
}

#[tokio::test]
async fn windows() {
    windows_answer_as_datafusion_does().await;
}

#[tokio::test]
async fn sparse_join_keys() {
    sparse_integer_keys_join_by_index().await;
}

#[tokio::test]
async fn explain_analyze() {
    explain_analyze_measures_the_plan().await;
}

#[tokio::test]
async fn bad_file() {
    a_bad_file_names_itself_and_spares_the_others().await;
}

#[tokio::test]
async fn the_group_by_answer_is_exact() {
    let engine = engine_with_transactions().await;
    let (_, batches) = engine
        .query("SELECT count(*) AS n, count(DISTINCT city) AS cities FROM transactions")
        .await
        .unwrap();
    let text = meridian_engine::arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string();
    assert!(text.contains("| 20000 | 20     |"), "{text}");
}

#[tokio::test]
async fn an_unknown_column_points_at_its_place_in_the_sql() {
    let engine = engine_with_transactions().await;
    let error = engine
        .query("SELECT city,\n       amout FROM transactions")
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Sql);
    assert!(error.message.contains("amout"), "{}", error.message);
    let span = error.span.expect("a span");
    assert_eq!(span.start, SqlPosition { line: 2, column: 8 });
    assert!(!error.message.contains("Diagnostic"), "{}", error.message);
}

#[tokio::test]
async fn a_syntax_error_points_at_the_token() {
    let engine = Engine::new();
    let error = engine
        .query("SELECT FROM WHERE")
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Sql);
    assert!(error.span.is_some(), "{error:?}");
    assert!(!error.message.contains("ParserError("), "{}", error.message);
}

#[tokio::test]
async fn an_unknown_table_is_a_sentence() {
    let engine = Engine::new();
    let error = engine
        .query("SELECT * FROM nowhere")
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Sql);
    assert!(error.message.contains("nowhere"), "{}", error.message);
    assert!(error.span.is_some(), "{error:?}");
}

#[tokio::test]
async fn tables_can_be_renamed_and_removed() {
    let mut engine = engine_with_transactions().await;
    let renamed = engine.rename("transactions", "tx").unwrap();
    assert_eq!(renamed.name, "tx");
    assert!(engine.query("SELECT count(*) FROM tx").await.is_ok());
    assert!(
        engine
            .query("SELECT count(*) FROM transactions")
            .await
            .is_err()
    );
    assert!(matches!(
        engine.rename("tx", "bad name"),
        Err(meridian_engine::EngineError::InvalidName(_))
    ));
    engine.remove("tx").await.unwrap();
    assert!(engine.query("SELECT count(*) FROM tx").await.is_err());
    assert_eq!(engine.datasets().count(), 0);
}

#[tokio::test]
async fn duplicate_names_are_refused_without_harm() {
    let mut engine = engine_with_transactions().await;
    let error = engine
        .register_bytes(
            request("transactions", "t.csv", DatasetFormat::Csv),
            transactions_csv(),
        )
        .await
        .unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error}");
    assert_eq!(
        engine.dataset("transactions").unwrap().format,
        DatasetFormat::Parquet
    );
}

#[tokio::test]
async fn csv_types_are_inferred() {
    let mut engine = Engine::new();
    let dataset = engine
        .register_bytes(
            request("t", "t.csv", DatasetFormat::Csv),
            Bytes::from_static(
                b"id,name,score,when\n1,a,1.5,2026-01-01T00:00:00Z\n2,b,2.5,2026-01-02T00:00:00Z\n",
            ),
        )
        .await
        .unwrap();
    let types: Vec<_> = dataset
        .columns
        .iter()
        .map(|c| c.data_type.as_str())
        .collect();
    assert_eq!(types[0], "Int64");
    assert_eq!(types[1], "Utf8");
    assert_eq!(types[2], "Float64");
    assert!(types[3].starts_with("Timestamp"), "{types:?}");
}

#[tokio::test]
async fn a_ragged_csv_fails_at_load_with_its_name() {
    let mut engine = Engine::new();
    let error = engine
        .register_bytes(
            request("ragged", "ragged.csv", DatasetFormat::Csv),
            Bytes::from_static(b"a,b\n1,2\n3,4,5,6\n"),
        )
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Load);
    assert!(error.message.contains("'ragged.csv'"), "{}", error.message);
}

#[tokio::test]
async fn json_and_arrow_files_register() {
    let mut engine = Engine::new();
    let json = engine
        .register_bytes(
            request("events", "events.ndjson", DatasetFormat::Json),
            Bytes::from_static(b"{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\"}\n"),
        )
        .await
        .unwrap();
    assert_eq!(json.row_count, 2);

    let (schema, batches) = engine.query("SELECT * FROM events").await.unwrap();
    let mut arrow_file = Vec::new();
    {
        let mut writer =
            meridian_engine::arrow::ipc::writer::FileWriter::try_new(&mut arrow_file, &schema)
                .unwrap();
        for batch in &batches {
            writer.write(batch).unwrap();
        }
        writer.finish().unwrap();
    }
    let arrow = engine
        .register_bytes(
            request("events_arrow", "events.arrow", DatasetFormat::ArrowIpc),
            Bytes::from(arrow_file),
        )
        .await
        .unwrap();
    assert_eq!(arrow.row_count, 2);
}

#[tokio::test]
async fn results_round_trip_through_ipc() {
    let engine = engine_with_transactions().await;
    let (schema, batches) = engine
        .query("SELECT city, sum(amount) AS total FROM transactions GROUP BY city")
        .await
        .unwrap();
    let bytes = meridian_engine::page_ipc_stream(&schema, &batches).unwrap();
    let table = meridian_model::ResultTable::from_ipc_stream(&bytes).unwrap();
    assert_eq!(table.row_count(), 20);
    assert_eq!(table.column_names(), ["city", "total"]);
}

#[tokio::test]
async fn steps_bind_parameters_and_chain() {
    common::steps_bind_parameters_and_chain().await;
}

#[tokio::test]
async fn a_cross_filter_restricts_tables_with_its_column() {
    common::a_cross_filter_restricts_tables_with_its_column().await;
}

#[tokio::test]
async fn tables_export_as_parquet() {
    common::tables_export_as_parquet().await;
}

#[tokio::test]
async fn a_split_query_answers_as_one_engine_does() {
    common::split::a_split_query_answers_as_one_engine_does().await;
}

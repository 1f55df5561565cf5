//! Checks shared by the native tests and the browser (wasm-bindgen-test) tests,
//! so the engine is proven the same way on both targets. Fixtures are generated.

#![allow(dead_code, clippy::unwrap_used)]

use bytes::Bytes;
use meridian_engine::Engine;
use meridian_engine::LoadRequest;
use meridian_engine::arrow::util::pretty::pretty_format_batches;
use meridian_model::{DatasetFormat, DatasetSource, ErrorKind};
use meridian_samples::{DEFAULT_SEED, transactions, write_csv, write_parquet};
use parquet::basic::{BrotliLevel, Compression, GzipLevel, ZstdLevel};

pub const ROWS: usize = 20_000;

/// Every Parquet codec a user's file may carry, named as in file names.
pub fn codecs() -> Vec<(&'static str, Compression)> {
    vec![
        ("uncompressed", Compression::UNCOMPRESSED),
        ("snappy", Compression::SNAPPY),
        ("gzip", Compression::GZIP(GzipLevel::default())),
        ("lz4", Compression::LZ4_RAW),
        ("lz4_hadoop", Compression::LZ4),
        ("zstd", Compression::ZSTD(ZstdLevel::default())),
        ("brotli", Compression::BROTLI(BrotliLevel::default())),
    ]
}

pub fn transactions_parquet(compression: Compression) -> Bytes {
    let mut bytes = Vec::new();
    write_parquet(
        transactions::schema(),
        transactions::generate(ROWS, DEFAULT_SEED),
        &mut bytes,
        Some(compression),
    )
    .unwrap();
    Bytes::from(bytes)
}

pub fn transactions_csv() -> Bytes {
    let mut bytes = Vec::new();
    write_csv(transactions::generate(ROWS, DEFAULT_SEED), &mut bytes).unwrap();
    Bytes::from(bytes)
}

pub fn request(name: &str, file_name: &str, format: DatasetFormat) -> LoadRequest {
    LoadRequest {
        name: name.into(),
        format,
        source: DatasetSource::File {
            file_name: file_name.into(),
        },
        file_name: file_name.into(),
    }
}

/// The GROUP BY every format must answer identically.
pub const CITY_TOTALS: &str = "SELECT city, count(*) AS n, round(sum(amount), 2) AS total \
     FROM {table} GROUP BY city ORDER BY n DESC, city LIMIT 5";

pub async fn city_totals(engine: &Engine, table: &str) -> String {
    let (_, batches) = engine
        .query(&CITY_TOTALS.replace("{table}", table))
        .await
        .unwrap();
    pretty_format_batches(&batches).unwrap().to_string()
}

/// Registers the same rows with every codec and as CSV, and checks all agree.
pub async fn every_codec_and_csv_read_the_same_rows() {
    let mut engine = Engine::new();
    let mut answers = Vec::new();
    for (codec, compression) in codecs() {
        let name = format!("tx_{codec}");
        let dataset = engine
            .register_bytes(
                request(&name, &format!("{name}.parquet"), DatasetFormat::Parquet),
                transactions_parquet(compression),
            )
            .await
            .unwrap_or_else(|e| panic!("{codec}: {e}"));
        assert_eq!(dataset.row_count, ROWS as u64, "{codec}");
        assert_eq!(dataset.columns.len(), 10, "{codec}");
        answers.push((codec, city_totals(&engine, &name).await));
    }
    let csv = engine
        .register_bytes(
            request("tx_csv", "tx.csv", DatasetFormat::Csv),
            transactions_csv(),
        )
        .await
        .unwrap();
    assert_eq!(csv.row_count, ROWS as u64);
    answers.push(("csv", city_totals(&engine, "tx_csv").await));

    let (_, expected) = &answers[0];
    assert!(expected.contains("New York"), "{expected}");
    for (codec, answer) in &answers {
        assert_eq!(answer, expected, "{codec} disagrees");
    }
}

/// A malformed file fails with a sentence naming it, and the other tables still answer.
pub async fn a_bad_file_names_itself_and_spares_the_others() {
    let mut engine = Engine::new();
    engine
        .register_bytes(
            request("good", "good.parquet", DatasetFormat::Parquet),
            transactions_parquet(Compression::SNAPPY),
        )
        .await
        .unwrap();
    let error = engine
        .register_bytes(
            request("broken", "broken.parquet", DatasetFormat::Parquet),
            Bytes::from_static(b"this is not parquet at all"),
        )
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Load);
    assert!(
        error
            .message
            .starts_with("Could not read 'broken.parquet' as Parquet:"),
        "{}",
        error.message
    );
    assert!(engine.dataset("broken").is_none());
    assert!(city_totals(&engine, "good").await.contains("New York"));
}

fn one_value(batches: &[meridian_engine::arrow::array::RecordBatch]) -> String {
    let text = pretty_format_batches(batches).unwrap().to_string();
    // The value is the fourth line of the table: border, header, border, value.
    text.lines()
        .nth(3)
        .unwrap_or_default()
        .trim_matches(|c| c == '|' || c == ' ')
        .to_string()
}

/// Steps bind parameters as values (never as SQL), read earlier steps as
/// tables, and rerun only when their key changes.
pub async fn steps_bind_parameters_and_chain() {
    use meridian_engine::StepRun;
    use meridian_model::{BoundValue, StepKey};

    let mut engine = Engine::new();
    engine
        .register_bytes(
            request("transactions", "t.parquet", DatasetFormat::Parquet),
            transactions_parquet(Compression::SNAPPY),
        )
        .await
        .unwrap();
    let (expected, _) = engine
        .query("SELECT count(*) FROM transactions WHERE city = 'Paris' AND amount >= 20")
        .await
        .map(|(_, b)| (one_value(&b), ()))
        .unwrap();

    let city = vec![("city".to_string(), BoundValue::Text("Paris".into()))];
    let key = StepKey("k1".into());
    let (first, cached) = engine
        .run_step(StepRun {
            name: "in_city",
            sql: "SELECT * FROM transactions WHERE city = $city",
            bindings: &city,
            key: &key,
        })
        .await
        .unwrap();
    assert!(!cached);
    let rows: usize = first.batches.iter().map(|b| b.num_rows()).sum();
    assert!(rows > 0);

    // A later step reads the first as a table, with a number and a timestamp bound.
    let bindings = vec![
        ("min".to_string(), BoundValue::Number(20.0)),
        ("since".to_string(), BoundValue::TimestampMs(0)),
    ];
    let (big, _) = engine
        .run_step(StepRun {
            name: "big",
            sql: "SELECT count(*) AS n FROM in_city WHERE amount >= $min AND ts >= $since",
            bindings: &bindings,
            key: &StepKey("k2".into()),
        })
        .await
        .unwrap();
    assert_eq!(one_value(&big.batches), expected);

    // The same key returns the held result without running.
    let (again, cached) = engine
        .run_step(StepRun {
            name: "in_city",
            sql: "this would not parse",
            bindings: &city,
            key: &key,
        })
        .await
        .unwrap();
    assert!(cached);
    assert_eq!(again.batches.len(), first.batches.len());

    // A hostile value is a value: it matches no city and drops nothing.
    let hostile = vec![(
        "city".to_string(),
        BoundValue::Text("x' OR '1'='1'; DROP TABLE transactions; --".into()),
    )];
    let (none, _) = engine
        .run_step(StepRun {
            name: "in_city",
            sql: "SELECT count(*) AS n FROM transactions WHERE city = $city",
            bindings: &hostile,
            key: &StepKey("k3".into()),
        })
        .await
        .unwrap();
    assert_eq!(one_value(&none.batches), "0");
    assert!(engine.dataset("transactions").is_some());
    let (_, all) = engine
        .query("SELECT count(*) FROM transactions")
        .await
        .unwrap();
    assert_eq!(one_value(&all), ROWS.to_string());

    // A step cannot take a dataset's name, and dropped steps stop answering.
    let clash = engine
        .run_step(StepRun {
            name: "transactions",
            sql: "SELECT 1",
            bindings: &[],
            key: &StepKey("k4".into()),
        })
        .await;
    assert!(clash.is_err());
    engine.retain_steps(&["in_city".to_string()]).unwrap();
    assert!(engine.query("SELECT * FROM big").await.is_err());
    assert_eq!(engine.step_keys().len(), 1);
}

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

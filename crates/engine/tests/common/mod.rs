//! Checks shared by the native tests and the browser (wasm-bindgen-test) tests,
//! so the engine is proven the same way on both targets. Fixtures are generated.

#![allow(dead_code, clippy::unwrap_used)]

pub mod split;

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

/// An engine with the generated transactions loaded as table `transactions`.
pub async fn engine_with_transactions() -> Engine {
    let mut engine = Engine::new();
    engine
        .register_bytes(
            request(
                "transactions",
                "transactions.parquet",
                DatasetFormat::Parquet,
            ),
            transactions_parquet(Compression::SNAPPY),
        )
        .await
        .unwrap();
    engine
}

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
    refuses_to_load(
        &mut engine,
        request("broken", "broken.parquet", DatasetFormat::Parquet),
        Bytes::from_static(b"this is not parquet at all"),
        "Could not read 'broken.parquet' as Parquet:",
    )
    .await;
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
    use meridian_model::{BoundValue, Scope, StepKey};

    let mut engine = engine_with_transactions().await;
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
            scope: Scope::Whole,
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
            scope: Scope::Whole,
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
            scope: Scope::Whole,
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
            scope: Scope::Whole,
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
            scope: Scope::Whole,
        })
        .await;
    assert!(clash.is_err());
    engine.retain_steps(&["in_city".to_string()]).unwrap();
    assert!(engine.query("SELECT * FROM big").await.is_err());
    assert_eq!(engine.step_keys().len(), 1);
}

/// A brushed range restricts the tables that have its column, steps rerun
/// over them apart from the whole results, and clearing it restores them.
pub async fn a_cross_filter_restricts_tables_with_its_column() {
    use meridian_engine::StepRun;
    use meridian_model::{CrossFilter, Scope, StepKey};
    use meridian_samples::START_MS;

    let mut engine = engine_with_transactions().await;
    engine
        .register_bytes(
            request("cities", "cities.csv", DatasetFormat::Csv),
            Bytes::from_static(b"city,country\nParis,FR\nLyon,FR\n"),
        )
        .await
        .unwrap();
    const DAY_MS: i64 = 86_400_000;
    let (from_ms, to_ms) = (START_MS + 2 * DAY_MS, START_MS + 4 * DAY_MS);
    let (_, expected) = engine
        .query(&format!(
            "SELECT count(*) FROM transactions WHERE ts >= to_timestamp_millis({from_ms}) \
             AND ts < to_timestamp_millis({to_ms})"
        ))
        .await
        .unwrap();
    let expected = one_value(&expected);
    let (_, all) = engine
        .query("SELECT count(*) FROM transactions")
        .await
        .unwrap();
    assert_ne!(expected, one_value(&all), "the range must leave rows out");

    let tables = engine
        .set_cross_filter(Some(CrossFilter {
            column: "ts".into(),
            from_ms,
            to_ms,
        }))
        .await
        .unwrap();
    assert_eq!(tables, ["transactions"]);

    let key = StepKey("paid-1".into());
    let step = |scope| StepRun {
        name: "paid",
        sql: "SELECT * FROM transactions",
        bindings: &[],
        key: &key,
        scope,
    };
    let count = "SELECT count(*) FROM paid";
    let (filtered, cached) = engine.run_step(step(Scope::CrossFiltered)).await.unwrap();
    assert!(!cached);
    let rows: usize = filtered.batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows.to_string(), expected);
    let stream = engine
        .execute_in(Scope::CrossFiltered, count)
        .await
        .unwrap();
    let batches: Vec<_> = futures::TryStreamExt::try_collect(stream).await.unwrap();
    assert_eq!(one_value(&batches), expected);

    // The whole step is its own result: same key, other scope, all rows.
    let (whole, cached) = engine.run_step(step(Scope::Whole)).await.unwrap();
    assert!(!cached);
    let rows: usize = whole.batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, ROWS);
    let (again, cached) = engine.run_step(step(Scope::CrossFiltered)).await.unwrap();
    assert!(cached);
    assert_eq!(again.batches.len(), filtered.batches.len());

    // A table without the column is read whole; clearing the filter ends the scope.
    let stream = engine
        .execute_in(Scope::CrossFiltered, "SELECT count(*) FROM cities")
        .await
        .unwrap();
    let batches: Vec<_> = futures::TryStreamExt::try_collect(stream).await.unwrap();
    assert_eq!(one_value(&batches), "2");
    assert!(engine.set_cross_filter(None).await.unwrap().is_empty());
    assert!(engine.run_step(step(Scope::CrossFiltered)).await.is_err());
    let (_, whole) = engine.query(count).await.unwrap();
    assert_eq!(one_value(&whole), ROWS.to_string());
}

/// A table written as Parquet reads back with the same rows.
pub async fn tables_export_as_parquet() {
    let mut engine = Engine::new();
    engine
        .register_bytes(
            request("transactions", "t.csv", DatasetFormat::Csv),
            transactions_csv(),
        )
        .await
        .unwrap();
    let (rows, bytes) = engine.export_parquet("transactions").await.unwrap();
    assert_eq!(rows, ROWS as u64);
    assert_eq!(&bytes[..4], b"PAR1");
    engine
        .register_bytes(
            request("again", "again.parquet", DatasetFormat::Parquet),
            Bytes::from(bytes),
        )
        .await
        .unwrap();
    assert_eq!(
        city_totals(&engine, "again").await,
        city_totals(&engine, "transactions").await
    );
    let missing = engine.export_parquet("nothing").await.unwrap_err();
    assert_eq!(missing.to_string(), "There is no table named 'nothing'.");
}

/// Tables held decoded in memory answer as the files do; a table that does not
/// fit the budget stays a file; removing and renaming keep the count right; a
/// broken file still fails with its sentence.
pub async fn tables_held_in_memory_answer_as_files_do() {
    let mut from_files = Engine::new();
    let mut held = Engine::new();
    held.hold_tables_in_memory(64 * 1024 * 1024);
    for engine in [&mut from_files, &mut held] {
        engine
            .register_bytes(
                request("tx", "tx.parquet", DatasetFormat::Parquet),
                transactions_parquet(Compression::ZSTD(ZstdLevel::default())),
            )
            .await
            .unwrap();
        engine
            .register_bytes(
                request("tx_csv", "tx.csv", DatasetFormat::Csv),
                transactions_csv(),
            )
            .await
            .unwrap();
    }
    assert!(!from_files.is_held_in_memory("tx"));
    assert!(held.is_held_in_memory("tx") && held.is_held_in_memory("tx_csv"));
    let held_bytes = held.held_bytes();
    assert!(held_bytes > 0);
    for table in ["tx", "tx_csv"] {
        assert_eq!(
            city_totals(&held, table).await,
            city_totals(&from_files, table).await,
            "{table}"
        );
    }
    let dataset = held.dataset("tx").unwrap();
    assert_eq!(dataset.row_count, ROWS as u64);
    assert!(dataset.held_in_memory);
    assert!(!from_files.dataset("tx").unwrap().held_in_memory);

    held.rename("tx", "payments").unwrap();
    assert!(held.is_held_in_memory("payments") && !held.is_held_in_memory("tx"));
    assert_eq!(held.held_bytes(), held_bytes);
    held.remove("tx_csv").await.unwrap();
    assert!(held.held_bytes() < held_bytes);

    // A budget smaller than the table: it stays a file and still answers.
    let mut small = Engine::new();
    small.hold_tables_in_memory(1024);
    small
        .register_bytes(
            request("tx", "tx.parquet", DatasetFormat::Parquet),
            transactions_parquet(Compression::SNAPPY),
        )
        .await
        .unwrap();
    assert!(!small.is_held_in_memory("tx"));
    assert_eq!(small.held_bytes(), 0);
    assert_eq!(
        city_totals(&small, "tx").await,
        city_totals(&from_files, "tx").await
    );

    // A CSV that breaks halfway fails with its sentence, held or not.
    let mut broken = transactions_csv().to_vec();
    broken.extend_from_slice(b"only,three,fields\n");
    for engine in [&mut held, &mut from_files] {
        refuses_to_load(
            engine,
            request("broken", "broken.csv", DatasetFormat::Csv),
            Bytes::from(broken.clone()),
            "Could not read 'broken.csv' as CSV:",
        )
        .await;
    }
    assert!(!held.is_held_in_memory("broken"));

    // A value that does not fit the column's inferred type, past the rows the
    // type was inferred from, cannot be decoded. Whether the file loads must not
    // depend on the budget: held or not, it loads (its rows count), and the
    // query that reads the value says so.
    let mut late = String::from("n\n");
    for i in 0..5_000 {
        late.push_str(&format!("{i}\n"));
    }
    late.push_str("not a number\n");
    for engine in [&mut held, &mut from_files] {
        let dataset = engine
            .register_bytes(
                request("late", "late.csv", DatasetFormat::Csv),
                Bytes::from(late.clone()),
            )
            .await
            .unwrap();
        assert!(!dataset.held_in_memory);
        assert!(engine.query("SELECT sum(n) FROM late").await.is_err());
    }
}

/// Registering fails with a load error starting with `message`, and no table is left.
async fn refuses_to_load(engine: &mut Engine, request: LoadRequest, bytes: Bytes, message: &str) {
    let name = request.name.clone();
    let error = engine
        .register_bytes(request, bytes)
        .await
        .unwrap_err()
        .to_user_error();
    assert_eq!(error.kind, ErrorKind::Load);
    assert!(error.message.starts_with(message), "{}", error.message);
    assert!(engine.dataset(&name).is_none());
}

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
    let small = transactions_within(1024).await;
    assert!(!small.is_held_in_memory("tx"));
    assert_eq!(small.held_bytes(), 0);
    assert_eq!(
        city_totals(&small, "tx").await,
        city_totals(&from_files, "tx").await
    );

    // A budget the table fits only with its columns of few values held as
    // dictionaries: held so, it shows its file's types and every value.
    let decoded_bytes = transactions_within(u64::MAX).await.held_bytes();
    let compact = transactions_within(decoded_bytes / 2).await;
    assert!(compact.is_held_in_memory("tx"));
    assert!(compact.held_bytes() <= decoded_bytes / 2, "{decoded_bytes}");
    let every_row = "SELECT * FROM tx ORDER BY ts, merchant_id, store_id, city, lat, lon, \
                     amount, currency, card_type, status";
    let (compact_schema, compact_rows) = compact.query(every_row).await.unwrap();
    let (file_schema, file_rows) = from_files.query(every_row).await.unwrap();
    assert_eq!(compact_schema, file_schema);
    assert_eq!(
        pretty_format_batches(&compact_rows).unwrap().to_string(),
        pretty_format_batches(&file_rows).unwrap().to_string()
    );
    assert_eq!(
        city_totals(&compact, "tx").await,
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

/// An engine holding tables within `budget` bytes, with the transactions as `tx`.
async fn transactions_within(budget: u64) -> Engine {
    let mut engine = Engine::new();
    engine.hold_tables_in_memory(budget);
    engine
        .register_bytes(
            request("tx", "tx.parquet", DatasetFormat::Parquet),
            transactions_parquet(Compression::SNAPPY),
        )
        .await
        .unwrap();
    engine
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

/// Decimal `+`, `-` and `*` answer as DataFusion's own operators do, with the
/// same column names and types, on small values (computed in 64 bits) and on
/// values whose products need 128 (computed by Arrow), and the engine's plan
/// does use its fast functions.
pub async fn decimal_arithmetic_answers_as_datafusion_does() {
    use std::sync::Arc;

    use meridian_engine::arrow::array::{Decimal128Array, Int32Array, RecordBatch};
    use meridian_engine::arrow::datatypes::{DataType, Field, Schema};
    use meridian_engine::datafusion::datasource::MemTable;
    use meridian_engine::datafusion::prelude::SessionContext;

    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int32, false),
        Field::new("price", DataType::Decimal128(15, 2), true),
        Field::new("discount", DataType::Decimal128(15, 2), true),
        Field::new("tax", DataType::Decimal128(15, 2), false),
        Field::new("big", DataType::Decimal128(38, 2), true),
    ]));
    let decimals = |values: Vec<Option<i128>>, precision: u8| {
        Arc::new(
            Decimal128Array::from(values)
                .with_precision_and_scale(precision, 2)
                .unwrap(),
        )
    };
    let batch = |ids: Vec<i32>, price, discount, tax, big| {
        RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int32Array::from(ids)),
                decimals(price, 15),
                decimals(discount, 15),
                decimals(tax, 15),
                decimals(big, 38),
            ],
        )
        .unwrap()
    };
    let small = batch(
        vec![1, 2, 3, 4],
        vec![Some(10_499_900), None, Some(-12_345), Some(1)],
        vec![Some(6), Some(10), None, Some(100)],
        vec![Some(8), Some(0), Some(2), Some(1)],
        vec![Some(1), None, Some(-5), Some(7)],
    );
    // Products of `big` overflow 64 bits, so this batch takes Arrow's path.
    let large = batch(
        vec![5, 6],
        vec![Some(9_999_999_999_999), Some(-9_999_999_999_999)],
        vec![Some(99), Some(-1)],
        vec![Some(7), Some(3)],
        vec![Some(900_000_000_000_000_000), Some(-3)],
    );
    let table = || {
        Arc::new(
            MemTable::try_new(schema.clone(), vec![vec![small.clone(), large.clone()]]).unwrap(),
        )
    };
    let ours = Engine::new();
    ours.context().register_table("prices", table()).unwrap();
    let theirs = SessionContext::new();
    theirs.register_table("prices", table()).unwrap();

    let queries = [
        "SELECT id, price * (1 - discount), price * (1 - discount) * (1 + tax), price + tax, \
         price - discount, discount - 0.5, big * big, big + price, 2 * price \
         FROM prices ORDER BY id",
        "SELECT sum(price * (1 - discount)) AS revenue, sum(price * discount * tax), \
         avg(big * price) FROM prices",
        "SELECT id FROM prices WHERE price * discount > 100 ORDER BY id",
    ];
    for sql in queries {
        assert_answers_as_datafusion(&ours, &theirs, sql).await;
    }
    let plan = answer_text(
        &ours,
        "EXPLAIN SELECT sum(price * (1 - discount)) FROM prices",
    )
    .await;
    assert!(
        plan.contains("decimal_multiply") && plan.contains("decimal_subtract"),
        "{plan}"
    );
}

/// Window functions over a sort are evaluated a whole partition at a time,
/// and answer as DataFusion's streaming operator does: offsets, running and
/// sliding frames, ranks, with and without partitions.
pub async fn windows_answer_as_datafusion_does() {
    use std::sync::Arc;

    use meridian_engine::datafusion::prelude::SessionContext;

    let ours = engine_with_transactions().await;
    // DataFusion as configured by the engine, its file in the same store, without Meridian's rules.
    let theirs = SessionContext::new_with_config_rt(
        ours.context().copied_config(),
        ours.context().runtime_env(),
    );
    let provider = ours.context().table_provider("transactions").await.unwrap();
    theirs
        .register_table("transactions", Arc::clone(&provider))
        .unwrap();

    let queries = [
        "WITH r AS (SELECT city, ts, amount, lag(amount) OVER (PARTITION BY city ORDER BY ts) AS previous \
         FROM transactions) SELECT date_trunc('day', ts) AS day, count(DISTINCT city) AS cities, count(*) AS n \
         FROM r WHERE amount < 20 AND previous >= 20 GROUP BY 1 ORDER BY 1",
        "SELECT merchant_id, ts, amount, round(sum(amount) OVER (PARTITION BY merchant_id ORDER BY ts, amount \
         ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 6) AS sliding, \
         lead(amount, 2, -1) OVER (PARTITION BY merchant_id ORDER BY ts, amount) AS later \
         FROM transactions ORDER BY merchant_id, ts, amount LIMIT 300",
        "SELECT status, city, amount, row_number() OVER (PARTITION BY status ORDER BY amount DESC, ts) AS place, \
         rank() OVER (PARTITION BY status ORDER BY round(amount)) AS ranked, \
         count(*) OVER (PARTITION BY status ORDER BY round(amount)) AS running \
         FROM transactions ORDER BY status, place LIMIT 300",
        "SELECT ts, round(avg(amount) OVER (ORDER BY ts, amount ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), 6) AS smooth \
         FROM transactions ORDER BY ts, amount LIMIT 300",
        // A partition key with nulls, keys that sort descending, a date key,
        // two partition keys: frames of peers, so ties answer alike.
        "SELECT d, ts, amount, count(*) OVER (PARTITION BY d ORDER BY ts DESC) AS later_or_same, \
         first_value(amount) OVER (PARTITION BY d ORDER BY ts DESC, amount DESC) AS latest \
         FROM (SELECT CASE WHEN amount > 300 THEN city END AS d, ts, amount FROM transactions) \
         ORDER BY d NULLS FIRST, ts DESC, amount DESC LIMIT 300",
        "SELECT city, status, day, count(*) OVER (PARTITION BY status, city ORDER BY day) AS so_far \
         FROM (SELECT city, status, CAST(ts AS DATE) AS day FROM transactions) \
         ORDER BY city, status, day, so_far LIMIT 300",
    ];
    for sql in queries {
        let text = assert_answers_as_datafusion(&ours, &theirs, sql).await;
        assert!(text.lines().count() > 5, "{sql}: {text}");
    }
    let plan = answer_text(&ours, &format!("EXPLAIN {}", queries[0])).await;
    assert!(
        plan.contains("WindowAggExec") && !plan.contains("BoundedWindowAggExec"),
        "{plan}"
    );
    // Sorted for the window by grouping on its partition keys.
    assert!(
        plan.contains("ClusteredSortExec: expr=[city@1 ASC NULLS LAST, ts@0 ASC NULLS LAST]"),
        "{plan}"
    );
}

/// A join on an integer key whose build side is sparse (one key in a hundred
/// of its range, as TPC-H orders of one year are among all orders) looks its
/// keys up in an array indexed by key, not in a hash table, and answers alike.
pub async fn sparse_integer_keys_join_by_index() {
    let engine = Engine::new();
    let sql = "SELECT count(*) AS n, sum(p.k) AS total \
         FROM (SELECT value * 100 AS k FROM generate_series(1, 2000)) b \
         JOIN (SELECT value AS k FROM generate_series(1, 300000)) p ON b.k = p.k";
    let text = answer_text(&engine, sql).await;
    // Keys 100, 200, …, 200,000: 2,000 of them, summing to 100 × 2000 × 2001 / 2.
    assert!(text.contains("| 2000 | 200100000 |"), "{text}");
    let plan = answer_text(&engine, &format!("EXPLAIN ANALYZE {sql}")).await;
    // Once per partition that built a table: one in the browser, one per core natively.
    assert!(
        plan.contains("array_map_created_count=") && !plan.contains("array_map_created_count=0"),
        "{plan}"
    );
}

/// `EXPLAIN ANALYZE` runs the query where the engine runs (a browser worker
/// has no runtime for DataFusion's own, which spawns tasks) and answers with
/// the plan and what each step measured.
pub async fn explain_analyze_measures_the_plan() {
    let engine = engine_with_transactions().await;
    let text = answer_text(
        &engine,
        "EXPLAIN ANALYZE SELECT city, count(*) FROM transactions GROUP BY city",
    )
    .await;
    assert!(text.contains("Plan with Metrics"), "{text}");
    assert!(
        text.contains("output_rows=20000") || text.contains("output_rows=20.00 K"),
        "{text}"
    );
    let text = answer_text(
        &engine,
        "EXPLAIN ANALYZE VERBOSE SELECT count(*) FROM transactions",
    )
    .await;
    assert!(
        text.contains("Output Rows") && text.contains("Duration"),
        "{text}"
    );
}

/// The answer to `sql` as a table for people.
async fn answer_text(engine: &Engine, sql: &str) -> String {
    let (_, rows) = engine.query(sql).await.unwrap();
    pretty_format_batches(&rows).unwrap().to_string()
}

/// Checks that `ours` answers `sql` as DataFusion (`theirs`, without
/// Meridian's rules) does, column names and types included; the answer as text.
async fn assert_answers_as_datafusion(
    ours: &Engine,
    theirs: &meridian_engine::datafusion::prelude::SessionContext,
    sql: &str,
) -> String {
    let (our_schema, our_rows) = ours.query(sql).await.unwrap();
    let frame = theirs.sql(sql).await.unwrap();
    let their_schema = std::sync::Arc::new(frame.schema().as_arrow().clone());
    let their_rows = frame.collect().await.unwrap();
    assert_eq!(our_schema, their_schema, "{sql}");
    let text = pretty_format_batches(&our_rows).unwrap().to_string();
    assert_eq!(
        text,
        pretty_format_batches(&their_rows).unwrap().to_string(),
        "{sql}"
    );
    text
}

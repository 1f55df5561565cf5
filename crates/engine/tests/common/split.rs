//! A query split between two engines answers as one engine does.

use meridian_engine::StepRun;
use meridian_engine::arrow::util::pretty::pretty_format_batches;
use meridian_engine::{Engine, ShareRows};
use meridian_model::{BoundValue, DatasetFormat, Scope, StepKey};
use meridian_samples::{CITIES, DEFAULT_SEED, transactions, write_parquet};

use super::request;

/// Enough rows for several batches on both targets, so a held table splits in
/// two, and for a Parquet file over the 1 MiB DataFusion splits by ranges.
const SPLIT_ROWS: usize = 200_000;

/// Questions whose plans have partial aggregates, and their answers must not
/// depend on how the rows were divided. Sums are rounded, since adding floats
/// in another order changes their last places, and no approximate percentile,
/// which merged from two digests may differ.
const SPLIT_QUERIES: &[&str] = &[
    "SELECT city, count(*) AS n, round(sum(amount), 2) AS total, round(avg(amount), 6) AS mean, \
     min(ts) AS first, max(ts) AS last FROM tx GROUP BY city ORDER BY city",
    "SELECT count(*) AS n, count(DISTINCT merchant_id) AS merchants, round(sum(amount), 2) AS total \
     FROM tx WHERE status = 'approved'",
    "SELECT date_trunc('hour', ts) AS hour, round(sum(amount), 2) AS revenue FROM tx \
     GROUP BY hour ORDER BY revenue DESC, hour LIMIT 7",
    "SELECT c.currency, count(*) AS n, round(sum(t.amount), 2) AS total FROM tx t \
     JOIN cities c ON t.city = c.name GROUP BY c.currency ORDER BY c.currency",
    "SELECT 'approved' AS status, count(*) AS n FROM tx WHERE status = 'approved' \
     UNION ALL SELECT 'other', count(*) FROM tx WHERE status <> 'approved' ORDER BY status",
    // Build sides DataFusion cannot size, joined by hash partitions when not
    // split: an aggregate, and a join of an aggregate to a file.
    "WITH stores AS (SELECT store_id, min(city) AS city FROM tx GROUP BY store_id) \
     SELECT s.city, count(*) AS n, round(sum(t.amount), 2) AS total FROM tx t \
     JOIN stores s ON t.store_id = s.store_id GROUP BY s.city ORDER BY s.city",
    "WITH busy AS (SELECT merchant_id, count(*) AS payments FROM tx GROUP BY merchant_id) \
     SELECT c.currency, count(*) AS n, sum(b.payments) AS merchant_payments FROM tx t \
     JOIN cities c ON t.city = c.name JOIN busy b ON t.merchant_id = b.merchant_id \
     WHERE t.status <> 'declined' GROUP BY c.currency ORDER BY c.currency",
];

/// Joins that keep unmatched rows of one side, and semi and anti joins: split
/// only where no engine needs to know what the others matched, and answered
/// as by one engine either way.
const JOINS_SPLIT_OR_NOT: &[&str] = &[
    // Cities outside the euro match no row: each counts one row of nulls, once.
    "SELECT c.name, count(*) AS n, count(t.amount) AS matched FROM cities c LEFT JOIN tx t \
     ON t.city = c.name AND t.amount > 400 AND c.currency = 'EUR' GROUP BY c.name ORDER BY c.name",
    "SELECT t.city, count(c.name) AS matched FROM tx t LEFT JOIN cities c \
     ON t.city = c.name AND c.currency = 'EUR' GROUP BY t.city ORDER BY t.city",
    "SELECT count(*) AS n FROM tx WHERE city IN (SELECT name FROM cities WHERE currency = 'EUR')",
    "SELECT count(*) AS n FROM tx WHERE city NOT IN (SELECT name FROM cities WHERE currency = 'EUR')",
];

/// Budgets for tables held in memory: none, the small cities table alone (the
/// transactions stay in their file), every table.
const HOLD_NOTHING: u64 = 0;
const HOLD_CITIES_ONLY: u64 = 64 * 1024;
const HOLD_ALL: u64 = 256 * 1024 * 1024;

async fn engine(hold_bytes: u64) -> Engine {
    let mut engine = Engine::new();
    engine.hold_tables_in_memory(hold_bytes);
    let mut parquet = Vec::new();
    write_parquet(
        transactions::schema(),
        transactions::generate(SPLIT_ROWS, DEFAULT_SEED),
        &mut parquet,
        None,
    )
    .unwrap();
    engine
        .register_bytes(
            request("tx", "tx.parquet", DatasetFormat::Parquet),
            parquet.into(),
        )
        .await
        .unwrap();
    let mut cities = String::from("name,currency\n");
    for city in CITIES {
        cities.push_str(&format!("{},{}\n", city.name, city.currency));
    }
    engine
        .register_bytes(
            request("cities", "cities.csv", DatasetFormat::Csv),
            cities.into_bytes().into(),
        )
        .await
        .unwrap();
    engine
}

/// Each engine runs its partition of every partial aggregate; the first merges
/// both and finishes. Plans that differ between engines are told apart.
pub async fn a_split_query_answers_as_one_engine_does() {
    // Tables held in memory (split by batches) and read from their files
    // (split by ranges of row groups, each engine reading only its own). A
    // held table beside a file gives DataFusion a small side it can size, so
    // it joins with the file as the probe side without exchanging rows.
    // Held tables also as dictionaries: a budget the transactions fit only so.
    let as_dictionaries = engine(HOLD_ALL).await.held_bytes() / 2;
    for hold_bytes in [HOLD_NOTHING, HOLD_CITIES_ONLY, as_dictionaries, HOLD_ALL] {
        let first = engine(hold_bytes).await;
        let second = engine(hold_bytes).await;
        assert_eq!(
            first.is_held_in_memory("cities"),
            hold_bytes != HOLD_NOTHING
        );
        assert_eq!(first.is_held_in_memory("tx"), hold_bytes >= as_dictionaries);
        for sql in SPLIT_QUERIES {
            assert_split_agrees(&first, &second, sql, true).await;
        }
        let mut split = Vec::new();
        for sql in JOINS_SPLIT_OR_NOT {
            if assert_split_agrees(&first, &second, sql, false).await {
                split.push(*sql);
            }
        }
        // Each engine sees its own part of the transactions: the cities none of
        // them matched cannot be known by one alone; the semi join divides.
        assert!(!split.contains(&JOINS_SPLIT_OR_NOT[0]), "{split:?}");
        assert!(split.contains(&JOINS_SPLIT_OR_NOT[2]), "{split:?}");
        // What the query's table holds, whether held or in its file.
        let whole = first.plan_split(SPLIT_QUERIES[0], &[], 2).await.unwrap();
        assert_eq!(whole.unwrap().rows_scanned(), Some(SPLIT_ROWS as u64));
    }
    let first = engine(HOLD_ALL).await;
    let second = engine(HOLD_ALL).await;

    // A step's placeholders are bound alike in both engines.
    let sql =
        "SELECT city, count(*) AS n FROM tx WHERE status = $status GROUP BY city ORDER BY city";
    let bindings = [("status".to_string(), BoundValue::Text("declined".into()))];
    let mut alone = engine(HOLD_ALL).await;
    let key = StepKey("k".into());
    let run = StepRun {
        name: "declined",
        sql,
        bindings: &bindings,
        key: &key,
        scope: Scope::Whole,
    };
    let (expected, _) = alone.run_step(run).await.unwrap();
    let mine = first.plan_split(sql, &bindings, 2).await.unwrap().unwrap();
    let theirs = second.plan_split(sql, &bindings, 2).await.unwrap().unwrap();
    assert_eq!(mine.fingerprint(), theirs.fingerprint());
    let parts = vec![
        mine.run_part(0).await.unwrap(),
        theirs.run_part(1).await.unwrap(),
    ];
    let together: Vec<_> = futures::TryStreamExt::try_collect(mine.finish(parts).unwrap())
        .await
        .unwrap();
    assert_eq!(
        pretty_format_batches(&together).unwrap().to_string(),
        pretty_format_batches(&expected.batches)
            .unwrap()
            .to_string()
    );
    assert!(expected.batches.iter().map(|b| b.num_rows()).sum::<usize>() > 0);

    // Two partial aggregates in one plan: both are shares.
    let union = first
        .plan_split(SPLIT_QUERIES[4], &[], 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(union.share_count(), 2);
    // A table read twice holds its rows once, and is divided twice.
    assert_eq!(union.rows_scanned(), Some(SPLIT_ROWS as u64));
    let divided_twice = ShareRows {
        divided: 2 * SPLIT_ROWS as u64,
        repeated: 0,
    };
    assert_eq!(union.share_rows(), Some(divided_twice));

    // A join's build side is read whole by each engine, its probe side divided.
    let to_cities = share_rows_of(&first, SPLIT_QUERIES[3]).await;
    assert_eq!(
        to_cities,
        ShareRows {
            divided: SPLIT_ROWS as u64,
            repeated: CITIES.len() as u64
        }
    );

    // Nothing to merge: a window over every row, a plain selection, a statement.
    for sql in [
        "SELECT ts, amount, sum(amount) OVER (PARTITION BY city ORDER BY ts) FROM tx",
        "SELECT * FROM tx WHERE amount > 100",
        "EXPLAIN SELECT count(*) FROM tx",
    ] {
        assert!(
            first.plan_split(sql, &[], 2).await.unwrap().is_none(),
            "{sql}"
        );
    }
    assert!(
        first
            .plan_split(SPLIT_QUERIES[0], &[], 1)
            .await
            .unwrap()
            .is_none()
    );

    // An engine that reads the table from its file plans another scan.
    let from_file = engine(HOLD_NOTHING).await;
    let held = first
        .plan_split(SPLIT_QUERIES[0], &[], 2)
        .await
        .unwrap()
        .unwrap();
    if let Some(other) = from_file
        .plan_split(SPLIT_QUERIES[0], &[], 2)
        .await
        .unwrap()
    {
        assert_ne!(other.fingerprint(), held.fingerprint());
    }

    // A query the engine cannot plan fails as it does alone.
    let error = first
        .plan_split("SELECT nope FROM tx GROUP BY nope", &[], 2)
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("nope"), "{error}");
}

async fn share_rows_of(engine: &Engine, sql: &str) -> ShareRows {
    let split = engine.plan_split(sql, &[], 2).await.unwrap().expect(sql);
    split.share_rows().expect(sql)
}

/// When `must_split`, the query must be split; otherwise a query not split passes.
async fn assert_split_agrees(first: &Engine, second: &Engine, sql: &str, must_split: bool) -> bool {
    let (_, alone) = first.query(sql).await.unwrap();
    let alone = pretty_format_batches(&alone).unwrap().to_string();

    let Some(mine) = first.plan_split(sql, &[], 2).await.unwrap() else {
        assert!(!must_split, "not split: {sql}");
        return false;
    };
    let theirs = second.plan_split(sql, &[], 2).await.unwrap().expect(sql);
    assert_eq!(mine.fingerprint(), theirs.fingerprint(), "{sql}");
    assert!(mine.share_count() >= 1, "{sql}");
    assert!(mine.tables().contains("tx"), "{sql}");
    // The second engine runs its partition on its own, as a helper does.
    let their_part = theirs.run_part(1).await.unwrap();
    let my_part = mine.run_part(0).await.unwrap();
    assert!(
        my_part.iter().chain(&their_part).flatten().count() > 0,
        "{sql}: no rows in either part"
    );
    let stream = mine.finish(vec![my_part, their_part]).unwrap();
    let together: Vec<_> = futures::TryStreamExt::try_collect(stream).await.unwrap();
    let together = pretty_format_batches(&together).unwrap().to_string();
    assert_eq!(together, alone, "{sql}");
    true
}

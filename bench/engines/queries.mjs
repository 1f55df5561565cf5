// The suite: each question once, in each engine's spelling. Both engines see
// the same tables with the same column names; `meridian` is DataFusion's SQL
// dialect, `duckdb` DuckDB's. Every query orders its rows completely, so the
// answers can be compared row by row.

const q1 = `
SELECT l_returnflag, l_linestatus,
  sum(l_quantity) AS sum_qty,
  sum(l_extendedprice) AS sum_base_price,
  sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
  sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
  avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc,
  count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus`;

const q3 = `
SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
FROM customer, orders, lineitem
WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
  AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15'
GROUP BY l_orderkey, o_orderdate, o_shippriority
ORDER BY revenue DESC, o_orderdate, l_orderkey
LIMIT 10`;

const q5 = `
SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM customer, orders, lineitem, supplier, nation, region
WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey
  AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey
  AND r_name = 'ASIA' AND o_orderdate >= DATE '1994-01-01' AND o_orderdate < DATE '1995-01-01'
GROUP BY n_name
ORDER BY revenue DESC, n_name`;

const q6 = `
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`;

const q10 = `
SELECT c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) AS revenue,
  c_acctbal, n_name, c_address, c_phone, c_comment
FROM customer, orders, lineitem, nation
WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey
  AND o_orderdate >= DATE '1993-10-01' AND o_orderdate < DATE '1994-01-01'
  AND l_returnflag = 'R' AND c_nationkey = n_nationkey
GROUP BY c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
ORDER BY revenue DESC, c_custkey
LIMIT 20`;

/** The same SQL for both engines. */
const both = (sql) => ({ meridian: sql, duckdb: sql });

export const QUERIES = [
  { name: 'TPC-H Q1 (pricing summary)', ...both(q1) },
  { name: 'TPC-H Q3 (shipping priority)', ...both(q3) },
  { name: 'TPC-H Q5 (local supplier volume)', ...both(q5) },
  { name: 'TPC-H Q6 (forecast revenue change)', ...both(q6) },
  { name: 'TPC-H Q10 (returned items)', ...both(q10) },
  {
    name: 'revenue per hour',
    ...both(`
SELECT date_trunc('hour', ts) AS hour, sum(amount) AS revenue, count(*) AS payments
FROM transactions WHERE status = 'approved'
GROUP BY 1 ORDER BY 1`),
  },
  {
    name: 'top merchants',
    ...both(`
SELECT merchant_id, sum(amount) AS revenue, count(*) AS payments
FROM transactions GROUP BY merchant_id
ORDER BY revenue DESC, merchant_id LIMIT 20`),
  },
  {
    name: 'geo grid counts (0.5°)',
    ...both(`
SELECT floor(lat * 2) / 2 AS cell_lat, floor(lon * 2) / 2 AS cell_lon, count(*) AS readings
FROM telemetry GROUP BY 1, 2 ORDER BY readings DESC, cell_lat, cell_lon LIMIT 100`),
  },
  {
    name: 'p95 app latency per day and connection status',
    meridian: `
SELECT date_trunc('day', ts) AS day, connection_status,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY app_latency_ms) AS p95_ms
FROM telemetry GROUP BY 1, 2 ORDER BY 1, 2`,
    duckdb: `
SELECT date_trunc('day', ts) AS day, connection_status,
  quantile_cont(app_latency_ms, 0.95) AS p95_ms
FROM telemetry GROUP BY 1, 2 ORDER BY 1, 2`,
  },
  {
    name: 'devices whose battery fell below 20 % per day (window)',
    ...both(`
WITH readings AS (
  SELECT device_id, ts, battery_pct,
    lag(battery_pct) OVER (PARTITION BY device_id ORDER BY ts) AS previous_pct
  FROM telemetry)
SELECT date_trunc('day', ts) AS day, count(DISTINCT device_id) AS devices
FROM readings WHERE battery_pct < 20 AND previous_pct >= 20
GROUP BY 1 ORDER BY 1`),
  },
  {
    name: 'telemetry joined to stores',
    ...both(`
WITH stores AS (SELECT store_id, min(city) AS city FROM transactions GROUP BY store_id)
SELECT s.city, count(*) AS readings, avg(t.app_latency_ms) AS mean_latency_ms,
  avg(t.signal_dbm) AS mean_signal_dbm
FROM telemetry t JOIN stores s ON t.store_id = s.store_id
GROUP BY s.city ORDER BY s.city`),
  },
];

/** The tables the suite reads, and from which set of files. */
export const TABLES = {
  tpch: ['lineitem', 'orders', 'customer', 'supplier', 'nation', 'region'],
  meridian: ['transactions', 'telemetry'],
};

// Meridian's engine beside DuckDB-Wasm in headless Chromium, one run.
//
// Generates the data (TPC-H with tpchgen-cli, Meridian's own tables with the
// samples crate's binary), serves it and the engines from 127.0.0.1, opens one browser
// per engine, runs the whole suite once in each, checks that their answers
// agree, warms each query up WARMUPS more times, then times it RUNS times,
// alternating engines.
// Meridian runs twice: as the app does (its engine worker and a helper worker,
// one per core) and alone in one worker, timed where the helper took part,
// which gives the helper's speed-up.
// Meridian reads the Parquet files; DuckDB-Wasm gets the same tables as Arrow
// IPC streams, written by pyarrow (its npm build fetches its Parquet reader
// from the internet at run time, which cannot work offline).
//
//   node run.mjs            the full benchmark; writes BENCHMARKS.md
//   node run.mjs --check    a small scale factor, answers only (the test command)
//   node run.mjs --show     also print what each engine answered first
//   node run.mjs --data     only makes the files the run reads (the script
//                           makes them while the shipped bundle builds)
//   node run.mjs --only=TEXT --scale=N [--explain]
//                           only the queries whose name holds TEXT, only at
//                           scale factor N: prints their times (and with
//                           --explain, Meridian's EXPLAIN ANALYZE in one
//                           worker after them), writes no report
//
// Inputs (scripts/bench-engines.sh sets them): MERIDIAN_DIST (the built app),
// MERIDIAN_SAMPLES_BIN (the samples crate's `meridian-samples`), TPCHGEN
// (tpchgen-cli), BENCH_PYTHON (a Python with pyarrow), BENCH_DATA (a folder
// kept between runs for the generated files).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeAll, launch } from '../../tests/e2e/support/app.mjs';
import { appDist, required } from '../../tests/e2e/support/env.mjs';
import { startServer } from '../../tests/e2e/support/server.mjs';
import { compareAnswers } from './agree.mjs';
import { browserMemory } from './memory.mjs';
import { QUERIES, TABLES } from './queries.mjs';
import { median } from '../stats.mjs';
import { writeReport } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHECK = process.argv.includes('--check');
/** `--show` prints each engine's column types and first row, to see what was compared. */
const SHOW = process.argv.includes('--show');
/** `--only=TEXT` and `--scale=N`, to time a few queries while working on them. */
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ONLY = option('only');
const SCALE = option('scale');
const PARTIAL = ONLY !== undefined || SCALE !== undefined;
const EXPLAIN = process.argv.includes('--explain');
const DATA_ONLY = process.argv.includes('--data');
const RUNS = CHECK ? 1 : Number(process.env.BENCH_RUNS ?? 5);
/**
 * Untimed runs of each query in each engine after the suite's answer run and
 * before its timed runs. V8 first runs wasm from its baseline compiler and
 * recompiles hot functions with its optimizing one in the background while
 * they run: measured on the geo grid query at scale factor 0.1, Meridian's
 * times (with its helper and alone) were still falling on the fourth run.
 */
const WARMUPS = CHECK ? 0 : Number(process.env.BENCH_WARMUPS ?? 3);
/** The data sets: TPC-H at a scale factor, Meridian's tables at row counts. */
const SETS = (
  CHECK
    ? [{ scale: 0.01, transactions: 20_000, telemetry: 40_000 }]
    : [
        { scale: 0.1, transactions: 5_000_000, telemetry: 10_000_000 },
        { scale: 1, transactions: 5_000_000, telemetry: 10_000_000 },
      ]
).filter((set) => SCALE === undefined || String(set.scale) === SCALE);
const SUITE = QUERIES.filter((q) => ONLY === undefined || q.name.includes(ONLY));

/** The engines, each in a browser of its own; the first two speak Meridian's SQL. */
const ENGINES = ['meridian', 'meridian-alone', 'duckdb'];
const dialect = (which) => (which === 'duckdb' ? 'duckdb' : 'meridian');
/**
 * The name Meridian's engine worker is started with, which it reads: one worker alone, or (in the
 * check, whose tables are small) a helper that takes part in any query it can, so the two-worker
 * path is proven on them; otherwise none, as the app starts it.
 */
function workerName(which) {
  if (which === 'meridian-alone') return 'meridian-engine-alone';
  if (which === 'meridian' && CHECK) return 'meridian-engine-split-any';
  return null;
}

const dataRoot = resolve(process.env.BENCH_DATA ?? join(tmpdir(), 'meridian-bench'));

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/** TPC-H tables at `scale`, as Parquet, made once. */
function tpch(scale) {
  const folder = join(dataRoot, `tpch-sf${scale}`);
  if (!TABLES.tpch.every((t) => existsSync(join(folder, `${t}.parquet`)))) {
    console.error(`Generating TPC-H at scale factor ${scale}…`);
    run(process.env.TPCHGEN ?? 'tpchgen-cli', ['parquet', '-s', String(scale), '-T', TABLES.tpch.join(','), '-o', folder, '--overwrite']);
  }
  return Object.fromEntries(TABLES.tpch.map((t) => [t, join(folder, `${t}.parquet`)]));
}

/** Meridian's generated table `name` with `rows` rows, as Parquet, made once. */
function sample(name, rows) {
  const folder = join(dataRoot, `samples-${rows}`);
  const file = join(folder, `${name}.parquet`);
  if (!existsSync(file)) {
    console.error(`Generating ${rows.toLocaleString('en')} rows of the sample tables…`);
    run(required('MERIDIAN_SAMPLES_BIN', "the samples crate's binary (scripts/bench-engines.sh sets it)"), [String(rows), folder]);
  }
  return file;
}

/**
 * The Arrow IPC stream DuckDB-Wasm is given for a Parquet file, written from
 * the same file by pyarrow (arrow_stream.py). Time zones are dropped from
 * timestamps (the values stay UTC): DuckDB's time-zone functions live in an
 * extension it would fetch.
 */
function arrowStream(parquet, table) {
  const file = parquet.replace(/\.parquet$/, '.arrows');
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(parquet).mtimeMs) {
    const naive = TABLES.meridian.includes(table) ? ['--naive', 'ts'] : [];
    run(required('BENCH_PYTHON', 'a Python with pyarrow (scripts/bench-engines.sh sets it)'), [join(HERE, 'arrow_stream.py'), parquet, `${file}.part`, ...naive]);
    renameSync(`${file}.part`, file);
  }
  return file;
}

/** The full-scan aggregate over the large chosen file. */
const LARGE_FILE_QUERY = `
SELECT l_returnflag, l_linestatus, count(*) AS line_items, sum(l_quantity) AS quantity,
  sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM lineitem GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus`;

/**
 * TPC-H lineitem as one Parquet file of over a gigabyte (scale factor 4.5),
 * made once. The check run uses it too: only a file this large is read by
 * ranges, so only it proves that path.
 */
function largeFile() {
  const scale = 4.5;
  const folder = join(dataRoot, `tpch-large-sf${scale}`);
  const file = join(folder, 'lineitem.parquet');
  if (!existsSync(file)) {
    console.error(`Generating TPC-H lineitem at scale factor ${scale} (the large file)…`);
    run(process.env.TPCHGEN ?? 'tpchgen-cli', ['parquet', '-s', String(scale), '-T', 'lineitem', '-o', folder, '--overwrite']);
  }
  return file;
}

/**
 * A large Parquet file chosen with the page's file picker, registered in a
 * fresh Meridian and aggregated whole, with the page's peak memory: the file
 * must be read by ranges, never whole.
 */
async function benchLargeFile(server) {
  const file = largeFile();
  const engine = await openEngine('meridian', server);
  try {
    const page = { baseline: browserMemory.pageRss(engine.pid), peak: 0 };
    const sample = () => {
      page.peak = Math.max(page.peak, browserMemory.pageRss(engine.pid));
      engine.peak = Math.max(engine.peak, browserMemory.rss(engine.pid));
    };
    const timer = setInterval(sample, 50);
    let load;
    let query;
    try {
      await engine.page.setInputFiles('#pick', file);
      load = await engine.page.evaluate(() => window.harness.loadChosen('lineitem'));
      query = await engine.page.evaluate(([sql]) => window.harness.run(sql, true), [LARGE_FILE_QUERY]);
    } finally {
      clearInterval(timer);
    }
    sample();
    if (engine.errors.length) throw new Error(`page errors: ${engine.errors.join('; ')}`);
    if (query.rowCount !== 4) throw new Error(`the large-file aggregate gave ${query.rowCount} rows, not 4`);
    if (load.dataset.held_in_memory) throw new Error('the large file was decoded into memory, not read by ranges');
    const counted = query.answer.rows.reduce((sum, row) => sum + Number(row[2]), 0);
    if (counted !== load.dataset.row_count) {
      throw new Error(`the aggregate counted ${counted} rows of the ${load.dataset.row_count} registered`);
    }
    const result = {
      bytes: statSync(file).size,
      rows: load.dataset.row_count,
      held: load.dataset.held_in_memory === true,
      loadMs: load.ms,
      queryMs: query.ms,
      workers: query.workers,
      page,
      browser: { baseline: engine.baseline, peak: engine.peak },
    };
    const mib = (bytes) => `${(bytes / 1_048_576).toFixed(0)} MiB`;
    console.error(
      `  large file (${mib(result.bytes)}, ${result.rows.toLocaleString('en')} rows): registered in ${result.loadMs.toFixed(0)} ms, ` +
        `aggregated in ${result.queryMs.toFixed(0)} ms by ${result.workers} workers; page peak ${mib(page.peak)} (${mib(page.baseline)} before)`,
    );
    return result;
  } finally {
    await closeAll(engine.browser);
  }
}

/** One folder the server roots: the page, the built app, DuckDB-Wasm's files, the data. */
function siteFolder() {
  const site = mkdtempSync(join(tmpdir(), 'meridian-bench-site-'));
  symlinkSync(join(HERE, 'page'), join(site, 'page'));
  symlinkSync(resolve(appDist()), join(site, 'meridian'));
  symlinkSync(join(HERE, 'node_modules', '@duckdb', 'duckdb-wasm', 'dist'), join(site, 'duckdb'));
  symlinkSync(dataRoot, join(site, 'data'));
  return site;
}

async function openEngine(which, server) {
  const before = new Set(browserMemory.browsers());
  const browser = await launch();
  const pid = browserMemory.browsers().find((p) => !before.has(p));
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/page/index.html`);
  await page.waitForFunction(() => window.harnessReady === true);
  const baseline = browserMemory.rss(pid);
  const started = await page.evaluate(([w, name]) => window.harness.start(w, name), [which, workerName(which)]);
  return { which, browser, page, pid, errors, baseline, started, peak: baseline };
}

function sampleMemory(engines) {
  for (const engine of engines) engine.peak = Math.max(engine.peak, browserMemory.rss(engine.pid));
}

/** `work()`, with each engine's peak memory sampled every 100 ms while it runs. */
async function sampling(engines, work) {
  const timer = setInterval(() => sampleMemory(engines), 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs the whole suite once in every engine: the warm-up of every query (V8
 * first runs wasm code from its baseline compiler and optimizes the hot
 * functions while they run, so later times are of code as it runs once warm),
 * and the answers, which must agree before any time counts. By query name:
 * each engine's answer, or why it could not answer (out of memory, say).
 */
async function answerAll(engines) {
  const answers = Object.fromEntries(SUITE.map((q) => [q.name, {}]));
  const failed = Object.fromEntries(SUITE.map((q) => [q.name, {}]));
  for (const engine of engines) {
    for (const query of SUITE) {
      try {
        const ask = () => engine.page.evaluate(([sql]) => window.harness.run(sql, true), [query[dialect(engine.which)]]);
        const first = await ask();
        answers[query.name][engine.which] = first;
        // In the check, Meridian answers each query a second time: a query its helper took part in
        // is then sent to the helper before the engine worker plans it, a path of its own.
        if (CHECK && engine.which === 'meridian') {
          const again = await ask();
          const disagreement = compareAnswers(again.answer, first.answer);
          if (disagreement) throw new Error(`${query.name}: Meridian's second answer differs from its first: ${disagreement}`);
          if (again.workers !== first.workers) {
            throw new Error(`${query.name}: Meridian's helper took part in ${first.workers === 2 ? 'the first run only' : 'the second run only'}`);
          }
        }
      } catch (error) {
        failed[query.name][engine.which] = String(error.message ?? error).split('\n')[0].replace(/^page\.evaluate: (Error: )?/, '');
        if (CHECK) throw new Error(`${query.name}: ${engine.which} failed: ${failed[query.name][engine.which]}`);
      }
    }
  }
  return { answers, failed };
}

/** The Parquet file of each table of a data set, by table name, made when missing. */
function dataFiles(set) {
  return { ...tpch(set.scale), transactions: sample('transactions', set.transactions), telemetry: sample('telemetry', set.telemetry) };
}

/** Makes every file the run reads that is missing: Parquet, DuckDB-Wasm's Arrow streams, the large file. */
function makeData() {
  for (const set of SETS) {
    for (const [name, parquet] of Object.entries(dataFiles(set))) arrowStream(parquet, name);
  }
  if (!PARTIAL) largeFile();
}

async function benchSet(set, server, engines) {
  const files = dataFiles(set);
  const url = (file) => `${server.url}/data/${file.slice(dataRoot.length + 1)}`;
  const tables = (which) =>
    Object.entries(files).map(([name, parquet]) => ({ name, url: url(dialect(which) === 'meridian' ? parquet : arrowStream(parquet, name)) }));
  const sizes = Object.fromEntries(Object.entries(files).map(([name, f]) => [name, statSync(f).size]));
  for (const engine of engines) engine.peak = browserMemory.rss(engine.pid);
  const loads = {};
  for (const engine of engines) {
    const list = tables(engine.which);
    loads[engine.which] = await sampling(engines, () => engine.page.evaluate((t) => window.harness.load(t), list));
  }
  const { answers, failed } = await sampling(engines, () => answerAll(engines));
  const results = [];
  for (const query of SUITE) {
    const answer = answers[query.name];
    const times = Object.fromEntries(engines.map((e) => [e.which, []]));
    if (SHOW) {
      for (const which of Object.keys(answer)) {
        const { columns, rows } = answer[which].answer;
        console.error(`    ${which}: ${columns.join(', ')} | first row ${JSON.stringify(rows[0])}`);
      }
    }
    for (const which of ['meridian', 'meridian-alone']) {
      if (answer[which] && answer.duckdb) {
        const disagreement = compareAnswers(answer[which].answer, answer.duckdb.answer);
        if (disagreement) throw new Error(`${query.name}: ${which} and DuckDB-Wasm disagree: ${disagreement}`);
      }
    }
    if (answer['meridian-alone'] && answer['meridian-alone'].workers !== 1) {
      throw new Error(`${query.name}: Meridian alone says ${answer['meridian-alone'].workers} workers ran it`);
    }
    // One worker is timed only where the helper took part: elsewhere both run
    // the same work in one worker, and the difference would only be noise.
    const helped = answer.meridian?.workers === 2;
    const timed = engines.filter((e) => answer[e.which] && (e.which !== 'meridian-alone' || helped));
    await sampling(engines, async () => {
      for (let round = 0; round < WARMUPS; round += 1) {
        for (const engine of timed) await engine.page.evaluate(([sql]) => window.harness.run(sql, false), [query[dialect(engine.which)]]);
      }
      for (let round = 0; round < RUNS; round += 1) {
        const order = round % 2 ? [...timed].reverse() : timed;
        for (const engine of order) {
          const { ms } = await engine.page.evaluate(([sql]) => window.harness.run(sql, false), [query[dialect(engine.which)]]);
          times[engine.which].push(ms);
        }
      }
    });
    if (EXPLAIN) {
      const alone = engines.find((e) => e.which === 'meridian-alone');
      const { answer: plan } = await alone.page.evaluate(([sql]) => window.harness.run(sql, true), [`EXPLAIN ANALYZE ${query.meridian}`]);
      console.error(plan.rows.map((row) => row.join('\n')).join('\n'));
    }
    const timing = (which) => (times[which]?.length ? median(times[which]) : null);
    const result = {
      name: query.name,
      rows: (answer.meridian ?? answer.duckdb)?.rowCount ?? 0,
      meridian: timing('meridian'),
      alone: timing('meridian-alone'),
      duckdb: timing('duckdb'),
      /** How many workers answered the warm-up run in the app's Meridian. */
      workers: answer.meridian?.workers ?? null,
      failed: failed[query.name],
    };
    results.push(result);
    const said = (key, which, label) => {
      if (result[key] !== null) return `${label} ${result[key].toFixed(1)} ms`;
      return result.failed[which] ? `${label} failed (${result.failed[which]})` : `${label} not timed`;
    };
    const verdict = answer.meridian && answer.duckdb ? 'agree' : 'not compared';
    const timesSaid = `; ${said('meridian', 'meridian', 'Meridian')}, ${said('alone', 'meridian-alone', 'one worker')}, ${said('duckdb', 'duckdb', 'DuckDB-Wasm')}`;
    console.error(`  ${query.name}: ${verdict} (${result.rows} rows, ${result.workers ?? '?'} workers)${CHECK ? '' : timesSaid}`);
  }
  const memory = Object.fromEntries(engines.map((e) => [e.which, { peak: e.peak, baseline: e.baseline }]));
  return { set, sizes, loads, results, memory };
}

async function main() {
  if (!SETS.length || !SUITE.length) throw new Error('no data set or no query matches --scale and --only');
  mkdirSync(dataRoot, { recursive: true });
  if (DATA_ONLY) return makeData();
  const site = siteFolder();
  const server = await startServer({ root: site });
  const engines = [];
  try {
    for (const which of ENGINES) engines.push(await openEngine(which, server));
    const sets = [];
    for (const set of SETS) {
      console.error(`Scale factor ${set.scale}; transactions ${set.transactions.toLocaleString('en')}, telemetry ${set.telemetry.toLocaleString('en')} rows`);
      sets.push(await benchSet(set, server, engines));
      // A new data set starts from fresh engines, so the first set's tables do not weigh on the second.
      if (set !== SETS.at(-1)) {
        for (const engine of engines) await engine.page.evaluate(([w, name]) => window.harness.restart(w, name), [engine.which, workerName(engine.which)]);
      }
    }
    for (const engine of engines) {
      if (engine.errors.length) throw new Error(`${engine.which} page errors: ${engine.errors.join('; ')}`);
    }
    if (PARTIAL && !CHECK) return;
    console.error('A large Parquet file chosen with the file picker, in a fresh Meridian');
    const largeFileResult = await benchLargeFile(server);
    if (CHECK) {
      // The helper must have answered part of some query, or the two-worker path went untested.
      const helped = sets.flatMap((s) => s.results).filter((r) => r.workers === 2).map((r) => r.name);
      if (!helped.length) throw new Error('no query was split between the engine worker and its helper');
      console.log(`The engines agree on all ${SUITE.length} queries at scale factor ${SETS[0].scale}; the helper ran part of: ${helped.join(', ')}.`);
      return;
    }
    const chromium = (await engines[0].browser.version());
    const report = await writeReport({ sets, engines, chromium, runs: RUNS, warmups: WARMUPS, largeFile: largeFileResult });
    writeFileSync(join(HERE, '..', '..', 'BENCHMARKS.md'), report);
    console.log(report);
  } finally {
    await closeAll(...engines.map((e) => e.browser), server);
    rmSync(site, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});

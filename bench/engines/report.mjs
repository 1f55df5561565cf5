// BENCHMARKS.md from one run of the engine benchmark.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { appDist } from '../../tests/e2e/support/env.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const mb = (bytes) => `${(bytes / 1_048_576).toFixed(2)} MiB`;
const ms = (value) => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const gzipped = promisify(gzip);
const brotlied = promisify(brotliCompress);

/**
 * A file's raw, gzip -9 and brotli -q 11 sizes, by path: each file is compressed
 * once however many rows count it, and every file at once (zlib's asynchronous
 * calls run on libuv's thread pool, so the largest files use both cores).
 */
const measured = new Map();
function fileSizes(file) {
  if (!measured.has(file)) {
    measured.set(
      file,
      (async () => {
        const bytes = await readFile(file);
        // Quality 11 with the largest standard window (24 bits), as `brotli -q 11`
        // writes a file served pre-compressed.
        const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 };
        const [gz, br] = await Promise.all([gzipped(bytes, { level: 9 }), brotlied(bytes, { params })]);
        return { raw: bytes.length, gzip: gz.length, brotli: br.length };
      })(),
    );
  }
  return measured.get(file);
}

async function sizes(files) {
  const each = await Promise.all(files.map(fileSizes));
  const total = (key) => each.reduce((sum, file) => sum + file[key], 0);
  // The size target is in MB (10⁶ bytes), so brotli's column gives both.
  return `${mb(total('raw'))} | ${mb(total('gzip'))} | ${mb(total('brotli'))} (${(total('brotli') / 1e6).toFixed(2)} MB)`;
}

async function bundleRows() {
  const dist = appDist();
  // The app's own files as the build lists them for "Publish as a folder"
  // (scripts/list-app-files.sh): everything the page loads but the samples.
  const app = readFileSync(join(dist, 'app-files.txt'), 'utf8').split('\n').filter(Boolean);
  const duck = join(HERE, 'node_modules', '@duckdb', 'duckdb-wasm', 'dist');
  const worker = app.filter((f) => f.startsWith('meridian-worker')).map((f) => join(dist, f));
  const ui = app.filter((f) => !f.startsWith('meridian-worker')).map((f) => join(dist, f));
  const duckdb = ['duckdb-eh.wasm', 'duckdb-browser-eh.worker.js', 'duckdb-browser.mjs'].map((f) => join(duck, f));
  const [workerSizes, uiSizes, bothSizes, duckdbSizes] = await Promise.all([worker, ui, [...worker, ...ui], duckdb].map(sizes));
  return [
    `| Meridian engine worker (wasm + JS) | ${workerSizes} |`,
    `| Meridian UI (wasm + JS, the SQL editor's script, CSS, the page, its icon) | ${uiSizes} |`,
    `| Meridian, both: every file the page loads but the samples | ${bothSizes} |`,
    `| DuckDB-Wasm, the bundle this browser ran (duckdb-eh.wasm, its worker, the library) | ${duckdbSizes} |`,
  ];
}

function heldTables(datasets) {
  const held = datasets.filter((d) => d.held_in_memory).map((d) => d.name);
  const files = datasets.filter((d) => !d.held_in_memory).map((d) => d.name);
  if (!files.length) return `all (${held.join(', ')})`;
  return `${held.length ? held.join(', ') : 'none'}; read from their files by each query: ${files.join(', ')}`;
}

function largeFileSection(large) {
  return [
    '## A large file chosen with the file picker',
    '',
    `TPC-H lineitem as one Parquet file of ${mb(large.bytes)} (${large.rows.toLocaleString('en')} rows), chosen through the`,
    'page\'s file input in a fresh Meridian, then aggregated whole (count, sums of quantity and revenue',
    'per return flag and line status). The engine worker hashes the file piece by piece and reads it by',
    `ranges through the browser \`File\` (a file this large is not sent to its helper); it is ${large.held ? 'held decoded in memory' : 'not held in memory: it stays in the file'}.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| registered (hashed, footer read) | ${ms(large.loadMs)} ms |`,
    `| full-scan aggregate | ${ms(large.queryMs)} ms (${large.workers === 2 ? 'split between the engine worker and its helper' : 'in the engine worker alone'}) |`,
    `| page peak memory (its renderer process: the page and its workers) | ${mb(large.page.peak)} (${mb(large.page.baseline)} before the file) |`,
    `| whole browser peak (every process) | ${mb(large.browser.peak)} (${mb(large.browser.baseline)} before) |`,
    '',
  ];
}

const geometricMean = (values) => Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

export async function writeReport({ sets, engines, chromium, runs, warmups, largeFile }) {
  const duckVersion = JSON.parse(readFileSync(join(HERE, 'node_modules', '@duckdb', 'duckdb-wasm', 'package.json'), 'utf8')).version;
  const lock = readFileSync(join(HERE, '..', '..', 'Cargo.lock'), 'utf8');
  const datafusion = /name = "datafusion"\nversion = "([^"]+)"/.exec(lock)?.[1] ?? '?';
  const started = Object.fromEntries(engines.map((e) => [e.which, e.started]));
  const lines = [
    '# Benchmarks: Meridian against DuckDB-Wasm in the browser',
    '',
    'Both engines run in the same headless Chromium run, each in a browser of its own, on the same',
    `machine; queries alternate between them. Each time is the median of ${runs} runs after ${warmups + 1} untimed`,
    'runs of the query in each engine: the whole suite once, whose answers are compared, then the query',
    `${warmups} more times (V8 recompiles hot wasm code with its optimizing compiler in the background while`,
    'it runs, and Meridian\'s times were still falling on a query\'s fourth run). Times are',
    'measured in the page (`performance.now()` around the call, result included: Meridian\'s answer',
    'crosses from its worker as Arrow IPC, DuckDB-Wasm\'s as an Arrow table). Before any time counts, the',
    'answers of the first run are compared row by row and must agree (numbers to six significant digits).',
    '',
    'Meridian runs as the app runs it: its engine worker starts a helper worker (the same engine) on the',
    'other core, both hold the same tables, and a query with an aggregate over tables of a million rows',
    'or more together is planned by both with one',
    'partition each (a Parquet file by ranges of row groups, a table in memory by halves); each runs its',
    'partition of the scan and partial aggregation, and the engine worker merges the partial aggregates',
    'and finishes. A hash join beneath a partial aggregate builds its whole table in each worker and',
    'divides its probe side. Queries over fewer rows, without a partial aggregate to split (a window over',
    'every row), with a join that emits unmatched rows of its build side, or whose join tables are built',
    'from more than a quarter as many rows as their divided scans read (each worker would build the same',
    'large hash tables; rows an aggregate folds first do not count), run in the engine worker alone. To measure what the helper gives, Meridian also runs in a third browser with one worker',
    '("one worker" below): same bundle, the helper not started. It answers every query (its answers are',
    'compared too) but is timed only where the helper took part; elsewhere both run the same work.',
    '',
    'Meridian reads the Parquet files, handed to its worker as browser `File`s, as the app does with a',
    'chosen file up to 512 MB: it decodes each table once when it is registered and holds it in memory while the',
    'tables together fit its budget (1.75 GiB of the worker\'s 4 GiB); a table beyond that stays in its',
    'file and is decoded by each query. DuckDB-Wasm is given the same tables as Arrow IPC streams',
    '(written from the same Parquet files by pyarrow), which it reads built in: its npm build fetches',
    'its Parquet reader from the internet at run time, which cannot work here, so its tables are',
    'decoded into its own storage when they are loaded.',
    'Timestamps reach DuckDB without their time zone (the values are UTC), because its time-zone',
    'functions are another extension it would fetch.',
    '',
    '## Machine and versions',
    '',
    `- CPU: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Browser: Chromium ${chromium} (headless); Node ${process.version}`,
    `- Meridian: DataFusion ${datafusion} in wasm32 workers of one thread each; DuckDB-Wasm ${duckVersion}`,
    '',
    '## Start-up',
    '',
    '| | engine ready | first result (`SELECT 1`) |',
    '|---|---|---|',
    `| Meridian | ${ms(started.meridian.readyMs)} ms | ${ms(started.meridian.firstResultMs)} ms |`,
    `| Meridian, one worker | ${ms(started['meridian-alone'].readyMs)} ms | ${ms(started['meridian-alone'].firstResultMs)} ms |`,
    `| DuckDB-Wasm | ${ms(started.duckdb.readyMs)} ms | ${ms(started.duckdb.firstResultMs)} ms |`,
    '',
    'Measured from creating the engine\'s worker in a loaded page, the wasm already in the HTTP cache',
    'or not as the browser keeps it.',
    '',
  ];
  for (const { set, sizes: fileSizes, loads, results, memory } of sets) {
    const both = results.filter((r) => r.meridian !== null && r.duckdb !== null);
    const ratios = both.map((r) => r.meridian / r.duckdb);
    const split = results.filter((r) => r.workers === 2 && r.meridian !== null && r.alone !== null);
    const speedUps = split.map((r) => r.alone / r.meridian);
    // A query not split ran the same work in both; their difference is only noise.
    const speedUp = (r) => (r.workers === 2 && r.meridian !== null && r.alone !== null ? `${(r.alone / r.meridian).toFixed(2)}x` : '–');
    const cell = (r, which) => (r[which] === null ? `failed: ${r.failed[which]}` : ms(r[which]));
    const ratio = (r) => (r.meridian !== null && r.duckdb !== null ? (r.meridian / r.duckdb).toFixed(2) : '–');
    const total = Object.values(fileSizes).reduce((a, b) => a + b, 0);
    lines.push(
      `## TPC-H scale factor ${set.scale}; transactions ${set.transactions.toLocaleString('en')} rows, telemetry ${set.telemetry.toLocaleString('en')} rows`,
      '',
      `Parquet in: ${mb(total)}. Loading every table: Meridian ${ms(loads.meridian.ms)} ms (until its helper holds them too; one worker ${ms(loads['meridian-alone'].ms)} ms), DuckDB-Wasm ${ms(loads.duckdb.ms)} ms.`,
      `Tables Meridian holds decoded in memory: ${heldTables(loads.meridian.datasets)}.`,
      `Peak resident memory of each engine's browser during this set: Meridian ${mb(memory.meridian.peak)} (one worker ${mb(memory['meridian-alone'].peak)}), DuckDB-Wasm ${mb(memory.duckdb.peak)}`,
      `(${mb(memory.meridian.baseline)}, ${mb(memory['meridian-alone'].baseline)} and ${mb(memory.duckdb.baseline)} before their engines started).`,
      '',
      '| query | rows | Meridian ms | DuckDB-Wasm ms | Meridian / DuckDB | Meridian, one worker ms | helper speed-up | workers |',
      '|---|---|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.rows} | ${cell(r, 'meridian')} | ${cell(r, 'duckdb')} | ${ratio(r)} | ${r.alone !== null ? ms(r.alone) : r.failed['meridian-alone'] ? 'failed' : '–'} | ${speedUp(r)} | ${r.workers ?? '–'} |`,
      ),
      '',
      `Geometric mean of Meridian / DuckDB-Wasm over the ${both.length} queries both answered: **${geometricMean(ratios).toFixed(2)}** (below 1 means Meridian is faster).`,
      split.length
        ? `Geometric mean of the helper's speed-up (one worker's time / two workers') over the ${split.length} queries split between the workers: **${geometricMean(speedUps).toFixed(2)}x**.`
        : 'No query was split between the workers.',
      '',
    );
  }
  lines.push(
    ...largeFileSection(largeFile),
    '## Bundle sizes',
    '',
    '| what | raw | gzip -9 | brotli -q 11 |',
    '|---|---|---|---|',
    ...(await bundleRows()),
    '',
    '## Reproduce',
    '',
    '```',
    'scripts/bench-engines.sh',
    '```',
    '',
    'It installs what it needs (tpchgen-cli and pyarrow from PyPI in a virtual environment, DuckDB-Wasm',
    'from npm), builds the shipped bundle, generates the data, runs the engines and rewrites this file.',
    '',
  );
  return lines.join('\n');
}

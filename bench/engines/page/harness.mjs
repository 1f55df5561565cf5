// The in-page half of the engine benchmark. Each page runs one engine, chosen
// by the test process: Meridian's worker (from the built app, spoken to in its
// own message protocol) or DuckDB-Wasm (from npm). Every time is taken here
// with performance.now(), so no round trip to the test process is counted.

import * as duckdb from '@duckdb/duckdb-wasm';
import { tableFromIPC } from 'apache-arrow';

/** Rows of an Arrow table as plain arrays of numbers, strings and nulls. */
function plainRows(table) {
  const columns = table.schema.fields.map((field, index) => ({ field, vector: table.getChildAt(index) }));
  const rows = [];
  for (let row = 0; row < table.numRows; row += 1) {
    rows.push(columns.map(({ field, vector }) => plainValue(vector.get(row), field.type)));
  }
  return { columns: table.schema.fields.map((f) => `${f.name}: ${f.type}`), rows };
}

function plainValue(value, type) {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  // Decimals arrive as their unscaled integer, which may pass 2^53: through its digits.
  if (type?.scale !== undefined && typeof value === 'object') return Number(String(value)) / 10 ** type.scale;
  if (typeof value === 'object' && typeof value.valueOf() === 'number') return value.valueOf();
  return value;
}

class MeridianEngine {
  /**
   * `workerName`: the engine worker's name, which the worker reads (crates/worker/src/helper.rs):
   * 'meridian-engine-alone' starts no helper, so every query runs on one core;
   * 'meridian-engine-split-any' splits queries however few rows they read. None: as the app runs it.
   */
  constructor(workerName) {
    this.workerName = workerName;
    this.nextId = 1;
    this.waiting = new Map();
  }

  async start() {
    const started = performance.now();
    const options = this.workerName ? { name: this.workerName } : {};
    this.worker = new Worker('/meridian/meridian-worker_loader.js', options);
    const ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.worker.onerror = (event) => reject(new Error(`the engine worker failed: ${event.message}`));
    });
    this.worker.onmessage = (event) => this.receive(event.data);
    await ready;
    const readyMs = performance.now() - started;
    await this.query('SELECT 1 AS one');
    return { readyMs, firstResultMs: performance.now() - started };
  }

  receive({ json, payload }) {
    const message = JSON.parse(json);
    if (message.type === 'ready') return this.onReady();
    if (message.type === 'progress') return;
    if (message.type === 'crashed') {
      for (const { reject } of this.waiting.values()) reject(new Error(`the engine crashed: ${message.message}`));
      this.waiting.clear();
      return;
    }
    const waiter = this.waiting.get(message.request_id);
    if (!waiter) return;
    this.waiting.delete(message.request_id);
    if (message.type === 'failed') waiter.reject(new Error(message.error.message));
    else waiter.resolve({ message, payload });
  }

  ask(request, payload) {
    const request_id = this.nextId++;
    const json = JSON.stringify({ ...request, request_id });
    return new Promise((resolve, reject) => {
      this.waiting.set(request_id, { resolve, reject });
      this.worker.postMessage(payload === undefined ? { json } : { json, payload });
    });
  }

  /** Reads each Parquet file into the page, then gives it to the engine as a `File`. */
  async load(tables) {
    const datasets = [];
    for (const { name, url } of tables) {
      const blob = await (await fetch(url)).blob();
      const file = new File([blob], `${name}.parquet`);
      const { message } = await this.ask(
        { type: 'register', name, format: 'parquet', source: { kind: 'file', file_name: file.name } },
        file,
      );
      datasets.push(message.dataset);
    }
    // The helper loads the same tables after the engine worker: done when both are.
    await this.ask({ type: 'settle' });
    return datasets;
  }

  /** Registers the file chosen in the page's file input, as the app does with a picked file. */
  async loadChosen(name) {
    const file = document.getElementById('pick').files[0];
    const { message } = await this.ask(
      { type: 'register', name, format: 'parquet', source: { kind: 'file', file_name: file.name } },
      file,
    );
    return message.dataset;
  }

  /** The answer, and how many workers ran it (2 when the helper ran part of it). */
  async query(sql) {
    const { message, payload } = await this.ask({ type: 'query', sql, scope: 'whole' });
    return { table: tableFromIPC(new Uint8Array(payload)), workers: message.workers };
  }

  async stop() {
    this.worker.terminate();
  }
}

class DuckdbEngine {
  async start() {
    const started = performance.now();
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: '/duckdb/duckdb-mvp.wasm', mainWorker: '/duckdb/duckdb-browser-mvp.worker.js' },
      eh: { mainModule: '/duckdb/duckdb-eh.wasm', mainWorker: '/duckdb/duckdb-browser-eh.worker.js' },
    });
    const worker = new Worker(bundle.mainWorker);
    this.db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await this.db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    this.connection = await this.db.connect();
    const readyMs = performance.now() - started;
    // DuckDB's own advice for large inputs in memory: every query here orders its rows.
    await this.connection.query('SET preserve_insertion_order = false');
    await this.query('SELECT 1 AS one');
    return { readyMs, firstResultMs: performance.now() - started, bundle: bundle.mainModule };
  }

  /** Reads each Arrow IPC stream into the page and inserts it as a table. */
  async load(tables) {
    for (const { name, url } of tables) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      await this.connection.insertArrowFromIPCStream(bytes, { name, create: true });
    }
  }

  async query(sql) {
    return { table: await this.connection.query(sql), workers: 1 };
  }

  async stop() {
    await this.connection.close();
    await this.db.terminate();
  }
}

let engine = null;

window.harness = {
  /** `which`: 'duckdb' or Meridian, whose worker is named `workerName` (see MeridianEngine). */
  async start(which, workerName) {
    engine = which === 'duckdb' ? new DuckdbEngine() : new MeridianEngine(workerName);
    return engine.start();
  },
  /** Ends the engine (its worker and memory) and starts a fresh one. */
  async restart(which, workerName) {
    await engine.stop();
    return window.harness.start(which, workerName);
  },
  async load(tables) {
    const started = performance.now();
    const datasets = await engine.load(tables);
    return { ms: performance.now() - started, datasets };
  },
  /** Registers the chosen file as table `name` (Meridian only); its time and what the engine said of it. */
  async loadChosen(name) {
    const started = performance.now();
    const dataset = await engine.loadChosen(name);
    return { ms: performance.now() - started, dataset };
  },
  /** Runs `sql`; returns its time, how many workers ran it and, when asked, its rows for the agreement check. */
  async run(sql, withRows) {
    const started = performance.now();
    const { table, workers } = await engine.query(sql);
    const ms = performance.now() - started;
    return { ms, workers, rowCount: table.numRows, answer: withRows ? plainRows(table) : null };
  },
};
window.harnessReady = true;

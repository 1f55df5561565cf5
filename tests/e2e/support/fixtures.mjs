// Test data, made in code at run time (nothing binary is committed), and the
// native CLI's answers, which the browser's answers must equal.

import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { meridianBin } from './env.mjs';

const run = promisify(execFile);

/** Rows in each generated Parquet file. */
export const FIXTURE_ROWS = 20_000;

export const CITIES = [
  { city: 'Lisbon', visits: 120, ratio: 0.25 },
  { city: 'Oslo', visits: 75, ratio: 0.5 },
  { city: 'Nairobi', visits: 310, ratio: 0.125 },
  { city: 'Lima', visits: 42, ratio: 0.75 },
  { city: 'Osaka', visits: 253, ratio: 1.5 },
];
export const CITIES_VISITS_SUM = CITIES.reduce((sum, row) => sum + row.visits, 0);

const CITIES_CSV = ['city,visits,ratio', ...CITIES.map((r) => `${r.city},${r.visits},${r.ratio}`)].join('\n') + '\n';

/**
 * Parquet's magic at both ends and a footer length that fits the file, so a
 * reader gets past the cheap checks and fails on the garbage metadata itself.
 */
function brokenParquet() {
  const garbage = Buffer.from('this is not parquet metadata; '.repeat(40));
  const footerLength = Buffer.alloc(4);
  footerLength.writeUInt32LE(200);
  return Buffer.concat([Buffer.from('PAR1'), garbage, footerLength, Buffer.from('PAR1')]);
}

let made;

/**
 * The fixture folder, made once per process (the CLI takes a while):
 * `{ dir, citiesCsv, brokenParquet, transactionsParquet, telemetryParquet, paymentsParquet }`.
 * paymentsParquet is a copy of transactionsParquet under a name the bundled
 * samples do not use, so an upload of it keeps its name.
 */
export function fixtures() {
  made ??= make();
  return made;
}

async function make() {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-e2e-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const paths = {
    dir,
    citiesCsv: join(dir, 'cities.csv'),
    brokenParquet: join(dir, 'broken.parquet'),
    transactionsParquet: join(dir, 'transactions.parquet'),
    telemetryParquet: join(dir, 'telemetry.parquet'),
    paymentsParquet: join(dir, 'payments.parquet'),
  };
  await writeFile(paths.citiesCsv, CITIES_CSV);
  await writeFile(paths.brokenParquet, brokenParquet());
  await run(meridianBin(), ['samples', '--rows', String(FIXTURE_ROWS), '--out', dir, '--formats', 'parquet']);
  await copyFile(paths.transactionsParquet, paths.paymentsParquet);
  return paths;
}

/**
 * Runs SQL with the native CLI over `files` (each a table named after its
 * file) and returns its rows as objects. Async on purpose: a spec's servers
 * share this event loop and must keep answering the browser meanwhile.
 */
export async function cliQuery(files, sql) {
  const { stdout } = await run(meridianBin(), ['sql', ...files, '-e', sql, '--format', 'json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

/** count(*) of the table the CLI makes from `file`. */
export async function cliCount(file, table) {
  const [row] = await cliQuery([file], `SELECT count(*) AS n FROM ${table}`);
  return Number(row.n);
}

// Chart benchmark: ten million generated telemetry rows in the browser.
//
// Measures, in headless Chromium against the built app, the time from "make
// chart" (the Chart tab over a step's result) to pixels on the canvas for a
// time chart and a density map, and the frame time while the map is dragged.
// The peer is the native CLI making the same two charts from the same file with
// the same engine, timed in the same run; the report gives the ratio.
//
// Run by scripts/bench-charts.sh, which builds what it needs. Inputs:
//   MERIDIAN_DIST  the built app (trunk build --dist DIR)
//   MERIDIAN_BIN   the native `meridian` CLI
//   BENCH_ROWS     telemetry rows (default 10,000,000)
//   BENCH_DATA     folder for the generated Parquet (kept between runs)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, launch, openApp } from '../tests/e2e/support/app.mjs';
import { appDist, meridianBin } from '../tests/e2e/support/env.mjs';
import { startServer } from '../tests/e2e/support/server.mjs';
import { median, percentile } from './stats.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const TABLE = 'telemetry_big';
const PAN_STEPS = 40;
const PAN_STEP_PX = 6;
const TIMEOUT = 600_000;

const ms = (value) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

/**
 * The generated telemetry table as Parquet, made once per row count (in the
 * folder the engine benchmark uses too), under the name the app will give it.
 */
function telemetryFile() {
  const folder = join(process.env.BENCH_DATA ?? join(tmpdir(), 'meridian-bench'), `samples-${ROWS}`);
  const generated = join(folder, 'telemetry.parquet');
  if (!existsSync(generated)) {
    mkdirSync(folder, { recursive: true });
    console.error(`Generating ${ROWS.toLocaleString('en')} rows of each sample table in ${folder}…`);
    execFileSync(meridianBin(), ['samples', '--rows', String(ROWS), '--out', folder, '--formats', 'parquet'], {
      stdio: 'inherit',
    });
  }
  const file = join(folder, `${TABLE}.parquet`);
  if (!existsSync(file)) symlinkSync('telemetry.parquet', file);
  return file;
}

/** Milliseconds of one native `meridian chart` call, and the SVG it wrote. */
function nativeChart(file, sql, flags) {
  const out = join(tmpdir(), `meridian-bench-${process.pid}.svg`);
  const started = performance.now();
  execFileSync(meridianBin(), ['chart', file, '-e', sql, ...flags, '--out', out], { stdio: 'pipe' });
  return performance.now() - started;
}

/**
 * Opens the Chart tab and resolves when the new chart's pixels are on the
 * canvas: the panel reports a finished chart, then one more animation frame.
 * Timed inside the page, so no round trip to the test process is counted.
 */
async function timeMakeChart(app) {
  return app.page.evaluate(
    (timeout) =>
      new Promise((resolve, reject) => {
        const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => t.textContent.trim() === 'Chart');
        if (!tab) return reject(new Error('no Chart tab'));
        const started = performance.now();
        tab.click();
        const poll = () => {
          const panel = document.querySelector('[aria-label="Chart"]');
          if (Number(panel?.getAttribute('data-charts-drawn') ?? 0) >= 1) {
            requestAnimationFrame(() => resolve(performance.now() - started));
          } else if (performance.now() - started > timeout) {
            reject(new Error('the chart was not drawn in time'));
          } else {
            requestAnimationFrame(poll);
          }
        };
        poll();
      }),
    TIMEOUT,
  );
}

async function runStep(app, sql) {
  // The Table | Chart switch appears with the first result; the chart is timed from Table.
  const table = app.page.getByRole('tab', { name: 'Table', exact: true });
  if (await table.count()) await table.click();
  await app.setSql(sql);
  const started = performance.now();
  const outcome = await app.runAndWait({ timeout: TIMEOUT });
  if (outcome.error) throw new Error(`the query failed: ${outcome.error}`);
  return { ms: performance.now() - started, status: outcome.status };
}

/** Drags the map in small steps; each step waits for the frame it causes. */
async function pan(app) {
  const plot = await app.plotBox();
  const x = (plot.left + plot.right) / 2;
  const y = (plot.top + plot.bottom) / 2;
  const made = await app.chartsDrawn();
  const draws = [];
  const steps = [];
  await app.page.mouse.move(x, y);
  await app.page.mouse.down();
  for (let step = 1; step <= PAN_STEPS; step += 1) {
    const started = performance.now();
    await app.page.mouse.move(x + step * PAN_STEP_PX, y + step * (PAN_STEP_PX / 3));
    await app.nextFrames();
    steps.push(performance.now() - started);
    draws.push(Number(await app.page.locator('[aria-label="Chart"]').getAttribute('data-draw-ms')));
  }
  if ((await app.chartsDrawn()) !== made) throw new Error('the map asked for new bins during the drag');
  const released = performance.now();
  await app.page.mouse.up();
  await app.waitForChartsDrawn(made, TIMEOUT);
  await app.nextFrames();
  return { draws, steps, rebin: performance.now() - released };
}

async function main() {
  const file = telemetryFile();
  const sizeMb = statSync(file).size / 1_048_576;
  const appServer = await startServer({ root: appDist() });
  const dataServer = await startServer({ root: join(file, '..') });
  const browser = await launch();
  let app;
  try {
    const opened = performance.now();
    app = await openApp(browser, `${appServer.url}/`);
    const ready = performance.now() - opened;

    const loadStarted = performance.now();
    await app.loadUrl(`${dataServer.url}/${TABLE}.parquet`);
    await app.waitForDataset(TABLE, TIMEOUT);
    const load = performance.now() - loadStarted;

    const timeStep = await runStep(app, `SELECT ts, battery_pct FROM ${TABLE}`);
    const timeChart = await timeMakeChart(app);
    const timeStatus = await app.chartStatus();

    const mapStep = await runStep(app, `SELECT ts, lat, lon FROM ${TABLE}`);
    const mapChart = await timeMakeChart(app);
    const mapStatus = await app.chartStatus();
    const panned = await pan(app);

    const nativeTime = nativeChart(file, `SELECT ts, battery_pct FROM ${TABLE}`, [
      '--kind', 'line', '--x', 'ts', '--y', 'battery_pct', '--agg', 'avg',
    ]);
    const nativeMap = nativeChart(file, `SELECT lat, lon FROM ${TABLE}`, ['--kind', 'density-map', '--lat', 'lat', '--lon', 'lon']);
    if (app.pageErrors.length) throw new Error(`page errors: ${app.pageErrors.join('; ')}`);

    const frameDraw = { median: median(panned.draws), p95: percentile(panned.draws, 95), max: Math.max(...panned.draws) };
    const frameWall = { median: median(panned.steps), p95: percentile(panned.steps, 95) };
    console.log(`## Charts over ${ROWS.toLocaleString('en')} telemetry rows (${sizeMb.toFixed(1)} MB Parquet)\n`);
    console.log(`Engine ready after page load: ${ms(ready)}; table registered from the URL (footer and metadata by range; the table stays on the server): ${ms(load)}.\n`);
    console.log('| measure | browser | native CLI (same engine, from the file) | browser / native |');
    console.log('|---|---|---|---|');
    console.log(`| step \`SELECT ts, battery_pct\` (all rows kept in the engine) | ${ms(timeStep.ms)} | | |`);
    console.log(`| make chart → pixels: time chart (${timeStatus.split(' · ')[0]}) | ${ms(timeChart)} | ${ms(nativeTime)} | ${(timeChart / nativeTime).toFixed(2)} |`);
    console.log(`| step \`SELECT ts, lat, lon\` | ${ms(mapStep.ms)} | | |`);
    console.log(`| make chart → pixels: density map (${mapStatus.split(' · ')[0]}) | ${ms(mapChart)} | ${ms(nativeMap)} | ${(mapChart / nativeMap).toFixed(2)} |`);
    console.log(`| pan: draw per frame (median / p95 / max of ${PAN_STEPS}) | ${ms(frameDraw.median)} / ${ms(frameDraw.p95)} / ${ms(frameDraw.max)} | | |`);
    console.log(`| pan: one pointer step as the test process sees it (move, then two painted frames; median / p95) | ${ms(frameWall.median)} / ${ms(frameWall.p95)} | | |`);
    console.log(`| pan released → bins of the new box drawn | ${ms(panned.rebin)} | | |`);
    console.log('\nThe native column reads the Parquet file and writes an SVG; the browser column charts the step result the engine holds.');
  } finally {
    await closeAll(app?.context, browser, appServer, dataServer);
  }
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});

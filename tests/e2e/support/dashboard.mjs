// A small analysis the dashboard, embed and publish stories share: payments
// over a date-range parameter (a time chart) and payments by city read from
// it (a bar chart), with reference answers from the native CLI.

import { join } from 'node:path';
import { appDist } from './env.mjs';
import { serveApp } from './app.mjs';
import { cliQuery } from './fixtures.mjs';
import { waitUntil } from './wait.mjs';

export const PERIOD_SQL = 'SELECT ts, amount, city FROM transactions WHERE ts >= $period_from AND ts < $period_to';
export const BY_CITY_SQL = 'SELECT city, count(*) AS payments FROM step_1 GROUP BY city';
const DAY_MS = 86_400_000;

/** Builds the analysis in the workbench as a person would: parameter, two steps, two charts. */
export async function buildPeriodAnalysis(app) {
  await app.setTitle('Payments over a period');
  await app.addDateRangeParameter('period');
  await app.setSql(PERIOD_SQL);
  let outcome = await app.runAndWait();
  if (outcome.error) throw new Error(`step_1 failed: ${outcome.error}`);
  await app.showChart();
  await app.waitForChartStatus(/drawn in/);
  await app.addStep();
  await app.setSql(BY_CITY_SQL);
  outcome = await app.runAndWait();
  if (outcome.error) throw new Error(`step_2 failed: ${outcome.error}`);
  await app.showChart();
  await app.waitForChartStatus(/drawn in/);
  await app.waitForSaved();
}

/** Serves the app, opens it in a new browser and builds the analysis there. */
export async function openWithPeriodAnalysis() {
  const { server, browser, app } = await serveApp();
  await app.waitForDataset('transactions');
  await buildPeriodAnalysis(app);
  return { server, browser, app };
}

/** Milliseconds of midnight UTC of `YYYY-MM-DD`. */
export function dayMs(date) {
  return Date.parse(`${date}T00:00:00Z`);
}

/** Payments and revenue from the CLI between two instants (end excluded). */
export async function cliPayments(fromMs, toMs) {
  const file = join(appDist(), 'samples', 'transactions.parquet');
  const [row] = await cliQuery(
    [file],
    `SELECT count(*) AS n, sum(amount) AS revenue FROM transactions
     WHERE ts >= to_timestamp_millis(${fromMs}) AND ts < to_timestamp_millis(${toMs})`,
  );
  return { count: Number(row.n), revenue: Number(row.revenue) };
}

/** The same for a period of days, both included, as the date inputs pick it. */
export function cliPeriod(from, to) {
  return cliPayments(dayMs(from), dayMs(to) + DAY_MS);
}

/** The canvas of the widget that shows `step`, in a page or a frame. */
export function widgetCanvas(scope, step) {
  return scope.getByRole('article', { name: `Widget ${step}` }).locator('canvas');
}

/** The number after "total" in a widget's text alternative. */
export async function widgetTotal(scope, step) {
  const summary = (await widgetCanvas(scope, step).getAttribute('data-summary')) ?? '';
  const match = /total (-?[\d,]+(?:\.\d+)?)/.exec(summary);
  return match ? Number(match[1].replaceAll(',', '')) : NaN;
}

/** Waits until the widget's total is `expected` (within a cent per thousand for sums). */
export async function waitForTotal(scope, step, expected, what) {
  let last;
  await waitUntil(
    async () => {
      last = await widgetTotal(scope, step);
      return Math.abs(last - expected) <= Math.max(0.01, Math.abs(expected) * 1e-9);
    },
    { timeout: 90_000, what: () => `${what}: ${step} total ${expected} (last: ${last})` },
  );
}

/** Drags across a widget's plot from one fraction of its width to another. */
export async function brush(page, scope, step, fromFraction, toFraction) {
  const canvas = widgetCanvas(scope, step);
  const box = await canvas.boundingBox();
  const attr = async (name) => Number(await canvas.getAttribute(`data-plot-${name}`));
  const [left, right, top, bottom] = [await attr('left'), await attr('right'), await attr('top'), await attr('bottom')];
  const y = box.y + (top + bottom) / 2;
  const x0 = box.x + left + (right - left) * fromFraction;
  const x1 = box.x + left + (right - left) * toFraction;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move((x0 + x1) / 2, y, { steps: 4 });
  await page.mouse.move(x1, y, { steps: 4 });
  await page.mouse.up();
}

// Story: an analyst builds a two-step analysis with a parameter and a chart;
// it survives a reload, and a share link opens it, the same, in a browser
// that has never seen it. Golden links from released versions keep opening.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, openApp, serveApp } from './support/app.mjs';
import { cliQuery } from './support/fixtures.mjs';
import { waitUntil } from './support/wait.mjs';

const FILTER_SQL = "SELECT * FROM transactions WHERE status = 'approved' AND amount >= $min_amount";
const BY_CITY_SQL = 'SELECT city, round(sum(amount), 2) AS revenue FROM step_1 GROUP BY city ORDER BY revenue DESC, city';

/** The same answer from the native CLI, with the parameter written in. */
function expectedByCity(minAmount) {
  const sql = `SELECT city, round(sum(amount), 2) AS revenue FROM transactions
    WHERE status = 'approved' AND amount >= ${minAmount} GROUP BY city ORDER BY revenue DESC, city`;
  return cliQuery([join(appDist(), 'samples', 'transactions.parquet')], sql);
}

async function byCity(app) {
  const rows = await app.resultRows();
  return rows.map(([city, revenue]) => [city, cellNumber(revenue)]);
}

/** The v1 golden link of the model's tests: it must open in the app too. */
const GOLDEN_V1 =
  'a1.XVJta9swEP4rhxi0HV5Jx7YPhg66xts-bMtwVsoYxZxt1TGVZE86pxXB_30n2QnJvgjdy_NyJ-3EVlrXdkakV4mglpQUqVhL4ksNVm6lGSSUHqqWvEiE6wZbSSfSPzvx1Jqamx3qnlGMxjKiyaJxWBGzugCZ6v_lxweukOwnKoM6dLhJN4D-quAj-5bd_oLX8DlffYdjPNx_zfIMHCENDq7hbIaewc2PJaDuBkPw8Rpe6dYUU8ispqMgszLKwwyAHr2WhhxUEYNuP_WlGJODs9IX-w0cOwu5BCwj63M36PNJ6SKBtxdwsz7sL9rfC37JV3c_4dPvCIZVvszyEO17l9n6Nm6nR8vaxM9zvKKTeRSWMrrRqJR0BIfK_DZm0KW0HG9RDQy_WlwuksAhUr4Flee2biRNEuE9TmatNmhJpLuTTzJTV0iy6ax_U2IQeAmpCeX5Ok_DETaNlQ1ShAteEud6hb7E6kmkj6icTARzFLqrw4ANb7OPf4C6vmDMe2YsHjurMVpx5ONvYg4eY-S2jYybUW2zoZDgSiVDK3taRDt8Pov0QyI2In03jg_jPw';

describe('analyses: steps, parameters, save, reload, share', { timeout: 300_000 }, () => {
  let server, browser, app, link, dashboardLink;

  before(async () => {
    ({ server, browser, app } = await serveApp());
    await app.waitForDataset('transactions');
  });

  after(() => closeAll(app, browser, server));

  it('builds two steps over a parameter, and the second reads the first', async () => {
    await app.setTitle('Approved revenue by city');
    await app.addNumberParameter('min_amount', 10);
    await app.setSql(FILTER_SQL);
    let outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `step_1 failed: ${outcome.error}`);

    await app.addStep();
    assert.deepEqual(await app.stepNames(), ['step_1', 'step_2']);
    await app.setSql(BY_CITY_SQL);
    outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `step_2 failed: ${outcome.error}`);
    const expected = (await expectedByCity(10)).map((r) => [r.city, Number(r.revenue)]);
    const shown = await byCity(app);
    assert.ok(shown.length > 3, `only ${shown.length} rows shown`);
    assert.deepEqual(shown, expected.slice(0, shown.length));
    assert.equal(await app.stepStatus('step_1'), 'fresh');
    assert.equal(await app.stepStatus('step_2'), 'fresh');

    await app.showChart();
    await app.waitForChartStatus(/drawn in/);
  });

  it('a new parameter value makes both steps stale, and one run refreshes them', async () => {
    await app.setNumberParameter('min_amount', 100);
    await app.waitForStepStatus('step_1', 'stale');
    assert.equal(await app.stepStatus('step_2'), 'stale');
    await app.page.getByRole('tab', { name: 'Table' }).click();
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the rerun failed: ${outcome.error}`);
    await app.waitForStepStatus('step_1', 'fresh');
    const expected = (await expectedByCity(100)).map((r) => [r.city, Number(r.revenue)]);
    const shown = await byCity(app);
    assert.deepEqual(shown, expected.slice(0, shown.length));
  });

  it('survives a reload: title, parameter, steps and their SQL', async () => {
    await app.waitForSaved();
    await app.page.reload();
    await app.waitForEngineReady();
    await app.waitForDataset('transactions');
    assert.equal(await app.title(), 'Approved revenue by city');
    assert.equal(await app.numberParameter('min_amount'), '100');
    assert.deepEqual(await app.stepNames(), ['step_1', 'step_2']);
    assert.match(await app.editorText(), /\$min_amount/);
    await app.selectStep('step_2');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `after the reload: ${outcome.error}`);
    // step_2 has a chart, so its result opens on the Chart tab.
    await app.page.getByRole('tab', { name: 'Table' }).click();
    const expected = (await expectedByCity(100)).map((r) => [r.city, Number(r.revenue)]);
    const shown = await byCity(app);
    assert.deepEqual(shown, expected.slice(0, shown.length));
    link = await app.shareLink();
    assert.match(link, /#a1\./);
    dashboardLink = await app.page.getByRole('textbox', { name: 'Dashboard link' }).inputValue();
    assert.match(dashboardLink, /\?view=dashboard#a1\./);
  });

  it('shows the chart on the dashboard, redrawn when a parameter changes', async () => {
    await app.page.getByRole('tab', { name: 'Dashboard' }).click();
    const dashboard = app.page.getByRole('region', { name: 'Dashboard' });
    await dashboard.getByRole('article', { name: 'Widget step_2' }).waitFor();
    const drawn = () => dashboard.getAttribute('data-widgets-drawn').then(Number);
    await waitUntil(async () => (await drawn()) >= 1, { timeout: 60_000, what: 'the widget to draw' });
    const before = await drawn();
    await app.setNumberParameter('min_amount', 20);
    await waitUntil(async () => (await drawn()) > before, { timeout: 60_000, what: 'the widget to redraw' });
    assert.equal(await dashboard.getByRole('alert').count(), 0);
    await app.page.getByRole('tab', { name: 'Steps' }).click();
  });

  it('opens from its share link in a browser that has never seen it', async () => {
    const other = await openApp(browser, link);
    const page = other.page;
    try {
      await other.waitForDataset('transactions');
      assert.equal(await other.title(), 'Approved revenue by city');
      assert.deepEqual(await other.stepNames(), ['step_1', 'step_2']);
      // The link was taken before the dashboard test changed the value to 20.
      assert.equal(await other.numberParameter('min_amount'), '100');
      // The link leaves the address bar, so a reload does not open a second copy.
      assert.doesNotMatch(page.url(), /#a1\./);
      await other.selectStep('step_2');
      const outcome = await other.runAndWait();
      assert.equal(outcome.error, null, `the shared analysis failed: ${outcome.error}`);
      await page.getByRole('tab', { name: 'Table' }).click();
      const expected = (await expectedByCity(100)).map((r) => [r.city, Number(r.revenue)]);
      const shown = await byCity(other);
      assert.deepEqual(shown, expected.slice(0, shown.length));
      assert.deepEqual(other.pageErrors, [], other.diagnostics());
    } finally {
      await closeAll(other);
    }
  });

  it('opens a dashboard link as the dashboard, at phone width too', async () => {
    const other = await openApp(browser, dashboardLink, { viewport: { width: 390, height: 844 } });
    const page = other.page;
    try {
      const dashboard = page.getByRole('region', { name: 'Dashboard' });
      await dashboard.getByRole('article', { name: 'Widget step_2' }).waitFor();
      await waitUntil(async () => Number(await dashboard.getAttribute('data-widgets-drawn')) >= 1, {
        timeout: 90_000,
        what: 'the shared dashboard to draw',
      });
      const box = await dashboard.getByRole('article', { name: 'Widget step_2' }).boundingBox();
      assert.ok(box && box.width <= 390, `the widget is ${box?.width}px wide on a 390px screen`);
      assert.deepEqual(other.pageErrors, []);
    } finally {
      await closeAll(other);
    }
  });

  it("a dataset preview runs as a new step and leaves the analyst's steps as written", async () => {
    await app.page.getByRole('listitem').filter({ hasText: 'telemetry' })
      .getByRole('button', { name: 'Preview' }).click();
    await app.waitForStatus(/^100 rows/);
    assert.deepEqual(await app.stepNames(), ['step_1', 'step_2', 'step_3']);
    assert.match(await app.editorText(), /telemetry/);
    await app.selectStep('step_1');
    assert.match(await app.editorText(), /\$min_amount/);
  });

  it('opens the golden link of version 1, and names a damaged link', async () => {
    const other = await openApp(browser, `${server.url}/#${GOLDEN_V1}`);
    const page = other.page;
    try {
      assert.equal(await other.title(), 'Settled revenue by city');
      assert.deepEqual(await other.stepNames(), ['settled', 'by_city']);
      await page.goto(`${server.url}/#${GOLDEN_V1.slice(0, 80)}`);
      await other.waitForEngineReady();
      await page.waitForSelector('[aria-label="Analysis notice"]');
      assert.match(await other.analysisNotice(), /could not be opened: this link is damaged/);
    } finally {
      await closeAll(other);
    }
  });
});

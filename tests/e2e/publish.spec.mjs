// Story: an analyst publishes the dashboard as a folder; unpacked and served
// by a plain static file server (no Meridian anywhere), it shows the same
// widgets and numbers, reading only its own files.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { closeAll } from './support/app.mjs';
import { openWithPeriodAnalysis, cliPeriod, waitForTotal } from './support/dashboard.mjs';
import { cliQuery } from './support/fixtures.mjs';
import { startServer } from './support/server.mjs';

describe('publishing a dashboard as static files', { timeout: 400_000 }, () => {
  let server, published, browser, app, viewer, folder;

  before(async () => {
    ({ server, browser, app } = await openWithPeriodAnalysis());
    await app.setDateRange('period', '2026-03-09', '2026-03-15');
    await app.waitForSaved();
  });

  after(() => closeAll(viewer, app, browser, published, server));

  it('downloads a ZIP of the app, the analysis and its data', async () => {
    await app.page.getByRole('button', { name: 'Share' }).click();
    const [download] = await Promise.all([
      app.page.waitForEvent('download', { timeout: 120_000 }),
      app.page.getByRole('button', { name: 'Publish as a folder' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'payments-over-a-period-dashboard.zip');
    folder = mkdtempSync(join(tmpdir(), 'meridian-published-'));
    const zip = join(folder, 'dashboard.zip');
    await download.saveAs(zip);
    execFileSync('unzip', ['-q', zip, '-d', join(folder, 'site')]);
    const site = join(folder, 'site');
    const files = readdirSync(site);
    for (const expected of ['index.html', 'analysis.json', 'data', 'vendor']) {
      assert.ok(files.includes(expected), `${expected} is published (got ${files.join(', ')})`);
    }
    assert.ok(!files.includes('samples'), 'the bundled samples stay out');
    assert.deepEqual(readdirSync(join(site, 'data')), ['transactions.parquet']);
    assert.match(readFileSync(join(site, 'index.html'), 'utf8'), /<meta name="meridian-published" content="analysis.json"/);
    const analysis = JSON.parse(readFileSync(join(site, 'analysis.json'), 'utf8'));
    assert.deepEqual(analysis.sources, [{ kind: 'url', table: 'transactions', url: 'data/transactions.parquet', format: 'parquet' }]);
    // The data is the table as loaded: the CLI reads the same rows.
    const [mine] = await cliQuery([join(site, 'data', 'transactions.parquet')], 'SELECT count(*) AS n FROM transactions');
    const [theirs] = await cliQuery([join(appDist(), 'samples', 'transactions.parquet')], 'SELECT count(*) AS n FROM transactions');
    assert.equal(mine.n, theirs.n);
  });

  it('served by a plain static server, shows the dashboard with the same numbers', async () => {
    const site = join(folder, 'site');
    assert.ok(existsSync(join(site, 'index.html')));
    published = await startServer({ root: site });
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
    viewer = context;
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${published.url}/`);
    await page.getByRole('heading', { name: 'Payments over a period' }).waitFor({ timeout: 60_000 });
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    const week = await cliPeriod('2026-03-09', '2026-03-15');
    await waitForTotal(dashboard, 'step_2', week.count, 'payments by city, published');
    await waitForTotal(dashboard, 'step_1', week.revenue, 'revenue over time, published');
    // Only the published folder's own files were asked for, and none failed.
    const failed = published.requests.filter((r) => r.status >= 400);
    assert.deepEqual(failed, []);
    assert.ok(published.requests.some((r) => r.path === '/data/transactions.parquet'));
    assert.deepEqual(errors, []);
  });
});

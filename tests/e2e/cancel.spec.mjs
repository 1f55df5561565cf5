// Story: a person starts a query that would run for a very long time and
// cancels it. It stops promptly, and the engine is usable again.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, serveApp } from './support/app.mjs';
import { cliCount } from './support/fixtures.mjs';

// A self cross join that must look at every pair of rows: signal strengths
// are negative, so nothing passes the filter early and the answer is just 0.
// With the bundled samples' row counts this runs far longer than the test.
const LONG_SQL = 'SELECT count(*) FROM telemetry a, telemetry b WHERE a.signal_dbm + b.signal_dbm > 0';
const CANCEL_WITHIN_MS = 5_000;

describe('cancelling a long query', { timeout: 180_000 }, () => {
  let server, browser, app;

  before(async () => {
    ({ server, browser, app } = await serveApp());
    await app.waitForDataset('telemetry');
  });

  after(() => closeAll(app, browser, server));

  it(`stops within ${CANCEL_WITHIN_MS / 1000} s of Cancel`, async () => {
    await app.setSql(LONG_SQL);
    await app.run();
    await app.waitForStatus(/Running/, 10_000);
    await app.cancel();
    await app.waitForStatus(/Cancelled/, CANCEL_WITHIN_MS);
    assert.equal(await app.queryError(), null, 'a cancel is not shown as an error');
  });

  it('answers a small query once the engine is ready again', async () => {
    await app.waitForEngineReady();
    await app.setSql('SELECT count(*) AS n FROM telemetry');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const expected = await cliCount(join(appDist(), 'samples', 'telemetry.parquet'), 'telemetry');
    assert.equal(cellNumber((await app.resultRows())[0][0]), expected);
  });
});

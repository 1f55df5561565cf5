// Story: the engine worker dies. The app says so, starts a new engine, loads
// the datasets into it again, and keeps the person's SQL.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, serveApp } from './support/app.mjs';
import { cliCount } from './support/fixtures.mjs';
import { waitUntil } from './support/wait.mjs';

const SQL = 'SELECT count(*) AS n FROM telemetry';

describe('recovery from an engine crash', { timeout: 180_000 }, () => {
  let server, browser, app, namesBefore;

  before(async () => {
    ({ server, browser, app } = await serveApp());
    namesBefore = await app.waitForDatasets(
      (names) => names.includes('transactions') && names.includes('telemetry'),
      'the samples',
    );
  });

  after(() => closeAll(app, browser, server));

  it('says the engine restarted, and gets ready again', async () => {
    await app.setSql(SQL); // typed, not run: it must survive the crash
    await app.page.evaluate(() => window.meridianDebug.crashEngine());
    let notice = null;
    await waitUntil(async () => /restarted/.test((notice = await app.engineNotice()) ?? ''), {
      what: () => `an "Engine notice" saying "restarted" (notice: ${JSON.stringify(notice)})`,
    });
    await app.waitForEngineReady();
  });

  it('keeps the datasets and the SQL text', async () => {
    const names = await app.datasetNames();
    for (const name of namesBefore) assert.ok(names.includes(name), `"${name}" is still listed`);
    assert.equal(await app.sqlText(), SQL);
  });

  it('answers a query afterwards', async () => {
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const expected = await cliCount(join(appDist(), 'samples', 'telemetry.parquet'), 'telemetry');
    assert.equal(cellNumber((await app.resultRows())[0][0]), expected);
  });
});

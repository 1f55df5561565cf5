// Story: a person uploads a corrupt Parquet file. The app says which file
// failed, adds no table for it, and keeps working.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, serveApp } from './support/app.mjs';
import { cliCount, fixtures } from './support/fixtures.mjs';
import { waitUntil } from './support/wait.mjs';

describe('a corrupt Parquet upload', { timeout: 180_000 }, () => {
  let server, browser, app, files;

  before(async () => {
    files = await fixtures();
    ({ server, browser, app } = await serveApp());
    await app.waitForDataset('transactions');
  });

  after(() => closeAll(app, browser, server));

  it('shows a load message that names the file', async () => {
    await app.uploadFiles([files.brokenParquet]);
    let messages = [];
    await waitUntil(
      async () => (messages = await app.loadMessages()).some((text) => text.includes('broken.parquet')),
      { what: () => `a load message naming broken.parquet (messages: ${JSON.stringify(messages)})` },
    );
  });

  it('adds no table for it, and still answers queries', async () => {
    assert.ok(!(await app.datasetNames()).includes('broken'), 'no "broken" dataset');
    await app.setSql('SELECT count(*) AS n FROM transactions');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const expected = await cliCount(join(appDist(), 'samples', 'transactions.parquet'), 'transactions');
    assert.equal(cellNumber((await app.resultRows())[0][0]), expected);
    assert.ok(!(await app.datasetNames()).includes('broken'), 'still no "broken" dataset');
    assert.deepEqual(app.pageErrors, []);
  });
});

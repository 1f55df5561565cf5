// Story: a person pastes the URL of a Parquet file on another server. The app
// reads it by HTTP range requests (never the whole file) and names the table
// uniquely, because the samples already took "transactions".

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, launch, openApp } from './support/app.mjs';
import { FIXTURE_ROWS, fixtures } from './support/fixtures.mjs';
import { startServer } from './support/server.mjs';

const PATH = '/transactions.parquet';

describe('load a Parquet URL by range requests', { timeout: 180_000 }, () => {
  let server, remote, browser, app, table;

  before(async () => {
    const files = await fixtures();
    server = await startServer({ root: appDist() });
    // A second origin, as a real remote file would be: CORS applies.
    remote = await startServer({ root: files.dir });
    browser = await launch();
    app = await openApp(browser, `${server.url}/`);
    await app.waitForDataset('transactions'); // the sample, which takes the plain name
  });

  after(() => closeAll(app, browser, remote, server));

  it('adds a new table named after the file, but not clashing', async () => {
    const before = await app.datasetNames();
    await app.loadUrl(`${remote.url}${PATH}`);
    const now = await app.waitForDatasets(
      (names) => names.some((name) => name.startsWith('transactions') && !before.includes(name)),
      'a new dataset named transactions…',
    );
    table = now.find((name) => name.startsWith('transactions') && !before.includes(name));
    assert.ok(before.every((name) => now.includes(name)), 'the datasets listed before are still listed');
  });

  it('counts its rows', async () => {
    assert.ok(table, 'the URL was loaded');
    await app.setSql(`SELECT count(*) AS n FROM "${table}"`);
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    assert.equal(cellNumber((await app.resultRows())[0][0]), FIXTURE_ROWS);
  });

  it('read the file only by ranges', () => {
    const reads = remote.requests.filter((r) => r.path === PATH && r.method === 'GET');
    assert.ok(reads.some((r) => r.range), `some range request was made: ${JSON.stringify(remote.requests)}`);
    const whole = reads.filter((r) => !r.range);
    assert.deepEqual(whole, [], 'no GET without a Range header');
    assert.deepEqual(app.pageErrors, []);
  });
});

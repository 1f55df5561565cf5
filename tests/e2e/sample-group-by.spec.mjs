// Story: the app opens with the bundled samples loaded, and a GROUP BY over
// them gives the same answer as the native engine.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { cellNumber, closeAll, serveApp } from './support/app.mjs';
import { cliQuery } from './support/fixtures.mjs';

const SQL = 'SELECT status, count(*) AS n FROM transactions GROUP BY status ORDER BY n DESC';

describe('bundled samples: GROUP BY', { timeout: 180_000 }, () => {
  let server, browser, app;

  before(async () => {
    ({ server, browser, app } = await serveApp());
  });

  after(() => closeAll(app, browser, server));

  it('loads transactions and telemetry without being asked', async () => {
    await app.waitForDataset('transactions');
    await app.waitForDataset('telemetry');
  });

  it('counts payments by status as the CLI does', async () => {
    await app.setSql(SQL);
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);

    assert.deepEqual(await app.columnNames(), ['status', 'n']);
    const rows = await app.resultRows();
    assert.equal(rows[0]?.[0], 'approved');

    const expected = await cliQuery([join(appDist(), 'samples', 'transactions.parquet')], SQL);
    assert.deepEqual(
      rows.map(([status, n]) => [status, cellNumber(n)]),
      expected.map((row) => [row.status, Number(row.n)]),
    );
    assert.deepEqual(app.pageErrors, []);
  });
});

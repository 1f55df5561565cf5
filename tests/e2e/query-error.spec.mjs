// Story: a person misspells a column. The error names it and points at where
// it is, and the app answers the corrected query.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeAll, serveApp } from './support/app.mjs';

describe('a query with a misspelt column', { timeout: 180_000 }, () => {
  let server, browser, app;

  before(async () => {
    ({ server, browser, app } = await serveApp());
    await app.waitForDataset('transactions');
  });

  after(() => closeAll(app, browser, server));

  it('shows an error naming the column and its position', async () => {
    await app.setSql('SELECT amout FROM transactions');
    const outcome = await app.runAndWait();
    assert.ok(outcome.error, `expected a "Query error", got status "${outcome.status}"`);
    assert.match(outcome.error, /amout/);
    assert.match(outcome.error, /line 1, column 8/);
  });

  it('answers the corrected query', async () => {
    await app.setSql('SELECT amount FROM transactions LIMIT 3');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    assert.equal(await app.queryError(), null, 'the old error is gone');
    assert.deepEqual(await app.columnNames(), ['amount']);
    assert.equal((await app.resultRows()).length, 3);
    assert.deepEqual(app.pageErrors, []);
  });
});

// Story: a person picks a CSV and a Parquet file at once; both become tables
// named after their files, and SQL over them answers correctly.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cellNumber, closeAll, serveApp } from './support/app.mjs';
import { CITIES, CITIES_VISITS_SUM, FIXTURE_ROWS, cliCount, fixtures } from './support/fixtures.mjs';

describe('upload: a CSV and a Parquet file together', { timeout: 180_000 }, () => {
  let server, browser, app, files;

  before(async () => {
    files = await fixtures();
    ({ server, browser, app } = await serveApp());
  });

  after(() => closeAll(app, browser, server));

  it('lists both files as tables named without their extensions', async () => {
    await app.uploadFiles([files.citiesCsv, files.paymentsParquet]);
    await app.waitForDataset('cities');
    await app.waitForDataset('payments');
  });

  it('says both small tables are held in memory', async () => {
    for (const name of ['cities', 'payments']) {
      const summary = await app.page.locator(`li.dataset[data-table="${name}"] summary`).innerText();
      assert.match(summary, / · in memory$/, `${name}: ${summary}`);
    }
  });

  it('sums a CSV column', async () => {
    await app.setSql('SELECT sum(visits) AS total FROM cities');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    assert.deepEqual(await app.columnNames(), ['total']);
    const rows = await app.resultRows();
    assert.equal(cellNumber(rows[0][0]), CITIES_VISITS_SUM);
  });

  it('counts the Parquet rows', async () => {
    await app.setSql('SELECT count(*) AS n FROM payments');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const rows = await app.resultRows();
    assert.equal(cellNumber(rows[0][0]), FIXTURE_ROWS);
    assert.equal(cellNumber(rows[0][0]), await cliCount(files.paymentsParquet, 'payments'));
    assert.deepEqual(app.pageErrors, []);
  });

  it('shows a dictionary-encoded column as its values', async () => {
    // Arrow files people bring may carry dictionary columns; the worker sends
    // them to the page as plain values, which the grid shows.
    await app.setSql(
      "SELECT arrow_cast(city, 'Dictionary(Int32, Utf8)') AS city, visits FROM cities ORDER BY city",
    );
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const expected = [...CITIES].sort((a, b) => (a.city < b.city ? -1 : 1));
    const rows = await app.resultRows();
    assert.deepEqual(
      rows.map((row) => [row[0], cellNumber(row[1])]),
      expected.map((row) => [row.city, row.visits]),
    );
    assert.deepEqual(app.pageErrors, []);
  });
});

// Story: an analysis made over an uploaded file survives a reload without
// asking for the file again (the browser keeps a copy, by hash). Shared, the
// link carries the file's name, size and hash, never its rows: the receiver is
// asked for the file by name, and a different file under that name is called out.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cellNumber, closeAll, openApp, serveApp } from './support/app.mjs';
import { CITIES_VISITS_SUM, fixtures } from './support/fixtures.mjs';
import { waitUntil } from './support/wait.mjs';

describe('analyses over uploaded files: asked for by name, checked by hash', { timeout: 240_000 }, () => {
  let server, browser, app, files;

  before(async () => {
    files = await fixtures();
    ({ server, browser, app } = await serveApp());
  });

  after(() => closeAll(app, browser, server));

  it('keeps the uploaded file through a reload: nothing is asked for', async () => {
    await app.uploadFiles([files.citiesCsv]);
    await app.waitForDataset('cities');
    await app.setSql('SELECT sum(visits) AS visits FROM cities');
    let outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    assert.match(outcome.status, /^1 rows/);
    await app.waitForSaved();
    await app.page.reload();
    await app.waitForEngineReady();
    await app.waitForDataset('cities');
    assert.equal(await app.analysisNotice(), null);
    outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `after the reload: ${outcome.error}`);
    assert.equal(cellNumber((await app.resultRows())[0][0]), CITIES_VISITS_SUM);
  });

  it('names the missing file, then flags a different file under its name', async () => {
    const link = await app.shareLink();
    assert.ok(link.length <= 2000, `the link has ${link.length} characters`);

    const other = await openApp(browser, link);
    try {
      await other.page.waitForSelector('[aria-label="Analysis notice"]');
      assert.match(await other.analysisNotice(), /reads files that are not loaded: cities\.csv \(.+\) as table cities/);

      // Same name, other rows: loaded, and called out.
      const changed = join(files.dir, 'changed', 'cities.csv');
      await mkdir(join(files.dir, 'changed'), { recursive: true });
      await writeFile(changed, `city,visits,ratio\nLisbon,${CITIES_VISITS_SUM},1\n`);
      await other.page.getByLabel('Dismiss').click();
      await other.uploadFiles([changed]);
      await other.waitForDataset('cities');
      await waitUntil(async () => /not the file this analysis was made with/.test((await other.analysisNotice()) ?? ''), {
        timeout: 30_000,
        what: 'the notice about a different file',
      });
      assert.deepEqual(other.pageErrors, []);
    } finally {
      await closeAll(other);
    }
  });
});

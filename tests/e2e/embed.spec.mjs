// Story: an engineer copies the embed code of one widget from the Share
// panel, puts it in the README's host page (examples/embed-host.html), served
// from another origin, and drives it by postMessage: the host sets the date
// parameter, hears when the widget is drawn and which range a reader brushed,
// and a bad message gets a sentence back.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll } from './support/app.mjs';
import { brush, openWithPeriodAnalysis, cliPeriod, waitForTotal } from './support/dashboard.mjs';
import { startServer } from './support/server.mjs';
import { waitUntil } from './support/wait.mjs';

const HOST_PAGE = new URL('../../examples/embed-host.html', import.meta.url);
const PLACEHOLDER = 'http://127.0.0.1:8080/?embed=widget&amp;widget=1#a1.PASTE-THE-EMBED-CODE-HERE';

describe('embedding: one widget in a host page, driven by postMessage', { timeout: 400_000 }, () => {
  let server, hostServer, browser, app, host, embedSrc;

  before(async () => {
    ({ server, browser, app } = await openWithPeriodAnalysis());
  });

  after(() => closeAll(host, app, browser, hostServer, server));

  it('the Share panel gives the iframe code for one widget', async () => {
    await app.page.getByRole('button', { name: 'Share' }).click();
    await app.page.getByRole('combobox', { name: 'Embed what' }).selectOption({ label: 'widget 1: step_1' });
    const code = await app.page.getByRole('textbox', { name: 'Embed code' }).inputValue();
    assert.match(code, /^<iframe src="[^"]+\?embed=widget&amp;widget=1&amp;theme=light#a1\.[^"]+" title="Payments over a period"/);
    embedSrc = /src="([^"]+)"/.exec(code)[1];
  });

  it("the README's host page shows the widget and sets its parameter", async () => {
    const page = readFileSync(HOST_PAGE, 'utf8');
    assert.ok(page.includes(PLACEHOLDER), 'the example keeps its placeholder address');
    const dir = mkdtempSync(join(tmpdir(), 'meridian-host-'));
    writeFileSync(join(dir, 'index.html'), page.replace(PLACEHOLDER, embedSrc));
    hostServer = await startServer({ root: dir });
    assert.notEqual(new URL(hostServer.url).origin, new URL(server.url).origin);

    const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
    host = context;
    const hostPage = await context.newPage();
    await hostPage.goto(`${hostServer.url}/index.html`);
    const events = () => hostPage.locator('#events li').allInnerTexts().then((items) => items.map((i) => JSON.parse(i)));
    const frame = hostPage.frameLocator('#meridian');

    await waitUntil(async () => (await events()).some((e) => e.type === 'meridian:ready'),
      { timeout: 60_000, what: 'meridian:ready' });
    const ready = (await events()).find((e) => e.type === 'meridian:ready');
    assert.deepEqual(ready, { type: 'meridian:ready', version: 1, widgets: 1, parameters: ['period'] });
    const whole = await cliPeriod('2026-03-02', '2026-03-29');
    await waitForTotal(frame, 'step_1', whole.revenue, 'the embedded widget');
    // No app chrome: no sidebar, no parameter controls, no second widget.
    assert.equal(await frame.getByRole('article').count(), 1);
    assert.equal(await frame.getByRole('region', { name: 'Parameters' }).count(), 0);

    const drawnBefore = (await events()).filter((e) => e.type === 'meridian:drawn').length;
    await hostPage.getByRole('button', { name: 'Show period' }).click();
    const week = await cliPeriod('2026-03-09', '2026-03-15');
    await waitForTotal(frame, 'step_1', week.revenue, 'the widget after the host set the period');
    await waitUntil(async () => (await events()).filter((e) => e.type === 'meridian:drawn').length > drawnBefore,
      { what: 'meridian:drawn after the new period' });
  });

  it('tells the host which range a reader brushed', async () => {
    const hostPage = host.pages()[0];
    await brush(hostPage, hostPage.frameLocator('#meridian'), 'step_1', 0.2, 0.5);
    const output = hostPage.locator('#range');
    await waitUntil(async () => /Z – .*Z$/.test(await output.innerText()), { what: 'the range on the host page' });
    const range = (await hostPage.locator('#events li').allInnerTexts())
      .map((i) => JSON.parse(i)).findLast((e) => e.type === 'meridian:range');
    assert.equal(range.column, 'ts');
    assert.ok(range.range.from_ms < range.range.to_ms);
    assert.ok(range.range.from >= '2026-03-09' && range.range.to <= '2026-03-16', JSON.stringify(range));
  });

  it('answers a message it cannot apply with a sentence', async () => {
    const hostPage = host.pages()[0];
    await hostPage.evaluate(() => {
      const frame = document.getElementById('meridian');
      frame.contentWindow.postMessage({ type: 'meridian:set-parameters', values: { region: 'north' } }, '*');
    });
    await waitUntil(async () => (await hostPage.locator('#events li').allInnerTexts())
      .some((i) => i.includes("This analysis has no parameter 'region'; it has period.")),
    { what: 'meridian:error naming the unknown parameter' });
  });
});

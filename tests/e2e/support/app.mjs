// Drives Meridian in headless Chromium through what a person sees: ARIA roles
// and labels, never CSS classes, so a restyle does not break the suite.

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { appDist } from './env.mjs';
import { startServer } from './server.mjs';
import { sleep, waitUntil } from './wait.mjs';

const READY_TIMEOUT = 30_000; // the engine's wasm compiles on start: give it room
const QUERY_TIMEOUT = 60_000;
// Failure screenshots go here (git-ignored), named after what timed out.
const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test-results', 'e2e');

/** Debian's Chromium: playwright's own browser downloads cannot work here. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Closes each of `things` (pages, browsers, servers) even when one fails to. */
export async function closeAll(...things) {
  for (const thing of things) {
    try {
      await thing?.close();
    } catch (error) {
      console.error(`cleanup: ${error.message ?? error}`);
    }
  }
}

/** Serves the built app, launches Chromium and opens the app in it. */
export async function serveApp() {
  const server = await startServer({ root: appDist() });
  const browser = await launch();
  const app = await openApp(browser, `${server.url}/`);
  return { server, browser, app };
}

/** A fresh context (no storage left by another test) with the app loaded and its engine ready. */
export async function openApp(browser, appUrl, { viewport = { width: 1400, height: 1000 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const app = new MeridianPage(page, context);
  await page.goto(appUrl);
  await app.waitForEngineReady();
  return app;
}

export class MeridianPage {
  constructor(page, context) {
    this.page = page;
    this.context = context;
    this.consoleErrors = [];
    this.pageErrors = []; // uncaught exceptions on the UI thread
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
  }

  close() {
    return this.context.close();
  }

  // ---- the SQL editor and the query ----

  /** Replaces the editor's text the way a person would: select all, type. */
  async setSql(text) {
    await this.#closeCompletions();
    await this.page.locator('[aria-label="SQL"]').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
    await this.#closeCompletions();
  }

  /**
   * CodeMirror opens its completion popup a moment after typing, and the
   * popup covers what lies below the editor (a click there hits the popup).
   * Waits for it to show or not, and closes it with Escape as a person would:
   * the editor's Escape closes an open popup rather than cancelling a query.
   */
  async #closeCompletions() {
    const editor = this.page.locator('[aria-label="SQL"]');
    let quiet = 0;
    while (quiet < 6) { // about 300 ms with no popup
      // While the popup is open, the editor's aria-controls names its listbox.
      const open = await editor
        .evaluate((element) => {
          const list = document.getElementById(element.getAttribute('aria-controls') ?? '');
          return Boolean(list && list.getClientRects().length);
        }, null, { timeout: 5_000 })
        .catch(() => false);
      if (open) {
        await this.page.keyboard.press('Escape');
        quiet = 0;
      } else {
        quiet += 1;
      }
      await sleep(50);
    }
  }

  /** The editor's text, line by line (CodeMirror draws one .cm-line per line). */
  sqlText() {
    return this.page.locator('[aria-label="SQL"]').evaluate((editor) => {
      if ('value' in editor) return editor.value; // a plain textarea
      const lines = editor.querySelectorAll('.cm-line');
      return lines.length ? [...lines].map((line) => line.textContent).join('\n') : editor.innerText;
    });
  }

  run() {
    return this.page.getByRole('button', { name: 'Run', exact: true }).click();
  }

  cancel() {
    return this.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  }

  /**
   * Runs the query and waits for its outcome: "N rows in …", a "Query error",
   * or "Cancelled". The status must first show "Running", so the outcome of
   * the previous query is never mistaken for this one's. Returns
   * `{ status, error }` (error is null on success).
   */
  async runAndWait({ timeout = QUERY_TIMEOUT } = {}) {
    // A mutation observer, not polling: a fast query shows "Running" for
    // less than one poll.
    await this.page.evaluate(() => {
      window.__meridianRun?.observer.disconnect();
      const run = { sawRunning: false };
      run.observer = new MutationObserver(() => {
        const status = document.querySelector('[aria-label="Query status"]');
        if (status && /Running/.test(status.textContent)) run.sawRunning = true;
      });
      run.observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      window.__meridianRun = run;
    });
    await this.run();
    return this.#until(
      () => this.page.evaluate(() => {
        const run = window.__meridianRun;
        const status = document.querySelector('[aria-label="Query status"]')?.textContent.trim() ?? '';
        const error = document.querySelector('[aria-label="Query error"]');
        if (!run?.sawRunning || /Running/.test(status)) return null;
        if (!/rows in/.test(status) && !error && !/Cancelled/.test(status)) return null;
        run.observer.disconnect();
        return { status, error: error ? error.innerText : null };
      }),
      'the query to finish (status "… rows in …" or a "Query error")',
      timeout,
    );
  }

  status() {
    return this.page.locator('[aria-label="Query status"]').innerText();
  }

  waitForStatus(pattern, timeout = QUERY_TIMEOUT) {
    let last = '';
    return this.#until(
      async () => pattern.test((last = await this.status())),
      () => `query status ${pattern} (last: "${last}")`,
      timeout,
    );
  }

  /** The "Query error" text, or null when there is none. */
  async queryError() {
    const error = this.page.locator('[aria-label="Query error"]');
    return (await error.count()) ? error.innerText() : null;
  }

  // ---- the results grid ----

  #grid() {
    return this.page.getByRole('grid', { name: 'Results', exact: true });
  }

  /** Cell texts of the data rows drawn (the grid draws only what fits on screen). */
  resultRows() {
    return this.#grid().evaluate((grid) => {
      const rows = [...grid.querySelectorAll('[role="row"]')].filter((row) => row.querySelector('[role="gridcell"]'));
      const index = (row) => Number(row.getAttribute('aria-rowindex') ?? 0);
      return rows
        .sort((a, b) => index(a) - index(b))
        .map((row) => [...row.querySelectorAll('[role="gridcell"]')].map((cell) => cell.textContent.trim()));
    }, null, { timeout: 5_000 });
  }

  async columnNames() {
    const texts = await this.#grid().getByRole('columnheader').allTextContents();
    return texts.map((text) => text.trim());
  }

  // ---- datasets ----

  /** Table names in the "Datasets" list, from each item's data-table. */
  datasetNames() {
    return this.page
      .locator('[aria-label="Datasets"] li[data-table]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-table')));
  }

  waitForDataset(name, timeout = READY_TIMEOUT) {
    return this.waitForDatasets((names) => names.includes(name), `dataset "${name}"`, timeout);
  }

  /** Waits until `predicate(names)` holds; returns the names then. */
  waitForDatasets(predicate, what = 'datasets', timeout = READY_TIMEOUT) {
    let last = [];
    return this.#until(
      async () => (predicate((last = await this.datasetNames())) ? last : null),
      () => `${what} (listed: ${JSON.stringify(last)})`,
      timeout,
    );
  }

  uploadFiles(paths) {
    return this.page.locator('input[aria-label="Choose files"]').setInputFiles(paths);
  }

  async loadUrl(url) {
    await this.page.locator('[aria-label="Dataset URL"]').fill(url);
    await this.page.getByRole('button', { name: 'Load URL', exact: true }).click();
  }

  /** Texts of the failed loads (role=alert in "Load messages"). */
  loadMessages() {
    return this.page.locator('[aria-label="Load messages"] [role="alert"]').allInnerTexts();
  }

  // ---- the engine ----

  engineStatus() {
    return this.page.locator('[aria-label="Engine status"]').innerText();
  }

  waitForEngineReady(timeout = READY_TIMEOUT) {
    let last = '';
    return this.#until(
      async () => /Engine ready/.test((last = await this.engineStatus())),
      () => `"Engine ready" (engine status: "${last}")`,
      timeout,
    );
  }

  /** The "Engine notice" text, or null when none shows. */
  async engineNotice() {
    const notice = this.page.locator('[role="status"][aria-label="Engine notice"]');
    return (await notice.count()) ? notice.innerText() : null;
  }

  // ---- the chart panel ----

  async showChart() {
    await this.page.getByRole('tab', { name: 'Chart', exact: true }).click();
  }

  chartStatus() {
    return this.page.locator('[aria-label="Chart status"]').innerText();
  }

  /** Waits until the chart status matches; returns the match. */
  waitForChartStatus(pattern, timeout = QUERY_TIMEOUT) {
    let last = '';
    return this.#until(
      async () => (last = await this.chartStatus()).match(pattern),
      () => `chart status ${pattern} (last: "${last}")`,
      timeout,
    );
  }

  /** How many charts the panel has finished; each new query or zoom adds one. */
  async chartsDrawn() {
    return Number(await this.page.locator('[aria-label="Chart"]').getAttribute('data-charts-drawn'));
  }

  /** Waits until more than `count` charts have been made (new data drawn). */
  async waitForChartsDrawn(count, timeout = QUERY_TIMEOUT) {
    let last = count;
    await this.#until(
      async () => (last = await this.chartsDrawn()) > count,
      () => `a new chart after ${count} (drawn: ${last})`,
      timeout,
    );
  }

  /** The chart canvas's pixels as a data URL, to tell whether the drawing changed. */
  canvasPixels() {
    return this.page.locator('[aria-label="Chart drawing"]').evaluate((canvas) => canvas.toDataURL());
  }

  /** Resolves after the page has painted two more animation frames. */
  nextFrames() {
    return this.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  }

  /** Clicks `button` and waits for the chart it causes to be drawn. */
  async clickAndWaitForChart(button, timeout = QUERY_TIMEOUT) {
    const before = await this.chartsDrawn();
    await button.click();
    await this.waitForChartsDrawn(before, timeout);
  }

  /** The plot area in page pixels, from the canvas's data attributes. */
  async plotBox() {
    const canvas = this.page.locator('[aria-label="Chart drawing"]');
    const box = await canvas.boundingBox();
    const attr = async (name) => Number(await canvas.getAttribute(`data-plot-${name}`));
    return {
      left: box.x + (await attr('left')),
      top: box.y + (await attr('top')),
      right: box.x + (await attr('right')),
      bottom: box.y + (await attr('bottom')),
    };
  }

  /** Drags across the chart from (x0, y0) to (x1, y1), page pixels. */
  async dragOnChart(x0, y0, x1, y1) {
    await this.page.mouse.move(x0, y0);
    await this.page.mouse.down();
    await this.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    await this.page.mouse.move(x1, y1, { steps: 4 });
    await this.page.mouse.up();
  }

  async tooltip() {
    const tip = this.page.getByRole('tooltip');
    return (await tip.count()) ? tip.innerText() : null;
  }

  playbackLabel() {
    return this.page.locator('[aria-label="Playback time"]').innerText();
  }

  waitForPlaybackLabel(pattern, timeout = QUERY_TIMEOUT) {
    let last = '';
    return this.#until(
      async () => (last = await this.playbackLabel().catch(() => '')).match(pattern),
      () => `playback label ${pattern} (last: "${last}")`,
      timeout,
    );
  }

  // ---- the analysis: title, parameters, steps, saving, sharing ----

  async setTitle(title) {
    const input = this.page.getByRole('textbox', { name: 'Analysis title' });
    await input.fill(title);
    await input.press('Enter');
    await input.blur();
  }

  title() {
    return this.page.getByRole('textbox', { name: 'Analysis title' }).inputValue();
  }

  /** Adds a number parameter through the form, as a person would. */
  async addNumberParameter(name, value) {
    await this.page.getByRole('button', { name: '+ Parameter' }).click();
    const form = this.page.getByRole('form', { name: 'New parameter' });
    await form.getByRole('textbox', { name: 'Parameter name' }).fill(name);
    await form.getByRole('combobox', { name: 'Parameter kind' }).selectOption('number');
    await form.getByRole('spinbutton', { name: 'First value' }).fill(String(value));
    await form.getByRole('button', { name: 'Add' }).click();
    await this.page.getByRole('group', { name: `Parameter ${name}` }).waitFor();
  }

  /** Adds a date-range parameter through the form (it starts on the samples' first four weeks). */
  async addDateRangeParameter(name) {
    await this.page.getByRole('button', { name: '+ Parameter' }).click();
    const form = this.page.getByRole('form', { name: 'New parameter' });
    await form.getByRole('textbox', { name: 'Parameter name' }).fill(name);
    await form.getByRole('combobox', { name: 'Parameter kind' }).selectOption('date-range');
    await form.getByRole('button', { name: 'Add' }).click();
    await this.page.getByRole('group', { name: `Parameter ${name}` }).waitFor();
  }

  /** Picks both days of a date-range parameter (`YYYY-MM-DD`, both included). */
  async setDateRange(name, from, to, scope = this.page) {
    const group = scope.getByRole('group', { name: `Parameter ${name}` });
    await group.getByLabel(`${name} from`).fill(from);
    await group.getByLabel(`${name} to`).fill(to);
  }

  /** Types a new value into a number parameter's control. */
  async setNumberParameter(name, value) {
    const input = this.page.getByRole('group', { name: `Parameter ${name}` }).getByRole('spinbutton');
    await input.fill(String(value));
    await input.press('Enter');
    await input.blur();
  }

  numberParameter(name) {
    return this.page.getByRole('group', { name: `Parameter ${name}` }).getByRole('spinbutton').inputValue();
  }

  async addStep() {
    const before = (await this.stepNames()).length;
    await this.page.getByRole('button', { name: '+ Step' }).click();
    await this.#until(async () => (await this.stepNames()).length > before, 'a new step tab', 10_000);
  }

  #stepTab(name) {
    return this.page.getByRole('tab', { name: new RegExp(`^Step ${name},`) });
  }

  async selectStep(name) {
    await this.#stepTab(name).click();
  }

  /** Step names in order, from the step tabs. */
  stepNames() {
    return this.page
      .getByRole('tablist', { name: 'Steps of this analysis' })
      .getByRole('tab')
      .evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('aria-label').replace(/^Step (.*), \w+$/, '$1')));
  }

  /** "fresh", "stale" or "running", as the step's tab says. */
  async stepStatus(name) {
    const label = await this.#stepTab(name).getAttribute('aria-label');
    return label.replace(/^.*, /, '');
  }

  async waitForStepStatus(name, status, timeout = QUERY_TIMEOUT) {
    let last = '';
    return this.#until(
      async () => (last = await this.stepStatus(name)) === status,
      () => `step ${name} to be ${status} (last: ${last})`,
      timeout,
    );
  }

  /** The SQL of the step on screen, as the editor holds it. */
  editorText() {
    return this.page.locator('[aria-label="SQL"]').evaluate((el) => el.innerText);
  }

  waitForSaved(timeout = 10_000) {
    let last = '';
    return this.#until(
      async () => (last = await this.page.getByLabel('Save state').innerText()) === 'Saved',
      () => `the analysis to be saved (last: "${last}")`,
      timeout,
    );
  }

  /** Opens the Share panel and reads the link it offers. */
  async shareLink() {
    await this.page.getByRole('button', { name: 'Share' }).click();
    const input = this.page.getByRole('textbox', { name: 'Share link' });
    await input.waitFor();
    return input.inputValue();
  }

  async analysisNotice() {
    const notice = this.page.getByLabel('Analysis notice');
    return (await notice.count()) ? notice.innerText() : null;
  }

  // ---- failures ----

  /** What the browser said that may explain a failure. */
  diagnostics() {
    const lines = [
      ...this.pageErrors.map((e) => `page error: ${e}`),
      ...this.consoleErrors.slice(-10).map((e) => `console error: ${e}`),
    ];
    return lines.length ? `\n${lines.join('\n')}` : '';
  }

  /** waitUntil, plus a screenshot and the browser's errors when it times out. */
  async #until(check, what, timeout) {
    try {
      return await waitUntil(check, { timeout, what });
    } catch (error) {
      const label = error.message.replace(/^.*?waiting for /, '').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      const file = join(RESULTS_DIR, `${Date.now()}-${label}.png`);
      let shot = '';
      try {
        mkdirSync(RESULTS_DIR, { recursive: true });
        await this.page.screenshot({ path: file, fullPage: true });
        shot = `\nscreenshot: ${file}`;
      } catch {
        // The page may be gone; the message is still worth having.
      }
      error.message += shot + this.diagnostics();
      throw error;
    }
  }
}

/** A numeric cell's value, whatever digit grouping the grid may use. */
export function cellNumber(text) {
  return Number(String(text).replace(/[\s,_\u00a0\u202f']/g, ''));
}

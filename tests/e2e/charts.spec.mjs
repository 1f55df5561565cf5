// Story: an analyst charts a result. A time chart of the transactions sample
// zooms from days into hours; a density map of telemetry re-bins when zoomed,
// pans live under the pointer and plays back through time; the chart exports
// as a PNG.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll, serveApp } from './support/app.mjs';

describe('charts: time, geo, playback, export', { timeout: 300_000 }, () => {
  let server, browser, app;

  before(async () => {
    ({ server, browser, app } = await serveApp());
    await app.waitForDataset('transactions');
    await app.waitForDataset('telemetry');
  });

  after(() => closeAll(app, browser, server));

  it('suggests a time chart of transactions in days, and zooming into a day shows hours', async () => {
    await app.setSql('SELECT ts, amount FROM transactions');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    await app.showChart();
    const days = await app.waitForChartStatus(/(\d+) buckets of 1 day/);
    assert.equal(Number(days[1]), 28, 'four weeks of daily buckets');

    // Drag across the third of 28 days.
    const plot = await app.plotBox();
    const day = (plot.right - plot.left) / 28;
    const y = (plot.top + plot.bottom) / 2;
    await app.dragOnChart(plot.left + 2 * day + 2, y, plot.left + 3 * day - 2, y);
    const hours = await app.waitForChartStatus(/(\d+) buckets of 1 hour/);
    assert.ok(Number(hours[1]) >= 20 && Number(hours[1]) <= 25, `about a day of hours: ${hours[0]}`);

    await app.page.mouse.move((plot.left + plot.right) / 2, y);
    const tip = await app.tooltip();
    assert.match(tip ?? '', /UTC \(1 hour\)\namount: [\d,.]+/, 'the hover shows the exact value of the hour');
    assert.deepEqual(app.pageErrors, []);
  });

  it('draws telemetry as a density map whose bins shrink when zoomed', async () => {
    await app.setSql('SELECT * FROM telemetry');
    const outcome = await app.runAndWait();
    assert.equal(outcome.error, null, `the query failed: ${outcome.error}`);
    const before = await app.waitForChartStatus(/([\d,]+) cells of ([\d.]+)°/);
    // Each zoom halves the box; the cell shrinks within a zoom or two.
    let after = before;
    for (let zoom = 0; zoom < 4 && Number(after[2]) >= Number(before[2]); zoom += 1) {
      await app.clickAndWaitForChart(app.page.getByRole('button', { name: 'Zoom in', exact: true }));
      after = await app.waitForChartStatus(/([\d,]+) cells of ([\d.]+)°/);
    }
    assert.ok(Number(after[2]) < Number(before[2]), `cells shrink: ${before[0]} → ${after[0]}`);
  });

  it('pans the map with the pointer, then re-bins the box where it is let go', async () => {
    const plot = await app.plotBox();
    const x = (plot.left + plot.right) / 2;
    const y = (plot.top + plot.bottom) / 2;
    const made = await app.chartsDrawn();
    const still = await app.canvasPixels();
    await app.page.mouse.move(x, y);
    await app.page.mouse.down();
    await app.page.mouse.move(x + 120, y + 40, { steps: 6 });
    await app.nextFrames();
    assert.notEqual(await app.canvasPixels(), still, 'the map follows the pointer during the drag');
    assert.equal(await app.chartsDrawn(), made, 'no bins are asked for while dragging');
    assert.match(await app.page.locator('[aria-label="Chart"]').getAttribute('data-draw-ms'), /^\d+\.\d\d$/);
    await app.page.mouse.up();
    await app.waitForChartsDrawn(made);
    await app.waitForChartStatus(/([\d,]+) cells of ([\d.]+)°/);
    assert.deepEqual(app.pageErrors, []);
  });

  it('plays the map back through time, three steps and more', async () => {
    await app.page.getByRole('button', { name: 'Fit data', exact: true }).click();
    await app.page.getByLabel('Play back over time').check();
    await app.waitForPlaybackLabel(/Frame 1 of (\d+)/);
    await app.page.getByRole('button', { name: 'Play', exact: true }).click();
    const label = await app.waitForPlaybackLabel(/Frame (\d+) of/, 20_000);
    await app.waitForPlaybackLabel(/Frame ([4-9]|\d\d+) of/, 20_000);
    await app.page.getByRole('button', { name: 'Pause', exact: true }).click();
    assert.ok(label);
    assert.deepEqual(app.pageErrors, []);
  });

  it('exports the chart as a valid PNG', async () => {
    const download = app.page.waitForEvent('download');
    await app.page.getByRole('button', { name: 'Export PNG', exact: true }).click();
    const file = join(tmpdir(), `meridian-chart-${Date.now()}.png`);
    await (await download).saveAs(file);
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.ok(png.readUInt32BE(16) >= 320 && png.readUInt32BE(20) >= 200, 'a chart-sized image');
    assert.ok(png.length > 5_000, `a drawing, not a blank: ${png.length} bytes`);
  });
});

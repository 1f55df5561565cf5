// Story: a manager opens the dashboard, picks another period with the date
// parameter, then brushes a time range on the payments chart and sees the
// chart by city count only the payments in that range; clearing brings the
// whole period back. Every number is checked against the native CLI.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeAll } from './support/app.mjs';
import {
  brush, openWithPeriodAnalysis, cliPayments, cliPeriod, dayMs, waitForTotal, widgetTotal,
} from './support/dashboard.mjs';
import { waitUntil } from './support/wait.mjs';

describe('dashboard: date parameter and cross-filter', { timeout: 400_000 }, () => {
  let server, browser, app, dashboard;

  before(async () => {
    ({ server, browser, app } = await openWithPeriodAnalysis());
    await app.page.getByRole('tab', { name: 'Dashboard' }).click();
    dashboard = app.page.getByRole('region', { name: 'Dashboard' });
  });

  after(() => closeAll(app, browser, server));

  it('shows both widgets over the default period', async () => {
    const expected = await cliPeriod('2026-03-02', '2026-03-29');
    await waitForTotal(dashboard, 'step_2', expected.count, 'payments by city');
    await waitForTotal(dashboard, 'step_1', expected.revenue, 'revenue over time');
  });

  it('redraws both widgets when the date parameter changes', async () => {
    await app.setDateRange('period', '2026-03-09', '2026-03-15', dashboard);
    const expected = await cliPeriod('2026-03-09', '2026-03-15');
    await waitForTotal(dashboard, 'step_2', expected.count, 'payments by city, one week');
    await waitForTotal(dashboard, 'step_1', expected.revenue, 'revenue over time, one week');
  });

  it('brushing a range on the time chart filters the chart by city', async () => {
    const revenueBefore = await widgetTotal(dashboard, 'step_1');
    await brush(app.page, dashboard, 'step_1', 0.3, 0.6);
    const chip = app.page.getByRole('status', { name: 'Cross-filter' });
    await chip.waitFor();
    const fromMs = Number(await chip.getAttribute('data-from-ms'));
    const toMs = Number(await chip.getAttribute('data-to-ms'));
    assert.ok(dayMs('2026-03-09') < fromMs && fromMs < toMs && toMs < dayMs('2026-03-16'),
      `the brushed range ${fromMs}..${toMs} lies inside the week`);
    const expected = await cliPayments(fromMs, toMs);
    assert.ok(expected.count > 0, 'the brushed range holds payments');
    await waitForTotal(dashboard, 'step_2', expected.count, 'payments by city in the brushed range');
    const step2 = dashboard.getByRole('article', { name: 'Widget step_2' });
    assert.match(await step2.innerText(), /Filtered to ts/);
    // The brushed chart itself keeps the whole period, with the range marked.
    assert.equal(await widgetTotal(dashboard, 'step_1'), revenueBefore);
  });

  it('clearing the filter brings the whole period back', async () => {
    await app.page.getByRole('button', { name: 'Clear filter' }).click();
    const expected = await cliPeriod('2026-03-09', '2026-03-15');
    await waitForTotal(dashboard, 'step_2', expected.count, 'payments by city after clearing');
    await waitUntil(async () => (await app.page.getByRole('status', { name: 'Cross-filter' }).count()) === 0,
      { what: 'the filter chip to go' });
    assert.deepEqual(app.pageErrors, []);
  });
});

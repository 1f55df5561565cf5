// Story: someone opens Meridian in a browser too old for its WebAssembly
// (no SIMD). The page says why and what to do, instead of staying empty; a
// current browser never sees that message.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { closeAll, launch, openApp } from './support/app.mjs';
import { startServer } from './support/server.mjs';

const MESSAGE = /needs WebAssembly SIMD/;

describe('a browser without WebAssembly SIMD', { timeout: 120_000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer({ root: appDist() });
    browser = await launch();
  });

  after(() => closeAll(browser, server));

  it('is told that Meridian needs WebAssembly SIMD', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // An old browser's validator rejects every SIMD instruction (prefix
      // byte 0xfd). Chromium has no switch to turn SIMD off, so the page's
      // validator is made to behave like an old one.
      await page.addInitScript(() => {
        const validate = WebAssembly.validate;
        WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(0xfd) && validate(bytes);
      });
      await page.goto(`${server.url}/`);
      const alert = page.getByRole('alert').filter({ hasText: MESSAGE });
      await alert.waitFor({ timeout: 15_000 });
      assert.match(await alert.innerText(), /Please update your browser/);
    } finally {
      await context.close();
    }
  });

  it('is not shown in a browser that has it', async () => {
    const app = await openApp(browser, `${server.url}/`);
    try {
      assert.equal(await app.page.getByRole('alert').filter({ hasText: MESSAGE }).count(), 0);
    } finally {
      await app.close();
    }
  });
});

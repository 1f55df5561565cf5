// Story: someone opens Meridian in a browser too old for its WebAssembly (no
// SIMD or reference types). The page says why and what to do, instead of
// staying empty; a current browser never sees that message.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appDist } from './support/env.mjs';
import { closeAll, launch, openApp } from './support/app.mjs';
import { startServer } from './support/server.mjs';
import { waitUntil } from './support/wait.mjs';

const MESSAGE = /needs WebAssembly SIMD and reference types/;

describe('a browser too old for Meridian', { timeout: 120_000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer({ root: appDist() });
    browser = await launch();
  });

  after(() => closeAll(browser, server));

  it('is told what Meridian needs', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // A browser without SIMD rejects its instructions (prefix byte 0xfd).
      // Chromium has no switch to turn SIMD off, so the page's validator is
      // made to behave like an old one's.
      await page.addInitScript(() => {
        const validate = WebAssembly.validate;
        const bytesOf = (source) =>
          ArrayBuffer.isView(source)
            ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
            : new Uint8Array(source);
        WebAssembly.validate = (source) => !bytesOf(source).includes(0xfd) && validate(source);
      });
      await page.goto(`${server.url}/`);
      const alert = page.getByRole('alert').filter({ hasText: MESSAGE });
      const text = await waitUntil(async () => (await alert.count()) && alert.innerText(), {
        timeout: 15_000,
        what: async () => `the browser message (alerts on the page: ${JSON.stringify(await page.getByRole('alert').allInnerTexts())})`,
      });
      assert.match(text, /Please update your browser/);
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

// Node 20's `node --test DIR` picks up only *.test.mjs (not *.spec.mjs), so
// this file runs every spec here, one after another in one process: the
// specs never compete for the machine's two cores. Run one spec alone with
// `node --test tests/e2e/NAME.spec.mjs`.

import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
for (const file of readdirSync(here).filter((name) => name.endsWith('.spec.mjs')).sort()) {
  await import(new URL(file, here));
}

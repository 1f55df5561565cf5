// The two inputs the suite needs from the build. A missing one fails loudly:
// skipping instead would let a broken setup pass as "no tests failed".

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** An input from the environment, or an error saying what it must be. */
export function required(name, what) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: it must be ${what}.`);
  return value;
}

/** The folder Trunk built the app into (has index.html and samples/). */
export function appDist() {
  const dist = required('MERIDIAN_DIST', 'the built app folder (trunk build --dist DIR)');
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`MERIDIAN_DIST=${dist} has no index.html; build the app first.`);
  }
  return dist;
}

/** The native `meridian` CLI, the reference answers come from. */
export function meridianBin() {
  const bin = required('MERIDIAN_BIN', 'the path to the meridian CLI binary (cargo build -p meridian-cli)');
  if (!existsSync(bin)) throw new Error(`MERIDIAN_BIN=${bin} does not exist.`);
  return bin;
}

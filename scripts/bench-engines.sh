#!/usr/bin/env bash
# The engine benchmark (bench/engines/run.mjs): Meridian's engine beside
# DuckDB-Wasm in headless Chromium over TPC-H and Meridian's own tables.
#
#   scripts/bench-engines.sh           the full run: builds the shipped bundle,
#                                      writes BENCHMARKS.md
#   scripts/bench-engines.sh --check   a small scale factor against the test
#                                      build, checking only that both engines
#                                      give the same answers (the test command)
#
# Installs what it needs, idempotently: tpchgen-cli from PyPI (in a virtual
# environment beside the build output), DuckDB-Wasm and esbuild from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step "Benchmark tools (tpchgen-cli, DuckDB-Wasm)"
venv="$CARGO_TARGET_DIR/bench-venv"
if [[ ! -x $venv/bin/tpchgen-cli ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check tpchgen-cli==4.0.0
fi
export TPCHGEN="$venv/bin/tpchgen-cli"
"$TPCHGEN" --version
(
  cd bench/engines
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
  npm run --silent build
)

if [[ ${1:-} == --check ]]; then
  node --test bench/engines/agree.test.mjs
  export MERIDIAN_DIST="${MERIDIAN_DIST:-$CARGO_TARGET_DIR/e2e-dist}"
else
  scripts/setup.sh >/dev/null
  use_bundle
fi
use_cli
export BENCH_DATA="${BENCH_DATA:-$CARGO_TARGET_DIR/bench-data}"
step "Engines side by side${1:+ ($1)}"
node bench/engines/run.mjs "$@"

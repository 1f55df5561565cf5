#!/usr/bin/env bash
# The chart benchmark (bench/charts.mjs): ten million generated telemetry rows
# charted in headless Chromium by the shipped bundle, beside the native CLI.
# Builds the bundle (the same one scripts/bundle-sizes.sh measures) and the CLI
# unless MERIDIAN_DIST / MERIDIAN_BIN name ones already built. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
source scripts/env.sh
if [[ -z ${MERIDIAN_DIST:-} ]]; then
  export MERIDIAN_DIST="$CARGO_TARGET_DIR/bundle-dist"
  trunk build --release --cargo-profile bundle --dist "$MERIDIAN_DIST" >&2
fi
if [[ -z ${MERIDIAN_BIN:-} ]]; then
  # The test build's CLI (dev profile, dependencies optimised): no second DataFusion build.
  cargo build --quiet --workspace --bins >&2
  export MERIDIAN_BIN="$CARGO_TARGET_DIR/debug/meridian"
fi
export BENCH_DATA="${BENCH_DATA:-$CARGO_TARGET_DIR/bench-data}"
node bench/charts.mjs

#!/usr/bin/env bash
# The chart benchmark (bench/charts.mjs): ten million generated telemetry rows
# charted in headless Chromium by the shipped bundle, beside the native CLI.
# Builds the bundle (the same one scripts/bundle-sizes.sh measures) and the CLI
# unless MERIDIAN_DIST / MERIDIAN_BIN name ones already built. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
source scripts/env.sh
use_bundle
use_cli
export BENCH_DATA="${BENCH_DATA:-$CARGO_TARGET_DIR/bench-data}"
node bench/charts.mjs

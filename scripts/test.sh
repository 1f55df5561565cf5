#!/usr/bin/env bash
# Runs every test Meridian has: formatting; Clippy on both targets; native
# unit and integration tests; the engine's tests in headless Chromium; the
# end-to-end tests against the built app; the engine benchmark's check that
# Meridian and DuckDB-Wasm give the same answers. Installs what it needs first.
#
# Clippy runs inside the builds the tests need (clippy-driver as cargo's
# workspace wrapper, set in scripts/env.sh) rather than as `cargo clippy`,
# which would check DataFusion a second time per target; every crate of the
# workspace is still linted on both targets with warnings denied.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
started=$SECONDS

step "Formatting"
cargo fmt --all --check

step "Native: lints while building, then unit, integration and doc tests"
cargo test --workspace --all-targets --quiet
cargo test --workspace --doc --quiet

# The browser's bans (no files, threads or blocking) apply to the wasm builds.
export CLIPPY_CONF_DIR="$PWD/scripts/clippy_wasm"

step "Engine tests in headless Chromium (wasm-bindgen-test; lints the engine, model and samples for wasm32)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p meridian-engine --target wasm32-unknown-unknown --test browser

step "Build the app (lints the app, worker and chart crates for wasm32)"
trunk build --dist "$CARGO_TARGET_DIR/e2e-dist"

step "End-to-end tests (Playwright, headless Chromium)"
unset CLIPPY_CONF_DIR
cargo build --quiet --workspace --bins
MERIDIAN_DIST="$CARGO_TARGET_DIR/e2e-dist" \
MERIDIAN_BIN="$CARGO_TARGET_DIR/debug/meridian" \
  node --test --test-concurrency=1 tests/e2e/all.test.mjs

step "The engine benchmark's answers against DuckDB-Wasm (small scale factor, no timings)"
MERIDIAN_DIST="$CARGO_TARGET_DIR/e2e-dist" \
  scripts/bench-engines.sh --check

echo "All tests passed in $((SECONDS - started)) s (after setup)."

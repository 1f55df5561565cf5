#!/usr/bin/env bash
# Runs every test Meridian has: formatting and lints on both targets, native
# unit and integration tests, the engine's tests in headless Chromium, and the
# end-to-end tests against the built app. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
started=$SECONDS

step "Formatting"
cargo fmt --all --check

step "Lints (native)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Lints (wasm32, with the browser's bans in scripts/clippy_wasm)"
CLIPPY_CONF_DIR=scripts/clippy_wasm cargo clippy --target wasm32-unknown-unknown --quiet \
  -p meridian-app -p meridian-worker -p meridian-engine -p meridian-model -p meridian-samples -p meridian-chart \
  -- -D warnings

step "Native tests"
cargo test --workspace --quiet

step "Engine tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p meridian-engine --target wasm32-unknown-unknown --test browser

step "Build the app"
trunk build --dist "$CARGO_TARGET_DIR/e2e-dist"

step "End-to-end tests (Playwright, headless Chromium)"
cargo build --quiet --workspace --bins
MERIDIAN_DIST="$CARGO_TARGET_DIR/e2e-dist" \
MERIDIAN_BIN="$CARGO_TARGET_DIR/debug/meridian" \
  node --test --test-concurrency=1 tests/e2e/all.test.mjs

echo "All tests passed in $((SECONDS - started)) s (after setup)."

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
# Installs what it needs, idempotently: tpchgen-cli and pyarrow from PyPI (in a
# virtual environment beside the build output), DuckDB-Wasm and esbuild from
# npm. The data needs no query engine built natively: TPC-H comes from
# tpchgen-cli, Meridian's tables from the samples crate's binary, and
# DuckDB-Wasm's Arrow streams from pyarrow.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step "Benchmark tools (tpchgen-cli, pyarrow, DuckDB-Wasm)"
venv="$CARGO_TARGET_DIR/bench-venv"
requirements=(tpchgen-cli==4.0.0 pyarrow==26.0.1)
[[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
installed=$("$venv/bin/pip" freeze --disable-pip-version-check | grep -cxF -f <(printf '%s\n' "${requirements[@]}") || true)
if ((installed != ${#requirements[@]})); then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}"
fi
export TPCHGEN="$venv/bin/tpchgen-cli" BENCH_PYTHON="$venv/bin/python"
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
  scripts/setup.sh --no-samples >/dev/null
  if [[ -z ${MERIDIAN_DIST:-} ]]; then
    # The shipped bundle's engine worker (DataFusion, a fat-LTO link: most of
    # the bundle's time) needs no sample data, so it builds while the samples'
    # binary builds and the data is made; Trunk then finds it built.
    worker_log="$BUNDLE_TARGET_DIR/worker-build.log"
    mkdir -p "$BUNDLE_TARGET_DIR"
    step "The shipped bundle's engine worker, building in the background (its output: $worker_log)"
    # A session of its own, so that a failure here stops every process it started.
    setsid bash -c 'source scripts/env.sh && build_bundle_worker' >"$worker_log" 2>&1 &
    worker_pid=$!
    trap 'kill -- -"$worker_pid" 2>/dev/null || true' EXIT
  fi
  make_samples >/dev/null
fi
# The bundled samples' binary writes Meridian's tables at any size.
cargo build --quiet --workspace --bin meridian-samples
export MERIDIAN_SAMPLES_BIN="$CARGO_TARGET_DIR/debug/meridian-samples"
export BENCH_DATA="${BENCH_DATA:-$CARGO_TARGET_DIR/bench-data}"
step "The data${1:+ ($1)}"
node bench/engines/run.mjs --data "$@"
if [[ -n ${worker_pid:-} ]]; then
  step "Waiting for the engine worker's build"
  if ! wait "$worker_pid"; then
    tail -n 40 "$worker_log" >&2
    echo "The shipped bundle's engine worker did not build; its whole output is in $worker_log." >&2
    exit 1
  fi
  trap - EXIT
fi
use_bundle
step "Engines side by side${1:+ ($1)}"
node bench/engines/run.mjs "$@"

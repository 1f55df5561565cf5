#!/usr/bin/env bash
# Builds the shipped bundle (fat LTO, opt-level z, wasm-opt -Oz) and prints the
# size of each wasm binary and of the page's other code (the SQL editor's
# script, the JS glue, the style sheet) raw, gzipped (-9) and brotli-compressed
# (-q 11), as the Markdown table the README's development section carries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
source scripts/env.sh
dist="$CARGO_TARGET_DIR/bundle-dist"
started=$SECONDS
trunk build --release --cargo-profile bundle --dist "$dist" >&2
echo "built in $((SECONDS - started)) s" >&2

size() { wc -c <"$1" | tr -d ' '; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1048576 }'; }
echo "| file | raw | gzip -9 | brotli -q 11 |"
echo "|---|---|---|---|"
for file in "$dist"/*.wasm "$dist"/*.js "$dist"/vendor/editor.js "$dist"/*.css; do
  raw=$(size "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  echo "| $(basename "$file") | $(mb "$raw") | $(mb "$gz") | $(mb "$br") |"
done

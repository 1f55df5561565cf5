#!/usr/bin/env bash
# Builds the shipped bundle (fat LTO, opt-level z, wasm-opt -Oz with
# --low-memory-unused) and prints the size of every file the page loads but the
# samples (the list the build writes for "Publish as a folder", app-files.txt)
# raw, gzipped (-9) and brotli-compressed (-q 11), with their total, in MiB, as
# the Markdown table the README's development section carries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
source scripts/env.sh
dist="$CARGO_TARGET_DIR/bundle-dist"
started=$SECONDS
build_bundle "$dist" >&2
echo "built in $((SECONDS - started)) s" >&2

size() { wc -c <"$1" | tr -d ' '; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
echo "| file | raw MiB | gzip -9 MiB | brotli -q 11 MiB |"
echo "|---|---|---|---|"
total_raw=0 total_gz=0 total_br=0
while read -r name; do
  file="$dist/$name"
  raw=$(size "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli -q 11 -c "$file" | wc -c)
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  echo "| $name | $(mb "$raw") | $(mb "$gz") | $(mb "$br") |"
done <"$dist/app-files.txt"
echo "| all of them | $(mb "$total_raw") | $(mb "$total_gz") | $(mb "$total_br") ($((total_br / 1000)) kB) |"

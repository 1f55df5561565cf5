#!/usr/bin/env bash
# Refreshes the built-in world basemap from the `world-atlas` npm package
# (Natural Earth 1:110m country outlines, public domain; packaging under ISC).
# The file is committed so the app, the CLI and the tests draw maps offline.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent world-atlas@2.0.2 >/dev/null && tar xzf world-atlas-*.tgz)
cp "$work/package/countries-110m.json" crates/chart/assets/countries-110m.json
cp "$work/package/LICENSE" crates/chart/assets/world-atlas-LICENSE
echo "basemap updated from world-atlas 2.0.2"

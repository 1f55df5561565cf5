#!/usr/bin/env bash
# Builds Meridian with the bundled sample data and serves it at http://127.0.0.1:8080
# (rebuilding on every change). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
step "Serving on http://127.0.0.1:8080 (Ctrl+C stops)"
exec trunk serve "$@"

#!/usr/bin/env bash
# Installs everything Meridian needs to build, serve and test, idempotently:
# Debian packages, the wasm32 target, Trunk, wasm-bindgen (the Cargo.lock
# version), wasm-opt from npm, the node packages, the editor bundle and (unless
# --no-samples) the bundled sample data. Only package registries are used;
# nothing from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
# Tools are built as they are published: the test command's lint wrapper is for
# Meridian's own crates only.
install_crate() { env -u RUSTC_WORKSPACE_WRAPPER cargo install "$@"; }

step "Debian packages"
missing=()
command -v clang >/dev/null || missing+=(clang llvm)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v pkg-config >/dev/null || missing+=(pkg-config)
# The end-to-end test of a published dashboard unpacks its ZIP archive.
command -v unzip >/dev/null || missing+=(unzip)
if ((${#missing[@]})); then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "all present"
fi

step "Rust wasm32 target, rustfmt and Clippy (every build lints)"
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
for component in rustfmt clippy; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

step "Trunk 0.21.14"
if ! trunk --version 2>/dev/null | grep -q '0\.21\.14'; then
  # Trunk's manifest builds it with fat LTO in one codegen unit: minutes more
  # of a fresh machine's set-up, for a tool that only starts other tools.
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    install_crate --locked trunk --version 0.21.14
fi

step "wasm-bindgen (the version in Cargo.lock)"
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$bindgen_version"; then
  # --locked can fail when the registry lags a pinned dependency; retry without.
  install_crate --locked wasm-bindgen-cli --version "$bindgen_version" \
    || install_crate wasm-bindgen-cli --version "$bindgen_version"
fi

step "node packages (wasm-opt, editor, end-to-end tests)"
for dir in tools editor tests/e2e; do
  if [[ ! -d $dir/node_modules || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
wasm-opt --version

step "SQL editor bundle"
if [[ ! -f public/vendor/editor.js ]] || [[ -n $(find editor/src editor/package-lock.json -newer public/vendor/editor.js) ]]; then
  (cd editor && npm run --silent build)
fi
ls -l public/vendor/editor.js

step "File times of the crate that replaces brotli, and of the workspace manifest"
# Cargo judges a path crate stale by its files' times, and a fresh clone gives
# every file the time of the checkout. crates/brotli sits under parquet and
# DataFusion, so each clone would rebuild them both natively and for wasm (the
# engine benchmark took 38.7 min instead of 18.7 with a kept build directory).
# Its inputs are its own files and, since Clippy reads the workspace manifest
# while it lints the crate, the root Cargo.toml (a clone rebuilt DataFusion
# natively for that file alone: 15 of the benchmark's 32.6 min). Each of them
# that equals the last commit's and is newer than the commit that last changed
# it gets that commit's time; an edited one keeps its own, and cargo rebuilds.
# Times only move back. An older time on the manifest hides nothing from a
# build: cargo fingerprints what the manifest says (dependencies, features,
# profiles, lint levels) by content, not by time.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while read -r file; do
    committed=$(git log -1 --format=%ct -- "$file")
    if git diff --quiet HEAD -- "$file" && [[ $(stat -c %Y "$file") -gt $committed ]]; then
      touch -d "@$committed" "$file"
    fi
  done < <(git ls-files crates/brotli Cargo.toml)
fi

# --no-samples: the engine benchmark writes them itself, beside a build.
[[ ${1:-} == --no-samples ]] || make_samples

#!/bin/sh
# Cargo runs this in place of rustc for the workspace's own crates when
# RUSTC_WORKSPACE_WRAPPER names it (scripts/env.sh does), so the builds
# lint Meridian's code with Clippy while they compile it; any warning fails.
# Dependencies are still compiled by plain rustc, so their artifacts are the
# ones every other build reuses: unlike `cargo clippy`, which checks the whole
# dependency tree again in a mode of its own, no second pass over DataFusion.
# The first argument is the path of rustc; clippy-driver expects it.
exec clippy-driver "$@" -D warnings

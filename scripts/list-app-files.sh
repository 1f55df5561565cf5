#!/bin/sh
# Trunk post-build hook: lists the app's own files in app-files.txt, so
# "Publish as a folder" can copy them beside a dashboard's analysis and data.
# The bundled samples stay out; a published folder carries its own data.
set -eu
cd "$TRUNK_STAGING_DIR"
find . -type f ! -path './samples/*' ! -name app-files.txt | sed 's|^\./||' | sort > app-files.txt

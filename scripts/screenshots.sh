#!/bin/sh
# Retakes the inspector screenshots in docs/ (the README shows them) from a real run: the
# browser test sends a few deliveries to `whk listen --ui` and photographs the page in
# headless chromium at 1280x800 (light and dark) and 390x844. Needs chromium and
# chromium-driver (.ci/run installs them).
set -eu
cd "$(dirname "$0")/.."
mkdir -p docs
INSPECTOR_SCREENSHOTS="$PWD/docs" cargo test --locked --test cli the_inspector_in_a_real_browser
ls -l docs/inspector*.png

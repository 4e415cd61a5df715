#!/bin/sh
# Regenerates the checked-in man pages in man/ from the clap model (whk.1, whk-COMMAND.1).
# Run from anywhere: scripts/gen-man.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/whk"
rm -rf man.tmp
"$bin" man man.tmp
rm -rf man
mv man.tmp man
ls man

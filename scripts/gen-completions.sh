#!/bin/sh
# Regenerates the checked-in shell completions in completions/ from the clap model.
# Run from anywhere: scripts/gen-completions.sh
set -eu
cd "$(dirname "$0")/.."
cargo build --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/whk"
while read -r shell file; do
    "$bin" completions "$shell" > "completions/$file.tmp"
    mv "completions/$file.tmp" "completions/$file"
    echo "completions/$file"
done <<'LIST'
bash whk.bash
zsh _whk
fish whk.fish
powershell _whk.ps1
elvish whk.elv
LIST

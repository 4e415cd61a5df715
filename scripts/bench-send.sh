#!/usr/bin/env bash
# Times one signed delivery as a whole process: `whk send` against a local `whk listen`,
# beside the shell recipe it replaces (openssl dgst | curl). Median of RUNS runs each.
# Usage: scripts/bench-send.sh            (RUNS=50 by default; only 127.0.0.1 is contacted)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
cargo build --release --quiet
WHK=${CARGO_TARGET_DIR:-target}/release/whk
WORK=$(mktemp -d)
cleanup() { [[ -n ${LISTENER:-} ]] && kill "$LISTENER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$WHK" listen --port 0 --json --quiet >/dev/null 2>"$WORK/listen.err" &
LISTENER=$!
for _ in $(seq 50); do grep -q '"port"' "$WORK/listen.err" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o '"port":[0-9]*' "$WORK/listen.err" | cut -d: -f2)
URL="http://127.0.0.1:$PORT/webhooks"
"$WHK" events click --json --seed 1 >"$WORK/body.json"

median_ms() { # command... ; prints the median wall time of RUNS runs in ms
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.2f}")
PY
}

WHK_MS=$(median_ms "$WHK" send click --url "$URL" --secret s3cret -q)
RECIPE='sig=$(openssl dgst -sha256 -hmac s3cret -r "$0" | cut -d" " -f1); curl -sS -o /dev/null -H "Content-Type: application/json" -H "X-GeoRedir-Signature: $sig" --data-binary @"$0" "$1"'
SHELL_MS=$(median_ms sh -c "$RECIPE" "$WORK/body.json" "$URL")
VERSION_MS=$(median_ms "$WHK" --version)
SIZE=$(stat -c %s "$WHK")

echo "| what (median of $RUNS runs) | ms |"
echo "|---|---|"
echo "| whk send click (build, sign, POST, report) | $WHK_MS |"
echo "| openssl dgst + curl recipe (pre-built body) | $SHELL_MS |"
echo "| whk --version | $VERSION_MS |"
echo "release binary: $((SIZE / 1024)) KiB"

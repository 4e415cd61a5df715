#!/usr/bin/env bash
# Throughput benchmark for `whk listen`: how many signed 1 KiB deliveries per second it
# absorbs on loopback while verifying every signature and saving every delivery to a JSON
# Lines file, its peak memory, and proof from that file that no acknowledged delivery is
# missing. Not a test: it prints figures and fails only when the capture file disproves
# "every acknowledged delivery was saved and valid".
#
#   scripts/bench-listen.sh                       # 16 and 64 connections, 10 s each
#   BENCH_SECONDS=30 BENCH_CONNECTIONS="16 64 256" scripts/bench-listen.sh
#   BENCH_UNIQUE=1 scripts/bench-listen.sh        # a distinct idempotency key per request
#
# Environment:
#   BENCH_SECONDS      wrk duration per run (default 10)
#   BENCH_CONNECTIONS  connection counts to run (default "16 64")
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_BODIES       distinct pre-signed bodies wrk rotates through (default 1024)
#   BENCH_UNIQUE       1: add a per-request `webhook-id` header, so every delivery has its own
#                      idempotency key and whk's duplicate-detection set grows as in a long
#                      real stream (the GeoRedir signature covers the body only, so it stays
#                      valid); 0 (default): the keys repeat every BENCH_BODIES deliveries
#   BENCH_KEEP         1: keep the temp directory (captures, wrk and time output)
#   CARGO_TARGET_DIR   where cargo builds (default ./target)
#
# Needs: cargo, python3, wrk and GNU time (both installed with apt-get when missing and
# running as root). Talks to 127.0.0.1 only.
set -euo pipefail

SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
THREADS=${BENCH_THREADS:-2}
BODIES=${BENCH_BODIES:-1024}
UNIQUE=${BENCH_UNIQUE:-0}
SECRET="bench-secret-$$"

die() {
    echo "bench-listen: $*" >&2
    exit 2
}

[[ $SECONDS_PER_RUN =~ ^[0-9]+$ && $SECONDS_PER_RUN -ge 1 && $SECONDS_PER_RUN -le 600 ]] ||
    die "BENCH_SECONDS must be a whole number of seconds from 1 to 600"
[[ $THREADS =~ ^[0-9]+$ && $THREADS -ge 1 ]] || die "BENCH_THREADS must be a positive number"
[[ $BODIES =~ ^[0-9]+$ && $BODIES -ge 1 && $BODIES -le 100000 ]] ||
    die "BENCH_BODIES must be from 1 to 100000"
for c in $CONNECTIONS; do
    [[ $c =~ ^[0-9]+$ && $c -ge $THREADS ]] ||
        die "each of BENCH_CONNECTIONS must be a number of at least BENCH_THREADS ($THREADS)"
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# --- tools -------------------------------------------------------------------------------
install_pkg() { # install_pkg PACKAGE WHAT
    if [[ $(id -u) -ne 0 ]]; then
        die "$2 is missing and this is not root: install it (apt-get install -y $1) and rerun"
    fi
    echo "installing $1 …" >&2
    if ! { apt-get install -y -qq "$1" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$1" >/dev/null 2>&1; }; }; then
        die "could not install $1 with apt-get; install $2 by hand and rerun"
    fi
}
command -v wrk >/dev/null || install_pkg wrk wrk
[[ -x /usr/bin/time ]] || install_pkg time "GNU time (/usr/bin/time)"
command -v python3 >/dev/null || die "python3 is needed to build the bodies and check the capture"
command -v cargo >/dev/null || die "cargo is needed to build whk"

echo "building whk (release) …" >&2
cargo build --release --quiet
whk="${CARGO_TARGET_DIR:-$repo/target}/release/whk"
[[ $whk = /* ]] || whk="$repo/$whk"
[[ -x $whk ]] || die "no binary at $whk after the build"

# --- state and cleanup --------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/whk-bench.XXXXXX")
time_pid=""
whk_pid=""
wrk_pid=""
top_pid=""
cleanup() {
    for pid in "$wrk_pid" "$whk_pid" "$time_pid" "$top_pid"; do
        [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ ${BENCH_KEEP:-0} = 1 ]]; then
        echo "kept $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- bodies: realistic clicks padded to 1024 bytes, each signed ---------------------------
"$whk" events click --json --seed 7 >"$work/template.json"
python3 - "$work/template.json" "$work/bodies.tsv" "$BODIES" "$SECRET" <<'PY'
import hashlib, hmac, json, random, string, sys

template_path, out_path, count, secret = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
template = json.load(open(template_path))
rng = random.Random(7)
alphabet = string.ascii_lowercase + string.digits
ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80")
with open(out_path, "w") as out:
    for n in range(count):
        payload = json.loads(json.dumps(template))
        data = payload["data"]
        data["click_id"] = "".join(rng.choice(alphabet) for _ in range(12))
        data["ip"] = f"198.51.100.{rng.randrange(1, 255)}"
        data["user_agent"] = ua
        data["landing_query"] = "utm_source=newsletter&utm_medium=email&utm_campaign=launch-2026&gclid="
        # Pad the click identifier from the ad network so the body is exactly 1024 bytes.
        base = len(json.dumps(payload, separators=(",", ":")).encode())
        if base > 1024:
            sys.exit(f"the sample click is already {base} bytes, above 1024")
        data["landing_query"] += "".join(rng.choice(string.ascii_letters + string.digits + "_-")
                                         for _ in range(1024 - base))
        body = json.dumps(payload, separators=(",", ":")).encode()
        assert len(body) == 1024, len(body)
        assert b"\t" not in body and b"\n" not in body
        sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        out.write(f"{sig}\t{body.decode()}\n")
PY
# Cross-check the first body's signature with whk itself and with openssl.
head -n1 "$work/bodies.tsv" | cut -f2- | tr -d '\n' >"$work/first.json"
first_sig=$(head -n1 "$work/bodies.tsv" | cut -f1)
[[ $(wc -c <"$work/first.json") -eq 1024 ]] || die "the sample body is not 1024 bytes"
whk_sig=$("$whk" sign "$work/first.json" --secret "$SECRET" | sed -n 's/^X-GeoRedir-Signature: //p')
[[ $whk_sig = "$first_sig" ]] || die "whk sign disagrees with the benchmark's signature"
if command -v openssl >/dev/null; then
    ssl_sig=$(openssl dgst -sha256 -hmac "$SECRET" "$work/first.json" | sed 's/^.*= //')
    [[ $ssl_sig = "$first_sig" ]] || die "openssl disagrees with the benchmark's signature"
fi

# --- the wrk script ----------------------------------------------------------------------
cat >"$work/post.lua" <<'LUA'
-- POSTs pre-signed 1 KiB click deliveries, rotating through the bodies file.
local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
    table.insert(threads, thread)
end

function init(args)
    local path, unique = args[1], args[2] == "1"
    requests_ = {}
    heads_, tails_ = {}, {}
    for line in io.lines(path) do
        local sig, body = line:match("^(%x+)\t(.*)$")
        local req = wrk.format("POST", "/webhooks/georedir", {
            ["Content-Type"] = "application/json",
            ["User-Agent"] = "GeoRedir-Webhooks/1.0",
            ["X-GeoRedir-Signature"] = sig,
        }, body)
        table.insert(requests_, req)
        local head, tail = req:match("^(.-\r\n)(.*)$")
        table.insert(heads_, head)
        table.insert(tails_, tail)
    end
    unique_ = unique
    count_ = #requests_
    i_ = (tid or 1) * 7919 % count_
    n_ = 0
end

function request()
    i_ = i_ % count_ + 1
    if unique_ then
        n_ = n_ + 1
        return heads_[i_] .. "webhook-id: bench-" .. tid .. "-" .. n_ .. "\r\n" .. tails_[i_]
    end
    return requests_[i_]
end

function done(summary, latency, requests)
    local e = summary.errors
    -- wrk counts a status above 399 as an error; whk listen answers 200 or 500 here.
    io.write(string.format("non-2xx: %d\n", e.status))
    io.write(string.format(
        "RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(99), latency.max))
end
LUA

# --- the capture check -------------------------------------------------------------------
cat >"$work/check.py" <<'PY'
import json, sys

lines = valid = ok_status = duplicates = 0
bad = []
ids = set()
sizes = set()
with open(sys.argv[1], "rb") as f:
    for number, raw in enumerate(f, 1):
        lines += 1
        try:
            capture = json.loads(raw)
        except ValueError as err:
            bad.append(f"line {number}: not JSON ({err})")
            continue
        signature = capture.get("signature") or {}
        if signature.get("valid") is True and signature.get("scheme") == "georedir":
            valid += 1
        elif len(bad) < 5:
            bad.append(f"line {number}: signature {signature}")
        if 200 <= capture.get("response", {}).get("status", 0) < 300:
            ok_status += 1
        duplicates += bool(capture.get("duplicate"))
        ids.add(capture.get("id"))
        sizes.add(capture.get("body_size"))
print(f"lines={lines} valid={valid} answered_2xx={ok_status} unique_ids={len(ids)} "
      f"duplicates={duplicates} body_sizes={sorted(s for s in sizes if s is not None)}")
for b in bad[:5]:
    print("problem:", b, file=sys.stderr)
PY

cat >"$work/threads.py" <<'PY'
# CPU use of each thread of a process over two seconds, summed by thread name.
import os, sys, time

pid = sys.argv[1]
hz = os.sysconf("SC_CLK_TCK")


def snapshot():
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        threads[tid] = (name, int(fields[11]), int(fields[12]))
    return threads


before, start = snapshot(), time.monotonic()
time.sleep(2)
after, elapsed = snapshot(), time.monotonic() - start
groups = {}
for tid, (name, user, system) in after.items():
    if tid in before:
        g = groups.setdefault(name, [0, 0.0, 0.0])
        g[0] += 1
        g[1] += (user - before[tid][1]) / hz / elapsed * 100
        g[2] += (system - before[tid][2]) / hz / elapsed * 100
print(", ".join(f"{name} x{n} {u + s:.0f}% (user {u:.0f}%, sys {s:.0f}%)"
                for name, (n, u, s) in sorted(groups.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))))
PY

# --- runs --------------------------------------------------------------------------------
kv() { # kv KEY TEXT: the value of KEY=value in TEXT
    sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$2" | head -n1
}

rows=()
notes=()
failed=0
echo "machine: $(nproc) CPUs, $(uname -sr); $("$whk" --version 2>/dev/null | head -n1)" >&2
for conns in $CONNECTIONS; do
    run="$work/c$conns"
    mkdir -p "$run"
    # Other work on the machine skews the figures: show the load and how idle the CPUs were
    # in the second before the run (the load average still counts the previous run).
    load=$(uptime | sed 's/.*load average: //')
    idle=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
    sleep 1
    idle=$(awk -v before="$idle" '/^cpu / {
        split(before, b, " "); i = $5 + $6; t = $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9
        printf "%.0f", (i - b[1]) / (t - b[2]) * 100 }' /proc/stat)
    load="$load; CPUs ${idle}% idle in the second before"
    echo "--- $conns connections, ${SECONDS_PER_RUN}s (load average before: $load)" >&2

    /usr/bin/time -v -o "$run/time.txt" \
        "$whk" listen --port 0 --secret "$SECRET" --save "$run/capture.jsonl" --json \
        >/dev/null 2>"$run/stderr.txt" &
    time_pid=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(sed -n 's/.*"type":"listening".*"port":\([0-9]*\).*/\1/p' "$run/stderr.txt" 2>/dev/null | head -n1)
        [[ -n $port ]] && break
        kill -0 "$time_pid" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n $port ]] || { cat "$run/stderr.txt" >&2; die "whk listen did not announce its port"; }
    whk_pid=$(ps -o pid= --ppid "$time_pid" | tr -d ' ' | head -n1)
    [[ -n $whk_pid ]] || die "cannot find the whk process under /usr/bin/time"

    # Per-thread CPU of whk over two seconds mid-run, grouped by thread name.
    (sleep $(((SECONDS_PER_RUN - 2) / 2)) &&
        python3 "$work/threads.py" "$whk_pid" >"$run/threads.txt" 2>/dev/null) &
    top_pid=$!

    timeout $((SECONDS_PER_RUN + 60)) \
        /usr/bin/time -f "user=%U sys=%S" -o "$run/wrk-time.txt" \
        wrk -t"$THREADS" -c"$conns" -d"${SECONDS_PER_RUN}s" --timeout 10s \
        -s "$work/post.lua" "http://127.0.0.1:$port/webhooks/georedir" \
        -- "$work/bodies.tsv" "$UNIQUE" >"$run/wrk.txt" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { cat "$run/wrk.txt" >&2; die "wrk failed"; }
    wrk_pid=""
    wait "$top_pid" 2>/dev/null || true

    # Stop the listener the way a person would, and wait (bounded) for it to exit.
    kill -INT "$whk_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$whk_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$whk_pid" 2>/dev/null; then
        echo "whk did not stop within 10 s of SIGINT; killing it" >&2
        kill -KILL "$whk_pid" 2>/dev/null || true
    fi
    wait "$time_pid" || true
    time_pid=""
    whk_pid=""

    result=$(grep '^RESULT' "$run/wrk.txt") || { cat "$run/wrk.txt" >&2; die "no result from wrk"; }
    requests=$(kv requests "$result")
    non2xx=$(kv non2xx "$result")
    duration_us=$(kv duration_us "$result")
    socket_errors=$(($(kv connect "$result") + $(kv read "$result") + $(kv write "$result")))
    timeouts=$(kv timeout "$result")
    acked=$((requests - non2xx))
    rate=$(awk -v a="$acked" -v d="$duration_us" 'BEGIN { printf "%d", a / (d / 1e6) }')
    p50=$(awk -v u="$(kv p50_us "$result")" 'BEGIN { printf "%.2f", u / 1000 }')
    p99=$(awk -v u="$(kv p99_us "$result")" 'BEGIN { printf "%.2f", u / 1000 }')
    rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$run/time.txt")
    rss=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$run/time.txt")
    user=$(sed -n 's/.*User time (seconds): //p' "$run/time.txt")
    sys=$(sed -n 's/.*System time (seconds): //p' "$run/time.txt")

    wrk_cpu=$(awk -F'[= ]' '{ printf "%.1f", $2 + $4 }' "$run/wrk-time.txt")
    seconds=$(awk -v d="$duration_us" 'BEGIN { printf "%.2f", d / 1e6 }')
    whk_cores=$(awk -v c="$cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')
    wrk_cores=$(awk -v c="$wrk_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')

    check=$(python3 "$work/check.py" "$run/capture.jsonl")
    lines=$(kv lines "$check")
    valid=$(kv valid "$check")
    answered=$(kv answered_2xx "$check")
    unique_ids=$(kv unique_ids "$check")
    all_valid=no
    [[ $valid -eq $lines && $unique_ids -eq $lines && $lines -gt 0 ]] && all_valid=yes
    complete=no
    [[ $answered -ge $acked ]] && complete=yes
    [[ $all_valid = yes && $complete = yes ]] || failed=1

    rows+=("| $conns | $rate | $p50 / $p99 ms | $rss | $lines | $acked | $all_valid |")
    notes+=("$conns connections: wrk completed $requests responses in $seconds s, non-2xx $non2xx, socket errors $socket_errors, timeouts $timeouts; capture: $check; lines - acknowledged = $((lines - acked)) (deliveries saved whose answer wrk had not read when it stopped); every acknowledged delivery saved: $complete; whk CPU ${cpu}s (user $user, sys $sys) = $(awk -v c="$cpu" -v n="$lines" 'BEGIN { printf "%.1f", c / n * 1e6 }') µs per delivery, ~$whk_cores cores; wrk CPU ${wrk_cpu}s, ~$wrk_cores cores; load average before: $load")
    echo "${notes[-1]}" >&2
    grep -E 'Latency|Req/Sec|requests in|Requests/sec|non-2xx' "$run/wrk.txt" | sed 's/^/  wrk: /' >&2
    if [[ -s $run/threads.txt ]]; then
        echo "  whk CPU by thread, mid-run: $(cat "$run/threads.txt")" >&2
        notes[-1]+="; whk CPU by thread mid-run: $(cat "$run/threads.txt")"
    fi
done

echo
echo "whk listen --port 0 --secret S --save FILE.jsonl --json >/dev/null, 1 KiB GeoRedir-signed bodies,"
echo "wrk -t$THREADS -cN -d${SECONDS_PER_RUN}s on 127.0.0.1, $(nproc) CPUs shared by wrk and whk$([[ $UNIQUE = 1 ]] && echo ', a distinct webhook-id per request')"
echo
echo "| connections | deliveries/s | p50 / p99 latency | peak RSS MiB | captured lines | acknowledged | all valid |"
echo "|---:|---:|---:|---:|---:|---:|:---|"
printf '%s\n' "${rows[@]}"
echo
printf -- '- %s\n' "${notes[@]}"
if [[ $failed -ne 0 ]]; then
    echo "bench-listen: the capture file is missing acknowledged deliveries or holds invalid ones" >&2
    exit 1
fi

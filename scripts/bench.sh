#!/usr/bin/env bash
# The whole-process benchmarks of whk beside the tools it replaces or competes with, in one
# run, printed as one Markdown table of ratios (and the details under it):
#
#   a. one signed delivery as a whole process: `whk send` vs the openssl+curl shell recipe vs
#      the same in a python3 one-liner, all against the same local nginx;
#   b. load: `whk send --count N --concurrency C` vs wrk with the same connections against
#      the same nginx, and what signing costs per request (from the criterion benchmarks);
#   c. ingest: `whk listen --secret S --save FILE.jsonl --json` vs a minimal Python receiver
#      (http.server, ThreadingHTTPServer) vs nginx `return 200`, each fed by wrk POSTing
#      signed 1 KiB bodies over 64 connections;
#   d. signing and verifying throughput: whk's in-process sign/verify (criterion) and
#      `whk verify` over a capture file vs `openssl speed -hmac sha256` for the same sizes,
#      and `whk sign` as a process vs `openssl dgst -hmac`;
#   e. peak memory (GNU time) of each, the binary's size, and `whk --version` start-up.
#
#   scripts/bench.sh                              # everything, about 3–4 minutes once built
#   scripts/bench.sh load                         # only load: wrk, oha and whk side by side,
#                                                 # and one send vs openssl+curl (< 2 minutes)
#   BENCH_CRITERION=0 scripts/bench.sh            # skip `cargo bench` (sign/verify rows empty)
#   BENCH_SECONDS=10 BENCH_RUNS=50 scripts/bench.sh
#
# Environment:
#   BENCH_SECONDS      wrk duration of each throughput run (default 5, at most 60)
#   BENCH_ROUNDS       `load`: rounds of wrk, oha, whk, one after another (default 3)
#   BENCH_TOOLS        `load`: where `cargo install oha --locked` puts oha when it is
#                      missing from PATH (default ~/.cargo; oha takes minutes to compile)
#   BENCH_CONNECTIONS  connections for (b) and (c) (default 64)
#   BENCH_COUNT        deliveries of each `whk send --count` run in (b) (default 20000)
#   BENCH_RUNS         runs per command timed by hyperfine in (a), (d), (e) (default 30)
#   BENCH_VERIFY_LINES captures fed to `whk verify` in (d) (default 100000)
#   BENCH_CRITERION    1 (default): run `cargo bench --bench signing` for the in-process rows
#   BENCH_WAIT_IDLE    seconds, over the whole run, that may be spent waiting for the CPUs
#                      to be 90% idle before a part starts (default 60; 0: never wait). The
#                      load before each part is printed either way.
#   BENCH_KEEP         1: keep the temp directory
#   CARGO_TARGET_DIR   where cargo builds (default ./target)
#
# Installs with apt-get when missing (as root): wrk, nginx, hyperfine, GNU time, openssl,
# curl. nginx runs as a plain process of this script with its own config in a temp
# directory, never as a service. Every server listens on, and every client talks to,
# 127.0.0.1 only; every step runs under `timeout`.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
COUNT=${BENCH_COUNT:-20000}
RUNS=${BENCH_RUNS:-30}
VERIFY_LINES=${BENCH_VERIFY_LINES:-100000}
CRITERION=${BENCH_CRITERION:-1}
WAIT_IDLE=${BENCH_WAIT_IDLE:-60}
ROUNDS=${BENCH_ROUNDS:-3}
SECRET="bench-secret-whk"
MODE=${1:-all}
[[ $MODE = all || $MODE = load ]] || die "unknown part $MODE: run scripts/bench.sh, or scripts/bench.sh load"

number BENCH_SECONDS "$SECONDS_PER_RUN" 1 60
number BENCH_CONNECTIONS "$CONNECTIONS" 2 1000
number BENCH_COUNT "$COUNT" 1 10000000
number BENCH_RUNS "$RUNS" 3 1000
number BENCH_VERIFY_LINES "$VERIFY_LINES" 1 10000000
number BENCH_WAIT_IDLE "$WAIT_IDLE" 0 3600
number BENCH_ROUNDS "$ROUNDS" 1 20

need_tool cargo "to build whk"
cd "$repo"

# --- tools -------------------------------------------------------------------------------
ensure_tool wrk
find_nginx
ensure_tool hyperfine
ensure_tool /usr/bin/time time "GNU time (/usr/bin/time)"
ensure_tool openssl
ensure_tool curl
find_python "(receiver, one-liner, body generation)"
[[ $MODE = load ]] && find_oha
build_whk 1

# --- state and cleanup --------------------------------------------------------------------
make_work
wait_budget=$WAIT_IDLE

rss_mib() { # rss_mib TIME_FILE: peak RSS from GNU time -v, in MiB
    awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}
cpu_s() { # cpu_s TIME_FILE: user + system seconds from GNU time -v
    awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
}

# hyperfine_ms NAME COMMAND...: the median wall time in ms of each command, HF_RUNS runs
# (default RUNS) after 3 warm-up runs, no shell in between, one line per command.
hyperfine_ms() {
    local name=$1
    shift
    timeout 300 hyperfine -N --warmup 3 --runs "${HF_RUNS:-$RUNS}" --export-json "$work/hf-$name.json" \
        "$@" >"$work/hf-$name.txt" 2>&1 || { cat "$work/hf-$name.txt" >&2; die "hyperfine failed for $name"; }
    "$PY" - "$work/hf-$name.json" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    print(f"{result['median'] * 1000:.2f}")
PY
}

# json_get FILE KEY: a top-level value of a JSON object.
json_get() {
    "$PY" - "$1" "$2" <<'PY'
import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])
PY
}

# --- bodies: realistic clicks, signed; padded to 1024 bytes for (c) -----------------------
"$whk" events click --json --seed 7 >"$work/template.json"
cat >"$work/bodies.py" <<'PY'
import hashlib, hmac, json, random, string, sys

template_path, out_path, count, secret, pad = sys.argv[1:6]
count, pad = int(count), int(pad)
template = json.load(open(template_path))
rng = random.Random(7)
alphabet = string.ascii_lowercase + string.digits
with open(out_path, "w") as out:
    for n in range(count):
        payload = json.loads(json.dumps(template))
        data = payload["data"]
        data["click_id"] = "".join(rng.choice(alphabet) for _ in range(12))
        data["ip"] = f"198.51.100.{rng.randrange(1, 255)}"
        if pad:
            data["user_agent"] = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                  "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80")
            data["landing_query"] = "utm_source=newsletter&utm_medium=email&gclid="
            base = len(json.dumps(payload, separators=(",", ":")).encode())
            data["landing_query"] += "".join(rng.choice(string.ascii_letters + string.digits)
                                             for _ in range(pad - base))
        body = json.dumps(payload, separators=(",", ":")).encode()
        assert not pad or len(body) == pad, len(body)
        sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        out.write(f"{sig}\t{body.decode()}\n")
PY
"$PY" "$work/bodies.py" "$work/template.json" "$work/bodies-1k.tsv" 1024 "$SECRET" 1024
"$PY" "$work/bodies.py" "$work/template.json" "$work/bodies-click.tsv" 256 "$SECRET" 0
head -n1 "$work/bodies-1k.tsv" | cut -f2- | tr -d '\n' >"$work/body-1k.json"
"$whk" events click --json --seed 1 | tr -d '\n' >"$work/click.json"
# Every signer must agree before anything is timed.
sig=$(head -n1 "$work/bodies-1k.tsv" | cut -f1)
[[ $("$whk" sign "$work/body-1k.json" --secret "$SECRET" | sed -n 's/^X-GeoRedir-Signature: //p') = "$sig" ]] ||
    die "whk sign disagrees with the benchmark's signature"
[[ $(openssl dgst -sha256 -hmac "$SECRET" -r "$work/body-1k.json" | cut -d' ' -f1) = "$sig" ]] ||
    die "openssl disagrees with the benchmark's signature"

write_post_lua "$work/post.lua"

# wrk_run NAME PORT BODIES: wrk -cCONNECTIONS for SECONDS_PER_RUN; sets wrk_rate, wrk_line.
wrk_run() {
    local name=$1 port=$2 bodies=$3 result requests non2xx duration
    timeout $((SECONDS_PER_RUN + 60)) /usr/bin/time -v -o "$work/$name-wrk.time" \
        wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 10s -s "$work/post.lua" \
        "http://127.0.0.1:$port/webhooks/georedir" -- "$bodies" >"$work/$name-wrk.txt" 2>&1 ||
        { cat "$work/$name-wrk.txt" >&2; die "wrk failed against $name"; }
    result=$(grep '^RESULT' "$work/$name-wrk.txt") || die "no result from wrk against $name"
    requests=$(kv requests "$result")
    non2xx=$(kv non2xx "$result")
    duration=$(kv duration_us "$result")
    wrk_rate=$(calc "\"%d\", ($requests - $non2xx) / ($duration / 1e6)")
    wrk_line="$name: $((requests - non2xx)) answered 2xx in $(calc "\"%.2f\", $duration / 1e6") s, non-2xx $non2xx, socket errors $(($(kv connect "$result") + $(kv read "$result") + $(kv write "$result"))), timeouts $(kv timeout "$result"), p50 $(calc "\"%.2f\", $(kv p50_us "$result") / 1000") ms, p99 $(calc "\"%.2f\", $(kv p99_us "$result") / 1000") ms; wrk CPU $(cpu_s "$work/$name-wrk.time") s"
    [[ $non2xx -eq 0 ]] || die "$name answered $non2xx non-2xx statuses"
}

# cpu_per_request TIME_FILE REQUESTS: user + system µs per request, from GNU time -v.
cpu_per_request() { calc "\"%.1f\", $(cpu_s "$1") / $2 * 1e6"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; } # of stdin lines

# oha_run ROUND PORT: oha with the same connections, duration and a signed click body; sets
# oha_rate and oha_cpu (µs per request).
oha_run() {
    local round=$1 port=$2 sig requests
    sig=$(head -n1 "$work/bodies-click.tsv" | cut -f1)
    head -n1 "$work/bodies-click.tsv" | cut -f2- | tr -d '\n' >"$work/oha-body.json"
    timeout $((SECONDS_PER_RUN + 60)) /usr/bin/time -v -o "$work/oha$round.time" \
        "$OHA" -z "${SECONDS_PER_RUN}s" -c "$CONNECTIONS" --no-tui "${OHA_JSON[@]}" -m POST \
        -H "Content-Type: application/json" -H "User-Agent: GeoRedir-Webhooks/1.0" \
        -H "X-GeoRedir-Signature: $sig" -D "$work/oha-body.json" \
        "http://127.0.0.1:$port/webhooks/georedir" >"$work/oha$round.json" 2>"$work/oha$round.err" ||
        { cat "$work/oha$round.err" >&2; die "oha failed"; }
    read -r requests oha_rate < <("$PY" - "$work/oha$round.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
ok = sum(n for code, n in result["statusCodeDistribution"].items() if code.startswith("2"))
print(ok, int(ok / result["summary"]["total"]))
PY
)
    oha_cpu=$(cpu_per_request "$work/oha$round.time" "$requests")
}

# whk_load_run ROUND URL: `whk send click --duration` with the same connections; sets
# whk_rate and whk_cpu (µs per request).
whk_load_run() {
    local round=$1 url=$2 deliveries
    timeout $((SECONDS_PER_RUN + 60)) /usr/bin/time -v -o "$work/whk$round.time" \
        "$whk" send click --url "$url" --secret "$SECRET" --duration "${SECONDS_PER_RUN}s" \
        --concurrency "$CONNECTIONS" --json >"$work/whk$round.json" 2>"$work/whk$round.err" ||
        { cat "$work/whk$round.err" >&2; die "whk send --duration failed"; }
    deliveries=$(json_get "$work/whk$round.json" succeeded)
    whk_rate=$(calc "\"%d\", $deliveries / $(json_get "$work/whk$round.json" elapsed_s)")
    whk_cpu=$(cpu_per_request "$work/whk$round.time" "$deliveries")
}

# load_side_by_side: `scripts/bench.sh load`. wrk, oha and whk against one nginx, taking
# turns for BENCH_ROUNDS rounds (so a busy moment of the machine touches all three), then
# one signed delivery as a whole process; prints medians, ratios and CPU per request.
load_side_by_side() {
    local round url wrk_cpu wrk_requests
    local -a wrk_rates=() oha_rates=() whk_rates=() wrk_cpus=() oha_cpus=() whk_cpus=()
    start_nginx timeout 900
    url="http://127.0.0.1:$nginx_port/webhooks/georedir"
    for round in $(seq 1 "$ROUNDS"); do
        quiet "load round $round of $ROUNDS: wrk, oha, whk; $CONNECTIONS connections, ${SECONDS_PER_RUN}s each"
        wrk_run "round$round" "$nginx_port" "$work/bodies-click.tsv"
        wrk_requests=$(kv requests "$(grep '^RESULT' "$work/round$round-wrk.txt")")
        wrk_cpu=$(cpu_per_request "$work/round$round-wrk.time" "$wrk_requests")
        wrk_rates+=("$wrk_rate") wrk_cpus+=("$wrk_cpu")
        oha_run "$round" "$nginx_port"
        oha_rates+=("$oha_rate") oha_cpus+=("$oha_cpu")
        whk_load_run "$round" "$url"
        whk_rates+=("$whk_rate") whk_cpus+=("$whk_cpu")
        say "round $round: wrk $wrk_rate/s ($wrk_cpu µs), oha $oha_rate/s ($oha_cpu µs), whk $whk_rate/s ($whk_cpu µs)"
    done
    quiet "one signed delivery, whole process"
    cat >"$work/recipe.sh" <<'SH'
sig=$(openssl dgst -sha256 -hmac "$1" -r "$2" | cut -d' ' -f1); curl -sS -o /dev/null -H "Content-Type: application/json" -H "X-GeoRedir-Signature: $sig" --data-binary @"$2" "$3"
SH
    local -a single
    mapfile -t single < <(HF_RUNS=${HF_RUNS:-20} hyperfine_ms single \
        "$whk send click --url $url --secret $SECRET -q" \
        "sh $work/recipe.sh $SECRET $work/click.json $url")
    stop_nginx || true

    local wrk_med oha_med whk_med
    wrk_med=$(printf '%s\n' "${wrk_rates[@]}" | median)
    oha_med=$(printf '%s\n' "${oha_rates[@]}" | median)
    whk_med=$(printf '%s\n' "${whk_rates[@]}" | median)
    echo
    echo "$(cat "$work/machine.txt"); $("$whk" --version); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); $("$OHA" --version)"
    echo "command: BENCH_SECONDS=$SECONDS_PER_RUN BENCH_CONNECTIONS=$CONNECTIONS BENCH_ROUNDS=$ROUNDS scripts/bench.sh load"
    echo "receiver: nginx \`return 200\`, one worker; body: a signed click (~$(wc -c <"$work/oha-body.json") bytes)"
    echo
    echo "| sender | req/s (median of $ROUNDS) | × wrk | CPU µs per request (median) | each round (req/s) |"
    echo "|---|---:|---:|---:|:--|"
    echo "| wrk -t2 -c$CONNECTIONS | $wrk_med | 1.00 | $(printf '%s\n' "${wrk_cpus[@]}" | median) | ${wrk_rates[*]} |"
    echo "| oha -c$CONNECTIONS | $oha_med | $(calc "\"%.2f\", $oha_med / $wrk_med") | $(printf '%s\n' "${oha_cpus[@]}" | median) | ${oha_rates[*]} |"
    echo "| whk send click --duration --concurrency $CONNECTIONS (fresh sample + signature each) | $whk_med | $(calc "\"%.2f\", $whk_med / $wrk_med") | $(printf '%s\n' "${whk_cpus[@]}" | median) | ${whk_rates[*]} |"
    echo
    echo "one signed delivery, whole process (hyperfine median of ${HF_RUNS:-20}): whk send click ${single[0]} ms, openssl+curl ${single[1]} ms: $(calc "\"%.2f\", ${single[0]} / ${single[1]}")×"
    printf -- '- %s\n' "${loads[@]}"
}

# --- the receivers -----------------------------------------------------------------------
nginx_setup

cat >"$work/receiver.py" <<'PY'
# A minimal webhook receiver on Python's standard library: read the body, answer 200.
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open, as every other receiver here does; http.server's
    # default, HTTP/1.0, closes each one after its answer (argv[2] picks).
    protocol_version = sys.argv[2]

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 1024  # the default backlog of 5 drops connections at 64 at once


server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
server.serve_forever()
PY

echo "machine: $(machine_line)" >"$work/machine.txt"
say "$(cat "$work/machine.txt"); $("$whk" --version)"

if [[ $MODE = load ]]; then
    load_side_by_side
    exit 0
fi

# --- (d, in-process) criterion -----------------------------------------------------------
crit() { # crit GROUP/ID/SIZE: median ns per iteration, or nothing
    local f="$work/criterion/$1/new/estimates.json"
    [[ -f $f ]] || return 0
    "$PY" - "$f" <<'PY'
import json, sys
print(f"{json.load(open(sys.argv[1]))['median']['point_estimate']:.1f}")
PY
}
if [[ $CRITERION = 1 ]]; then
    quiet "criterion (cargo bench --bench signing)"
    CRITERION_HOME="$work/criterion" timeout 600 cargo bench --quiet --bench signing \
        >"$work/criterion.txt" 2>&1 || { tail -n 30 "$work/criterion.txt" >&2; die "cargo bench failed"; }
fi

# --- (a) one delivery as a whole process -------------------------------------------------
start_nginx /usr/bin/time -v -o "$work/nginx.time"
quiet "a: one signed delivery to nginx on 127.0.0.1:$nginx_port"
url="http://127.0.0.1:$nginx_port/webhooks"
cat >"$work/recipe.sh" <<'SH'
sig=$(openssl dgst -sha256 -hmac "$1" -r "$2" | cut -d' ' -f1); curl -sS -o /dev/null -H "Content-Type: application/json" -H "X-GeoRedir-Signature: $sig" --data-binary @"$2" "$3"
SH
oneliner='import hashlib,hmac,sys,urllib.request as u;b=open(sys.argv[2],"rb").read();u.urlopen(u.Request(sys.argv[3],b,{"Content-Type":"application/json","X-GeoRedir-Signature":hmac.new(sys.argv[1].encode(),b,hashlib.sha256).hexdigest()})).read()'
mapfile -t single < <(hyperfine_ms single \
    "$whk send click --url $url --secret $SECRET -q" \
    "$whk send --data $work/click.json --url $url --secret $SECRET -q" \
    "sh $work/recipe.sh $SECRET $work/click.json $url" \
    "$PY -c '$oneliner' $SECRET $work/click.json $url")
send_ms=${single[0]} send_data_ms=${single[1]} recipe_ms=${single[2]} python_ms=${single[3]}
/usr/bin/time -v -o "$work/send1.time" "$whk" send click --url "$url" --secret "$SECRET" -q >/dev/null
/usr/bin/time -v -o "$work/recipe.time" sh "$work/recipe.sh" "$SECRET" "$work/click.json" "$url"
/usr/bin/time -v -o "$work/python1.time" "$PY" -c "$oneliner" "$SECRET" "$work/click.json" "$url"

# --- (b) load: whk send --count vs wrk, same nginx ---------------------------------------
quiet "b: load on nginx, $CONNECTIONS connections"
load_rates=()
for attempt in 1 2 3 4 5; do
    timeout 120 /usr/bin/time -v -o "$work/load$attempt.time" \
        "$whk" send click --url "$url" --secret "$SECRET" --count "$COUNT" \
        --concurrency "$CONNECTIONS" --json >"$work/load$attempt.json" 2>"$work/load$attempt.err" ||
        { cat "$work/load$attempt.err" >&2; die "whk send --count failed"; }
    load_rates+=("$(json_get "$work/load$attempt.json" rate_per_s | cut -d. -f1) $attempt")
done
# The median of the five runs, with its own CPU and memory figures.
read -r load_rate load_run < <(printf '%s\n' "${load_rates[@]}" | sort -n | sed -n 3p)
load_json=$(cat "$work/load$load_run.json")
load_cpu=$(cpu_s "$work/load$load_run.time")
load_rss=$(rss_mib "$work/load$load_run.time")
wrk_run nginx-load "$nginx_port" "$work/bodies-click.tsv"
load_wrk_rate=$wrk_rate
load_wrk_line=$wrk_line
load_wrk_rss=$(rss_mib "$work/nginx-load-wrk.time")
# The same duration as wrk's, so both rates are steady-state ones.
timeout $((SECONDS_PER_RUN + 60)) "$whk" send click --url "$url" --secret "$SECRET" \
    --duration "${SECONDS_PER_RUN}s" --concurrency "$CONNECTIONS" --json >"$work/load-duration.json"
load_duration_rate=$(json_get "$work/load-duration.json" rate_per_s | cut -d. -f1)

# --- (c) ingest: whk listen vs Python vs nginx -------------------------------------------
quiet "c: nginx return 200, $CONNECTIONS connections"
wrk_run nginx "$nginx_port" "$work/bodies-1k.tsv"
nginx_rate=$wrk_rate
lines_c=("$wrk_line")
stop_nginx || true
nginx_rss=$(rss_mib "$work/nginx.time")

quiet "c: whk listen, $CONNECTIONS connections"
/usr/bin/time -v -o "$work/listen.time" \
    "$whk" listen --port 0 --secret "$SECRET" --save "$work/capture.jsonl" --json \
    >/dev/null 2>"$work/listen.err" &
listen_time_pid=$!
track_pid "$listen_time_pid"
listen_pid=$(child_of "$listen_time_pid") || die "cannot find the whk process under GNU time"
track_pid "$listen_pid"
wait_listen_port "$work/listen.err" "$listen_pid"
wrk_run whk-listen "$whk_port" "$work/bodies-1k.tsv"
listen_rate=$wrk_rate
lines_c+=("$wrk_line")
stop_wrapped "$listen_time_pid" "$listen_pid" INT || true
listen_rss=$(rss_mib "$work/listen.time")
listen_cpu=$(cpu_s "$work/listen.time")
captured=$(wc -l <"$work/capture.jsonl")
valid=$(grep -c '"valid":true' "$work/capture.jsonl" || true)
[[ $valid -eq $captured ]] || die "whk listen saved $captured deliveries, only $valid with a valid signature"

# python_run NAME PROTOCOL: the Python receiver speaking PROTOCOL under wrk; sets its rate and
# peak RSS in py_rate[NAME] and py_rss[NAME].
declare -A py_rate py_rss
python_run() {
    local name=$1 protocol=$2 port time_pid pid
    quiet "c: Python http.server ($protocol), $CONNECTIONS connections"
    port=$(free_port)
    /usr/bin/time -v -o "$work/$name.time" "$PY" "$work/receiver.py" "$port" "$protocol" \
        2>"$work/$name.err" &
    time_pid=$!
    track_pid "$time_pid"
    wait_http "$port"
    pid=$(child_of "$time_pid") || die "cannot find the Python receiver under GNU time"
    track_pid "$pid"
    wrk_run "$name" "$port" "$work/bodies-1k.tsv"
    py_rate[$name]=$wrk_rate
    lines_c+=("$wrk_line")
    # TERM, not INT: a background job of a non-interactive shell starts with SIGINT ignored,
    # and so Python keeps it ignored (it used to take 10 s and a SIGKILL).
    stop_wrapped "$time_pid" "$pid" TERM || true
    py_rss[$name]=$(rss_mib "$work/$name.time")
}
python_run python HTTP/1.1
python_run python-http1.0 HTTP/1.0

# --- (d) whole-process sign and verify ---------------------------------------------------
quiet "d: whk verify, whk sign, openssl"
head -n "$VERIFY_LINES" "$work/capture.jsonl" >"$work/verify.jsonl"
rm -f "$work/capture.jsonl"
verify_lines=$(wc -l <"$work/verify.jsonl")
mapfile -t verifying < <(HF_RUNS=5 hyperfine_ms verify "$whk verify $work/verify.jsonl --secret $SECRET --json")
verify_s=$(calc "\"%.4f\", ${verifying[0]} / 1000")
timeout 120 /usr/bin/time -v -o "$work/verify.time" \
    "$whk" verify "$work/verify.jsonl" --secret "$SECRET" --json >"$work/verify.out"
grep -q "\"valid\":$verify_lines," "$work/verify.out" || die "whk verify did not find every capture valid"
verify_rate=$(calc "\"%d\", $verify_lines / $verify_s")
verify_rss=$(rss_mib "$work/verify.time")
declare -A openssl_bps # bytes per second, by body size
for size in 1024 65536; do
    k=$(timeout 30 openssl speed -seconds 2 -bytes "$size" -hmac sha256 2>/dev/null |
        awk '/^hmac\(sha256\)/ { sub(/k$/, "", $2); print $2 }')
    [[ -n $k ]] || die "openssl speed -hmac sha256 -bytes $size printed no figure"
    openssl_bps[$size]=$(calc "\"%.0f\", $k * 1000")
done
mapfile -t signing < <(hyperfine_ms sign \
    "$whk sign $work/body-1k.json --secret $SECRET" \
    "openssl dgst -sha256 -hmac $SECRET $work/body-1k.json")
sign_ms=${signing[0]} dgst_ms=${signing[1]}
/usr/bin/time -v -o "$work/sign.time" "$whk" sign "$work/body-1k.json" --secret "$SECRET" >/dev/null

# --- (e) start-up and size ---------------------------------------------------------------
quiet "e: whk --version"
mapfile -t startup < <(RUNS=$((RUNS * 3)) hyperfine_ms version "$whk --version")
version_ms=${startup[0]}
/usr/bin/time -v -o "$work/version.time" "$whk" --version >/dev/null
binary_kib=$(($(stat -c %s "$whk") / 1024))

# --- the table ---------------------------------------------------------------------------
yes_no() { (($(calc "\"%d\", ($1)"))) && echo "met" || echo "**missed**"; }
mbps() { calc "\"%.0f\", $1 / 1048576"; } # bytes/s → MiB/s
ratio() { calc "\"%.2f\", $1 / $2"; }
ratio3() { calc "\"%.3f\", $1 / $2"; } # where a ratio sits near its target

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
row "a. one signed delivery, whole process (median ms)" "whk send click: $send_ms" "openssl+curl: $recipe_ms" \
    "$(ratio "$send_ms" "$recipe_ms")×" "≤ 0.5×" "$(yes_no "$send_ms <= $recipe_ms * 0.5")"
row "a. … vs Python" "whk send click: $send_ms" "python3 one-liner: $python_ms" "$(ratio "$send_ms" "$python_ms")×" "" ""
row "a. … with the same pre-built body as the recipes" "whk send --data: $send_data_ms" "openssl+curl: $recipe_ms" \
    "$(ratio "$send_data_ms" "$recipe_ms")×" "" ""
row "b. load, $CONNECTIONS connections on nginx (req/s)" "whk send --count $COUNT: $load_rate" "wrk -d${SECONDS_PER_RUN}s: $load_wrk_rate" \
    "$(ratio3 "$load_rate" "$load_wrk_rate")×" "≥ 0.70×" "$(yes_no "$load_rate >= $load_wrk_rate * 0.7")"
row "b. … for wrk's duration" "whk send --duration ${SECONDS_PER_RUN}s: $load_duration_rate" "wrk -d${SECONDS_PER_RUN}s: $load_wrk_rate" \
    "$(ratio3 "$load_duration_rate" "$load_wrk_rate")×" "≥ 0.70×" "$(yes_no "$load_duration_rate >= $load_wrk_rate * 0.7")"
sign_ns=$(crit sign/georedir/1024)
compose_ns=$(crit compose/click_delivery_signed_georedir)
load_deliveries=$(json_get "$work/load$load_run.json" deliveries)
load_cpu_us=$(calc "\"%.1f\", $load_cpu / $load_deliveries * 1e6")
if [[ -n $sign_ns && -n $compose_ns ]]; then
    row "b. signing per request (µs, in-process)" "sign $(calc "\"%.2f\", $sign_ns / 1000"); compose+sign $(calc "\"%.2f\", $compose_ns / 1000")" \
        "whk CPU per request: $load_cpu_us" "$(calc "\"%.1f\", $sign_ns / 10 / $load_cpu_us")%; $(calc "\"%.1f\", $compose_ns / 10 / $load_cpu_us")%" "" ""
fi
row "c. ingest, $CONNECTIONS connections, 1 KiB (deliveries/s)" "whk listen: $listen_rate" "Python http.server, keep-alive: ${py_rate[python]}" \
    "$(ratio "$listen_rate" "${py_rate[python]}")×" "≥ 20×" "$(yes_no "$listen_rate >= ${py_rate[python]} * 20")"
row "c. … vs http.server's default HTTP/1.0" "whk listen: $listen_rate" "Python, a connection per request: ${py_rate[python-http1.0]}" \
    "$(ratio "$listen_rate" "${py_rate[python-http1.0]}")×" "≥ 20×" "$(yes_no "$listen_rate >= ${py_rate[python-http1.0]} * 20")"
row "c. … vs the near-limit reference" "whk listen: $listen_rate" "nginx return 200: $nginx_rate" \
    "$(ratio "$listen_rate" "$nginx_rate")×" "" ""
for size in 1024 65536; do
    ref=${openssl_bps[$size]}
    label=$([[ $size = 1024 ]] && echo "1 KiB" || echo "64 KiB")
    for op in sign verify; do
        ns=$(crit "$op/georedir/$size")
        [[ -n $ns ]] || continue
        bps=$(calc "\"%.0f\", $size / ($ns / 1e9)")
        target="" met=""
        [[ $size = 1024 ]] && target="≥ 0.5×" && met=$(yes_no "$bps >= $ref * 0.5")
        row "d. $op $label in-process, georedir (MiB/s)" "$(mbps "$bps")" "openssl speed -hmac sha256: $(mbps "$ref")" \
            "$(ratio "$bps" "$ref")×" "$target" "$met"
    done
done
verify_bps=$(calc "\"%.0f\", $verify_rate * 1024")
row "d. whk verify FILE.jsonl, 1 KiB bodies (deliveries/s)" "$verify_rate ($(mbps "$verify_bps") MiB/s of body)" \
    "openssl speed: $(calc "\"%.0f\", ${openssl_bps[1024]} / 1024")" "$(ratio "$verify_bps" "${openssl_bps[1024]}")×" "" ""
row "d. whk sign FILE, 1 KiB, whole process (median ms)" "$sign_ms" "openssl dgst -hmac: $dgst_ms" "$(ratio "$sign_ms" "$dgst_ms")×" "" ""
row "e. whk --version (median ms)" "$version_ms" "" "" "< 5 ms" "$(yes_no "$version_ms < 5")"
row "e. peak RSS, listen at $CONNECTIONS connections (MiB)" "whk listen: $listen_rss" "Python: ${py_rss[python]}; nginx: $nginx_rss" "" "< 20 MiB" "$(yes_no "$listen_rss < 20")"
row "e. peak RSS, one delivery (MiB)" "whk send: $(rss_mib "$work/send1.time")" "openssl+curl: $(rss_mib "$work/recipe.time"); python3: $(rss_mib "$work/python1.time")" "" "" ""
row "e. peak RSS, load (MiB)" "whk send --count: $load_rss" "wrk: $load_wrk_rss" "" "" ""
row "e. peak RSS, other (MiB)" "verify: $verify_rss; sign: $(rss_mib "$work/sign.time"); --version: $(rss_mib "$work/version.time")" "" "" "" ""
row "e. binary size (KiB)" "$binary_kib" "" "" "" ""

echo
echo "$(cat "$work/machine.txt"); $("$whk" --version); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(openssl version | cut -d' ' -f1-2), $(curl --version | head -n1 | cut -d' ' -f1-2), Python $("$PY" -c 'import platform; print(platform.python_version())')"
echo "command: BENCH_SECONDS=$SECONDS_PER_RUN BENCH_CONNECTIONS=$CONNECTIONS BENCH_COUNT=$COUNT BENCH_RUNS=$RUNS scripts/bench.sh"
echo
echo "| measure | whk | reference | ratio | target | |"
echo "|---|---:|---:|---:|---:|:--|"
printf '%s\n' "${rows[@]}"
if [[ -d $work/criterion ]]; then
    echo
    echo "In-process, \`cargo bench --bench signing\` (criterion medians; the raw reference is the hmac crate keyed on each call, as \`openssl speed -hmac\` does):"
    echo
    "$PY" - "$work/criterion" "${openssl_bps[1024]}" "${openssl_bps[65536]}" <<'PY'
import json, pathlib, sys

root = pathlib.Path(sys.argv[1])
openssl = {1024: float(sys.argv[2]), 65536: float(sys.argv[3])}
medians = {}
for path in sorted(root.glob("**/new/estimates.json")):
    name = str(path.parent.parent.relative_to(root))
    medians[name] = json.load(open(path))["median"]["point_estimate"]
print("| benchmark | median | MiB/s | × raw HMAC time | × openssl speed throughput |")
print("|---|---:|---:|---:|---:|")
for name, ns in medians.items():
    size = name.rsplit("/", 1)[-1]
    time = f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"
    if not size.isdigit():
        print(f"| {name} | {time} | | | |")
        continue
    size = int(size)
    bps = size / (ns / 1e9)
    raw = medians.get(f"hmac_sha256/keyed_each_call/{size}")
    vs_raw = f"{ns / raw:.2f}×" if raw else ""
    vs_openssl = f"{bps / openssl[size]:.2f}×" if size in openssl else ""
    print(f"| {name} | {time} | {bps / 2**20:.0f} | {vs_raw} | {vs_openssl} |")
PY
fi
echo
printf -- '- %s\n' "${lines_c[@]}" "$load_wrk_line"
echo "- whk send --count $COUNT --concurrency $CONNECTIONS runs (req/s): $(printf '%s ' "${load_rates[@]%% *}")(median shown); median run: $load_json; whk CPU $load_cpu s"
echo "- whk send --duration ${SECONDS_PER_RUN}s --concurrency $CONNECTIONS: $(cat "$work/load-duration.json")"
echo "- whk listen: $captured deliveries saved, all valid; CPU $listen_cpu s ($(calc "\"%.1f\", $listen_cpu / $captured * 1e6") µs per delivery)"
echo "- whk verify: $verify_lines captures in $verify_s s (median of 5)"
echo "- one delivery, hyperfine medians of $RUNS runs: whk send click $send_ms ms, whk send --data $send_data_ms ms, openssl+curl $recipe_ms ms, python3 $python_ms ms"
printf -- '- %s\n' "${loads[@]}"

#!/usr/bin/env bash
# `whk listen` beside nginx `return 200`, in one run: how many signed 1 KiB deliveries per
# second whk absorbs on loopback while verifying every signature and saving every delivery
# to a JSON Lines file, against the near-limit reference of nginx answering 200 with one
# worker; what each costs in server CPU per request, its latency and peak memory; and how
# much memory whk holds with 1,000 idle connections open (while still answering a delivery).
#
#   a. throughput, alternating: nginx, whk, nginx, whk … for BENCH_ROUNDS rounds, so both see
#      the same machine state. Each run starts its server afresh and drives it with
#        wrk -t2 -c64 -d5s POSTing the same pre-signed 1 KiB bodies (rotating) to
#        whk listen --port 0 --secret S --save FILE.jsonl --json >/dev/null
#        nginx (worker_processes 1, location / { return 200; })
#      Server CPU comes from /proc/PID/stat (utime + stime) of the nginx worker and of the
#      whk process (all its threads) before and after wrk; wrk's CPU from GNU time; peak RSS
#      is VmHWM from /proc/PID/status when wrk is done. Each whk run's capture file must hold
#      every delivery wrk saw acknowledged (2xx), each with a valid signature.
#   b. idle connections: a fresh `whk listen` (same command) with 1,000 connections open from
#      a python3 script (half send nothing, half a partial request head), held ~3 s; whk's
#      VmRSS and VmHWM are read while they are open, and one signed delivery sent with curl
#      meanwhile must get 200 and be saved. (whk's defaults: --max-connections 1024,
#      --read-timeout 30s, so none of the idle ones is refused or timed out in that window.)
#
# Prints (stdout) a Markdown table with the medians over the rounds, the whk/nginx ratio of
# deliveries/s per round (median and min–max), the idle-connection line, the targets
# (≥ 0.6× nginx, aim 0.8×; peak RSS ≤ 20 MiB at 64 connections; ≤ 64 MiB with 1,000 idle
# connections) as met/missed, the machine, the load before each run and the exact commands.
# Progress goes to stderr. Exit status: 0 when it ran, even if a target is missed; 1 when a
# capture file misses an acknowledged delivery or holds an invalid one, or the delivery
# during the idle connections did not get 200 or was not saved; 2 on a setup error.
#
#   scripts/bench-listen.sh                           # 3 rounds of 5 s + idle: ~1 min once built
#   BENCH_SECONDS=2 BENCH_ROUNDS=1 scripts/bench-listen.sh    # a quick check that it works
#   BENCH_ROUNDS=7 BENCH_WAIT_IDLE=120 scripts/bench-listen.sh
#   BENCH_BUILD=0 scripts/bench-listen.sh             # use the binary already built
#
# Environment:
#   BENCH_SECONDS      wrk duration of each run (default 5, 1 to 60)
#   BENCH_ROUNDS       rounds of (nginx, whk) (default 3, 1 to 50)
#   BENCH_CONNECTIONS  wrk connections (default 64; the RSS target is for 64)
#   BENCH_IDLE         idle connections held open in (b) (default 1000, 1 to 1000: whk's
#                      default --max-connections is 1024 and the curl delivery needs one)
#   BENCH_IDLE_HOLD    seconds the idle connections are held (default 3, 2 to 20)
#   BENCH_BODIES       distinct pre-signed bodies wrk rotates through (default 1024)
#   BENCH_UNIQUE       1: add a per-request `webhook-id` header, so every delivery has its own
#                      idempotency key and whk's duplicate-detection set grows as in a long
#                      real stream (the GeoRedir signature covers the body only, so it stays
#                      valid); 0 (default): the keys repeat every BENCH_BODIES deliveries.
#                      Sent to nginx as well, so both get the same requests.
#   BENCH_WAIT_IDLE    seconds, over the whole run, that may be spent waiting for the CPUs
#                      to be 90% idle before a run starts (default 60; 0: never wait). The
#                      load before each run is printed either way.
#   BENCH_BUILD        1 (default): `cargo build --release --quiet` first; 0: use the binary
#                      as it is
#   BENCH_KEEP         1: keep the temp directory (captures, wrk output, nginx config)
#   CARGO_TARGET_DIR   where cargo builds (default ./target)
#
# Needs: cargo, python3, and curl, wrk, nginx and GNU time (these four installed with apt-get
# when missing and running as root), and `ulimit -n` of at least 4096 (raised here when the
# hard limit allows). nginx runs as a plain child process of this script with its own config
# in a temp directory, never as a service. Every server listens on, and every client talks
# to, 127.0.0.1 only; every step runs under `timeout`; everything started is stopped on exit.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
IDLE=${BENCH_IDLE:-1000}
IDLE_HOLD=${BENCH_IDLE_HOLD:-3}
BODIES=${BENCH_BODIES:-1024}
UNIQUE=${BENCH_UNIQUE:-0}
WAIT_IDLE=${BENCH_WAIT_IDLE:-60}
BUILD=${BENCH_BUILD:-1}
THREADS=2
SECRET="bench-secret-whk"
NOFILE=4096

number BENCH_SECONDS "$SECONDS_PER_RUN" 1 60
number BENCH_ROUNDS "$ROUNDS" 1 50
number BENCH_CONNECTIONS "$CONNECTIONS" "$THREADS" 1000
number BENCH_IDLE "$IDLE" 1 1000
number BENCH_IDLE_HOLD "$IDLE_HOLD" 2 20
number BENCH_BODIES "$BODIES" 1 100000
number BENCH_UNIQUE "$UNIQUE" 0 1
number BENCH_WAIT_IDLE "$WAIT_IDLE" 0 3600
number BENCH_BUILD "$BUILD" 0 1

# The idle connections, wrk's and the servers' descriptors all count against `ulimit -n`.
if [[ $(ulimit -n) != unlimited && $(ulimit -n) -lt $NOFILE ]]; then
    ulimit -n "$NOFILE" 2>/dev/null ||
        die "cannot raise the open-file limit to $NOFILE (soft $(ulimit -Sn), hard $(ulimit -Hn)); raise the hard limit (e.g. as root, or in /etc/security/limits.conf) and rerun"
fi

cd "$repo"

# --- tools -------------------------------------------------------------------------------
ensure_tool wrk
find_nginx
ensure_tool /usr/bin/time time "GNU time (/usr/bin/time)"
ensure_tool curl
find_python "(bodies, capture check, idle connections)"
build_whk "$BUILD" " (or BENCH_BUILD=0 with a built binary)"

# --- state and cleanup --------------------------------------------------------------------
make_work
wait_budget=$WAIT_IDLE

# --- helpers ------------------------------------------------------------------------------
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { printf '%s\n' "$@" | sort -g | head -n1; }
maximum() { printf '%s\n' "$@" | sort -g | tail -n1; }

# --- bodies: realistic clicks padded to 1024 bytes, each signed ---------------------------
"$whk" events click --json --seed 7 >"$work/template.json"
"$PY" - "$work/template.json" "$work/bodies.tsv" "$BODIES" "$SECRET" <<'PY'
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
write_post_lua "$work/post.lua"

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
        if 200 <= (capture.get("response") or {}).get("status", 0) < 300:
            ok_status += 1
        duplicates += bool(capture.get("duplicate"))
        ids.add(capture.get("id"))
        sizes.add(capture.get("body_size"))
print(f"lines={lines} valid={valid} answered_2xx={ok_status} unique_ids={len(ids)} "
      f"duplicates={duplicates} body_sizes={','.join(str(s) for s in sorted(s for s in sizes if s is not None))}")
for b in bad[:5]:
    print("problem:", b, file=sys.stderr)
PY

# --- the idle connections ----------------------------------------------------------------
cat >"$work/idle.py" <<'PY'
# Opens N connections to 127.0.0.1:PORT: the even ones send nothing, the odd ones the start
# of a request head (no blank line, so never a whole request). Writes READY when all are
# connected, holds them HOLD seconds, reports how many the server closed or answered
# meanwhile, and closes them.
import os, socket, sys, time

port, n, hold, ready = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
partial = (b"POST /webhooks/georedir HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Content-Type: application/json\r\nUser-Agent: GeoRedir-Webhooks/1.0\r\n")
socks = []
start = time.monotonic()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    if i % 2:
        s.sendall(partial)
    socks.append(s)
connect_s = time.monotonic() - start
with open(ready + ".tmp", "w") as f:
    f.write(f"{n}\n")
os.rename(ready + ".tmp", ready)
time.sleep(hold)
closed = answered = 0
for s in socks:
    s.setblocking(False)
    try:
        data = s.recv(1024, socket.MSG_PEEK)
        if data:
            answered += 1
        else:
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
for s in socks:
    s.close()
print(f"opened={n} silent={(n + 1) // 2} partial_head={n // 2} connect_s={connect_s:.2f} "
      f"held_s={hold:g} closed_by_server={closed} answered_by_server={answered}")
PY

# --- servers ------------------------------------------------------------------------------
nginx_setup
SERVER_LIMIT=$((SECONDS_PER_RUN + IDLE_HOLD + 120)) # seconds any one server may live

# start_whk CAPTURE STDERR: `whk listen` saving to CAPTURE; sets whk_pid and whk_port.
start_whk() {
    timeout -k 5 "$SERVER_LIMIT" \
        "$whk" listen --port 0 --secret "$SECRET" --save "$1" --json >/dev/null 2>"$2" &
    whk_timeout_pid=$!
    track_pid "$whk_timeout_pid"
    whk_pid=$(child_of "$whk_timeout_pid") || die "cannot find the whk process under timeout"
    track_pid "$whk_pid"
    wait_listen_port "$2" "$whk_pid"
}
# stop_whk STDERR: SIGINT, as a person would; notes whatever whk printed besides "listening".
stop_whk() {
    stop_wrapped "$whk_timeout_pid" "$whk_pid" INT || odd+=("whk listen did not exit within 10 s of SIGINT (killed)")
    [[ $wrapped_status -eq 0 || $wrapped_status -eq 130 ]] ||
        odd+=("whk listen exited with status $wrapped_status after SIGINT ($1)")
    if grep -qv '"type":"listening"' "$1"; then
        odd+=("whk listen wrote to stderr ($1): $(grep -v '"type":"listening"' "$1" | head -n3 | tr '\n' ' ')")
    fi
}

# wrk_run NAME PORT: wrk against PORT; sets r_rate r_requests r_acked r_non2xx r_errors
# r_timeouts r_seconds r_p50 r_p99 r_wrk_cpu (seconds).
wrk_run() {
    local name=$1 port=$2 result wrk_pid
    # In the background and waited for, so that an interrupt is handled at once.
    timeout $((SECONDS_PER_RUN + 60)) \
        /usr/bin/time -f "user=%U sys=%S" -o "$work/$name-wrk.time" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 10s \
        -s "$work/post.lua" "http://127.0.0.1:$port/webhooks/georedir" \
        -- "$work/bodies.tsv" "$UNIQUE" >"$work/$name-wrk.txt" 2>&1 &
    wrk_pid=$!
    track_pid "$wrk_pid"
    wait "$wrk_pid" || { cat "$work/$name-wrk.txt" >&2; die "wrk failed against $name"; }
    untrack_pid "$wrk_pid"
    result=$(grep '^RESULT' "$work/$name-wrk.txt") || { cat "$work/$name-wrk.txt" >&2; die "no result from wrk against $name"; }
    r_requests=$(kv requests "$result")
    r_non2xx=$(kv non2xx "$result")
    r_acked=$((r_requests - r_non2xx))
    r_errors=$(($(kv connect "$result") + $(kv read "$result") + $(kv write "$result")))
    r_timeouts=$(kv timeout "$result")
    r_seconds=$(calc "\"%.3f\", $(kv duration_us "$result") / 1e6")
    r_rate=$(calc "\"%.0f\", $r_acked / $r_seconds")
    r_p50=$(calc "\"%.2f\", $(kv p50_us "$result") / 1000")
    r_p99=$(calc "\"%.2f\", $(kv p99_us "$result") / 1000")
    r_wrk_cpu=$(awk -F'[= ]' '{ printf "%.2f", $2 + $4 }' "$work/$name-wrk.time")
}

# --- the runs -----------------------------------------------------------------------------
# record TARGET TICKS HWM: this round's figures of TARGET, from wrk_run's and the server's.
record() {
    rate[$1,$round]=$r_rate
    cpu_us[$1,$round]=$(calc "\"%.2f\", $2 / $HZ / $r_acked * 1e6")
    wrk_us[$1,$round]=$(calc "\"%.2f\", $r_wrk_cpu / $r_acked * 1e6")
    p50[$1,$round]=$r_p50
    p99[$1,$round]=$r_p99
    rss[$1,$round]=$3
}
fd_count() { local entries=("/proc/$1/fd/"*); echo "${#entries[@]}"; } # fd_count PID: open descriptors
# wrk_measured NAME PORT PID: wrk_run NAME PORT; sets ticks, PID's CPU ticks meanwhile.
wrk_measured() {
    local before
    before=$(cpu_ticks "$3")
    wrk_run "$1" "$2"
    ticks=$(($(cpu_ticks "$3") - before))
}

machine=$(machine_line)
say "machine: $machine; $("$whk" --version | head -n1)"

# shellcheck disable=SC2034 # p50, p99 and rss are read through col's nameref
declare -A rate cpu_us wrk_us p50 p99 rss
ratios=()
details=()
odd=()
failed=0
for round in $(seq 1 "$ROUNDS"); do
    # nginx
    quiet "round $round/$ROUNDS: nginx return 200, $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
    start_nginx timeout -k 5 "$SERVER_LIMIT"
    wrk_measured "nginx-$round" "$nginx_port" "$nginx_worker"
    worker_hwm=$(status_kib "$nginx_worker" VmHWM)
    master_hwm=$(status_kib "$nginx_pid" VmHWM)
    stop_nginx || odd+=("nginx did not exit within 10 s of SIGQUIT (killed)")
    record nginx "$ticks" "$worker_hwm"
    ((r_non2xx == 0)) || odd+=("nginx answered $r_non2xx non-2xx in round $round")
    details+=("round $round nginx: $r_acked answered 2xx in $r_seconds s = ${r_rate}/s, non-2xx $r_non2xx, socket errors $r_errors, timeouts $r_timeouts, p50 $r_p50 ms, p99 $r_p99 ms; worker CPU $(calc "\"%.2f\", $ticks / $HZ") s = ${cpu_us[nginx,$round]} µs/req (~$(calc "\"%.2f\", $ticks / $HZ / $r_seconds") cores); wrk CPU $r_wrk_cpu s = ${wrk_us[nginx,$round]} µs/req; VmHWM worker $(mib "$worker_hwm") MiB, master $(mib "$master_hwm") MiB")
    say "${details[-1]}"

    # whk
    quiet "round $round/$ROUNDS: whk listen, $CONNECTIONS connections, ${SECONDS_PER_RUN}s"
    capture="$work/capture-$round.jsonl"
    start_whk "$capture" "$work/whk-$round.err"
    wrk_measured "whk-$round" "$whk_port" "$whk_pid"
    whk_hwm=$(status_kib "$whk_pid" VmHWM)
    whk_threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$whk_pid/status")
    stop_whk "$work/whk-$round.err"
    record whk "$ticks" "$whk_hwm"
    ratios+=("$(calc "\"%.3f\", ${rate[whk,$round]} / ${rate[nginx,$round]}")")

    # Every delivery wrk saw acknowledged must be in the capture file, valid. (The file may
    # hold a few more: saved, but their answers unread when wrk stopped.)
    check=$("$PY" "$work/check.py" "$capture" 2>"$work/check-$round.err")
    lines=$(kv lines "$check")
    valid=$(kv valid "$check")
    answered=$(kv answered_2xx "$check")
    unique_ids=$(kv unique_ids "$check")
    capture_ok=yes
    if ! [[ $lines -gt 0 && $valid -eq $lines && $unique_ids -eq $lines && $answered -ge $r_acked ]]; then
        capture_ok=no
        failed=1
        odd+=("round $round: the capture file does not hold every acknowledged delivery valid: $check (wrk: $r_acked acknowledged) $(tr '\n' ' ' <"$work/check-$round.err")")
    fi
    ((r_non2xx == 0)) || odd+=("whk listen answered $r_non2xx non-2xx in round $round")
    ((r_errors == 0 && r_timeouts == 0)) || odd+=("wrk saw $r_errors socket errors and $r_timeouts timeouts against whk in round $round")
    details+=("round $round whk: $r_acked answered 2xx in $r_seconds s = ${r_rate}/s (${ratios[-1]}× nginx), non-2xx $r_non2xx, socket errors $r_errors, timeouts $r_timeouts, p50 $r_p50 ms, p99 $r_p99 ms; whk CPU $(calc "\"%.2f\", $ticks / $HZ") s = ${cpu_us[whk,$round]} µs/req (~$(calc "\"%.2f\", $ticks / $HZ / $r_seconds") cores, $whk_threads threads); wrk CPU $r_wrk_cpu s = ${wrk_us[whk,$round]} µs/req; VmHWM $(mib "$whk_hwm") MiB; capture: $check, $((lines - r_acked)) more than acknowledged, every acknowledged delivery saved and valid: $capture_ok")
    say "${details[-1]}"
    rm -f "$capture"
done

# --- idle connections ---------------------------------------------------------------------
quiet "whk listen with $IDLE idle connections held ${IDLE_HOLD}s"
idle_capture="$work/capture-idle.jsonl"
start_whk "$idle_capture" "$work/whk-idle.err"
idle_base_rss=$(status_kib "$whk_pid" VmRSS)
base_fds=$(fd_count "$whk_pid")
timeout $((IDLE_HOLD + 60)) "$PY" "$work/idle.py" "$whk_port" "$IDLE" "$IDLE_HOLD" "$work/idle.ready" \
    >"$work/idle.out" 2>"$work/idle.err" &
idle_pid=$!
track_pid "$idle_pid"
for _ in $(seq 1 300); do
    [[ -e $work/idle.ready ]] && break
    kill -0 "$idle_pid" 2>/dev/null || break
    sleep 0.05
done
[[ -e $work/idle.ready ]] || { cat "$work/idle.err" >&2; die "the idle-connection script did not open its $IDLE connections"; }
# Connected is not yet accepted: wait (5 s at most) until whk holds a descriptor for each.
for _ in $(seq 1 50); do
    fds=$(fd_count "$whk_pid")
    ((fds >= base_fds + IDLE)) && break
    sleep 0.1
done
accepted=$((fds - base_fds))
idle_rss=$(status_kib "$whk_pid" VmRSS)
# One signed delivery while they are all open.
curl_out=$(timeout 15 curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}' \
    -H "Content-Type: application/json" -H "User-Agent: GeoRedir-Webhooks/1.0" \
    -H "X-GeoRedir-Signature: $first_sig" --data-binary @"$work/first.json" \
    "http://127.0.0.1:$whk_port/webhooks/georedir") || true
curl_code=${curl_out%% *}
curl_ms=$(calc "\"%.1f\", ${curl_out##* } * 1000" 2>/dev/null || echo "?")
still_open=$(($(fd_count "$whk_pid") - base_fds))
rss_now=$(status_kib "$whk_pid" VmRSS)
((rss_now > idle_rss)) && idle_rss=$rss_now
idle_hwm=$(status_kib "$whk_pid" VmHWM)
wait "$idle_pid" || { cat "$work/idle.err" >&2; die "the idle-connection script failed"; }
untrack_pid "$idle_pid"
idle_result=$(cat "$work/idle.out")
sleep 0.5
after_fds=$(($(fd_count "$whk_pid") - base_fds))
stop_whk "$work/whk-idle.err"
idle_check=$("$PY" "$work/check.py" "$idle_capture" 2>/dev/null || echo "lines=0 valid=0")
idle_ok=yes
if [[ $curl_code != 200 || $(kv lines "$idle_check") -ne 1 || $(kv valid "$idle_check") -ne 1 ]]; then
    idle_ok=no
    failed=1
    odd+=("the delivery sent during the idle connections got '$curl_out' (want 200) and the capture holds: $idle_check")
fi
((accepted >= IDLE)) || odd+=("whk held descriptors for only $accepted of the $IDLE idle connections after 5 s")
[[ $(kv closed_by_server "$idle_result") -eq 0 && $(kv answered_by_server "$idle_result") -eq 0 ]] ||
    odd+=("whk closed or answered some idle connections within ${IDLE_HOLD}s: $idle_result")
((after_fds <= 2)) || odd+=("$after_fds connections still open in whk 0.5 s after the idle client closed them")
idle_line="$IDLE idle connections ($(kv silent "$idle_result") silent, $(kv partial_head "$idle_result") with a partial head; $accepted accepted by whk, $still_open open when the delivery was answered): whk VmRSS $(mib "$idle_rss") MiB (before them $(mib "$idle_base_rss") MiB), peak (VmHWM) $(mib "$idle_hwm") MiB; a signed delivery meanwhile: HTTP $curl_code in $curl_ms ms, saved and valid: $idle_ok; closed by whk during the ${IDLE_HOLD}s hold: $(kv closed_by_server "$idle_result"), answered: $(kv answered_by_server "$idle_result"); left open 0.5 s after the client closed them: $after_fds"
say "$idle_line"

# --- the report ---------------------------------------------------------------------------
col() { # col FUNCTION ARRAY TARGET: FUNCTION (median, maximum) of that target's values over the rounds
    local -n a=$2
    local r values=()
    for r in $(seq 1 "$ROUNDS"); do values+=("${a[$3,$r]}"); done
    "$1" "${values[@]}"
}
met() { (($(calc "\"%d\", ($1)"))) && echo "met" || echo "**missed**"; }

declare -A m_rate m_cpu m_wrk m_p50 m_p99 m_rss
for t in nginx whk; do
    m_rate[$t]=$(calc "\"%.0f\", $(col median rate $t)")
    m_cpu[$t]=$(calc "\"%.2f\", $(col median cpu_us $t)")
    m_wrk[$t]=$(calc "\"%.2f\", $(col median wrk_us $t)")
    m_p50[$t]=$(calc "\"%.2f\", $(col median p50 $t)")
    m_p99[$t]=$(calc "\"%.2f\", $(col median p99 $t)")
    m_rss[$t]=$(mib "$(col maximum rss $t)")
done
ratio_med=$(calc "\"%.2f\", $(median "${ratios[@]}")")
ratio_min=$(calc "\"%.2f\", $(minimum "${ratios[@]}")")
ratio_max=$(calc "\"%.2f\", $(maximum "${ratios[@]}")")
idle_mib=$(mib "$(maximum "$idle_rss" "$idle_hwm")")

invocation=""
for v in BENCH_SECONDS BENCH_ROUNDS BENCH_CONNECTIONS BENCH_IDLE BENCH_IDLE_HOLD BENCH_BODIES BENCH_UNIQUE BENCH_WAIT_IDLE BENCH_BUILD; do
    [[ -n ${!v:-} ]] && invocation+="$v=${!v} "
done
invocation+="scripts/bench-listen.sh"

echo
echo "## whk listen vs nginx \`return 200\`: ${ROUNDS} alternating round(s) of wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s, 1 KiB GeoRedir-signed bodies, 127.0.0.1"
echo
echo "| target | deliveries/s (median) | × nginx | server CPU µs/req | wrk CPU µs/req | p50 / p99 ms | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
echo "| nginx return 200 (1 worker) | ${m_rate[nginx]} | 1× | ${m_cpu[nginx]} | ${m_wrk[nginx]} | ${m_p50[nginx]} / ${m_p99[nginx]} | ${m_rss[nginx]} (worker) |"
echo "| whk listen --secret --save .jsonl --json | ${m_rate[whk]} | ${ratio_med}× (${ratio_min}–${ratio_max}) | ${m_cpu[whk]} | ${m_wrk[whk]} | ${m_p50[whk]} / ${m_p99[whk]} | ${m_rss[whk]} |"
echo
echo "Medians over the rounds; × nginx is the median (min–max) of each round's whk/nginx ratio;"
echo "server CPU is utime+stime of the nginx worker / the whk process (all threads) per 2xx answer;"
echo "peak RSS is the highest VmHWM over the rounds, read when wrk was done."
echo
echo "- Idle connections: $idle_line"
echo
echo "Targets:"
echo
echo "- deliveries/s ≥ 0.6× nginx: ${ratio_med}× — $(met "$ratio_med >= 0.6"); aim 0.8×: $(met "$ratio_med >= 0.8")"
echo "- peak RSS ≤ 20 MiB at $CONNECTIONS connections$([[ $CONNECTIONS -ne 64 ]] && echo ' (the target is for 64)'): ${m_rss[whk]} MiB — $(met "${m_rss[whk]} <= 20")"
echo "- peak RSS ≤ 64 MiB with $IDLE idle connections$([[ $IDLE -ne 1000 ]] && echo ' (the target is for 1,000)'): $idle_mib MiB — $(met "$idle_mib <= 64")"
echo "- every acknowledged delivery saved and valid (all rounds, and the one during the idle connections): $([[ $failed -eq 0 ]] && echo yes || echo '**no**')"
echo
echo "Runs:"
echo
printf -- '- %s\n' "${details[@]}"
echo
echo "Load before each run:"
echo
printf -- '- %s\n' "${loads[@]}"
if ((${#odd[@]})); then
    echo
    echo "Noticed:"
    echo
    printf -- '- %s\n' "${odd[@]}"
fi
echo
echo "Machine: $machine; $("$whk" --version | head -n1); nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2); ulimit -n $(ulimit -n)"
echo
echo "Commands:"
echo
echo "    $invocation"
echo "    $whk listen --port 0 --secret $SECRET --save FILE.jsonl --json >/dev/null"
echo "    $NGINX -p DIR -c DIR/nginx.conf   # worker_processes 1; location / { return 200; }"
echo "    wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s --timeout 10s -s post.lua http://127.0.0.1:PORT/webhooks/georedir -- bodies.tsv $UNIQUE"
echo "    $PY idle.py PORT $IDLE $IDLE_HOLD READY   # then: curl -H 'X-GeoRedir-Signature: …' --data-binary @1KiB.json"

if [[ $failed -ne 0 ]]; then
    say "a capture file is missing acknowledged deliveries or holds invalid ones, or the delivery during the idle connections failed"
    exit 1
fi

# shellcheck shell=bash
# What the benchmark scripts (scripts/bench.sh, bench-listen.sh, bench-verify.sh) share.
# Sourced, never run:
#
#   # shellcheck source=SCRIPTDIR/lib/bench-common.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"
#
# Sourcing it defines the functions below and sets these variables, besides the functions'
# own state (apt_updated, bench_live, bench_dirs, wait_budget=0, loads=()); it sets no shell
# option and starts nothing, and there is no trap and no file until make_work is called:
#   bench_name  the prefix of every message: the sourcing script's name without ".sh"
#   repo        the repository's root (the parent of scripts/)
#   HZ          clock ticks per second, for cpu_ticks
# Variables the functions set for the caller are named in each function's comment. Every
# server they start listens on, and every client talks to, 127.0.0.1 only.

if [[ ${BASH_SOURCE[0]} = "$0" ]]; then
    echo "${BASH_SOURCE[0]}: source this file from a bench script; it does nothing run alone" >&2
    exit 2
fi

bench_name=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # for the scripts
HZ=$(getconf CLK_TCK)

# --- messages and arithmetic ---------------------------------------------------------------
say() { echo "$bench_name: $*" >&2; }     # say TEXT: progress, on stderr
die() { say "$*"; exit 2; }               # die TEXT: a setup error; exit status 2
number() { # number NAME VALUE MIN MAX: die unless VALUE is a whole number from MIN to MAX
    [[ $2 =~ ^[0-9]+$ && $2 -ge $3 && $2 -le $4 ]] || die "$1 must be a whole number from $3 to $4"
}
calc() { awk "BEGIN { printf $1 }"; }    # calc '"FORMAT", (EXPRESSION)'
kv() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$2" | head -n1; } # kv KEY TEXT: KEY=value's value
mib() { calc "\"%.1f\", $1 / 1024"; }    # mib KIB: KiB → MiB, one decimal

# --- tools ---------------------------------------------------------------------------------
apt_updated=0
install_pkg() { # install_pkg PACKAGE WHAT: apt-get install, quietly; apt-get update once if need be
    [[ $(id -u) -eq 0 ]] || die "$2 is missing and this is not root: apt-get install -y $1, then rerun"
    say "installing $1 …"
    if ! apt-get install -y -qq "$1" >/dev/null 2>&1; then
        if [[ $apt_updated -eq 0 ]]; then
            apt-get update -qq >/dev/null 2>&1 || true
            apt_updated=1
        fi
        apt-get install -y -qq "$1" >/dev/null 2>&1 || die "could not install $1 with apt-get"
    fi
}
have_tool() { # have_tool NAME|PATH: NAME is on PATH, or PATH (with a slash) is executable
    if [[ $1 = */* ]]; then [[ -x $1 ]]; else command -v "$1" >/dev/null; fi
}
ensure_tool() { # ensure_tool NAME|PATH [PACKAGE [WHAT]]: install PACKAGE (default NAME) if missing
    have_tool "$1" || install_pkg "${2:-$1}" "${3:-${2:-$1}}"
}
need_tool() { # need_tool NAME WHY: die "NAME is needed WHY" when it is not on PATH
    have_tool "$1" || die "$1 is needed $2"
}
find_nginx() { # find_nginx: install nginx if missing; sets NGINX (it need not be on PATH)
    have_tool nginx || have_tool /usr/sbin/nginx || install_pkg nginx nginx
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}
find_oha() { # find_oha: sets OHA (on PATH, or in BENCH_TOOLS), installing it with cargo if
    # missing; sets the array OHA_JSON to the flags that make this oha print JSON
    local root=${BENCH_TOOLS:-$HOME/.cargo}
    OHA=$(command -v oha || true)
    [[ -n $OHA || ! -x $root/bin/oha ]] || OHA=$root/bin/oha
    if [[ -z $OHA ]]; then
        need_tool cargo "to install oha"
        say "installing oha into $root (cargo install oha --locked; several minutes) …"
        timeout 3600 cargo install oha --locked --quiet --root "$root" >/dev/null 2>&1 ||
            die "cargo install oha --locked failed"
        OHA=$root/bin/oha
    fi
    # shellcheck disable=SC2034 # for the scripts
    if "$OHA" --help 2>&1 | grep -q -- '--output-format'; then
        OHA_JSON=(--output-format json)
    else
        OHA_JSON=(--json)
    fi
}
find_python() { # find_python WHY: sets PY to the interpreter itself, not a version manager's
    # shim (pyenv's adds ~50 ms to every start); dies "python3 is needed WHY" without one
    need_tool python3 "$1"
    PY=$(python3 -c 'import sys; print(sys.executable)')
}
build_whk() { # build_whk [1|0 [HINT]]: cargo build --release (not with 0); sets whk to the binary
    local build=${1:-1}
    if [[ $build = 1 ]]; then
        need_tool cargo "to build whk${2:-}"
        say "building whk (release) …"
        timeout 1800 cargo build --release --quiet || die "cargo build --release failed"
    fi
    whk="${CARGO_TARGET_DIR:-$repo/target}/release/whk"
    [[ $whk = /* ]] || whk="$repo/$whk"
    [[ -x $whk ]] || die "no binary at $whk$([[ $build = 1 ]] && echo ' after the build')"
}

# --- the temp directory, processes, cleanup ------------------------------------------------
# Everything started in the background and still running (`timeout`/GNU time wrappers and the
# processes under them) is tracked; only these are signalled on exit, never anything found by
# name. The temp directories are removed on exit unless BENCH_KEEP=1.
declare -gA bench_live=()
bench_dirs=()
track_pid() { local p; for p; do bench_live[$p]=1; done; }            # track_pid PID...
untrack_pid() { local p; for p; do unset "bench_live[$p]"; done; }    # untrack_pid PID...
bench_cleanup() { # the EXIT trap: TERM, then KILL, what is tracked; remove or keep the dirs
    local pid dir
    for pid in "${!bench_live[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    if ((${#bench_live[@]})); then sleep 0.3; fi
    for pid in "${!bench_live[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    for dir in "${bench_dirs[@]}"; do
        if [[ ${BENCH_KEEP:-0} = 1 ]]; then say "kept $dir"; else rm -rf "$dir"; fi
    done
}
make_work() { # make_work: sets work to a new temp dir (whk-$bench_name.XXXXXX); traps EXIT/INT/TERM
    work=$(mktemp -d "${TMPDIR:-/tmp}/whk-$bench_name.XXXXXX")
    bench_dirs+=("$work")
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}
child_of() { # child_of PID: print the (first) child process of PID, waiting up to 5 s for it
    local child _
    for _ in $(seq 1 50); do
        child=$(ps -o pid= --ppid "$1" | tr -d ' ' | head -n1)
        [[ -n $child ]] && { echo "$child"; return 0; }
        sleep 0.1
    done
    return 1
}
stop() { # stop PID [SIGNAL|none]: signal it (TERM by default), wait 10 s at most, then SIGKILL
    # (and return 1). Does not reap it: wait for the child of this shell that holds it.
    local pid=$1 sig=${2:-TERM} _
    [[ $sig = none ]] || kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    say "pid $pid did not stop within 10 s of SIG$sig; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    return 1
}
# stop_wrapped WRAPPER PID [SIGNAL]: stop PID (as stop does), then reap WRAPPER, the child of
# this shell that PID runs under (timeout, GNU time), and untrack both; sets wrapped_status
# to WRAPPER's exit status; returns 1 when PID had to be killed.
# shellcheck disable=SC2034 # wrapped_status is for the caller
stop_wrapped() {
    local killed=0
    stop "$2" "${3:-TERM}" || killed=1
    wrapped_status=0
    wait "$1" 2>/dev/null || wrapped_status=$?
    untrack_pid "$1" "$2"
    return "$killed"
}

# --- the machine's state -------------------------------------------------------------------
# wait_idle_cpus: wait until the CPUs are 90% idle over a second, while the budget of seconds
# in wait_budget (set it once, from BENCH_WAIT_IDLE; 0 here) lasts; sets cpu_idle (percent).
wait_budget=0
wait_idle_cpus() {
    local waited=0
    while :; do
        cpu_idle=$(awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat)
        sleep 1
        cpu_idle=$(awk -v before="$cpu_idle" '/^cpu / { split(before, b, " ")
            i = $5 + $6; t = $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9
            printf "%.0f", (i - b[1]) / (t - b[2]) * 100 }' /proc/stat)
        ((cpu_idle >= 90 || wait_budget <= 0)) && break
        ((waited == 0)) && say "CPUs only ${cpu_idle}% idle; waiting up to ${wait_budget}s for them to quieten"
        waited=$((waited + 1))
        wait_budget=$((wait_budget - 1))
    done
}
# note_load LABEL: print "--- LABEL (load average …, CPUs N% idle …)" and add it to loads.
loads=()
note_load() {
    local load
    load="load average $(uptime | sed 's/.*load average: //'), CPUs ${cpu_idle}% idle in the second before"
    loads+=("$1: $load")
    say "--- $1 ($load)"
}
quiet() { wait_idle_cpus; note_load "$1"; } # quiet LABEL: both, before a run
machine_line() { # machine_line: "N CPUs (model), kernel, N GiB RAM"
    echo "$(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)), $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
}

# --- servers -------------------------------------------------------------------------------
free_port() { # free_port: print a TCP port free on 127.0.0.1 (needs PY)
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_http() { # wait_http PORT: until something answers on it (10 s at most), else die
    local _
    for _ in $(seq 1 100); do
        timeout 5 curl -s -o /dev/null --max-time 2 -X POST --data x "http://127.0.0.1:$1/" && return 0
        sleep 0.1
    done
    die "nothing answered on 127.0.0.1:$1"
}
# nginx_setup: sets nginx_port (free) and writes $work/nginx/nginx.conf: one worker, no
# daemon, everything (pid, logs, temp paths) in $work/nginx, `location / { return 200; }`.
nginx_setup() {
    local module temp_paths=""
    nginx_port=$(free_port)
    mkdir -p "$work/nginx"
    for module in client_body proxy fastcgi uwsgi scgi; do
        "$NGINX" -V 2>&1 | grep -q -- "--without-http_${module}_module" ||
            temp_paths+="    ${module}_temp_path $work/nginx/$module;"$'\n'
    done
    cat >"$work/nginx/nginx.conf" <<CONF
# One worker: the near-limit reference gets one of the CPUs, the load generator the other.
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000000;
$temp_paths
    server {
        listen 127.0.0.1:$nginx_port;
        location / { return 200; }
    }
}
CONF
}
# start_nginx [WRAPPER...]: nginx as a plain child, under WRAPPER (e.g. timeout, GNU time)
# if given, until it answers; sets nginx_wrapper_pid ($!), nginx_pid (master), nginx_worker.
start_nginx() {
    rm -f "$work/nginx/nginx.pid"
    "$@" "$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
        2>>"$work/nginx/stderr.txt" &
    nginx_wrapper_pid=$!
    track_pid "$nginx_wrapper_pid"
    wait_http "$nginx_port"
    nginx_pid=$(cat "$work/nginx/nginx.pid")
    track_pid "$nginx_pid"
    nginx_worker=$(child_of "$nginx_pid") || die "cannot find nginx's worker process"
    track_pid "$nginx_worker"
}
stop_nginx() { # stop_nginx: SIGQUIT, nginx's graceful shutdown; 1 when it had to be killed
    local status=0
    stop_wrapped "$nginx_wrapper_pid" "$nginx_pid" QUIT || status=1
    stop "$nginx_worker" none || true
    untrack_pid "$nginx_worker"
    return "$status"
}
# wait_listen_port STDERR [PID]: until `whk listen --json` announces its port in the file
# STDERR (10 s at most, less if PID exits); sets whk_port, or shows STDERR and dies.
wait_listen_port() {
    local _
    whk_port=""
    for _ in $(seq 1 100); do
        whk_port=$(sed -n 's/.*"type":"listening".*"port":\([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -n1)
        [[ -n $whk_port ]] && break
        [[ -z ${2:-} ]] || kill -0 "$2" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n $whk_port ]] || { cat "$1" >&2; die "whk listen did not announce its port"; }
}

# --- processes' own figures, from /proc ----------------------------------------------------
cpu_ticks() { # cpu_ticks PID: utime + stime of the process (all its threads), in clock ticks
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
status_kib() { # status_kib PID FIELD: VmRSS, VmHWM … from /proc/PID/status, in KiB
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# --- wrk ------------------------------------------------------------------------------------
# write_post_lua FILE: the wrk script that POSTs pre-signed deliveries to /webhooks/georedir,
# rotating through a file of "signature<TAB>body" lines (wrk … -s FILE URL -- BODIES [UNIQUE]).
# UNIQUE 1 adds a per-request `webhook-id` header. It prints one line:
#   RESULT requests= duration_us= non2xx= connect= read= write= timeout= p50_us= p99_us= max_us=
write_post_lua() {
    cat >"$1" <<'LUA'
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("tid", next_id)
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
    -- wrk counts a status above 399 as an error ("non-2xx" here).
    io.write(string.format(
        "RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
        latency:percentile(50), latency:percentile(99), latency.max))
end
LUA
}

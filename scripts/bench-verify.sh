#!/usr/bin/env bash
# Throughput benchmark for `whk verify`: how many captures per second it verifies from one
# large JSON Lines file, in --json and in human mode, set against the raw HMAC-SHA256
# throughput of the same machine (`openssl speed`). Not a test: it prints figures, and fails
# only when whk does not find every capture valid.
#
#   scripts/bench-verify.sh                     # 100,000 captures, 3 runs per row
#   BENCH_LINES=20000 BENCH_RUNS=5 scripts/bench-verify.sh
#
# Environment:
#   BENCH_LINES       captures in the file (default 100000)
#   BENCH_RUNS        timed runs per row; the table shows the best and the median (default 3)
#   BENCH_KEEP        1: keep the temp directory (the capture files)
#   CARGO_TARGET_DIR  where cargo builds (default ./target)
#
# Two files are measured: every capture signed with X-GeoRedir-Signature, and a mix that
# rotates through all seven named schemes (georedir, relurl, github, stripe, standard,
# slack, shopify; one secret of the whsec_<base64> form serves them all). Each capture is a
# line as `whk listen --save FILE.jsonl` writes it: about 1,770 bytes with a 1,024-byte click body,
# signed by this script (Python's hmac), not by whk. Timestamped schemes carry the time of
# generation, so the default 5-minute tolerance applies unchanged.
#
# Needs: cargo, python3, openssl. Reads and writes only a temp directory.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench-common.sh"

LINES=${BENCH_LINES:-100000}
RUNS=${BENCH_RUNS:-3}
SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

number BENCH_LINES "$LINES" 1 10000000
number BENCH_RUNS "$RUNS" 1 50
find_python "to build the captures"
need_tool openssl "for the HMAC baseline"
cd "$repo"

build_whk 1
make_work

# --- captures -----------------------------------------------------------------------------
"$whk" events click --json --seed 7 >"$work/template.json"
say "generating 2 × $LINES captures …"
"$PY" - "$work/template.json" "$work" "$LINES" "$SECRET" <<'PY'
import base64, hashlib, hmac, json, random, string, sys, time
from datetime import datetime, timezone

template_path, work, count, secret = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
template = json.load(open(template_path))
rng = random.Random(7)
alphabet = string.ascii_lowercase + string.digits
raw_key = secret.encode()
std_key = base64.b64decode(secret[len("whsec_"):])
now = int(time.time())
ua = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80")


def mac(key, message):
    return hmac.new(key, message, hashlib.sha256).digest()


def signature_headers(scheme, body, n):
    t = str(now)
    if scheme == "georedir":
        return [["X-GeoRedir-Signature", mac(raw_key, body).hex()]]
    if scheme == "relurl":
        return [["X-RELURL-Signature", mac(raw_key, body).hex()]]
    if scheme == "github":
        return [["X-GitHub-Event", "ping"], ["X-Hub-Signature-256", "sha256=" + mac(raw_key, body).hex()]]
    if scheme == "shopify":
        return [["X-Shopify-Topic", "orders/create"],
                ["X-Shopify-Hmac-Sha256", base64.b64encode(mac(raw_key, body)).decode()]]
    if scheme == "stripe":
        return [["Stripe-Signature", f"t={t},v1=" + mac(raw_key, t.encode() + b"." + body).hex()]]
    if scheme == "standard":
        msg_id = f"msg_{n:012d}"
        sig = base64.b64encode(mac(std_key, f"{msg_id}.{t}.".encode() + body)).decode()
        return [["webhook-id", msg_id], ["webhook-timestamp", t], ["webhook-signature", "v1," + sig]]
    if scheme == "slack":
        return [["X-Slack-Request-Timestamp", t],
                ["X-Slack-Signature", "v0=" + mac(raw_key, f"v0:{t}:".encode() + body).hex()]]
    raise SystemExit(f"unknown scheme {scheme}")


def capture(n, scheme):
    payload = json.loads(json.dumps(template))
    data = payload["data"]
    data["click_id"] = "".join(rng.choice(alphabet) for _ in range(12))
    data["ip"] = f"198.51.100.{rng.randrange(1, 255)}"
    data["user_agent"] = ua
    data["landing_query"] = "utm_source=newsletter&utm_medium=email&utm_campaign=launch-2026&gclid="
    base = len(json.dumps(payload, separators=(",", ":")).encode())
    data["landing_query"] += "".join(rng.choice(string.ascii_letters + string.digits + "_-")
                                     for _ in range(1024 - base))
    body = json.dumps(payload, separators=(",", ":")).encode()
    assert len(body) == 1024, len(body)
    received = datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{n % 1000:03d}Z"
    headers = [
        ["Host", "127.0.0.1:3001"],
        ["User-Agent", "GeoRedir-Webhooks/1.0"],
        ["Content-Type", "application/json"],
        ["Content-Length", str(len(body))],
        ["Accept-Encoding", "gzip"],
    ] + signature_headers(scheme, body, n)
    return {
        "type": "delivery",
        "id": f"{received.replace('-', '').replace(':', '')}-{n:06d}-00ab",
        "received_at": received,
        "remote_addr": "127.0.0.1:52814",
        "method": "POST",
        "path": "/webhooks",
        "query": None,
        "headers": headers,
        "body": body.decode(),
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_size": len(body),
        "event": "click",
        "duplicate": False,
        "signature": {"scheme": scheme, "valid": True, "reason": None},
        "response": {"status": 200, "body": ""},
    }


schemes = ["georedir", "relurl", "github", "stripe", "standard", "slack", "shopify"]
for name, rotation in [("georedir", ["georedir"]), ("mixed", schemes)]:
    with open(f"{work}/{name}.jsonl", "w") as out:
        for n in range(count):
            out.write(json.dumps(capture(n, rotation[n % len(rotation)]), separators=(",", ":")))
            out.write("\n")
PY

for name in georedir mixed; do
    file="$work/$name.jsonl"
    [[ $(wc -l <"$file") -eq $LINES ]] || die "$file does not hold $LINES lines"
    # Every capture must verify: the last --json line is the summary.
    summary=$("$whk" verify "$file" --secret "$SECRET" --json | tail -n1) ||
        die "whk verify found invalid captures in $name.jsonl: $summary"
    "$PY" -c 'import json,sys; s=json.loads(sys.argv[1]); n=int(sys.argv[2]); sys.exit(0 if s["type"]=="summary" and s["valid"]==n and s["total"]==n else 1)' \
        "$summary" "$LINES" || die "unexpected summary for $name.jsonl: $summary"
done

# --- timing -------------------------------------------------------------------------------
# Prints "best_s median_s cpu_s" for RUNS runs of the command, stdout to /dev/null.
time_runs() {
    "$PY" - "$RUNS" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls, cpus = [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    walls.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if code != 0:
        sys.exit(f"exit {code} from {' '.join(cmd)}")
print(f"{min(walls):.4f} {statistics.median(walls):.4f} {statistics.median(cpus):.4f}")
PY
}

say "openssl speed -hmac sha256 -bytes 1024 -seconds 3 …"
ssl_kbytes=$(openssl speed -hmac sha256 -bytes 1024 -seconds 3 2>/dev/null |
    awk '/^hmac\(sha256\)/ {v=$2} END {sub(/k$/, "", v); print v}')
[[ -n $ssl_kbytes ]] || die "could not read the 1024-byte figure from openssl speed"
# openssl reports thousands of bytes per second.
ssl_per_s=$("$PY" -c "print(round(float('$ssl_kbytes') * 1000 / 1024))")

rows=()
for name in georedir mixed; do
    for mode in json human; do
        flags=(--secret "$SECRET")
        [[ $mode = json ]] && flags+=(--json) || flags+=(--color never)
        say "timing $name.jsonl, $mode output, $RUNS runs …"
        read -r best median cpu < <(time_runs "$whk" verify "$work/$name.jsonl" "${flags[@]}")
        rows+=("$name $mode $best $median $cpu")
    done
done

# --- report -------------------------------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
"$PY" - "$LINES" "$ssl_per_s" "$load" "${rows[@]}" <<'PY'
import sys
lines, ssl, load, rows = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
print(f"{lines:,} captures per file; openssl HMAC-SHA256 of 1,024 bytes: {ssl:,}/s (one core); load average {load}")
print()
print("| file | output | best s | median s | captures/s (best) | captures/s (median) | CPU µs per capture | vs raw HMAC |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for row in rows:
    name, mode, best, median, cpu = row.split()
    best, median, cpu = float(best), float(median), float(cpu)
    rate = lines / best
    print(f"| {name}.jsonl | {'--json' if mode == 'json' else 'human'} | {best:.3f} | {median:.3f} | "
          f"{rate:,.0f} | {lines / median:,.0f} | {cpu / lines * 1e6:.2f} | {rate / ssl:.1%} |")
PY

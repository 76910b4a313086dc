#!/usr/bin/env bash
# `casebook clv` against lifetimes on the full CDNOW log (69,659
# transactions, 23,570 customers), weekly and daily, in one session:
# wall-clock time from process start to the JSON on stdout, median of RUNS.
#   bench/clv_bench.sh            # needs target/release/casebook and the venv of
#                                 # bench/lifetimes_reference.sh (VENV)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/casebook-lifetimes-venv}
RUNS=${RUNS:-7}
PY_RUNS=${PY_RUNS:-5}
LOG=tests/fixtures/clv/cdnow_master.csv
BIN=target/release/casebook
"$VENV/bin/python" - "$BIN" "$LOG" "$RUNS" "$PY_RUNS" "$VENV/bin/python" <<'PY'
import resource, statistics, subprocess, sys, time
binary, log, runs, py_runs, python = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def timed(cmd, n):
    wall, cpu = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, cpu
print("| freq | casebook wall (median, min–max) | casebook CPU | lifetimes wall (median, min–max) | lifetimes CPU | wall ratio | CPU ratio |")
print("|---|---|---|---|---|---|---|")
for freq, horizon in [("W", "52"), ("D", "365")]:
    ow, oc = timed([binary, "clv", log, "--freq", freq, "--horizon", horizon], runs)
    tw, tc = timed([python, "bench/peer_lifetimes.py", log, freq, horizon], py_runs)
    m = statistics.median
    print(f"| {freq} | {m(ow):.3f} s ({min(ow):.3f}–{max(ow):.3f}) | {m(oc):.3f} s | {m(tw):.2f} s ({min(tw):.2f}–{max(tw):.2f}) | {m(tc):.2f} s | {m(tw) / m(ow):.0f}× | {m(tc) / m(oc):.0f}× |")
print(f"(casebook: {runs} runs, lifetimes: {py_runs} runs; medians)")
PY

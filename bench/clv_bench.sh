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
import statistics, subprocess, sys, time
binary, log, runs, py_runs, python = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def timed(cmd, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t)
    return out
print("| freq | casebook clv (median s) | runs | lifetimes (median s) | runs | ratio |")
print("|---|---|---|---|---|---|")
for freq, horizon in [("W", "52"), ("D", "365")]:
    ours = timed([binary, "clv", log, "--freq", freq, "--horizon", horizon], runs)
    theirs = timed([python, "bench/peer_lifetimes.py", log, freq, horizon], py_runs)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"| {freq} | {a:.3f} (min {min(ours):.3f}, max {max(ours):.3f}) | {runs} | {b:.2f} (min {min(theirs):.2f}, max {max(theirs):.2f}) | {py_runs} | {b / a:.0f}× |")
PY

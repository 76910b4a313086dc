#!/usr/bin/env bash
# Regenerates the measurements of docs/PERFORMANCE.md.
#
#   bench/run.sh                              # everything, ~10 minutes on 2 cores
#   SIZES="1000 10000" bench/run.sh           # skip the 50,000-client project
#   BENCH_DIR=/var/tmp/cb-bench bench/run.sh  # work on disk instead of tmpfs
#   PROFILE=1 bench/run.sh                    # also perf profiles (needs perf)
#   PROFILE=1 PROFILE_LARGE=1 bench/run.sh    # ... and of the largest build (slow)
#   STEPS="archive disk" bench/run.sh         # only some steps, reusing the projects
#                                             # of an earlier run in BENCH_DIR
#
# Needs: bash, cargo, GNU time (/usr/bin/time), python3 with pandas, hugo.
# On Debian/Ubuntu: apt-get install -y time hugo hyperfine && pip install pandas
# (hyperfine is optional; every number here comes from /usr/bin/time).
#
# Steps, all in one session so the ratios compare like with like:
#   (a) clean `casebook build` of demo projects of SIZES clients x MONTHS months
#   (b) Hugo rendering the same number of pages from precomputed markdown
#   (c) `casebook metrics` against bench/peer_pandas.py on the flat invoices CSV,
#       casebook both with its load cache written by an earlier command (the
#       normal state of a project) and with --no-cache (every file read)
#   (d) a second build after editing one client's note (10,000 clients)
#   archive: a build with --archive (about 10x the pages, same clients): does
#       memory follow the pages or the clients?
#   disk: the 10,000-client build and Hugo once more on disk (DISK_DIR)
# Results: $BENCH_DIR/results.tsv (every run) and $BENCH_DIR/report.md (medians).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

SIZES=${SIZES:-"1000 10000 50000"}
MONTHS=${MONTHS:-36}
SEED=${SEED:-1}
RUNS=${RUNS:-3}              # runs per measurement (the median is reported)
RUNS_LARGE=${RUNS_LARGE:-1}  # runs for projects of 50,000 clients or more
HUGO_RUNS_LARGE=${HUGO_RUNS_LARGE:-1}  # Hugo runs at 10,000 clients or more (it needs GBs)
INCREMENTAL_SIZE=${INCREMENTAL_SIZE:-10000}
METRICS_MIN=${METRICS_MIN:-10000}   # smallest project for (c)
ARCHIVE_SIZE=${ARCHIVE_SIZE:-1000}
DISK_SIZE=${DISK_SIZE:-10000}
DISK_DIR=${DISK_DIR:-/var/tmp/casebook-bench-disk}
STEPS=${STEPS:-"demo build hugo metrics edit archive disk"}
[[ ${PROFILE:-0} == 1 ]] && STEPS="$STEPS profile"
step() { [[ " $STEPS " == *" $1 "* ]]; }
TODAY=2026-11-01
if [[ -z "${BENCH_DIR:-}" ]]; then
  if [[ -d /dev/shm && -w /dev/shm ]]; then BENCH_DIR=/dev/shm/casebook-bench; else BENCH_DIR=/tmp/casebook-bench; fi
fi
D=$BENCH_DIR
RES=$D/results.tsv
REPORT=$D/report.md

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: missing $1 ($2)" >&2; exit 2; }; }
need /usr/bin/time "apt-get install -y time"
need python3 "install Python 3"
python3 -c 'import pandas' 2>/dev/null || { echo "bench: missing pandas (pip install pandas)" >&2; exit 2; }
HAVE_HUGO=1
command -v hugo >/dev/null 2>&1 || { HAVE_HUGO=0; echo "bench: hugo not found (apt-get install -y hugo); skipping (b)" >&2; }

echo "== building casebook (release)"
cargo build --release --locked --quiet
BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/casebook

if step demo; then rm -rf "$D"; fi
mkdir -p "$D"
[[ -f $RES ]] || printf 'label\tsize\trun\twall_s\trss_kb\tuser_s\tsys_s\tpages\n' > "$RES"

# ---------------------------------------------------------------------------
# the machine

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "casebook: $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- src templates Cargo.toml Cargo.lock || echo '+changes')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "work dir: $D ($(df -T "$D" | awk 'NR==2 {print $2}'))"
  echo "rustc: $(rustc --version)"
  [[ $HAVE_HUGO == 1 ]] && echo "hugo: $(hugo version | cut -d' ' -f1-2)"
  echo "python: $(python3 --version | cut -d' ' -f2), pandas $(python3 -c 'import pandas; print(pandas.__version__)'), numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$D/machine.txt"

# measure LABEL SIZE RUN CMD...: runs CMD once under /usr/bin/time, appends a row.
measure() {
  local label=$1 size=$2 run=$3
  shift 3
  if ! /usr/bin/time -f '%e %M %U %S' -o "$D/time.txt" "$@" > "$D/stdout.txt" 2> "$D/stderr.txt"; then
    echo "bench: failed: $*" >&2
    tail -20 "$D/stderr.txt" >&2
    exit 1
  fi
  read -r wall rss user sys < <(tail -1 "$D/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$size" "$run" "$wall" "$rss" "$user" "$sys" "${PAGES:-}" >> "$RES"
  printf '  %-22s %6s clients  run %s: %7.2f s  %8.1f MiB\n' "$label" "$size" "$run" "$wall" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
}

runs_for() { if (( $1 >= 50000 )); then echo "$RUNS_LARGE"; else echo "$RUNS"; fi; }
html_pages() { find "$1" -name '*.html' | wc -l; }

# ---------------------------------------------------------------------------
step demo && echo "== demo projects ($MONTHS months, seed $SEED)"
step demo && for n in $SIZES; do
  PAGES='' measure demo-data "$n" 1 "$BIN" demo-data --clients "$n" --months "$MONTHS" --seed "$SEED" \
    --out "$D/p$n" --invoices-csv "$D/p$n.csv"
  echo "    $(cat "$D/stdout.txt" | head -1)"
  echo "$n $(($(wc -l < "$D/p$n.csv") - 1))" >> "$D/invoice_rows.txt"
done

# ---------------------------------------------------------------------------
step build && echo "== (a) clean casebook build"
step build && for n in $SIZES; do
  for r in $(seq "$(runs_for "$n")"); do
    # Clean: no previous site, no build cache, no load cache.
    rm -rf "$D/o$n" "$D/p$n/.casebook-cache"
    PAGES='' measure build "$n" "$r" "$BIN" --root "$D/p$n" build --today "$TODAY" --out "$D/o$n/site" --verbose
    pages=$(html_pages "$D/o$n/site")
    sed -i '$ s/\t$/\t'"$pages"'/' "$RES"
    cp "$D/stderr.txt" "$D/stages-$n-$r.txt"
  done
  cp "$D/o$n/site/internal/metrics.json" "$D/metrics-$n.json"
  if (( n >= 50000 )) && [[ $n != "$INCREMENTAL_SIZE" ]]; then rm -rf "$D/o$n"; fi
done

# ---------------------------------------------------------------------------
if [[ $HAVE_HUGO == 1 ]] && step hugo; then
  echo "== (b) Hugo on the same number of client pages"
  per_page_kb=0
  for n in $SIZES; do
    rm -rf "$D/h$n"
    python3 "$REPO/bench/hugo_content.py" "$D/metrics-$n.json" "$D/p$n.csv" "$D/h$n" > "$D/hugo_pages_$n.txt"
    runs=$(runs_for "$n")
    if (( n >= 10000 )); then runs=$HUGO_RUNS_LARGE; fi
    # Hugo keeps every page in memory; do not start a run the machine cannot hold.
    if (( per_page_kb > 0 )); then
      need_kb=$(( per_page_kb * $(cat "$D/hugo_pages_$n.txt") * 12 / 10 ))
      avail_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
      if (( need_kb > avail_kb * 7 / 10 )); then
        echo "  skipping Hugo at $n clients: it would need about $((need_kb / 1048576)) GiB, $((avail_kb / 1048576)) GiB available"
        echo "$n skipped $((need_kb / 1048576)) $((avail_kb / 1048576))" >> "$D/hugo_skipped.txt"
        rm -rf "$D/h$n"
        continue
      fi
    fi
    for r in $(seq "$runs"); do
      rm -rf "$D/h$n/public" "$D/h$n/resources"
      PAGES='' measure hugo "$n" "$r" hugo --quiet -s "$D/h$n" -d "$D/h$n/public"
      pages=$(html_pages "$D/h$n/public")
      sed -i '$ s/\t$/\t'"$pages"'/' "$RES"
    done
    rss=$(awk -F'\t' -v n="$n" '$1=="hugo" && $2==n {print $5}' "$RES" | sort -n | tail -1)
    per_page_kb=$(( rss / $(cat "$D/hugo_pages_$n.txt") + 1 ))
    rm -rf "$D/h$n/public"
  done
fi

# ---------------------------------------------------------------------------
step metrics && echo "== (c) casebook metrics vs pandas (flat invoices CSV)"
step metrics && for n in $SIZES; do
  (( n >= METRICS_MIN )) || continue
  for r in $(seq "$RUNS"); do
    PAGES='' measure metrics-nocache "$n" "$r" "$BIN" --root "$D/p$n" metrics --no-cache
  done
  cp "$D/stdout.txt" "$D/metrics-cli-nocache-$n.json"
  "$BIN" --root "$D/p$n" metrics > /dev/null   # writes the load cache (not timed)
  for r in $(seq "$RUNS"); do
    PAGES='' measure metrics "$n" "$r" "$BIN" --root "$D/p$n" metrics
  done
  cp "$D/stdout.txt" "$D/metrics-cli-$n.json"
  cmp -s "$D/metrics-cli-$n.json" "$D/metrics-cli-nocache-$n.json" \
    || { echo "bench: metrics differ with and without the load cache" >&2; exit 1; }
  for r in $(seq "$RUNS"); do
    PAGES='' measure pandas "$n" "$r" python3 "$REPO/bench/peer_pandas.py" "$D/p$n.csv"
  done
  python3 "$REPO/bench/peer_pandas.py" "$D/p$n.csv" --compare "$D/metrics-cli-$n.json" > "$D/compare-$n.txt" || true
  sed 's/^/    /' "$D/compare-$n.txt"
done

# ---------------------------------------------------------------------------
n=$INCREMENTAL_SIZE
if [[ -d $D/o$n/site ]] && step edit; then
  echo "== (d) build after editing one note ($n clients)"
  note=$(find "$D/p$n/content/clients" -path '*/notes/*' -name '*.md' | sort | tail -1)
  echo "    editing $note"
  for r in $(seq "$RUNS"); do
    printf '\n- Follow-up added by the benchmark, run %s.\n' "$r" >> "$note"
    PAGES='' measure after-note-edit "$n" "$r" "$BIN" --root "$D/p$n" build --today "$TODAY" --out "$D/o$n/site" --verbose
    echo "    $(head -1 "$D/stdout.txt")"
    cp "$D/stdout.txt" "$D/incremental-$r.txt"
    cp "$D/stderr.txt" "$D/stages-incremental-$r.txt"
  done
  PAGES='' measure no-change "$n" 1 "$BIN" --root "$D/p$n" build --today "$TODAY" --out "$D/o$n/site"
  echo "    $(head -1 "$D/stdout.txt")"
fi

# ---------------------------------------------------------------------------
n=$ARCHIVE_SIZE
if [[ -d $D/p$n ]] && step archive; then
  echo "== archive: a report for every month of every client ($n clients)"
  for r in $(seq "$RUNS"); do
    rm -rf "$D/a$n"
    PAGES='' measure build-archive "$n" "$r" "$BIN" --root "$D/p$n" build --today "$TODAY" --out "$D/a$n/site" --archive
    pages=$(html_pages "$D/a$n/site")
    sed -i '$ s/\t$/\t'"$pages"'/' "$RES"
  done
  rm -rf "$D/a$n"
fi

# ---------------------------------------------------------------------------
n=$DISK_SIZE
if step disk; then
  echo "== on disk: $DISK_DIR ($(mkdir -p "$DISK_DIR" && df -T "$DISK_DIR" | awk 'NR==2 {print $2}'), $n clients)"
  rm -rf "$DISK_DIR"
  mkdir -p "$DISK_DIR"
  echo "disk dir: $DISK_DIR ($(df -T "$DISK_DIR" | awk 'NR==2 {print $2}'))" >> "$D/machine.txt"
  PAGES='' measure demo-data-disk "$n" 1 "$BIN" demo-data --clients "$n" --months "$MONTHS" --seed "$SEED" \
    --out "$DISK_DIR/p$n" --invoices-csv "$DISK_DIR/p$n.csv"
  PAGES='' measure build-disk "$n" 1 "$BIN" --root "$DISK_DIR/p$n" build --today "$TODAY" --out "$DISK_DIR/o$n/site"
  pages=$(html_pages "$DISK_DIR/o$n/site")
  sed -i '$ s/\t$/\t'"$pages"'/' "$RES"
  if [[ $HAVE_HUGO == 1 ]]; then
    python3 "$REPO/bench/hugo_content.py" "$DISK_DIR/o$n/site/internal/metrics.json" "$DISK_DIR/p$n.csv" "$DISK_DIR/h$n" > /dev/null
    PAGES='' measure hugo-disk "$n" 1 hugo --quiet -s "$DISK_DIR/h$n" -d "$DISK_DIR/h$n/public"
    pages=$(html_pages "$DISK_DIR/h$n/public")
    sed -i '$ s/\t$/\t'"$pages"'/' "$RES"
  fi
  rm -rf "$DISK_DIR"
fi

# ---------------------------------------------------------------------------
if step profile && command -v perf >/dev/null 2>&1; then
  echo "== profiles"
  # A clean build at INCREMENTAL_SIZE clients, and metrics on the largest project.
  top() { perf report -i "$1" --no-children -g none --sort dso,symbol --stdio 2> /dev/null | sed 's/ *- *- *$//' | awk '!/^#/ && /%/ && n++ < 60'; }
  n=$INCREMENTAL_SIZE
  rm -rf "$D/prof"
  if perf record -F 499 -g -o "$D/perf-build.data" -- "$BIN" --root "$D/p$n" build --today "$TODAY" \
      --out "$D/prof/site" -q > /dev/null 2>&1; then
    top "$D/perf-build.data" > "$D/perf-build-$n.txt"
    echo "    $D/perf-build-$n.txt"
  fi
  n=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
  if perf record -F 499 -g -o "$D/perf-metrics.data" -- "$BIN" --root "$D/p$n" metrics > /dev/null 2>&1; then
    top "$D/perf-metrics.data" > "$D/perf-metrics-$n.txt"
    echo "    $D/perf-metrics-$n.txt"
  fi
  if [[ ${PROFILE_LARGE:-0} == 1 ]]; then
    rm -rf "$D/prof"
    if perf record -F 299 -g -o "$D/perf-build-large.data" -- "$BIN" --root "$D/p$n" build --today "$TODAY" \
        --out "$D/prof/site" -q > /dev/null 2>&1; then
      top "$D/perf-build-large.data" > "$D/perf-build-$n.txt"
      echo "    $D/perf-build-$n.txt"
    fi
  fi
  rm -rf "$D/prof" "$D"/perf-*.data
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$D/machine.txt"
python3 "$REPO/bench/report.py" "$D" | tee "$REPORT"

#!/usr/bin/env bash
# Hostile markdown and YAML (issue 11, item 7): time to check and build a
# one-client project whose note for the report month is a 1 MB adversarial
# text, against the same project with 1 MB of ordinary markdown (the
# baseline, measured in the same session). Results: docs/PERFORMANCE.md,
# "Hostile markdown".
#
#   bench/hostile.sh                         # release build of this tree
#   BEFORE=/path/to/old/casebook bench/hostile.sh   # also time an older binary
#   RUNS=5 SIZE=2000000 bench/hostile.sh
#
# Needs: bash, cargo, python3, GNU time is not needed (bash's clock).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZE=${SIZE:-1000000}
TIMEOUT=${TIMEOUT:-120}   # seconds; an older binary may take minutes
D=${BENCH_DIR:-/tmp/casebook-hostile}
rm -rf "$D"; mkdir -p "$D"

echo "== building casebook (release)"
cargo build --release --locked -q
NEW=$PWD/target/release/casebook

python3 bench/hostile_inputs.py "$D/notes" "$SIZE" > "$D/sizes.tsv"
"$NEW" -q init "$D/project"
NOTE=$D/project/content/clients/example-client/notes/2026-09.md

# Median wall time (seconds) of RUNS runs of "$@"; "timeout" when one run
# takes longer than TIMEOUT; prints "time exit-code".
measure() {
  local times=() code=0
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    code=0
    timeout "$TIMEOUT" "$@" >/dev/null 2>"$D/stderr" || code=$?
    end=$(date +%s.%N)
    if [[ $code == 124 ]]; then echo "timeout 124"; return; fi
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v c="$code" '{a[NR]=$1} END {printf "%.3f %s\n", a[int((NR+1)/2)], c}'
}

printf 'binary\tnote\tbytes\tcommand\tseconds\texit\n' > "$D/results.tsv"
for bin in NEW ${BEFORE:+BEFORE}; do
  exe=${!bin}
  while IFS=$'\t' read -r name bytes; do
    cp "$D/notes/$name.md" "$NOTE"
    for cmd in check build; do
      extra=()
      [[ $cmd == build ]] && extra=(--today 2026-11-01 --out "$D/site-$bin")
      read -r secs code < <(measure "$exe" --root "$D/project" --no-cache -q "$cmd" "${extra[@]}")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$bin" "$name" "$bytes" "$cmd" "$secs" "$code" | tee -a "$D/results.tsv"
    done
    if [[ $name == *bomb ]]; then head -c 300 "$D/stderr" | sed 's/^/    /'; echo; fi
  done < "$D/sizes.tsv"
done

echo
echo "== ratio to the ordinary 1 MB note (build, this tree)"
awk -F'\t' '$1=="NEW" && $4=="build" {t[$2]=$5} END {for (n in t) printf "%-14s %8.3f s  %6.2fx\n", n, t[n], t[n]/t["prose"]}' "$D/results.tsv" | sort
echo "results: $D/results.tsv"

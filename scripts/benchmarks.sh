#!/usr/bin/env bash
# Reproduces the measurements in docs/benchmarks.md on this machine.
# Needs a release build (`make release`), glpsol (glpk-utils) and GNU time (/usr/bin/time).
# SIZES="small medium large" by default; RUNS=5 measured runs after one warm-up.
# Never pass /dev/null to glpsol's -o: GLPK replaces the file it writes.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/capplan}
SIZES=${SIZES:-small medium large}
RUNS=${RUNS:-5}
MIP_LIMIT=${MIP_LIMIT:-60}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

timed() {  # label, command...: prints "label: wall s, peak MiB"
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > "$WORK/stdout" 2>&1 || true
    read -r wall kb < "$WORK/time"
    awk -v l="$label" -v w="$wall" -v k="$kb" 'BEGIN { printf "  %-44s %8.2f s  %7.1f MiB\n", l, w, k / 1024 }'
}

for size in $SIZES; do
    scenario="$WORK/$size.yaml"
    "$BIN" generate --size "$size" --seed 1 -o "$scenario"
    "$BIN" export "$scenario" --relax --mps "$WORK/$size-lp.mps"
    echo "== $size: $("$BIN" validate "$scenario" | sed 's/.*; model //')"
    echo "-- build only"
    "$BIN" bench "$scenario" --build-only --runs "$RUNS"
    echo "-- LP relaxation, phases (median of $RUNS)"
    "$BIN" bench "$scenario" --relax --runs "$RUNS" --warmup 1
    echo "-- LP relaxation, whole commands"
    timed "capplan plan --relax --no-baselines" "$BIN" plan "$scenario" --relax --no-baselines -o "$WORK/plan.json"
    timed "capplan plan --relax (with baselines)" "$BIN" plan "$scenario" --relax -o "$WORK/plan.json"
    timed "glpsol --freemps (its defaults)" glpsol --freemps "$WORK/$size-lp.mps" -o "$WORK/glpsol.txt"
    timed "glpsol --freemps --dual --nopresol" glpsol --freemps "$WORK/$size-lp.mps" --dual --nopresol -o "$WORK/glpsol.txt"
    timed "glpsol --freemps --dual --flip --nopresol" glpsol --freemps "$WORK/$size-lp.mps" --dual --flip --nopresol -o "$WORK/glpsol.txt"
    echo "-- MIP (time limit ${MIP_LIMIT} s)"
    "$BIN" bench "$scenario" --runs 1 --warmup 0 --time-limit "$MIP_LIMIT"
done

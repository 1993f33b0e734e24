#!/bin/sh
# docs/benchmarks.md, "Two-stage plans: time against the number of cases": a medium scenario
# (generator seed 1), 10, 50 and 200 sampled cases (seed 1, growth spread 0.1), the extensive
# form built and solved with --relax and with whole units under a 60 s limit, release build.
# CAPPLAN_TWO_STAGE_BENCH=10,50 and CAPPLAN_TWO_STAGE_MODES=relax pick a subset.
set -e
cd "$(dirname "$0")/.."
CAPPLAN_TWO_STAGE_BENCH="${CAPPLAN_TWO_STAGE_BENCH:-1}" swift test -c release --filter TwoStageBenchmarkTests 2>&1 | grep '^|'

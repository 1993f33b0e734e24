#!/bin/sh
# docs/benchmarks.md, "Two-stage plans: time against the number of cases": a medium scenario
# (generator seed 1), 1, 2, 10, 50 and 200 sampled cases (seed 1, growth spread 0.1), the
# extensive form built and solved with --relax and with whole units under a 60 s limit, release
# build, before (monolithic: the extensive form whole) and after (automatic: decomposition).
# CAPPLAN_TWO_STAGE_BENCH=10,50, CAPPLAN_TWO_STAGE_MODES=relax, CAPPLAN_TWO_STAGE_SOLVERS=automatic
# and CAPPLAN_TWO_STAGE_LIMIT=60 pick a subset.
set -e
cd "$(dirname "$0")/.."
CAPPLAN_TWO_STAGE_BENCH="${CAPPLAN_TWO_STAGE_BENCH:-1,2,10,50,200}" \
CAPPLAN_TWO_STAGE_SOLVERS="${CAPPLAN_TWO_STAGE_SOLVERS:-monolithic,automatic}" \
  swift test -c release -Xswiftc -enable-testing --filter TwoStageBenchmarkTests 2>&1 | grep '^|'

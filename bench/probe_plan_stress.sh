#!/usr/bin/env bash
# Issue 12's new-user check as a benchmark: fill a real redis-server, hold a
# writer at 1,500 SET/s of 800-byte values, run `probe --plan --limit 96Mi`,
# then `stress` the same workload under a real 96Mi memory cgroup with the
# recommended maxmemory (tests/stress/probe_plan_stress_test.cc). Whether
# that survives depends on this machine's speed under its current load (the
# BGSAVE child's life), so it is a benchmark, not a ctest test.
#
#   bench/probe_plan_stress.sh [RUNS]     (default 3; needs root or a delegated cgroup)
#
# Prints each run's figures line (true and measured rate and value size,
# recommended maxmemory, outcome, peak working set, child life, COW) and the
# number of runs that survived. Exit 0 when every run passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
test_bin=build/test_stress
[ -x "$test_bin" ] || { echo "build the tests first (scripts/build.sh)" >&2; exit 2; }
passed=0
for i in $(seq "$runs"); do
  out=$("$test_bin" --gtest_also_run_disabled_tests --gtest_filter='ProbePlanStress.*' 2>&1)
  echo "run $i (load average $(cut -d' ' -f1 /proc/loadavg)): $(grep '^probe:' <<<"$out")"
  if grep -q '^\[  PASSED  \] 1 test' <<<"$out"; then passed=$((passed + 1)); else grep -E 'Failure|Which is' <<<"$out" | head -8; fi
done
echo "passed $passed of $runs"
[ "$passed" -eq "$runs" ]

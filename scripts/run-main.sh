#!/usr/bin/env bash
# The README's main command: the seed case end to end.
#  1. set up and build;
#  2. plan/explain the article's KubeBlocks Redis (request 16Gi, limit 32Gi,
#     maxmemory 34359738368 = the limit);
#  3. prove it on this machine, scaled down with the same ratios
#     (maxmemory = limit, request = half the limit): a real redis-server in a
#     256Mi memory cgroup is OOM-killed during the import and ends in
#     CrashLoopBackOff; redisfit's recommendation for the same limit survives
#     the same workload. Writes the HTML report (default stress-report.html).
# Needs root (or a delegated cgroup v2 subtree) for step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-stress-report.html}"
scripts/setup.sh
scripts/build.sh
echo
echo "== plan: the article's configuration (request 16Gi, limit 32Gi, maxmemory = limit)"
build/redisfit plan --request 16Gi --limit 32Gi --maxmemory 34359738368 --policy allkeys-lru
echo
echo "== explain: where the memory goes, phase by phase"
build/redisfit explain --request 16Gi --limit 32Gi --maxmemory 34359738368 --policy allkeys-lru || true
echo
echo "== stress: the same ratios on this machine (limit 256Mi, maxmemory 256mb, request 128Mi), then the recommendation"
start=$(date +%s)
status=0
build/redisfit stress --limit 256Mi --request 128Mi --maxmemory 256mb --policy allkeys-lru \
  --compare --time-scale 10 --report "$report" || status=$?
echo "stress took $(( $(date +%s) - start )) s; report: $report"
exit "$status"

#!/usr/bin/env bash
# The main job: the seed scenario end to end.
#  1. set up and build;
#  2. lint the reported Cluster manifest, explain the reported KubeBlocks Redis (request 16Gi, limit 32Gi,
#     maxmemory 34359738368 = the limit, AOF on, one replica) and plan a fix,
#     next to the article's rule of thumb;
#  3. prove it on this machine, scaled down with the same ratios
#     (limit 256Mi, request 128Mi, maxmemory = the limit) and the KubeBlocks
#     addon template's persistence (appendonly yes, appendfsync everysec,
#     aof-use-rdb-preamble yes, Redis' default save schedule, no
#     maxmemory-policy, i.e. noeviction): a real redis-server in a 256Mi memory
#     cgroup is OOMKilled during the import, restarted twice with kubelet's back-off
#     (compressed 20 times), reloads its AOF and dies again as the import
#     resumes, until CrashLoopBackOff; `--rescue` then applies redisfit
#     rescue's steps (raise the limit, load, set maxmemory, keep or bring down
#     the data, final limit) and it is Running with every key; redisfit's
#     recommendation for the same limit survives the same import.
#     Writes the HTML report (default stress-report.html).
# Needs root (or a delegated cgroup v2 subtree) for step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-stress-report.html}"
scripts/setup.sh
scripts/build.sh >/dev/null
B=build/redisfit
seed=(--request 16Gi --limit 32Gi --maxmemory 34359738368 --persistence aof --replicas 1)

echo "== 0. lint: the reported Cluster manifest (2 Redis + 3 Sentinel, request 16Gi, limit 32Gi, maxmemory = limit)"
$B lint tests/lint/fixtures/seed_maxmemory_at_limit.yaml || true

echo
echo "== 1. explain: the reported configuration, phase by phase"
$B explain "${seed[@]}" || true

echo
echo "== 2a. plan: the article's rule (maxmemory = request, limit = 3 x request)"
$B plan --request 16Gi --strategy seed --persistence aof --replicas 1

echo
echo "== 2b. plan: what the model says is safe for the existing 32Gi limit (an import: --write-pattern insert)"
$B plan "${seed[@]}" --write-pattern insert --emit conf

echo
echo "== 3. stress: the same ratios on this machine (limit 256Mi, request 128Mi, maxmemory 256mb = the limit,"
echo "   the addon template's AOF settings, noeviction): import -> OOMKilled -> CrashLoopBackOff -> rescue -> Running;"
echo "   then the recommendation under the same import"
start_ms=$(( $(date +%s%N) / 1000000 ))
status=0
$B stress --limit 256Mi --request 128Mi --maxmemory 256mb \
  --appendonly yes --set appendfsync=everysec --set aof-use-rdb-preamble=yes \
  --phases import,restart --restarts 2 --rescue --compare --time-scale 20 --report "$report" || status=$?
took_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
echo "stress took $(( took_ms / 1000 )).$(( took_ms % 1000 / 100 )) s; report: $report"
exit "$status"

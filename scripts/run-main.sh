#!/usr/bin/env bash
# The main job: the seed scenario end to end. A KubeBlocks Redis with request
# 16Gi, limit 32Gi and maxmemory 34359738368 (= the limit) was OOM-killed while
# importing and went into CrashLoopBackOff. redisfit explains why and plans a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
B=build/redisfit

echo "== 1. The reported configuration (request 16Gi, limit 32Gi, maxmemory = limit, AOF on)"
$B explain --request 16Gi --limit 32Gi --maxmemory 34359738368 --persistence aof --replicas 1 || true

echo
echo "== 2. The article's rule: maxmemory = request, limit = 3 x request"
$B plan --request 16Gi --strategy seed --persistence aof --replicas 1

echo
echo "== 3. What the model says is safe for the existing 32Gi limit"
$B plan --request 16Gi --limit 32Gi --maxmemory 34359738368 --persistence aof --replicas 1 --write-pattern insert

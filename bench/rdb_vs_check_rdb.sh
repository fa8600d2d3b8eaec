#!/usr/bin/env bash
# Speed and memory of `redisfit rdb` against `redis-check-rdb` on the same
# ~1 GB RDB of 1 KB strings (docs/rdb.md quotes the figures).
#
#   bench/rdb_vs_check_rdb.sh [KEYS] [VALUE_BYTES]     (default 1000000 x 1000)
#
# Generates the file in a fresh directory under ${TMPDIR:-/tmp} with a
# throw-away redis-server (DEBUG POPULATE, rdbcompression off so the file is
# as big as the data), never in the repository, and removes it at the end.
# Each tool runs 3 times after one warm-up read (page cache hot for both);
# the best wall time and the peak RSS (GNU time %M) are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-1000000}
value_bytes=${2:-1000}
redisfit=${REDISFIT:-build/redisfit}
[ -x "$redisfit" ] || { echo "build redisfit first (scripts/build.sh)" >&2; exit 2; }
command -v redis-check-rdb >/dev/null || { echo "redis-check-rdb missing (apt-get install redis-tools)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/redisfit-rdb-bench-XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --rdbcompression no \
  --enable-debug-command yes --daemonize yes --logfile "$work/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" debug populate "$keys" key "$value_bytes" >/dev/null
redis-cli -p "$port" save >/dev/null
used=$(redis-cli -p "$port" info memory | awk -F: '/^used_memory:/{print $2}' | tr -d '\r')
redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
file="$work/dump.rdb"
size=$(stat -c %s "$file")
echo "file: $keys keys x $value_bytes B, $((size / 1000000)) MB; source used_memory $used"

measure() {  # name, command...
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true  # warm-up
  local best="" rss=""
  for _ in 1 2 3; do
    local out
    # GNU time writes to -o, so the tool's own stderr can be discarded.
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$work/time.txt")
    local t=${out% *} m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    rss=$m
  done
  echo "$name: best ${best} s, peak RSS $((rss / 1024)) MiB"
  eval "${name//-/_}_time=$best"
}
measure redis-check-rdb redis-check-rdb "$file"
measure redisfit "$redisfit" rdb "$file" --no-progress
awk "BEGIN{printf \"speed-up: %.1fx\\n\", $redis_check_rdb_time / $redisfit_time}"
"$redisfit" rdb "$file" --no-progress -o json | python3 -c \
  "import json,sys; r=json.load(sys.stdin); print('estimated used_memory', r['estimate']['used_memory_bytes'], 'vs source', '$used')"

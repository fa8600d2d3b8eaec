#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cc, ASan+UBSan, clang++-14) into
# build-fuzz/, makes seed corpora from the repository's fixtures, and runs
# each target. See docs/testing.md for the figures and what each target covers.
#
#   scripts/fuzz.sh build                 # configure + build only
#   scripts/fuzz.sh seeds                 # (re)generate build-fuzz/seeds/<target>/
#   scripts/fuzz.sh run SECONDS [TARGET]  # fuzz each target (or one) for SECONDS
#   scripts/fuzz.sh runs N [TARGET]       # fuzz each target (or one) for N executions
#   scripts/fuzz.sh smoke                 # build, seeds, 5 s per target
#   FUZZ_JOBS=2 scripts/fuzz.sh runs N T  # two workers of N executions each on
#                                         # one shared corpus (libFuzzer -jobs)
#
# Findings are written to build-fuzz/findings/<target>/ (crash-*, leak-*,
# timeout-*, oom-*) and make the script exit 1. The growing corpus is kept in
# build-fuzz/corpus/<target>/ between runs; nothing generated is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dir=$root/build-fuzz
targets=(quantity flag_units redis_conf yaml manifests pod_status chart_values shell_script info resp redis_url cgroup rdb aof aof_manifest
         probe_facts prometheus_reply)

build() {
  CXX=${CXX:-clang++-14} cmake -S . -B "$dir" -DREDISFIT_FUZZ=ON -DREDISFIT_TESTS=OFF -DREDISFIT_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$dir" -j"${JOBS:-2}" --target "${targets[@]/%/_fuzz}"
}

# Writes one seed file per argument into $1.
seed_strings() {
  local out=$1 i=0 seed; shift
  for seed in "$@"; do printf '%s' "$seed" >"$out/s$((i++))"; done
}

seeds() {
  local s=$dir/seeds
  rm -rf "$s"
  for t in "${targets[@]}"; do mkdir -p "$s/$t"; done
  # Quantities: the spellings the parsers document, and every memory value in the fixtures.
  seed_strings "$s/quantity" 16Gi 0.5Gi 1e9 500M 128974848000m 1536Mi 1Ei 2E 100mb 1gb 1k 1kb 10% 0 \
    $(grep -rhoE '(memory|maxmemory|maxmemory-clients)[:" ]+[^ ",}]+' tests/lint/fixtures | awk '{print $NF}' | tr -d '"' | sort -u)
  # Command-line sizes and rates (core/flag_units.h): both grammars and the IEC-with-B spelling.
  seed_strings "$s/flag_units" 1024 1Ki 1k 1kb 1KiB 1.5GiB 512MiB 16Gi 16gb 16m 5000 5k 5000/s 5k/s 1.5M/s 0 -1 1e3 \
    512-4096 1Ki-16KiB 4kb-1Mi 10-2
  # Prometheus API answers (platform/prometheus_reply.h): each result type, an error, odd shapes.
  seed_strings "$s/prometheus_reply" \
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:9121"},"value":[1700000000,"1.5e9"]}]}}' \
    '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"redis"},"values":[[1,"1"],[2,"NaN"],[3,"+Inf"]]}]}}' \
    '{"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}}' \
    '{"status":"success","data":{"version":"2.45.0"}}' \
    '{"status":"error","errorType":"bad_data","error":"parse error"}' \
    '{"status":"success","data":{"resultType":"vector","result":[[1]]}}' '[[[[[[[[1]]]]]]]]'
  # redis.conf: the fixtures, plus quoting and include edge cases.
  cp tests/lint/fixtures/*.conf "$s/redis_conf/" 2>/dev/null || true
  seed_strings "$s/redis_conf" $'maxmemory 100mb\nsave ""\nsave 900 1 300 10\n' \
    $'maxmemory-policy "allkeys-lru"\nrename-command CONFIG \'\'\n' $'client-output-buffer-limit replica 256mb 64mb 60\n' \
    $'appendonly yes\nmaxmemory-clients 10%\n' $'hz "\\x41\\n"\n'
  # YAML and manifests: every fixture and deploy/ manifest, and the shared corpus when present.
  for t in yaml manifests pod_status; do
    find tests/lint/fixtures deploy -name '*.yaml' -exec cp --backup=numbered -t "$s/$t" {} +
    if [ -d /work/shared/corpus ]; then
      find /work/shared/corpus -name '*.yaml' -exec cp --backup=numbered -t "$s/$t" {} +
    fi
    # Merge keys (<<), one mapping and a list of them, inside a pod's resources.
    seed_strings "$s/$t" $'a: &a {memory: 1Gi, cpu: "1"}\nb: &b {memory: 2Gi}\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: redis\n    image: redis\n    resources:\n      limits: {<<: [*a, *b]}\n      requests:\n        <<: *a\n'
  done
  # bitnami/redis values files: the chart's own values.yaml and the public values fixtures.
  # Each file once under each major's selector byte, the digits 0-4 (fuzz/chart_values_fuzz.cc:
  # major 19 + byte % 5).
  local f m
  for f in tests/lint/fixtures/real/bitnami_*values*.yaml; do
    [ -f "$f" ] || continue
    for m in 0 1 2 3 4; do
      { printf '%s' "$m"; cat "$f"; } >"$s/chart_values/$m-$(basename "$f")"
    done
  done
  # Shell scripts: sh -c strings and start/init scripts as lint meets them.
  seed_strings "$s/shell_script" $'MAX=200mb\nexec redis-server /etc/redis.conf --maxmemory $MAX' \
    $'ARGS=("--port" "${REDIS_PORT}")\nARGS+=("--include" "/opt/bitnami/redis/etc/master.conf")\nexec redis-server "${ARGS[@]}"' \
    $'cp /readonly-config/redis.conf /data/conf/redis.conf\necho "slaveof $MASTER 6379" >> /data/conf/redis.conf\nsed -i "s/^bind .*/bind 0.0.0.0/" /data/conf/redis.conf' \
    $'if [ -f x ]; then cat /a/*.conf >> /b.conf; fi; rm -f /c && > /d; redis-server \'/e f\' | tee' \
    $'echo `date` $(id) "${X:-y}" \\\n a\'b\'"c"'
  # INFO and RESP: a real server's replies when redis-server is installed, else hand-written ones.
  # (Bash strings hold no NUL: the three-part seeds are written with printf.)
  printf '# Memory\r\nused_memory:-1\r\nmaxmemory:18446744073709551615\r\nmem_fragmentation_ratio:nan\r\n' \
    >"$s/probe_facts/absurd_info"
  { printf '# Server\r\nredis_version:9.9.9\r\n# Memory\r\nused_memory_rss:1e30\r\n'; printf '\0'
    printf '2maxmemory 0\nmaxmemory-policy volatile-lfu\nsave 1 1\n'; printf '\0'; printf 'fragmentation inf\n'; } \
    >"$s/probe_facts/absurd_parts"
  seed_strings "$s/info" $'# Memory\r\nused_memory:1024\r\nmaxmemory:0\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n'
  seed_strings "$s/resp" $'+OK\r\n' $'-ERR x\r\n' $':12\r\n' $'$5\r\nhello\r\n' $'*2\r\n$3\r\nfoo\r\n:1\r\n' \
    $'*4\r\n+peak.allocated\r\n:123\r\n+db.0\r\n*2\r\n+overhead.hashtable.main\r\n:72\r\n' $'%1\r\n+a\r\n,1.5\r\n' \
    $'_\r\n' $'#t\r\n' $'=8\r\ntxt:abcd\r\n' $'(12345678901234567890\r\n' $'>2\r\n+message\r\n+x\r\n'
  seed_strings "$s/aof_manifest" $'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n' \
    $'# comment\nfile a.1.base.aof seq 1 type b\nfile a.0.base.aof seq 1 type h\nfile a.2.incr.aof seq 2 type i\n'
  seed_strings "$s/aof" $'*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n' \
    $'*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\nx\r\n$1\r\ny\r\n' \
    $'*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$1\r\n7\r\n*3\r\n$4\r\nSET\r\n$1\r'
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
    local tmp; tmp=$(mktemp -d)
    redis-server --port 0 --unixsocket "$tmp/s" --save '' --dir "$tmp" --daemonize no >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 50); do [ -S "$tmp/s" ] && break; sleep 0.1; done
    redis-cli -s "$tmp/s" DEBUG POPULATE 100 >/dev/null 2>&1 || true
    redis-cli -s "$tmp/s" INFO everything >"$s/info/real" 2>/dev/null || true
    # Probe's facts (fuzz/probe_facts_fuzz.cc): INFO NUL limit digit + CONFIG pairs NUL MEMORY STATS
    # pairs; then the same reply as a replica, mid-fork, and with the policy and limits unreadable.
    redis-cli -s "$tmp/s" CONFIG SET maxmemory 64mb >/dev/null 2>&1 || true
    local stats=$'peak.allocated 1200000\nstartup.allocated 900000\nreplication.backlog 0\nclients.normal 20000\n'
    stats+=$'dataset.bytes 30000\nfragmentation 1.3\nfragmentation.bytes 300000\n'
    { redis-cli -s "$tmp/s" INFO everything; printf '\0'; printf 1; redis-cli -s "$tmp/s" CONFIG GET '*' | paste -d' ' - -
      printf '\0%s' "$stats"; } >"$s/probe_facts/real" 2>/dev/null || true
    sed -e 's/^role:master/role:slave/' -e 's/^rdb_bgsave_in_progress:0/rdb_bgsave_in_progress:1/' \
        -e 's/^current_cow_size:0/current_cow_size:4096000/' "$s/probe_facts/real" >"$s/probe_facts/replica_forking"
    { redis-cli -s "$tmp/s" INFO; printf '\0'; printf 4; printf 'maxmemory-policy\n'; } >"$s/probe_facts/noconfig" 2>/dev/null || true
    # AOF: the commands a real server appends for a few writes of each type.
    redis-cli -s "$tmp/s" CONFIG SET appendonly yes >/dev/null 2>&1 || true
    sleep 0.5
    for c in 'SET a 1 EX 100' 'RPUSH l x y z' 'HSET h f v g w' 'SADD s 1 2 3' 'ZADD z 1 m 2 n' 'INCR n' \
             'XADD x * k v' 'APPEND a bc' 'LTRIM l 0 1' 'DEL s' 'PEXPIREAT h 1'; do
      redis-cli -s "$tmp/s" $c >/dev/null 2>&1 || true
    done
    sleep 1.2
    cat "$tmp"/appendonlydir/*.incr.aof >"$s/aof/incr.aof" 2>/dev/null || true
    cat "$tmp"/appendonlydir/*.base.rdb "$tmp"/appendonlydir/*.incr.aof >"$s/aof/preamble.aof" 2>/dev/null || true
    # RDB: a small dump of the populated keys.
    redis-cli -s "$tmp/s" SAVE >/dev/null 2>&1 && cp "$tmp/dump.rdb" "$s/rdb/populate.rdb" 2>/dev/null || true
    # Raw RESP bytes, as the reader sees them (redis-cli would decode them).
    for cmd in 'INFO everything' 'MEMORY STATS' 'CONFIG GET maxmemory*'; do
      local args=($cmd) req="*${#args[@]}\r\n"
      for a in "${args[@]}"; do req+="\$${#a}\r\n$a\r\n"; done
      python3 - "$tmp/s" "$req" >"$s/resp/real_${args[0]}_${args[1]//\*/}" 2>/dev/null <<'PY' || true
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode().decode('unicode_escape').encode('latin-1'))
time.sleep(0.2); s.settimeout(0.5); out = b''
try:
    while True:
        b = s.recv(65536)
        if not b: break
        out += b
except socket.timeout:
    pass
sys.stdout.buffer.write(out)
PY
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$tmp"
  fi
  seed_strings "$s/redis_url" redis://127.0.0.1:6379 rediss://user:pass@host:6380/2 'redis://:p%40ss@[::1]:7000/0' \
    unix:/var/run/redis.sock 'unix:///tmp/r.sock?db=3' redis://host 'redis://u@h:1/15?x=y'
  # cgroup: this machine's files (self cgroup NUL mountinfo), and v1/v2 samples.
  cat /proc/self/cgroup <(printf '\0') /proc/self/mountinfo >"$s/cgroup/self" 2>/dev/null || true
  for f in /sys/fs/cgroup/memory/memory.stat /sys/fs/cgroup/memory.stat /sys/fs/cgroup/memory/memory.limit_in_bytes \
           /sys/fs/cgroup/memory.max; do
    [ -r "$f" ] && cp "$f" "$s/cgroup/$(basename "$f")"
  done
  seed_strings "$s/cgroup" max 9223372036854771712 $'anon 1\nfile 2\ninactive_file 3\n' \
    $'0::/kubepods/pod1/abc\0''30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n'
  echo "seeds: $(find "$s" -type f | wc -l) files in $s"
}

# The longest input each target is given (libFuzzer's -max_len): the largest
# real input of its kind with a margin. A cgroup file, INFO or MEMORY STATS
# reply, redis.conf or start script longer than that only repeats lines, and
# costs more per execution (the parsers allocate per line, under ASan). YAML
# documents and RDB files are larger, so `yaml` and `rdb` keep 64 KiB: long
# documents are the YAML front end's, which `yaml` fuzzes. `manifests` and
# `chart_values` fuzz the recognisers and the join behind that front end; 100
# of the 103 real manifests and values files (fixtures, deploy/, the shared
# corpus) fit in 16 KiB, and at 64 KiB each execution took 2.2 times as long
# (docs/testing.md).
max_len() {
  case $1 in
    quantity|flag_units|redis_url) echo 1024 ;;
    shell_script) echo 8192 ;;
    info|resp|cgroup|redis_conf|manifests|pod_status|chart_values|probe_facts) echo 16384 ;;
    *) echo 65536 ;;
  esac
}

# fuzz TARGET LIBFUZZER-ARGS...: one target over its corpus and seeds.
# libFuzzer's -timeout is wall-clock time: at nice 19 on a busy host a 1 ms
# input can be starved past 10 s (docs/testing.md), hence 300 s by default;
# FUZZ_TIMEOUT=10 on an idle machine. -reload=0: one process per corpus, so
# rereading the corpus directory every second (the default, for -jobs
# workers) is pure overhead: 7% of manifests_fuzz's time in perf.
# -purge_allocator_interval=-1: by default, once RSS passes half of
# -rss_limit_mb (ASan's 256 MB quarantine gets every target there), libFuzzer
# hands all free memory back to the kernel every second, and the process then
# spends most of its time faulting it in again (perf on cgroup_fuzz after
# 2 M executions: madvise, page faults and TLB flushes over 60%, the target
# 10%). Not purging keeps the quarantine full, which ASan's use-after-free
# detection only gains from; -rss_limit_mb still bounds the process.
# FUZZ_JOBS=K runs K workers (libFuzzer -jobs=K -workers=K), each with the
# same flags, so `runs N` makes K*N executions in all; -reload=1 lets each
# worker pick up the inputs the others add to the shared corpus. Their logs
# are build-fuzz/logs/<target>/fuzz-<job>.log.
fuzz() {
  local t=$1; shift
  mkdir -p "$dir/corpus/$t" "$dir/findings/$t"
  local workdir=$root
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
    workdir=$dir/logs/$t  # where libFuzzer writes fuzz-<job>.log
    mkdir -p "$workdir"
    set -- "$@" -jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS" -reload=1
  fi
  cd "$workdir"
  "$dir/fuzz/${t}_fuzz" -artifact_prefix="$dir/findings/$t/" -rss_limit_mb=1024 -timeout="${FUZZ_TIMEOUT:-300}" \
    -max_len="$(max_len "$t")" -reload=0 -purge_allocator_interval=-1 -print_final_stats=1 "$@" "$dir/corpus/$t" "$dir/seeds/$t"
}

# Long campaigns (`runs`) record no allocation stacks and keep a 16 MB
# quarantine, unless ASAN_OPTIONS says otherwise: 18 % and 10 % more
# executions per second on manifests_fuzz (docs/testing.md). Detection is the
# same, use-after-free only within a shorter window; a finding's input is
# saved, and rerunning it alone gives the full report.
campaign_asan_options=malloc_context_size=0:quarantine_size_mb=16

main() {
  case "${1:-smoke}" in
    build) build ;;
    seeds) seeds ;;
    run)   for t in ${3:-${targets[@]}}; do fuzz "$t" -max_total_time="${2:?seconds}"; done ;;
    runs)  export ASAN_OPTIONS=${ASAN_OPTIONS:-$campaign_asan_options}
           for t in ${3:-${targets[@]}}; do fuzz "$t" -runs="${2:?executions}"; done ;;
    smoke) build; seeds; for t in "${targets[@]}"; do fuzz "$t" -max_total_time=5; done ;;
    *) sed -n 2,15p "$0"; exit 2 ;;
  esac
}

# One line, read whole before it runs: editing this file while a long
# campaign runs cannot change what bash reads next.
main "$@"; exit $?

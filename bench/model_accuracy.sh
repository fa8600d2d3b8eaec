#!/usr/bin/env bash
# Accuracy benchmark of the memory model: for a matrix of configurations,
# run a real redis-server under a real memory cgroup (`redisfit stress`) and
# print the model's predicted peak next to the measured peak working set.
# Each run phase is set against the model phase it exercises (import ->
# steady, fork -> fork or full_sync, restart -> the larger of reload and
# steady, since the run phase also covers the server running after the load). The model is meant to
# be conservative: predicted >= measured anonymous memory in every row.
# Needs root (or a delegated cgroup v2 subtree) and a built build/redisfit.
# Usage: bench/model_accuracy.sh [build/redisfit]   (about 1-2 minutes)
set -euo pipefail
B="${1:-build/redisfit}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # name, then stress flags
  local name="$1"; shift
  "$B" stress "$@" -o json >"$out/r.json" 2>/dev/null || true
  python3 - "$name" "$out/r.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
try:
    d = json.load(open(path))
except Exception as e:
    print(f"| {name} | run failed: {e} | | | | | |"); sys.exit(0)
mib = lambda b: f"{b / 2**20:.0f} MiB"
model = d.get("predicted_phases", {})
# Peak anonymous memory (cgroup rss: what reclaim cannot free, so what the OOM
# killer acts on) and peak working set (usage - inactive file, kubelet's
# figure, which also holds active page cache of the RDB/AOF) per run phase.
peak_rss, peak_ws = {}, {}
for sample in d["timeline"]["samples"]:
    ph = sample.get("phase", "")
    peak_rss[ph] = max(peak_rss.get(ph, 0), sample.get("rss_bytes", 0))
    peak_ws[ph] = max(peak_ws.get(ph, 0), sample.get("working_set_bytes", 0))
# The model phase each run phase exercises.
for phase in d["phases"]:
    kind = phase["name"]
    # A restart phase covers the load and the server running again after it.
    targets = {"import": ["steady"], "restart": ["reload", "steady"]}.get(
        kind, ["full_sync" if phase.get("detail") == "fullsync" else "fork"])
    targets = [t for t in targets if t in model]
    if not targets or not peak_rss.get(kind):
        continue
    target = max(targets, key=lambda t: model[t])
    pred, rss, ws = model[target], peak_rss[kind], peak_ws[kind]
    ok = "yes" if pred >= rss else "NO"
    print(f"| {name} | {kind} ({phase['outcome']}) | {mib(rss)} | {mib(ws)} | {target} {mib(pred)} | {pred / max(rss, 1):.2f} | {ok} |")
PY
}

echo "| run | run phase | peak rss (anon) | peak working set | model phase | predicted / rss | conservative |"
echo "|---|---|---|---|---|---|---|"
common=(--limit 1Gi --maxmemory 300mb --save '' --phases import,fork --fork bgsave)
run "BGSAVE, allkeys-lru, 2k overwrites/s"  "${common[@]}" --policy allkeys-lru --write-rate 2000
run "BGSAVE, allkeys-lru, 20k overwrites/s" "${common[@]}" --policy allkeys-lru --write-rate 20000
run "BGSAVE, allkeys-lru, overwrites flat out" "${common[@]}" --policy allkeys-lru --write-rate max
run "BGSAVE, noeviction, full, overwrites flat out" "${common[@]}" --policy noeviction --write-rate max
run "BGSAVE, noeviction, ~80% full (--fill 0.6x payload), overwrites flat out" "${common[@]}" --policy noeviction --write-rate max --fill 0.6x
run "AOF rewrite, allkeys-lru, overwrites flat out" --limit 1Gi --maxmemory 300mb --save '' --appendonly yes \
    --phases import,fork --fork bgrewriteaof --policy allkeys-lru --write-rate max
run "import + restart (reload), noeviction, RDB" --limit 1Gi --maxmemory 300mb --policy noeviction --phases import,restart
run "import + restart (reload), noeviction, AOF" --limit 1Gi --maxmemory 300mb --policy noeviction --save '' --appendonly yes --phases import,restart

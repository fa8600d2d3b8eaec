#!/usr/bin/env python3
"""Calibration matrix of the memory model against real stress runs.

Two parts, both real redis-servers in real memory cgroups (`redisfit stress`):

1. Peak runs (limit 1Gi, maxmemory 300mb, so every run survives and its peak
   is measured rather than capped by the OOM killer): value sizes 100 B / 1 KiB
   / 4 KiB / 16 KiB x write rates 1k / 5k / 20k / flat out during BGSAVE
   (allkeys-lru), plus policies (noeviction full, volatile-lru with and
   without TTL keys, noeviction 80 % full) and fork kinds (BGREWRITEAOF, a
   replica full sync). Each row: the fork child's life, the writes/s achieved,
   Redis' own COW figure (rdb_last_cow_size / aof_last_cow_size) next to the
   cgroup's (anon growth during the fork), and the model's predicted peak
   (a priori, and with the run's measured child life and write rate) against
   the measured peak anonymous memory.
2. Searches (limit 512Mi): `stress --search maxmemory` per workload, the
   measured edge next to plan's recommended maxmemory, and whether the
   recommendation survived all its repeats.
3. AOF (`--only aof`, not in the default run): BGREWRITEAOF against BGSAVE
   of the same data and writes (the child-life multiple), and RSS / used_memory
   after an import with appendonly yes and no (the AOF fragmentation default),
   docs/memory-model.md "Fragmentation under AOF".

Usage: bench/calibration_matrix.py [--binary build/redisfit] [--quick] [--only peaks|search|aof]
       [--out results.json]
  --quick runs a representative subset (what docs/memory-model.md reports when
  the full matrix does not fit the machine's time). Needs root (or a delegated
  cgroup v2 subtree). Prints a markdown table per part.
"""
import argparse, json, statistics, subprocess, sys, time

MiB = 2 ** 20
# Share of the asked write rate a run must achieve for its a-priori
# prediction (made for the asked rate) to count as describing it.
RATE_HELD_SHARE = 0.9


def stress(binary, args):
    p = subprocess.run([binary, "stress", *args, "-o", "json"], capture_output=True, text=True)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        return {"error": (p.stderr or p.stdout)[-400:]}


def peak_row(binary, name, args, estimated_life_applies=True):
    d = stress(binary, ["--limit", "1Gi", "--maxmemory", "300mb", "--phases", "import,fork", *args])
    if "error" in d:
        return {"name": name, "error": d["error"]}
    samples = d["timeline"]["samples"]
    rss = {}
    for s in samples:
        rss[s["phase"]] = max(rss.get(s["phase"], 0), s.get("rss_bytes", 0))
    fork = next((p for p in d["phases"] if p["name"] == "fork"), {})
    measured = max(rss.values()) if rss else 0
    pred = d.get("predicted_peak_bytes") or 0
    # The peak on a median node (a child at kTypicalSaveSpeedup, a fresh
    # dataset's fragmentation): the model's point estimate; the verdict
    # budgets `pred`.
    expected = d.get("predicted_expected_peak_bytes") or pred
    pred_m = d.get("predicted_peak_with_measured_fork_bytes") or 0
    pred_f = d.get("predicted_peak_with_measured_fork_and_fragmentation_bytes") or 0
    before = fork.get("rss_before_fork_bytes", 0)
    return {
        "name": name, "outcome": d["outcome"], "fork_outcome": fork.get("outcome"),
        # Writes executed per second while the child lived (what the model's
        # write rate means), and those refused with -OOM, which copy nothing.
        "child_sec": fork.get("fork_child_sec", 0), "rate": fork.get("fork_write_rate", 0),
        "refused_rate": fork.get("fork_refused_write_rate", 0),
        "redis_cow": fork.get("redis_last_cow_bytes", 0),
        "cgroup_cow": max(0, rss.get("fork", 0) - before) if before else 0,
        "measured_peak": measured, "predicted": pred, "expected": expected,
        "verdict": d.get("predicted_verdict"), "predicted_measured_fork": pred_m,
        "predicted_measured_fork_fragmentation": pred_f,
        "fragmentation_before_fork": fork.get("fragmentation_before_fork", 0),
        "rate_given": "--write-rate" in args and args[args.index("--write-rate") + 1] != "max",
        # False where the run slows its child on purpose: the a-priori
        # estimate of the child's life is then wrong by construction.
        "estimated_life_applies": estimated_life_applies,
        "rate_asked": (float(args[args.index("--write-rate") + 1])
                       if "--write-rate" in args and args[args.index("--write-rate") + 1] != "max" else 0),
    }


def peaks(binary, quick):
    rows = []
    sizes = [100, 1024, 4096, 16384]
    rates = [1000, 5000, 20000, 0]
    if quick:
        grid = [(100, 5000), (1024, 1000), (1024, 5000), (1024, 20000), (1024, 0), (4096, 5000), (16384, 5000),
                (16384, 20000)]
    else:
        grid = [(s, r) for s in sizes for r in rates]
    for size, rate in grid:
        rows.append(peak_row(binary, f"BGSAVE, allkeys-lru, {size} B, {rate or 'flat out'}/s",
                             ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru", "--value-size", str(size),
                              "--write-rate", str(rate) if rate else "max"]))
    base = ["--save", "", "--fork", "bgsave", "--value-size", "1024", "--write-rate", "5000"]
    rows.append(peak_row(binary, "BGSAVE, noeviction, full (writes refused), 5000/s", [*base, "--policy", "noeviction"]))
    rows.append(peak_row(binary, "BGSAVE, volatile-lru no TTL, full (writes refused), 5000/s",
                         [*base, "--policy", "volatile-lru"]))
    rows.append(peak_row(binary, "BGSAVE, volatile-lru, all keys with TTL, 5000/s",
                         [*base, "--policy", "volatile-lru", "--ttl-share", "1"]))
    rows.append(peak_row(binary, "BGSAVE, noeviction, ~80% full, 5000/s", [*base, "--policy", "noeviction", "--fill", "0.6x"]))
    # Only the asked rewrite: an automatic one during the import would be another
    # workload (the search part has both).
    # 16 KiB: values in jemalloc's large classes, whose RSS under AOF stands
    # ~1.3 x used_memory (docs/memory-model.md, "Fragmentation under AOF").
    for size in ["1024", "16384"]:
        rows.append(peak_row(binary, f"BGREWRITEAOF, allkeys-lru, {size} B, 5000/s",
                             ["--save", "", "--appendonly", "yes", "--set", "auto-aof-rewrite-percentage=0",
                              "--fork", "bgrewriteaof", "--policy", "allkeys-lru",
                              "--value-size", size, "--write-rate", "5000"]))
    # Sizes whose allocation holds exactly one page (4000 B: every value
    # dismissed by the child) and a uniform spread across the 2-4 KiB classes.
    for size in ["4000", "512-4096"]:
        rows.append(peak_row(binary, f"BGSAVE, allkeys-lru, {size} B, 5000/s",
                             ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru", "--value-size", size,
                              "--write-rate", "5000"]))
    # A long child, as a large dataset's would be (slowed with Redis' own
    # rdb-key-save-delay, 400 us per key): large values' copies that the child
    # does not dismiss (a 16 KiB value's first page) have longer to build up.
    rows.append(peak_row(binary, "BGSAVE, allkeys-lru, 16384 B, 5000/s, child slowed (rdb-key-save-delay 400)",
                         ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru", "--value-size", "16384",
                          "--write-rate", "5000", "--set", "rdb-key-save-delay=400"], estimated_life_applies=False))
    # Children that skip LZF (ModelConstants::kUncompressedSaveSpeedup): an RDB
    # with rdbcompression no, and an AOF rewrite without its RDB preamble.
    for size in (["1024"] if quick else ["100", "1024", "16384"]):
        rows.append(peak_row(binary, f"BGSAVE, rdbcompression no, allkeys-lru, {size} B, 5000/s",
                             ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru", "--value-size", size,
                              "--write-rate", "5000", "--set", "rdbcompression=no"]))
    rows.append(peak_row(binary, "BGREWRITEAOF without preamble, allkeys-lru, 1024 B, 5000/s",
                         ["--save", "", "--appendonly", "yes", "--set", "auto-aof-rewrite-percentage=0",
                          "--set", "aof-use-rdb-preamble=no", "--fork", "bgrewriteaof", "--policy", "allkeys-lru",
                          "--value-size", "1024", "--write-rate", "5000"]))
    if not quick:
        rows.append(peak_row(binary, "full sync, allkeys-lru, 1 KiB, 5000/s",
                             ["--save", "", "--fork", "fullsync", "--policy", "allkeys-lru", "--value-size", "1024",
                              "--write-rate", "5000"]))
    return rows


def search_row(binary, name, args):
    d = stress(binary, ["--limit", "512Mi", "--search", "maxmemory", "--phases", "import,fork", *args])
    if "error" in d:
        return {"name": name, "error": d["error"]}
    def survived(marker):
        p = next((p for p in d["probes"] if p.get(marker)), None)
        return None if p is None else f"{sum(r['outcome'] == 'survived' for r in p['runs'])}/{d['repeats']}"
    facts = d.get("facts") or {}
    return {"name": name, "edge": d.get("edge_bytes"), "lowest_failure": d.get("lowest_failure_bytes"),
            "recommended": d.get("recommended_bytes"), "recommended_survived": survived("recommended"),
            "given_facts": d.get("recommended_given_facts_bytes"),
            "given_facts_survived": survived("recommended_given_facts"),
            "facts": facts, "probes": len(d["probes"])}


def searches(binary, quick):
    points = [
        # The import itself starts automatic AOF rewrites (auto-aof-rewrite-percentage 100): the
        # model budgets them at the import's unknown rate.
        ("1 KiB, 2000/s, BGREWRITEAOF, allkeys-lru, import starts rewrites",
         ["--save", "", "--appendonly", "yes", "--fork", "bgrewriteaof",
          "--policy", "allkeys-lru", "--value-size", "1024", "--write-rate", "2000"]),
        # Only the asked rewrite forks: the 2000/s workload as described.
        ("1 KiB, 2000/s, BGREWRITEAOF, allkeys-lru, auto-aof-rewrite-percentage 0",
         ["--save", "", "--appendonly", "yes", "--set", "auto-aof-rewrite-percentage=0", "--fork", "bgrewriteaof",
          "--policy", "allkeys-lru", "--value-size", "1024", "--write-rate", "2000"]),
        ("1 KiB, 5000/s, BGSAVE, allkeys-lru", ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru",
                                               "--value-size", "1024", "--write-rate", "5000"]),
        ("4 KiB, 5000/s, BGSAVE, allkeys-lru", ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru",
                                               "--value-size", "4096", "--write-rate", "5000"]),
        ("1 KiB, 20000/s, BGSAVE, allkeys-lru", ["--save", "", "--fork", "bgsave", "--policy", "allkeys-lru",
                                                "--value-size", "1024", "--write-rate", "20000"]),
        ("1 KiB, 5000/s, BGSAVE, noeviction (full)", ["--save", "", "--fork", "bgsave", "--policy", "noeviction",
                                                     "--value-size", "1024", "--write-rate", "5000", "--fill", "1.2x"]),
        ("16 KiB, 1000/s, BGSAVE, volatile-lru with TTL", ["--save", "", "--fork", "bgsave", "--policy", "volatile-lru",
                                                          "--ttl-share", "1", "--value-size", "16384", "--write-rate", "1000"]),
    ]
    if quick:
        points = points[:7]
    return [search_row(binary, n, a) for n, a in points]


def aof(binary):
    """Child life and peaks of BGREWRITEAOF / BGSAVE pairs, and RSS/used after imports."""
    aof_args = ["--appendonly", "yes", "--set", "auto-aof-rewrite-percentage=0"]
    pairs = []
    for size in ("100", "1024", "4096", "16384"):
        pair = {"size": size}
        for kind, extra in (("bgsave", []), ("bgrewriteaof", aof_args)):
            pair[kind] = peak_row(binary, f"{kind} {size} B", ["--save", "", *extra, "--fork", kind, "--policy",
                                                                "allkeys-lru", "--value-size", size, "--write-rate", "5000"])
        pairs.append(pair)
    imports = []
    for size in ("1024", "4096", "8192", "16384", "65536"):
        row = {"size": size}
        for on in ("yes", "no"):
            d = stress(binary, ["--limit", "1Gi", "--maxmemory", "300mb", "--phases", "import", "--save", "",
                                "--appendonly", on, "--set", "auto-aof-rewrite-percentage=0", "--policy", "allkeys-lru",
                                "--value-size", size])
            last = [x for x in d.get("timeline", {}).get("samples", []) if x.get("used_memory_bytes")]
            row[on] = last[-1]["used_memory_rss_bytes"] / last[-1]["used_memory_bytes"] if last else None
        imports.append(row)
    return {"pairs": pairs, "imports": imports}


def print_aof(result):
    print("| values | BGSAVE child | BGREWRITEAOF child | ratio | BGSAVE peak | AOF peak | AOF predicted | "
          "with measured child life |")
    print("|---|---|---|---|---|---|---|---|")
    for p in result["pairs"]:
        b, a = p["bgsave"], p["bgrewriteaof"]
        if "error" in b or "error" in a:
            print(f"| {p['size']} B | error: {(b.get('error') or a.get('error'))[:80]} |||||||")
            continue
        print(f"| {p['size']} B | {b['child_sec']:.1f} s | {a['child_sec']:.1f} s | {a['child_sec'] / b['child_sec']:.2f} | "
              f"{mib(b['measured_peak'])} | {mib(a['measured_peak'])} | {mib(a['predicted'])} | "
              f"{mib(a['predicted_measured_fork'])} |")
    print("\n| values | RSS/used, appendonly yes | appendonly no |")
    print("|---|---|---|")
    for r in result["imports"]:
        fmt = lambda x: f"{x:.2f}" if x else "-"
        print(f"| {r['size']} B | {fmt(r['yes'])} | {fmt(r['no'])} |")


def mib(b):
    return f"{b / MiB:.0f} MiB" if b else "-"


def print_peaks(rows):
    print("| run | fork child | writes/s executed | Redis COW | cgroup COW | measured peak (anon) | budgeted | "
          "budgeted / measured | expected | expected / measured | with measured child life + rate | ratio | "
          "fragmentation before the fork | also with it | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ratios, ratios_e, ratios_m, ratios_f = [], [], [], []
    killed, killed_safe = 0, 0
    for r in rows:
        if "error" in r:
            print(f"| {r['name']} | error: {r['error'][:80]} ||||||||||||||")
            continue
        if r["outcome"] not in ("survived", "incomplete"):
            killed += 1
            killed_safe += r.get("verdict") == "safe"
        ratio = r["predicted"] / max(r["measured_peak"], 1)
        expected = r.get("expected") or r["predicted"]
        ratio_e = expected / max(r["measured_peak"], 1)
        ratio_m = r["predicted_measured_fork"] / max(r["measured_peak"], 1) if r["predicted_measured_fork"] else 0
        # A described rate counts only when the run held it: a fork under
        # which the host could not reach the rate (1 KiB and larger at
        # 20000/s here), or whose writes the server refused with -OOM
        # (noeviction at maxmemory), ran another workload than the one
        # described.
        held = r["rate_given"] and r["rate"] >= RATE_HELD_SHARE * r.get("rate_asked", r["rate"])
        if held and r.get("estimated_life_applies", True):
            ratios.append(ratio)
            ratios_e.append(ratio_e)
        if ratio_m:
            ratios_m.append(ratio_m)
        pred_f = r.get("predicted_measured_fork_fragmentation", 0)
        ratio_f = pred_f / max(r["measured_peak"], 1) if pred_f else 0
        if ratio_f:
            ratios_f.append(ratio_f)
        not_held = " (not held)" if r["rate_given"] and not held else ""
        if r.get("refused_rate", 0) >= 0.5:
            not_held += f", {r['refused_rate']:.0f} refused"
        print(f"| {r['name']} | {r['child_sec']:.1f} s | {r['rate']:.0f}{not_held} | {mib(r['redis_cow'])} | {mib(r['cgroup_cow'])} | "
              f"{mib(r['measured_peak'])} | {mib(r['predicted'])} | {ratio:.2f}{'' if ratio >= 1 else ' UNDER'} | "
              f"{mib(expected)} | {ratio_e:.2f}{'' if ratio_e >= 1 else ' under'} | "
              f"{mib(r['predicted_measured_fork'])} | {ratio_m:.2f}{'' if not ratio_m or ratio_m >= 1 else ' UNDER'} | "
              f"{r.get('fragmentation_before_fork', 0):.2f} | {mib(pred_f)} | "
              f"{ratio_f:.2f}{'' if not ratio_f or ratio_f >= 1 else ' UNDER'} |")
    print(f"\nOOM-killed runs the model called safe: {killed_safe} of {killed}")
    for label, rs in (("a priori, rate (held) and value size given: the budgeted peak", ratios),
                      ("a priori, rate (held) and value size given: the expected peak", ratios_e),
                      ("with measured child life", ratios_m),
                      ("with measured child life and fragmentation (probe's facts)", ratios_f)):
        if rs:
            print(f"\n{label}: {len(rs)} runs, under-predictions {sum(x < 1 for x in rs)}, "
                  f"median {statistics.median(rs):.2f}, worst (max) {max(rs):.2f}, min {min(rs):.2f}")


def print_searches(rows):
    # "given facts": plan given what the recommendation's runs measured (child life and the dataset it
    # saved, the fragmentation before the fork), as probe would read them: --save-time, --save-time-of, --fragmentation.
    print("| workload (limit 512Mi) | measured edge | smallest death | plan's maxmemory | plan / edge | plan survived "
          "| facts measured | plan given them | / edge | survived |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "error" in r:
            print(f"| {r['name']} | error: {r['error'][:80]} |||||||||")
            continue
        share = lambda v: f"{v / r['edge']:.0%}" if r["edge"] and v else "-"
        f = r.get("facts") or {}
        facts = (f"{f['fork_child_sec']:.1f} s of {mib(f['fork_child_dataset_bytes'])}, {f['fragmentation']:.2f}"
                 if f else "-")
        print(f"| {r['name']} | {mib(r['edge'])} | {mib(r['lowest_failure'])} | {mib(r['recommended'])} | "
              f"{share(r['recommended'])} | {r['recommended_survived']} | {facts} | {mib(r.get('given_facts'))} | "
              f"{share(r.get('given_facts'))} | {r.get('given_facts_survived')} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/redisfit")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", choices=["peaks", "search", "aof"])
    ap.add_argument("--out")
    a = ap.parse_args()
    t0 = time.time()
    result = {}
    if a.only in (None, "peaks"):
        result["peaks"] = peaks(a.binary, a.quick)
        print_peaks(result["peaks"])
        print()
    if a.only in (None, "search"):
        result["searches"] = searches(a.binary, a.quick)
        print_searches(result["searches"])
    if a.only == "aof":
        result["aof"] = aof(a.binary)
        print_aof(result["aof"])
    print(f"\n({time.time() - t0:.0f} s)")
    if a.out:
        json.dump(result, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""RSS / used_memory of a dataset before a restart and after its load.

No cgroup needed: a real redis-server on 127.0.0.1 (free ports), a dataset
written with `redis-cli --pipe`, then the server stopped and started again on
the same directory, and INFO memory read once the load is over. Two kinds of
load:

  rdb  appendonly no: SAVE, restart, the RDB is loaded one allocation after
       another (the fresh layout of the values).
  aof  appendonly yes, auto rewrite off: every write is in the AOF's
       incremental file, and the restart replays them, overwrites included.

Each row: label, persistence, keys, writes per key (passes), value sizes
(one size, or a uniform range lo-hi). The figures are what
docs/memory-model.md quotes in "Large values near the top of their class"
and "What a reload leaves".

Usage: bench/load_fragmentation.py [--only LABEL ...]
"""
import argparse, os, random, shutil, signal, socket, subprocess, sys, tempfile, time

MiB = 2 ** 20

ROWS = [
    # label, persistence, keys, passes, (lo, hi)
    ("1 KiB, RDB", "rdb", 200000, 1, (1024, 1024)),
    ("20000 B, RDB", "rdb", 10000, 1, (20000, 20000)),
    ("16 KiB, RDB", "rdb", 12000, 1, (16384, 16384)),
    ("15000 B, RDB", "rdb", 13000, 1, (15000, 15000)),
    ("1 KiB, AOF, 10 writes per key", "aof", 100000, 10, (1024, 1024)),
    ("512-4096 B, AOF, 10 writes per key", "aof", 50000, 10, (512, 4096)),
    ("512-4096 B, AOF, 1 write per key", "aof", 100000, 1, (512, 4096)),
    ("100-16384 B, AOF, 10 writes per key", "aof", 20000, 10, (100, 16384)),
    ("20000 B, AOF, 1 write per key", "aof", 10000, 1, (20000, 20000)),
    ("20000 B, AOF, 10 writes per key", "aof", 5000, 10, (20000, 20000)),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True).stdout


def memory(port):
    fields = dict(l.split(":", 1) for l in cli(port, "info", "memory").splitlines() if ":" in l)
    return int(fields["used_memory"]), int(fields["used_memory_rss"])


def start(directory, persistence):
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", ""]
    args += ["--appendonly", "yes", "--auto-aof-rewrite-percentage", "0"] if persistence == "aof" else ["--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    RUNNING.append(proc)
    for _ in range(1200):
        time.sleep(0.1)
        if "loading:0" in cli(port, "info", "persistence"):
            break
    time.sleep(1.0)  # RSS settles
    return proc, port


# Every redis-server started and not yet stopped: an interrupted run (Ctrl-C,
# SIGTERM, an error) stops them before its temporary directory goes.
RUNNING = []


def stop(proc):
    proc.terminate()
    proc.wait()
    if proc in RUNNING:
        RUNNING.remove(proc)


def commands(keys, passes, lo, hi):
    rnd = random.Random(1)
    out = []
    for _ in range(passes):
        for k in range(keys):
            key = f"k:{k}"
            value = "x" * (lo if lo == hi else rnd.randint(lo, hi))
            out.append(f"*3\r\n$3\r\nSET\r\n${len(key)}\r\n{key}\r\n${len(value)}\r\n{value}\r\n")
    return "".join(out).encode()


def row(label, persistence, keys, passes, sizes):
    directory = tempfile.mkdtemp(prefix="redisfit-loadfrag-")
    try:
        proc, port = start(directory, persistence)
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=commands(keys, passes, *sizes),
                       capture_output=True)
        if persistence == "rdb":
            cli(port, "save")
        before = memory(port)
        stop(proc)
        proc, port = start(directory, persistence)
        after = memory(port)
        stop(proc)
    finally:
        for proc in list(RUNNING):
            stop(proc)
        shutil.rmtree(directory, ignore_errors=True)
    print(f"| {label} | {before[0] / MiB:.0f} MiB | {before[1] / before[0]:.2f} | "
          f"{after[0] / MiB:.0f} MiB | {after[1] / after[0]:.2f} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    # SIGTERM (timeout, a CI cancel) unwinds like Ctrl-C, so the finally
    # clauses stop the servers and remove the temporary directories.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print("| dataset | used_memory before | RSS / used before | used_memory after the load | RSS / used after |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        if a.only and r[0] not in a.only:
            continue
        row(*r)


if __name__ == "__main__":
    main()

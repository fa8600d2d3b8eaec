#!/usr/bin/env python3
"""The figures docs/rdb.md quotes for an AOF's commands: strings grown in place
(APPEND, SETBIT, BITFIELD), writes later deleted (SET then DEL) and a script's
writes (one transaction, whose queue is the load's peak), each set
against a real redis-server that loads the same appendonlydir.

    python3 bench/aof_replay_figures.py [--binary build/redisfit] [--scale 1.0]

For each workload: a throw-away redis-server (appendonly yes, no RDB preamble,
so the AOF holds the commands; no automatic rewrite) takes the commands through
`redis-cli --pipe`, shuts down, and a second server loads the copied directory.
Printed: what `redisfit rdb DIR -o json` estimates (used_memory at the end, and
at the load's highest point when it peaks before the end) against the second
server's used_memory and used_memory_peak after its load. Everything lives in a
fresh directory under $TMPDIR (or /tmp), removed at the end; only 127.0.0.1 is
used. --scale shrinks or grows every workload's key counts (1.0 = the docs').
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

MiB = 1 << 20
STARTED = []  # ports of servers this run started, shut down at the end whatever happens


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def resp(*args):
    out = [f"*{len(args)}\r\n".encode()]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(f"${len(b)}\r\n".encode() + b + b"\r\n")
    return b"".join(out)


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), *map(str, args)], capture_output=True, text=True,
                          timeout=120).stdout


def info_field(port, name):
    for line in cli(port, "INFO", "memory").splitlines():
        if line.startswith(name + ":"):
            return int(line.split(":", 1)[1])
    return 0


def start(dirpath, port, extra=()):
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", dirpath, "--save", "",
                    "--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--auto-aof-rewrite-percentage", "0",
                    "--daemonize", "yes", "--logfile", os.path.join(dirpath, "redis.log"), *extra], check=True)
    STARTED.append(port)
    for _ in range(600):  # up to 60 s: the second server loads the AOF first
        if cli(port, "PING").strip() == "PONG":
            return
        time.sleep(0.1)
    raise RuntimeError("redis-server did not answer on port %d" % port)


def workloads(scale):
    n = lambda k: max(1, int(k * scale))

    def append():
        for _ in range(20):
            for i in range(n(20000)):
                yield resp("APPEND", f"k:{i}", "a" * 50)

    def setbit():
        for step in range(1, 30):
            for i in range(n(1000)):
                yield resp("SETBIT", f"b:{i}", 8000 * step, 1)

    def bitfield():
        for i in range(n(10000)):
            yield resp("SET", f"s:{i}", "x" * 16)
        for i in range(n(60)):
            yield resp("BITFIELD", f"bf:{i}", "SET", "u8", 8000000, 1)

    def set_then_del():
        keys = n(20000)
        for i in range(keys):
            yield resp("SET", f"d:{i}", "v" * 5000)
        for i in range(keys - max(1, keys // 2000)):  # 19,990 of 20,000
            yield resp("DEL", f"d:{i}")

    def script_of_sets():
        # Redis 7 propagates a script's writes wrapped in MULTI/EXEC: one
        # transaction of 300,000 SETs, queued whole by the loader.
        body = f"for i=1,{n(300000)} do redis.call('SET','e:'..i,string.rep('v',100)) end"
        yield resp("EVAL", body, 0)

    return [("APPEND 50 B x 20 rounds to 20,000 keys", append),
            ("SETBIT at 8,000 x 1..29 on 1,000 keys", setbit),
            ("BITFIELD SET u8 8000000 on 60 keys beside 10,000 small ones", bitfield),
            ("SET 20,000 x 5,000 B, then DEL 19,990", set_then_del),
            ("one EVAL of 300,000 SETs of 100 B", script_of_sets)]


def one(binary, work, name, gen):
    src = tempfile.mkdtemp(dir=work)
    port = free_port()
    start(src, port)
    payload = b"".join(gen())
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=payload, capture_output=True, check=True,
                   timeout=600)
    written_peak = info_field(port, "used_memory_peak")
    cli(port, "SHUTDOWN")  # appendfsync, then exit: the AOF is complete
    time.sleep(0.5)
    aof_dir = os.path.join(src, "appendonlydir")
    est = json.loads(subprocess.run([binary, "rdb", aof_dir, "-o", "json", "--no-progress"], capture_output=True,
                                    text=True, check=True, timeout=600).stdout)["estimate"]
    dst = tempfile.mkdtemp(dir=work)
    shutil.copytree(aof_dir, os.path.join(dst, "appendonlydir"))
    port2 = free_port()
    start(dst, port2)
    used, peak = info_field(port2, "used_memory"), info_field(port2, "used_memory_peak")
    cli(port2, "SHUTDOWN", "NOSAVE")
    return {"name": name, "estimate_end": est["used_memory_bytes"],
            "estimate_peak": est.get("load_peak_used_memory_bytes"), "loaded_used": used, "loaded_peak": peak,
            "written_peak": written_peak}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/redisfit")
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    # SIGTERM unwinds like Ctrl-C: the finally clause stops the server and removes its directory.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="redisfit-aof-figures-", dir=os.environ.get("TMPDIR", "/tmp"))
    try:
        print("| workload | rdb estimate (end) | server after load (used_memory) | end / server "
              "| rdb estimate (load peak) | server's used_memory_peak | peak / server |")
        print("|---|---|---|---|---|---|---|")
        for name, gen in workloads(a.scale):
            r = one(a.binary, work, name, gen)
            mib = lambda b: f"{b / MiB:.1f} MiB" if b else "-"
            peak_ratio = f"{r['estimate_peak'] / r['loaded_peak']:.2f}" if r["estimate_peak"] else "-"
            print(f"| {r['name']} | {mib(r['estimate_end'])} | {mib(r['loaded_used'])} | "
                  f"{r['estimate_end'] / r['loaded_used']:.2f} | {mib(r['estimate_peak'])} | "
                  f"{mib(r['loaded_peak'])} | {peak_ratio} |", flush=True)
    finally:
        for port in STARTED:
            subprocess.run(["redis-cli", "-p", str(port), "SHUTDOWN", "NOSAVE"], capture_output=True, timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

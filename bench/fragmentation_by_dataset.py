#!/usr/bin/env python3
"""RSS per byte of data as a dataset grows, against INFO's mem_fragmentation_ratio.

Fills a redis-server (started here on a free loopback port, --save '') with
1000-byte values over one connection and, at each step, prints the dataset
(used_memory - used_memory_startup - mem_clients_normal), used_memory_rss,
mem_fragmentation_ratio and the fragmentation redisfit derives
(model/fragmentation.h: RSS less the base term's 10 MiB and the client
buffers, over the dataset). The server runs in the foreground, as a
container runs it. docs/memory-model.md cites its table.

    bench/fragmentation_by_dataset.py [--steps 20,40,80,160,240,320] [--value-size 1000]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BASE = 10 << 20  # ModelConstants::kBaseBytes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default="20,40,80,160,240,320", help="used_memory targets in MiB")
    ap.add_argument("--value-size", type=int, default=1000)
    args = ap.parse_args()
    # SIGTERM unwinds like Ctrl-C: the finally clause stops the server and removes its directory.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp()
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--dir", tmp], stdout=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                conn = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.1)

        def info():
            conn.sendall(b"*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n")
            data = b""
            while True:
                data += conn.recv(65536)
                if data.startswith(b"$"):
                    head = data.index(b"\r\n")
                    if len(data) >= head + 2 + int(data[1:head]) + 2:
                        break
            return dict(l.split(":", 1) for l in data.decode().split("\r\n") if ":" in l)

        value = b"v" * args.value_size
        key = 0
        print("| used_memory target | dataset | used_memory_rss | mem_fragmentation_ratio | redisfit's fragmentation |")
        print("|---|---|---|---|---|")
        for target in (int(t) << 20 for t in args.steps.split(",")):
            while int(info()["used_memory"]) < target:
                batch = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(value), value)
                                 for k in (b"k:%d" % i for i in range(key, key + 1000)))
                key += 1000
                conn.sendall(batch)
                replies = b""
                while replies.count(b"+OK\r\n") < 1000:
                    replies += conn.recv(65536)
            time.sleep(0.3)  # used_memory_rss is sampled by serverCron
            f = info()
            clients = int(f["mem_clients_normal"])
            dataset = int(f["used_memory"]) - int(f["used_memory_startup"]) - clients
            rss = int(f["used_memory_rss"])
            derived = max(1.0, (rss - BASE - clients) / dataset)
            print(f"| {target >> 20} MiB | {dataset / 2**20:.1f} MiB | {rss / 2**20:.1f} MiB | "
                  f"{f['mem_fragmentation_ratio']} | {derived:.3f} |")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

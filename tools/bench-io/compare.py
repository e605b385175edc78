#!/usr/bin/env python3
"""Two charvec binaries on the same files, interleaved: median wall and CPU seconds of each command.

    python3 tools/bench-io/compare.py NAME=BINARY NAME=BINARY [--data /tmp/charvec-bench] [--runs 5]
                                      [--commands info,audit] [--only bin,vec.gz]

For a before/after check of a change (e.g. main's binary against a branch's). Runs alternate
which binary goes first, so a machine whose load drifts slows both alike; the load average is
printed with each row because the machine may be shared. Files are run.py's synthetic set
(make them with run.py first).
"""
import argparse
import os
import resource
import statistics
import subprocess
import time

p = argparse.ArgumentParser()
p.add_argument("binaries", nargs=2, help="NAME=PATH of each charvec binary")
p.add_argument("--data", default="/tmp/charvec-bench")
p.add_argument("--runs", type=int, default=5)
p.add_argument("--commands", default="info,audit")
p.add_argument("--only", default="bin,bin.gz,vec,vec.gz", help="comma-separated file suffixes")
a = p.parse_args()
binaries = dict(b.split("=", 1) for b in a.binaries)


def run(binary, command, path):
    """Wall and CPU (user + sys) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()  # os.times() and /usr/bin/time tick at 10 ms
    # `charvec audit` exits 1 when it finds errors; the time is what matters here.
    subprocess.run([binary, command, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


for suffix in a.only.split(","):
    path = os.path.join(a.data, "synthetic-1m-300d." + suffix)
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    for command in a.commands.split(","):
        walls = {name: [] for name in binaries}
        cpus = {name: [] for name in binaries}
        loads = []
        for r in range(a.runs):
            order = list(binaries) if r % 2 == 0 else list(reversed(list(binaries)))
            for name in order:
                wall, cpu = run(binaries[name], command, path)
                walls[name].append(wall)
                cpus[name].append(cpu)
            loads.append(os.getloadavg()[0])
        cells = "  ".join(f"{name}: {statistics.median(walls[name]):.3f} s wall (best {min(walls[name]):.3f}), "
                          f"{statistics.median(cpus[name]):.3f} s cpu" for name in binaries)
        print(f"{command} {suffix} ×{a.runs}: {cells}  load {min(loads):.1f}–{max(loads):.1f}", flush=True)

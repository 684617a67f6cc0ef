"""Benchmark: the cold history read of one or more okrops trees side by side, against bare git.

The issue 8 figure: okrops' cold read (``OKROPS_NO_CACHE=1``: every check-in verified
against its file change, nothing from the cache) against one bare ``git log`` printing
every field okrops needs (``git log --raw %(trailers)``), in wall time and CPU time.

Each okrops contender runs in a fresh process of its own that imports okrops from the
given tree (this one, and each ``--baseline-source``, e.g. the main branch's worktree),
loads the organisation and imports the reading modules, then times ``read_history`` alone
(nothing is written into the trees): wall clock, and CPU of the
process and its git processes (``resource.getrusage``). Runs are interleaved (baseline,
then each tree, then again), so a machine busy with other work slows every contender
alike; medians are given with the load average before and after.

    python benchmarks/bench_history_cold.py --repo /work/bench/history-100k --runs 5 \\
        --baseline-source /path/to/main
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Run in a fresh process with okrops imported from argv[1]; prints {"wall": s, "cpu": s, "checkins": n}.
_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
os.environ["OKROPS_NO_CACHE"] = "1"
from okrops.record import history
from okrops.repository import load
import okrops.yamlio, okrops.record.historycache, okrops.record.historyread  # imported (and compiled) untimed
org = load(sys.argv[2]).organisation
before = resource.getrusage(resource.RUSAGE_CHILDREN)
own = time.process_time()
began = time.perf_counter()
found = history.read_history(org)
wall = time.perf_counter() - began
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = time.process_time() - own + after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "own": time.process_time() - own, "checkins": len(found)}))
"""


def _baseline(repo: Path) -> tuple[float, float]:
    """(wall, CPU) of one bare ``git log --raw %(trailers)``, output thrown away."""
    sys.path.insert(0, str(HERE.parent))
    from okrops.record import gitlog

    command = ["git", *gitlog.GIT_CONFIG, "log", *gitlog.LOG_OPTIONS, *gitlog.RAW_OPTIONS,
               f"--format={gitlog.LOG_FORMAT}", "HEAD", "--"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, cwd=repo, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _okrops(source: Path, repo: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(repo)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(HERE / "out" / "history-100k"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-source", action="append", default=[],
                        help="Another okrops tree to time beside this one (repeatable).")
    args = parser.parse_args(argv)
    repo = Path(args.repo)
    sources = {"this tree": HERE.parent, **{f"tree {path}": Path(path) for path in args.baseline_source}}
    load_before = os.getloadavg()
    wall: dict[str, list[float]] = {name: [] for name in ["git log --raw %(trailers)", *sources]}
    cpu: dict[str, list[float]] = {name: [] for name in wall}
    own: dict[str, list[float]] = {name: [] for name in sources}
    count = {}
    for _ in range(args.runs):
        w, c = _baseline(repo)
        wall["git log --raw %(trailers)"].append(w)
        cpu["git log --raw %(trailers)"].append(c)
        for name, source in sources.items():
            found = _okrops(source, repo)
            wall[name].append(found["wall"])
            cpu[name].append(found["cpu"])
            own[name].append(found["own"])
            count[name] = found["checkins"]
    load_after = os.getloadavg()
    base_wall = statistics.median(wall["git log --raw %(trailers)"])
    base_cpu = statistics.median(cpu["git log --raw %(trailers)"])
    print(f"cold history read of {repo}, medians of {args.runs} interleaved runs; ratios to git log --raw %(trailers)")
    print(f"  {'':48} {'wall':>8} {'cpu':>8} {'python':>8} {'wall x':>7} {'cpu x':>6}  check-ins")
    result = {}
    for name in wall:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        python = f"{statistics.median(own[name]):7.2f}s" if name in own else ""
        print(f"  {name:48} {w:7.2f}s {c:7.2f}s {python:>8} {w / base_wall:6.2f}x {c / base_cpu:5.2f}x  "
              f"{count.get(name, '')}")
        result[name] = {"wall": wall[name], "cpu": cpu[name], "own": own.get(name)}
    print(f"load average {', '.join(f'{x:.1f}' for x in load_before)} before, "
          f"{', '.join(f'{x:.1f}' for x in load_after)} after, on {os.cpu_count()} CPUs")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_history_cold.json").write_text(json.dumps({"runs": result, "load_before": load_before,
                                                             "load_after": load_after}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

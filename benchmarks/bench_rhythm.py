"""Benchmark the weekly rhythm on the 1,000-unit organisation with a quarter of weekly check-ins.

The organisation and its history are bench_site's (benchmarks/generate_org.py, one check-in
commit per unit and week of 2026-Q4 through ``git fast-import``, cached in
benchmarks/out/site-org-<units>). Each command runs as a user would run it, in its own
process (``python -m okrops ...``), on 2026-12-28, the last week of the quarter:

* ``okrops remind --format json``: the key results due, grouped by the people to nudge;
* ``okrops report week``: the weekly digest (both ends of the week read from git);
* ``okrops report review --cycle 2026-Q4``: the review of the quarter;
* ``okrops status`` as the reference the ratios are given against.

``cold`` runs without okrops' history cache (.git/okrops/, removed before the run), ``warm``
with it, as the scheduled workflow (a fresh checkout) and a second run see them. Not a test::

    python benchmarks/bench_rhythm.py              # 1,000 units, 3 runs each
    python benchmarks/bench_rhythm.py --units 200 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

COMMANDS = {
    "status": ["status", "--format", "json"],
    "remind": ["remind", "--format", "json"],
    "report week": ["report", "week", "--format", "markdown"],
    "report review": ["report", "review", "--cycle", "2026-Q4"],
}


def run(root: Path, args: list[str], cold: bool) -> float:
    if cold:
        shutil.rmtree(root / ".git" / "okrops", ignore_errors=True)
    env = dict(os.environ, OKROPS_TODAY="2026-12-28")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"okrops {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="cold,warm", help="cold, warm or both (default: cold,warm)")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m in ("cold", "warm")]
    import bench_site

    started = time.perf_counter()
    root = bench_site.ensure_org(args.units)
    commits = subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
    print(f"organisation: {args.units} units, {commits} commits (ready in {time.perf_counter() - started:.1f} s)")
    results: dict[str, dict[str, float]] = {}
    for name, command in COMMANDS.items():
        results[name] = {}
        for mode in modes:
            if mode == "warm":
                run(root, command, cold=False)  # fill the cache
            times = [run(root, command, cold=(mode == "cold")) for _ in range(args.runs)]
            results[name][mode] = statistics.median(times)
            print(f"  {name} ({mode}): {results[name][mode]:.2f} s", flush=True)
    print(f"\n{'command':<16} " + " ".join(f"{m + ' s':>8} {m + ' / status':>14}" for m in modes))
    for name, r in results.items():
        print(f"{name:<16} " + " ".join(f"{r[m]:8.2f} {r[m] / results['status'][m]:14.2f}" for m in modes))
    print(json.dumps({"units": args.units, "commits": int(commits), "runs": args.runs, "median_seconds": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

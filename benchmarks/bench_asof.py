"""Time travel must not make the present slower: ``okrops status --as-of`` against ``okrops status``.

The organisation is bench_site's: 1,000 units from generate_org.py with a quarter (13 weeks) of
weekly check-in commits, one per unit and week (13,000 commits). Each command runs as its own
process, interleaved, with the history cache warm (as on any machine that ran okrops before).
Reports medians and the ratio of each ``--as-of`` run to ``status`` on the present.

    python benchmarks/bench_asof.py [--units 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def timed(root: Path, *args: str) -> float:
    env = dict(os.environ)
    env.pop("OKROPS_TODAY", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=root, env=env, capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"okrops {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return seconds


def main(argv=None) -> int:
    import bench_site

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    root = bench_site.ensure_org(args.units)
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True, text=True).stdout
    cases = {
        "status (present, --today 2026-12-28)": ["status", "--today", bench_site.TODAY, "--format", "json"],
        "status --as-of 2026-11-16 (mid-quarter)": ["status", "--as-of", "2026-11-16", "--format", "json"],
        "status --as-of 2026-12-28 (the tip)": ["status", "--as-of", bench_site.TODAY, "--format", "json"],
        "status --as-of 2026-10-05 (first week)": ["status", "--as-of", "2026-10-05", "--format", "json"],
    }
    for case in cases.values():  # warm the history cache and the file cache
        timed(root, *case)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            times[name].append(timed(root, *case))
    base = statistics.median(times[next(iter(cases))])
    rows = [{"case": name, "median_s": round(statistics.median(t), 3), "ratio": round(statistics.median(t) / base, 2)}
            for name, t in times.items()]
    print(f"{args.units} units, {int(commits)} commits, {args.runs} runs each, medians")
    print("| command | median | ratio to present |\n|---|---|---|")
    for row in rows:
        print(f"| `{row['case']}` | {row['median_s']:.2f} s | {row['ratio']:.2f}x |")
    print(json.dumps(rows))
    worst = max(r["ratio"] for r in rows)
    return 0 if worst <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())

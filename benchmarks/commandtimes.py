"""Timing commands side by side on a busy machine: interleaved runs, medians of wall and CPU time.

Shared by the command benchmarks (bench_history_command.py, bench_validate_cache.py). A
contender is a name and a function that runs it once; every round runs each contender
once, in an order that alternates, so load from other work slows all of them alike. CPU
time is of this process's children (the commands), which load from others disturbs less.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable


def okrops_command(source: str = "") -> tuple[list[str], dict]:
    """``python -m okrops`` of this source tree, or of another one (``source``: a checkout of okrops)."""
    env = dict(os.environ)
    tree = Path(source).resolve() if source else Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(tree) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return [sys.executable, "-m", "okrops"], env


def run(command: list[str], cwd, env=None, stdin=None) -> Callable[[], None]:
    def once() -> None:
        subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stdin=stdin, check=False)
    return once


def measure(contenders: dict[str, Callable[[], None]], runs: int) -> dict[str, dict]:
    """name -> {"wall": median s, "cpu": median s, "walls": [...]}; rounds interleaved, order alternating."""
    names = list(contenders)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(runs):
        for name in (names if round_ % 2 == 0 else list(reversed(names))):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            contenders[name]()
            wall[name].append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: {"wall": statistics.median(wall[name]), "cpu": statistics.median(cpu[name]),
                   "walls": [round(t, 3) for t in wall[name]]} for name in names}


def table(results: dict[str, dict], baseline: str) -> str:
    """A Markdown table with ratios (wall and CPU) to ``baseline``."""
    base = results[baseline]
    lines = [f"| contender | wall (median) | CPU (median) | wall / {baseline} | CPU / {baseline} |",
             "|---|---|---|---|---|"]
    for name, figures in results.items():
        lines.append(f"| {name} | {figures['wall']:.3f} s | {figures['cpu']:.3f} s | "
                     f"{figures['wall'] / base['wall']:.2f}x | {figures['cpu'] / base['cpu']:.2f}x |")
    lines.append(f"\nload average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return "\n".join(lines)

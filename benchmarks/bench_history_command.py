"""Benchmark: ``okrops history --format json|csv`` as a command against bare ``git log --format=%B``.

On a repository made by gen_history_repo.py (default: 100,000 commits), in one
interleaved run: bare git log, the history command with its cache warm (the usual
case: every run after the first) and cold (``OKROPS_NO_CACHE=1``: every commit read
and verified), JSON and CSV; with ``--baseline DIR`` the same commands of another
okrops source tree (say, a checkout of main before a change) side by side.

    python benchmarks/bench_history_command.py --repo /work/bench/history-100k --runs 5 \\
        [--baseline /tmp/okrops-main] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from commandtimes import measure, okrops_command, run, table  # noqa: E402


def contenders(repo: Path, baseline: str, cold: bool) -> dict:
    found = {"git log %B": run(["git", "log", "--format=%B", "HEAD"], repo)}
    trees = [("this", "")] + ([("baseline", baseline)] if baseline else [])
    for label, source in trees:
        command, env = okrops_command(source)
        for output in ("json", "csv"):
            cli = [*command, "history", "--format", output, "--repo", str(repo)]
            found[f"{label}: history --format {output}, cache warm"] = run(cli, repo, env)
        if cold:
            cold_env = dict(env, OKROPS_NO_CACHE="1")
            found[f"{label}: history --format json, cold"] = run(
                [*command, "history", "--format", "json", "--repo", str(repo)], repo, cold_env)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(HERE / "out" / "history-100k"))
    parser.add_argument("--commits", type=int, default=100_000, help="History size when the repository is generated.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", default="", help="Another okrops source tree to time side by side.")
    parser.add_argument("--no-cold", action="store_true", help="Leave out the cold runs (they take longest).")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    repo = Path(args.repo)
    if not (repo / "okrs" / "okrops.yaml").is_file():
        from gen_history_repo import generate

        generate(repo, args.commits, 40)
    for tree in [HERE.parent] + ([Path(args.baseline)] if args.baseline else []):
        # Byte code written first, as pip writes it for an installed okrops (with PYTHONDONTWRITEBYTECODE
        # set, every run would compile okrops' modules again: a cost no installed command has).
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "okrops")], check=True)
    found = contenders(repo, args.baseline, not args.no_cold)
    for once in found.values():  # warm up: caches (history, schemas) and the page cache
        once()
    results = measure(found, args.runs)
    count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    print(f"history command on {int(count):,} commits, {args.runs} interleaved runs")
    print(table(results, "git log %B"))
    if args.json:
        args.json.write_text(json.dumps({"commits": int(count), "results": results,
                                         "load_average": os.getloadavg()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

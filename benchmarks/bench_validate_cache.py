"""Benchmark: ``okrops validate`` with the validate cache, after a one-file change, against a cold run.

On the 1,000-unit organisation of generate_org.py (3,002 files), in one interleaved run:

* cold: ``OKROPS_NO_CACHE=1`` (every file parsed and schema-checked: the baseline);
* warm: nothing changed since the last run;
* one file changed: a key result's ``current`` in one cycle file takes a new value before every run
  (a check-in, say), so the cache holds every file but that one;
* with ``--baseline DIR``: another okrops source tree's validate (say, main before the cache), warm and
  after a one-file change.

Findings are compared too: the cached runs must print exactly what the cold run prints.

    python benchmarks/bench_validate_cache.py [--units 1000] [--runs 5] [--baseline /tmp/okrops-main]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from commandtimes import measure, okrops_command, run, table  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "org-1000-cache")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", default="", help="Another okrops source tree to time side by side.")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    root = args.out
    if not (root / "okrs" / "okrops.yaml").is_file():
        from generate_org import generate

        generate(str(root), units=args.units)
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    command, env = okrops_command()
    cli = [*command, "validate", "--format", "json", str(root)]
    cycle_file = sorted((root / "okrs").rglob("2026-Q4.yaml"))[len(list((root / "okrs").rglob("2026-Q4.yaml"))) // 2]
    original = cycle_file.read_text(encoding="utf-8")
    counter = [0]

    def changed(command: list[str], command_env: dict):
        def once() -> None:
            counter[0] += 1  # a value not seen before: the changed file is parsed and checked again
            cycle_file.write_text(re.sub(r"current: [0-9.]+", f"current: {counter[0]}.5", original, count=1),
                                  encoding="utf-8")
            run(command, root, command_env)()
        return once

    found = {"cold (no cache)": run(cli, root, dict(env, OKROPS_NO_CACHE="1")),
             "warm": run(cli, root, env),
             "one file changed": changed(cli, env)}
    if args.baseline:
        base_command, base_env = okrops_command(args.baseline)
        base_cli = [*base_command, "validate", "--format", "json", str(root)]
        found["baseline tree, warm"] = run(base_cli, root, base_env)
        found["baseline tree, one file changed"] = changed(base_cli, base_env)
    try:
        for once in found.values():
            once()
        outputs = {name: subprocess.run(cli, cwd=root, env=dict(env, **extra), capture_output=True, text=True).stdout
                   for name, extra in (("cold", {"OKROPS_NO_CACHE": "1"}), ("cached", {}))}
        results = measure(found, args.runs)
    finally:
        cycle_file.write_text(original, encoding="utf-8")
    same = outputs["cold"] == outputs["cached"]
    files = sum(1 for _ in (root / "okrs").rglob("*.yaml"))
    print(f"okrops validate on {files:,} files, {args.runs} interleaved runs; cached findings "
          f"{'identical to' if same else 'DIFFERENT FROM'} a cold run's")
    print(table(results, "cold (no cache)"))
    if args.json:
        args.json.write_text(json.dumps({"files": files, "same_findings": same, "results": results,
                                         "load_average": os.getloadavg()}, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

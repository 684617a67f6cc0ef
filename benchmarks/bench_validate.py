"""How long does ``okrops validate`` take on a large organisation, next to parsing its YAML?

Generates (or reuses) a synthetic organisation of 1,000 units x 4 objectives x
4 key results per cycle (two cycles: 2,000 cycle files, 1,000 unit.yaml, 2 root
files) under ``benchmarks/out/`` and times, with a warm-up and then the median
of repeated runs ((a), (b) and (c) interleaved, so load spikes hit them alike):

(a) parse only: find every YAML file, read it and ``yaml.load(text, Loader=yaml.CSafeLoader)``;
(b) okrops' fast loader only: ``okrops.yamlio.load_fast(read_text(path))`` for every file;
(c) ``okrops.validate.validate(path)`` in-process (the requirement: at most 2x (a));
(d) ``okrops validate PATH`` as a subprocess (wall time, with interpreter start-up);
(e) ``okrops lint`` in-process (validate, then every lint rule), for information.

Peak memory of (c) is measured in a fresh interpreter (its VmHWM, the high-water mark that
``resource.getrusage`` reports as ru_maxrss, read from /proc so that it is not inherited from
this process).

Usage::

    python benchmarks/bench_validate.py                 # 1,000 units, 7 runs
    python benchmarks/bench_validate.py --units 200 --runs 5 --out /tmp/okrops-bench
    python benchmarks/bench_validate.py --profile        # also print a cProfile of (c)

Exit status: 0 when the bound holds, 1 when it does not. Benchmarks are noisy
on a shared machine: the table gives the median with the min-max spread of each
measurement, and the load average before and after.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_org  # noqa: E402

BOUND = 2.0


# -- the organisation ------------------------------------------------------------


def ensure_org(out: Path, units: int, objectives: int, key_results: int, cycles: list[str], seed: int) -> Path:
    """Generate the organisation under ``out`` unless an identical one is already there."""
    params = {"units": units, "objectives": objectives, "key_results": key_results, "cycles": cycles, "seed": seed,
              "generator": hashlib.sha256((HERE / "generate_org.py").read_bytes()).hexdigest()}
    stamp = out / "generated.json"
    if stamp.is_file() and (out / "okrs" / "okrops.yaml").is_file():
        try:
            if json.loads(stamp.read_text()) == params:
                print(f"reusing {out}/okrs (same parameters and generator)")
                return out
        except ValueError:
            pass
    t0 = time.perf_counter()
    org = generate_org.generate(out, units=units, objectives=objectives, key_results=key_results, cycles=cycles,
                                seed=seed)
    # Its own repository: lint reads check-in history with git log from the organisation's root, and
    # must not read the history of whatever repository benchmarks/out/ sits in.
    generate_org.git_commit_all(out)
    stamp.write_text(json.dumps(params, indent=2) + "\n")
    print(f"generated {len(org.files)} files ({org.bytes_written / 1e6:.1f} MB) in {out}/okrs "
          f"in {time.perf_counter() - t0:.1f} s")
    return out


def yaml_files(okrs_dir: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(okrs_dir):
        dirs.sort()
        found += [Path(folder, f) for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return found


# -- what is measured -------------------------------------------------------------


def parse_only(okrs_dir: Path) -> int:
    """(a) find, read and parse every YAML file with libyaml (PyYAML CSafeLoader)."""
    n = 0
    for path in yaml_files(okrs_dir):
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
        n += 1
    return n


def fast_loader_only(okrs_dir: Path) -> int:
    """(b) find, read and parse every YAML file with okrops' own fast loader."""
    from okrops.yamlio import load_fast, read_text

    n = 0
    for path in yaml_files(okrs_dir):
        load_fast(read_text(path))
        n += 1
    return n


def validate_in_process(root: Path) -> int:
    """(c) the full validate, as ``okrops validate`` runs it (minus start-up and printing)."""
    from okrops.validate import validate

    result = validate(root)
    if result.findings:
        raise SystemExit(f"validate reported {len(result.findings)} findings on the generated organisation, e.g. "
                         f"{result.findings[0]}")
    return result.files_read


def validate_subprocess(root: Path) -> int:
    """(d) ``okrops validate`` in a new interpreter; wall time includes start-up."""
    okrops = shutil.which("okrops")
    command = [okrops, "validate", str(root)] if okrops else [sys.executable, "-m", "okrops", "validate", str(root)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"okrops validate failed ({done.returncode}): {done.stdout[-500:]}{done.stderr[-500:]}")
    return 0


def lint_in_process(root: Path, today: date) -> int:
    """(e) what ``okrops lint`` does: validate, history, every lint rule."""
    from okrops.record import history
    from okrops.lint import LintContext
    from okrops.lint import lint as run_lint
    from okrops.validate import validate

    result = validate(root)
    org = result.organisation
    ctx = LintContext(org, today, history.last_checkins(org))
    return len(run_lint(ctx))


def peak_memory_of_validate(root: Path) -> dict:
    """Peak RSS of a fresh interpreter that imports okrops and runs validate once."""
    # ru_maxrss of a child started from this (big) process starts at this process's peak on Linux, so
    # the child reads its own high-water mark (VmHWM, reset by exec) and falls back to ru_maxrss.
    code = (
        "import json, resource, sys\n"
        "def peak_kb():\n"
        "    try:\n"
        "        for line in open('/proc/self/status'):\n"
        "            if line.startswith('VmHWM:'):\n"
        "                return int(line.split()[1])\n"
        "    except OSError:\n"
        "        pass\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "import okrops.validate as v\n"
        "before = peak_kb()\n"
        "r = v.validate(sys.argv[1])\n"
        "after = peak_kb()\n"
        "print(json.dumps({'before_kb': before, 'after_kb': after, 'findings': len(r.findings),\n"
        "                  'ru_maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# -- timing ---------------------------------------------------------------------------


def measure(cases: list[tuple[str, Callable[[], object]]], runs: int) -> dict[str, dict]:
    """Warm up each case once, then run all cases ``runs`` times, interleaved, so load spikes hit them alike."""
    results: dict[str, dict] = {}
    for name, function in cases:
        t0 = time.perf_counter()
        function()
        results[name] = {"warmup": time.perf_counter() - t0, "times": [], "cpu": []}
    for _ in range(runs):
        for name, function in cases:
            c0, t0 = _cpu(), time.perf_counter()
            function()
            results[name]["times"].append(time.perf_counter() - t0)
            results[name]["cpu"].append(_cpu() - c0)
    for entry in results.values():
        times = entry["times"]
        entry["median"] = statistics.median(times)
        entry["min"], entry["max"] = min(times), max(times)
        entry["cpu_median"] = statistics.median(entry["cpu"])
    return results


def _cpu() -> float:
    """CPU seconds of this process and its finished children: less sensitive than wall time to other load."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def profile_validate(root: Path, top: int = 25) -> str:
    from okrops.validate import validate

    validate(root)  # warm: schemas compiled, modules imported
    profiler = cProfile.Profile()
    profiler.enable()
    validate(root)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time okrops validate against parsing the YAML with libyaml.")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--objectives", type=int, default=4)
    parser.add_argument("--key-results", type=int, default=4)
    parser.add_argument("--cycles", default="2026-Q3,2026-Q4")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement after a warm-up (min 5)")
    parser.add_argument("--subprocess-runs", type=int, default=5, help="timed runs of 'okrops validate' (min 5)")
    parser.add_argument("--lint-runs", type=int, default=5, help="timed runs of lint in-process (min 5)")
    parser.add_argument("--out", type=Path, default=None, help="where the organisation goes "
                        "(default benchmarks/out/org-<units>; git-ignored)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of validate (c)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    args = parser.parse_args(argv)
    runs, sub_runs, lint_runs = max(5, args.runs), max(5, args.subprocess_runs), max(5, args.lint_runs)
    cycles = [c.strip() for c in args.cycles.split(",") if c.strip()]

    out = (args.out or HERE / "out" / f"org-{args.units}").resolve()
    root = ensure_org(out, args.units, args.objectives, args.key_results, cycles, args.seed)
    okrs_dir = root / "okrs"
    files = yaml_files(okrs_dir)
    n_files, total_bytes = len(files), sum(p.stat().st_size for p in files)
    start, _end, _name = generate_org.cycle_dates(cycles[0])
    # Inside the first cycle, so the rules about running cycles apply, but within the first check-in
    # cadence, so not every key result is stale (the repository has no check-ins).
    today = start + timedelta(days=5)

    load_before = os.getloadavg()
    cases = [
        ("a", lambda: parse_only(okrs_dir)),
        ("b", lambda: fast_loader_only(okrs_dir)),
        ("c", lambda: validate_in_process(root)),
    ]
    print(f"timing {n_files} files ({total_bytes / 1e6:.1f} MB): warm-up, then {runs} interleaved runs ...",
          flush=True)
    results = measure(cases, runs)
    print(f"timing 'okrops validate' as a subprocess: warm-up, then {sub_runs} runs ...", flush=True)
    results.update(measure([("d", lambda: validate_subprocess(root))], sub_runs))
    print(f"timing 'okrops lint' in-process: warm-up, then {lint_runs} runs ...", flush=True)
    results.update(measure([("e", lambda: lint_in_process(root, today))], lint_runs))
    load_after = os.getloadavg()
    memory = peak_memory_of_validate(root)
    lint_findings = lint_in_process(root, today)

    labels = {
        "a": "(a) parse only: read + `yaml.load(CSafeLoader)`",
        "b": "(b) okrops fast loader only: `read_text` + `load_fast`",
        "c": "(c) `okrops.validate.validate()` in-process",
        "d": "(d) `okrops validate` subprocess (wall, with start-up)",
        "e": "(e) `okrops lint` in-process (validate + lint), info",
    }
    base = results["a"]["median"]
    lines = [
        f"Organisation: {args.units} units x {args.objectives} objectives x {args.key_results} key results x "
        f"{len(cycles)} cycles = {n_files} YAML files, {total_bytes / 1e6:.1f} MB "
        f"({total_bytes / n_files / 1024:.1f} KB a file); Python {sys.version.split()[0]}, PyYAML {yaml.__version__} "
        f"(libyaml {'yes' if yaml.__with_libyaml__ else 'NO'}); {os.cpu_count()} CPUs, load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after.",
        "",
        f"| measurement | median (wall) | min - max ({runs} runs; (d): {sub_runs}; (e): {lint_runs}) | per file | "
        "ratio to (a) | median CPU time | CPU ratio to (a) | first run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in "abcde":
        r = results[key]
        lines.append(f"| {labels[key]} | {r['median']:.3f} s | {r['min']:.3f} - {r['max']:.3f} s | "
                     f"{r['median'] / n_files * 1000:.2f} ms | {r['median'] / base:.2f}x | {r['cpu_median']:.3f} s | "
                     f"{r['cpu_median'] / results['a']['cpu_median']:.2f}x | {r['warmup']:.3f} s |")
    ratio = results["c"]["median"] / base
    ratio_best = results["c"]["min"] / results["a"]["min"]
    verdict = "PASS" if ratio <= BOUND else "FAIL"
    lines += [
        "",
        f"Ratio (c)/(a), wall-time medians: **{ratio:.2f}x** (mins: {ratio_best:.2f}x; CPU-time medians: "
        f"{results['c']['cpu_median'] / results['a']['cpu_median']:.2f}x); bound {BOUND:.0f}x: **{verdict}** "
        "(judged on the wall-time medians).",
        f"(b)/(a): {results['b']['median'] / base:.2f}x (what the YAML 1.2 resolvers and key checks cost); "
        f"(c)-(b): {results['c']['median'] - results['b']['median']:.3f} s for schemas, model and cross-file checks.",
        f"Peak memory of (c) in a fresh interpreter: {memory['after_kb'] / 1024:.0f} MB max RSS "
        f"({memory['before_kb'] / 1024:.0f} MB after imports, so +{(memory['after_kb'] - memory['before_kb']) / 1024:.0f} MB "
        f"for validate).",
        f"Lint (e) reported {lint_findings} findings with today = {today} (validate (c) reported none).",
        "'first run' is the warm-up: for (c) and (e) it includes importing okrops and compiling the schemas.",
    ]
    report = "\n".join(lines)
    print()
    print(report)
    if args.json:
        args.json.write_text(json.dumps({"files": n_files, "bytes": total_bytes, "results": results, "ratio": ratio,
                                         "verdict": verdict, "memory": memory}, indent=2, default=str) + "\n")
    if args.profile or ratio > BOUND:
        print("\ncProfile of validate (c), warm:\n")
        print(profile_validate(root))
    return 0 if ratio <= BOUND else 1


if __name__ == "__main__":
    sys.exit(main())

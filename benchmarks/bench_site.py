"""Benchmark the OKR site build: the okrops plugin against a plain MkDocs build of the same Markdown.

For a synthetic organisation (benchmarks/generate_org.py) with a quarter of weekly check-in
history (one check-in commit per unit and week, one trailer group per key result, written
with ``git fast-import``), it measures:

* ``full``: a whole site build (``okrops.site.build_site``: load and validate okrs/, read the
  git history, score, generate every page in memory, MkDocs + Material build);
* ``plain``: ``mkdocs build`` of the same generated Markdown written to disk, with the same
  theme, navigation and CSS and no okrops plugin;
* the generator's own overhead (full / plain - 1), peak memory (max RSS) of each build,
  and the output size per page, at two sizes to show that it grows linearly.

Each build runs in its own Python process. Not a test: run it by hand::

    python benchmarks/bench_site.py                 # 1,000 units (and 100 for the linearity check)
    python benchmarks/bench_site.py --units 200 --small 50 --runs 1

Before and after a change, on a shared and noisy machine: ``--baseline DIR`` times full builds
of another okrops source tree (for instance ``git archive main okrops schema site | tar -x -C
/tmp/okrops-main``) against this one, interleaved (A B B A A B ...), and reports both::

    python benchmarks/bench_site.py --units 200 --small 0 --runs 5 --baseline /tmp/okrops-main
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

TODAY = "2026-12-28"  # the last week of 2026-Q4: a whole quarter of weekly check-ins
WEEKS = 13


def ensure_org(units: int) -> Path:
    """The generated organisation with its history, cached in benchmarks/out/site-org-<units>."""
    import generate_org

    root = OUT / f"site-org-{units}"
    stamp = root / ".bench-site"
    expected = f"generator {generate_org.GENERATOR_VERSION}, weeks {WEEKS}, check-ins change the files\n"
    if stamp.is_file() and stamp.read_text() == expected:
        return root
    if root.exists():
        shutil.rmtree(root)
    generate_org.generate(root, units=units)
    generate_org.git_commit_all(root)
    write_history(root)
    stamp.write_text(expected)
    return root


def write_history(root: Path) -> int:
    """One check-in commit per unit and week of 2026-Q4, via git fast-import; returns the number of commits.

    Each commit changes the key results' ``current`` values in the unit's cycle file and carries the
    matching trailers, as ``okrops checkin`` does (history counts a check-in only when its commit
    changed the file to that value).
    """
    from okrops import yamlio
    from okrops.repository import load

    org = load(root).organisation
    rng = random.Random(11)
    start = date(2026, 10, 5)
    people = ["ana", "ben", "chen", "dana", "eli", "fatima", "goran", "hana"]
    by_unit: dict[str, list] = {}
    for kr in org.key_results.values():
        if kr.ref.split("/")[1] == "2026-Q4" and kr.current is not None:
            by_unit.setdefault(kr.ref.split("/")[0], []).append(kr)
    files: dict[str, tuple[str, list[str], list[list]]] = {}  # unit -> (path, lines, [KR, current line, confidence line])
    for unit, krs in by_unit.items():
        path = krs[0].source.file
        text = (root / path).read_text(encoding="utf-8")
        found = yamlio.locate_many(text, [kr.source.path + (key,) for kr in krs for key in ("current", "confidence")])
        places = [[kr, found[2 * i][0] - 1, found[2 * i + 1][0] - 1 if kr.confidence is not None else None]
                  for i, kr in enumerate(krs)]
        files[unit] = (path, text.split("\n"), sorted(places, key=lambda p: -p[1]))  # bottom first: inserts keep lines above
    values = {kr.ref: kr.baseline if kr.baseline is not None else 0.0 for krs in by_unit.values() for kr in krs}
    stream: list[bytes] = []
    commits = 0
    for week in range(WEEKS):
        day = start + timedelta(days=7 * week)
        for unit, krs in sorted(by_unit.items()):
            moment = int(datetime(day.year, day.month, day.day, 9, 0, tzinfo=timezone.utc).timestamp()) + commits % 3600
            message = [f"Check-in {unit}: {len(krs)} key results", ""]
            path, lines, places = files[unit]
            for index, place in enumerate(places):
                kr, line, confidence_line = place
                base = kr.baseline if kr.baseline is not None else 0.0
                share = (week + 1) / WEEKS
                value = round(base + (kr.current - base) * share * rng.uniform(0.85, 1.1), 2)
                confidence = rng.choice([0.4, 0.5, 0.6, 0.7, 0.8])
                previous, values[kr.ref] = values[kr.ref], value
                indent = lines[line][:lines[line].index("current:")]
                lines[line] = f"{indent}current: {value:g}"
                if confidence_line is None:  # a new line below current: the key results below move down
                    lines.insert(line + 1, "")
                    place[2] = confidence_line = line + 1
                    for below in places[:index]:
                        below[1] += 1
                        below[2] = below[2] + 1 if below[2] is not None else None
                lines[confidence_line] = f"{indent}confidence: {confidence}"
                message += [f"Okr-Checkin: {kr.ref}", f"Okr-Value: {value:g}", f"Okr-Previous: {previous:g}",
                            f"Okr-Confidence: {confidence}"]
                if rng.random() < 0.3:
                    message.append(f"Okr-Note: {json.dumps(rng.choice(['Shipped the first part', 'Slow week', 'Blocked on data', 'On plan']))}")
            data = ("\n".join(message) + "\n").encode()
            blob = "\n".join(lines).encode()
            who = rng.choice(people)
            stream.append(b"commit refs/heads/main\n")
            stream.append(f"author {who} <{who}@example.com> {moment} +0000\n".encode())
            stream.append(f"committer {who} <{who}@example.com> {moment} +0000\n".encode())
            stream.append(f"data {len(data)}\n".encode() + data)
            if commits == 0:
                stream.append(b"from refs/heads/main^0\n")
            stream.append(f"M 100644 inline {path}\ndata {len(blob)}\n".encode() + blob + b"\n")
            stream.append(b"\n")
            commits += 1
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    return commits


# -- the two builds, each in a child process ---------------------------------------------------------

FULL = """
import json, resource, sys, time
from okrops.site import build_site
started = time.perf_counter()
build_site(sys.argv[1], sys.argv[2])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "max_rss_mb": usage.ru_maxrss / 1024}))
"""

PLAIN = """
import json, resource, sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
started = time.perf_counter()
build(load_config(sys.argv[1], site_dir=sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(code: str, *args: str, source: str = "") -> dict:
    """Run a build in a child process; ``source``: another okrops source tree to import instead of this one."""
    env = dict(os.environ, OKROPS_TODAY=TODAY, NO_MKDOCS_2_WARNING="1")
    if source:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    started = time.perf_counter()
    # Not from the repository folder: python -c would import okrops from it whatever PYTHONPATH says.
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=OUT)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["process_seconds"] = wall  # including interpreter start and imports
    return data


def write_plain_project(root: Path, target: Path) -> tuple[Path, dict]:
    """The generated Markdown, CSS and hand-written pages on disk, with an mkdocs.yml without okrops."""
    import yaml
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from okrops.site import _config_file

    os.environ["OKROPS_TODAY"] = TODAY
    config_file, temp = _config_file(root)
    timings = {}
    try:
        config = load_config(str(config_file))
        started = time.perf_counter()
        config = config.plugins.on_config(config)
        timings["load_history_score_seconds"] = time.perf_counter() - started
        files = get_files(config)
        started = time.perf_counter()
        files = config.plugins.on_files(files, config=config)
        timings["generate_pages_seconds"] = time.perf_counter() - started
        if target.exists():
            shutil.rmtree(target)
        docs = target / "docs"
        for file in files:
            path = docs / file.src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            content = file.content_bytes
            path.write_bytes(content)
        overrides = Path(config.theme.custom_dir) if config.theme.custom_dir else None
        if overrides and overrides.is_dir():
            shutil.copytree(overrides, target / "overrides")
        raw = yaml.safe_load(Path(config_file).read_text())
        raw["site_name"] = config.site_name
        raw["plugins"] = ["search"]
        raw["nav"] = config.nav
        raw["extra_css"] = list(config.extra_css)
        raw["docs_dir"] = "docs"
        raw["site_dir"] = "public"
        raw.setdefault("validation", {}).setdefault("nav", {})["omitted_files"] = "ignore"
        (target / "mkdocs.yml").write_text(yaml.safe_dump(raw, sort_keys=False))
    finally:
        if temp is not None:
            temp.cleanup()
    return target / "mkdocs.yml", timings


def output_size(out: Path) -> dict:
    pages = sum(1 for _ in out.rglob("index.html"))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    html = sum(p.stat().st_size for p in out.rglob("*.html"))
    search = out / "search" / "search_index.json"
    return {"pages": pages, "bytes": total, "html_bytes": html, "bytes_per_page": total / max(pages, 1),
            "search_index_bytes": search.stat().st_size if search.exists() else 0}


def bench(units: int, runs: int) -> dict:
    root = ensure_org(units)
    work = OUT / f"site-bench-{units}"
    plain_config, timings = write_plain_project(root, work / "plain")
    results: dict = {"units": units, "in_process": timings}
    fulls, plains = [], []
    for _ in range(runs):
        plains.append(run_child(PLAIN, str(plain_config), str(work / "plain-out")))
        fulls.append(run_child(FULL, str(root), str(work / "full-out")))
    best = lambda rows: min(rows, key=lambda r: r["seconds"])  # noqa: E731
    results["full"] = best(fulls)
    results["plain"] = best(plains)
    results["full_runs"] = [round(r["seconds"], 1) for r in fulls]
    results["plain_runs"] = [round(r["seconds"], 1) for r in plains]
    results["ratio"] = results["full"]["seconds"] / results["plain"]["seconds"]
    results["output_full"] = output_size(work / "full-out")
    results["output_plain"] = output_size(work / "plain-out")
    commits = subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    results["commits"] = int(commits.stdout.strip() or 0)
    return results


def compare(units: int, runs: int, baseline: str) -> dict:
    """Full builds of ``baseline`` (another okrops source tree) and of this one, interleaved A B B A A B ..."""
    root = ensure_org(units)
    work = OUT / f"site-bench-{units}"
    times: dict[str, list[float]] = {"baseline": [], "this": []}
    cpu: dict[str, list[float]] = {"baseline": [], "this": []}
    for i in range(runs):
        order = ("baseline", "this") if i % 2 == 0 else ("this", "baseline")
        for which in order:
            result = run_child(FULL, str(root), str(work / f"full-out-{which}"), source=baseline if which == "baseline" else "")
            times[which].append(result["seconds"])
            cpu[which].append(result["cpu_seconds"])
            print(f"  run {i + 1} {which}: {result['seconds']:.1f} s, CPU {result['cpu_seconds']:.1f} s", file=sys.stderr)
    median = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    result = {"units": units, "pages": output_size(work / "full-out-this")["pages"], "baseline_source": baseline}
    for name, data in (("", times), ("cpu_", cpu)):
        result.update({
            f"baseline_{name}runs": [round(t, 1) for t in data["baseline"]], f"this_{name}runs": [round(t, 1) for t in data["this"]],
            f"baseline_{name}best": min(data["baseline"]), f"this_{name}best": min(data["this"]),
            f"baseline_{name}median": median(data["baseline"]), f"this_{name}median": median(data["this"]),
            f"{name}ratio_best": min(data["this"]) / min(data["baseline"]),
            f"{name}ratio_median": median(data["this"]) / median(data["baseline"])})
    return result


def compare_report(r: dict) -> str:
    lines = ["| units | pages | builds | measure | baseline best / median | this best / median "
             "| this / baseline (best, median) |", "|---|---|---|---|---|---|---|"]
    for name, what in (("", "wall time"), ("cpu_", "CPU time (user + system)")):
        lines.append(
            f"| {r['units']} | {r['pages']} | {len(r['this_runs'])} + {len(r['baseline_runs'])} | {what} "
            f"| {r[f'baseline_{name}best']:.1f} / {r[f'baseline_{name}median']:.1f} s "
            f"| {r[f'this_{name}best']:.1f} / {r[f'this_{name}median']:.1f} s "
            f"| {r[f'{name}ratio_best']:.3f}, {r[f'{name}ratio_median']:.3f} |")
    return "\n".join(lines + ["", f"baseline runs: {r['baseline_runs']} s (CPU {r['baseline_cpu_runs']} s)",
                               f"this runs:     {r['this_runs']} s (CPU {r['this_cpu_runs']} s)"])


def report(rows: list[dict]) -> str:
    lines = ["| units | pages | commits | full build | plain mkdocs | ratio | load+history+score | generate pages "
             "| peak RSS full / plain | output | per page | search index |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        o = r["output_full"]
        lines.append(
            f"| {r['units']} | {o['pages']} | {r['commits']} | {r['full']['seconds']:.1f} s | {r['plain']['seconds']:.1f} s "
            f"| {r['ratio']:.2f}x | {r['in_process']['load_history_score_seconds']:.1f} s "
            f"| {r['in_process']['generate_pages_seconds']:.1f} s "
            f"| {r['full']['max_rss_mb']:.0f} / {r['plain']['max_rss_mb']:.0f} MB | {o['bytes'] / 2**20:.0f} MB "
            f"| {o['bytes_per_page'] / 1024:.1f} KB | {o['search_index_bytes'] / 2**20:.1f} MB |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="organisation size (default 1000)")
    parser.add_argument("--small", type=int, default=100, help="a second, smaller size for the linearity check (0: none)")
    parser.add_argument("--runs", type=int, default=1, help="builds of each kind; the fastest counts (default 1)")
    parser.add_argument("--baseline", metavar="DIR", help="another okrops source tree: time its full builds against "
                        "this one's, interleaved (no plain builds)")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    if args.baseline:
        result = compare(args.units, args.runs, str(Path(args.baseline).resolve()))
        table = compare_report(result)
        print(table)
        (OUT / "bench_site_compare.json").write_text(json.dumps(result, indent=2))
        (OUT / "bench_site_compare.md").write_text(f"# Site build, baseline against this tree ({date.today().isoformat()}, "
                                                   f"OKROPS_TODAY={TODAY})\n\n{table}\n")
        return 0
    rows = []
    for units in ([args.small] if args.small else []) + [args.units]:
        print(f"building {units} units ...", file=sys.stderr)
        rows.append(bench(units, args.runs))
    table = report(rows)
    print(table)
    (OUT / "bench_site.json").write_text(json.dumps(rows, indent=2))
    (OUT / "bench_site.md").write_text(textwrap.dedent(f"""\
        # Site build benchmark ({date.today().isoformat()}, OKROPS_TODAY={TODAY})

        {table}
        """))
    big = rows[-1]
    budget_ok = big["ratio"] <= 1.3 and big["full"]["max_rss_mb"] < 2048 and big["output_full"]["bytes_per_page"] < 100 * 1024
    print(f"\nbudget (ratio <= 1.3, peak < 2 GiB, < 100 KB a page): {'met' if budget_ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

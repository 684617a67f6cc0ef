"""validate and the site's own work: one repository against the same organisation split across included ones.

The 1,000-unit organisation of generate_org.py (a company and 10 departments with their teams
and squads) is written twice: once as one repository, once split so that the main repository
holds the company and includes 10 repositories, one per department, each attached under the
company (``include: [{path: ../<dept>-okrs, under: acme}]``). Both load to the same units,
objectives and key results with no findings (checked). Measured alternately, medians:

* ``validate``: :func:`okrops.validate.validate` in process (reading, schema, cross-file checks);
* ``site``: the okrops part of a site build (load, the public view and scores, every page's
  Markdown), which is what includes change; MkDocs' own rendering of the same pages is the same
  in both layouts. History is left out of both (the generated repositories have no git).

    python benchmarks/bench_includes.py --units 1000 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def make(units: int) -> tuple[Path, Path]:
    import generate_org

    single = OUT / f"includes-single-{units}"
    split = OUT / f"includes-split-{units}"
    if not (single / "okrs" / "okrops.yaml").is_file():
        generate_org.generate(single, units=units)
    if (split / "main" / "okrs" / "okrops.yaml").is_file():
        return single, split / "main"
    if split.exists():
        shutil.rmtree(split)
    main_okrs = split / "main" / "okrs"
    shutil.copytree(single / "okrs", main_okrs)
    company = next(p for p in main_okrs.iterdir() if p.is_dir())
    config = (main_okrs / "okrops.yaml").read_text(encoding="utf-8")
    includes = []
    for dept in sorted(p for p in company.iterdir() if p.is_dir()):
        repo = split / f"{dept.name}-okrs"
        (repo / "okrs").mkdir(parents=True)
        (repo / "okrs" / "okrops.yaml").write_text(config, encoding="utf-8")
        shutil.move(str(dept), repo / "okrs" / dept.name)
        includes.append(f"  - path: ../{dept.name}-okrs\n    under: {company.name}\n")
    (main_okrs / "okrops.yaml").write_text(config.rstrip("\n") + "\ninclude:\n" + "".join(includes), encoding="utf-8")
    return single, split / "main"


def validate_once(root: Path):
    from okrops.validate import validate

    result = validate(root)
    org = result.organisation
    return len(org.units), len(org.objectives), len(org.key_results), len(result.findings), len(org.included)


def site_once(root: Path, today: date) -> int:
    from okrops.repository import load
    from okrops.site.html import Linker
    from okrops.site.pages import Site
    from okrops.site.view import SiteView

    org = load(root).organisation
    site = Site(SiteView(org, today, []), Linker(True), "")
    return sum(len(page.markdown()) for page in site.pages())


def timed(function, *args):
    """(wall seconds, CPU seconds of this process, value): on a shared machine the CPU time is the fair one."""
    t0, c0 = time.perf_counter(), time.process_time()
    value = function(*args)
    return time.perf_counter() - t0, time.process_time() - c0, value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--today", default="2026-11-25")
    args = parser.parse_args(argv)
    single, split = make(args.units)
    today = date.fromisoformat(args.today)
    shapes = {name: validate_once(root) for name, root in (("single", single), ("split", split))}
    print(f"single: {shapes['single'][:4]} units/objectives/krs/findings; split: {shapes['split']} (+ includes)")
    assert shapes["single"][:4] == shapes["split"][:4] and shapes["single"][3] == 0, "the two layouts differ"
    keys = ("validate single", "validate split", "site single", "site split")
    wall: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    sizes = {}
    for _ in range(args.runs):
        for work, function, extra in (("validate", validate_once, ()), ("site", site_once, (today,))):
            for name, root in (("single", single), ("split", split)):
                spent, used, value = timed(function, root, *extra)
                wall[f"{work} {name}"].append(spent)
                cpu[f"{work} {name}"].append(used)
                if work == "site":
                    sizes[name] = value
    assert sizes["single"] == sizes["split"], "the sites differ"
    print(f"{'work':<18}{'wall s':>8}{'cpu s':>8}   cpu runs")
    for key in keys:
        print(f"{key:<18}{statistics.median(wall[key]):>8.2f}{statistics.median(cpu[key]):>8.2f}   "
              f"{', '.join(f'{t:.2f}' for t in cpu[key])}")
    for work in ("validate", "site"):
        w = statistics.median(wall[f"{work} split"]) / statistics.median(wall[f"{work} single"])
        c = statistics.median(cpu[f"{work} split"]) / statistics.median(cpu[f"{work} single"])
        print(f"ratio {work:<8} split/single: {c:.2f}x CPU time, {w:.2f}x wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())

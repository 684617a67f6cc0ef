"""Profile one live-preview rebuild after a one-file change, in process (no server, no full first render).

``okrops site serve`` runs MkDocs' dirty builds in one process, keeping the okrops plugin (and its
:class:`~okrops.site.incremental.Incremental` and :class:`~okrops.site.memo.Memo`) across builds.
This drives the same code path without the 10-minute first render of a 1,000-unit organisation:

1. the first build runs only okrops' part (the plugin's ``on_config`` and ``on_files``: reading the
   organisation, making every page's Markdown, planning) and then tells the plugin that build
   completed, so the next one compares with it, as after a real first build;
2. one key result's title in one cycle file is edited (as ``bench_serve.py`` does);
3. the second build is a real ``mkdocs.commands.build.build(config, dirty=True)``, as serve's
   builder runs it: okrops' part, then MkDocs renders the pages the plan marks as changed.

The output folder holds only the pages the rebuild rendered (the first pass writes none), so what
MkDocs and Pagefind do with the whole output folder in a real serve (Pagefind reads every page: over a
minute at 1,000 units) is not in these figures; ``bench_serve.py`` measures a real server.

Printed: wall and CPU seconds of the first (okrops-only) pass and of the rebuild, split into okrops'
part and the rest, the pages rendered, and (``--profile FILE``) a cProfile of the rebuild. The
organisation is copied (and committed) into ``--work`` once; the original is never touched.
``--source DIR`` imports okrops from another source tree (a baseline) instead of this one::

    python benchmarks/profile_serve.py --org /work/bench/org-1000 --work /tmp/s17/w-after
    python benchmarks/profile_serve.py --source /tmp/okrops-base --work /tmp/s17/w-base --profile base.prof
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

TODAY = "2026-11-25"


def prepare(source: Path, work: Path) -> Path:
    """A committed copy of ``source`` in ``work``/org (made once)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_serve import committed_copy

    return committed_copy(source, work / "org")


def pick_cycle_file(org: Path) -> Path:
    """The first cycle file (deepest units first) with a key result that has a title on the next line."""
    for path in sorted(org.glob("okrs/**/20*-Q*.yaml"), key=lambda p: (-len(p.parts), str(p))):
        if re.search(r"^\s*- id: KR\d+\s*\n\s*title: .+$", path.read_text(encoding="utf-8"), re.M):
            return path
    raise SystemExit(f"no key result found in {org}")


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def okrops_part(config) -> None:
    """What a build runs of okrops before MkDocs renders: on_config, on_files (reading, Markdown, plan)."""
    from mkdocs.structure.files import get_files

    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)
    config.plugins.on_files(files, config=config)


def config_pages(config) -> list:
    from mkdocs.structure.files import get_files

    return [f for f in get_files(config).documentation_pages()] + sorted(
        config.plugins["okrops"].generated)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--org", type=Path, default=Path("/work/bench/org-1000"))
    parser.add_argument("--work", type=Path, required=True, help="folder for the copy and the output")
    parser.add_argument("--source", help="import okrops from this source tree (a baseline)")
    parser.add_argument("--profile", help="write a cProfile of the rebuild here")
    parser.add_argument("--edits", type=int, default=1, help="rebuilds after an edit each (default 1)")
    args = parser.parse_args(argv)
    if args.source:
        sys.path.insert(0, str(Path(args.source).resolve()))
    os.environ.setdefault("OKROPS_TODAY", TODAY)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import okrops
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from okrops.site import _config_file, setup_logging

    setup_logging(info=True)
    org = prepare(args.org.resolve(), args.work.resolve())
    config_file, temp = _config_file(org)
    site_dir = tempfile.mkdtemp(prefix="okrops-profile-", dir=args.work)
    result = {"okrops": str(Path(okrops.__file__).parent.parent), "load_before": os.getloadavg()}
    path = pick_cycle_file(org)
    original = path.read_text(encoding="utf-8")
    try:
        config = load_config(config_file=str(config_file), site_dir=site_dir)
        config.plugins.on_startup(command="serve", dirty=True)
        plugin = config.plugins["okrops"]
        clock = Clock()
        okrops_part(config)
        plugin._remember_build(config=config)  # as if MkDocs had rendered and written every page
        result["first_okrops_only"] = clock.lap()
        print(f"first build, okrops' part only: {result['first_okrops_only'][0]:.1f} s wall, "
              f"{result['first_okrops_only'][1]:.1f} s CPU", file=sys.stderr)
        result["rebuilds"] = []
        for number in range(1, args.edits + 1):
            text = re.sub(r"^(\s*- id: KR\d+\s*\n\s*title: ).+$", rf"\g<1>Edited {number} {os.getpid()}",
                          original, count=1, flags=re.M)
            path.write_text(text, encoding="utf-8")
            config = load_config(config_file=str(config_file), site_dir=site_dir)
            assert config.plugins["okrops"] is plugin, "the plugin is kept across builds as in serve"
            profiler = None
            if args.profile and number == args.edits:
                import cProfile

                profiler = cProfile.Profile()
            marks: dict[str, tuple[float, float]] = {}
            clock = Clock()
            original_plan = plugin.incremental.plan

            def plan(*plan_args, _clock=clock, _marks=marks, _plan=original_plan):
                _plan(*plan_args)
                _marks["okrops"] = _clock.lap()

            plugin.incremental.plan = plan  # the end of okrops' part of the build
            if profiler:
                profiler.enable()
            build(config, dirty=True)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            del plugin.incremental.plan
            total = clock.lap()
            okrops_wall, okrops_cpu = marks["okrops"]
            rendered = f"{len(config_pages(config)) - len(plugin.incremental.kept)} of {len(config_pages(config))}"
            row = {"total": total, "okrops": marks["okrops"], "rest": (total[0] - okrops_wall, total[1] - okrops_cpu),
                   "rendered": rendered}
            result["rebuilds"].append(row)
            print(f"rebuild {number}: {total[0]:.2f} s wall, {total[1]:.2f} s CPU; okrops' part {okrops_wall:.2f} s "
                  f"wall, {okrops_cpu:.2f} s CPU; rendering and writing {row['rest'][0]:.2f} s wall", file=sys.stderr)
    finally:
        path.write_text(original, encoding="utf-8")
        shutil.rmtree(site_dir, ignore_errors=True)
        if temp is not None:
            temp.cleanup()
    result["load_after"] = os.getloadavg()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: reading the verified check-in history vs bare ``git log``, and one check-in.

Compares (medians of interleaved runs, so a busy machine slows every contender
alike) on a repository made by gen_history_repo.py:

baselines, bare git with the output thrown away:

* ``git log %B``: the commit fields okrops reads and the whole message (what
  okrops parsed itself before it let git read the trailers);
* ``git log %(trailers)``: the same fields with git reading the trailers (okrops' first git process);
* ``git log --raw``: the files each commit changed, with blob ids (okrops' second git process);
* ``git log --raw %(trailers)``: one bare git log printing every field okrops needs to verify;
* okrops' three git processes alone, run at once as okrops runs them (both logs and
  ``git cat-file --batch`` of every file version okrops reads);

okrops:

* ``read_history`` in-process, cold (``OKROPS_NO_CACHE=1``: everything from git, verified);
* the first read that writes the cache, and a read with the cache warm;
* ``okrops history --format json`` as a command (start-up, loading and output included), cold and warm,
  and ``--format csv`` warm;
* one ``okrops checkin`` as a command, and in-process (load + check-in).

Each contender is timed by wall clock and by CPU (this process and its children, from
``resource.getrusage``: okrops' own work plus its git processes), and its ratio to every
baseline is given both ways. The history goal was 1.5x of a bare git log printing the
fields okrops needs (``git log --raw %(trailers)``); verification needs the changed files'
versions too (``git cat-file``), so the figures are given against every baseline.
On a machine that other work keeps busy, compare CPU ratios: wall ratios then say more
about the other work than about okrops.

    python benchmarks/bench_history.py [--repo benchmarks/out/history-100k] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

FIELDS = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%s%x00"


def _okrops_command() -> list[str]:
    """``okrops`` when it has the check-in commands, else python -m okrops."""
    exe = shutil.which("okrops")
    if exe:
        done = subprocess.run([exe, "--help"], capture_output=True, text=True)
        if " checkin " in done.stdout and " history " in done.stdout:
            return [exe]
    return [sys.executable, "-m", "okrops"]


def _blob_requests(repo: Path) -> Path:
    """The file versions okrops reads, in its order, as a ``git cat-file --batch`` input file."""
    from okrops.record import gitlog
    from okrops.record import historyplan, historyread

    class Collect:
        lines: list[str] = []

        def put(self, blobs):
            self.lines += blobs

    paths = historyplan.Paths("okrs")
    collect = Collect()
    planner = historyplan.Planner(paths, collect)
    with gitlog.GitProcess(str(repo), gitlog.raw_log_command(["HEAD"])) as raw:
        for _planned in planner.commits(raw):
            pass
    units = historyread.UnitStates(str(repo), planner.tree, paths)
    handle = tempfile.NamedTemporaryFile("w", prefix="okrops-bench-", suffix=".txt", delete=False)
    handle.write("\n".join(collect.lines + units.blobs_to_read()) + "\n")
    handle.close()
    return Path(handle.name)


BASELINES = ["git log %B", "git log %(trailers)", "git log --raw", "git log --raw %(trailers)",
             "okrops' git processes alone"]


def _contenders(repo: Path, org, entries: list, requests: Path) -> dict:
    """Name -> a function running it once: the bare git baselines, then okrops."""
    from okrops.record import gitlog
    from okrops.record import history
    from okrops.record.historycache import CACHE_FILE

    git = ["git", *gitlog.GIT_CONFIG]
    baselines = {
        "git log %B": [*git, "log", *gitlog.LOG_OPTIONS, f"--format={FIELDS}%B", "HEAD", "--"],
        "git log %(trailers)": [*git, *gitlog.log_command(["HEAD"])],
        "git log --raw": [*git, *gitlog.raw_log_command(["HEAD"])],
        "git log --raw %(trailers)": [*git, "log", *gitlog.LOG_OPTIONS, *gitlog.RAW_OPTIONS,
                                      f"--format={gitlog.LOG_FORMAT}", "HEAD", "--"],
    }

    def okrops_git_alone():
        with open(requests, "rb") as stdin:
            running = [subprocess.Popen(baselines["git log %(trailers)"], cwd=repo, stdout=subprocess.DEVNULL),
                       subprocess.Popen(baselines["git log --raw"], cwd=repo, stdout=subprocess.DEVNULL),
                       subprocess.Popen([*git, "cat-file", "--batch", "--buffer"], cwd=repo, stdin=stdin,
                                        stdout=subprocess.DEVNULL)]
            for process in running:
                process.wait()

    def cold():
        os.environ["OKROPS_NO_CACHE"] = "1"
        try:
            entries[:] = history.read_history(org)
        finally:
            del os.environ["OKROPS_NO_CACHE"]

    cache = repo / ".git" / CACHE_FILE
    cli = [*_okrops_command(), "history", "--format", "json", "--repo", str(repo)]
    contenders = {name: (lambda cmd=cmd: subprocess.run(cmd, cwd=repo, stdout=subprocess.DEVNULL, check=True))
                  for name, cmd in baselines.items()}
    contenders["okrops' git processes alone"] = okrops_git_alone
    contenders["okrops read_history, cold"] = cold
    contenders["okrops read_history, writing the cache"] = lambda: (cache.unlink(missing_ok=True),
                                                                    history.read_history(org))
    contenders["okrops read_history, cache warm"] = lambda: history.read_history(org)
    contenders["okrops history --format json, cold"] = lambda: subprocess.run(
        cli, stdout=subprocess.DEVNULL, check=True, env=dict(os.environ, OKROPS_NO_CACHE="1"))
    contenders["okrops history --format json, cache warm"] = lambda: subprocess.run(
        cli, stdout=subprocess.DEVNULL, check=True)
    contenders["okrops history --format csv, cache warm"] = lambda: subprocess.run(
        [*cli[:-3], "csv", *cli[-2:]], stdout=subprocess.DEVNULL, check=True)
    return contenders


def _measure(contenders: dict, runs: int) -> tuple[dict, dict, dict]:
    """(median wall, median CPU of this process and its children, every wall time) per contender, interleaved."""
    wall: dict[str, list[float]] = {name: [] for name in contenders}
    cpu: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, function in contenders.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            own = time.process_time()
            began = time.perf_counter()
            function()
            wall[name].append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(time.process_time() - own + (after.ru_utime - before.ru_utime)
                             + (after.ru_stime - before.ru_stime))
    return ({name: statistics.median(times) for name, times in wall.items()},
            {name: statistics.median(times) for name, times in cpu.items()}, wall)


def _checkins(repo: Path, org, runs: int) -> tuple[float, float]:
    """(median seconds of one okrops checkin as a command, in-process); each adds a commit to ``repo``."""
    from okrops.record import checkin
    from okrops.repository import load

    refs = sorted(org.key_results)
    env = dict(os.environ, OKROPS_DEBUG="1")
    command = []
    for i in range(runs):
        began = time.perf_counter()
        subprocess.run([*_okrops_command(), "checkin", refs[i], str(500 + i), "--confidence", "0.7", "-m",
                        "benchmark", "--repo", str(repo)], stdout=subprocess.DEVNULL, check=True, env=env)
        command.append(time.perf_counter() - began)
    inproc = []
    for i in range(1, runs + 1):
        began = time.perf_counter()
        checkin.checkin(load(repo).organisation, [checkin.Request(refs[-i], 600 + i, 0.6, "benchmark")])
        inproc.append(time.perf_counter() - began)
    return statistics.median(command), statistics.median(inproc)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(HERE / "out" / "history-100k"))
    parser.add_argument("--commits", type=int, default=100_000, help="History size when the repository is generated.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-checkin", action="store_true", help="Leave the repository as it is (no check-in runs).")
    args = parser.parse_args(argv)

    from okrops.record import history
    from okrops.repository import load

    repo = Path(args.repo)
    if not (repo / "okrs" / "okrops.yaml").is_file():
        from gen_history_repo import generate

        print(f"generating {repo} with {args.commits:,} commits ...", file=sys.stderr)
        generate(repo, args.commits, 40)
    count = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                               text=True, check=True).stdout)
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    org = load(repo).organisation
    entries: list = []
    requests = _blob_requests(repo)
    try:
        contenders = _contenders(repo, org, entries, requests)
        median, median_cpu, wall = _measure(contenders, args.runs)
    finally:
        requests.unlink()
    found = history.read(org)
    result: dict = {
        "commits": count, "checkins_read": len(entries),
        "hand_edits_recovered": sum(1 for e in entries if e.kind == "edit"),
        "unverified": len(found.unverified), "warnings": len(found.warnings), "git": git_version,
        "wall_s": {k: round(v, 3) for k, v in median.items()},
        "cpu_s": {k: round(v, 3) for k, v in median_cpu.items()},
        "ratio_wall": {base: {k: round(v / median[base], 2) for k, v in median.items()} for base in BASELINES},
        "ratio_cpu": {base: {k: round(v / median_cpu[base], 2) for k, v in median_cpu.items()} for base in BASELINES},
        "load_average": os.getloadavg(), "cpus": os.cpu_count(), "runs": args.runs, "raw_wall_s": wall,
    }
    print(f"history of {count:,} commits: {len(entries):,} check-ins and edits, {result['hand_edits_recovered']} "
          f"hand edits, {result['unverified']:,} unverified, {result['warnings']} warnings; {git_version}")
    print("ratios to each baseline, as wall / CPU: " + "; ".join(f"[{n}] {base}" for n, base in enumerate(BASELINES, 1)))
    print(f"  {'':44} {'wall':>7} {'cpu':>7} " + " ".join(f"{f'[{n}]':>11}" for n in range(1, len(BASELINES) + 1)))
    for name in contenders:
        ratios = " ".join(f"{result['ratio_wall'][base][name]:5.2f}/{result['ratio_cpu'][base][name]:<5.2f}"
                          for base in BASELINES)
        print(f"  {name:44} {median[name]:6.3f}s {median_cpu[name]:6.3f}s {ratios}")
    if not args.no_checkin:
        command, inproc = _checkins(repo, org, args.runs)
        result["okrops_checkin_cli_s"], result["okrops_checkin_in_process_s"] = round(command, 3), round(inproc, 3)
        print(f"  okrops checkin (command)    {command:7.3f} s   (goal: < 0.5 s)")
        print(f"  okrops checkin (in-process) {inproc:7.3f} s")
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_history.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

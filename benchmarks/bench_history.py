"""Benchmark: reading the check-in history vs bare ``git log``, and one check-in.

Compares (medians of repeated runs) on a repository made by gen_history_repo.py:

* bare ``git log`` printing the fields okrops reads (``okrops.gitlog.LOG_FORMAT``),
  output captured by the caller, as okrops does;
* ``okrops.history.read_history`` in-process (both passes: trailers and hand edits);
* ``okrops history --format json`` as a command (Python start-up, loading and output included);
* one ``okrops checkin`` as a command, and in-process (load + check-in).

The goal: in-process history at most 1.5x bare git log; one check-in under 0.5 s.

    python benchmarks/bench_history.py [--repo benchmarks/out/history-100k] [--runs 5]
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
sys.path.insert(0, str(HERE.parent))


def _median(function, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), times


def _okrops_command() -> list[str]:
    """``okrops`` when it has the check-in commands, else the module that defines them."""
    exe = shutil.which("okrops")
    if exe:
        done = subprocess.run([exe, "--help"], capture_output=True, text=True)
        if " checkin " in done.stdout and " history " in done.stdout:
            return [exe]
    return [sys.executable, "-m", "okrops.cli_checkins"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=str(HERE / "out" / "history-100k"))
    parser.add_argument("--commits", type=int, default=100_000, help="History size when the repository is generated.")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from okrops import gitlog, history
    from okrops.repository import load

    repo = Path(args.repo)
    if not (repo / "okrs" / "okrops.yaml").is_file():
        from gen_history_repo import generate

        print(f"generating {repo} with {args.commits:,} commits ...", file=sys.stderr)
        generate(repo, args.commits, 40)
    count = int(subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True,
                               text=True, check=True).stdout)
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()

    # Interleaved runs, so a busy machine slows every contender alike.
    bare_cmd = ["git", *gitlog.log_command()]
    org = load(repo).organisation
    entries: list = []
    timings: dict[str, list[float]] = {"devnull": [], "pipe": [], "in_process": []}

    cpu: dict[str, list[float]] = {"devnull": [], "pipe": [], "in_process": [], "warm": [], "first": []}
    timings["warm"] = []
    timings["first"] = []

    def timed(name, function):
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = time.process_time()
        began = time.perf_counter()
        function()
        timings[name].append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpu[name].append(time.process_time() - own + children)

    for _ in range(args.runs):
        timed("devnull", lambda: subprocess.run(bare_cmd, cwd=repo, stdout=subprocess.DEVNULL, check=True))
        timed("pipe", lambda: subprocess.Popen(bare_cmd, cwd=repo, stdout=subprocess.PIPE).communicate())
        os.environ["OKROPS_NO_CACHE"] = "1"  # cold: the whole history from git
        timed("in_process", lambda: entries.__setitem__(slice(None), history.read_history(org)))
        del os.environ["OKROPS_NO_CACHE"]
        (gitlog_cache := Path(repo) / ".git" / gitlog.CACHE_FILE).unlink(missing_ok=True)
        timed("first", lambda: history.read_history(org))  # no cache yet: reads everything and writes it
        assert gitlog_cache.is_file()
        timed("warm", lambda: history.read_history(org))
    bare = statistics.median(timings["devnull"])
    bare_pipe = statistics.median(timings["pipe"])
    inproc = statistics.median(timings["in_process"])
    warm = statistics.median(timings["warm"])
    first = statistics.median(timings["first"])
    bare_all, inproc_all = timings["devnull"], timings["in_process"]
    edits = sum(1 for e in entries if e.kind == "edit")

    cli = _okrops_command()
    cold_env = dict(os.environ, OKROPS_NO_CACHE="1")
    cli_time, cli_all = _median(lambda: subprocess.run([*cli, "history", "--format", "json", "--repo", str(repo)],
                                                       stdout=subprocess.DEVNULL, check=True, env=cold_env),
                                max(3, args.runs // 2))

    # One check-in as a command, then in-process; each adds a commit to the repository.
    refs = sorted(org.key_results)
    env = dict(os.environ, OKROPS_DEBUG="1")
    checkin_times = []
    for i in range(args.runs):
        began = time.perf_counter()
        subprocess.run([*cli, "checkin", refs[i], str(500 + i), "--confidence", "0.7", "-m", "benchmark",
                        "--repo", str(repo)], stdout=subprocess.DEVNULL, check=True, env=env)
        checkin_times.append(time.perf_counter() - began)
    from okrops import checkin

    def one_inproc(i=[0]):
        i[0] += 1
        checkin.checkin(load(repo).organisation, [checkin.Request(refs[-i[0]], 600 + i[0], 0.6, "benchmark")])

    checkin_inproc, _ = _median(one_inproc, args.runs)

    result = {
        "commits": count,
        "checkins_read": len(entries),
        "hand_edits_recovered": edits,
        "git": git_version,
        "bare_git_log_s": round(bare, 3),
        "bare_git_log_read_by_python_s": round(bare_pipe, 3),
        "okrops_read_history_s": round(inproc, 3),
        "ratio_in_process": round(inproc / bare, 2),
        "okrops_read_history_first_with_cache_s": round(first, 3),
        "okrops_read_history_cached_s": round(warm, 3),
        "ratio_cached": round(warm / bare, 2),
        "okrops_history_cli_json_s": round(cli_time, 3),
        "ratio_cli": round(cli_time / bare, 2),
        "okrops_checkin_cli_s": round(statistics.median(checkin_times), 3),
        "okrops_checkin_in_process_s": round(checkin_inproc, 3),
        "cpu_bare_git_log_s": round(statistics.median(cpu["devnull"]), 3),
        "cpu_okrops_read_history_s": round(statistics.median(cpu["in_process"]), 3),
        "load_average": os.getloadavg(),
        "runs": args.runs,
        "raw": {"bare": bare_all, "bare_pipe": timings["pipe"], "warm": timings["warm"], "in_process": inproc_all, "cli": cli_all, "checkin_cli": checkin_times},
    }
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_history.json").write_text(json.dumps(result, indent=2))
    print(f"history of {count:,} commits ({len(entries):,} check-ins, {edits} hand edits recovered), {git_version}")
    print(f"  bare git log > /dev/null          {bare:7.3f} s   1.00x")
    print(f"  bare git log, output read by Python {bare_pipe:5.3f} s   {bare_pipe / bare:.2f}x")
    print(f"  okrops read_history (in-process)  {inproc:7.3f} s   {inproc / bare:.2f}x   (goal: <= 1.5x; no cache)")
    print(f"  okrops read_history, writing cache {first:6.3f} s   {first / bare:.2f}x   (the first read)")
    print(f"  okrops read_history, cache warm   {warm:7.3f} s   {warm / bare:.2f}x   (.git/okrops/history.cache)")
    print(f"  okrops history --format json      {cli_time:7.3f} s   {cli_time / bare:.2f}x   (start-up, load, output; no cache)")
    print(f"  okrops checkin (command)          {statistics.median(checkin_times):7.3f} s   (goal: < 0.5 s)")
    print(f"  okrops checkin (in-process)       {checkin_inproc:7.3f} s")
    print(f"CPU time (git and Python together): bare git log {result['cpu_bare_git_log_s']:.3f} s, "
          f"okrops read_history {result['cpu_okrops_read_history_s']:.3f} s; "
          f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

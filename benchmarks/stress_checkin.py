"""Stress: many rounds of parallel ``okrops checkin`` processes (and plain ``git commit``s) in one clone.

Each round starts one okrops process per key result (three in one file, two in another by
default) plus, every other round, a process that makes a plain ``git commit`` of another
file; all wait behind a barrier file and start together. After each round it checks what
tests/test_checkin_atomic.py checks, and counts:

* check-ins landed and refused (a refusal must be exit 1 or 2 with an ``Error:`` message);
* values lost: a process that said it checked in, whose value HEAD's file does not hold (must be 0);
* commits whose trailers disagree with their own files (must be 0);
* compare-and-swap retries (the branch moved under a check-in: OKROPS_DEBUG reports them).

    python benchmarks/stress_checkin.py [--rounds 200] [--processes 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from checkin_atomic_support import (  # noqa: E402
    FILES,
    PLAIN_COMMITTER,
    WORKER,
    clean_env,
    git,
    landed,
    make_repo,
    read_blobs,
    strays,
    value_in,
)

ALL_KRS = ["platform/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR2", "platform/2026-Q4/O2/KR1",
           "data/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR3"]


def one_round(repo: Path, number: int, krs: list[str], work: Path, plain: bool) -> dict:
    barrier, ready = work / f"go-{number}", work / f"ready-{number}"
    ready.mkdir()
    env = clean_env(OKROPS_DEBUG="1")
    values = {ref: 1000 * number + index for index, ref in enumerate(krs)}
    processes = {ref: subprocess.Popen([sys.executable, "-c", WORKER, str(barrier), str(ready / str(i)), "checkin",
                                        "--repo", str(repo), ref, str(values[ref])], cwd=repo, env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for i, ref in enumerate(krs)}
    committer = subprocess.Popen([sys.executable, "-c", PLAIN_COMMITTER, str(barrier), str(ready / "plain"),
                                  f"round-{number}"], cwd=repo, env=clean_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) if plain else None
    while len(list(ready.iterdir())) < len(processes) + (committer is not None):
        time.sleep(0.005)
    barrier.touch()
    done = {ref: (p.wait(), *p.communicate()) for ref, p in processes.items()}
    if committer is not None:
        committer.communicate()
    return {"values": values, "done": done}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--processes", type=int, default=5, choices=range(1, len(ALL_KRS) + 1))
    args = parser.parse_args(argv)
    krs = ALL_KRS[:args.processes]
    totals = {"landed": 0, "refused": 0, "lost": 0, "disagree": 0, "unclear": 0, "retries": 0, "dirty": 0,
              "strays": 0}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        repo = make_repo(work / "repo")
        began = time.monotonic()
        for number in range(1, args.rounds + 1):
            head = git(repo, "rev-parse", "HEAD").strip()
            result = one_round(repo, number, krs, work, plain=number % 2 == 0)
            ok = {ref for ref, (code, _o, _e) in result["done"].items() if code == 0}
            for ref, (code, _out, err) in result["done"].items():
                totals["retries"] += err.count("trying again on top of it")
                if code != 0:
                    totals["refused"] += 1
                    totals["unclear"] += not (code in (1, 2) and "Error: " in err and "Traceback" not in err)
            rows = landed(repo, head)
            totals["disagree"] += sum(1 for _c, _r, value, in_file in rows if value != in_file)
            texts = read_blobs(repo, [f"HEAD:{FILES[ref.split('/')[0]]}" for ref in ok])
            totals["lost"] += sum(value_in(t, ref) != result["values"][ref] for ref, t in zip(ok, texts))
            totals["landed"] += len(ok)
            totals["dirty"] += git(repo, "status", "--porcelain", "--untracked-files=all") != ""
            totals["strays"] += len(strays(repo))
        elapsed = time.monotonic() - began
    print(f"{args.rounds} rounds x {len(krs)} okrops processes (+ a plain git commit every other round) "
          f"in {elapsed:.0f} s")
    for key, value in totals.items():
        print(f"  {key:9} {value}")
    bad = totals["lost"] + totals["disagree"] + totals["unclear"] + totals["dirty"] + totals["strays"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

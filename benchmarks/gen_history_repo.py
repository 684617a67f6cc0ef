"""Generate an OKR repository with a long check-in history, through ``git fast-import``.

The organisation is small and fixed (``--units`` teams, 3 objectives of 3 key
results each, cycle 2026-Q4); the history is ``--commits`` commits, each one
check-in of one key result in the trailer format okrops writes (see
okrops.record.checkin.build_message), by one of eight people, ten minutes apart,
ending on 2026-11-24. Every 500th commit changes a value by hand without
trailers (a "reviewed edit"), recovered by the history reader from the file
change. Values stop at 1000, so about 6% of the check-ins repeat the value and
confidence the file already holds: their commits change nothing, and the
history reader lists them as unverified. Deterministic: the same arguments
give the same commit ids.

The files are written in okrops' round-trip layout, so ``okrops checkin``
can edit them afterwards.

    python benchmarks/gen_history_repo.py benchmarks/out/history-100k --commits 100000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

CYCLE = "2026-Q4"
END = 1795521600  # 2026-11-24T12:00:00Z
STEP = 600  # seconds between commits
PEOPLE = [(f"Person {i}", f"person{i}@example.com") for i in range(8)]
HAND_EDIT_EVERY = 500

CONFIG = f"""\
organisation: History Benchmark

cycles:
  - id: {CYCLE}
    name: Q4 2026
    start: 2026-10-01
    end: 2026-12-31

checkins:
  cadence_days: 7
"""


def unit_slug(i: int) -> str:
    return f"team-{i:03d}"


def render(unit: str, values: dict[tuple[int, int], tuple[int, float]]) -> str:
    """One team's cycle file; ``values`` maps (objective, kr) -> (current, confidence)."""
    lines = [f"# {unit}: {CYCLE} OKRs (generated for the history benchmark)", "", "objectives:"]
    for o in range(1, 4):
        lines += [f"  - id: O{o}", f"    title: Objective {o} of {unit} changes something that matters",
                  "    key_results:"]
        for k in range(1, 4):
            current, confidence = values[(o, k)]
            lines += [f"      - id: KR{k}", f"        title: Move metric {o}.{k} from 0 to 1000",
                      "        unit: things", "        baseline: 0", "        target: 1000",
                      f"        current: {current}    # updated by okrops checkin",
                      f"        confidence: {confidence}"]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def message(ref: str, previous: int, value: int, confidence: float, note: str) -> str:
    unit, _cycle, objective, kr = ref.split("/")
    subject = f"Check-in {unit} {objective}/{kr}: {previous} -> {value}, confidence {confidence}"
    body = f"  {note}\n\n" if note else ""
    trailers = [f"Okr-Checkin: {ref}", f"Okr-Value: {value}", f"Okr-Previous: {previous}",
                f"Okr-Confidence: {confidence}"]
    if note:
        trailers.append(f"Okr-Note: {json.dumps(note)}")
    return f"{subject}\n\n{body}" + "\n".join(trailers) + "\n"


def generate(target: Path, commits: int, units: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    run = lambda *args, **kw: subprocess.run(["git", *args], cwd=target, check=True, **kw)  # noqa: E731
    run("init", "-q", "-b", "main")
    run("config", "user.name", "Benchmark")
    run("config", "user.email", "bench@example.com")

    values = {u: {(o, k): (rng.randrange(0, 300), 0.5) for o in range(1, 4) for k in range(1, 4)}
              for u in range(units)}
    texts = {u: render(unit_slug(u), values[u]) for u in range(units)}
    start = END - STEP * commits
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE)
    out = process.stdin
    assert out is not None

    def data(text: str) -> bytes:
        raw = text.encode()
        return b"data %d\n" % len(raw) + raw + b"\n"

    # The first commit: the whole organisation.
    who = b"Benchmark <bench@example.com> %d +0000" % start
    out.write(b"commit refs/heads/main\nauthor " + who + b"\ncommitter " + who + b"\n")
    out.write(data("Q4 OKRs\n"))
    out.write(b"M 100644 inline okrs/okrops.yaml\n" + data(CONFIG))
    for u in range(units):
        folder = f"okrs/{unit_slug(u)}"
        out.write(f"M 100644 inline {folder}/unit.yaml\n".encode() + data(f"name: Team {u:03d}\nkind: team\n"))
        out.write(f"M 100644 inline {folder}/{CYCLE}.yaml\n".encode() + data(texts[u]))
    notes = ["", "", "", "Two big customers migrated", "Slow week\nOkr-Value: 999 (not a trailer)", "On track"]
    for n in range(1, commits):
        u = rng.randrange(units)
        o, k = rng.randrange(1, 4), rng.randrange(1, 4)
        previous, _conf = values[u][(o, k)]
        value = max(0, min(1000, previous + rng.randrange(-5, 25)))
        confidence = round(rng.randrange(2, 10) / 10, 1)
        values[u][(o, k)] = (value, confidence)
        texts[u] = render(unit_slug(u), values[u])
        ref = f"{unit_slug(u)}/{CYCLE}/O{o}/KR{k}"
        name, email = PEOPLE[n % len(PEOPLE)]
        when = start + n * STEP
        who = f"{name} <{email}> {when} +0000".encode()
        if n % HAND_EDIT_EVERY == 0:
            text = f"Correct {ref.split('/')[0]} numbers after review\n\nReviewed in a pull request.\n"
        else:
            text = message(ref, previous, value, confidence, notes[n % len(notes)])
        out.write(b"commit refs/heads/main\nauthor " + who + b"\ncommitter " + who + b"\n")
        out.write(data(text))
        out.write(f"M 100644 inline okrs/{unit_slug(u)}/{CYCLE}.yaml\n".encode() + data(texts[u]))
    out.write(b"done\n")
    out.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    run("reset", "-q", "--hard", "main")
    run("commit-graph", "write", "--reachable", "--changed-paths")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", default="benchmarks/out/history-100k")
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=40)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    path = generate(Path(args.target), args.commits, args.units)
    count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=path, capture_output=True, text=True).stdout
    print(f"{path}: {count.strip()} commits in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

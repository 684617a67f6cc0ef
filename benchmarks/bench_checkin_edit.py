"""What editing one cycle file costs in a check-in: the text editor against the ruamel round trip.

Generates (or reuses) a synthetic organisation, then for every cycle file of it times, side by side
in one run, setting one key result's current and confidence:

* ``text``: :func:`okrops.record.checkin.edit_text` as check-ins now do it (libyaml events, edit the text,
  read the result again with the fast loader and compare: belt and braces included);
* ``round trip``: what check-ins did before: ruamel round-trip load, a no-op dump compared with the
  text (the reformat guard), set the values, dump again;
* ``parse``: one libyaml parse of the file (``load_fast``), the floor.

Prints the median per file of each and the ratios.

    python benchmarks/bench_checkin_edit.py --units 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate_org import generate  # noqa: E402

from okrops import yamlio  # noqa: E402
from okrops.record import checkin


def round_trip_edit(text: str, edits) -> str:
    """The check-in editor before issue 8 (ruamel round trip with okrops' layout)."""
    document = yamlio.load_roundtrip(text)
    if yamlio.dump_roundtrip(document) != text:
        raise RuntimeError("would be reformatted")
    for path, key, value in edits:
        node = document
        for part in path:
            node = node[part]
        node[key] = value
    return yamlio.dump_roundtrip(document)


def timed(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out = HERE / "out" / f"org-{args.units}"
    if not (out / "okrs").is_dir():
        generate(out, units=args.units)
    files = sorted(p for p in (out / "okrs").rglob("*.yaml") if p.name not in ("unit.yaml", "okrops.yaml",
                                                                                "strategy.yaml"))
    results: dict[str, list[float]] = {"text": [], "round trip": [], "parse": []}
    sizes = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        sizes.append(len(text.encode()))
        kr = ("objectives", 1, "key_results", 2)
        edits = [(kr, "current", 42.5), (kr, "confidence", 0.6)]
        new = checkin.edit_text(text, edits, path.name)
        assert yamlio.load_fast(new) == yamlio.load_fast(round_trip_edit(text, edits))
        results["text"].append(timed(lambda: checkin.edit_text(text, edits, path.name), args.repeat))
        results["round trip"].append(timed(lambda: round_trip_edit(text, edits), args.repeat))
        results["parse"].append(timed(lambda: yamlio.load_fast(text), args.repeat))
    medians = {name: statistics.median(values) * 1000 for name, values in results.items()}
    print(f"{len(files)} cycle files, median {statistics.median(sizes) / 1024:.1f} KB; one key result's current and "
          "confidence set; median per file, best of", args.repeat)
    print(f"{'editor':<12} {'ms/file':>8} {'ratio to parse':>15}")
    for name, value in medians.items():
        print(f"{name:<12} {value:8.2f} {value / medians['parse']:15.1f}x")
    print(f"round trip / text: {medians['round trip'] / medians['text']:.1f}x")


if __name__ == "__main__":
    main()

"""What the output guards of okrops.safetext cost: each status format with and without them.

Generates (or reuses) a synthetic organisation, builds the detailed status report once, then
times every status format as okrops writes it and with the guards replaced by the identity
(what the reporters did before). Prints the ratio per format; the guards are linear in the
text they see, so the ratio does not depend much on the size.

    python benchmarks/bench_outputs.py --units 1000
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from generate_org import generate  # noqa: E402

from okrops import reporters, safetext, status  # noqa: E402
from okrops.validate import validate  # noqa: E402

GUARDS = ("csv_text", "json_dumps", "markdown", "terminal_line")


def best_of(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    out = HERE / "out" / f"org-{args.units}"
    if not (out / "okrs").is_dir():
        generate(out, units=args.units)
    org = validate(out).organisation
    report = status.build(org, date(2026, 11, 25), detail=True)
    krs = sum(1 for _ in status.flatten_key_results(report))
    formats = {"table": lambda: reporters.status_table(report, 100), "csv": lambda: reporters.status_csv(report),
               "markdown": lambda: reporters.status_markdown(report), "json": lambda: reporters.status_json(report)}
    guarded = {name: best_of(run, args.repeat) for name, run in formats.items()}
    originals = {name: getattr(reporters, name) for name in GUARDS}
    plain = {"csv_text": lambda v: "" if v is None else str(v), "terminal_line": str, "markdown": str,
             "json_dumps": lambda data, **kw: __import__("json").dumps(data, ensure_ascii=False, **kw)}
    try:
        for name in GUARDS:
            setattr(reporters, name, plain[name])
        bare = {name: best_of(run, args.repeat) for name, run in formats.items()}
    finally:
        for name, function in originals.items():
            setattr(reporters, name, function)
    assert safetext.markdown("a|b") == "a\\|b"
    print(f"{args.units} units, {krs} key results; best of {args.repeat}")
    for name in formats:
        print(f"  status --format {name:<8} guarded {guarded[name] * 1000:7.1f} ms   bare {bare[name] * 1000:7.1f} ms   "
              f"ratio {guarded[name] / bare[name]:.2f}")


if __name__ == "__main__":
    main()

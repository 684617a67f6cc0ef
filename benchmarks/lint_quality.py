"""Precision and recall of okrops lint's judgement rules on the labelled corpus (tests/lint-corpus/).

    python benchmarks/lint_quality.py                 # the tuning part only
    python benchmarks/lint_quality.py --heldout       # and the kept-aside part (score it at the end)
    python benchmarks/lint_quality.py --mistakes      # list every missed or false finding (tuning part)
    python benchmarks/lint_quality.py --markdown      # the table for the README

Not a test: tests/test_lint_quality.py holds the floors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.lint_corpus import JUDGED, load_items, mistakes, run, scores  # noqa: E402


def _figure(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def table(items, parts: list[str], markdown: bool) -> str:
    columns = {part: scores(items, None if part == "all" else part) for part in parts}
    rules = [rule for kind in JUDGED.values() for rule in kind]
    lines = []
    if markdown:
        head = " | ".join(f"{p} precision | {p} recall" for p in parts)
        lines += [f"| rule | {head} | items (tuning + kept aside) |",
                  "|---|" + "---|" * (2 * len(parts) + 1)]
    else:
        lines.append(f"{'rule':22}" + "".join(f"{p + ' P':>12}{p + ' R':>10}" for p in parts) + f"{'items':>8}")
    for rule in rules:
        count = sum(1 for item in items if rule in JUDGED[item.kind])
        cells = [(columns[p].get(rule), p) for p in parts]
        if markdown:
            body = " | ".join(f"{_figure(s.precision if s else None)} | {_figure(s.recall if s else None)}" for s, _ in cells)
            lines.append(f"| `{rule}` | {body} | {count} |")
        else:
            lines.append(f"{rule:22}" + "".join(f"{_figure(s.precision if s else None):>12}{_figure(s.recall if s else None):>10}"
                                                 for s, _ in cells) + f"{count:>8}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="score the kept-aside part too")
    parser.add_argument("--mistakes", action="store_true", help="list wrong judgements on the tuning part")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--lang", help="only items in this language (tuning part)")
    args = parser.parse_args()
    parts = ("tuning", "heldout") if args.heldout else ("tuning",)
    items = run(load_items(parts))
    if args.lang:
        for rule, score in sorted(scores(items, "tuning", args.lang).items()):
            print(f"{rule:22} P {_figure(score.precision)}  R {_figure(score.recall)}  ({score.tp} tp, {score.fp} fp, {score.fn} fn)")
        return 0
    shown = ["tuning", "heldout", "all"] if args.heldout else ["tuning"]
    print(table(items, shown, args.markdown))
    if args.mistakes:
        for rule, what, item in sorted(mistakes(items, "tuning"), key=lambda m: (m[0], m[1])):
            print(f"{rule:20} {what:12} [{item.lang}] {item.label}  {item.data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score the judgement rules of ``okrops lint`` on the labelled corpus in tests/lint-corpus/.

The corpus is written into a real OKR repository (one unit per corpus file, one objective per
item), validated and linted the way ``okrops lint`` does it; each finding of a judgement rule is
matched to its item by reference. Used by tests/test_lint_quality.py (floors) and by
benchmarks/lint_quality.py (the table).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

import yaml

from okrops.yamlio import load_fast

CORPUS = Path(__file__).resolve().parent / "lint-corpus"
TODAY = date(2026, 11, 25)

# Which rules each corpus file judges: every item is labelled for all of them.
JUDGED = {
    "key_results": ("kr-is-task", "kr-is-kpi"),
    "objectives": ("objective-vague", "objective-continue"),
    "owners": ("owner-is-person", "owner-not-unit"),
    "pay": ("no-compensation",),
}
JUDGEMENT_RULES = ("kr-is-task", "objective-vague", "objective-continue", "kr-is-kpi", "owner-is-person",
                   "no-compensation")

_CONFIG = """\
organisation: Lint corpus
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
"""
_STRATEGY = "strategies:\n  - {id: growth, title: Grow}\n"
_GOOD_KR = {"id": "KR1", "title": "Weekly active teams grow from 120 to 300", "metric": "weekly active teams",
            "unit": "teams", "baseline": 120, "target": 300, "current": 150, "data_source": "dashboard"}
_KR_FIELDS = ("title", "metric", "unit", "baseline", "target", "direction", "range")


@dataclass
class Item:
    kind: str  # a key of JUDGED
    part: str  # tuning or heldout
    index: int
    data: dict
    fired: set = field(default_factory=set)

    @property
    def expected(self) -> set:
        return set(self.data.get("fire") or [])

    @property
    def lang(self) -> str:
        return self.data.get("lang", "en")

    @property
    def label(self) -> str:
        data = self.data
        return str(data.get("title") or data.get("owner") or data.get("text") or data.get("key"))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> Optional[float]:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> Optional[float]:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, expected: bool, fired: bool) -> None:
        if expected and fired:
            self.tp += 1
        elif expected:
            self.fn += 1
        elif fired:
            self.fp += 1
        else:
            self.tn += 1


def load_items(parts: tuple[str, ...] = ("tuning", "heldout")) -> list[Item]:
    items = []
    for part in parts:
        folder = CORPUS if part == "tuning" else CORPUS / "heldout"
        for kind in JUDGED:
            data = load_fast((folder / f"{kind}.yaml").read_text(encoding="utf-8"))
            entries = data["items"] if isinstance(data, dict) else data
            items.extend(Item(kind, part, index, entry) for index, entry in enumerate(entries))
    return items


def _units(parts: tuple[str, ...]) -> list[dict]:
    units = []
    for part in parts:
        folder = CORPUS if part == "tuning" else CORPUS / "heldout"
        units += load_fast((folder / "owners.yaml").read_text(encoding="utf-8"))["units"]
    return units


def _objective(item: Item, number: int) -> dict:
    data = item.data
    objective = {"id": f"O{number}", "title": "Teams notice the difference", "why": "Because it matters",
                 "aligns_to": {"strategies": ["growth"]}, "key_results": [dict(_GOOD_KR)]}
    if item.kind == "key_results":
        kr = {"id": "KR1", "data_source": "dashboard"}
        kr.update({k: data[k] for k in _KR_FIELDS if k in data})
        objective["key_results"] = [kr]
    elif item.kind == "objectives":
        objective.update({k: data[k] for k in ("title", "why", "type") if k in data})
    elif item.kind == "owners":
        objective["owner"] = data["owner"]
    elif data["field"] == "x-key":
        objective[data["key"]] = data["value"]
    elif data["field"] == "kr":
        objective["key_results"] = [dict(_GOOD_KR, title=data["text"])]
    else:
        objective[data["field"]] = data["text"]
    return objective


def write_repository(root: Path, items: list[Item], lint_settings: Optional[dict] = None) -> dict[str, Item]:
    """Write the items as an OKR repository under root; return reference -> item."""
    okrs = root / "okrs"
    okrs.mkdir(parents=True)
    config = _CONFIG + (yaml.safe_dump({"lint": lint_settings}) if lint_settings else "")
    (okrs / "okrops.yaml").write_text(config, encoding="utf-8")
    (okrs / "strategy.yaml").write_text(_STRATEGY, encoding="utf-8")
    corpus = okrs / "corpus"
    corpus.mkdir()
    (corpus / "unit.yaml").write_text("name: Corpus\n", encoding="utf-8")
    for unit in _units(tuple(sorted({i.part for i in items}))):
        (corpus / unit["slug"]).mkdir()
        (corpus / unit["slug"] / "unit.yaml").write_text(yaml.safe_dump({"name": unit["name"]}, allow_unicode=True),
                                                       encoding="utf-8")
    by_ref: dict[str, Item] = {}
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(f"{item.part}-{item.kind.replace('_', '-')}", []).append(item)
    for slug, group in groups.items():
        folder = corpus / slug
        folder.mkdir()
        (folder / "unit.yaml").write_text(f"name: {slug}\n", encoding="utf-8")
        objectives = []
        for number, item in enumerate(group, 1):
            objectives.append(_objective(item, number))
            suffix = "/KR1" if item.kind == "key_results" else ""
            by_ref[f"{slug}/2026-Q4/O{number}{suffix}"] = item
        (folder / "2026-Q4.yaml").write_text(yaml.safe_dump({"objectives": objectives}, allow_unicode=True,
                                                            sort_keys=False), encoding="utf-8")
    return by_ref


def run(items: list[Item], lint_settings: Optional[dict] = None) -> list[Item]:
    """Lint the items in a real repository; fill in each item's ``fired`` judgement rules."""
    from okrops.lint import LintContext, lint
    from okrops.validate import validate

    judged = {rule for rules in JUDGED.values() for rule in rules}
    with tempfile.TemporaryDirectory() as tmp:
        by_ref = write_repository(Path(tmp), items, lint_settings)
        result = validate(tmp)
        broken = [f for f in result.findings if f.severity.label == "error" and f.rule != "unknown-ref"]
        if broken:
            raise AssertionError("the corpus does not validate: " + "; ".join(
                f"{f.file}:{f.line}: {f.message}" for f in broken[:5]))
        for item in items:
            item.fired = set()
        for finding in lint(LintContext(result.organisation, TODAY), judged):
            item = by_ref.get(finding.ref)
            if item is not None and finding.rule in JUDGED[item.kind]:
                item.fired.add(finding.rule)
    return items


def scores(items: list[Item], part: Optional[str] = None, lang: Optional[str] = None) -> dict[str, Score]:
    result: dict[str, Score] = {}
    for item in items:
        if (part and item.part != part) or (lang and item.lang != lang):
            continue
        for rule in JUDGED[item.kind]:
            result.setdefault(rule, Score()).add(rule in item.expected, rule in item.fired)
    return result


def mistakes(items: list[Item], part: Optional[str] = None) -> list[tuple[str, str, Item]]:
    """(rule, 'missed' or 'false alarm', item) for every wrong judgement."""
    wrong = []
    for item in items:
        if part and item.part != part:
            continue
        for rule in JUDGED[item.kind]:
            if rule in item.expected and rule not in item.fired:
                wrong.append((rule, "missed", item))
            elif rule in item.fired and rule not in item.expected:
                wrong.append((rule, "false alarm", item))
    return wrong

"""The JSON Schemas: well-formed draft 2020-12, documented, and agreeing with fastjsonschema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from okrops import schemas

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
FILES = sorted(SCHEMA_DIR.glob("*.json"))


def test_one_schema_per_file_kind():
    assert sorted(p.stem for p in FILES) == sorted(schemas.KINDS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path):
    data = json.loads(path.read_text())
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(data)


def _properties(node, where="#"):
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", sub
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}/{index}")


def _description(schema_root, sub):
    if "description" in sub:
        return sub["description"]
    ref = sub.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return schema_root["$defs"][ref.split("/")[-1]].get("description")
    return None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_property_has_a_description(path):
    data = json.loads(path.read_text())
    assert data.get("description")
    missing = [where for where, sub in _properties(data) if "/if/" not in where and not _description(data, sub)]
    assert missing == []


SAMPLES = {
    "config": [
        {"organisation": "X", "cycles": [{"id": "Q1", "start": "2026-01-01", "end": "2026-03-31"}]},
        {"organisation": "X", "cycles": []},
        {"organisation": "X", "cycles": [{"id": 2026, "start": "2026-01-01", "end": "2026-03-31"}]},
        {"organisation": "X", "cycles": [{"id": "Q1", "start": "2026-01-01", "end": "2026-03-31"}],
         "lint": {"rules": {"kr-is-task": "off", "objectives-per-unit": {"max": 4, "severity": "error"}}}},
        {"organisation": "X", "cycles": [{"id": "Q1", "start": "2026-01-01", "end": "2026-03-31"}],
         "lint": {"rules": {"kr-is-task": "loud"}}},
        {"organisation": "X", "cycles": [{"id": "Q1", "start": "01/01/2026", "end": "2026-03-31"}]},
    ],
    "unit": [
        {"name": "A", "maintainers": ["@a", "@org/team"], "kpis": [{"id": "k", "title": "K", "healthy": {"min": 1}}]},
        {"name": "A", "maintainers": ["alice"]},
        {"name": "A", "kpis": [{"id": "k", "title": "K", "healthy": {}}]},
        {"name": "A", "visibility": "secret"},
    ],
    "strategy": [
        {"strategies": [{"id": "growth", "title": "G", "horizon": {"from": 2025, "to": 2028}}]},
        {"strategies": [{"id": "Growth Now", "title": "G"}]},
        {"vision": "", "strategies": []},
    ],
    "okrs": [
        {"objectives": []},
        {"objectives": [{"id": "O1", "title": "t", "key_results": [{"id": "KR1", "title": "t", "direction": "range",
                                                                    "range": {"min": 1, "max": 2}}]}]},
        {"objectives": [{"id": "O1", "title": "t", "key_results": [{"id": "KR1", "title": "t", "direction": "range"}]}]},
        {"objectives": [{"id": "O1", "title": "t", "key_results": [{"id": "KR1", "title": "t", "range": {"min": 1, "max": 2}}]}]},
        {"objectives": [{"id": "O1", "title": "t", "aligns_to": {"parent": "../etc/passwd"}, "key_results": []}]},
        {"objectives": [], "initiatives": [{"id": "I1", "title": "t", "links": ["javascript:alert(1)"]}]},
        {"objectives": [], "initiatives": [{"id": "I1", "title": "t", "milestones": [{"title": "m", "due": "2026-1-1"}]}]},
    ],
}


@pytest.mark.parametrize("kind,index", [(k, i) for k, docs in SAMPLES.items() for i in range(len(docs))])
def test_fast_and_full_validators_agree(kind, index):
    document = SAMPLES[kind][index]
    assert schemas.is_valid(kind, document) == (schemas.errors(kind, document) == [])


def _refs_with_siblings(node, where="#"):
    if isinstance(node, dict):
        if "$ref" in node and set(node) - {"$ref", "description", "$comment", "default", "title"}:
            yield where
        for key, value in node.items():
            yield from _refs_with_siblings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs_with_siblings(value, f"{where}/{index}")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_validation_keyword_beside_a_ref(path):
    """fastjsonschema ignores keywords next to a $ref (a bound there would be checked by jsonschema only):
    a field with bounds of its own refers to $defs/number through allOf."""
    assert list(_refs_with_siblings(json.loads(path.read_text()))) == []


NOT_FINITE = [float("nan"), float("inf"), float("-inf"), 10 ** 400, -(10 ** 400)]


@pytest.mark.parametrize("value", NOT_FINITE, ids=["nan", "inf", "-inf", "huge", "-huge"])
def test_both_validators_reject_numbers_that_are_not_finite(value):
    kr = {"id": "KR1", "title": "t", "baseline": 0, "target": 1}
    documents = [
        ("okrs", {"objectives": [{"id": "O1", "title": "t", "key_results": [{**kr, "current": value}]}]}),
        ("okrs", {"objectives": [{"id": "O1", "title": "t", "key_results": [{**kr, "confidence": value}]}]}),
        ("unit", {"name": "A", "kpis": [{"id": "k", "title": "K", "healthy": {"min": value}}]}),
        ("config", {"organisation": "X", "cycles": [{"id": "Q1", "start": "2026-01-01", "end": "2026-03-31"}],
                    "scoring": {"at_risk_gap": value}}),
        ("strategy", {"strategies": [{"id": "g", "title": "G", "horizon": {"from": value, "to": 2030}}]}),
    ]
    for kind, document in documents:
        assert not schemas.is_valid(kind, document)
        [(path, message)] = schemas.errors(kind, document)
        assert "is not a finite number" in message, (kind, message)

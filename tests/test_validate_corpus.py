"""Data-driven corpus: tests/example-files/{positive,negative} (see its README)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from okrops import schemas, yamlio
from okrops.validate import validate
from tests.conftest import good_objective

CORPUS = Path(__file__).parent / "example-files"
POSITIVE = sorted((CORPUS / "positive").glob("*.yaml"))
NEGATIVE = sorted((CORPUS / "negative").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S+) (.+)$", re.MULTILINE)
TARGET = "okrs/acme/eng/platform/2026-Q4.yaml"


def expectations(path: Path) -> list[tuple[int, int, str, str]]:
    return [(int(a), int(b), rule, text) for a, b, rule, text in EXPECT.findall(path.read_text())]


@pytest.fixture
def corpus_org(standard_org):
    standard_org.okrs_file("acme/eng", "2026-Q3", [good_objective("O1", aligns_to={"parent": "acme/FY2026/O1"})])
    return standard_org


def run_on(org, example: Path):
    shutil.copy(example, org.root / TARGET)
    return validate(org.root).findings


@pytest.mark.parametrize("example", POSITIVE, ids=lambda p: p.name)
def test_positive_examples_are_clean(corpus_org, example):
    assert run_on(corpus_org, example) == []


@pytest.mark.parametrize("example", NEGATIVE, ids=lambda p: p.name)
def test_negative_examples_report_exactly_the_expected_findings(corpus_org, example):
    expected = expectations(example)
    assert expected, f"{example.name} has no '# expect:' lines"
    findings = run_on(corpus_org, example)
    got = [(f.line, f.column, f.rule, f.message) for f in findings]
    assert all(f.file == TARGET for f in findings), got
    assert len(got) == len(expected), got
    for line, column, rule, fragment in expected:
        assert any(g[:3] == (line, column, rule) and fragment in g[3] for g in got), (
            f"missing {line}:{column} {rule} {fragment!r} in {got}"
        )


def _schema_only(example: Path) -> bool:
    rules = {rule for _, _, rule, _ in expectations(example)}
    return rules == {"schema"}


def _check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", schema, *map(str, files)],
        capture_output=True, text=True,
    )


def test_check_jsonschema_accepts_every_positive_example():
    result = _check_jsonschema("schema/okrs.json", POSITIVE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", [p for p in NEGATIVE if _schema_only(p)], ids=lambda p: p.name)
def test_check_jsonschema_rejects_schema_negatives(example):
    result = _check_jsonschema("schema/okrs.json", [example])
    assert result.returncode == 1, result.stdout + result.stderr


@pytest.mark.parametrize("example", POSITIVE + NEGATIVE, ids=lambda p: p.name)
def test_fast_and_full_validators_agree(example):
    try:
        data = yamlio.load_fast(yamlio.read_text(example))
    except yamlio.YamlProblem:
        pytest.skip("not parseable YAML")
    fast = schemas.is_valid("okrs", data)
    from jsonschema import Draft202012Validator, FormatChecker

    full = not list(Draft202012Validator(schemas.schema("okrs"), format_checker=FormatChecker()).iter_errors(data))
    assert fast == full

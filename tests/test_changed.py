"""``okrops validate --changed`` and ``okrops lint --changed`` (the pre-commit hooks): the part of a whole run about
the changed files and the files one reference away from them, nothing more and nothing less."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from okrops.cli import cli
from okrops.examples import example_okrs_dir
from okrops.filegraph import concerns, edges, neighbourhood
from okrops.validate import validate

from test_runcache import _SEEN, _UNSEEN
from test_scale import _EDITS


# edits that break references into the edited file from other files
_RENAMES = [
    ("an objective renamed", lambda text, rnd: text.replace("  - id: O1\n", "  - id: O7\n", 1)),
    ("a key result renamed", lambda text, rnd: text.replace("      - id: KR1\n", "      - id: KR8\n", 1)),
]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), root / "okrs")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.setenv("OKROPS_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setenv("OKROPS_TODAY", "2026-11-20")
    monkeypatch.delenv("OKROPS_NO_CACHE", raising=False)
    monkeypatch.chdir(root)
    return root


def _rows(findings) -> list[tuple]:
    return [(f["file"], f["line"], f["column"], f["severity"], f["rule"], f["message"], f["ref"]) for f in findings]


def _run(*args) -> list[tuple]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return _rows(json.loads(result.output)["findings"])


def _cold(repo, monkeypatch):
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    result = validate(repo)
    monkeypatch.delenv("OKROPS_NO_CACHE")
    rows = _rows(f.as_dict() for f in result.findings)
    return rows, (edges(result.organisation) if result.organisation is not None else None)


def test_validate_changed_reports_exactly_the_whole_runs_findings_near_the_changed_files(repo, monkeypatch):
    """Random edits of one or two files: ``validate --changed FILES`` (cached, as a hook runs it) is the cold whole
    run's findings about the files one reference away, and holds every finding the edits added anywhere."""
    files = sorted(p for p in (repo / "okrs").rglob("*.yaml") if p.name != "okrops.yaml")
    for path in files[::5]:  # findings that stay, here and there
        if path.name.startswith("20"):
            path.write_text(path.read_text().replace("    title:", "    owner: nobody-here\n    title:", 1))
    pristine = {path: path.read_bytes() for path in files}
    rnd = random.Random(1617)
    before, _ = _cold(repo, monkeypatch)
    _run("validate")
    narrower = elsewhere = 0
    for round_ in range(30):
        touched = rnd.sample(files, 1 if round_ % 4 else 2)
        for path in touched:
            name, edit = rnd.choice(_EDITS + _SEEN + _UNSEEN + _RENAMES * 4)
            path.write_bytes(edit(pristine[path].decode("utf-8"), rnd).encode("utf-8"))
        names = [p.relative_to(repo).as_posix() for p in touched]
        after, graph = _cold(repo, monkeypatch)
        reported = _run("validate", "--changed", *names)
        near = neighbourhood(graph, names) if graph is not None else None
        expected = after if near is None else [row for row in after if concerns(row[0], near)]
        assert reported == expected, (round_, names)
        added = {row for row in set(after) - set(before) if row[0] not in names}
        assert not added - set(reported), (round_, names)
        elsewhere += bool(added)
        narrower += len(reported) < len(after)
        for path in touched:  # the next round starts from the organisation as it was (and so does its cache)
            path.write_bytes(pristine[path])
    assert narrower >= 5, "findings far from the changed files were left out"
    assert elsewhere >= 3, "edits added findings to other files, which were reported"


def test_lint_changed_reports_exactly_the_whole_runs_findings_near_the_changed_files(repo):
    rnd = random.Random(1618)
    files = sorted(p for p in (repo / "okrs").rglob("20*.yaml"))
    for path in files[::4]:  # findings in many files, so that leaving some out shows
        path.write_text(path.read_text().replace("target: ", "target: 0 #", 1))
    for round_ in range(6):
        touched = rnd.choice(files)
        name, edit = rnd.choice(_SEEN + _UNSEEN)
        touched.write_text(edit(touched.read_text(), rnd))
        rel = touched.relative_to(repo).as_posix()
        whole = _run("lint")
        result = validate(repo)
        near = neighbourhood(edges(result.organisation), [rel])
        reported = _run("lint", "--changed", rel)
        assert reported == [row for row in whole if concerns(row[0], near)], (round_, rel)
        assert len(reported) < len(whole)


def test_changed_reports_everything_when_the_configuration_or_a_schema_changes(repo):
    cycle = sorted((repo / "okrs").rglob("20*.yaml"))
    for path in cycle:
        path.write_text(path.read_text().replace("    title:", "    titel:", 1))
    whole = _run("validate")
    assert len({row[0] for row in whole}) == len(cycle)
    assert _run("validate", "--changed", "okrs/okrops.yaml") == whole
    assert _run("validate", "--changed", "schema/okrs.json", cycle[0].relative_to(repo).as_posix()) == whole
    assert len(_run("validate", "--changed", cycle[0].relative_to(repo).as_posix())) < len(whole)


def test_more_than_one_path_without_changed_is_a_usage_error(repo):
    result = CliRunner().invoke(cli, ["validate", "okrs", "okrs"])
    assert result.exit_code == 2
    assert "--changed" in result.output

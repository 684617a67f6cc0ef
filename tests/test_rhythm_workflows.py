"""The files okrops init writes for the weekly rhythm: actionlint, least privilege, the issue form."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import yaml

from test_workflows import actionlint, load


def write(tmp_path: Path) -> dict[str, Path]:
    from okrops.reports.generated import files

    paths = {}
    for rel, text in files().items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[rel] = path
    return paths


def test_actionlint_passes_on_the_rhythm_workflows(tmp_path):
    paths = [p for rel, p in write(tmp_path).items() if rel.startswith(".github/workflows/")]
    assert len(paths) == 2
    result = subprocess.run([actionlint(), "-no-color", *map(str, paths)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_job_asks_only_for_what_it_needs(tmp_path):
    paths = write(tmp_path)
    checkin = load(paths[".github/workflows/okrops-checkin.yml"])
    rhythm = load(paths[".github/workflows/okrops-rhythm.yml"])
    for data in (checkin, rhythm):
        assert data["permissions"] == {"contents": "read"}
    assert checkin["jobs"]["checkin"]["permissions"] == {"contents": "write", "issues": "write", "pull-requests": "write"}
    assert rhythm["jobs"]["rhythm"]["permissions"] == {"contents": "read", "issues": "write"}
    assert set(checkin["on"]) == {"issues", "issue_comment"}
    assert "schedule" in rhythm["on"] and "workflow_dispatch" in rhythm["on"]
    # user text never reaches a shell script through an expression: only the event file is read
    for data in (checkin, rhythm):
        for job in data["jobs"].values():
            for step in job["steps"]:
                assert "github.event.issue" not in step.get("run", "") and "github.event.comment" not in step.get("run", "")


def test_init_writes_the_form_and_the_workflows(tmp_path):
    from okrops.rhythm.scaffold import init

    init(tmp_path / "repo", "Acme", maintainers=["@acme/leads"], today=dt.date(2026, 11, 20), git=False)
    form = yaml.safe_load((tmp_path / "repo/.github/ISSUE_TEMPLATE/checkin.yml").read_text())
    assert form["labels"] == ["checkin"] and [i.get("id") for i in form["body"][1:]] == ["ref", "value", "confidence", "note"]
    assert (tmp_path / "repo/.github/workflows/okrops-checkin.yml").is_file()
    assert (tmp_path / "repo/.github/workflows/okrops-rhythm.yml").is_file()

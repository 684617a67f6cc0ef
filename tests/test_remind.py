"""okrops remind: the key results due, grouped by the people to nudge; Markdown, issues, chat webhooks.

The demo repository (a quarter of real check-in commits), a real HTTP server on 127.0.0.1 for the
webhooks (tests/webhook_support.py) and a recording gh on PATH (tests/gh_support.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gh_support import FakeGh
from webhook_support import Recorder

TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory) -> Path:
    from okrops.cli.demo import build

    root = tmp_path_factory.mktemp("demo") / "repo"
    build(root, site=False)
    return root


@pytest.fixture
def repo(demo_repo, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(demo_repo, copy, symlinks=True)
    return copy


def okrops(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ if env is None else env)
    environment.setdefault("OKROPS_TODAY", TODAY)
    environment.update(OKROPS_WEBHOOK_PAUSE="0")
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, env=environment, capture_output=True,
                          text=True)


def stale_public(repo: Path) -> set[str]:
    """What okrops history --stale says, less the private key results."""
    from okrops.repository import load

    org = load(repo).organisation
    proc = okrops(repo, "history", "--stale", "--format", "json", "--today", TODAY)
    data = json.loads(proc.stdout)
    refs = set(data["key_results"])
    return {r for r in refs if not org.is_private_key_result(r)}


def test_the_due_key_results_are_the_stale_ones_grouped_by_unit_with_their_maintainers(repo):
    proc = okrops(repo, "remind", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    refs = {k["ref"] for u in data["units"] for k in u["key_results"]}
    assert refs and refs == stale_public(repo)
    for unit in data["units"]:
        assert all(k["ref"].startswith(unit["unit"] + "/") for k in unit["key_results"])
        assert unit["people"], unit["unit"]
        assert all(k["form"].startswith("https://github.com/kestrel-robotics/okrs/issues/new?template=checkin.yml")
                   for k in unit["key_results"])


def test_private_key_results_stay_out_unless_asked_for_and_then_without_titles(repo):
    from okrops.repository import load

    org = load(repo).organisation
    private = {ref for ref in org.key_results if org.is_private_key_result(ref)}
    assert private
    plain = okrops(repo, "remind").stdout
    assert not any(ref in plain for ref in private)
    shown = json.loads(okrops(repo, "remind", "--format", "json", "--show-private").stdout)
    listed = [k for u in shown["units"] for k in u["key_results"] if k["ref"] in private]
    for k in listed:
        assert k["title"] == "" and k["form"] is None
        assert org.key_results[k["ref"]].title not in okrops(repo, "remind", "--show-private").stdout


def test_a_unit_without_maintainers_falls_back_to_the_unit_above(repo):
    unit_file = repo / "okrs/kestrel/commercial/deployment/unit.yaml"
    text = unit_file.read_text()
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("maintainers:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith(("  -", "- ")):
        end += 1
    unit_file.write_text("".join(lines[:start] + lines[end:]))
    data = json.loads(okrops(repo, "remind", "--format", "json").stdout)
    deployment = next(u for u in data["units"] if u["unit"] == "deployment")
    assert deployment["people_from"] == "commercial"
    assert deployment["people"] == next(u for u in data["units"] if u["unit"] == "commercial")["people"]
    text = okrops(repo, "remind").stdout
    assert "(maintainers of commercial) please check in" in text


def test_the_cadence_can_differ_per_unit_and_status_agrees(repo):
    before = json.loads(okrops(repo, "remind", "--format", "json").stdout)
    assert any(u["unit"] == "deployment" for u in before["units"])

    def status_stale() -> int:
        report = json.loads(okrops(repo, "status", "deployment", "--format", "json").stdout)
        return next(u["stale"] for u in report["units"] if u["unit"] == "deployment")

    assert status_stale() > 0
    unit_file = repo / "okrs/kestrel/commercial/deployment/unit.yaml"
    unit_file.write_text(unit_file.read_text() + "checkins:\n  cadence_days: 30\n")
    assert okrops(repo, "validate").returncode == 0
    after = json.loads(okrops(repo, "remind", "--format", "json").stdout)
    assert not any(u["unit"] == "deployment" for u in after["units"])
    assert {k["ref"] for u in after["units"] for k in u["key_results"]} == stale_public(repo)
    assert status_stale() == 0
    lint = okrops(repo, "lint", "--rule", "stale", "--format", "json")
    assert "okrs/kestrel/commercial/deployment/" not in lint.stdout


def test_markdown_per_unit_and_for_the_organisation(repo):
    per_unit = okrops(repo, "remind", "--per", "unit").stdout
    assert per_unit.count("<!-- okrops-remind:") >= 2 and "# Check-ins due: Deployment" in per_unit
    org = okrops(repo, "remind", "--per", "organisation").stdout
    assert org.count("<!-- okrops-remind:") == 1 and "## Maintainers of deployment" in org
    assert "please check in" in org


@pytest.mark.parametrize("fmt", ["slack", "teams"])
def test_the_webhook_receives_one_message(repo, fmt):
    with Recorder() as server:
        proc = okrops(repo, "remind", "--webhook", fmt, env={**os.environ, "OKROPS_WEBHOOK_URL": server.url})
        assert proc.returncode == 0, proc.stderr
        assert len(server.received) == 1
        assert server.received[0]["headers"]["Content-Type"] == "application/json"
        payload = server.json()
    text = json.dumps(payload)
    assert "deployment/2026-Q4/O1/KR2" in text
    if fmt == "slack":
        assert payload["blocks"][0]["type"] == "header"
        assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if b["type"] == "section")
        assert "<https://github.com/kestrel-robotics/okrs/issues/new?" in text
    else:
        card = payload["attachments"][0]["content"]
        assert card["type"] == "AdaptiveCard"
        assert "](https://github.com/kestrel-robotics/okrs/issues/new?" in text
    assert "secret-part" not in proc.stdout + proc.stderr


def test_a_failing_webhook_is_tried_a_few_times_then_exits_1_without_the_secret(repo):
    with Recorder(status=500) as server:
        proc = okrops(repo, "remind", "--webhook", "slack", env={**os.environ, "OKROPS_WEBHOOK_URL": server.url})
        assert proc.returncode == 1
        assert len(server.received) == 3
    assert "HTTP 500" in proc.stderr and "secret-part" not in proc.stderr and "Traceback" not in proc.stderr
    with Recorder(status=404) as server:
        proc = okrops(repo, "remind", "--webhook", "teams", env={**os.environ, "OKROPS_WEBHOOK_URL": server.url})
        assert proc.returncode == 1 and len(server.received) == 1, "a 4xx is final"


def test_a_webhook_that_does_not_answer_times_out(repo):
    with Recorder(delay=3) as server:
        proc = okrops(repo, "remind", "--webhook", "slack", env={
            **os.environ, "OKROPS_WEBHOOK_URL": server.url, "OKROPS_WEBHOOK_TIMEOUT": "0.5",
            "OKROPS_WEBHOOK_ATTEMPTS": "2"})
        assert proc.returncode == 1
        assert len(server.received) == 2
    assert "no answer within 0.5 seconds" in proc.stderr


def test_the_webhook_address_comes_only_from_the_environment(repo):
    env = {k: v for k, v in os.environ.items() if k != "OKROPS_WEBHOOK_URL"}
    proc = okrops(repo, "remind", "--webhook", "slack", env=env)
    assert proc.returncode == 2 and "OKROPS_WEBHOOK_URL" in proc.stderr
    proc = okrops(repo, "remind", "--webhook", "slack", env={**env, "OKROPS_WEBHOOK_URL": "file:///etc/passwd"})
    assert proc.returncode == 2 and "not an http(s) address" in proc.stderr


def test_one_open_issue_per_unit_edited_opened_and_closed(repo, tmp_path):
    gh = FakeGh(tmp_path / "gh")
    due = json.loads(okrops(repo, "remind", "--format", "json").stdout)["units"]
    slugs = [u["unit"] for u in due]
    gh.answer(["api", "repos/kestrel-robotics/okrs/issues?labels=okrops-reminder&state=open&per_page=100"], [
        {"number": 40, "title": "Check-ins due: Deployment", "body": "<!-- okrops-remind:deployment -->\nold"},
        {"number": 41, "title": "Check-ins due: Autonomy", "body": "<!-- okrops-remind:nothing-due -->\nold"},
        {"number": 42, "title": "Someone else's", "body": "unrelated"},
    ])
    gh.answer(["api", "repos/kestrel-robotics/okrs/issues"], {"number": 99})
    proc = okrops(repo, "remind", "--issues", "--github-repo", "kestrel-robotics/okrs", env=gh.env())
    assert proc.returncode == 0, proc.stderr
    patched = gh.api_calls("PATCH", "repos/kestrel-robotics/okrs/issues/40")
    assert len(patched) == 1 and "<!-- okrops-remind:deployment -->" in json.loads(patched[0]["stdin"])["body"]
    created = gh.api_calls("POST", "repos/kestrel-robotics/okrs/issues")
    created = [c for c in created if c["args"][-3].endswith("/issues") or "/comments" not in " ".join(c["args"])]
    opened = [json.loads(c["stdin"]) for c in created if "labels" in json.loads(c["stdin"])]
    assert sorted(o["body"].split("\n", 1)[0] for o in opened) == sorted(
        f"<!-- okrops-remind:{s} -->" for s in slugs if s != "deployment")
    assert all(o["labels"] == ["okrops-reminder"] for o in opened)
    closed = gh.api_calls("PATCH", "repos/kestrel-robotics/okrs/issues/41")
    assert len(closed) == 1 and json.loads(closed[0]["stdin"])["state"] == "closed"
    assert not gh.api_calls("PATCH", "issues/42")


def test_scheduled_runs_act_only_at_the_rhythms_hour(repo, tmp_path):
    gh = FakeGh(tmp_path / "gh")
    gh.answer(["api", "repos/a/b/issues?labels=okrops-reminder&state=open&per_page=100"], [])
    config = repo / "okrs/okrops.yaml"
    config.write_text(config.read_text() + "rhythm:\n  day: wednesday\n  hour: 9\n")
    env = gh.env()
    off = okrops(repo, "remind", "--issues", "--scheduled", "--github-repo", "a/b",
                 env={**env, "OKROPS_NOW": "2026-11-25T10:17:00Z"})
    assert off.returncode == 0 and "Not the rhythm's hour (Wednesday 09:00 UTC" in off.stderr
    assert gh.calls() == []
    on = okrops(repo, "remind", "--issues", "--scheduled", "--github-repo", "a/b",
                env={**env, "OKROPS_NOW": "2026-11-25T09:17:00Z"})
    assert on.returncode == 0, on.stderr
    assert gh.calls()


def _main_line_commit_on(repo: Path, day: str) -> str:
    """The last commit on HEAD's first-parent line committed (committer's own time zone) on or before ``day``."""
    log = subprocess.run(["git", "-C", str(repo), "log", "--first-parent", "--format=%H %cs", "HEAD"],
                         check=True, capture_output=True, text=True).stdout.split("\n")
    return next(line.split()[0] for line in log if line and line.split()[1] <= day)


@pytest.mark.parametrize("day", ["2026-10-14", "2026-10-28", "2026-11-11"])
def test_remind_as_of_a_past_week_says_what_remind_said_that_week(demo_repo, tmp_path, day):
    then = tmp_path / "then"  # the repository as it stood that day: remind run there, that day
    subprocess.run(["git", "clone", "-q", str(demo_repo), str(then)], check=True)
    subprocess.run(["git", "-C", str(then), "reset", "-q", "--hard", _main_line_commit_on(demo_repo, day)], check=True)
    for output in ("markdown", "json"):
        that_week = okrops(then, "remind", "--today", day, "--format", output)
        rebuilt = okrops(demo_repo, "remind", "--as-of", day, "--format", output)
        assert that_week.returncode == 0 and rebuilt.returncode == 0, rebuilt.stderr
        assert rebuilt.stdout == that_week.stdout
        assert "okrops: " + day + ": the OKRs as of " + day in rebuilt.stderr
        # without --as-of, the check-ins made after that day count: a different reminder
        assert okrops(demo_repo, "remind", "--today", day, "--format", output).stdout != that_week.stdout


def test_remind_as_of_a_ref_and_refusals(demo_repo, tmp_path):
    day = "2026-10-28"
    commit = _main_line_commit_on(demo_repo, day)
    by_ref = okrops(demo_repo, "remind", "--as-of", commit, "--today", day, "--format", "json")
    by_day = okrops(demo_repo, "remind", "--as-of", day, "--format", "json")
    assert by_ref.returncode == 0, by_ref.stderr
    assert json.loads(by_ref.stdout) == json.loads(by_day.stdout)
    refused = okrops(demo_repo, "remind", "--as-of", day, "--issues", "--github-repo", "o/r")
    assert refused.returncode == 2 and "--as-of rebuilds a past reminder" in refused.stderr
    assert "Traceback" not in refused.stderr
    bad = okrops(demo_repo, "remind", "--as-of", "2026-13-01")
    assert bad.returncode == 2 and "invalid date" in bad.stderr and "Traceback" not in bad.stderr

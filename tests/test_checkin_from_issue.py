"""Check-ins from the browser: GitHub's issue form and /checkin comments, recorded as commits.

Real event payloads (tests/fixtures/github, in the shape GitHub documents for the issues and
issue_comment events), a real repository cloned from a bare remote, the check-in workflow's
own shell step run with bash and GitHub's environment variables, and a recording ``gh`` on
PATH (tests/gh_support.py) standing in for GitHub's API.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from gh_support import FakeGh

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "github"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path, maintainers=("@ada",), settings: str = "") -> tuple[Path, Path]:
    """(work tree, bare remote): an okrops init repository, pushed to a bare remote and cloned back."""
    from okrops.rhythm.scaffold import init

    seed = tmp_path / "seed"
    init(seed, "Acme", maintainers=list(maintainers), today=dt.date(2026, 11, 20), git=False)
    if settings:
        config = seed / "okrs/okrops.yaml"
        text = config.read_text()
        assert "\n  cadence_days: 7\n" in text
        config.write_text(text.replace("\n  cadence_days: 7\n", "\n  cadence_days: 7\n" + settings, 1))
    git(seed, "init", "-q", "-b", "main")
    git(seed, "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "add", ".")
    subprocess.run(["git", "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "-q", "-m", "OKRs",
                    "--date", "2026-10-01T09:00:00Z"], cwd=seed, check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-10-01T09:00:00Z"})
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed), str(remote)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True)
    return work, remote


def event_file(tmp_path: Path, name: str, **changes) -> Path:
    data = json.loads((FIXTURES / name).read_text())
    for dotted, value in changes.items():
        target = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    path = tmp_path / f"event-{len(list(tmp_path.glob('event-*')))}.json"
    path.write_text(json.dumps(data))
    return path


def okrops_bin(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    shim = folder / "okrops"
    shim.write_text(f"#!{sys.executable}\nfrom okrops.cli import main\nmain()\n")
    shim.chmod(0o755)
    return folder


def workflow_step(name: str) -> str:
    from okrops.reports.generated import files

    data = yaml.safe_load(files()[".github/workflows/okrops-checkin.yml"])
    for step in data["jobs"]["checkin"]["steps"]:
        if step.get("name") == name:
            return step["run"]
    raise AssertionError(f"no step {name}")


def run_workflow(tmp_path: Path, work: Path, gh: FakeGh, event: Path, event_name: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """Run the check-in workflow's shell step as GitHub would: bash -e, the event and output files in the environment."""
    output, summary = tmp_path / "github_output", tmp_path / "summary.md"
    for f in (output, summary):
        f.write_text("")
    env = gh.env()
    env["PATH"] = f"{okrops_bin(tmp_path / 'okbin')}{os.pathsep}{env['PATH']}"
    env.update(GITHUB_EVENT_PATH=str(event), GITHUB_EVENT_NAME=event_name, GITHUB_OUTPUT=str(output),
               GITHUB_STEP_SUMMARY=str(summary), GH_TOKEN="test-token", OKROPS_TODAY="2026-11-20")
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        env.pop(key, None)
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", workflow_step("Record the check-in")], cwd=work,
                          env=env, capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc, outputs, summary.read_text()


def remote_log(remote: Path, ref: str = "main") -> list[str]:
    return git(remote, "log", "--format=%H", ref).split()


@pytest.fixture
def gh(tmp_path):
    fake = FakeGh(tmp_path / "gh")
    fake.answer(["api", "users/ada"], {"login": "ada", "name": "Ada Lovelace"})
    return fake


def test_the_form_is_recorded_in_the_authors_name_pushed_answered_and_closed(tmp_path, gh):
    work, remote = make_repo(tmp_path)
    before = remote_log(remote)
    proc, outputs, summary = run_workflow(tmp_path, work, gh, FIXTURES / "issues-opened-checkin.json", "issues")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["outcome"] == "recorded"
    after = remote_log(remote)
    assert len(after) == len(before) + 1 and after[0] == outputs["commit"]
    fmt = "%an|%ae|%cn|%ce%n%B"
    head = git(remote, "log", "-1", f"--format={fmt}", "main")
    who, message = head.split("\n", 1)
    assert who == f"Ada Lovelace|583231+ada@users.noreply.github.com|{BOT[0]}|{BOT[1]}"
    assert "Okr-Checkin: acme/2026-Q4/O2/KR1" in message and "Okr-Value: 27" in message
    assert "Okr-Confidence: 0.7" in message and "Okr-Previous: 20" in message
    assert "Checkin-Issue: https://github.com/acme/okrs/issues/12" in message and "Checkin-By: @ada" in message
    text = git(remote, "show", "main:okrs/acme/2026-Q4.yaml")
    assert "current: 27" in text and "confidence: 0.7" in text
    # the history reads it like any check-in, with the note and the author
    from okrops.record.history import read_history
    from okrops.repository import load

    git(work, "pull", "-q", "--ff-only")
    history = [c for c in read_history(load(work).organisation) if c.ref == "acme/2026-Q4/O2/KR1"]
    assert history[-1].value == 27 and history[-1].author == "Ada Lovelace"
    assert "Two pilot customers went live" in history[-1].note
    comments = gh.api_calls("POST", "repos/acme/okrs/issues/12/comments")
    assert len(comments) == 1
    body = json.loads(comments[0]["stdin"])["body"]
    assert "**Checked in**" in body and "20 → **27**" in body and outputs["commit"][:10] in body
    closes = gh.api_calls("PATCH", "repos/acme/okrs/issues/12")
    assert len(closes) == 1 and json.loads(closes[0]["stdin"])["state"] == "closed"
    assert "Checked in" in summary


def test_a_comment_command_is_recorded_and_the_issue_left_open(tmp_path, gh):
    work, remote = make_repo(tmp_path)
    proc, outputs, _summary = run_workflow(tmp_path, work, gh, FIXTURES / "issue_comment-created-checkin.json",
                                           "issue_comment")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["outcome"] == "recorded"
    message = git(remote, "log", "-1", "--format=%B", "main")
    assert "Okr-Checkin: acme/2026-Q4/O1/KR1" in message and "Okr-Value: 18" in message
    assert "Okr-Confidence: 0.6" in message and "review rota" in message
    assert "Checkin-Issue: https://github.com/acme/okrs/issues/3" in message
    assert gh.api_calls("POST", "repos/acme/okrs/issues/3/comments")
    assert not gh.api_calls("PATCH", "repos/acme/okrs/issues/3")  # not a check-in issue: it stays open


@pytest.mark.parametrize("body", ["Thanks, looks good", "/checkinnow acme/2026-Q4/O1/KR1 3", "please /checkin later"])
def test_other_comments_are_ignored_without_a_word(tmp_path, gh, body):
    work, remote = make_repo(tmp_path)
    before = remote_log(remote)
    event = event_file(tmp_path, "issue_comment-created-checkin.json", comment__body=body)
    proc, outputs, summary = run_workflow(tmp_path, work, gh, event, "issue_comment")
    assert proc.returncode == 0, proc.stderr
    assert outputs["outcome"] == "ignored" and remote_log(remote) == before
    assert gh.calls() == [] and summary == ""


def test_bots_and_unlabelled_issues_are_ignored(tmp_path, gh):
    work, remote = make_repo(tmp_path)
    before = remote_log(remote)
    bot = event_file(tmp_path, "issue_comment-created-checkin.json",
                     comment__user={"login": "github-actions[bot]", "id": 41898282, "type": "Bot"})
    unlabelled = event_file(tmp_path, "issues-opened-checkin.json", issue__labels=[])
    # GitHub sends 'labeled' as well as 'opened' for an issue the form creates: only 'opened' counts
    labeled = event_file(tmp_path, "issues-opened-checkin.json", action="labeled")
    closed = event_file(tmp_path, "issues-opened-checkin.json", action="edited", issue__state="closed")
    for event, name in ((bot, "issue_comment"), (unlabelled, "issues"), (labeled, "issues"), (closed, "issues")):
        proc, outputs, _ = run_workflow(tmp_path, work, gh, event, name)
        assert proc.returncode == 0 and outputs["outcome"] == "ignored"
    assert remote_log(remote) == before and gh.calls() == []


def refused(tmp_path, gh, remote, event, name="issues", work=None):
    before = remote_log(remote)
    proc, outputs, _ = run_workflow(tmp_path, work, gh, event, name)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["outcome"] == "refused"
    assert remote_log(remote) == before, "nothing is committed"
    number = json.loads(event.read_text())["issue"]["number"]
    assert not gh.api_calls("PATCH", f"repos/acme/okrs/issues/{number}"), "the issue stays open"
    comments = gh.api_calls("POST", f"repos/acme/okrs/issues/{number}/comments")
    assert len(comments) == 1
    return json.loads(comments[0]["stdin"])["body"]


@pytest.mark.parametrize("field, value, expected", [
    ("New value", "lots", "is not a number"),
    ("Confidence", "7", "outside 0 to 1"),
    ("Key result", "acme/2026-Q4/O2/KR9", "unknown key result"),
    ("Key result", "_No response_", "the form has no 'Key result'"),
    ("New value", "1e400", "is not a finite number"),
])
def test_a_malformed_form_gets_a_comment_saying_what_to_fix(tmp_path, gh, field, value, expected):
    work, remote = make_repo(tmp_path)
    data = json.loads((FIXTURES / "issues-opened-checkin.json").read_text())
    body = data["issue"]["body"]
    start = body.index(f"### {field}\n\n") + len(f"### {field}\n\n")
    end = body.find("\n\n###", start)
    body = body[:start] + value + (body[end:] if end != -1 else "")
    event = event_file(tmp_path, "issues-opened-checkin.json", issue__body=body)
    comment = refused(tmp_path, gh, remote, event, work=work)
    assert comment.startswith("**Not checked in**") and expected in comment
    assert git(work, "status", "--porcelain") == ""


def test_someone_who_is_no_maintainer_and_cannot_write_is_refused(tmp_path, gh):
    work, remote = make_repo(tmp_path)
    gh.answer(["api", "repos/acme/okrs/collaborators/mallory/permission"], {"permission": "read", "role_name": "read"})
    event = event_file(tmp_path, "issues-opened-checkin.json",
                       issue__user={"login": "mallory", "id": 666, "type": "User"})
    comment = refused(tmp_path, gh, remote, event, work=work)
    assert "@mallory may not check in on acme/2026-Q4/O2/KR1" in comment and "maintainers of acme" in comment


def test_write_permission_or_a_maintaining_team_is_enough_unless_settings_say_otherwise(tmp_path, gh):
    work, remote = make_repo(tmp_path, maintainers=("@acme/leads",))
    gh.answer(["api", "repos/acme/okrs/collaborators/ada/permission"], {"permission": "write", "role_name": "write"})
    proc, outputs, _ = run_workflow(tmp_path, work, gh, FIXTURES / "issues-opened-checkin.json", "issues")
    assert outputs["outcome"] == "recorded", proc.stdout + proc.stderr
    # maintainers only: writing is not enough, the team is asked
    work2, remote2 = make_repo(tmp_path / "b", maintainers=("@acme/leads",),
                               settings="  from_issues:\n    allowed: maintainers\n")
    gh2 = FakeGh(tmp_path / "gh2")
    gh2.answer(["api", "repos/acme/okrs/collaborators/ada/permission"], {"permission": "write"})
    comment = refused(tmp_path / "b", gh2, remote2, FIXTURES / "issues-opened-checkin.json", work=work2)
    assert "only maintainers of acme" in comment
    assert gh2.api_calls("GET", "orgs/acme/teams/leads/memberships/ada")
    gh3 = FakeGh(tmp_path / "gh3")
    gh3.answer(["api", "orgs/acme/teams/leads/memberships/ada"], {"state": "active", "role": "member"})
    proc, outputs, _ = run_workflow(tmp_path / "b", work2, gh3, FIXTURES / "issues-opened-checkin.json", "issues")
    assert outputs["outcome"] == "recorded", proc.stdout + proc.stderr
    assert not gh3.api_calls("GET", "collaborators/ada/permission")


def test_a_protected_branch_gets_a_pull_request(tmp_path, gh):
    work, remote = make_repo(tmp_path, settings="  from_issues:\n    land: pull-request\n")
    gh.answer(["pr", "create"], "https://github.com/acme/okrs/pull/13\n")
    before = remote_log(remote)
    proc, outputs, _ = run_workflow(tmp_path, work, gh, FIXTURES / "issues-opened-checkin.json", "issues")
    assert proc.returncode == 0 and outputs["outcome"] == "recorded", proc.stdout + proc.stderr
    assert remote_log(remote) == before, "main is untouched"
    assert remote_log(remote, "okrops/checkin-12")[0] == outputs["commit"]
    pr = [c for c in gh.calls() if c["args"][:2] == ["pr", "create"]]
    assert len(pr) == 1 and "--head" in pr[0]["args"] and "okrops/checkin-12" in pr[0]["args"]
    assert "Closes #12" in pr[0]["args"][pr[0]["args"].index("--body") + 1]
    body = json.loads(gh.api_calls("POST", "issues/12/comments")[0]["stdin"])["body"]
    assert "https://github.com/acme/okrs/pull/13" in body
    assert not gh.api_calls("PATCH", "repos/acme/okrs/issues/12"), "the pull request closes it when merged"


def test_a_rejected_push_fails_the_step_and_says_why(tmp_path, gh):
    work, remote = make_repo(tmp_path)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = remote_log(remote)
    proc, _outputs, _ = run_workflow(tmp_path, work, gh, FIXTURES / "issues-opened-checkin.json", "issues")
    assert proc.returncode == 1
    assert "land: pull-request" in proc.stderr and "Traceback" not in proc.stderr
    assert remote_log(remote) == before


def test_a_payload_that_is_not_an_issue_event_is_a_clear_error(tmp_path, gh):
    work, _remote = make_repo(tmp_path)
    bad = tmp_path / "push.json"
    bad.write_text(json.dumps({"ref": "refs/heads/main", "commits": []}))
    proc = subprocess.run([sys.executable, "-m", "okrops", "checkin", "--from-issue", str(bad)], cwd=work,
                          env=gh.env(), capture_output=True, text=True)
    assert proc.returncode == 2 and "not an issues or issue_comment event" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_form_link_prefills_the_reference_and_shows_the_numbers():
    from urllib.parse import parse_qs, urlsplit

    from okrops.model import KeyResult
    from okrops.record.issueform import form_url

    kr = KeyResult(id="KR1", ref="acme/2026-Q4/O2/KR1", title="t", objective_ref="acme/2026-Q4/O2", current=20,
                   target=45, measure_unit="customers")
    url = form_url("https://github.com/acme/okrs/", kr)
    parts = urlsplit(url)
    assert parts.path == "/acme/okrs/issues/new"
    query = parse_qs(parts.query)
    assert query["template"] == ["checkin.yml"] and query["ref"] == ["acme/2026-Q4/O2/KR1"]
    assert query["title"] == ["Check-in acme/2026-Q4/O2/KR1: now 20 customers, target 45 customers"]
    assert form_url("", kr) is None


def test_the_issue_form_has_the_fields_the_parser_reads():
    from okrops.record.issueform import FIELDS, parse_form
    from okrops.reports.generated import issue_form

    form = yaml.safe_load(issue_form())
    ids = {item["id"]: item["attributes"]["label"] for item in form["body"] if "id" in item}
    assert ids == dict(FIELDS)
    # the body GitHub writes for this form: one section per field, _No response_ for an empty one
    body = "\n\n".join(f"### {label}\n\n{answer}" for label, answer in
                       zip(ids.values(), ["a/b/c/d", "5", "_No response_", "_No response_"]))
    request = parse_form(body)
    assert (request.ref, request.value, request.confidence, request.note) == ("a/b/c/d", "5", None, "")

"""The weekly rhythm end to end, with nobody running a command by hand.

A person with only a browser follows the site's "Check in" link, fills in the form; the
check-in workflow's own shell step records it (the GitHub event payload fixture, a recording
gh, a bare remote); a fresh clone builds the site, which shows the new value and the person's
name; then the hourly rhythm workflow's shell step, at the configured hour, keeps the reminder
issues and posts the reminder and the weekly digest to a chat webhook (a real HTTP server on
127.0.0.1), and the digest names the check-in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from gh_support import FakeGh
from webhook_support import Recorder

FIXTURES = Path(__file__).parent / "fixtures" / "github"
BOT = "41898282+github-actions[bot]@users.noreply.github.com"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def okrops_bin(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    shim = folder / "okrops"
    shim.write_text(f"#!{sys.executable}\nfrom okrops.cli import main\nmain()\n")
    shim.chmod(0o755)
    return folder


def step(workflow: str, job: str, name: str) -> str:
    from okrops.reports.generated import files

    data = yaml.safe_load(files()[f".github/workflows/{workflow}"])
    return next(s["run"] for s in data["jobs"][job]["steps"] if s.get("name") == name)


def clean_env(tmp_path: Path, gh: FakeGh, **extra: str) -> dict:
    env = gh.env()
    for key in list(env):
        if key.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_", "OKROPS_")) or key.startswith("GITHUB_"):
            env.pop(key)
    env["PATH"] = f"{okrops_bin(tmp_path / 'okbin')}{os.pathsep}{env['PATH']}"
    env.update(extra)
    return env


def test_a_browser_check_in_reaches_the_site_and_the_digest_and_reminders_go_out(tmp_path):
    from okrops.rhythm.scaffold import init, quarter

    today = dt.date.today()
    cycle = quarter(today)[0]
    seed = tmp_path / "seed"
    init(seed, "Acme", maintainers=["@ada"], today=today, git=False)
    config = seed / "okrs/okrops.yaml"
    slot = dt.datetime.now(dt.timezone.utc)
    day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[slot.weekday()]
    config.write_text(config.read_text() + f"  repo_url: https://github.com/acme/okrs\n\nrhythm:\n  day: {day}\n"
                      f"  hour: {slot.hour}\n")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", ".")
    start = quarter(today)[2].isoformat() + "T09:00:00Z"
    subprocess.run(["git", "-c", "user.name=Seed", "-c", "user.email=seed@example.com", "commit", "-q", "-m", "OKRs",
                    "--date", start], cwd=seed, check=True, env={**os.environ, "GIT_COMMITTER_DATE": start})
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed), str(remote)], check=True)
    runner = tmp_path / "runner"  # the check-in workflow's checkout
    subprocess.run(["git", "clone", "-q", str(remote), str(runner)], check=True)
    gh = FakeGh(tmp_path / "gh")
    gh.answer(["api", "users/ada"], {"login": "ada", "name": "Ada Lovelace"})
    gh.answer(["api", "repos/acme/okrs/issues?labels=okrops-reminder&state=open&per_page=100"], [])
    gh.answer(["api", "repos/acme/okrs/issues"], {"number": 30})

    # 1. the site shows a "Check in" link on the key result's page, prefilled with its reference
    ref = f"acme/{cycle}/O2/KR1"
    site1 = tmp_path / "site1"
    build = subprocess.run(["okrops", "site", "build", "--out", str(site1)], cwd=runner,
                           env=clean_env(tmp_path, gh), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    page = (site1 / "units/acme" / cycle / "O2/KR1/index.html").read_text()
    link = re.search(r'<a class="okr-checkin-link" href="([^"]+)"', page)
    assert link, "the key result page links to the check-in form"
    query = parse_qs(urlsplit(unquote(link.group(1).replace("&amp;", "&").replace("&#37;", "%"))).query)
    assert query["template"] == ["checkin.yml"] and query["ref"] == [ref]

    # 2. the form, filled in and submitted: GitHub runs the check-in workflow with this event
    event = json.loads((FIXTURES / "issues-opened-checkin.json").read_text())
    event["issue"]["body"] = event["issue"]["body"].replace("acme/2026-Q4/O2/KR1", ref)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    output = tmp_path / "output"
    output.write_text("")
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step("okrops-checkin.yml", "checkin",
                                                                      "Record the check-in")],
                          cwd=runner, capture_output=True, text=True,
                          env=clean_env(tmp_path, gh, GITHUB_EVENT_PATH=str(event_path), GITHUB_EVENT_NAME="issues",
                                        GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(tmp_path / "s1.md")))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "outcome=recorded" in output.read_text()
    assert git(remote, "log", "-1", "--format=%an %ce", "main").strip() == f"Ada Lovelace {BOT}"

    # 3. the next build (the pages workflow: a fresh clone) shows the value and who checked in
    pages = tmp_path / "pages"
    subprocess.run(["git", "clone", "-q", str(remote), str(pages)], check=True)
    site2 = tmp_path / "site2"
    build = subprocess.run(["okrops", "site", "build", "--out", str(site2)], cwd=pages,
                           env=clean_env(tmp_path, gh), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    page = (site2 / "units/acme" / cycle / "O2/KR1/index.html").read_text()
    assert "<strong>27</strong>" in page and "Ada Lovelace" in page
    assert "Two pilot customers went live this week." in page
    week = (site2 / "week/index.html").read_text()
    assert "Ada Lovelace" in week and ref in week

    # 4. the hourly rhythm workflow, in the configured hour: reminder issues, reminder and digest to the chat
    summary = tmp_path / "summary.md"
    summary.write_text("")
    with Recorder() as chat:
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step("okrops-rhythm.yml", "rhythm",
                                                                          "Remind and report")],
                              cwd=pages, capture_output=True, text=True,
                              env=clean_env(tmp_path, gh, SCHEDULED="true", OKROPS_WEBHOOK_URL=chat.url,
                                            WEBHOOK_FORMAT="slack", GITHUB_REPOSITORY="acme/okrs",
                                            GITHUB_STEP_SUMMARY=str(summary), GH_TOKEN="t"))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert len(chat.received) == 2
        reminder, digest = chat.json(0), chat.json(1)
    assert reminder["blocks"][0]["text"]["text"].startswith("Check-ins due on")
    assert ref in json.dumps(digest) and "Ada Lovelace" in json.dumps(digest)
    assert "## What moved" in summary.read_text() and "Ada Lovelace" in summary.read_text()
    opened = [json.loads(c["stdin"]) for c in gh.api_calls("POST", "repos/acme/okrs/issues")
              if "labels" in json.loads(c["stdin"] or "{}")]
    if (today - quarter(today)[2]).days > 7:  # in a quarter's first week nothing is due yet
        assert opened
    assert all(o["labels"] == ["okrops-reminder"] for o in opened)
    assert ref not in "".join(o["body"] for o in opened), "just checked in: not due"

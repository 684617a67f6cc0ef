"""The site shows where numbers come from and how collected values were collected, for public KRs and KPIs only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from collect_support import Server
from test_checkin_support import git, isolated_git  # noqa: F401 - fixtures
from test_collect import make_repo

SECRET_UNIT = """\
name: Secret lab
visibility: private
kpis:
  - id: burn
    title: Secret burn rate
    current: 5
    source: {kind: http, url: "URL/secret-burn", path: $.v}
"""


def okrops(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True)


@pytest.fixture
def site(tmp_path, isolated_git, monkeypatch):
    from okrops.site import build_site

    monkeypatch.setenv("OKROPS_TODAY", "2026-11-25")
    monkeypatch.setenv("METRICS_TOKEN", "tok")
    server = Server()
    try:
        repo = make_repo(tmp_path / "repo", server)
        (repo / "okrs/lab").mkdir()
        (repo / "okrs/lab/unit.yaml").write_text(SECRET_UNIT.replace("URL", server.url))
        server.json("/secret-burn", {"v": 9})
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "A private lab")
        first = okrops(repo, "collect")
        assert first.returncode == 0, first.stdout + first.stderr
        server.json("/uptime", {"availability": {"ratio": 0.99951}})
        second = okrops(repo, "collect", "platform/kpi/uptime")
        assert second.returncode == 0, second.stdout + second.stderr
        collected = git(repo, "rev-parse", "HEAD").strip()
        # KR1's collected value is replaced by a hand check-in: its number no longer comes from the collection.
        assert okrops(repo, "checkin", "platform/2026-Q4/O1/KR1", "44", "-m", "counted by hand").returncode == 0
        # A commit that claims a collection without changing the file is not believed.
        git(repo, "commit", "-q", "--allow-empty", "-m", "Forged\n\nOkr-Checkin: platform/2026-Q4/O1/KR2\nOkr-Value: 380.5\n"
            "Okr-Source: http\nOkr-Query: \"GET https://evil.example.com\"\nOkr-Fetched: 2026-11-25T00:00:00Z\n"
            "Okr-Digest: sha256:00")
        out = build_site(repo, tmp_path / "out", strict=True)
        yield repo, out, collected, server
    finally:
        server.close()


def test_kpis_and_key_results_show_their_source_and_collection(site):
    repo, out, collected, server = site
    unit = (out / "units/platform/2026-Q4/index.html").read_text()
    assert f"from <code>http: GET {server.url}/uptime $.availability.ratio</code>" in unit.replace("&#95;", "_")
    assert "collected by http at 20" in unit and f"<code>{collected[:8]}</code>" in unit
    assert "last check-in 20" in unit and 'class="okr-spark"' in unit  # the KPI's history: two check-ins
    kr2 = (out / "units/platform/2026-Q4/O1/KR2/index.html").read_text()
    assert "collected by http at" in kr2 and "evil.example.com" not in kr2
    kr1 = (out / "units/platform/2026-Q4/O1/KR1/index.html").read_text()
    assert "<strong>Source:</strong>" in kr1 and "collected by" not in kr1  # a hand check-in came after


def test_private_kpis_and_their_sources_never_reach_the_site(site):
    repo, out, _collected, _server = site
    assert "lab/kpi/burn" in git(repo, "log", "--format=%B")  # it was collected...
    for page in out.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".json", ".xml", ".txt"):
            text = page.read_text(errors="replace")
            assert "Secret burn" not in text and "secret-burn" not in text and "lab/kpi" not in text, page

"""Live preview renders only what a change affects, and writes what a full build writes.

A serve session is run in this process the way ``mkdocs serve --dirty`` (and ``okrops site serve``)
runs it: one plugin object across builds, each build a dirty one into the same output folder. After
each kind of change, its output is compared byte for byte with a full build of the changed input
made in a fresh process, and the number of pages it rendered is checked to be a part of the site.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_site import TODAY, commit_history, git, write_repo

URL = "http://127.0.0.1:8765/"
ENV = {"OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1795000000"}
FULL_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.site_url = sys.argv[3]
build(config, serve_url=sys.argv[3])  # what mkdocs serve does, without --dirty
"""


@pytest.fixture
def env(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


class Session:
    """Builds of one serve session (plugins kept across builds, dirty builds into one folder)."""

    def __init__(self, repo: Path, out: Path):
        self.config_file = str(repo / "site" / "mkdocs.yml")
        self.out = out
        self.started = False
        self.plugin = None

    def build(self):
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(self.config_file, site_dir=str(self.out))
        config.site_url = URL
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        self.plugin = config.plugins["okrops"]
        self.config = config
        build(config, serve_url=URL, dirty=True)
        return self.plugin.incremental

    def close(self):
        if self.started:
            self.config.plugins.on_shutdown()


@pytest.fixture
def session(tmp_path, env):
    repo = write_repo(tmp_path / "repo")
    (repo / "site" / "docs" / "guides").mkdir(parents=True, exist_ok=True)
    commit_history(repo)
    serving = Session(repo, tmp_path / "serve-out")
    serving.repo = repo
    yield serving
    serving.close()


def full_build(repo: Path, out: Path) -> Path:
    result = subprocess.run([sys.executable, "-c", FULL_BUILD, str(repo / "site" / "mkdocs.yml"), str(out), URL],
                            capture_output=True, text=True, env={**os.environ, **ENV}, cwd=out.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_full_build(serving: Session, name: str) -> None:
    expected = tree(full_build(serving.repo, serving.out.parent / f"full-{name}"))
    actual = tree(serving.out)
    assert sorted(actual) == sorted(expected)
    different = [path for path in expected if actual[path] != expected[path]]
    assert different == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def page_count(out: Path) -> int:
    return sum(1 for _ in out.rglob("index.html"))


def test_one_value_renders_a_few_pages_and_equals_a_full_build(session):
    """A check-in value in one cycle file: its unit's and key result's pages and the roll-ups, not the rest."""
    first = session.build()
    assert first.full
    assert_same_as_full_build(session, "start")
    edit(session.repo / "okrs/acme/sales/2026-Q4.yaml", "current: 1\n", "current: 7\n")
    again = session.build()
    assert not again.full
    assert again.kept, "every page was rendered again"
    assert "units/labs/2026-Q4/O1/KR1/index.md" in again.kept
    assert "units/sales/2026-Q4/O1/KR1/index.md" not in again.kept
    assert_same_as_full_build(session, "value")
    assert ">7<" in (session.out / "units/sales/2026-Q4/O1/KR1/index.html").read_text() or \
        "7 contracts" in (session.out / "units/sales/2026-Q4/O1/KR1/index.html").read_text()
    unchanged = session.build()  # nothing changed: nothing is rendered but what every build renders
    assert not unchanged.full and len(unchanged.kept) == page_count(session.out)
    assert session.plugin.memo.rendered == [], "a page's source was rendered again though nothing changed"
    assert_same_as_full_build(session, "unchanged")


def test_only_the_pages_whose_source_changes_are_rendered_again(session):
    """A page's Markdown is rendered from its template again only when its view object changed: after a
    change to one key result, no key result page whose source stays the same is rendered again (any
    page: made again only when its source differs), and the output still equals a full build."""
    first = session.build()
    before = dict(first.previous.sources)
    kr_pages = [uri for uri in before if uri.count("/") == 5]  # units/<unit>/<cycle>/<objective>/<kr>/index.md
    assert len(kr_pages) > 5
    assert sorted(session.plugin.memo.rendered) == sorted(before), "a first build renders every page once"
    edit(session.repo / "okrs/acme/sales/2026-Q4.yaml", "current: 1\n", "current: 7\n")
    again = session.build()
    after = again.previous.sources
    rendered = session.plugin.memo.rendered
    changed = {uri for uri in after if before.get(uri) != after[uri]}
    assert "units/sales/2026-Q4/O1/KR1/index.md" in changed
    assert "units/sales/2026-Q4/O1/KR1/index.md" in rendered
    again_unchanged = [uri for uri in rendered if uri not in changed]
    assert again_unchanged == [], f"rendered again with the same source: {again_unchanged}"
    assert len(rendered) == len(set(rendered)), "a page was rendered twice in one build"
    unmade = session.plugin.unmade  # pages of units the change cannot affect: not made at all
    assert unmade and not unmade & changed and not unmade & set(rendered)
    assert session.plugin.memo.reused["page:kr"] == len([u for u in kr_pages if u not in changed | unmade])
    # A saved file changes no commit: the weekly digests (read from the commits) are not made again.
    assert session.plugin.memo.made["weekly digest"] == 0 and session.plugin.memo.reused["weekly digest"] > 0
    assert_same_as_full_build(session, "one-kr")
    edit(session.repo / "okrs/acme/sales/2026-Q4.yaml", "current: 7\n", "current: 1\n")  # back: the first build's pages
    session.build()
    assert sorted(session.plugin.memo.rendered) == sorted(changed)
    assert_same_as_full_build(session, "back")


@pytest.mark.parametrize("change", ["site-title", "nav-title", "new-unit", "unit-private", "objective-private",
                                    "objective-public", "new-commit", "unit-title", "template-override"])
def test_each_kind_of_change_equals_a_full_build(session, change):
    session.build()
    repo = session.repo
    if change == "site-title":  # on every page (the header): every page is rendered again
        edit(repo / "okrs/okrops.yaml", "title:", "title: Renamed")
    elif change == "nav-title":  # a hand-written page's heading is its title in the navigation
        guide = next((repo / "site" / "docs").rglob("*.md"))
        text = guide.read_text(encoding="utf-8")
        guide.write_text("# A renamed guide\n\n" + text.split("\n", 1)[1] if text.startswith("# ") else
                         "# A renamed guide\n\n" + text, encoding="utf-8")
    elif change == "new-unit":
        folder = repo / "okrs/acme/sales/emea"
        folder.mkdir()
        (folder / "unit.yaml").write_text("name: Sales EMEA\nkind: team\n", encoding="utf-8")
        (folder / "2026-Q4.yaml").write_text(
            "objectives:\n  - id: O1\n    title: Sell robot-hours in Europe\n    aligns_to:\n"
            "      parent: sales/2026-Q4/O1\n    key_results:\n      - id: KR1\n"
            "        title: European contracts from 0 to 4\n        unit: contracts\n        baseline: 0\n"
            "        target: 4\n        current: 1\n", encoding="utf-8")
    elif change == "unit-private":  # its pages disappear
        edit(repo / "okrs/acme/sales/unit.yaml", "kind: department", "kind: department\nvisibility: private")
    elif change == "objective-private":
        edit(repo / "okrs/acme/engineering/2026-Q4.yaml", "why: Fewer support calls",
             "why: Fewer support calls\n    visibility: private")
    elif change == "objective-public":  # pages appear
        edit(repo / "okrs/acme/engineering/platform/2026-Q4.yaml", "visibility: private", "visibility: public")
    elif change == "new-commit":  # a check-in commit: history, activity and charts change
        from okrops.record.checkin import Request, checkin, parse_date
        from okrops.repository import load

        moment = parse_date("2026-11-18T10:00:00+00:00")
        checkin(load(repo).organisation, [Request("sales/2026-Q4/O1/KR1", 3, 0.4, "Two more signed")],
                when=moment, author=("Sam Checker", "sam@example.com"), commit_date=moment)
    elif change == "unit-title":  # in breadcrumbs, trees and tables across the site
        edit(repo / "okrs/acme/engineering/unit.yaml", "name: Engineering", "name: Robotics Engineering")
    elif change == "template-override":  # an organisation's own template: every page using it changes
        from okrops.site.render import TEMPLATES

        own = (TEMPLATES / "kr.html").read_text(encoding="utf-8")
        (repo / "site/overrides/okrops").mkdir(parents=True, exist_ok=True)
        (repo / "site/overrides/okrops/kr.html").write_text(own.replace("{% block content %}",
                                                                         "{% block content %}<p>Our own</p>", 1),
                                                             encoding="utf-8")
    after = session.build()
    assert_same_as_full_build(session, change)
    if change == "new-commit":  # this week's digest is read from the new commit
        assert session.plugin.memo.made["weekly digest"] >= 1
    if change == "template-override":
        assert "Our own" in (session.out / "units/sales/2026-Q4/O1/KR1/index.html").read_text(encoding="utf-8")
    if change in ("site-title", "nav-title", "unit-private", "objective-private", "template-override"):
        assert after.full
    else:
        assert not after.full and after.kept


def test_a_failed_build_is_followed_by_a_full_one(session):
    from mkdocs.exceptions import Abort

    session.build()
    path = session.repo / "okrs/acme/sales/unit.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(Abort):
        session.build()
    path.write_text(good, encoding="utf-8")
    # Pages of the build before the failure that the next build does not write must not stay behind.
    edit(session.repo / "okrs/acme/engineering/2026-Q4.yaml", "why: Fewer support calls",
         "why: Fewer support calls\n    visibility: private")
    assert session.build().full
    assert_same_as_full_build(session, "recovered")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(repo: Path, port: int) -> subprocess.Popen:
    code = f"from okrops.cli.site import site; site(['serve', '--dev-addr', '127.0.0.1:{port}', '--repo', {str(repo)!r}])"
    return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **ENV}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def wait_for(process: subprocess.Popen, url: str, text: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode():
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    text = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    return text


def test_serve_shows_a_new_commit_and_renders_only_part_of_the_site(tmp_path):
    """okrops site serve: a check-in commit (okrs/ unchanged by hand) reaches the served page, rendering a part."""
    from okrops.record.checkin import Request, checkin, parse_date
    from okrops.repository import load

    repo = write_repo(tmp_path / "repo")
    commit_history(repo)
    port = free_port()
    process = serving(repo, port)
    url = f"http://127.0.0.1:{port}/units/sales/2026-Q4/O1/KR1/"
    try:
        assert wait_for(process, url, "Robot-hour contracts signed")
        old = os.environ.get("OKROPS_TODAY")
        os.environ["OKROPS_TODAY"] = TODAY
        try:
            moment = parse_date("2026-11-18T10:00:00+00:00")
            checkin(load(repo).organisation, [Request("sales/2026-Q4/O1/KR1", 5, 0.4, "A NOTE FROM THE NEW COMMIT")],
                    when=moment, author=("Sam Checker", "sam@example.com"), commit_date=moment)
        finally:
            if old is None:
                os.environ.pop("OKROPS_TODAY", None)
            else:
                os.environ["OKROPS_TODAY"] = old
        assert wait_for(process, url, "A NOTE FROM THE NEW COMMIT")
    finally:
        log = stop(process)
    assert "okrops: rendering" in log and "pages (the others are unchanged)" in log, log[-3000:]
    assert "dirty' build" not in log


def test_serve_watches_an_included_repository(tmp_path):
    """A change in an included repository (include: path) reaches the served page."""
    team = write_repo(tmp_path / "team")
    for rel in ("okrs/acme/engineering", "okrs/acme/sales", "okrs/acme/FY2026.yaml"):
        target = team / rel
        subprocess.run(["rm", "-rf", str(target)], check=True)
    (team / "okrs/acme").rename(team / "okrs/robotics")
    (team / "okrs/robotics/unit.yaml").write_text("name: Robotics\nkind: department\n", encoding="utf-8")
    (team / "okrs/robotics/2026-Q4.yaml").write_text(
        "objectives:\n  - id: O1\n    title: Robots that teach themselves\n    key_results:\n      - id: KR1\n"
        "        title: Skills learnt from 0 to 5\n        unit: skills\n        baseline: 0\n        target: 5\n"
        "        current: 1\n", encoding="utf-8")
    git(team, "init", "-q", "-b", "main")
    repo = write_repo(tmp_path / "repo")
    edit(repo / "okrs/okrops.yaml", "site:", "include:\n  - path: ../team\n    under: acme\nsite:")
    port = free_port()
    process = serving(repo, port)
    url = f"http://127.0.0.1:{port}/units/robotics/2026-Q4/"
    try:
        assert wait_for(process, url, "Robots that teach themselves")
        edit(team / "okrs/robotics/2026-Q4.yaml", "Robots that teach themselves", "Robots that teach each other")
        assert wait_for(process, url, "Robots that teach each other")
    finally:
        log = stop(process)
    assert "Traceback" not in log

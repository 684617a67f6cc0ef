"""The OKR site: a real MkDocs build of a small fixture repository with real check-in commits.

The site is built once per session (:func:`built_site`) and shared with test_site_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

TODAY = "2026-11-25"
NASTY_OBJECTIVE = "<script>alert(1)</script> **bold** [link](http://x) {{ 7*7 }} {% raw %}"
NASTY_KR = '<img src=x onerror="alert(2)"> `code` _under_'
NASTY_NOTE = "<script>alert(3)</script> {{ 7*7 }} **loud**"
NASTY_UNIT = "R&D <b>Labs</b> {% raw %}"
# Text that lives only in private units and objectives; no output file may contain it.
PRIVATE_MARKERS = ("STEALTH-UNIT-NAME", "SKUNK-UNIT-NAME", "SECRET-OBJECTIVE-TITLE", "SECRET-KR-TITLE",
                   "SECRET-NOTE", "SECRET-WHY", "stealthops", "skunkworks", "SECRET-INITIATIVE")

CONFIG = """\
organisation: Acme
cycles:
  - id: FY2026
    name: FY 2026
    start: 2026-01-01
    end: 2026-12-31
  - id: 2026-Q3
    name: Q3 2026
    start: 2026-07-01
    end: 2026-09-30
  - id: 2026-Q4
    name: Q4 2026
    start: 2026-10-01
    end: 2026-12-31
site:
  title: Acme OKRs
  description: "Where we stand <i>now</i> {{ 7*7 }}"
  repo_url: https://git.example.com/acme/okrs
"""

STRATEGY = """\
vision: Every warehouse runs itself
mission: We make robots easy to rent
strategies:
  - id: growth
    title: Grow self-serve <em>fast</em>
    description: Customers buy without talking to sales.
    horizon: {from: 2026, to: 2028}
  - id: quality
    title: Be reliable
"""


def kr(kr_id, title, baseline, target, current, confidence=0.7, **extra):
    data = {"id": kr_id, "title": title, "unit": "users", "baseline": baseline, "target": target,
            "current": current, "confidence": confidence, "data_source": "Analytics dashboard"}
    data.update(extra)
    return data


def write_repo(root: Path) -> Path:
    """A small organisation: company > engineering > (platform, labs, private stealthops > skunkworks), sales."""
    from okrops.site import scaffold_files
    from okrops.yamlio import dump_roundtrip

    def put(rel, data):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else dump_roundtrip(data), encoding="utf-8")

    put("okrs/okrops.yaml", CONFIG)
    put("okrs/strategy.yaml", STRATEGY)
    put("okrs/acme/unit.yaml", {"name": "Acme", "kind": "company", "description": "The whole company."})
    put("okrs/acme/FY2026.yaml", {"objectives": [
        {"id": "O1", "title": "Customers rent robots without calling us", "why": "Self-serve is cheaper",
         "aligns_to": {"strategies": ["growth"]},
         "key_results": [kr("KR1", "Self-serve signups grow from 100 to 400", 100, 400, 260)]},
    ]})
    put("okrs/acme/engineering/unit.yaml", {"name": "Engineering", "kind": "department",
                                            "provides": ["sales/2026-Q4/O1"]})
    put("okrs/acme/engineering/2026-Q4.yaml", {"objectives": [
        {"id": "O1", "title": "The fleet dashboard answers customers' questions", "why": "Fewer support calls",
         "aligns_to": {"parent": "acme/FY2026/O1/KR1", "strategies": ["quality"]},
         "key_results": [kr("KR1", "Dashboard weekly users grow from 300 to 600", 300, 600, 450)]},
    ]})
    put("okrs/acme/engineering/2026-Q3.yaml", {"objectives": [
        {"id": "O1", "title": "Ship the first fleet dashboard", "aligns_to": {"parent": "acme/FY2026/O1"},
         "key_results": [kr("KR1", "Pilot customers using the dashboard from 0 to 10", 0, 10, 8)],
         "reflection": {"score": 0.8, "decision": "carry-over", "learnings": "Pilots <b>love</b> the map view."}},
    ]})
    put("okrs/acme/engineering/platform/unit.yaml", {
        "name": "Platform", "kind": "team", "maintainers": ["@acme/platform"],
        "scoring": {"style": "commit-target-stretch"},
        "kpis": [{"id": "uptime", "title": "API uptime", "unit": "%", "current": 99.2,
                  "healthy": {"min": 99.5}, "warning": {"min": 99.0}}]})
    put("okrs/acme/engineering/platform/2026-Q4.yaml", {
        "objectives": [
            {"id": "O1", "title": NASTY_OBJECTIVE, "why": "Because **markdown** <u>html</u> {{ 1+1 }}",
             "type": "aspirational",
             "aligns_to": {"parent": [{"ref": "engineering/2026-Q4/O1", "weight": 0.7},
                                      {"ref": "sales/2026-Q4/O1", "weight": 0.3, "reason": "Sales sells what we build"}]},
             "key_results": [
                 kr("KR1", "API p95 latency falls from 480 to 250 ms", 480, 250, 330, 0.8, unit="ms", commit=350,
                    stretch=200, depends_on=[{"ref": "sales/2026-Q4/O1", "note": "Load numbers from <i>sales</i>"}]),
                 kr("KR2", NASTY_KR, 10, 50, 12, 0.3),
             ]},
            {"id": "O2", "title": "SECRET-OBJECTIVE-TITLE", "why": "SECRET-WHY", "visibility": "private",
             "key_results": [kr("KR1", "SECRET-KR-TITLE", 0, 10, 5)]},
        ],
        "initiatives": [
            {"id": "I1", "title": "Cache the fleet API", "key_results": ["O1/KR1", "O2/KR1"],
             "links": ["https://issues.example.com/EPIC-1?a=1&b=\"2"],
             "milestones": [{"title": "Cache in staging", "due": "2026-10-20", "done": True},
                            {"title": "Cache in production", "due": "2026-11-10"},
                            {"title": "All regions", "due": "2026-12-15"}]},
            # Moves only a private key result: the initiative is private too.
            {"id": "I2", "title": "SECRET-INITIATIVE moving a private key result", "key_results": ["O2/KR1"]},
        ]})
    put("okrs/acme/engineering/labs/unit.yaml", {"name": NASTY_UNIT, "kind": "team"})
    put("okrs/acme/engineering/labs/2026-Q4.yaml", {"objectives": [
        {"id": "O1", "title": "Prototype the next robot", "aligns_to": {"parent": "platform/2026-Q4/O2"},
         "key_results": [kr("KR1", "Prototype runs for 8 hours without help", 1, 8, 2, 0.5)]},
    ]})
    put("okrs/acme/engineering/stealthops/unit.yaml", {"name": "STEALTH-UNIT-NAME", "visibility": "private"})
    put("okrs/acme/engineering/stealthops/2026-Q4.yaml", {"objectives": [
        {"id": "O1", "title": "STEALTH-UNIT-NAME objective", "aligns_to": {"parent": "engineering/2026-Q4/O1"},
         "key_results": [kr("KR1", "STEALTH-UNIT-NAME result", 0, 10, 3)]},
    ]})
    put("okrs/acme/engineering/stealthops/skunkworks/unit.yaml", {"name": "SKUNK-UNIT-NAME"})
    put("okrs/acme/engineering/stealthops/skunkworks/2026-Q4.yaml", {
        "objectives": [{"id": "O1", "title": "SKUNK-UNIT-NAME objective",
                        "key_results": [kr("KR1", "SKUNK-UNIT-NAME result", 0, 10, 3)]}],
        "initiatives": [{"id": "I1", "title": "SECRET-INITIATIVE"}]})
    put("okrs/acme/sales/unit.yaml", {"name": "Sales", "kind": "department"})
    put("okrs/acme/sales/2026-Q4.yaml", {"objectives": [
        {"id": "O1", "title": "Close the first robot-hour contracts", "aligns_to": {"strategies": ["growth"]},
         "depends_on": ["engineering/2026-Q4/O1"],
         "key_results": [kr("KR1", "Robot-hour contracts signed from 0 to 12", 0, 12, 1, 0.2, unit="contracts",
                            contributors=["platform", "stealthops"])]},
    ]})
    for rel, text in scaffold_files().items():
        put(rel, text)
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def commit_history(root: Path) -> None:
    """The initial commit, then weekly check-ins (real commits with okrops' trailers)."""
    from okrops.record.checkin import Request, checkin, parse_date
    from okrops.repository import load

    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Dana Builder")
    git(root, "config", "user.email", "dana@example.com")
    git(root, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-10-01T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-10-01T09:00:00+00:00"}
    subprocess.run(["git", "commit", "-q", "-m", "Q4 OKRs"], cwd=root, check=True, env=env)
    weekly = [
        ("2026-10-07", 440, 0.7, "Cache prototype live"),
        ("2026-10-14", 410, 0.7, ""),
        ("2026-10-21", 380, 0.75, NASTY_NOTE),
        ("2026-10-28", 360, 0.8, "Second region done"),
        ("2026-11-04", 345, 0.8, "Slow week"),
        ("2026-11-11", 330, 0.8, "Cache in production"),
    ]
    for day, value, confidence, note in weekly:
        org = load(root).organisation
        requests = [Request("platform/2026-Q4/O1/KR1", value, confidence, note)]
        if day == "2026-10-21":
            requests.append(Request("platform/2026-Q4/O2/KR1", 4, 0.6, "SECRET-NOTE about the private key result"))
            requests.append(Request("skunkworks/2026-Q4/O1/KR1", 2, 0.5, "SECRET-NOTE in a private unit"))
        moment = parse_date(f"{day}T10:00:00+00:00")
        checkin(org, requests, when=moment, author=("Sam Checker", "sam@example.com"), commit_date=moment)


_BUILT: dict[str, Path] = {}


def build_fixture_site(base: Path) -> tuple[Path, Path]:
    """(repository, output) of the fixture organisation, built strictly once per process."""
    if "out" not in _BUILT:
        from okrops.site import build_site

        repo = write_repo(base / "repo")
        commit_history(repo)
        old = os.environ.get("OKROPS_TODAY")
        os.environ["OKROPS_TODAY"] = TODAY
        try:
            out = build_site(repo, base / "out", strict=True)
        finally:
            if old is None:
                os.environ.pop("OKROPS_TODAY", None)
            else:
                os.environ["OKROPS_TODAY"] = old
        _BUILT["repo"], _BUILT["out"] = repo, out
    return _BUILT["repo"], _BUILT["out"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("site"))[1]


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


# -- structure ------------------------------------------------------------------------


def test_pages_exist(built_site):
    for rel in ["index.html", "strategy/index.html", "alignment/index.html", "activity/index.html",
                "cycles/index.html", "cycles/2026-Q3/index.html", "units/platform/2026-Q4/index.html",
                "units/platform/2026-Q4/O1/KR1/index.html", "units/engineering/2026-Q3/index.html",
                "units/engineering/2026-Q3/O1/KR1/index.html", "units/acme/FY2026/index.html",
                "guides/writing-okrs/index.html", "guides/checking-in/index.html", "guides/proposing-changes/index.html",
                "search/search_index.json", "assets/okrops/okrops.css"]:
        assert (built_site / rel).is_file(), rel


def test_unit_landing_page_lists_its_cycles_current_first(built_site):
    page = read(built_site, "units/engineering/index.html")
    links = re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert [href for href, _ in links] == ["2026-Q4/", "2026-Q3/"]
    assert "· current" in page
    assert not (built_site / "units" / "stealthops").exists()  # private units have no pages at all


def test_units_is_an_index_of_every_public_unit(built_site):
    page = read(built_site, "units/index.html")
    links = re.findall(r'<td class="okr-indent-(\d)"><a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert [(depth, href) for depth, href, _ in links] == [
        ("0", "acme/"), ("1", "engineering/"), ("2", "labs/"), ("2", "platform/"), ("1", "sales/")]
    assert all((built_site / "units" / href / "index.html").is_file() for _d, href, _n in links)
    assert "STEALTH" not in page and "skunkworks" not in page.lower()


def test_output_is_outside_site_sources(built_site):
    repo = _BUILT["repo"]
    assert not (repo / "site" / "public").exists()
    assert not any(p.name == "index.html" for p in (repo / "site").rglob("*"))
    generated = [p for p in (repo / "site" / "docs").rglob("*") if p.is_file()]
    assert all(p.parts[-2] == "guides" for p in generated), generated


def test_home_shows_cycle_score_units_and_attention(built_site):
    page = read(built_site, "index.html")
    assert "Q4 2026" in page and "week 8 of 14" in page
    assert "Organisation score" in page
    for name in ("Acme", "Engineering", "Sales"):
        assert f">{name}</a>" in page
    attention = page.split('id="attention"')[1].split('id="activity"')[0]
    assert "Robot-hour contracts signed" in attention  # confidence 0.2: off track
    assert "Off track" in attention
    assert "Stale key results" in page  # check-ins exist; most key results have none this cycle
    assert "Sam Checker" in page.split('id="activity"')[1]  # recent check-ins


def test_unit_page_shows_objectives_key_results_initiatives_kpis(built_site):
    page = read(built_site, "units/platform/2026-Q4/index.html")
    assert "API p95 latency falls from 480 to 250 ms" in page
    assert "aspirational" in page
    assert "Contributes to 2 parents:" in page and "The fleet dashboard answers customers" in page
    assert "Be reliable" in page and "(through its parent)" in page  # strategy inherited from the parent
    assert "480 → <strong>330</strong> → 250 ms" in page
    assert "2026-11-11" in page and "Sam Checker" in page  # last check-in and by whom
    assert "Cache the fleet API" in page and "Cache in production" in page and "late" in page
    assert 'href="https://issues.example.com/EPIC-1?a=1&amp;b=&quot;2"' in page
    assert 'href="javascript:' not in page
    assert "API uptime" in page and "okr-health--amber" in page
    initiatives = page.split('id="initiatives"')[1]
    assert "API p95 latency falls from 480 to 250 ms" in initiatives  # I1 moves it and a private key result,
    assert "(private)" not in initiatives  # which it does not list
    assert initiatives.count('class="okr-initiative"') == 1  # I2 moves only a private key result: private


def test_reflections_and_past_cycles(built_site):
    page = read(built_site, "units/engineering/2026-Q3/index.html")
    assert "carry-over" in page and "Pilots &lt;b&gt;love&lt;/b&gt; the map view." in page
    cycles = read(built_site, "cycles/index.html")
    assert "Q3 2026" in cycles and "past" in cycles and "running" in cycles


def test_alignment_tree_is_nested_and_linked(built_site):
    page = read(built_site, "alignment/index.html")
    acme = page.index('id="u-acme"')
    engineering = page.index('id="u-engineering"')
    platform = page.index('id="u-platform"')
    assert acme < engineering < platform
    assert page.count("<details") == page.count("</details>") >= 2
    assert page.count('class="okr-tree__unit"') == 5  # every public unit
    assert 'href="../units/platform/2026-Q4/"' in page
    assert 'href="../units/acme/FY2026/"' in page  # the company has OKRs for the year only


def test_strategy_lists_objectives_serving_each_strategy(built_site):
    page = read(built_site, "strategy/index.html")
    growth = page.split('id="s-growth"')[1].split("</section>")[0]
    assert "Customers rent robots without calling us" in growth
    assert "Close the first robot-hour contracts" in growth
    assert "Grow self-serve &lt;em&gt;fast&lt;/em&gt;" in page
    assert "Every warehouse runs itself" in page


def test_key_result_page_has_chart_and_checkin_notes(built_site):
    page = read(built_site, "units/platform/2026-Q4/O1/KR1/index.html")
    svg = re.search(r'<svg class="okr-chart".*?</svg>', page, re.S).group(0)
    points = re.search(r'<polyline class="okr-chart__line" points="([^"]+)"', svg).group(1).split()
    assert len(points) == 7  # baseline + six weekly check-ins
    assert 'class="okr-chart__target"' in svg and 'class="okr-chart__expected"' in svg
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "Cache in production" in page and "Second region done" in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "Cache the fleet API" in page  # initiatives that move it


def test_activity_feed_lists_public_checkins_newest_first(built_site):
    page = read(built_site, "activity/index.html")
    assert page.index("2026-11-11") < page.index("2026-10-07")
    assert "Cache prototype live" in page
    assert 'href="https://git.example.com/acme/okrs/commit/' in page


# -- privacy -------------------------------------------------------------------------------


def test_private_units_and_objectives_never_reach_the_output(built_site):
    leaks = []
    for path in built_site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for marker in PRIVATE_MARKERS:
                if marker.encode() in data or marker.lower().encode() in data.lower():
                    leaks.append((str(path.relative_to(built_site)), marker))
    assert not leaks
    labs = read(built_site, "units/labs/2026-Q4/index.html")
    assert "(private)" in labs  # its parent is a private objective


def test_search_index_has_public_key_results_only(built_site):
    index = json.loads(read(built_site, "search/search_index.json"))
    text = json.dumps(index)
    assert "API p95 latency falls from 480 to 250 ms" in text
    assert not any(marker in text for marker in PRIVATE_MARKERS)


# -- escaping ------------------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere(built_site):
    for path in html_files(built_site):
        page = path.read_text(encoding="utf-8")
        assert "<script>alert" not in page, path
        assert "onerror=" not in page.replace("onerror=&quot;", ""), path
        assert "<b>Labs</b>" not in page and "<u>html</u>" not in page and "<i>now</i>" not in page, path
        assert "<strong>bold</strong>" not in page and "<strong>loud</strong>" not in page, path
        assert '<a href="http://x"' not in page, path
        assert "49" not in re.sub(r"<[^>]+>", "", page).split("7*7")[0][-5:], path
    unit = read(built_site, "units/platform/2026-Q4/index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in unit
    assert "&#123;&#123; 7&#42;7 &#125;&#125;" in unit
    assert "&#123;&#37; raw &#37;&#125;" in unit
    assert "&#42;&#42;bold&#42;&#42;" in unit
    title = re.search(r"<title>(.*?)</title>", read(built_site, "units/labs/2026-Q4/index.html")).group(1)
    assert title.startswith("R&amp;D &lt;b&gt;Labs&lt;/b&gt;")


# -- links -------------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def broken_links(out: Path) -> list[tuple[str, str]]:
    broken = []
    for path in html_files(out):
        if path.name == "404.html":  # absolute links: served from the site root
            continue
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "data:")):
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((str(path.relative_to(out)), href))
    return broken


def test_no_broken_internal_links(built_site):
    assert broken_links(built_site) == []


# -- history, charts, views (no build) -------------------------------------------------------------


def chart_svg(chart, macro: str = "chart_block") -> str:
    """A chart drawn by its template partial, as on a page."""
    from okrops.site.render import Templates

    name = "partials/chart.html" if macro == "chart_block" else "partials/sparkline.html"
    return str(getattr(Templates().env.get_template(name).module, macro)(chart))


def test_history_chart_from_checkins():
    from okrops.record.history import CheckIn
    from okrops.site.charts import ChartSpec, Point, history_chart, sparkline

    checkins = [CheckIn("a/2026-Q4/O1/KR1", v, 0.7, "", "A", "a@x", datetime(2026, 10, d, tzinfo=timezone.utc), "abc")
                for d, v in ((7, 120.0), (14, 130.0), (21, 160.0))]
    spec = ChartSpec(date(2026, 10, 1), date(2026, 12, 31), 100.0, 200.0,
                     [Point(c.day, c.value) for c in checkins], today=date(2026, 11, 25), expected_share=0.7,
                     title="<b>x</b>")
    svg = chart_svg(history_chart(spec))
    assert svg.count("<circle") == 3
    assert "&lt;b&gt;x&lt;/b&gt;" in svg and "<b>" not in svg
    line = re.search(r'class="okr-chart__expected" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg)
    x1, y1, x2, y2 = map(float, line.groups())
    target_y = float(re.search(r'class="okr-chart__target" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"', svg).group(1))
    assert x1 < x2 and target_y < y2 < y1  # aspirational: ends at 70% of the way to the target
    assert "today" in svg
    assert chart_svg(sparkline(spec), "sparkline").count("<polyline") == 1


def test_public_view_drops_private_units_below_and_private_objectives(tmp_path):
    from okrops.repository import load
    from okrops.site.view import SiteView

    repo = write_repo(tmp_path / "repo")
    org = load(repo).organisation
    view = SiteView(org, date(2026, 11, 25), [])
    assert "stealthops" not in view.org.units and "skunkworks" not in view.org.units
    assert "stealthops" not in view.org.units["engineering"].children
    assert "platform/2026-Q4/O2" not in view.org.objectives
    assert "platform/2026-Q4/O1" in view.org.objectives
    assert view.stale(view.current) == []  # no history known: nothing is called stale
    # Roll-ups: engineering's own objective and the public ones below it, in Q4.
    eng = view.unit_cycle("engineering", "2026-Q4")
    scores = [view.objective_scores[r].score for r in ("engineering/2026-Q4/O1", "platform/2026-Q4/O1", "labs/2026-Q4/O1")]
    assert eng.rollup == round(sum(scores) / 3, 2)


def test_escape_helpers():
    from okrops.site.html import Linker, esc, safe_url

    assert esc("<a href='x'>{{ y }}</a> {% raw %}") == "&lt;a href=&#x27;x&#x27;&gt;&#123;&#123; y &#125;&#125;&lt;/a&gt; &#123;&#37; raw &#37;&#125;"
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.org/a?b=1&c=2") == "https://x.org/a?b=1&c=2"
    assert safe_url(" https://x.org/{{ 7*7 }} ") == "https://x.org/%7B%7B 7*7 %7D%7D"  # escaped where it is written
    assert Linker(True).rel("units/a/Q4", "units/b/Q4") == "../../b/Q4/"
    assert Linker(False).rel("units/a/Q4", "") == "../../../index.html"


# -- entry points ----------------------------------------------------------------------------------


def test_scaffold_files_match_the_repository_site_sources():
    from okrops.site import scaffold_files

    files = scaffold_files()
    assert {"site/mkdocs.yml", "site/overrides/main.html", "site/docs/guides/writing-okrs.md",
            "site/docs/guides/checking-in.md", "site/docs/guides/proposing-changes.md"} <= set(files)
    config = yaml.safe_load(files["site/mkdocs.yml"])
    assert config["site_dir"] == "../public" and config["docs_dir"] == "docs"
    assert "okrops" in config["plugins"] and "navigation.prune" in config["theme"]["features"]
    root = Path(__file__).resolve().parent.parent
    for rel, text in files.items():
        assert (root / rel).read_text(encoding="utf-8") == text, rel


def test_cli_build_without_site_sources_uses_the_defaults(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from okrops.cli.site import site

    repo = write_repo(tmp_path / "repo")
    for path in sorted((repo / "site").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (repo / "site").rmdir()
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(site, ["build", "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "units" / "platform" / "2026-Q4" / "index.html").is_file()
    assert not (repo / "site").exists()
    help_text = CliRunner().invoke(site, ["serve", "--help"]).output
    assert "--dev-addr" in help_text


def test_plain_mkdocs_build_of_the_example_organisation(tmp_path):
    """`mkdocs build -f site/mkdocs.yml --strict` from the repository root, on the example in okrs/."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "okrs" / "okrops.yaml").is_file():
        pytest.skip("no example organisation in okrs/")
    result = subprocess.run(
        ["python", "-m", "mkdocs", "build", "-q", "--strict", "-f", "site/mkdocs.yml", "-d", str(tmp_path / "out")],
        cwd=root, capture_output=True, text=True, env={**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    assert broken_links(tmp_path / "out") == []


def test_serve_rebuilds_when_okrs_change(tmp_path):
    """`okrops site serve`: the site is served and rebuilt when a file in okrs/ changes (live reload)."""
    import socket
    import sys
    import time
    import urllib.request

    repo = write_repo(tmp_path / "repo")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from okrops.cli.site import site; site(['serve', '--dev-addr', '127.0.0.1:{port}', '--repo', {str(repo)!r}])"
    env = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/units/sales/2026-Q4/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and process.poll() is None:
            if text in fetch():
                return True
            time.sleep(0.3)
        return False

    try:
        assert wait_for("Close the first robot-hour contracts"), process.stderr.read1().decode() if process.poll() is not None else ""
        path = repo / "okrs" / "acme" / "sales" / "2026-Q4.yaml"
        path.write_text(path.read_text().replace("Close the first robot-hour", "Close the first ten robot-hour"))
        assert wait_for("Close the first ten robot-hour contracts")
        assert not (repo / "site" / "public").exists() and not (repo / "public").exists()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_file_urls_keep_every_link_working(tmp_path):
    """use_directory_urls: false (sites opened from disk): generated links point at index.html files."""
    from okrops.site import build_site

    repo = write_repo(tmp_path / "repo")
    config = repo / "site" / "mkdocs.yml"
    config.write_text(config.read_text().replace("use_directory_urls: true", "use_directory_urls: false"))
    out = build_site(repo, tmp_path / "out", strict=True)
    page = (out / "units" / "platform" / "2026-Q4" / "index.html").read_text()
    assert 'href="O1/KR1/index.html"' in page
    assert broken_links(out) == []


def test_strict_build_fails_on_okr_errors(tmp_path):
    from mkdocs.exceptions import Abort

    from okrops.site import build_site

    repo = write_repo(tmp_path / "repo")
    path = repo / "okrs" / "acme" / "sales" / "2026-Q4.yaml"
    path.write_text(path.read_text().replace("strategies:\n", "parent: nowhere/2026-Q4/O9\n      strategies:\n", 1))
    with pytest.raises(Abort):
        build_site(repo, tmp_path / "out", strict=True)
    assert (build_site(repo, tmp_path / "out2") / "units" / "sales" / "2026-Q4" / "index.html").is_file()

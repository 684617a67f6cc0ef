"""The record on the site: moved goalposts, confidence, forecast and evidence on key result pages, the
practice health page; nothing private among them; in a real browser without console errors, axe clean."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from record_repo import COMMERCIAL, example_repo, git, merge_branch, okrops, replace
from test_site_browser import CHROMIUM

KR = "commercial/2026-Q4/O2/KR2"
KR_PAGE = "units/commercial/2026-Q4/O2/KR2/index.html"
CS = "okrs/kestrel/commercial/customer-success/2026-Q4.yaml"
FLEET = "okrs/kestrel/engineering/fleet-platform/2026-Q4.yaml"
RANGE_PAGE = "units/fleet-platform/2026-Q4/O3/KR1/index.html"
TODAY = "2026-10-28"
SECRET = "Quietly renegotiating the private contract"


def _commit(repo: Path, message: str, day: str, name: str = "Dev") -> None:
    path = repo / "delivery.txt"
    path.write_text((path.read_text() if path.exists() else "") + "x\n")
    git(repo, "add", "delivery.txt")
    git(repo, "commit", "-qm", message, name=name, day=day)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("site-record")
    repo = example_repo(base / "repo")
    done = okrops(repo, "checkin", KR, "53", "-c", "0.5", "--date", "2026-10-06", day="2026-10-06",
                  env={"OKROPS_TODAY": "2026-10-06"})
    assert done.returncode == 0, done.stderr
    merge_branch(repo, "lower-target", [(COMMERCIAL, "target: 70", "target: 65")], "Lower the go-live target",
                 author="Bob", merger="Mia", day="2026-10-09", subject="Merge pull request #12 from kestrel/lower-target")
    replace(repo, CS, "target: 52", "target: 50")  # a private objective's target
    git(repo, "commit", "-qam", "Move a private target", day="2026-10-10")
    merge_branch(repo, "tighten-latency", [(FLEET, "range: {min: 0, max: 250}", "range: {min: 0, max: 200}")],
                 "Tighten the latency range", author="Cy", merger="Mia", day="2026-10-11",
                 subject="Merge pull request #14 from kestrel/tighten-latency")
    for value, confidence, day in (("55", "0.6", "2026-10-13"), ("58", "0.7", "2026-10-20"),
                                   ("60", "0.65", "2026-10-27")):
        if day == "2026-10-27":  # both bounds of the range in one commit, straight on the main line
            replace(repo, FLEET, "range: {min: 0, max: 200}", "range: {min: 20, max: 180}")
            git(repo, "commit", "-qam", "Narrow the latency range", name="Dee", day="2026-10-22")
        done = okrops(repo, "checkin", KR, value, "-c", confidence, "--date", day, day=day, env={"OKROPS_TODAY": day})
        assert done.returncode == 0, done.stderr
    _commit(repo, f"Onboarding checklist <script>alert(1)</script>\n\nOkr-Evidence: {KR}", "2026-10-15", name="Ana")
    _commit(repo, f"{SECRET}\n\nOkr-Evidence: {KR}\nOkr-Evidence: customer-success/2026-Q4/O3/KR1", "2026-10-16")
    from okrops.site import build_site

    old = os.environ.get("OKROPS_TODAY")
    os.environ["OKROPS_TODAY"] = TODAY
    try:
        out = build_site(repo, base / "out", strict=True)
    finally:
        if old is None:
            os.environ.pop("OKROPS_TODAY", None)
        else:
            os.environ["OKROPS_TODAY"] = old
    return repo, Path(out)


def test_key_result_page_shows_the_moved_target_as_a_step_and_lists_the_change(site):
    _repo, out = site
    page = (out / KR_PAGE).read_text(encoding="utf-8")
    assert '<path class="okr-chart__target"' in page and 'class="okr-chart__change"' in page
    changes = page[page.index('id="target-changes"'):page.index('id="confidence"')]
    assert "2026-10-09" in changes and "target 70&#37; → <strong>65&#37;</strong>" in changes
    assert "by Bob" in changes and "merged by Mia" in changes and "#12" in changes


def test_a_range_key_results_band_steps_where_the_range_changed_and_says_so(site):
    _repo, out = site
    page = (out / RANGE_PAGE).read_text(encoding="utf-8")
    start = page.index('<svg class="okr-chart"')
    chart = page[start:page.index("</svg>", start)]
    assert '<rect class="okr-chart__band"' not in chart  # the flat band gave way to the steps
    path = re.search(r'<path class="okr-chart__band" d="([^"]+)"', chart).group(1)
    ops = re.findall(r"([MHVZ])([\d.]*)(?: ([\d.]+))?", path)
    assert [op for op, *_ in ops] == ["M", "H", "V", "H", "V", "H", "V", "H", "V", "H", "V", "H", "Z"], path

    def x(day: int) -> float:  # the SVG x of 2026-10-<day> (cycle 2026-10-01 to 2026-12-31, plot 56 to 636)
        return round(56 + 580 * (day - 1) / 91, 1)

    top_y = [float(ops[0][2]), float(ops[2][1]), float(ops[4][1])]  # max: 250, then 200, then 180
    bottom_y = [float(ops[10][1]), float(ops[8][1]), float(ops[6][1])]  # min: 0, then 0, then 20
    assert float(ops[0][1]) == x(1) and float(ops[1][1]) == x(11) and float(ops[3][1]) == x(22)
    assert float(ops[5][1]) == 636.0 and float(ops[7][1]) == x(22) and float(ops[9][1]) == x(11)
    assert float(ops[11][1]) == x(1)
    assert top_y[0] < top_y[1] < top_y[2] < bottom_y[2] < bottom_y[1] == bottom_y[0]  # SVG y grows downwards
    assert (top_y[0] - top_y[1]) / (top_y[1] - top_y[2]) == pytest.approx(50 / 20, rel=0.02)
    markers = re.findall(r'<rect class="okr-chart__change" x="([\d.]+)" y="([\d.]+)"', chart)
    assert [(float(a), float(b)) for a, b in markers] == [(x(11), top_y[1]), (x(22), top_y[2]), (x(22), top_y[2])]
    said = "the range moved from 0–250 to 0–200 ms on 2026-10-11, then from 0–200 to 20–180 ms on 2026-10-22"
    assert 'aria-label="' in chart and said in chart[:chart.index("<title>")] and said in chart[chart.index("<title>"):]
    assert "shaded: the range to keep (steps where it changed)" in page
    changes = page[page.index('id="target-changes"'):page.index('id="checkins"')]
    assert "range min 0 ms → <strong>20 ms</strong>" in changes
    assert "range max 250 ms → <strong>200 ms</strong>" in changes and "#14" in changes and "by Dee" in changes


def test_confidence_chart_and_a_labelled_forecast(site):
    _repo, out = site
    page = (out / KR_PAGE).read_text(encoding="utf-8")
    confidence = page[page.index('id="confidence"'):]
    assert confidence.count('class="okr-chart__point"') == 4 and "confidence (0 to 1)" in confidence
    assert 'class="okr-chart__forecast"' in page and "Forecast: about" in page and "not a promise" in page


def test_evidence_listed_escaped_and_nothing_private(site):
    _repo, out = site
    page = (out / KR_PAGE).read_text(encoding="utf-8")
    evidence = page[page.index('id="evidence"'):page.index('id="checkins"')]
    assert "Onboarding checklist &lt;script&gt;" in evidence and "<script>alert" not in page
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert SECRET not in text, path  # it also names a private key result
        assert "target 52" not in text  # the private objective's target change
    assert not (out / "units/commercial/customer-success/2026-Q4/O3").exists()


def test_health_page_in_the_navigation_with_trends(site):
    _repo, out = site
    page = (out / "health/index.html").read_text(encoding="utf-8")
    for heading in ('id="health-system"', 'id="health-behaviour"', 'id="health-outcome"', 'id="units"'):
        assert heading in page
    assert page.count('<svg class="okr-trend"') >= 3
    assert 'href="../health/"' in (out / "activity/index.html").read_text(encoding="utf-8")


# -- in a real browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site[1])))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["units/commercial/2026-Q4/O2/KR2/", "health/", "units/commercial/2026-Q4/"])
def test_new_pages_load_cleanly_and_are_accessible(browser, site_url, path, width):
    from test_site_browser import Watched, assert_layout_holds, serious_violations

    watched = Watched(browser, width=width)
    try:
        page = watched.goto(site_url + path)
        assert_layout_holds(page)
        if "KR2" in path:
            charts = page.locator("svg.okr-chart")
            assert charts.count() == 2 and charts.nth(1).bounding_box()["height"] > 40
            assert page.locator("svg.okr-chart rect.okr-chart__change").count() == 1
        serious = serious_violations(page)
        assert not serious, "\n".join(serious)
        assert watched.problems == [] and watched.dialogs == []
    finally:
        watched.close()


# -- the site as of a day, and past cycles from their tags ---------------------------------------------


def _build(repo: Path, out: Path, **options) -> Path:
    from okrops.site import build_site

    old = os.environ.get("OKROPS_TODAY")
    os.environ["OKROPS_TODAY"] = TODAY
    try:
        return Path(build_site(repo, out, strict=True, **options))
    finally:
        if old is None:
            os.environ.pop("OKROPS_TODAY", None)
        else:
            os.environ["OKROPS_TODAY"] = old


def test_site_as_of_a_day_before_the_target_moved(site, tmp_path):
    repo, _out = site
    out = _build(repo, tmp_path / "then", as_of="2026-10-07")
    page = (out / KR_PAGE).read_text(encoding="utf-8")
    assert 'id="target-changes"' not in page and "70&#37;" in page  # the target then, no change yet
    assert page.count('class="okr-chart__point"') == 2 + 1  # the baseline and one check-in; one confidence
    assert "Onboarding checklist" not in page  # evidence committed later


def test_a_tagged_past_cycle_shows_as_it_was_when_it_closed(tmp_path):
    repo = example_repo(tmp_path / "repo")
    git(repo, "tag", "-a", "-m", "unrelated", "v1")
    done = okrops(repo, "cycle", "close", "2026-Q4", "--tag")
    assert done.returncode == 2 and "have no reflection yet" in done.stderr
    done = okrops(repo, "cycle", "close", "2026-Q3", "--tag", day="2026-10-02")
    assert done.returncode == 0 and "tagged okrs/2026-Q3" in done.stdout, done.stderr
    assert git(repo, "cat-file", "-t", "okrs/2026-Q3").strip() == "tag"  # annotated
    assert "already marks HEAD" in okrops(repo, "cycle", "close", "2026-Q3", "--tag").stdout
    replace(repo, "okrs/kestrel/commercial/2026-Q3.yaml", "New customers choose robot-hours over buying robots",
            "Rewritten after the close")
    replace(repo, "okrs/kestrel/commercial/2026-Q3.yaml", "target: 65", "target: 60")  # goalposts moved afterwards
    git(repo, "commit", "-qam", "Edit the past", day="2026-10-20")
    moved = okrops(repo, "cycle", "close", "2026-Q3", "--tag")
    assert moved.returncode == 2 and "already marks commit" in moved.stderr
    out = _build(repo, tmp_path / "out")
    page = (out / "units/commercial/2026-Q3/index.html").read_text(encoding="utf-8")
    assert "New customers choose robot-hours over buying robots" in page and "Rewritten after the close" not in page
    kr_page = (out / "units/commercial/2026-Q3/O1/KR1/index.html").read_text(encoding="utf-8")
    assert 'id="target-changes"' not in kr_page  # the change made after the close is not part of the tagged cycle
    untagged = _build(repo, tmp_path / "untagged", as_of="2026-09-29")  # before the tag was made: today's files then
    assert "New customers choose" in (untagged / "units/commercial/2026-Q3/index.html").read_text(encoding="utf-8")


def test_a_range_moved_while_its_objective_was_private_is_not_drawn(tmp_path):
    repo = example_repo(tmp_path / "repo")
    replace(repo, FLEET, "  - id: O3\n", "  - id: O3\n    visibility: private\n")
    git(repo, "commit", "-qam", "Make O3 private", day="2026-10-05")
    replace(repo, FLEET, "range: {min: 0, max: 250}", "range: {min: 0, max: 240}")
    git(repo, "commit", "-qam", "Move the range in private", day="2026-10-06")
    replace(repo, FLEET, "    visibility: private\n", "")
    git(repo, "commit", "-qam", "O3 public again", day="2026-10-07")
    page = (_build(repo, tmp_path / "out") / RANGE_PAGE).read_text(encoding="utf-8")
    assert '<rect class="okr-chart__band"' in page and '<path class="okr-chart__band"' not in page
    assert "keep between 0 and 240 ms" in page and "range moved" not in page and "0–250" not in page
    assert 'id="target-changes"' not in page

"""The OKR site in a real browser: Playwright driving Debian's chromium, axe-core for accessibility.

Needs ``apt-get install chromium`` and ``pip install playwright axe-playwright-python``
(axe-core's axe.min.js ships inside that package; nothing is downloaded at test time).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from test_site import NASTY_KR, NASTY_NOTE, NASTY_OBJECTIVE, NASTY_UNIT, build_fixture_site

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def _axe_script() -> Path:
    try:
        import axe_playwright_python
    except ImportError:
        pytest.skip("axe-core is missing: pip install axe-playwright-python (it ships axe.min.js)")
    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    out = build_fixture_site(tmp_path_factory.mktemp("site-browser"))[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Watched:
    """A page that records console errors, page errors, failed requests and dialogs (alert() from injected script)."""

    def __init__(self, browser, width=1280, height=900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, url):
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def assert_layout_holds(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the window"


def test_home_unit_and_key_result_pages_load_cleanly(watched, site_url):
    page = watched.goto(site_url)
    assert page.locator("h1").first.inner_text() == "Acme OKRs"
    assert page.locator(".okr-card").count() >= 4
    assert_layout_holds(page)
    page.get_by_role("link", name="Engineering", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/units/engineering/2026-Q4/")
    page = watched.goto(site_url + "units/platform/2026-Q4/")
    page.get_by_role("link", name="API p95 latency falls from 480 to 250 ms").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/units/platform/2026-Q4/O1/KR1/")
    chart = page.locator("svg.okr-chart").first  # the history; the confidence chart follows
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 120
    assert chart.locator("circle.okr-chart__point").count() == 7
    assert chart.get_attribute("role") == "img" and "latency" in chart.get_attribute("aria-label")
    assert page.locator(".okr-spark").count() == 0  # sparklines are for tables
    assert watched.problems == [] and watched.dialogs == []


def test_alignment_tree_collapses_and_links(watched, site_url):
    page = watched.goto(site_url + "alignment/")
    engineering = page.locator("#u-engineering > details")
    platform_link = page.locator("#u-platform > .okr-tree__row a")
    assert page.locator("#u-acme > details").get_attribute("open") is not None
    assert engineering.get_attribute("open") is None
    assert not platform_link.is_visible()
    engineering.locator("> summary").click()
    assert engineering.get_attribute("open") is not None
    assert platform_link.is_visible()
    platform_link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/units/platform/2026-Q4/")
    assert page.locator("h1").first.inner_text().startswith("Platform")
    assert watched.problems == []


def test_user_text_shows_as_plain_text_and_no_script_runs(watched, site_url):
    page = watched.goto(site_url + "units/platform/2026-Q4/")
    heading = page.locator("section#o1 h2").inner_text()
    assert NASTY_OBJECTIVE in heading
    assert NASTY_KR in page.locator("table.okr-krs").first.inner_text()
    assert page.locator("section#o1 h2 strong, section#o1 h2 script, table.okr-krs img").count() == 0
    assert_layout_holds(page)
    page = watched.goto(site_url + "units/platform/2026-Q4/O1/KR1/")
    assert NASTY_NOTE in page.locator("table.okr-table").inner_text()
    page = watched.goto(site_url + "units/labs/2026-Q4/")
    assert page.locator("h1").first.inner_text().startswith(NASTY_UNIT)
    assert page.title().startswith(NASTY_UNIT)
    assert "(private)" in page.locator("section#o1").inner_text()
    assert watched.dialogs == [] and watched.problems == []


def test_search_finds_a_key_result(watched, site_url):
    page = watched.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("latency", delay=30)
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=10000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()]
    assert any("units/platform/2026-Q4" in (h or "") for h in hrefs), hrefs
    page.locator("input.md-search__input").fill("")
    page.locator("input.md-search__input").press_sequentially("prototype", delay=30)  # the nasty unit name
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    page.wait_for_timeout(300)
    assert "<b>Labs</b>" in page.locator(".md-search-result").inner_text()
    assert page.locator(".md-search-result script, .md-search-result img, .md-search-result b").count() == 0
    assert watched.dialogs == [] and watched.problems == []


def test_every_internal_link_of_the_main_pages_answers(watched, site_url):
    seen: set[str] = set()
    for path in ("", "alignment/", "units/platform/2026-Q4/", "units/platform/2026-Q4/O1/KR1/", "strategy/"):
        page = watched.goto(site_url + path)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            url = href.split("#")[0]
            if not url.startswith(site_url) or url in seen:
                continue
            seen.add(url)
            assert page.request.get(url).status == 200, f"{path}: {href}"
    assert len(seen) > 15


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["", "units/platform/2026-Q4/", "units/platform/2026-Q4/O1/KR1/", "alignment/",
                                  "strategy/", "activity/", "health/"])
def test_no_serious_accessibility_violations(watched, site_url, path):
    serious = serious_violations(watched.goto(site_url + path))
    assert not serious, "\n".join(serious)


# Every visible element whose right edge is past the window, and every element that scrolls sideways.
WIDER_THAN_THE_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1) found.push(`${name(el)} reaches ${Math.round(box.right)}px`);
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1)
      found.push(`${name(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
  }
  return found;
}"""

PHONE_PAGES = ["", "units/platform/2026-Q4/", "units/platform/2026-Q4/O1/KR1/", "units/engineering/", "alignment/",
               "strategy/", "activity/", "cycles/", "cycles/2026-Q4/"]


@pytest.fixture(scope="module")
def phone(browser):
    w = Watched(browser, width=390, height=844)
    yield w
    w.close()


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_on_a_phone_no_element_is_wider_than_the_window(phone, site_url, path):
    page = phone.goto(site_url + path)
    assert_layout_holds(page)
    assert page.evaluate(WIDER_THAN_THE_WINDOW) == []
    assert phone.problems == []


def test_on_a_phone_a_key_result_is_a_card_of_stacked_labelled_parts(phone, site_url):
    for path in ("units/platform/2026-Q4/", ""):  # a unit's key results; those needing attention on the home page
        page = phone.goto(site_url + path)
        row = page.locator("table.okr-krs tbody tr").first
        cells = row.locator("td")
        parts = {"title": cells.nth(0), "numbers": cells.nth(1), "progress": cells.nth(2),
                 "confidence": cells.nth(4), "status": cells.nth(5), "last check-in": cells.nth(6)}
        boxes = {name: cell.bounding_box() for name, cell in parts.items()}
        assert all(box is not None and box["width"] > 0 for box in boxes.values()), boxes
        tops = [box["y"] for box in boxes.values()]
        assert tops == sorted(tops) and len(set(round(t) for t in tops)) == len(tops), boxes  # stacked, in this order
        for name, box in boxes.items():
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        labels = [cell.evaluate("el => getComputedStyle(el, '::before').content") for cell in parts.values()]
        assert labels == ["none", '"Baseline → current → target"', '"Progress"', '"Confidence"', '"Status"',
                          '"Last check-in"']
        assert page.locator("table.okr-krs thead").first.is_hidden()
        assert row.locator(".okr-bar").first.is_visible()


@pytest.mark.parametrize("path", ["", "units/platform/2026-Q4/", "units/platform/2026-Q4/O1/KR1/"])
def test_no_serious_accessibility_violations_on_a_phone(phone, site_url, path):
    serious = serious_violations(phone.goto(site_url + path))
    assert not serious, "\n".join(serious)


def test_on_a_wide_screen_key_results_stay_a_table(watched, site_url):
    page = watched.goto(site_url + "units/platform/2026-Q4/")
    row = page.locator("table.okr-krs tbody tr").first
    tops = {round(row.locator("td").nth(i).bounding_box()["y"]) for i in (0, 1, 2, 4, 5, 6)}
    assert len(tops) == 1  # one row
    assert page.locator("table.okr-krs thead").first.is_visible()

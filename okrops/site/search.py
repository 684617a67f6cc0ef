"""Search that scales: Pagefind's sharded static index instead of Material's one big index.

Material's search downloads its whole index (about 1.1 KB a page: 46 MB at
1,000 units) on the first query. Pagefind (``pip install 'pagefind[bin]'``: a
binary inside the wheel) indexes the built pages after the build and splits the
index into shards and fragments, so the browser fetches only what a query needs.

With the plugin option ``search: pagefind``, okrops takes Material's search
plugin out of the build (no ``search_index.json``, no Material search box), runs
Pagefind over the output folder after the build, and mounts Pagefind's search
box in the header (``assets/okrops/search.js``). Without the binary the build
keeps Material's search and warns. Pagefind indexes the pages as written, so it
indexes exactly what the site shows: private OKRs never reach a page, hence
never the index. Charts, breadcrumbs and sparklines (``data-search-exclude``)
are left out of it as they are out of Material's, and so are the labels and live
figures every page repeats (``EXCLUDED_FROM_PAGEFIND``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from mkdocs.exceptions import PluginError

PAGEFIND = "pagefind"
MATERIAL = "material"
CHOICES = (MATERIAL, PAGEFIND)
SCRIPT_PATH = "assets/okrops/search.js"
BUNDLE = "pagefind"  # the folder Pagefind writes its index and UI to, in the output folder
MATERIAL_SEARCH = ("material/search", "search")
# Pagefind's modular UI (22 KB with its stylesheet), not its default UI (134 KB): every first query
# fetches it, and at 1,000 units the default UI alone was a quarter of what that query fetched.
UI = "pagefind-modular-ui"
ROOT_SELECTOR = "article"  # the page's content in Material (not the header, navigation or footer)
# Left out of the index: what Material's search leaves out too (charts, breadcrumbs, sparklines,
# heading anchors), and, for Pagefind only, the labels and live figures every OKR page repeats
# (card labels and values, progress bars, the numbers and last check-in columns, table headers,
# "Metric:"-style labels, "Check in" links). Each such word was in the posting list of nearly
# every page, which a query for it (or a prefix of it, as "7" is of "75%") had to download; the
# titles, references, units, metric names, data sources, initiatives and check-in notes stay.
EXCLUDED_EVERYWHERE = ("[data-search-exclude]", ".headerlink")
EXCLUDED_FROM_PAGEFIND = (".okr-card__label", ".okr-card__value", ".okr-bar", "td.okr-num", "td.okr-last",
                          "thead", ".okr-meta strong", ".okr-checkin-link")
EXCLUDED = ", ".join(EXCLUDED_EVERYWHERE + EXCLUDED_FROM_PAGEFIND)


def pagefind_executable() -> Optional[str]:
    """The Pagefind binary: ``OKROPS_PAGEFIND``, else the one of the ``pagefind-bin`` wheel, else on PATH."""
    chosen = os.environ.get("OKROPS_PAGEFIND")
    if chosen is not None:
        return chosen if chosen and os.access(chosen, os.X_OK) else None
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError, OSError):
        return shutil.which("pagefind")


def choose(wanted: str, config, log: logging.Logger) -> Optional[str]:
    """The Pagefind binary when ``wanted`` is pagefind and it can be used (Material's search then taken out)."""
    if wanted != PAGEFIND:
        return None
    executable = pagefind_executable()
    if executable is None:
        log.warning("okrops: search: pagefind is set but Pagefind is not installed (pip install 'pagefind[bin]'); "
                    "the site uses Material's search, which downloads its whole index on the first query")
        return None
    _without_material_search(config)
    config.extra_javascript.append(f"{BUNDLE}/{UI}.js")
    config.extra_javascript.append(SCRIPT_PATH)
    config.extra_css.append(f"{BUNDLE}/{UI}.css")
    return executable


def _without_material_search(config) -> None:
    """Take Material's search plugin out: its index is not written and its search box not shown."""
    plugins = config.plugins
    for name in MATERIAL_SEARCH:
        plugin = plugins.get(name)
        if plugin is None:
            continue
        dict.pop(plugins, name)
        for methods in plugins.events.values():  # the plugin's event handlers, registered when it was added
            methods[:] = [method for method in methods if getattr(method, "__self__", None) is not plugin]


def index(executable: str, site_dir: str, log: logging.Logger) -> None:
    """Run Pagefind over the built site; a failure fails the build (a site without its search is broken)."""
    command = _command(executable, site_dir)
    from okrops import progress

    work = progress.current()  # Pagefind tells nothing of how far it is: a terminal shows the time it takes
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    except OSError as error:
        raise PluginError(f"okrops: could not run Pagefind ({executable}): {error.strerror}") from None
    while True:
        try:
            stdout, stderr = process.communicate(timeout=0.25)
            break
        except subprocess.TimeoutExpired:
            work.advance(0)
    if process.returncode != 0:
        raise PluginError(f"okrops: Pagefind could not index the site: {(stderr or stdout).strip()[-800:]}")
    log.info("okrops: search index written by Pagefind to %s", Path(site_dir) / BUNDLE)


def _command(executable: str, site_dir: str, output: Optional[str] = None) -> list[str]:
    where = ["--output-path", output] if output else ["--output-subdir", BUNDLE]
    return [executable, "--site", site_dir, *where, "--root-selector", ROOT_SELECTOR, "--exclude-selectors", EXCLUDED,
            "--quiet"]


class BackgroundIndex:
    """Pagefind over the output folder while serving, after the rebuilt pages are served.

    Pagefind cannot update an index: it reads every page again (over a minute at 1,000 units), and
    the live reload server holds a page request while a build runs. So after a rebuild of ``okrops
    site serve`` (not after the first build), the index is written by a Pagefind process of its own
    while the reloaded page is already served; a build that starts meanwhile stops that process
    first (and starts it again when it is done), so the index always ends up made from the last
    build's pages. Until then, search answers from the index before the change. Pagefind writes into a
    hidden folder beside the bundle, which then takes the bundle's place, so the browser never reads a
    half-written index and no file of the earlier index is left behind: the bundle is the one a full
    build writes.
    """

    NEXT, OLD = ".okrops-pagefind-next", ".okrops-pagefind-old"

    def __init__(self) -> None:
        self.process: Optional[subprocess.Popen] = None
        self.thread = None

    def start(self, executable: str, site_dir: str, log: logging.Logger, then=None) -> None:
        """Index ``site_dir`` in the background; ``then()`` once the new index is in place."""
        import threading

        self.stop()
        site = Path(site_dir)
        for stale in (site / self.NEXT, site / self.OLD):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            process = subprocess.Popen(_command(executable, site_dir, str(site / self.NEXT)), stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, errors="replace")
        except OSError as error:
            log.warning("okrops: could not run Pagefind (%s): %s; search answers from the earlier index",
                        executable, error.strerror)
            return

        def wait() -> None:
            stdout, stderr = process.communicate()
            if process.returncode == 0:
                self._swap(site)
                if then is not None:
                    then()
                log.info("okrops: search index brought up to date by Pagefind")
            elif process.returncode > 0:  # < 0: stopped for a newer build
                log.warning("okrops: Pagefind could not index the site: %s", (stderr or stdout).strip()[-800:])

        self.process, self.thread = process, threading.Thread(target=wait, name="okrops-pagefind", daemon=True)
        self.thread.start()

    def _swap(self, site: Path) -> None:
        """The new bundle in the place of the old one."""
        bundle, old = site / BUNDLE, site / self.OLD
        if bundle.exists():
            os.rename(bundle, old)
        os.rename(site / self.NEXT, bundle)
        shutil.rmtree(old, ignore_errors=True)

    def stop(self) -> None:
        """Stop the running indexing, if any (a build is about to change the pages)."""
        process, thread = self.process, self.thread
        self.process = self.thread = None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
        if thread is not None:
            thread.join(timeout=30)
        if process.poll() is None:
            process.kill()
            process.wait()

    def wait(self, timeout: Optional[float] = None) -> None:
        """Until the running indexing is done (tests, benchmarks)."""
        if self.thread is not None:
            self.thread.join(timeout)


MOUNT_SCRIPT = """// okrops: Pagefind's search box in the header, where Material's search box is (Pagefind's modular UI).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof PagefindModularUI === "undefined") { return; }
  var header = document.querySelector(".md-header__inner");
  if (!header) { return; }
  var box = document.createElement("div");
  box.className = "okr-search";
  box.setAttribute("role", "search");
  box.setAttribute("aria-label", "Search the OKRs");
  box.innerHTML = '<input id="okr-search-input" class="okr-search__input" type="search" autocomplete="off" ' +
    'placeholder="Search OKRs" aria-label="Search OKRs" aria-controls="okr-search-drawer">' +
    '<div id="okr-search-drawer" class="okr-search__drawer" hidden>' +
    '<p id="okr-search-summary" class="okr-search__summary" aria-live="polite"></p>' +
    '<ol id="okr-search-results" class="okr-search__results"></ol></div>';
  header.insertBefore(box, header.querySelector(".md-header__source"));
  var drawer = box.querySelector("#okr-search-drawer");
  var input = box.querySelector("#okr-search-input");
  var search = new PagefindModularUI.Instance();
  search.add(new PagefindModularUI.Input({ inputElement: "#okr-search-input" }));
  search.add(new PagefindModularUI.Summary({ containerElement: "#okr-search-summary" }));
  search.add(new PagefindModularUI.ResultList({  // a result's fragment is fetched when its row comes into view
    containerElement: "#okr-search-results", showImages: false,
    placeholderTemplate: function () { return '<li class="okr-search__pending" aria-hidden="true"></li>'; } }));
  search.on("search", function (term) { drawer.hidden = !term; });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; search.triggerSearch(""); drawer.hidden = true; }
  });
});
"""

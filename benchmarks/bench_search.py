"""Benchmark: the first search query in headless Chromium, Material's search against Pagefind.

On a synthetic organisation of generate_org.py (default 1,000 units), the site is
built twice from the same files: with Material's search (the default) and with
the plugin option ``search: pagefind``. Each is served by a local server that
counts the bytes it sends, once plain and once gzip-encoded as static hosts
(GitHub Pages, GitLab Pages, Netlify) send text; headless Chromium (Debian's
chromium through Playwright) opens the home page in a fresh context (nothing
cached), types a query into the search box and waits for the first result.
Reported per variant (medians of ``--runs``):

* bytes each search fetched for itself, from opening the page to the first result:
  Material's ``search/search_index.json`` and its worker; Pagefind's runtime,
  WebAssembly, worker, UI, page list, index shards and fragments (and okrops'
  ``search.js``), with the largest files of the first run;
* all bytes fetched, for scale;
* time from the first keystroke to the first result shown, and from opening the page;
* the build's wall time and the size of the search files on disk.

    python benchmarks/bench_search.py [--units 1000] [--runs 3] [--query "metric 7"]
        [--org DIR] [--search material|pagefind|both] [--build-only | --no-build] [--json FILE]

``--org`` copies an existing organisation (e.g. one made by generate_org.py) into
the work folder (it is never built in place). ``--build-only`` and ``--no-build``
split the minutes-long builds from the browser measurement, so a site built once
can be measured again.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TODAY = "2026-11-25"


def build(repo: Path, out: Path, search: str) -> float:
    from okrops.site import scaffold_files

    for rel, text in scaffold_files().items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith("mkdocs.yml"):
            text = text.replace("  - okrops\n", f"  - okrops:\n      search: {search}\n      history: false\n")
        path.write_text(text, encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--out", str(out), "--repo", str(repo)],
                   check=True, env=dict(os.environ, OKROPS_TODAY=TODAY), stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


SEARCH_FILES = {  # what each search fetches for itself: its code and its index
    "material": ("/search/", "/workers/search."),
    "pagefind": ("/pagefind/", "/assets/okrops/search.js"),
}
COMPRESSED = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt"}  # what static hosts send gzip-encoded


class Counting(http.server.SimpleHTTPRequestHandler):
    """A static server that counts the bytes it sends per path; with ``gzip``, text goes gzip-encoded
    when the browser accepts it, as GitHub Pages, GitLab Pages and Netlify send it (Pagefind's own
    index files are gzip inside already and go as they are)."""

    sent: list = []  # (path, bytes of the body sent), shared by the server's handlers
    gzip = False
    packed: dict = {}

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        import gzip
        import mimetypes
        from urllib.parse import unquote, urlsplit

        route = unquote(urlsplit(self.path).path)
        target = Path(self.directory) / route.lstrip("/")
        if target.is_dir():
            if not route.endswith("/"):
                self.send_response(301)
                self.send_header("Location", route + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        encoded = self.gzip and target.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "")
        if encoded:
            key = str(target)
            if key not in self.packed:
                self.packed[key] = gzip.compress(body, 6)
            body = self.packed[key]
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        if encoded:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)
        self.sent.append((route, len(body)))


def serve(folder: Path, gzip: bool):
    handler = type("Handler", (Counting,), {"sent": [], "gzip": gzip, "packed": {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


def first_query(browser, url: str, search: str, query: str, sent: list) -> dict:
    """One first query in a fresh browser context: bytes the server sent, times, results shown."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sent.clear()
    opened = time.perf_counter()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if search == "pagefind":
        box = page.locator("header .okr-search input")
        result = page.locator(".okr-search .pagefind-modular-list-link, .okr-search .pagefind-ui__result-link")
    else:
        page.locator("label.md-search__icon, .md-search__input").first.click()
        box = page.locator("input.md-search__input")
        result = page.locator(".md-search-result__item a")
    box.wait_for(timeout=60000)
    began = time.perf_counter()
    box.press_sequentially(query, delay=20)
    result.first.wait_for(timeout=600000)
    took = time.perf_counter() - began
    since_open = time.perf_counter() - opened
    shown = result.count()
    page.wait_for_load_state("networkidle")
    context.close()
    search_bytes = sum(size for route, size in sent if any(m in route for m in SEARCH_FILES[search]))
    return {"search_bytes": search_bytes, "all_bytes": sum(size for _route, size in sent),
            "first_result_s": took, "since_open_s": since_open, "results_shown": shown,
            "search_files": sorted(((size, route) for route, size in sent
                                    if any(m in route for m in SEARCH_FILES[search])), reverse=True)[:12]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", default="metric 7")
    parser.add_argument("--work", type=Path, default=HERE / "out" / "search")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--org", type=Path, default=None, help="copy this organisation instead of generating one")
    parser.add_argument("--search", choices=("material", "pagefind", "both"), default="both")
    parser.add_argument("--build-only", action="store_true", help="build the sites, measure nothing")
    parser.add_argument("--no-build", action="store_true", help="measure the sites built before")
    args = parser.parse_args(argv)
    from generate_org import generate

    repo = args.work / f"org-{args.units}"
    if not (repo / "okrs" / "okrops.yaml").is_file():
        if args.org is not None:
            shutil.copytree(args.org, repo, symlinks=True)
        else:
            generate(str(repo), units=args.units)
    variants = ("material", "pagefind") if args.search == "both" else (args.search,)
    results: dict = {}
    for search in variants:
        out = args.work / f"site-{args.units}-{search}"
        timing = out.parent / f"{out.name}.build-seconds"
        if not args.no_build:
            timing.write_text(f"{build(repo, out, search):.1f}\n")
        if args.build_only:
            continue
        seconds = float(timing.read_text()) if timing.is_file() else float("nan")
        folder = out / ("pagefind" if search == "pagefind" else "search")
        on_disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        pages = sum(1 for _ in out.rglob("index.html"))
        from playwright.sync_api import sync_playwright

        results[search] = {"build_s": round(seconds, 1), "pages": pages, "search_files_bytes": on_disk}
        for gzip in (False, True):
            server, handler = serve(out, gzip)
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    url = f"http://127.0.0.1:{server.server_address[1]}/"
                    runs = [first_query(browser, url, search, args.query, handler.sent) for _ in range(args.runs)]
                    browser.close()
            finally:
                server.shutdown()
                server.server_close()
            results[search]["gzip" if gzip else "plain"] = {
                key: statistics.median(r[key] for r in runs)
                for key in ("search_bytes", "all_bytes", "first_result_s", "since_open_s")
            } | {"results_shown": runs[0]["results_shown"], "search_files": runs[0]["search_files"]}
    if args.build_only:
        return 0
    print(f"first search query ({args.query!r}) on {args.units:,} units, headless Chromium, median of {args.runs}")
    print("| search | pages | build | search files on disk | served | search bytes fetched (code + index) "
          "| all bytes fetched | first result after typing | after opening the page | results |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for search, r in results.items():
        for how in ("plain", "gzip"):
            m = r[how]
            print(f"| {search} | {r['pages']:,} | {r['build_s']} s | {r['search_files_bytes'] / 1e6:.1f} MB | {how} | "
                  f"{m['search_bytes'] / 1e3:,.0f} KB | {m['all_bytes'] / 1e3:,.0f} KB | {m['first_result_s']:.2f} s | "
                  f"{m['since_open_s']:.2f} s | {m['results_shown']} |")
    for search, r in results.items():
        print(f"{search}, largest search files of the first query (plain):",
              ", ".join(f"{route.rsplit('/', 1)[-1]} {size / 1e3:,.0f} KB" for size, route in r["plain"]["search_files"][:8]))
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

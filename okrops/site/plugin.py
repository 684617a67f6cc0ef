"""The okrops MkDocs plugin: generates the OKR pages in memory from okrs/ and git history.

Registered as the ``okrops`` entry point in ``mkdocs.plugins``, so a plain
``mkdocs build`` or ``mkdocs serve`` (with live reload of okrs/) works as well
as ``okrops site build``::

    plugins:
      - search
      - okrops:
          repo: ..          # the OKR repository; default: the folder above mkdocs.yml
          today: 2026-11-25 # evaluate as of this date; default: OKROPS_TODAY or today
          history: true     # read check-in history from git
          partial: false    # true: build even when some OKR files cannot be read (they stay out)
          search: material  # pagefind: a sharded index that loads only what a query needs (okrops.site.search)

Nothing is written into the docs folder: pages are added with ``File.generated``.

``okrops site serve`` and ``mkdocs serve --dirty`` make again, after a change, the Markdown of
the organisation-wide pages and of the pages of the units the change can affect only
(:mod:`okrops.site.affected`), and render only the pages whose Markdown differs from the previous
build's (:mod:`okrops.site.incremental`); the output is the same as a full build's. A plain ``mkdocs serve`` renders every page on every change.

Privacy fails closed: a unit or cycle file whose visibility cannot be read for certain (a
schema or YAML error, a missing or misspelt unit.yaml, a refused name or link) is left out
with everything below it, and then the build fails, naming each file and line, unless
``partial: true`` (``okrops site build --partial``) asks for a site without those parts.
The output folder is checked before anything is deleted (see :mod:`okrops.site.output`).
"""

from __future__ import annotations

import html
import logging
from importlib import resources
from pathlib import Path
from typing import Optional

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

log = logging.getLogger("mkdocs.plugins.okrops")

CSS_PATH = "assets/okrops/okrops.css"
TOP_PAGES = [
    ("Home", "index.md"),
    ("Strategy", "strategy/index.md"),
    ("Alignment", "alignment/index.md"),
    ("This week", "week/index.md"),
    ("Activity", "activity/index.md"),
    ("Health", "health/index.md"),
    ("Cycles", "cycles/index.md"),
]
TOP_SOURCES = {path for _title, path in TOP_PAGES}
MAX_REPORTED_ERRORS = 20


class OkropsPluginConfig(base.Config):
    repo = c.Optional(c.Type(str))
    today = c.Optional(c.Type(str))
    history = c.Type(bool, default=True)
    partial = c.Type(bool, default=False)
    search = c.Choice(("material", "pagefind"), default="material")
    as_of = c.Optional(c.Type(str))  # a date or a ref: the organisation as it stood then (okrops.record.snapshot)
    tags = c.Type(bool, default=True)  # past cycles from their okrs/<cycle> tags when present
    weeks = c.Type(int, default=8)  # the weekly digest pages: this week and the weeks before it (0: none)


class OkropsPlugin(BasePlugin[OkropsPluginConfig]):
    def __init__(self) -> None:
        self.site = None
        self._files = None
        self.okrs_dir: Optional[Path] = None
        self.nav_from_plugin = False
        self.generated: set[str] = set()
        self.unmade: set[str] = set()  # generated pages whose Markdown this build did not make (unchanged)
        self._templates = None  # while serving: (their files' digest, okrops.site.render.Templates) of the last build
        self.pagefind: Optional[str] = None  # the Pagefind binary when it writes the search index
        self.incremental = None  # okrops.site.incremental.Incremental while serving with dirty builds
        self.memo = None  # okrops.site.memo.Memo while serving with dirty builds: pages and charts by their inputs
        self.roots: list[Path] = []  # this repository and the included ones: serve watches their new commits
        self.server = None  # the live reload server while serving
        self.watched: set[str] = set()
        self.indexing = None  # okrops.site.search.BackgroundIndex while serving with Pagefind
        self.raw_html = False  # generated pages skip Python-Markdown (okrops.site.rawpage): the same HTML

    # -- serving ----------------------------------------------------------------------
    # Having on_startup keeps this plugin object across the builds of one ``mkdocs serve``.
    def on_startup(self, *, command, dirty) -> None:
        from okrops.site.incremental import Incremental, quiet_dirty_warning

        from okrops.site.memo import Memo

        self.incremental = self.memo = self._templates = None
        if command == "serve" and dirty:
            self.incremental = Incremental()
            self.memo = Memo()
            quiet_dirty_warning()
        elif command == "serve":
            log.info("okrops: every change renders every page again; 'okrops site serve' (or "
                     "'mkdocs serve --dirty') renders only the pages a change affects")

    def on_shutdown(self) -> None:
        if self.indexing is not None:
            self.indexing.stop()
            self.indexing = None
        self.incremental = self.memo = self.server = self._templates = None
        self.watched = set()

    # -- configuration ------------------------------------------------------------
    def repo_path(self, config) -> Path:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        if self.config.repo:
            return (base_dir / self.config.repo).resolve()
        return base_dir.parent

    def on_config(self, config):
        import time

        from okrops import clock
        from okrops.errors import OkropsError
        from okrops.site.html import Linker
        from okrops.site.pages import Site
        from okrops.site.render import Templates
        from okrops.site.view import SiteView

        from okrops.repository import find_okrs_dir

        if self.incremental is not None:
            self.incremental.started = time.perf_counter()
        if self.indexing is not None:
            self.indexing.stop()  # this build changes the pages Pagefind would read
        try:
            root, okrs_dir = find_okrs_dir(self.repo_path(config))
            self.check_output(config, root, okrs_dir)
            if self.config.as_of:
                org, today = self.load_as_of(root, okrs_dir)
            else:
                org, today = self.load(root).organisation, clock.today(self.config.today)
            history = self.checkins(org)
            if self.config.tags:
                from okrops.site.pastcycles import from_tags

                org, history = from_tags(org, today, history, log.info)
        except OkropsError as error:
            raise PluginError(f"okrops: {error.message}") from None
        self.okrs_dir = Path(okrs_dir)
        view = SiteView(org, today, history, *self.collected(org))
        site_settings = org.config.site
        templates = self.templates(Templates(config.theme.custom_dir))  # an organisation's site/overrides/okrops/ first
        self.site = Site(view, Linker(config.use_directory_urls), site_settings.get("repo_url", ""), templates)
        if self.memo is not None:
            self.memo.start(self._templates[0])
            self.site.memo = self.memo
        self.site.weeks = self.config.weeks if self.config.history else 0
        # Header text comes from okrs/okrops.yaml; the theme inserts it unescaped, so escape it here.
        config.site_name = html.escape(site_settings.get("title") or f"{org.config.organisation} OKRs")
        if site_settings.get("description") and not config.site_description:
            config.site_description = html.escape(site_settings["description"])
        config.extra_css.append(CSS_PATH)
        self.nav_from_plugin = config.nav is None
        from okrops.site import rawpage

        self.raw_html = rawpage.applies(config, templates.overrides)
        from okrops.site import search

        self.pagefind = search.choose(self.config.search, config, log)
        self.roots = [Path(org.root)] + [Path(folder) for folder in org.included]
        if self.server is not None:  # an include added while serving is watched from now on
            self.watch_inputs()
        return config

    def templates(self, templates):
        """``templates``, or while serving the previous build's (compiled already) when their files are the same."""
        if self.memo is None:
            return templates
        key = templates.fingerprint()
        if self._templates is None or self._templates[0] != key or self._templates[1].overrides != templates.overrides:
            self._templates = (key, templates)
        return self._templates[1]

    def load_as_of(self, root: Path, okrs_dir: Path):
        """The organisation as it stood at ``as_of``, and the day to show it on."""
        from okrops import clock
        from okrops.record import snapshot

        with snapshot.validated(str(okrs_dir), self.config.as_of) as (result, then):
            org = self.checked(result).organisation
            org.root, org.okrs_dir = str(root), str(okrs_dir)  # the copy is gone after this block
        log.info("okrops: building the site %s", then.label)
        return org, clock.today(self.config.today) if self.config.today else then.day

    def load(self, repo: Path):
        """Validate the repository; refuse to build when parts of it cannot be read, unless partial."""
        from okrops.validate import validate

        return self.checked(validate(repo))

    def checked(self, result):
        """``result`` when the site may be built from it; refuse when parts cannot be read, unless partial."""
        from okrops.findings import Severity
        from okrops.site.view import explain_withheld, withheld

        org = result.organisation
        if org is None:
            raise PluginError("okrops: the OKR repository could not be loaded: "
                              + "; ".join(f"{f.file}:{f.line}: {f.message}" for f in result.findings[:3]))
        parts = withheld(org)
        explained = explain_withheld(parts, result.findings)
        if parts and not self.config.partial:
            shown = "\n  ".join(explained[:MAX_REPORTED_ERRORS])
            more = f"\n  ... and {len(parts) - MAX_REPORTED_ERRORS} more" if len(parts) > MAX_REPORTED_ERRORS else ""
            raise PluginError(
                "okrops: the site is not built: these OKR files cannot be read, so nobody can tell whether what "
                f"they hold is public:\n  {shown}{more}\nFix them (run 'okrops validate'), or build the site "
                "without them: 'okrops site build --partial' (plugin option partial: true).")
        for line in explained:
            log.warning("okrops: %s", line)
        withheld_files = {p.path for p in parts}
        errors = [f for f in result.findings if f.severity == Severity.ERROR and f.file not in withheld_files]
        for finding in errors[:MAX_REPORTED_ERRORS]:
            log.warning("okrops: %s:%s: %s", finding.file, finding.line, finding.message)
        if len(errors) > MAX_REPORTED_ERRORS:
            log.warning("okrops: %d more errors; run 'okrops validate'", len(errors) - MAX_REPORTED_ERRORS)
        return result

    @staticmethod
    def check_output(config, repo: Path, okrs_dir: Path) -> None:
        """Refuse an output folder that holds anything of the user's, before MkDocs empties it."""
        from okrops.site.output import check_output_dir

        sources = [Path(config.docs_dir)]
        if config.config_file_path:
            sources += [Path(config.config_file_path), Path(config.config_file_path).parent]
        custom_dir = config.theme.custom_dir if config.theme is not None else None
        if custom_dir:
            sources.append(Path(custom_dir))
        check_output_dir(config.site_dir, repo, okrs_dir, sources)

    def collected(self, org) -> tuple[dict, dict]:
        """KPI check-ins (verified) and the provenance of collected values, from git; empty without history."""
        if not self.config.history:
            return {}, {}
        from okrops.collect import provenance
        from okrops.record import kpihistory
        from okrops.record.gitlog import GitError

        try:
            return kpihistory.read(org), provenance.read(org.root, org.okrs_dir)
        except GitError as error:
            log.warning("okrops: could not read KPI check-ins and provenance from git: %s", error)
            return {}, {}

    def checkins(self, org) -> list:
        if not self.config.history:
            return []
        from okrops.record.gitlog import GitError

        try:
            # A skipped commit is reported at info level, not as a MkDocs warning: history cannot be
            # changed, so one odd commit would otherwise fail every --strict build from then on.
            from okrops.record import history
            from okrops.record.includes import read_history_across

            history.activity(org, warn=lambda _text: None)  # when each key result appeared (read_history warns)
            return read_history_across(org, warn=lambda text: log.info("okrops: skipped in history: %s", text))
        except GitError as error:
            log.warning("okrops: could not read the check-in history from git: %s", error)
            return []

    def on_pre_build(self, *, config) -> None:
        """Mark the output folder as okrops' own (MkDocs empties it right after, keeping hidden files)."""
        from okrops.site.output import mark_output_dir

        mark_output_dir(config.site_dir)

    # -- pages ---------------------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        assert self.site is not None
        from okrops.site.output import leaving_the_repository

        sources = [f.abs_src_path for f in files if f.abs_src_path and f.src_dir == config.docs_dir]
        leaving = leaving_the_repository(sources, config.docs_dir, self.site.org.root)
        if leaving:
            raise PluginError(f"okrops: the site is not built: in {config.docs_dir}, {', '.join(leaving[:5])} "
                              f"{'is a symbolic link' if len(leaving) == 1 else 'are symbolic links'} (or inside "
                              "one) leading out of the repository, and the site would publish what they point at; "
                              "replace them with real files")
        handwritten = sorted(f.src_uri for f in files.documentation_pages())
        digests: dict[str, bytes] = {}
        fill = self.add_pages(files, config, digests)
        css = resources.files("okrops.site").joinpath("assets/okrops.css").read_text(encoding="utf-8")
        files.append(File.generated(config, CSS_PATH, content=css))
        if self.pagefind:
            from okrops.site import search

            files.append(File.generated(config, search.SCRIPT_PATH, content=search.MOUNT_SCRIPT))
        if self.nav_from_plugin:
            config.nav = self.navigation(handwritten)
        self.site = None  # the model is not needed any more: free it before MkDocs renders thousands of pages
        if self.memo is not None:
            log.debug("okrops: page sources rendered again %d, reused %d; charts made %d, reused %d",
                      sum(n for k, n in self.memo.made.items() if k.startswith("page:")),
                      sum(n for k, n in self.memo.reused.items() if k.startswith("page:")),
                      sum(n for k, n in self.memo.made.items() if not k.startswith("page:")),
                      sum(n for k, n in self.memo.reused.items() if not k.startswith("page:")))
        if self.incremental is not None:
            self.incremental.plan(config, files, digests, fill)
        self._files = files
        return files

    def add_pages(self, files: Files, config, digests: dict[str, bytes]):
        """Add the generated pages to ``files`` (while serving: ``digests``, each page's Markdown digest).

        While serving, the pages of the units a change cannot affect (:mod:`okrops.site.affected`) are
        added without their Markdown, as the previous build's: MkDocs' dirty build does not read them.
        Returns the function making their Markdown after all (when every page is rendered), or None."""
        from okrops.site.incremental import digest

        affected = None
        if self.incremental is not None:
            from okrops.site.affected import state

            affected = self.incremental.affected(config, state(self.site, self.memo.salt if self.memo else b""))
        self.generated = set()
        self.unmade = set()
        unmade: list[tuple[File, object]] = []
        for src_uri, unit, make in self.site.sources():
            if files.get_file_from_path(src_uri) is not None:
                log.info("okrops: %s is written by hand in %s; not generating it", src_uri, config.docs_dir)
                continue
            inclusion = InclusionLevel.INCLUDED if src_uri in TOP_SOURCES else InclusionLevel.NOT_IN_NAV
            before = None
            if affected is not None and unit is not None and unit not in affected:
                before = self.incremental.previous_source(src_uri)
            if before is not None:  # unchanged: MkDocs keeps its output without reading it
                file = File.generated(config, src_uri, content="", inclusion=inclusion)
                unmade.append((file, make))
                self.unmade.add(src_uri)
                digests[src_uri] = before
            else:
                markdown = make().markdown()
                file = File.generated(config, src_uri, content=markdown, inclusion=inclusion)
                if self.incremental is not None:
                    digests[src_uri] = digest(markdown)
            files.append(file)
            self.generated.add(src_uri)
        if affected is not None:
            log.debug("okrops: %d units' pages made again, %d pages' sources kept", len(affected), len(unmade))

        def fill() -> None:
            for file, make in unmade:
                markdown = make().markdown()
                file.content_string = markdown
                digests[file.src_uri] = digest(markdown)
            unmade.clear()
            self.unmade = set()

        return fill if unmade else None

    # MkDocs keeps every page's source and HTML in memory until the whole site is written. For
    # the generated pages, drop each copy as soon as nothing needs it any more, so peak memory
    # stays about one copy of the site's HTML.
    def on_nav(self, nav, /, *, config, files):
        from okrops import progress

        pages = len(files.documentation_pages()) - (len(self.incremental.kept) if self.incremental else 0)
        progress.current().stage("rendering the site's pages", total=pages, unit="pages")
        return nav

    @event_priority(-100)  # after search indexed the page
    def on_page_context(self, context, /, *, page, config, nav):
        if self.incremental is not None:
            from okrops.site.incremental import search_plugin

            self.incremental.page_indexed(page, search_plugin(config))
        return context

    def on_page_markdown(self, markdown, /, *, page, config, files):
        if page.file.src_uri in self.generated:
            page.file.content_string = ""  # the page holds its own copy of the source now
            if self.raw_html:
                from okrops.site import rawpage

                rawpage.use_for(page)
        return markdown

    def on_page_content(self, html, /, *, page, config, files):
        if page.file.src_uri in self.generated:
            page.markdown = ""  # rendered: the source is not needed any more
        return html

    def on_post_page(self, output, /, *, page, config):
        if page.file.src_uri in self.generated:
            page.content = None  # written (and indexed by search in on_page_context)
        from okrops import progress

        progress.current().advance()
        return output

    @staticmethod
    def navigation(handwritten: list[str]) -> list:
        """A shallow navigation: the overview pages, then the hand-written pages by folder.

        Unit and key result pages are reached through links, not the navigation, so every
        page carries a small navigation and the build grows linearly with the page count.
        """
        taken = {path for _title, path in TOP_PAGES}
        nav: list = [{title: path} for title, path in TOP_PAGES]
        sections: dict[str, list[str]] = {}
        for path in handwritten:
            if path in taken:
                continue
            folder = path.split("/")[0] if "/" in path else ""
            sections.setdefault(folder, []).append(path)
        for folder, paths in sections.items():
            if folder:
                nav.append({folder.replace("-", " ").capitalize(): paths})
            else:
                nav.extend(paths)
        return nav

    @event_priority(100)  # before search writes its index
    def _restore_search(self, *, config) -> None:
        if self.incremental is not None:
            from okrops.site.incremental import search_plugin

            self.incremental.restore_search(self._files, search_plugin(config))

    @event_priority(-100)  # the build is complete: the next one compares with it
    def _remember_build(self, *, config) -> None:
        if self.incremental is not None:
            self.incremental.finish()
        if self.memo is not None:
            self.memo.finish()

    def on_build_error(self, *, error) -> None:
        if self.incremental is not None:
            self.incremental.failed()

    def _post_build(self, *, config) -> None:
        from okrops import progress
        from okrops.site.output import mark_output_dir

        work = progress.current()
        work.done()
        rebuild = self.incremental is not None and self.incremental.previous is not None  # while serving
        if self.pagefind:
            from okrops.site import search

            if rebuild:
                # a rebuild while serving: the changed page is served now, the index follows; until it is
                # written, the marker says only that the folder is okrops' (its list is written after it)
                self.indexing = self.indexing or search.BackgroundIndex()
                self.indexing.start(self.pagefind, config.site_dir, log, then=lambda: mark_output_dir(
                    config.site_dir, complete=True))
                return
            work.stage("indexing the pages for search (Pagefind)")
            search.index(self.pagefind, config.site_dir, log)
            work.done()
        mark_output_dir(config.site_dir, complete=True)  # what this build wrote: a later build deletes only that

    on_post_build = CombinedEvent(_restore_search, _post_build, _remember_build)

    def on_serve(self, server, config, builder):
        self.server = server
        self.watch_inputs()
        return server

    def watch_inputs(self) -> None:
        """okrs/, new commits and the included repositories (their files, their commits, the fetch cache)."""
        from okrops.site.incremental import watched_paths

        paths = ([str(self.okrs_dir)] if self.okrs_dir is not None else []) + watched_paths(self.roots)
        for path in paths:
            if path not in self.watched:
                self.server.watch(path)
                self.watched.add(path)

"""Live preview that renders only the pages a change affects, with the output of a full build.

``okrops site serve`` (and ``mkdocs serve --dirty`` with the okrops plugin) rebuilds the site
after every change. Rendering a page with MkDocs and Material costs milliseconds, and a large
organisation has tens of thousands of pages, so a rebuild renders only the pages whose output
can differ from the previous build's; the others stay as they are in the output folder.

Which pages those are is decided in two steps, both by content:

* which pages' Markdown is made again: the organisation-wide pages always, and the pages of the
  units the change can affect (:mod:`okrops.site.affected`: a digest per unit of every value of it
  any page shows, and which units' pages show which units' values); the Markdown of every other
  page is the previous build's, and it is not made at all (its file is added with no content:
  MkDocs' dirty build does not read a page it is told is unchanged; when this build turns out to
  render every page after all, their Markdown is made then). Anything that is not one unit's
  (okrops.yaml, the strategy, a unit added, moved, renamed or made private, an objective added or
  made private, the templates, the day) makes every page's Markdown again;
* the Markdown made is compared, by a digest, with the previous build's; a page whose Markdown is
  the same is kept (making it is cheap for most pages: its rendering from the template, its charts
  and the weekly digests are taken from the previous build when their inputs are the same,
  :mod:`okrops.site.memo`);
* a page's output also holds what every page shows (the site's name, the navigation and the
  titles in it, the theme and its settings, the configuration): a digest of all of that, the
  *site fingerprint*, is compared too, and when it differs every page is rendered again;
* when a page disappears (a unit deleted or made private), the output is emptied and every
  page rendered again, so no page that a full build would not write is left behind;
* hand-written pages are rendered again when their file changed (MkDocs' own rule, by time);
  the ones in the navigation are part of the site fingerprint (their titles are in it).

MkDocs' dirty build does the rest (:meth:`mkdocs.structure.files.File.is_modified` decides,
page by page, whether it is read and written). Material's search index is the one other
output made from every page: the entries of the pages kept are taken from the previous build,
in the same order a full build writes them. A build with any other plugin than okrops and
search is always a full one, since okrops cannot know what such a plugin makes of the pages.
The result is byte for byte the output of a full build of the same input (tested).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from mkdocs.structure.files import InclusionLevel

from okrops.site.affected import State, affected_units

log = logging.getLogger("mkdocs.plugins.okrops")

KNOWN_PLUGINS = {"okrops", "search", "material/search"}
DIRTY_WARNING = "A 'dirty' build is being performed"
# What every page shows, from MkDocs' configuration (the rest of it comes from mkdocs.yml, hashed whole).
PAGE_WIDE_SETTINGS = ("site_name", "site_description", "site_author", "site_url", "copyright", "repo_url",
                      "repo_name", "edit_uri", "extra", "extra_css", "extra_javascript", "nav",
                      "use_directory_urls", "docs_dir", "markdown_extensions", "mdx_configs")


def digest(text: str | bytes) -> bytes:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Built:
    """What one build wrote: enough to tell the next build which pages it may keep."""

    key: tuple  # the configuration file and output folder: another site is never reused
    fingerprint: bytes
    sources: dict[str, bytes]  # generated page -> digest of its Markdown
    outputs: set[str]  # every file's destination, relative to the output folder
    search: dict[str, list] = field(default_factory=dict)  # page -> its entries in Material's search index
    state: Optional[State] = None  # the inputs of the pages, by unit (okrops.site.affected)


class Incremental:
    """Kept by the okrops plugin across the builds of one ``serve``; decides what each build renders."""

    def __init__(self) -> None:
        self.previous: Optional[Built] = None
        self.current: Optional[Built] = None
        self.kept: set[str] = set()  # pages not rendered in this build
        self.full = True
        self._search_seen = 0
        self.started = 0.0  # when this build's okrops work began (time.perf_counter)
        self.state: Optional[State] = None  # this build's (okrops.site.affected)

    # -- which pages to make -------------------------------------------------------------------------
    def affected(self, config, state: Optional[State]) -> Optional[set[str]]:
        """The units whose pages this build makes (the others' Markdown is the previous build's); None: all."""
        self.state = state
        previous = self.previous
        if previous is None or previous.key != _key(config) or not supported(config):
            return None
        return affected_units(previous.state, state)

    def previous_source(self, src_uri: str) -> Optional[bytes]:
        """The digest of a generated page's Markdown in the previous build."""
        return self.previous.sources.get(src_uri) if self.previous is not None else None

    # -- deciding -----------------------------------------------------------------------------------
    def plan(self, config, files, generated: dict[str, bytes], fill: Optional[Callable[[], None]] = None) -> None:
        """Mark each file of this build to be written or kept (``generated``: page -> Markdown digest; ``fill``:
        makes the Markdown of the pages given none, as they are unchanged, when every page is rendered after all)."""
        fingerprint = site_fingerprint(config, files, generated)
        outputs = {f.dest_uri for f in files}
        key = _key(config)
        previous = self.previous
        reason = None
        if previous is None:
            reason = "first build"
        elif previous.key != key:
            reason = "another site"
        elif not supported(config):
            reason = "a plugin other than okrops and search"
        elif previous.fingerprint != fingerprint:
            reason = "what every page shows changed (configuration, navigation or theme)"
        elif not previous.outputs <= outputs:
            reason = "pages were removed"  # a full build would not write them: start from an empty folder
        self.full = reason is not None
        self.kept = set()
        if self.full and fill is not None:
            fill()
        self.current = Built(key, fingerprint, dict(generated), outputs, state=self.state)
        self._search_seen = 0
        if self.full:
            # A dirty build over an earlier (or a failed build's) output: start from an empty folder.
            from mkdocs.utils import clean_directory

            clean_directory(config.site_dir)
            for file in files:
                file.is_modified = _modified
            log.debug("okrops: rendering every page (%s)", reason)
            return
        for file in files.documentation_pages():
            if file.src_uri in generated:
                if previous.sources.get(file.src_uri) == generated[file.src_uri]:
                    file.is_modified = _unmodified
                    self.kept.add(file.src_uri)
            elif outputs != previous.outputs:  # hand-written Markdown links to pages change with the pages there are
                file.is_modified = _modified
            elif not file.is_modified():
                self.kept.add(file.src_uri)
        pages = len(files.documentation_pages())
        log.info("okrops: rendering %d of %d pages (the others are unchanged); reading the organisation and "
                 "making the pages' sources took %.1f s", pages - len(self.kept), pages,
                 time.perf_counter() - self.started)

    # -- Material's search index ---------------------------------------------------------------------
    def page_indexed(self, page, search) -> None:
        """After search indexed ``page``: remember its entries for the next build."""
        if self.current is None or search is None:
            return
        entries = search.search_index.entries
        self.current.search[page.file.src_uri] = entries[self._search_seen:]
        self._search_seen = len(entries)

    def restore_search(self, files, search) -> None:
        """Before search writes its index: the kept pages' entries from the previous build, in page order."""
        if self.current is None or search is None:
            return
        if hasattr(search, "search_index_prev"):  # Material's own merging in dirty builds reorders the index
            search.search_index_prev = None
        if self.full or self.previous is None:
            return
        entries: list = []
        for file in files.documentation_pages(inclusion=InclusionLevel.all):  # in the order MkDocs renders them
            uri = file.src_uri
            if uri not in self.current.search:
                self.current.search[uri] = self.previous.search.get(uri, [])
            entries.extend(self.current.search[uri])
        search.search_index.entries = entries

    def finish(self) -> None:
        """The build succeeded: the next one compares with it."""
        self.previous, self.current = self.current, None

    def failed(self) -> None:
        """The build failed: its output is incomplete, so the next build is a full one."""
        self.previous = self.current = None


def _key(config) -> tuple:
    """The configuration file and the output folder: another site's build is never reused."""
    return (config.config_file_path, os.path.realpath(config.site_dir))


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def supported(config) -> bool:
    """Only okrops and a search whose entries okrops can carry over make output from the pages
    (anything else: always a full build)."""
    names = [name.split(" #")[0] for name in config.plugins]
    if any(name not in KNOWN_PLUGINS for name in names):
        return False
    return "search" not in names and "material/search" not in names or search_plugin(config) is not None


def search_plugin(config):
    """Material's (or MkDocs') search plugin of this build, when it keeps a list of index entries."""
    for name, plugin in config.plugins.items():
        if name.split(" #")[0] in ("search", "material/search") and isinstance(getattr(getattr(plugin, "search_index", None),
                                                                         "entries", None), list):
            return plugin
    return None


def site_fingerprint(config, files, generated: dict[str, bytes]) -> bytes:
    """A digest of everything that appears on every page, or decides where a page goes."""
    h = hashlib.blake2b(digest_size=16)

    def add(*parts) -> None:
        for part in parts:
            h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
            h.update(b"\0")

    if config.config_file_path and os.path.isfile(config.config_file_path):
        add(Path(config.config_file_path).read_bytes())
    for name in PAGE_WIDE_SETTINGS:
        add(name, json.dumps(config.get(name), sort_keys=True, default=repr))
    theme = config.theme
    add("theme", json.dumps(dict(theme), sort_keys=True, default=str), *theme.dirs)
    for folder in theme.dirs:  # the organisation's overrides can change while serving
        if theme.custom_dir and os.path.realpath(folder) == os.path.realpath(theme.custom_dir):
            add(*_tree_stamp(Path(folder)))
    add("plugins", *config.plugins)
    for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        if file.inclusion.is_in_nav():  # the navigation, on every page: where each entry goes and its title
            add(file.src_uri, file.dest_uri, file.url, *_title_parts(file, generated))
    return h.digest()


def _title_parts(file, generated: dict[str, bytes]) -> Iterable:
    """What decides how a page in the navigation is named there: its front matter, or its whole source."""
    if file.src_uri in generated:
        text = file.content_string
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            return ("front", text[: end if end >= 0 else len(text)])
        return ("source", generated[file.src_uri])
    if file.abs_src_path and os.path.isfile(file.abs_src_path):
        return ("source", digest(Path(file.abs_src_path).read_bytes()))
    return ("content", file.content_bytes)


def _tree_stamp(folder: Path) -> list[str]:
    stamps = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            stamps.append(f"{os.path.relpath(path, folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return stamps


class QuietDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build gives inaccurate navigation; okrops' dirty builds do not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return DIRTY_WARNING not in record.getMessage()


def quiet_dirty_warning() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, QuietDirtyWarning) for f in logger.filters):
        logger.addFilter(QuietDirtyWarning())


def watched_paths(roots: list[Path]) -> list[str]:
    """Besides okrs/, what a change of may change the site: new commits (``roots[0]`` is the repository,
    the others the included ones) and the included repositories' files (fetched ones in ``.okrops/cache``)."""
    from okrops.errors import OkropsError
    from okrops.includes import CACHE_DIR
    from okrops.record.gitrepo import discover

    paths: list[str] = []
    for index, root in enumerate(roots):
        if index:
            paths.append(str(root / "okrs"))
        try:
            repo = discover(root)
        except OkropsError:
            continue
        paths += [str(repo.git_dir / "HEAD"), str(repo.common_dir / "refs")]
        if (repo.common_dir / "packed-refs").exists():
            paths.append(str(repo.common_dir / "packed-refs"))
    cache = roots[0] / CACHE_DIR if roots else None
    if cache is not None and cache.is_dir():
        paths.append(str(cache))
    return [p for p in dict.fromkeys(paths) if os.path.exists(p)]

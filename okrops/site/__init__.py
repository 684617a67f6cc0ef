"""The transparency site: an MkDocs project generated from okrs/ and git history.

* :mod:`okrops.site.plugin` is the MkDocs plugin that adds the OKR pages in memory;
* :mod:`okrops.site.view` holds the public, scored data the pages may show;
* :mod:`okrops.site.pages` (and :mod:`okrops.site.unitpages`) build a view object per page
  (:mod:`okrops.site.viewmodels`) and render it with its template from ``templates/``
  (:mod:`okrops.site.render`: Jinja2, autoescaped, overridable from ``site/overrides/okrops/``);
  :mod:`okrops.site.charts` computes the charts' geometry;
* the site sources a new OKR repository starts with (``site/mkdocs.yml``, hand-written
  guides, theme overrides) are this repository's own ``site/``, shipped in the wheel as
  ``okrops/site/scaffold/``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import threading
from pathlib import Path
from typing import Optional

from okrops.errors import OkropsError

SITE_DIR = "site"
CONFIG_FILE = "mkdocs.yml"


SCAFFOLD_PARTS = (CONFIG_FILE, "docs", "overrides")


def _scaffold_root() -> Path:
    """The site sources: packaged in the wheel, or the source checkout's own site/ folder."""
    packaged = Path(__file__).parent / "scaffold"
    if (packaged / CONFIG_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / SITE_DIR


def scaffold_files() -> dict[str, str]:
    """The site sources a new OKR repository needs: path relative to the repository root -> text."""
    root = _scaffold_root()
    result: dict[str, str] = {}

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda n: n.name):
            if child.name.startswith(("__", ".")) or (not prefix and child.name not in SCAFFOLD_PARTS):
                continue
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            else:
                result[f"{SITE_DIR}/{prefix}{child.name}"] = child.read_text(encoding="utf-8")

    walk(root, "")
    return result


def config_path(repo_path: str | os.PathLike) -> Optional[Path]:
    path = Path(repo_path) / SITE_DIR / CONFIG_FILE
    return path if path.is_file() else None


def _scaffold_into(target: Path, repo: Path) -> Path:
    """Write the default site sources to ``target`` for a repository without site/; returns the mkdocs.yml."""
    for rel, text in scaffold_files().items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel == f"{SITE_DIR}/{CONFIG_FILE}":
            text = with_plugin_options(text, {"repo": str(repo)})
        path.write_text(text, encoding="utf-8")
    return target / SITE_DIR / CONFIG_FILE


def with_plugin_options(config_text: str, options: dict) -> str:
    """An mkdocs.yml with ``options`` added to the okrops plugin's, written as YAML.

    The options (a repository path may hold quotes, ``#``, ``:``, newlines, braces, any
    Unicode) go through a YAML emitter, never into the text by hand.
    """
    import yaml

    config = yaml.safe_load(config_text)
    plugins = []
    for entry in config.get("plugins") or []:
        if entry == "okrops":
            entry = {"okrops": dict(options)}
        elif isinstance(entry, dict) and "okrops" in entry:
            entry = {**entry, "okrops": {**(entry["okrops"] or {}), **options}}
        plugins.append(entry)
    config["plugins"] = plugins
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def _config_file(repo: Path) -> tuple[Path, Optional[tempfile.TemporaryDirectory]]:
    config_file = config_path(repo)
    if config_file is not None:
        return config_file, None
    temp = tempfile.TemporaryDirectory(prefix="okrops-site-")
    try:
        return _scaffold_into(Path(temp.name), repo), temp
    except UnicodeEncodeError:
        temp.cleanup()
        raise OkropsError(f"{os.fsdecode(repo)!r}: the repository's path is not valid UTF-8, which MkDocs needs; "
                          "move the repository to a folder whose name is") from None
    except BaseException:
        temp.cleanup()
        raise


def build_site(repo_path: str | os.PathLike, out_dir: Optional[str | os.PathLike] = None, strict: bool = False,
               partial: bool = False, as_of: Optional[str] = None) -> Path:
    """Build the site of the OKR repository at ``repo_path``; returns the output folder.

    Uses the repository's ``site/mkdocs.yml`` when there is one, else the default site
    sources. The output goes to ``out_dir``, or where the configuration says
    (``public/`` at the repository root); a folder holding anything of the user's is
    refused (:class:`okrops.site.output.OutputRefused`) before anything is deleted. With
    ``strict``, any warning fails the build (:class:`mkdocs.exceptions.Abort`). With
    ``partial``, OKR files that cannot be read are left out (with a warning each) instead
    of failing the build. With ``as_of`` (a date or a ref), the site shows the organisation as it
    stood then (:mod:`okrops.record.snapshot`).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from okrops.repository import find_okrs_dir
    from okrops.site.output import check_output_dir

    repo = Path(repo_path).resolve()
    _root, okrs_dir = find_okrs_dir(repo)
    options = {}
    if out_dir is not None:
        options["site_dir"] = str(Path(out_dir).resolve())
        sources = [repo / SITE_DIR] if (repo / SITE_DIR).is_dir() else []
        check_output_dir(options["site_dir"], repo, okrs_dir, sources)  # before MkDocs reads its configuration
    config_file, temp = _config_file(repo)
    if out_dir is None and temp is not None:
        options["site_dir"] = str(repo / "public")
    try:
        config = load_config(str(config_file), strict=strict, **options)
        if partial:
            _set_plugin_option(config, "partial", True)
        if as_of:
            _set_plugin_option(config, "as_of", as_of)
        build(config)
        return Path(config.site_dir)
    finally:
        if temp is not None:
            temp.cleanup()


def _set_plugin_option(config, name: str, value) -> None:
    from okrops.site.plugin import OkropsPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, OkropsPlugin):
            plugin.config[name] = value


def serve_site(repo_path: str | os.PathLike, dev_addr: Optional[str] = None, open_in_browser: bool = False) -> None:
    """Serve the site with live reload until interrupted.

    okrs/, site/, new commits and the included repositories are watched; after a change only the
    pages it affects are rendered again (MkDocs' dirty builds, made exact by
    :mod:`okrops.site.incremental`).

    SIGTERM stops it the way Ctrl-C does: MkDocs removes its build folder, and the default
    site sources written for a repository without site/ are removed too. The process then
    ends by SIGTERM, as its parent expects.
    """
    from mkdocs.commands.serve import serve

    config_file, temp = _config_file(Path(repo_path).resolve())
    try:
        kwargs = {"dev_addr": dev_addr} if dev_addr else {}
        with _sigterm_as_interrupt() as terminated:
            serve(str(config_file), open_in_browser=open_in_browser, livereload=True, build_type="dirty", **kwargs)
    finally:
        if temp is not None:
            temp.cleanup()
    if terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """While inside, SIGTERM raises KeyboardInterrupt (Ctrl-C's path); yields a list that is true once it came."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(signum, _frame):
        if not received:
            received.append(signum)
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def setup_logging(verbose: bool = False, info: bool = True) -> None:
    """Show MkDocs' messages: INFO and up the way the mkdocs command does, DEBUG too with ``verbose``;
    warnings and errors only without ``info`` (a build whose progress is shown by okrops instead)."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_okrops", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._okrops = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO if info else logging.WARNING)


__all__ = ["build_site", "scaffold_files", "serve_site", "setup_logging"]

"""``okrops site``: build or preview the OKR transparency site (MkDocs + the okrops plugin)."""

from __future__ import annotations

from typing import Optional

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _repo_option(function):
    return click.option("--repo", "repo", type=click.Path(exists=True, file_okay=False), default=None,
                        help="The OKR repository (default: the one here or above).")(function)


def _find_repo(repo: Optional[str]):
    from okrops.repository import find_okrs_dir

    root, _okrs = find_okrs_dir(repo)
    return root


@click.group("site", context_settings=CONTEXT_SETTINGS)
def site() -> None:
    """Build or preview the OKR site that shows every level's OKRs to the whole organisation.

    The site's sources are in site/ (mkdocs.yml, hand-written pages in site/docs/, theme
    overrides in site/overrides/); the okrops MkDocs plugin generates the OKR pages from okrs/
    and git history. Without a site/ folder the default sources are used.
    """


@site.command("build")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: public/ at the repository root, git-ignored).")
@click.option("--strict", is_flag=True, help="Fail on any warning (broken links, OKR errors).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' debug messages.")
@_repo_option
def build(out_dir: Optional[str], strict: bool, verbose: bool, repo: Optional[str]) -> None:
    """Build the static site.

    \b
    Example:
        okrops site build
        okrops site build --out /tmp/okr-site --strict
    """
    from okrops.site import build_site, setup_logging

    setup_logging(verbose)
    root = _find_repo(repo)
    output = build_site(root, out_dir, strict=strict)
    click.echo(f"site built in {output}", err=True)


@site.command("serve")
@click.option("-a", "--dev-addr", metavar="IP:PORT", default=None,
              help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' debug messages.")
@_repo_option
def serve(dev_addr: Optional[str], open_browser: bool, verbose: bool, repo: Optional[str]) -> None:
    """Preview the site with live reload: edits to okrs/ and site/ rebuild it.

    \b
    Example:
        okrops site serve
        okrops site serve --dev-addr 127.0.0.1:8001
    """
    from okrops.site import serve_site, setup_logging

    setup_logging(verbose)
    serve_site(_find_repo(repo), dev_addr, open_browser)

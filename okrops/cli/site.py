"""``okrops site``: build or preview the OKR transparency site (MkDocs + the okrops plugin)."""

from __future__ import annotations

from typing import Optional

import click

from okrops.cli.options import CONTEXT_SETTINGS, as_of_option, repo_option, repo_root


@click.group("site", context_settings=CONTEXT_SETTINGS, short_help="Build or preview the OKR transparency site.")
def site() -> None:
    """Build or preview the OKR site that shows every level's OKRs to the whole organisation.

    The site's sources are in site/ (mkdocs.yml, hand-written pages in site/docs/, theme
    overrides in site/overrides/); the okrops MkDocs plugin generates the OKR pages from okrs/
    and git history. Without a site/ folder the default sources are used.
    """


@site.command("build", short_help="Build the static site.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder (default: public/ at the repository root, git-ignored). Every build empties it, so "
                   "it must be new, empty or an earlier okrops build.")
@click.option("--strict", is_flag=True, help="Fail on any warning (broken links, OKR errors).")
@click.option("--partial", is_flag=True,
              help="Build even when OKR files that decide what is public cannot be read; what they hold stays out.")
@click.option("-v", "--verbose", is_flag=True,
              help="Show MkDocs' own messages, debug included (without it: its warnings, and okrops' progress).")
@repo_option(dest="repo")
@as_of_option(help="Build the site of the organisation as it stood on this date (the last commit on the main line "
                   "on or before it) or at this ref, with the history up to then.")
def build(out_dir: Optional[str], strict: bool, partial: bool, verbose: bool, repo: Optional[str],
          as_of: Optional[str]) -> None:
    """Build the static site.

    Private units and objectives never reach the site. When a file that decides what is public
    cannot be read (a unit.yaml or cycle file with a YAML or schema error, a missing or misspelt
    unit.yaml, a symbolic link), what it holds is treated as private and the build fails, naming
    each file and line; --partial builds the site without those parts.

    The output folder is emptied on every build: the repository, a folder holding it, okrs/, the
    site sources, and folders holding files okrops did not write are refused. Each build writes a
    .okrops-build marker into its folder so that the next one recognises it.

    A past cycle tagged okrs/CYCLE (okrops cycle close CYCLE --tag) is shown as it was when it
    closed, whatever later edits did to its files. With --as-of, the whole site shows the
    organisation as it stood on that day or at that ref.

    Exit status: 0 built, 1 the build failed, 2 refused (nothing written).

    \b
    Example:
        okrops site build
        okrops site build --out /tmp/okr-site --strict
        okrops site build --out /tmp/okr-site-july --as-of 2026-07-31
    """
    from okrops import progress
    from okrops.cli.progress import terminal
    from okrops.site import build_site, setup_logging

    setup_logging(verbose, info=False)  # MkDocs' own lines with --verbose; its warnings always
    root = repo_root(repo)
    with progress.showing(terminal()):  # a bar on a terminal; MkDocs' own log lines with --verbose
        output = build_site(root, out_dir, strict=strict, partial=partial, as_of=as_of)
    click.echo(f"site built in {output}", err=True)


@site.command("serve", short_help="Preview the site, rebuilding on every change.")
@click.option("-a", "--dev-addr", metavar="IP:PORT", default=None,
              help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' debug messages.")
@repo_option(dest="repo")
def serve(dev_addr: Optional[str], open_browser: bool, verbose: bool, repo: Optional[str]) -> None:
    """Preview the site with live reload: edits to okrs/ and site/ rebuild it.

    New commits (a check-in, a pull) and changes to included repositories (include: in
    okrops.yaml, or okrops fetch) rebuild it too. A rebuild renders again only the pages whose
    content changed, and every page when the site's title, navigation or theme changed or a page
    went away: what is served is always what okrops site build would write.

    \b
    Example:
        okrops site serve
        okrops site serve --dev-addr 127.0.0.1:8001
    """
    from okrops.site import serve_site, setup_logging

    setup_logging(verbose)
    serve_site(repo_root(repo), dev_addr, open_browser)


COMMANDS = [site]

"""The site's "This week" page and its archive: the weekly digest of each of the last weeks, rebuilt from git.

The digest is :mod:`okrops.reports.weekly`'s (the same as ``okrops report week``), read from
git for each week's end (:mod:`okrops.reports.snapshot`, one load per commit, shared by
neighbouring weeks) with the site's public history only. Every item is checked once more
against the public view: a key result the site does not show is not listed (fail closed).

A week's digest is made from the commits at the week's start and end, the site's history and
the day alone, so while serving (:mod:`okrops.site.memo`) it is made again only when one of
those changed: saving a file in okrs/ changes no commit. A digest whose snapshots include other
repositories (read from outside the commit) is never kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Iterable

from okrops.site import viewmodels as vm

if TYPE_CHECKING:  # pragma: no cover
    from okrops.site.pages import GeneratedPage, Site

ARCHIVE_WEEKS = 8  # the plugin option weeks: this week and the seven before it


def week_dir(index: int, as_of) -> str:
    return "week" if index == 0 else f"week/{as_of.isoformat()}"


def pages(site: "Site", weeks: int = ARCHIVE_WEEKS) -> Iterable["GeneratedPage"]:
    from okrops.reports import weekly
    from okrops.reports.snapshot import Snapshots, commit_at
    from okrops.record.gitrefs import GitError

    today = site.v.today
    digests = []
    if weeks > 0 and site.v.known_history:
        try:
            with Snapshots(site.org.root, site.org.okrs_dir) as snapshots:
                history = site.memo.digest(site.v.history) if site.memo is not None else None
                for index in range(weeks):
                    as_of = today - timedelta(days=7 * index)
                    commit = commit_at(snapshots.top, as_of)
                    if commit is None:
                        break
                    digests.append(_digest(site, snapshots, history, commit, as_of))
        except GitError:
            digests = []
    archive = [(week_dir(i, d.as_of), f"{d.start + timedelta(days=1)} to {d.as_of}") for i, d in enumerate(digests)]
    if not digests:
        yield site.page("week", "This week", "week", "week.html", page=vm.WeekPage("This week", "", [], [],
                        "No weekly digest: it is rebuilt from git's history, and this build has none to read "
                        "(no commits yet, or the plugin options history or weeks turn it off)."))
        return
    for index, digest in enumerate(digests):
        here = archive[index][0]
        message = weekly.message(digest)
        sections = [_section(site, here, s) for s in message.sections]
        links = [vm.Ref(label, site.link.rel(here, folder) if folder != here else None) for folder, label in archive]
        title = "This week" if index == 0 else f"Week {archive[index][1]}"
        yield site.page(here, title, "week", "week.html",
                        page=vm.WeekPage(message.title, message.intro, sections, links, message.empty))


def _digest(site: "Site", snapshots, history, commit: str, as_of):
    """The weekly digest up to ``as_of`` (``commit``: the commit then), from an earlier build when its inputs
    are the same (``history``: a digest of the site's history; None: always made)."""
    from okrops.reports import weekly
    from okrops.reports.snapshot import commit_at

    def make():
        return weekly.build(snapshots, site.v.history, as_of)

    if site.memo is None or history is None:
        return make()
    start = as_of - timedelta(days=7)

    def keep(_week) -> bool:  # included repositories are read from outside the commits
        return not any(s.org is not None and s.org.included for s in (snapshots.at(as_of), snapshots.at(start)))

    inputs = (str(snapshots.top), snapshots.subdir, commit, commit_at(snapshots.top, start), as_of, history)
    return site.memo.get("weekly digest", inputs, make, keep)


def _section(site: "Site", here: str, section) -> vm.WeekSection:
    items = []
    for item in section.items:
        href = None
        if item.code:
            if item.code not in site.org.key_results:
                continue  # not public on the site: left out
            href = site.kr_href(here, item.code)
        items.append(vm.WeekItem(item.text, item.code, item.detail, href))
    return vm.WeekSection(section.heading, section.lead, items, [_section(site, here, s) for s in section.sub])

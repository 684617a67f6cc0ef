"""Evidence: delivery linked to value, read from git.

A commit or a merged pull request is evidence for a key result or an initiative when its
message names it: a trailer ``Okr-Evidence: platform/2026-Q4/O1/KR2`` (git parses the
trailers, as for check-ins), or the reference anywhere in the message. The history read is
the OKR repository's own (up to the revision its organisation was read at) and that of each
delivery repository listed in ``okrs/okrops.yaml``::

    evidence:
      repositories:
        - ../checkout-service                      # a path, relative to the repository root
        - path: ../fleet-api                       # or with a name and a web address for links
          name: fleet-api
          url: https://github.com/kestrel/fleet-api

Delivery repositories are read locally with git (clone or fetch them in CI first); one that
is missing is reported, not fatal. Check-in commits (``Okr-Checkin`` trailers) are the record
itself, not evidence, and are left out. Each key result and initiative lists the commits that
name it; the pages link initiatives and the key results they move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Optional

from okrops.record import gitlog

TRAILER = "Okr-Evidence"
_FORMAT = ("%H%x00%an%x00%aI%x00%s%x00%(trailers:key=Okr-Evidence,valueonly,unfold,separator=%x1f)%x00"
           "%(trailers:key=Okr-Checkin,valueonly,separator=%x1f)%x00%B%x00%x1e")
_REF = re.compile(r"(?<![\w/.-])([a-z0-9][a-z0-9-]*/[A-Za-z0-9._-]+/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)?)(?![\w/-])")
_PR = re.compile(r"(?:pull request|PR|Merge pull request) #(\d+)|\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class Source:
    """A repository whose history may hold evidence."""

    path: Path
    name: str
    url: str = ""  # web address: commits link to <url>/commit/<sha>


@dataclass(frozen=True)
class Evidence:
    ref: str  # the key result or initiative named
    commit: str
    day: date
    title: str  # the commit's subject
    author: str
    repository: str
    how: str  # "trailer" or "message"
    url: str = ""  # the commit's web address, when the repository's is known
    pull_request: str = ""  # "12" when the subject names a pull request
    others: tuple[str, ...] = ()  # other references of a known cycle it names that were not asked for (private ones?)


@dataclass
class EvidenceIndex:
    by_ref: dict[str, list[Evidence]]  # newest first
    problems: list[str]  # repositories that could not be read, and why

    def of(self, ref: str) -> list[Evidence]:
        return self.by_ref.get(ref, [])


def sources(org) -> tuple[list[Source], list[str]]:
    """The OKR repository and the delivery repositories of ``okrs/okrops.yaml``; problems found reading the list."""
    from okrops.record.history import record_source

    root = Path(record_source(org)[0])
    repo_url = str(org.config.site.get("repo_url") or "")
    found = [Source(root, "OKR repository", repo_url)]
    problems = []
    for entry in org.config.evidence.get("repositories", []):
        path, name, url = (entry, "", "") if isinstance(entry, str) else (
            entry.get("path", ""), entry.get("name", ""), entry.get("url", ""))
        folder = (root / path).resolve()
        if not folder.is_dir():
            problems.append(f"evidence repository {path!r} (okrs/okrops.yaml) is not a folder; clone it there "
                            "or fix the path")
            continue
        found.append(Source(folder, name or folder.name, url))
    return found, problems


def read(org, refs: Optional[Iterable[str]] = None) -> EvidenceIndex:
    """Evidence for every key result and initiative of ``org`` (or only ``refs``), newest first."""
    from okrops.record.history import record_source

    known = set(refs) if refs is not None else set(org.key_results) | {
        i.ref for f in org.cycle_files.values() for i in f.initiatives}
    found, problems = sources(org)
    by_ref: dict[str, list[Evidence]] = {}
    rev = record_source(org)[2]
    until = _until(found, rev) if org.record_at is not None else []
    for index, source in enumerate(found):
        toplevel = gitlog.git_toplevel(source.path)
        if toplevel is None:
            if index:
                problems.append(f"evidence repository {source.name!r} ({source.path}) is not a git repository")
            continue
        head = rev if index == 0 else "HEAD"
        if gitlog.rev_parse(toplevel, "--verify", "--quiet", f"{head}^{{commit}}") is None:
            continue
        try:
            out = gitlog.run_git(toplevel, ["log", "-z", "--no-color", "--encoding=UTF-8", f"--format={_FORMAT}",
                                            *(until if index else []), head, "--"])
        except gitlog.GitError as error:
            problems.append(f"evidence repository {source.name!r}: {error.message}")
            continue
        for item in _parse(out, known, source, set(org.config.cycles)):
            by_ref.setdefault(item.ref, []).append(item)
    return EvidenceIndex(by_ref, problems)


def _until(found: list, rev: str) -> list[str]:
    """As of a commit of the OKR repository (time travel): delivery repositories' commits up to its time."""
    toplevel = gitlog.git_toplevel(found[0].path) if found else None
    if toplevel is None:
        return []
    try:
        when = gitlog.run_git(toplevel, ["log", "-1", "--format=%cI", rev, "--"]).decode().strip()
    except gitlog.GitError:
        return []
    return [f"--until={when}"] if when else []


def _parse(out: bytes, known: set[str], source: Source, cycles: set[str]) -> Iterable[Evidence]:
    for record in out.decode("utf-8", "replace").split("\x1e"):
        fields = record.lstrip("\x00\n").split("\x00")
        if len(fields) < 7:
            continue
        sha, author, when, subject, trailers, checkins, body = fields[:7]
        if checkins.strip():
            continue  # a check-in is the record itself
        named: dict[str, str] = {}
        others: set[str] = set()
        for value in trailers.split("\x1f"):
            value = value.strip()
            if value in known:
                named[value] = "trailer"
            elif value:
                others.add(value)
        for match in _REF.finditer(body):
            ref = match.group(1).rstrip(".")
            if ref in known:
                named.setdefault(ref, "message")
            elif ref.split("/")[1] in cycles:
                others.add(ref)
        if not named:
            continue
        pull = _PR.search(subject)
        url = f"{source.url.rstrip('/')}/commit/{sha}" if source.url.startswith(("https://", "http://")) else ""
        for ref, how in named.items():
            yield Evidence(ref, sha, date.fromisoformat(when[:10]), subject, author, source.name, how, url,
                           (pull.group(1) or pull.group(2)) if pull else "", tuple(sorted(others)))

"""Where a collected value came from: the trailers ``okrops collect`` adds to a value's check-in group.

Each collected value's group in the check-in commit reads::

    Okr-Checkin: platform/2026-Q4/O1/KR2
    Okr-Value: 99.93
    Okr-Previous: 99.87
    Okr-Source: http
    Okr-Query: "GET https://status.example.com/api/summary $.uptime"
    Okr-Fetched: 2026-11-30T21:40:12Z
    Okr-Digest: sha256:9f86d08...

``Okr-Query`` is a JSON string on one line (like ``Okr-Note``), so no text in a
source's description can end the trailer block or pass for another trailer. The
digest is of the raw bytes the source returned (the HTTP body, the file, the
command's output, the query's row as JSON): anyone holding the same response
can check it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from okrops.record import gitlog

TRAILER_SOURCE = "Okr-Source"
TRAILER_QUERY = "Okr-Query"
TRAILER_FETCHED = "Okr-Fetched"
TRAILER_DIGEST = "Okr-Digest"


@dataclass(frozen=True)
class Provenance:
    kind: str  # the source's kind, e.g. http
    query: str  # a short description of the query
    fetched: str  # when the value was fetched, UTC, e.g. 2026-11-30T21:40:12Z
    digest: str  # sha256:<hex> of the raw response

    def trailers(self) -> tuple[tuple[str, str], ...]:
        return ((TRAILER_SOURCE, self.kind), (TRAILER_QUERY, gitlog.encode_note(self.query)),
                (TRAILER_FETCHED, self.fetched), (TRAILER_DIGEST, self.digest))


def digest(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def timestamp(moment: Optional[datetime] = None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Collected:
    """The newest collected check-in of one reference, as its commit's trailers say."""

    ref: str
    value: Optional[float]
    provenance: Provenance
    commit: str
    when: str  # the commit's author date, ISO 8601


def read(root: str, okrs_dir: str) -> dict[str, Collected]:
    """The newest collected check-in of every key result and KPI, from the commits holding ``Okr-Source``.

    These are claims: callers that publish them check them against verified
    history (the commit must have changed the value to this number).
    Empty outside git or in a repository without commits.
    """
    import os

    toplevel = gitlog.git_toplevel(root)
    if toplevel is None or not gitlog.has_commits(toplevel):
        return {}
    rel = os.path.relpath(os.path.realpath(okrs_dir), os.path.realpath(toplevel))
    args = ["log", *gitlog.LOG_OPTIONS, f"--format={gitlog.LOG_FORMAT}", "-E", f"--grep=^{TRAILER_SOURCE}:",
            "HEAD", "--", rel]
    found: dict[str, Collected] = {}
    with gitlog.GitProcess(toplevel, args) as process:
        for sha, _parents, _name, _email, when, _subject, trailers in gitlog.read_commits(process):
            for group in _groups(trailers):
                ref = group.get(gitlog.TRAILER_REF.lower())
                if ref and ref not in found and TRAILER_SOURCE.lower() in group:
                    found[ref] = Collected(ref, gitlog.parse_number(group.get(gitlog.TRAILER_VALUE.lower(), "")),
                                           Provenance(group[TRAILER_SOURCE.lower()],
                                                      gitlog.decode_note(group.get(TRAILER_QUERY.lower(), "")),
                                                      group.get(TRAILER_FETCHED.lower(), ""),
                                                      group.get(TRAILER_DIGEST.lower(), "")), sha, when)
    return found


def _groups(trailers: list[tuple[str, str]]) -> list[dict[str, str]]:
    groups: list[dict[str, str]] = []
    for key, value in trailers:
        key = key.lower()
        if key == gitlog.TRAILER_REF.lower():
            groups.append({key: value.strip()})
        elif groups and key not in groups[-1]:
            groups[-1][key] = value.strip()
    return groups

"""Included repositories on the git side: fetching them into the cache, and reading their history.

``okrops fetch`` clones each ``include: {git: URL, ref: REF}`` into ``.okrops/cache/<name>`` (or
updates the clone there) and checks out REF, detached; then it follows the included repositories'
own ``include:`` (nested includes, by path or git) and fetches their git ones into the same cache,
each repository once (a loop ends where it started). It only reads from the included
repositories: nothing is pushed, and local ``path:`` includes are left alone entirely. The cache
folder is okrops' own (add ``.okrops/`` to .gitignore).

Each included repository's check-in history is read from its own git, the way the including
repository's is (:func:`okrops.record.history.read_history` on that repository alone), and
merged, oldest first: unit ids are unique across the organisation, so the references agree.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from okrops.includes import include_root, nested_includes
from okrops.model import Organisation
from okrops.record.gitrefs import GitError, git


@dataclass
class Fetched:
    source: str
    folder: Path
    commit: str


def fetch(org: Organisation) -> list[Fetched]:
    """Clone or update every git include, nested ones too, into the cache; the included repositories are only
    read."""
    root = Path(org.root)
    done = []
    visited = {root.resolve()}
    pending = [(include, root) for include in org.config.includes]
    while pending:
        include, base = pending.pop(0)
        try:
            folder = include_root(root, include, base).resolve()
        except (OSError, ValueError):
            continue  # a path the system refuses: validate reports it on its include line
        if folder in visited:
            continue  # included already, or a loop: validate reports it
        visited.add(folder)
        if include.git is not None:
            try:
                done.append(_fetch_one(include, folder))
            except GitError as error:
                raise GitError(f"{_where(root, base, include)}: include {include.git!r} could not be fetched: {error}; "
                               "check its git URL and ref there") from None
        pending.extend((nested, folder) for nested in nested_includes(folder))
    return done


def _where(root: Path, base: Path, include) -> str:
    """The okrops.yaml line that names ``include`` (in the repository at ``base``), as file:line."""
    from okrops.includes import CONFIG_FILE, OKRS_DIR
    from okrops.yamlio import locate

    config = base / OKRS_DIR / CONFIG_FILE
    try:
        line, _column = locate(config.read_text(encoding="utf-8", errors="replace"), ("include", include.index))
    except OSError:
        line = 1
    return f"{os.path.relpath(config, root)}:{line}"


def _fetch_one(include, folder: Path) -> Fetched:
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not (folder / ".git").is_dir():
        if folder.exists():
            shutil.rmtree(folder)  # a clone that did not finish: the cache is okrops' own
        git(folder.parent, "clone", "--quiet", "--no-checkout", revs=[include.git, folder.name])
    else:
        git(folder, "fetch", "--quiet", "--tags", "--force", revs=["origin", "+refs/heads/*:refs/remotes/origin/*"])
    target = _target(folder, include.ref)
    commit = str(git(folder, "rev-parse", "--verify", revs=[target + "^{commit}"])).strip()
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit):
        raise GitError(f"{target!r} did not resolve to a commit")
    # A commit id checked above is okrops' own value now (git checkout takes no --end-of-options).
    git(folder, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--force", "--detach", commit)
    return Fetched(include.git, folder, commit)


def _target(folder: Path, ref: Optional[str]) -> str:
    if not ref:
        return "origin/HEAD"
    for candidate in (f"origin/{ref}", ref):
        try:
            git(folder, "rev-parse", "--verify", "--quiet", revs=[candidate + "^{commit}"])
            return candidate
        except GitError:
            continue
    raise GitError(f"{ref!r} is not a branch, tag or commit of the included repository")


def _included_orgs(org: Organisation) -> list[Organisation]:
    from okrops.repository import load

    found = []
    for folder in org.included:
        result = load(folder)
        if result.organisation is not None:
            found.append(result.organisation)
    return found


def read_history_across(org: Organisation, since: Optional[date] = None,
                        warn: Optional[Callable[[str], None]] = None, unverified: bool = False) -> list:
    """The check-in history of the organisation and of every included repository, oldest first."""
    from okrops.record import history

    read = history.read_unverified if unverified else history.read_history
    found = list(read(org, since, warn))
    for other in _included_orgs(org):
        found.extend(c for c in read(other, since, warn) if c.ref.split("/", 1)[0] in org.units)
    found.sort(key=lambda c: c.when)
    return found


def last_checkins_across(org: Organisation) -> Optional[dict[str, date]]:
    """Like :func:`okrops.record.history.last_checkins`, over the included repositories too."""
    from okrops.record import history

    from okrops.model import Activity

    result = history.last_checkins(org)
    if not org.included:
        return result
    merged = dict(result or {})
    appeared = dict(org.activity.appeared) if org.activity else {}
    for other in _included_orgs(org):
        for ref, day in (history.last_checkins(other) or {}).items():
            if ref not in merged or day > merged[ref]:
                merged[ref] = day
        for ref, day in (other.activity.appeared.items() if other.activity else ()):
            if ref not in appeared or day > appeared[ref]:
                appeared[ref] = day
    if result is None and not merged:
        return None
    org.activity = Activity(merged, appeared)  # staleness counts from when each key result appeared, there too
    return org.activity.last

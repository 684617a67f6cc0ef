"""Which dependencies a maintainer of the providing unit approved, read from git (and review data).

What is read, and how:

* The first-parent history of ``HEAD`` (the default branch as merged), merge commits only, that
  changed a depending unit's cycle file: ``git log --first-parent --merges`` with the commit's
  ``Approved-by:`` and ``Reviewed-by:`` trailers (git parses them). GitLab writes ``Approved-by``
  into merge commits when its merge commit template asks for it, Gerrit and many merge bots write
  ``Reviewed-by``; a value counts when it names a maintainer handle of the providing unit
  (``@alice``, ``@acme/platform``), as a word of its own.
* Where the host's review data is available, a JSON file named by ``OKROPS_REVIEWS`` (for
  example written by a CI step from GitHub's ``pulls/<n>/reviews`` API): an object mapping merge
  commit ids to the handles that approved that pull request. Its approvals count like trailers.
* A merge adds a dependency when the depending file's lines it adds (``git diff <first parent>
  <merge>`` of that file) name the provider's reference.

A dependency is approved when some merge that added it was approved by a providing-unit
maintainer. Nothing is written; a repository that is not in git approves nothing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Optional

from okrops import dependencies
from okrops.model import Organisation
from okrops.record.gitrefs import GitError, git, toplevel

TRAILERS = "%H%x00%(trailers:key=Approved-by,key=Reviewed-by,valueonly,separator=%x1f)%x1e"
REVIEWS_ENV = "OKROPS_REVIEWS"


def review_data(path: Optional[str] = None) -> dict[str, list[str]]:
    """Merge commit -> approving handles, from the file named by OKROPS_REVIEWS (empty without one)."""
    path = path or os.environ.get(REVIEWS_ENV)
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [str(h) for h in v] for k, v in data.items() if isinstance(v, list)}


def _names(handle: str, text: str) -> bool:
    return re.search(r"(?<![\w@/-])" + re.escape(handle) + r"(?![\w/-])", text, re.IGNORECASE) is not None


def approved_dependencies(org: Organisation, reviews: Optional[dict[str, list[str]]] = None) -> set[tuple[str, str]]:
    """(dependent, provider) pairs approved in review by a maintainer of the providing unit."""
    pending = [e for e in dependencies.edges(org) if dependencies.exists(org, e.provider)
               and not dependencies.accepted_in_file(org, e)]
    if not pending:
        return set()
    top = toplevel(org.root)
    if top is None:
        return set()
    reviews = review_data() if reviews is None else reviews
    by_file: dict[str, list[dependencies.Edge]] = {}
    for edge in pending:
        by_file.setdefault(edge.source.file, []).append(edge)
    prefix = Path(org.root).resolve().relative_to(top.resolve()).as_posix() if Path(org.root).resolve() != top.resolve() else ""
    approved: set[tuple[str, str]] = set()
    for file, edges in by_file.items():
        path = f"{prefix}/{file}" if prefix else file
        try:
            log = git(top, "log", "--first-parent", "--merges", f"--format={TRAILERS}", revs=["HEAD"], paths=[path])
        except GitError:
            continue
        for record in filter(None, (r.strip("\n") for r in log.split("\x1e"))):
            commit, _, trailers = record.partition("\x00")
            approvers = " ".join(trailers.split("\x1f")) + " " + " ".join(reviews.get(commit, []))
            candidates = [e for e in edges if e.key not in approved and _approved_by_provider(org, e, approvers)]
            if not candidates:
                continue
            added = _added_lines(top, commit, path)
            for edge in candidates:
                if edge.provider in added:
                    approved.add(edge.key)
    return approved


def _approved_by_provider(org: Organisation, edge: dependencies.Edge, approvers: str) -> bool:
    unit = org.units.get(edge.provider_unit)
    return unit is not None and any(_names(handle, approvers) for handle in unit.maintainers)


def _added_lines(top: Path, commit: str, path: str) -> str:
    try:
        diff = git(top, "diff", "--no-color", "--unified=0", revs=[f"{commit}^1", commit], paths=[path])
    except GitError:
        return ""
    return "\n".join(line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))

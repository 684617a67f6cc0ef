"""Past cycles as they were when they closed: their OKRs read from the ``okrs/<cycle>`` tags.

``okrops cycle close CYCLE --tag`` marks the merged, scored state of a cycle. When a cycle has
ended and its tag exists (and, in an ``--as-of`` build, had been made by then), the site shows
that cycle's objectives, key results and initiatives from the tag, and only the check-ins
that had been made by then: later edits to the old files do not rewrite the past.

Privacy is judged both ways (when in doubt, private): an objective is private on the site
when it was private at the tag, its unit or a unit above was private at the tag, or it (or
its unit) is private now. Units that no longer exist are not shown.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Callable

from okrops.errors import OkropsError
from okrops.model import Organisation


def from_tags(org: Organisation, today: date, history: list, info: Callable[..., None]) -> tuple[Organisation, list]:
    """``org`` and ``history`` with every ended, tagged cycle replaced by its tagged state."""
    from okrops.record import gitrefs, snapshot
    from okrops.record.history import record_source

    _root, okrs_dir, rev = record_source(org)
    try:
        _r, _o, top, subdir = snapshot.repository_paths(okrs_dir)
        tips = {c.id: snapshot.tagged_commit(top, c.id) for c in org.config.cycles.values() if c.end < today}
        tags = {cycle: commit for cycle, commit in tips.items()
                if commit and (rev == "HEAD" or _ancestor(top, commit, rev))}
    except OkropsError:
        return org, history
    for cycle, commit in sorted(tags.items()):
        with snapshot.scratch("okrops-tag-") as tmp:
            result = snapshot.load_at(top, commit, subdir, Path(tmp))
        if result is None or result.organisation is None:
            continue
        info("okrops: cycle %s as tagged (okrs/%s, commit %s)", cycle, cycle, commit[:10])
        _replace_cycle(org, result.organisation, cycle)
        org.tagged_cycles[cycle] = commit
        reachable = set(str(gitrefs.git(top, "rev-list", revs=[commit])).split())
        history = [c for c in history if c.ref.split("/")[1] != cycle or c.commit in reachable]
    return org, history


def _ancestor(top, older: str, newer: str) -> bool:
    from okrops.record import gitrefs

    try:
        gitrefs.git(top, "merge-base", "--is-ancestor", revs=[older, newer])
    except gitrefs.GitError:
        return False
    return True


def _replace_cycle(org: Organisation, then: Organisation, cycle: str) -> None:
    for key in [k for k in org.cycle_files if k[1] == cycle]:
        if any(f.endswith(f"/{cycle}.yaml") and f"/{key[0]}/" in f"/{f}" for f in then.broken_files):
            continue  # unreadable at the tag: keep today's file
        now = org.cycle_files.pop(key)
        for objective in now.objectives:
            org.objectives.pop(objective.ref, None)
            for kr in objective.key_results:
                org.key_results.pop(kr.ref, None)
        old = then.cycle_files.get(key)
        if old is None:
            continue
        private_now = {o.id for o in now.objectives if org.is_private_objective(o)}
        objectives = []
        for objective in old.objectives:
            if then.is_private_objective(objective) or objective.id in private_now:
                objective = replace(objective, visibility="private")
            objectives.append(objective)
        org.cycle_files[key] = replace(old, objectives=objectives)
        for objective in objectives:
            org.objectives[objective.ref] = objective
            for kr in objective.key_results:
                org.key_results[kr.ref] = kr

"""The check-in history of KPIs (``<unit>/kpi/<id>``), each verified against its unit.yaml.

A KPI's check-in commit carries the same trailers as a key result's, with the
KPI's reference. As for key results, a trailer is a claim and the file is the
record: an entry counts only when the commit's version of the unit's
``unit.yaml`` holds that value as the KPI's ``current`` and its first parent's
version did not. Only commits whose message names a KPI are read (``git log
--grep``), and only the unit.yaml files of the units that have KPIs now, so this
stays cheap next to the key results' history. Values changed by hand without a
trailer are not part of a KPI's history.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from typing import Optional

from okrops.model import Organisation, is_kpi_ref
from okrops.numbers import is_finite
from okrops.record import gitlog
from okrops.record.history import CheckIn
from okrops.repository import UNIT_FILE


def read(org: Organisation) -> dict[str, list[CheckIn]]:
    """Verified check-ins of every KPI, oldest first, by reference; empty outside git."""
    toplevel = gitlog.git_toplevel(org.root)
    if toplevel is None or not gitlog.has_commits(toplevel):
        return {}
    top = os.path.realpath(toplevel)
    files = {unit.slug: os.path.relpath(os.path.realpath(os.path.join(org.okrs_dir, unit.folder, UNIT_FILE)), top)
             .replace(os.sep, "/") for unit in org.units.values() if unit.kpis}
    if not files:
        return {}
    claims = _claims(top, sorted(set(files.values())))
    wanted = [(sha, parents, files[ref.split("/")[0]]) for sha, parents, _when, _a, _e, groups in claims
              for ref, _value, _prev, _note in groups if ref.split("/")[0] in files]
    versions = _versions(top, wanted)
    found: dict[str, list[CheckIn]] = {}
    for sha, parents, when, author, email, groups in reversed(claims):  # oldest first
        for ref, value, previous, note in groups:
            unit, _kpi, kpi_id = ref.split("/")
            path = files.get(unit)
            if path is None or value is None:
                continue
            new = versions.get((sha, path), {}).get(kpi_id)
            old = versions.get((parents[0], path), {}).get(kpi_id) if parents else None
            if new is None or not _same(new, value) or (old is not None and _same(old, value)):
                continue  # the commit did not change the KPI to this value: not counted
            found.setdefault(ref, []).append(CheckIn(ref, value, None, note, author, email,
                                                     datetime.fromisoformat(when), sha, "checkin",
                                                     gitlog.parse_number(previous or "")))
    return found


def _same(a: float, b: float) -> bool:
    return gitlog.format_number(a) == gitlog.format_number(b)


def _claims(toplevel: str, paths: list[str]) -> list[tuple]:
    """(sha, parents, date, author, email, [(ref, value, previous, note)]) of commits naming a KPI, newest first."""
    args = ["log", *gitlog.LOG_OPTIONS, f"--format={gitlog.LOG_FORMAT}", "-E",
            f"--grep=^{gitlog.TRAILER_REF}: [^/]+/kpi/", "HEAD", "--", *paths]
    result = []
    with gitlog.GitProcess(toplevel, args) as process:
        for sha, parents, author, email, when, _subject, trailers in gitlog.read_commits(process):
            groups: list[list] = []
            for key, value in trailers:
                key = key.lower()
                if key == gitlog.TRAILER_REF.lower():
                    groups.append([value.strip(), None, None, ""])
                elif groups and key == gitlog.TRAILER_VALUE.lower():
                    groups[-1][1] = gitlog.parse_number(value)
                elif groups and key == gitlog.TRAILER_PREVIOUS.lower():
                    groups[-1][2] = value
                elif groups and key == gitlog.TRAILER_NOTE.lower():
                    groups[-1][3] = gitlog.decode_note(value)
            kpis = [tuple(g) for g in groups if is_kpi_ref(g[0])]
            if kpis:
                result.append((sha, parents, when, author, email, kpis))
    return result


def _versions(toplevel: str, wanted: list[tuple[str, list[str], str]]) -> dict[tuple[str, str], dict]:
    """{(commit, path): {kpi id: current}} for each commit and its first parent, read with one git cat-file."""
    requests: list[tuple[str, str]] = []
    for sha, parents, path in wanted:
        for commit in [sha, *parents[:1]]:
            if (commit, path) not in requests:
                requests.append((commit, path))
    if not requests:
        return {}
    batch = "".join(f"{commit}:{path}\n" for commit, path in requests).encode("utf-8")
    done = subprocess.run(["git", *gitlog.GIT_CONFIG, "cat-file", "--batch"], cwd=toplevel, input=batch,
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise gitlog.GitError(f"git cat-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    out, position, result = done.stdout, 0, {}
    for key in requests:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3:  # "<name> missing"
            result[key] = {}
            continue
        size = int(header[2])
        result[key] = _kpi_values(out[position:position + size])
        position += size + 1
    return result


def _kpi_values(data: bytes) -> dict[str, Optional[float]]:
    from okrops.yamlio import YamlProblem, decode, load_fast

    try:
        document = load_fast(decode(data))
    except YamlProblem:
        return {}
    kpis = document.get("kpis") if isinstance(document, dict) else None
    values = {}
    for kpi in kpis if isinstance(kpis, list) else []:
        if isinstance(kpi, dict) and isinstance(kpi.get("id"), str):
            current = kpi.get("current")
            values[kpi["id"]] = current if isinstance(current, (int, float)) and not isinstance(current, bool) \
                and is_finite(current) else None
    return values

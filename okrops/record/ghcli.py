"""The one way okrops talks to the repository host: the GitHub CLI, ``gh``, run as a process.

Every comment, label, issue, pull request and permission look-up goes through :func:`run`,
so a test replaces ``gh`` with a script of its own on PATH that records its arguments (a
real executable, run the same way), and a workflow gets ``gh``'s own authentication
(``GH_TOKEN``). The executable is ``gh`` on PATH, or ``OKROPS_GH`` when that is set.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any, Optional

from okrops.errors import OkropsError

TIMEOUT = 60  # seconds for one gh call


class GhError(OkropsError):
    """gh is missing, failed or timed out."""

    exit_code = 1


def executable() -> str:
    name = os.environ.get("OKROPS_GH") or "gh"
    found = shutil.which(name)
    if found is None:
        raise GhError(f"the GitHub CLI ({name}) is not installed or not on PATH: install it (it is on GitHub's "
                      "runners) and set GH_TOKEN")
    return found


def run(args: list[str], input: Optional[str] = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``gh ARGS`` (text in, text out); raise :class:`GhError` when it fails and ``check`` is set."""
    try:
        proc = subprocess.run([executable(), *args], input=input if input is not None else "", capture_output=True,
                              text=True, encoding="utf-8", errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GhError(f"gh {args[0] if args else ''} did not answer within {TIMEOUT} seconds") from None
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        what = " ".join(a for a in args[:5] if not a.startswith("-") and a not in ("GET", "POST", "PATCH"))
        raise GhError(f"gh {what} failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc


def api(path: str, *, method: str = "GET", fields: Optional[dict[str, Any]] = None, check: bool = True) -> Any:
    """``gh api PATH`` with a JSON body; the answer as JSON (None when empty or when it failed and not ``check``)."""
    args = ["api", "--method", method, path]
    body = None
    if fields:
        args += ["--input", "-"]
        body = json.dumps(fields)
    proc = run(args, input=body, check=check)
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise GhError(f"gh api {path} did not answer with JSON") from None


def comment(repo: str, number: int, body: str) -> None:
    api(f"repos/{repo}/issues/{number}/comments", method="POST", fields={"body": body})


def close_issue(repo: str, number: int) -> None:
    api(f"repos/{repo}/issues/{number}", method="PATCH", fields={"state": "closed", "state_reason": "completed"})


def permission(repo: str, login: str) -> str:
    """The user's permission on the repository: admin, maintain, write, triage, read or none."""
    answer = api(f"repos/{repo}/collaborators/{login}/permission", check=False)
    if not isinstance(answer, dict):
        return "none"
    return str(answer.get("role_name") or answer.get("permission") or "none")


def in_team(org: str, team: str, login: str) -> bool:
    answer = api(f"orgs/{org}/teams/{team}/memberships/{login}", check=False)
    return isinstance(answer, dict) and answer.get("state") == "active"

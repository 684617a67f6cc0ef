"""Helpers for the all-or-nothing check-in tests and the stress script (no tests here).

Real repositories, real ``okrops`` processes, and snapshots of everything that
"exactly as before" compares: HEAD, every ref and the reflogs, the index bytes and
its entries, every file of the work tree and every file under .git except the
object store (a failed commit may leave unreachable objects behind, as a failed
``git commit`` does; ``git gc`` removes them).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_checkin_support import make_org  # noqa: E402

OKROPS = [sys.executable, "-m", "okrops"]
FILES = {"platform": "okrs/acme/platform/2026-Q4.yaml", "data": "okrs/acme/data/2026-Q4.yaml"}
# key results of the test organisation: three in one file, one in another
KRS = ["platform/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR2", "platform/2026-Q4/O2/KR1", "data/2026-Q4/O1/KR1"]
TEMP_MARKERS = ("okrops-tmp-", ".okrops-new-", ".okrops-old-", "index.lock", "checkin.lock")

# Runs okrops' CLI once the barrier file exists, so that processes started together meet at the lock.
WORKER = """
import os, sys, time
import okrops.cli, okrops.record.checkin, okrops.repository, okrops.yamlio
barrier, ready = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(barrier):
    time.sleep(0.0005)
sys.argv = ["okrops", *sys.argv[3:]]
okrops.cli.main()
"""

# A plain `git commit` of one more line in notes.txt, once the barrier exists; retried while index.lock is busy.
PLAIN_COMMITTER = """
import os, subprocess, sys, time
barrier, ready, label = sys.argv[1], sys.argv[2], sys.argv[3]
open(ready, "w").close()
while not os.path.exists(barrier):
    time.sleep(0.0005)
with open("notes.txt", "a") as handle:
    handle.write(label + "\\n")
for attempt in range(400):
    if (subprocess.run(["git", "add", "notes.txt"], capture_output=True).returncode == 0 and
            subprocess.run(["git", "commit", "-q", "-m", "plain " + label], capture_output=True).returncode == 0):
        sys.exit(0)
    time.sleep(0.005)
sys.exit(1)
"""


# Inside a mount namespace (unshare -rm): a small tmpfs, filled to leave 0, 1, 2 ... pages free, one check-in each.
DISK_DRIVER = """
import json, os, shutil, subprocess, sys
sys.path.insert(0, sys.argv[1])
from checkin_atomic_support import OKROPS, clean_env, outcome, snapshot
template, mount, pages = sys.argv[2], sys.argv[3], int(sys.argv[4])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount], check=True)
results = []
for free in range(pages):
    repo = os.path.join(mount, "repo")
    shutil.copytree(template, repo, symlinks=True)
    before = snapshot(repo)
    filler = os.path.join(mount, "filler")
    stats = os.statvfs(mount)
    with open(filler, "wb") as handle:
        handle.write(b"x" * max(0, stats.f_bavail * stats.f_frsize - free * 4096))
    done = subprocess.run([*OKROPS, "checkin", "--repo", repo, "platform/2026-Q4/O1/KR2", "65"], cwd=repo,
                          env=clean_env(), capture_output=True, text=True)
    os.unlink(filler)
    try:
        state = outcome(__import__("pathlib").Path(repo), before, {"platform/2026-Q4/O1/KR2": 65.0})
    except AssertionError as exc:
        state = "broken: " + str(exc)
    results.append({"free_pages": free, "code": done.returncode, "stderr": done.stderr, "state": state})
    shutil.rmtree(repo)
print(json.dumps(results))
"""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a check-in: no developer config or identity, no test hooks unless asked."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "OKROPS_")) and k not in ("EMAIL",)}
    env.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_OPTIONAL_LOCKS": "0"})
    env.update(extra)
    return env


def git(repo: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env or clean_env())
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout


def make_repo(root: Path) -> Path:
    repo = make_org(root)
    (repo / "notes.txt").write_text("notes\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "notes")
    return repo


def _digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def snapshot(repo: Path) -> dict:
    """What 'exactly as before' compares (see the module docstring)."""
    work, meta = {}, {}
    for folder, dirs, files in os.walk(repo):
        rel_folder = Path(folder).relative_to(repo)
        if rel_folder.parts[:1] == (".git",):
            dirs[:] = [d for d in dirs if not (rel_folder == Path(".git") and d == "objects")]
            target = meta
        else:
            dirs[:] = [d for d in dirs if not (rel_folder == Path(".") and d == ".git")]
            target = work
        for name in files:
            target[(rel_folder / name).as_posix()] = _digest(Path(folder) / name)
        for name in dirs:
            target[(rel_folder / name).as_posix() + "/"] = "dir"
    return {"head": git(repo, "rev-parse", "HEAD").strip(),
            "branch": git(repo, "symbolic-ref", "-q", "HEAD", check=False).strip(),
            "stage": git(repo, "ls-files", "-s"), "work": work, "git": meta}


def strays(repo: Path) -> list[str]:
    """Temporary or lock files of okrops (or a git it ran) anywhere in the repository."""
    found = []
    for folder, _dirs, files in os.walk(repo):
        if "/objects" in folder:
            continue
        found += [os.path.join(folder, f) for f in files if any(m in f for m in TEMP_MARKERS)]
    return found


def trailers(repo: Path, commit: str) -> list[tuple[str, str]]:
    message = git(repo, "log", "-1", "--format=%B", commit)
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True,
                            text=True, check=True).stdout
    return [tuple(s.strip() for s in line.split(":", 1)) for line in parsed.splitlines() if ":" in line]


def value_in(text: str, ref: str):
    """The current value of key result ``ref`` in the text of its cycle file."""
    _unit, _cycle, objective, kr = ref.split("/")
    data = yaml.safe_load(text)
    for o in data["objectives"]:
        if o["id"] == objective:
            for k in o["key_results"]:
                if k["id"] == kr:
                    return k.get("current")
    raise KeyError(ref)


def value_at(repo: Path, commit: str, ref: str):
    return value_in(git(repo, "show", f"{commit}:{FILES[ref.split('/')[0]]}"), ref)


def check_commit_agrees(repo: Path, commit: str) -> list[tuple[str, float]]:
    """Each Okr-Checkin/Okr-Value pair of ``commit`` is what its own files say; returns the pairs."""
    pairs, ref = [], None
    for key, value in trailers(repo, commit):
        if key == "Okr-Checkin":
            ref = value
        elif key == "Okr-Value":
            assert ref is not None
            found = value_at(repo, commit, ref)
            assert float(found) == float(value), f"{commit[:10]}: trailer says {ref}={value}, its file says {found}"
            pairs.append((ref, float(value)))
    return pairs


def read_blobs(repo: Path, specs: list[str]) -> list[str]:
    """The text of each ``<commit>:<path>``, with one ``git cat-file --batch``."""
    data = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="".join(f"{s}\n" for s in specs).encode(),
                          capture_output=True, check=True, env=clean_env()).stdout
    texts, offset = [], 0
    for _spec in specs:
        end = data.index(b"\n", offset)
        size = int(data[offset:end].split()[2])
        texts.append(data[end + 1:end + 1 + size].decode())
        offset = end + 1 + size + 1
    return texts


def landed(repo: Path, base: str) -> list[tuple[str, str, float, object]]:
    """(commit, ref, value in its trailer, value in its own file) for every Okr-Checkin after ``base``, by git's reading."""
    sep = "%x1d"
    log = git(repo, "log", f"--format=%H%x1f%(trailers:key=Okr-Checkin,valueonly,separator={sep})%x1f"
              f"%(trailers:key=Okr-Value,valueonly,separator={sep})%x1e", f"{base}..HEAD")
    rows = []
    for record in log.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        commit, refs, values = record.split("\x1f")
        if refs:
            rows += [(commit, ref, float(v)) for ref, v in zip(refs.split("\x1d"), values.split("\x1d"))]
    texts = read_blobs(repo, [f"{c}:{FILES[ref.split('/')[0]]}" for c, ref, _v in rows])
    return [(c, ref, v, value_in(text, ref)) for (c, ref, v), text in zip(rows, texts)]


def assert_after(repo: Path, before: dict, expected: dict[str, float]) -> None:
    """One new commit on the old HEAD that holds ``expected``; index and files agree with it; nothing stray."""
    head = git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "rev-parse", "HEAD^").strip() == before["head"]
    assert dict(check_commit_agrees(repo, head)) == expected
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "ls-files", "-s") == git(repo, "ls-tree", "-r", "--format=%(objectmode) %(objectname) 0%x09%(path)",
                                             "HEAD")
    now = snapshot(repo)
    assert set(now["git"]) == set(before["git"]), "files under .git appeared or vanished"
    assert set(now["work"]) == set(before["work"])
    assert strays(repo) == []


def outcome(repo: Path, before: dict, expected: dict[str, float]) -> str:
    """'before' or 'after' (asserting it is exactly one of them)."""
    now = snapshot(repo)
    if now["head"] == before["head"]:
        assert now == before, _difference(before, now)
        assert strays(repo) == []
        return "before"
    assert_after(repo, before, expected)
    return "after"


def _difference(before: dict, now: dict) -> str:
    lines = []
    for key in before:
        if before[key] != now[key]:
            if isinstance(before[key], dict):
                changed = sorted(k for k in set(before[key]) | set(now[key]) if before[key].get(k) != now[key].get(k))
                lines.append(f"{key}: {changed}")
            else:
                lines.append(f"{key}: {before[key]!r} -> {now[key]!r}")
    return "not exactly as before: " + "; ".join(lines)


def interruptible() -> None:
    """In a child: Ctrl-C interrupts it, as in a terminal, even when the tests run where SIGINT is
    ignored (a background job without job control, which Python's children would inherit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(repo: Path, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
    popen.setdefault("preexec_fn", interruptible)
    return subprocess.Popen([*OKROPS, "checkin", "--repo", str(repo), *args], cwd=repo, env=env or clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def wait_for_pause(process: subprocess.Popen, timeout: float = 30) -> str:
    """The step a process started with OKROPS_TEST_PAUSE_AT stopped at ('' if it ended first).

    Other lines read on the way are kept in ``process.stderr_seen``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            return ""
        if line.startswith("okrops-test: paused at "):
            return line.split()[3]
        process.stderr_seen = getattr(process, "stderr_seen", "") + line  # type: ignore[attr-defined]
    raise AssertionError("the check-in never reached its pause")

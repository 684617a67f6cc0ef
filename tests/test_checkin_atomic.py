"""A check-in is all or nothing, under any interleaving (issue 8).

Real git repositories, real ``okrops checkin`` processes started together, real
signals (at fixed steps through OKROPS_TEST_PAUSE_AT, and after increasing delays),
failing hooks, a held index.lock and a full disk. After each: the repository is
exactly as before, or exactly as after (one new commit whose trailers agree with its
own files, index and files matching it), and nothing stray is left.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from checkin_atomic_support import (
    DISK_DRIVER,
    FILES,
    KRS,
    OKROPS,
    PLAIN_COMMITTER,
    WORKER,
    check_commit_agrees,
    clean_env,
    git,
    landed,
    make_repo,
    outcome,
    read_blobs,
    snapshot,
    start,
    strays,
    trailers,
    value_at,
    value_in,
    wait_for_pause,
)

KR = "platform/2026-Q4/O1/KR2"
BEFORE_STEPS = ["locked", "objects", "index-locked", "files", "hooks", "index"]
STEPS = BEFORE_STEPS + ["ref"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture
def repo(template, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template, copy, symlinks=True)
    return copy


def run_okrops(repo: Path, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*OKROPS, "checkin", "--repo", str(repo), *args], cwd=repo, env=env or clean_env(),
                          capture_output=True, text=True, timeout=timeout)


def finish(process: subprocess.Popen) -> int:
    """Wait for a process started with pipes, reading (and closing) them."""
    process.communicate(timeout=60)
    return process.returncode


def assert_clear_failure(done, codes=(1, 2)) -> None:
    assert done.returncode in codes, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("Error: ") or "Aborted!" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def hook(repo: Path, name: str, body: str) -> None:
    path = repo / ".git/hooks" / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)


# --- many processes at once ------------------------------------------------------------------


def _round(repo: Path, number: int, barrier: Path, plain: bool) -> dict:
    barrier.unlink(missing_ok=True)
    ready = barrier.parent / f"ready-{number}"
    ready.mkdir()
    values = {ref: 1000 * number + index for index, ref in enumerate(KRS)}
    processes = {ref: subprocess.Popen([sys.executable, "-c", WORKER, str(barrier), str(ready / str(index)), "checkin",
                                        "--repo", str(repo), ref, str(values[ref]), "-m", f"round {number}"],
                                       cwd=repo, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
                 for index, ref in enumerate(KRS)}
    committer = subprocess.Popen([sys.executable, "-c", PLAIN_COMMITTER, str(barrier), str(ready / "plain"),
                                  f"round-{number}"], cwd=repo, env=clean_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) if plain else None
    expected = len(processes) + (committer is not None)
    deadline = time.monotonic() + 60
    while len(os.listdir(ready)) < expected and time.monotonic() < deadline:
        time.sleep(0.005)  # every process is past its imports, waiting at the barrier
    barrier.touch()
    done = {ref: (p.wait(timeout=120), *p.communicate()) for ref, p in processes.items()}
    if committer is not None:
        out, err = committer.communicate(timeout=120)
        assert committer.returncode == 0, (out, err)
    return {"values": values, "done": done}


def test_parallel_checkins_in_one_clone_lose_nothing(repo, tmp_path):
    rounds, lost, successes, failures = 50, 0, 0, 0
    barrier = tmp_path / "go"
    for number in range(1, rounds + 1):
        head = git(repo, "rev-parse", "HEAD").strip()
        result = _round(repo, number, barrier, plain=number % 2 == 0)
        succeeded = {ref for ref, (code, _out, _err) in result["done"].items() if code == 0}
        for ref, (code, out, err) in result["done"].items():
            if code != 0:
                assert code in (1, 2) and err.startswith("Error: ") and "Traceback" not in err, (ref, code, out, err)
        new = git(repo, "rev-list", f"{head}..HEAD").split()
        plain = git(repo, "rev-list", "--grep=^plain ", f"{head}..HEAD").split()
        assert len(new) == len(succeeded) + len(plain) and len(plain) == (number % 2 == 0), number
        rows = landed(repo, head)
        assert sorted(ref for _c, ref, _v, _f in rows) == sorted(succeeded)
        for commit, ref, value, in_file in rows:
            assert in_file == value == result["values"][ref], (number, commit, ref, value, in_file)
        at_head = read_blobs(repo, [f"HEAD:{FILES[ref.split('/')[0]]}" for ref in succeeded])
        lost += sum(value_in(text, ref) != result["values"][ref] for ref, text in zip(succeeded, at_head))
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == "", number
        assert strays(repo) == [], number
        successes += len(succeeded)
        failures += len(result["done"]) - len(succeeded)
    print(f"\n{rounds} rounds x {len(KRS)} okrops processes (+ a plain git commit every other round): "
          f"{successes} check-ins landed, {failures} refused with a message, {lost} values lost")
    assert lost == 0
    assert successes >= rounds * len(KRS) // 2  # most land; the rest met a plain git commit's index.lock


# --- the compare-and-swap against a plain git commit ---------------------------------------


def _plain_commit(repo: Path, label: str, edit: tuple[str, str] | None = None) -> None:
    if edit is None:
        with (repo / "notes.txt").open("a") as handle:
            handle.write(label + "\n")
        git(repo, "add", "notes.txt")
    else:
        path = repo / edit[0]
        path.write_text(edit[1])
        git(repo, "add", edit[0])
    git(repo, "commit", "-q", "-m", f"plain {label}")


def test_branch_moved_by_a_plain_git_commit_is_retried_on_the_new_head(repo):
    process = start(repo, KR, "47", env=clean_env(OKROPS_TEST_PAUSE_AT="objects"))
    assert wait_for_pause(process) == "objects"
    _plain_commit(repo, "meanwhile")
    plain = git(repo, "rev-parse", "HEAD").strip()
    process.send_signal(signal.SIGUSR1)
    assert wait_for_pause(process) == "objects"  # the second attempt, from the new HEAD
    process.send_signal(signal.SIGUSR1)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert git(repo, "rev-parse", "HEAD^").strip() == plain
    assert check_commit_agrees(repo, "HEAD") == [(KR, 47.0)]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert strays(repo) == []


def test_a_plain_commit_to_the_same_file_meanwhile_keeps_both_values(repo):
    process = start(repo, KR, "48", env=clean_env(OKROPS_TEST_PAUSE_AT="objects"))
    assert wait_for_pause(process) == "objects"
    text = (repo / FILES["platform"]).read_text()
    _plain_commit(repo, "by hand", (FILES["platform"], text.replace("current: 400    #", "current: 333    #")))
    process.send_signal(signal.SIGUSR1)
    assert wait_for_pause(process) == "objects"
    process.send_signal(signal.SIGUSR1)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert value_at(repo, "HEAD", KR) == 48 and value_at(repo, "HEAD", "platform/2026-Q4/O1/KR1") == 333
    # the trailers read the file under the lock: the previous value is the one the commit replaced
    assert ("Okr-Previous", "38") in trailers(repo, "HEAD")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_branch_that_keeps_moving_fails_cleanly_after_a_few_attempts(repo):
    process = start(repo, KR, "49", env=clean_env(OKROPS_TEST_PAUSE_AT="index"))
    attempts = 0
    while wait_for_pause(process) == "index":
        attempts += 1
        # index.lock is held now, so move the branch the way other tools do without it
        commit = git(repo, "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", f"elsewhere {attempts}").strip()
        git(repo, "update-ref", "refs/heads/main", commit)
        process.send_signal(signal.SIGUSR1)
    out, err = process.communicate(timeout=60)
    err = getattr(process, "stderr_seen", "") + err
    assert process.returncode == 1 and attempts == 5
    assert "kept moving" in err and "Traceback" not in err
    assert git(repo, "log", "-1", "--format=%s").strip() == "elsewhere 5"
    assert value_in((repo / FILES["platform"]).read_text(), KR) == 38
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert strays(repo) == []


# --- signals -------------------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("step", STEPS)
def test_a_signal_at_any_step_leaves_exactly_before_or_after(repo, step, signum):
    before = snapshot(repo)
    process = start(repo, KR, "50", "-m", "interrupted", env=clean_env(OKROPS_TEST_PAUSE_AT=step))
    assert wait_for_pause(process) == step
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    expected = "after" if step == "ref" else "before"
    assert outcome(repo, before, {KR: 50.0}) == expected
    assert ("before the interrupt took effect" in err) == (expected == "after")
    if signum == signal.SIGINT:
        assert process.returncode == 1 and "Aborted!" in err  # click's answer to Ctrl-C
    else:
        assert process.returncode == -signum  # the signal's own end, after the repository was made whole
    assert "Traceback" not in err


def test_signals_after_increasing_delays(template, tmp_path):
    """Interrupt real check-ins at many moments; each ends exactly before or exactly after."""
    repo = tmp_path / "calibrate"
    shutil.copytree(template, repo, symlinks=True)
    began = time.monotonic()
    assert run_okrops(repo, KR, "51").returncode == 0
    total = time.monotonic() - began
    tally = {"before": 0, "after": 0}
    points = 40
    for index in range(points):
        repo = tmp_path / f"run{index}"
        shutil.copytree(template, repo, symlinks=True)
        before = snapshot(repo)
        process = start(repo, KR, "52")
        time.sleep(total * (0.4 + 0.75 * index / points))
        process.send_signal(signal.SIGINT if index % 2 else signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        tally[outcome(repo, before, {KR: 52.0})] += 1
        assert "Traceback" not in err
        shutil.rmtree(repo)
    print(f"\n{points} interrupts after 0.40..1.15 x {total:.2f} s: {tally}")


def test_ctrl_c_while_a_hook_runs_restores_everything(repo):
    hook(repo, "pre-commit", f"""\
        touch "{repo}/.git/hook-started"
        sleep 30
        """)
    before = snapshot(repo)
    process = start(repo, KR, "53", start_new_session=True)
    for _ in range(3000):
        if (repo / ".git/hook-started").exists():
            break
        time.sleep(0.01)
    (repo / ".git/hook-started").unlink()
    os.killpg(process.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "Aborted!" in err
    assert outcome(repo, before, {}) == "before"


# --- hooks, index.lock -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pre-commit", "prepare-commit-msg", "commit-msg"])
def test_a_rejecting_hook_leaves_exactly_before(repo, name):
    hook(repo, name, "echo 'policy: not today' >&2\nexit 1\n")
    before = snapshot(repo)
    done = run_okrops(repo, KR, "54")
    assert_clear_failure(done, codes=(1,))
    assert f"the {name} hook rejected it: policy: not today" in done.stderr
    assert outcome(repo, before, {}) == "before"


def test_hooks_get_the_private_index_and_the_message_file(repo):
    hook(repo, "pre-commit", f"""\
        git diff --cached --name-only > "{repo}/.git/staged-seen"
        grep -c 'current: 55' "{repo}/{FILES['platform']}" > "{repo}/.git/file-seen"
        """)
    hook(repo, "commit-msg", 'git interpret-trailers --in-place --trailer "Change-Id: I123" "$1"\n')
    hook(repo, "post-commit", f'git rev-parse HEAD > "{repo}/.git/post-seen"\n')
    (repo / "README.md").write_text("staged, not part of the check-in\n")
    git(repo, "add", "README.md")
    done = run_okrops(repo, KR, "55")
    assert done.returncode == 0, done.stderr
    assert (repo / ".git/staged-seen").read_text().split() == [FILES["platform"]]  # not README.md
    assert (repo / ".git/file-seen").read_text().strip() == "1"  # the working file is written first
    assert (repo / ".git/post-seen").read_text().strip() == git(repo, "rev-parse", "HEAD").strip()
    assert "Change-Id: I123" in git(repo, "log", "-1", "--format=%B")
    assert check_commit_agrees(repo, "HEAD") == [(KR, 55.0)]
    assert git(repo, "status", "--porcelain") == "A  README.md\n"


@pytest.mark.parametrize("script", ["sed -i 's/^Okr-Value: 56$/Okr-Value: 999/' \"$1\"\n",
                                    'printf "\\nA paragraph after the trailers\\n" >> "$1"\n'])
def test_a_hook_that_changes_the_trailers_is_refused(repo, script):
    hook(repo, "commit-msg", script)
    before = snapshot(repo)
    done = run_okrops(repo, KR, "56")
    assert_clear_failure(done, codes=(1,))
    assert "changed the check-in's Okr- trailers" in done.stderr
    assert outcome(repo, before, {}) == "before"


def test_a_pre_commit_hook_that_restages_the_file_is_refused(repo):
    hook(repo, "pre-commit", f"""\
        sed -i 's/current: 57/current: 1/' "{FILES['platform']}"
        git add "{FILES['platform']}"
        """)
    before = snapshot(repo)
    done = run_okrops(repo, KR, "57")
    assert_clear_failure(done, codes=(1,))
    assert "pre-commit hook changed" in done.stderr
    assert outcome(repo, before, {}) == "before"


def test_index_lock_held_by_another_git_refuses_before_changing_anything(repo):
    (repo / ".git/index.lock").write_bytes(b"")
    before = snapshot(repo)
    done = run_okrops(repo, KR, "58")
    assert_clear_failure(done, codes=(2,))
    assert "index.lock': File exists." in done.stderr and "Another git process seems to be running" in done.stderr
    assert snapshot(repo) == before  # the other git's lock is still there, untouched
    (repo / ".git/index.lock").unlink()
    assert run_okrops(repo, KR, "58").returncode == 0


# --- okrops' own lock ----------------------------------------------------------------------------


def test_a_held_lock_makes_others_wait_then_fail_naming_the_holder(repo):
    holder = start(repo, KR, "59", env=clean_env(OKROPS_TEST_PAUSE_AT="locked"))
    assert wait_for_pause(holder) == "locked"
    waiter = run_okrops(repo, "data/2026-Q4/O1/KR1", "80", env=clean_env(OKROPS_LOCK_TIMEOUT="0.5"))
    assert_clear_failure(waiter, codes=(2,))
    assert f"another okrops check-in (pid {holder.pid}" in waiter.stderr and "checkin.lock" in waiter.stderr
    holder.send_signal(signal.SIGUSR1)
    assert finish(holder) == 0
    assert run_okrops(repo, "data/2026-Q4/O1/KR1", "80").returncode == 0  # the waiter's turn
    assert strays(repo) == [] and not (repo / ".git/okrops").exists()


@pytest.mark.parametrize("step", ["locked", "objects"])
def test_a_killed_check_in_never_blocks_the_next(repo, step):
    victim = start(repo, KR, "60", env=clean_env(OKROPS_TEST_PAUSE_AT=step))
    assert wait_for_pause(victim) == step
    victim.kill()  # SIGKILL: no clean-up at all; the kernel drops the lock
    finish(victim)
    done = run_okrops(repo, KR, "61", env=clean_env(OKROPS_LOCK_TIMEOUT="5"))
    assert done.returncode == 0, done.stderr
    assert check_commit_agrees(repo, "HEAD") == [(KR, 61.0)]
    assert strays(repo) == []  # what the killed one left in .git was swept under the lock


def test_worktrees_share_the_lock_and_commit_on_their_own_branch(repo, tmp_path):
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "-b", "other", str(other))
    holder = start(repo, KR, "62", env=clean_env(OKROPS_TEST_PAUSE_AT="locked"))
    assert wait_for_pause(holder) == "locked"
    waiter = run_okrops(other, KR, "63", env=clean_env(OKROPS_LOCK_TIMEOUT="0.3"))
    assert_clear_failure(waiter, codes=(2,))
    holder.send_signal(signal.SIGUSR1)
    assert finish(holder) == 0
    done = run_okrops(other, KR, "63")
    assert done.returncode == 0, done.stderr
    assert value_at(repo, "main", KR) == 62 and value_at(repo, "other", KR) == 63
    assert git(other, "status", "--porcelain") == "" and git(repo, "status", "--porcelain") == ""


def test_signal_while_waiting_for_the_lock_changes_nothing(repo):
    holder = start(repo, KR, "64", env=clean_env(OKROPS_TEST_PAUSE_AT="locked"))
    assert wait_for_pause(holder) == "locked"
    before = snapshot(repo)
    waiter = start(repo, "data/2026-Q4/O1/KR1", "81")
    time.sleep(1.0)
    waiter.send_signal(signal.SIGTERM)
    assert finish(waiter) == -signal.SIGTERM
    after_waiter = snapshot(repo)
    assert after_waiter == before
    holder.send_signal(signal.SIGUSR1)
    assert finish(holder) == 0


# --- a full disk ---------------------------------------------------------------------------------

def _tmpfs_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null "
                            "|| mount -t tmpfs -o size=64k tmpfs /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _tmpfs_available(), reason="needs unshare -rm and tmpfs (user and mount namespaces)")
def test_a_disk_that_fills_at_any_step_leaves_exactly_before_or_after(template, tmp_path):
    """A small tmpfs, filled to leave 0, 1, 2 ... pages free, so the check-in runs out of space at every step."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    done = subprocess.run(["unshare", "-rm", sys.executable, "-c", DISK_DRIVER, str(Path(__file__).parent),
                           str(template), str(mount), "32"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for result in results:
        assert result["state"] in ("before", "after"), result
        if result["state"] == "before":
            assert result["code"] == 1 and result["stderr"].startswith("Error: "), result
            assert "Traceback" not in result["stderr"]
            assert "disk is full" in result["stderr"] or "No space left" in result["stderr"], result
        else:
            assert result["code"] == 0, result
    states = [r["state"] for r in results]
    assert states[0] == "before" and states[-1] == "after"
    messages = {r["stderr"].split("nothing was checked in: ")[-1].split(":")[0] for r in results
                if r["state"] == "before"}
    print(f"\nfull tmpfs, 0..{len(results) - 1} pages free: {states.count('before')} refused exactly as before "
          f"at {len(messages)} different steps, {states.count('after')} landed")


@pytest.mark.parametrize("limit", [0, 300, 600, 900, 2000, 50000])
def test_a_file_size_limit_at_any_size_leaves_exactly_before_or_after(repo, limit):
    """RLIMIT_FSIZE on the check-in and the gits it runs: EFBIG (or SIGXFSZ) wherever a file grows too big."""
    before = snapshot(repo)

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([*OKROPS, "checkin", "--repo", str(repo), KR, "66"], cwd=repo, env=clean_env(),
                          capture_output=True, text=True, preexec_fn=limited, timeout=60)
    state = outcome(repo, before, {KR: 66.0})
    if state == "before":
        assert_clear_failure(done, codes=(1,))
    else:
        assert done.returncode == 0


# --- identity --------------------------------------------------------------------------------------


def _no_identity_env(home: Path, **extra: str) -> dict:
    env = clean_env(HOME=str(home), **extra)
    del env["GIT_CONFIG_GLOBAL"]  # git reads $HOME/.gitconfig, which does not exist
    return env


def test_no_identity_is_refused_with_gits_advice(repo, tmp_path):
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    home = tmp_path / "home"
    home.mkdir()
    before = snapshot(repo)
    done = run_okrops(repo, KR, "67", env=_no_identity_env(home))
    assert_clear_failure(done, codes=(2,))
    for text in ("Author identity unknown", "*** Please tell me who you are.",
                 'git config --global user.email "you@example.com"', 'git config --global user.name "Your Name"'):
        assert text in done.stderr
    assert snapshot(repo) == before


@pytest.mark.parametrize("config, extra, refused", [
    ({"user.email": "a@example.com"}, {}, "Author"),  # a name guessed from the passwd entry is not explicit
    ({"user.name": "A"}, {}, "Author"),  # nor an e-mail guessed from the host name
    ({"user.name": "A"}, {"EMAIL": "a@example.com"}, "A <a@example.com>|A <a@example.com>"),
    ({}, {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com"}, "Committer"),
    ({}, {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "C",
          "GIT_COMMITTER_EMAIL": "c@example.com"}, "A <a@example.com>|C <c@example.com>"),
    ({"author.name": "A", "author.email": "a@example.com", "committer.name": "C", "committer.email": "c@example.com"},
     {}, "A <a@example.com>|C <c@example.com>"),
])
def test_identity_must_be_explicit(repo, tmp_path, config, extra, refused):
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    for key, value in config.items():
        git(repo, "config", key, value)
    home = tmp_path / "home"
    home.mkdir()
    done = run_okrops(repo, KR, "68", env=_no_identity_env(home, **extra))
    if "|" not in refused:
        assert_clear_failure(done, codes=(2,))
        assert f"{refused} identity unknown" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == refused


def test_the_library_author_parameter_needs_no_config(repo, tmp_path, monkeypatch):
    from okrops.record import checkin as core
    from okrops.repository import load

    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    monkeypatch.setenv("HOME", str(tmp_path))
    stamp = core.parse_date("2026-11-02T10:30:00+01:00")
    core.checkin(load(repo).organisation, [core.Request(KR, "69")], author=("Ada", "ada@example.com"),
                 when=stamp, commit_date=stamp)
    assert git(repo, "log", "-1", "--format=%an|%ae|%cn|%aI|%cI").strip() == \
        "Ada|ada@example.com|Ada|2026-11-02T10:30:00+01:00|2026-11-02T10:30:00+01:00"


# --- dates ----------------------------------------------------------------------------------------


def _cycle_relative_to_today(repo: Path, start: date, end: date) -> None:
    config = repo / "okrs/okrops.yaml"
    text = config.read_text().replace("start: 2026-10-01", f"start: {start}").replace("end: 2026-12-31", f"end: {end}")
    config.write_text(text)
    git(repo, "commit", "-q", "-am", "cycle dates")


@pytest.mark.parametrize("offset, extra, message", [
    (timedelta(days=2), [], "is in the future"),
    (timedelta(minutes=5), [], "is in the future"),
    (timedelta(seconds=20), [], None),  # within a minute of skew
    (-timedelta(days=75), [], "before platform/2026-Q4/O1/KR2's cycle 2026-Q4 starts (it runs from"),
    (-timedelta(days=75), ["--allow-before-cycle"], None),
    (-timedelta(days=5), [], None),  # after the cycle ended: a late check-in is real
    (-timedelta(days=5), ["--allow-before-cycle"], None),
])
def test_check_in_dates(repo, offset, extra, message):
    today = date.today()
    start_day, end_day = today - timedelta(days=60), today - timedelta(days=10)
    _cycle_relative_to_today(repo, start_day, end_day)
    when = (datetime.now().astimezone() + offset).replace(microsecond=0).isoformat()
    before = snapshot(repo)
    done = run_okrops(repo, KR, "70", "--date", when, *extra)
    if message:
        assert_clear_failure(done, codes=(2,))
        assert message in done.stderr
        if "cycle" in message:
            assert f"{start_day} to {end_day}" in done.stderr and "--allow-before-cycle" in done.stderr
        assert snapshot(repo) == before
    else:
        assert done.returncode == 0, done.stderr
        assert git(repo, "log", "-1", "--format=%aI").strip() == when


@pytest.mark.parametrize("extra", [[], ["--date", "{today}"], ["--date", "{now}"]])
def test_a_check_in_dated_now_before_its_cycle_starts_is_refused_like_a_back_dated_one(repo, extra):
    """Without --date a check-in is dated now: the cycle rule is the same as for --date today."""
    today = date.today()
    start_day, end_day = today + timedelta(days=10), today + timedelta(days=100)
    _cycle_relative_to_today(repo, start_day, end_day)
    now = datetime.now().astimezone().replace(microsecond=0).isoformat()
    extra = [part.format(today=today, now=now) for part in extra]
    before = snapshot(repo)
    done = run_okrops(repo, KR, "70", *extra)
    assert_clear_failure(done, codes=(2,))
    assert f"before {KR}'s cycle 2026-Q4 starts (it runs from {start_day} to {end_day})" in done.stderr
    assert "--allow-before-cycle" in done.stderr
    assert snapshot(repo) == before
    done = run_okrops(repo, KR, "70", *extra, "--allow-before-cycle")
    assert done.returncode == 0, done.stderr
    assert "Okr-Value: 70" in git(repo, "log", "-1", "--format=%B")


def test_a_date_alone_today_is_not_the_future(repo):
    done = run_okrops(repo, KR, "71", "--date", date.today().isoformat())
    assert done.returncode == 0, done.stderr


# --- options that must not become commands ------------------------------------------------------


@pytest.mark.parametrize("remote", ["--receive-pack=touch {marker}", "--upload-pack=touch {marker}",
                                    "-oProxyCommand=touch {marker}", "--exec=touch {marker}"])
def test_a_remote_that_reads_as_an_option_runs_nothing(repo, tmp_path, remote):
    marker = tmp_path / "PWNED"
    git(repo, "config", "push.default", "current")  # with it, the old code ran the command
    before = snapshot(repo)
    done = run_okrops(repo, KR, "72", "--push", "--branch", "week/48", f"--remote={remote.format(marker=marker)}")
    assert_clear_failure(done, codes=(2,))
    assert "invalid remote" in done.stderr
    assert not marker.exists()
    assert snapshot(repo) == before


@pytest.mark.parametrize("branch", ["-b", "--orphan", "@{-1}", "HEAD", "a..b", "a b", "x.lock", "bad\nname", "a:b"])
def test_a_branch_name_git_would_not_take_as_it_is_is_refused(repo, branch):
    git(repo, "checkout", "-q", "-b", "previous")
    git(repo, "checkout", "-q", "main")
    before = snapshot(repo)
    done = run_okrops(repo, KR, "73", f"--branch={branch}")
    assert_clear_failure(done, codes=(2,))
    assert "invalid branch name" in done.stderr
    assert snapshot(repo) == before


def test_push_to_a_path_and_a_new_branch_still_work(repo, tmp_path):
    remote = tmp_path / "odd remote; name.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    done = run_okrops(repo, KR, "74", "--branch", "checkin/wk-48", "--push", "--remote", str(remote))
    assert done.returncode == 0, done.stderr
    assert git(remote, "rev-parse", "checkin/wk-48").strip() == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/checkin/wk-48"
    assert git(repo, "rev-parse", "main").strip() == git(repo, "rev-parse", "HEAD^").strip()
    assert "checkout: moving from main to checkin/wk-48" in git(repo, "reflog", "-1", "HEAD")


# --- with the pre-commit framework's own hook -------------------------------------------------


def test_the_pre_commit_framework_runs_and_unstaged_work_survives(tmp_path):
    """okrops' own pre-commit hooks (validate, lint) through the real pre-commit, with unstaged work elsewhere."""
    import yaml

    from okrops.rhythm.scaffold import init

    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    repo = tmp_path / "repo"
    init(repo, "Acme", today=date(2026, 11, 20))
    manifest = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    local = [{**{k: v for k, v in h.items() if k != "description"}, "language": "system"} for h in manifest]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    env = clean_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), OKROPS_TODAY="2026-11-20",
                    PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Test"], ["config", "user.email", "t@example.com"],
                 ["add", "-A"]):
        git(repo, *args, env=env)
    assert subprocess.run([pre_commit, "install"], cwd=repo, env=env, capture_output=True).returncode == 0
    first = subprocess.run(["git", "commit", "-q", "-m", "OKRs"], cwd=repo, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    (repo / "README.md").write_text("unstaged work in progress\n")
    from okrops.repository import load

    ref = sorted(load(repo).organisation.key_results)[0]
    done = subprocess.run([*OKROPS, "checkin", ref, "7", "-m", "through pre-commit"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "okrops validate" in done.stderr and "Passed" in done.stderr  # the hook ran, on the check-in
    assert (repo / "README.md").read_text() == "unstaged work in progress\n"
    assert git(repo, "status", "--porcelain", env=env) == " M README.md\n"
    assert ("Okr-Value", "7") in trailers(repo, "HEAD")

"""Evidence: commits and merged pull requests that name a key result or initiative (okrops.record.evidence)."""

from __future__ import annotations

import json

import pytest

from okrops.record import evidence
from okrops.repository import load
from record_repo import example_repo, git, okrops

KR = "commercial/2026-Q4/O2/KR2"
PRIVATE_KR = "customer-success/2026-Q4/O3/KR1"
INITIATIVE = "customer-success/2026-Q4/I1"


def commit(repo, message: str, name: str = "Dev", day: str = "2026-10-20", file: str = "work.txt") -> str:
    path = repo / file
    path.write_text(path.read_text() + "x\n" if path.exists() else "x\n")
    git(repo, "add", file)
    git(repo, "commit", "-qm", message, name=name, day=day)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("evidence")
    repo = example_repo(base / "repo")
    delivery = base / "delivery"
    delivery.mkdir()
    git(delivery, "init", "-q", "-b", "main")
    shas = {
        "trailer": commit(delivery, f"Onboarding checklist in the app\n\nFaster go-live.\n\nOkr-Evidence: {KR}\n",
                          name="Ana", day="2026-10-14"),
        "message": commit(delivery, f"Site survey tool (#31)\n\nMoves {KR}, see {INITIATIVE}.", name="Ben",
                          day="2026-10-21"),
        "unrelated": commit(delivery, "Refactor src/api/handler.py", day="2026-10-22"),
        "unknown": commit(delivery, "For commercial/2026-Q4/O9/KR9, which does not exist", day="2026-10-23"),
        "mixed": commit(delivery, f"Both {KR} and {PRIVATE_KR}", day="2026-10-24"),
    }
    with (repo / "okrs/okrops.yaml").open("a", encoding="utf-8") as config:
        config.write("evidence:\n  repositories:\n    - path: ../delivery\n      name: delivery\n"
                     "      url: https://git.example.com/delivery\n    - ../missing\n")
    git(repo, "commit", "-qam", f"Read evidence from delivery; about {KR}", name="Ola", day="2026-10-25")
    shas["okr-repo"] = git(repo, "rev-parse", "HEAD").strip()
    done = okrops(repo, "checkin", KR, "53", "-c", "0.6", "--date", "2026-10-26", day="2026-10-26",
                  env={"OKROPS_TODAY": "2026-10-26"})
    assert done.returncode == 0, done.stderr
    return repo, shas


def test_trailers_and_references_in_messages_here_and_in_delivery_repositories(repos):
    repo, shas = repos
    org = load(repo).organisation
    index = evidence.read(org)
    found = {(e.commit, e.how, e.repository) for e in index.of(KR)}
    assert found == {(shas["trailer"], "trailer", "delivery"), (shas["message"], "message", "delivery"),
                     (shas["mixed"], "message", "delivery"), (shas["okr-repo"], "message", "OKR repository")}
    by_commit = {e.commit: e for e in index.of(KR)}
    trailer = by_commit[shas["trailer"]]
    assert (trailer.title, trailer.author, trailer.day.isoformat()) == ("Onboarding checklist in the app", "Ana",
                                                                         "2026-10-14")
    assert trailer.url == f"https://git.example.com/delivery/commit/{shas['trailer']}"
    assert by_commit[shas["message"]].pull_request == "31"
    assert [e.commit for e in index.of(INITIATIVE)] == [shas["message"]]
    assert by_commit[shas["mixed"]].others == ()  # the private key result is known to the whole organisation
    assert any("missing" in p for p in index.problems)


def test_a_commit_naming_something_not_asked_for_says_so(repos):
    repo, shas = repos
    index = evidence.read(load(repo).organisation, [KR])
    assert {e.commit: e.others for e in index.of(KR)}[shas["mixed"]] == (PRIVATE_KR,)


def test_check_ins_are_not_evidence(repos):
    repo, _shas = repos
    checkin = git(repo, "rev-parse", "HEAD").strip()
    assert all(e.commit != checkin for e in evidence.read(load(repo).organisation).of(KR))


def test_history_evidence_in_the_terminal_and_as_json(repos):
    repo, shas = repos
    done = okrops(repo, "history", KR, "--evidence", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["count"] == 4 and [e["commit"] for e in data["evidence"]][0] == shas["okr-repo"]
    assert "missing" in done.stderr
    text = okrops(repo, "history", "commercial", "--evidence").stdout
    assert "Onboarding checklist in the app" in text and "6 pieces of evidence" in text  # the units below too
    none = okrops(repo, "history", "commercial/2026-Q4/O1/KR1", "--evidence")
    assert none.returncode == 0 and "No evidence found" in none.stdout
    wrong = okrops(repo, "history", "nope/2026-Q4/O1/KR1", "--evidence")
    assert wrong.returncode == 2 and "unknown reference" in wrong.stderr
    both = okrops(repo, "history", "--evidence", "--stale")
    assert both.returncode == 2 and "do not go together" in both.stderr


def test_evidence_as_of_a_day_reads_the_okr_repository_then(repos):
    repo, shas = repos
    done = okrops(repo, "history", KR, "--evidence", "--format", "json", "--as-of", "2026-10-24")
    assert done.returncode == 0, done.stderr
    assert shas["okr-repo"] not in {e["commit"] for e in json.loads(done.stdout)["evidence"]}


def test_evidence_as_of_a_day_reads_delivery_repositories_up_to_then(repos, tmp_path):
    """Time travel: a delivery repository's later commits are not evidence as of an earlier day."""
    import shutil

    repo, _shas = repos
    shutil.copytree(repo.parent, tmp_path / "copy", symlinks=True)
    copy = tmp_path / "copy" / repo.name
    late = commit(tmp_path / "copy" / "delivery", f"Self-serve onboarding\n\nOkr-Evidence: {KR}\n", name="Cy",
                  day="2026-11-02")
    git(copy, "commit", "-q", "--allow-empty", "-m", "A later commit here", day="2026-11-03")
    now = okrops(copy, "history", KR, "--evidence", "--format", "json")
    then = okrops(copy, "history", KR, "--evidence", "--format", "json", "--as-of", "2026-10-27")
    assert now.returncode == 0 and then.returncode == 0, (now.stderr, then.stderr)
    assert late in {e["commit"] for e in json.loads(now.stdout)["evidence"]}
    assert late not in {e["commit"] for e in json.loads(then.stdout)["evidence"]}


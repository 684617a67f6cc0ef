"""Privacy fails closed in every shared output, not only the site (issue 8, outside attacks).

The weekly digest and the cycle review go to issues, chats and the site, so without
``--show-private`` they follow the site's rule: no private unit's name, and no note written
while a reference was private, even after the reference was reused by a public objective.
Real repositories in git, real ``okrops`` processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from record_repo import example_repo, git, okrops, replace

DEPLOYMENT = "okrs/kestrel/commercial/deployment/2026-Q4.yaml"
PRIVATE_OBJECTIVE = """
  - id: O9
    title: Secret-title-o9
    visibility: private
    key_results:
      - id: KR1
        title: Secret-kr-title
        metric: m
        unit: x
        baseline: 0
        target: 10
        current: 1
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = example_repo(tmp_path_factory.mktemp("privacy-attacks") / "org")
    text = (root / DEPLOYMENT).read_text()
    (root / DEPLOYMENT).write_text(text.replace("\ninitiatives:", PRIVATE_OBJECTIVE + "\ninitiatives:", 1)
                                   if "\ninitiatives:" in text else text + PRIVATE_OBJECTIVE)
    git(root, "commit", "-qam", "A private objective", day="2026-11-02")
    done = okrops(root, "checkin", "deployment/2026-Q4/O9/KR1", "4", "-m", "Secret-note-while-private",
                  day="2026-11-03")
    assert done.returncode == 0, done.stderr
    # the reference is reused: the objective is public now, under a new title
    replace(root, DEPLOYMENT, "    visibility: private\n", "")
    replace(root, DEPLOYMENT, "Secret-title-o9", "Public now")
    replace(root, DEPLOYMENT, "Secret-kr-title", "Public key result")
    git(root, "commit", "-qam", "O9 is public now", day="2026-11-04")
    # a private unit with a name of its own
    (root / "okrs/kestrel/hidden").mkdir()
    (root / "okrs/kestrel/hidden/unit.yaml").write_text("name: Secret-unit-name\nkind: team\nvisibility: private\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "A private unit", day="2026-11-04")
    return root


SHARED = [
    ("report", "review", "--cycle", "2026-Q4", "--as-of", "2026-12-20", "--format", "markdown"),
    ("report", "review", "--cycle", "2026-Q4", "--as-of", "2026-12-20", "--format", "json"),
    ("report", "review", "--cycle", "2026-Q4", "--as-of", "2026-12-20", "--format", "html"),
    ("report", "week", "--as-of", "2026-11-05", "--format", "markdown"),
    ("report", "week", "--as-of", "2026-11-05", "--format", "json"),
    ("report", "week", "--as-of", "2026-11-09", "--format", "json"),
]


@pytest.mark.parametrize("args", SHARED, ids=" ".join)
def test_shared_reports_show_nothing_written_while_private(repo, args):
    done = okrops(repo, *args)
    assert done.returncode == 0, done.stderr
    assert "Secret-" not in done.stdout


def test_the_review_still_shows_the_public_part_and_everything_when_asked(repo):
    args = ("report", "review", "--cycle", "2026-Q4", "--as-of", "2026-12-20", "--format", "json")
    public = okrops(repo, *args).stdout
    assert "deployment/2026-Q4/O9/KR1" in public and "Public key result" in public
    everything = okrops(repo, *args, "--show-private").stdout
    assert "Secret-note-while-private" in everything


def test_the_digest_names_private_units_only_when_asked(repo):
    args = ("report", "week", "--as-of", "2026-11-05", "--format", "json")
    assert "Secret-unit-name" in okrops(repo, *args, "--show-private").stdout
    assert "Secret-unit-name" not in okrops(repo, *args).stdout

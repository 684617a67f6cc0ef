"""Target, baseline and range changes of key results as they reached the main line (okrops.record.targets)."""

from __future__ import annotations

from datetime import date

import pytest

from okrops.record.targets import target_changes
from record_repo import COMMERCIAL, example_repo, git, merge_branch, okrops, replace

CS = "okrs/kestrel/commercial/customer-success/2026-Q4.yaml"
FLEET = "okrs/kestrel/engineering/fleet-platform/2026-Q4.yaml"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = example_repo(tmp_path_factory.mktemp("targets") / "repo")
    done = okrops(repo, "checkin", "commercial/2026-Q4/O2/KR2", "53", "-c", "0.6", "--date", "2026-10-05",
                  day="2026-10-05", env={"OKROPS_TODAY": "2026-10-05"})
    assert done.returncode == 0, done.stderr
    merge_branch(repo, "lower-target", [(COMMERCIAL, "target: 70", "target: 65")], "Lower the go-live target",
                 author="Bob", merger="Mia", day="2026-10-09", subject="Merge pull request #12 from kestrel/lower-target")
    replace(repo, COMMERCIAL, "baseline: 14", "baseline: 13")
    git(repo, "commit", "-qam", "Correct a baseline", name="Cy", day="2026-10-10")
    replace(repo, COMMERCIAL, "target: 75\n", "target: 75.0\n")  # the same number written differently
    replace(repo, FLEET, "range: {min: 0, max: 250}", "range: {min: 0, max: 300}")
    replace(repo, CS, "target: 52", "target: 50")  # an objective that is private
    git(repo, "commit", "-qam", "Widen a range, reformat a target, move a private target", name="Dee", day="2026-10-12")
    git(repo, "switch", "-q", "-c", "wip")  # never merged
    replace(repo, COMMERCIAL, "target: 36", "target: 40")
    git(repo, "commit", "-qam", "Not merged", name="Eve", day="2026-10-13")
    git(repo, "switch", "-q", "main")
    return repo


def test_every_change_with_when_who_and_how_it_was_merged(repo):
    found = target_changes(str(repo), str(repo / "okrs"))
    lowered = found["commercial/2026-Q4/O2/KR2"]
    assert [(c.field, c.old, c.new, c.day, c.author, c.merged_by, c.pull_request) for c in lowered] == [
        ("target", 70, 65, date(2026, 10, 9), "Bob", "Mia", "12")]
    assert lowered[0].commit == git(repo, "rev-parse", "lower-target").strip()
    assert lowered[0].merge == git(repo, "rev-parse", "HEAD~2").strip()
    baseline = found["commercial/2026-Q4/O2/KR1"]
    assert [(c.field, c.old, c.new, c.author, c.merge, c.merged_by) for c in baseline] == [
        ("baseline", 14, 13, "Cy", "", "")]
    assert [(c.field, c.old, c.new) for c in found["fleet-platform/2026-Q4/O3/KR1"]] == [("range max", 250, 300)]


def test_check_ins_reformatting_and_unmerged_branches_are_not_changes(repo):
    found = target_changes(str(repo), str(repo / "okrs"))
    assert "commercial/2026-Q4/O1/KR1" not in found  # 75 -> 75.0
    assert "commercial/2026-Q4/O1/KR2" not in found  # on a branch never merged
    assert set(found) == {"commercial/2026-Q4/O2/KR2", "commercial/2026-Q4/O2/KR1", "fleet-platform/2026-Q4/O3/KR1",
                          "customer-success/2026-Q4/O3/KR1"}


def test_a_change_to_a_private_objective_is_marked_private(repo):
    found = target_changes(str(repo), str(repo / "okrs"))
    assert [c.private for c in found["customer-success/2026-Q4/O3/KR1"]] == [True]
    assert not any(c.private for ref, changes in found.items() if ref.startswith("commercial/") for c in changes)


def test_as_of_a_commit_only_what_had_reached_it(repo):
    before_baseline = git(repo, "rev-parse", "HEAD~2").strip()  # the merge of #12
    found = target_changes(str(repo), str(repo / "okrs"), before_baseline)
    assert set(found) == {"commercial/2026-Q4/O2/KR2"}


def test_outside_git_nothing(tmp_path):
    assert target_changes(str(tmp_path), str(tmp_path / "okrs")) == {}

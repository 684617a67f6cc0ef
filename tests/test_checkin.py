"""okrops checkin: round-trip edits, commits with trailers, safety."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from okrops.record import checkin as core
from okrops.cli.checkins import checkin as checkin_cmd
from okrops.errors import OkropsError, UnknownReference, UsageError
from test_checkin_support import (  # noqa: F401 - fixtures
    PLATFORM_Q4,
    git,
    isolated_git,
    load_org,
    org_repo,
    run_cli,
    write,
)

PLATFORM = "okrs/acme/platform/2026-Q4.yaml"


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def test_single_checkin_changes_exactly_two_lines_byte_for_byte(org_repo):
    org = load_org(org_repo)
    result = core.checkin(org, [core.Request("platform/2026-Q4/O1/KR2", "42", "0.6", "Two big customers migrated")])
    expected = PLATFORM_Q4.replace("        current: 38\n        confidence: 0.70\n",
                                   "        current: 42\n        confidence: 0.6\n")
    assert expected != PLATFORM_Q4
    assert (org_repo / PLATFORM).read_bytes() == expected.encode()
    assert result.subject == "Check-in platform O1/KR2: 38 -> 42, confidence 0.6"
    assert git(org_repo, "log", "-1", "--format=%s").strip() == result.subject
    assert git(org_repo, "show", "--name-only", "--format=", "HEAD").split() == [PLATFORM]
    assert git(org_repo, "status", "--porcelain") == ""
    # the in-memory model follows
    assert org.key_results["platform/2026-Q4/O1/KR2"].current == 42


def test_comment_on_the_value_line_is_kept_and_ints_stay_ints(org_repo):
    org = load_org(org_repo)
    core.checkin(org, [core.Request("platform/2026-Q4/O1/KR1", "350", None)])
    text = (org_repo / PLATFORM).read_text()
    assert "        current: 350    # measured weekly\n" in text
    assert text == PLATFORM_Q4.replace("current: 400    # measured weekly", "current: 350    # measured weekly")


def test_missing_current_and_confidence_are_inserted_after_target(org_repo):
    org = load_org(org_repo)
    core.checkin(org, [core.Request("platform/2026-Q4/O1/KR3", "99.5", "1")])
    text = (org_repo / PLATFORM).read_text()
    assert text == PLATFORM_Q4.replace("        target: 99.9\n",
                                       "        target: 99.9\n        current: 99.5\n        confidence: 1\n")


def test_trailers_read_back_identically_by_git_interpret_trailers(org_repo):
    org = load_org(org_repo)
    core.checkin(org, [
        core.Request("platform/2026-Q4/O1/KR2", "42", "0.6", "Two big customers migrated"),
        core.Request("platform/2026-Q4/O2/KR1", "25.5", None, ""),
    ])
    message = git(org_repo, "log", "-1", "--format=%B")
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True,
                            text=True, check=True).stdout
    assert parsed.splitlines() == [
        "Okr-Checkin: platform/2026-Q4/O1/KR2",
        "Okr-Value: 42",
        "Okr-Previous: 38",
        "Okr-Confidence: 0.6",
        'Okr-Note: "Two big customers migrated"',
        "Okr-Checkin: platform/2026-Q4/O2/KR1",
        "Okr-Value: 25.5",
        "Okr-Previous: 22",
    ]
    assert message.splitlines()[0] == "Check-in platform: 2 key results"
    # git's own trailer reader in log agrees too
    keys = git(org_repo, "log", "-1", "--format=%(trailers:key=Okr-Value,valueonly)").split()
    assert keys == ["42", "25.5"]


@pytest.mark.parametrize("note", [
    "line one\nOkr-Value: 999\nOkr-Checkin: data/2026-Q4/O1/KR1",
    "Signed-off-by: Mallory <m@example.com>",
    "before\n\nOkr-Value: 999\n\nafter",
    "ends the message\n---\nOkr-Value: 999",
    "# not a comment\n  indented: yes\n",
])
def test_a_note_cannot_forge_or_break_a_trailer(org_repo, note):
    org = load_org(org_repo)
    core.checkin(org, [core.Request("data/2026-Q4/O1/KR1", "80", "0.5", note)])
    message = git(org_repo, "log", "-1", "--format=%B")
    parsed = subprocess.run(["git", "interpret-trailers", "--parse"], input=message, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    assert parsed[:4] == ["Okr-Checkin: data/2026-Q4/O1/KR1", "Okr-Value: 80", "Okr-Previous: 75",
                          "Okr-Confidence: 0.5"]
    assert len(parsed) == 5 and parsed[4].startswith("Okr-Note: ")
    from okrops.record.history import read_history

    [entry] = read_history(load_org(org_repo))
    assert (entry.ref, entry.value, entry.confidence) == ("data/2026-Q4/O1/KR1", 80, 0.5)
    assert entry.note == note.strip()


def test_failing_pre_commit_hook_restores_files_exactly(org_repo):
    hook = org_repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy: no check-ins today' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = {p: (org_repo / p).read_bytes() for p in (PLATFORM, "okrs/acme/data/2026-Q4.yaml")}
    old_head = head(org_repo)
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(_csv(org_repo))])
    assert result.exit_code == 1
    assert "hook rejected it" in result.output and "policy: no check-ins today" in result.output
    assert "Traceback" not in result.output
    for path, raw in before.items():
        assert (org_repo / path).read_bytes() == raw
    assert head(org_repo) == old_head
    assert git(org_repo, "status", "--porcelain", "--untracked-files=all") == "?? checkins.csv\n"


def test_commit_msg_hook_failure_also_restores(org_repo):
    hook = org_repo / ".git/hooks/commit-msg"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = (org_repo / PLATFORM).read_bytes()
    with pytest.raises(core.CommitFailed):
        core.checkin(load_org(org_repo), [core.Request("platform/2026-Q4/O1/KR2", "40")])
    assert (org_repo / PLATFORM).read_bytes() == before


def _csv(repo: Path) -> Path:
    path = repo / "checkins.csv"
    path.write_text("ref,value,confidence,note\n"
                    "platform/2026-Q4/O1/KR2,44,0.8,\"Three more, all big\"\n"
                    "data/2026-Q4/O1/KR1,77,,\n")
    return path


def test_batch_from_csv_makes_one_commit(org_repo):
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(_csv(org_repo))])
    assert result.exit_code == 0, result.output
    assert git(org_repo, "rev-list", "--count", "HEAD").strip() == "2"
    changed = git(org_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["okrs/acme/data/2026-Q4.yaml", PLATFORM]
    assert "Check-in 2 key results in data, platform" in result.output
    assert "current: 77\n" in (org_repo / "okrs/acme/data/2026-Q4.yaml").read_text()


def test_batch_from_yaml(org_repo):
    path = org_repo / "week.yaml"
    path.write_text("checkins:\n  - ref: platform/2026-Q4/O1/KR1\n    value: 300\n    confidence: 0.9\n"
                    "    note: faster\n  - {ref: platform/2026-Q4/O2/KR1, value: 30}\n")
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 0, result.output
    text = (org_repo / PLATFORM).read_text()
    assert "current: 300    # measured weekly\n        confidence: 0.9\n" in text
    assert "current: 30\n" in text


@pytest.mark.parametrize("args, message", [
    (["platform/2026-Q4/O1/KR9", "42"], "unknown key result 'platform/2026-Q4/O1/KR9'"),
    (["nope/2026-Q4/O1/KR1", "42"], "there is no unit 'nope'"),
    (["platform/2026-Q4/O1/KR2", "forty"], "'forty' is not a number"),
    (["platform/2026-Q4/O1/KR2", "nan"], "is not a number"),
    (["platform/2026-Q4/O1/KR2", "42", "--confidence", "1.5"], "outside 0 to 1"),
    (["platform/2026-Q4/O1/KR2", "42", "--confidence", "-0.1"], "outside 0 to 1"),
    (["platform/2026-Q4/O1/KR2", "42", "--date", "yesterday"], "invalid date"),
    (["platform/2026-Q4/O1/KR2"], "give a key result and its new value"),
    (["platform/2026-Q4/O1/KR2", "42", "-m", "bad\x00note"], "NUL character"),
])
def test_bad_input_is_a_clear_error_and_nothing_is_written(org_repo, args, message):
    before = (org_repo / PLATFORM).read_bytes()
    old_head = head(org_repo)
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert (org_repo / PLATFORM).read_bytes() == before
    assert head(org_repo) == old_head


def test_a_bad_row_in_a_batch_writes_nothing(org_repo):
    path = org_repo / "week.csv"
    path.write_text("ref,value,confidence\nplatform/2026-Q4/O1/KR1,300,0.9\nplatform/2026-Q4/O1/KR2,lots,0.5\n")
    before = (org_repo / PLATFORM).read_bytes()
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "--from", str(path)])
    assert result.exit_code == 2
    assert "week.csv line 3" in result.output and "'lots' is not a number" in result.output
    assert (org_repo / PLATFORM).read_bytes() == before


def test_refuses_when_target_file_has_uncommitted_changes(org_repo):
    with (org_repo / PLATFORM).open("a") as handle:
        handle.write("# work in progress\n")
    before = (org_repo / PLATFORM).read_bytes()
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "42"])
    assert result.exit_code == 2
    assert "uncommitted changes in okrs/acme/platform/2026-Q4.yaml (modified)" in result.output
    assert (org_repo / PLATFORM).read_bytes() == before
    # another file being dirty does not matter
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "data/2026-Q4/O1/KR1", "76"])
    assert result.exit_code == 0, result.output


def test_refuses_during_a_merge(org_repo):
    git(org_repo, "checkout", "-q", "-b", "other")
    write(org_repo / PLATFORM, PLATFORM_Q4.replace("target: 60", "target: 70"))
    git(org_repo, "commit", "-q", "-am", "raise target")
    git(org_repo, "checkout", "-q", "main")
    write(org_repo / PLATFORM, PLATFORM_Q4.replace("target: 60", "target: 65"))
    git(org_repo, "commit", "-q", "-am", "raise target less")
    git(org_repo, "merge", "other", check=False)
    assert (org_repo / ".git/MERGE_HEAD").exists()
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "data/2026-Q4/O1/KR1", "76"])
    assert result.exit_code == 2
    assert "a merge is in progress" in result.output


def test_refuses_during_a_rebase(org_repo):
    (org_repo / ".git/rebase-merge").mkdir()
    with pytest.raises(core.GitStateError, match="rebase is in progress"):
        core.checkin(load_org(org_repo), [core.Request("data/2026-Q4/O1/KR1", "76")])


def test_other_staged_changes_stay_staged_and_uncommitted(org_repo):
    write(org_repo / "README.md", "hello\n")
    write(org_repo / "okrs/acme/data/unit.yaml", "name: Data team\nkind: team\n")
    git(org_repo, "add", "README.md", "okrs/acme/data/unit.yaml")
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "42"])
    assert result.exit_code == 0, result.output
    assert git(org_repo, "show", "--name-only", "--format=", "HEAD").split() == [PLATFORM]
    assert sorted(git(org_repo, "diff", "--cached", "--name-only").split()) == ["README.md", "okrs/acme/data/unit.yaml"]
    assert git(org_repo, "status", "--porcelain").splitlines() == ["A  README.md", "M  okrs/acme/data/unit.yaml"]


def _commit_layout(repo: Path, text: str) -> None:
    (repo / PLATFORM).write_bytes(text.encode("utf-8"))
    git(repo, "commit", "-q", "-am", "another layout")


def test_a_hand_formatted_value_line_is_edited_in_place(org_repo):
    """What a round trip would have reformatted (extra spaces, here) is kept: only the value changes."""
    odd = PLATFORM_Q4.replace("        current: 38\n", "        current:   38\n")
    _commit_layout(org_repo, odd)
    core.checkin(load_org(org_repo), [core.Request("platform/2026-Q4/O1/KR2", "42")])
    assert (org_repo / PLATFORM).read_text() == odd.replace("current:   38\n", "current:   42\n")


@pytest.mark.parametrize("layout", ["flush", "four-spaces", "crlf", "no-final-newline", "bom", "all-at-once"])
def test_layouts_people_and_tools_write_are_checked_in_byte_for_byte(org_repo, layout):
    text = {
        "flush": _flush_sequences(PLATFORM_Q4),
        "four-spaces": _four_spaces(PLATFORM_Q4),
        "crlf": PLATFORM_Q4.replace("\n", "\r\n"),
        "no-final-newline": PLATFORM_Q4.rstrip("\n"),
        "bom": "\ufeff" + PLATFORM_Q4,
        "all-at-once": "\ufeff" + _four_spaces(_flush_sequences(PLATFORM_Q4)).replace("\n", "\r\n").rstrip("\r\n"),
    }[layout]
    _commit_layout(org_repo, text)
    core.checkin(load_org(org_repo), [core.Request("platform/2026-Q4/O1/KR2", "42", "0.6"),
                                      core.Request("platform/2026-Q4/O1/KR3", "99.5", "1"),
                                      core.Request("platform/2026-Q4/O2/KR1", "25.5")])
    eol = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(eol)
    indent = {line.split("baseline:")[0] for line in lines if line.strip().startswith("baseline: 99.0")}.pop()
    expected = (text.replace(f"current: 38{eol}{indent}confidence: 0.70", f"current: 42{eol}{indent}confidence: 0.6")
                .replace(f"target: 99.9{eol}", f"target: 99.9{eol}{indent}current: 99.5{eol}{indent}confidence: 1{eol}")
                .replace("current: 22", "current: 25.5"))
    assert expected != text
    assert (org_repo / PLATFORM).read_bytes() == expected.encode("utf-8")
    assert git(org_repo, "status", "--porcelain") == ""


def _flush_sequences(text: str) -> str:
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        depth = len(line) - len(stripped)
        # objectives' items at 2 -> 0, their keys 4 -> 2; key results' items at 6 -> 2, their keys 8 -> 4
        shift = {2: 2, 4: 2, 6: 4, 8: 4}.get(depth, 0) if stripped else 0
        out.append(line[shift:])
    return "\n".join(out)


def _four_spaces(text: str) -> str:
    """Indentation doubled; an item's first key four columns after its dash ("-   id: O1")."""
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        stripped = "-   " + stripped[2:] if stripped.startswith("- ") else stripped
        lines.append(" " * (2 * (len(line) - len(line.lstrip(" ")))) + stripped)
    return "\n".join(lines)


def test_a_file_whose_line_endings_are_mixed_is_refused_with_what_to_change(org_repo):
    """The one layout a new line cannot follow: validate warns, check-in refuses to add a line, naming both."""
    mixed = PLATFORM_Q4.replace("\n", "\r\n", 5)
    _commit_layout(org_repo, mixed)
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR3", "99.5"])
    assert result.exit_code == 2
    assert (f"Error: {PLATFORM}:6: current must be added as a new line, and the file mixes line endings: "
            "line 1 ends with CRLF, line 6 with LF; save it with one kind of line ending") in result.output
    assert (org_repo / PLATFORM).read_bytes() == mixed.encode()
    from okrops.validate import validate

    [finding] = validate(org_repo).findings
    assert (finding.file, finding.line, finding.rule) == (PLATFORM, 6, "line-breaks")
    # a value already written is replaced in place, whatever the line endings
    core.checkin(load_org(org_repo), [core.Request("platform/2026-Q4/O1/KR2", "42")])
    assert (org_repo / PLATFORM).read_bytes() == mixed.replace("current: 38\n", "current: 42\n").encode()


def test_an_anchored_value_keeps_its_anchor_and_an_alias_becomes_the_number(org_repo):
    """An alias is a reference: after a check-in of an anchored value, its aliases read the new value.
    A value that is an alias is replaced by the number; the anchor stays where it is."""
    text = (PLATFORM_Q4.replace("        current: 38\n", "        current: &migrated 38\n        x-last: *migrated\n")
            .replace("        baseline: 10\n", "        baseline: &start 10\n")
            .replace("        current: 22\n", "        current: *start   # not measured yet\n"))
    _commit_layout(org_repo, text)
    core.checkin(load_org(org_repo), [core.Request("platform/2026-Q4/O1/KR2", "42"),
                                      core.Request("platform/2026-Q4/O2/KR1", "12")])
    after = (org_repo / PLATFORM).read_text()
    assert after == text.replace("current: &migrated 38", "current: &migrated 42").replace(
        "current: *start   # not measured yet", "current: 12       # not measured yet")
    from okrops.yamlio import load_fast

    data = load_fast(after)
    assert data["objectives"][0]["key_results"][1]["x-last"] == 42
    assert data["objectives"][1]["key_results"][0]["baseline"] == 10


def test_date_backfills_the_author_date_from_git_config_identity(org_repo):
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "41",
                                   "--date", "2026-11-02T10:30:00+01:00"])
    assert result.exit_code == 0, result.output
    assert git(org_repo, "log", "-1", "--format=%an|%ae|%aI").strip() == \
        "Test Person|test@example.com|2026-11-02T10:30:00+01:00"


def test_branch_and_push(org_repo, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(org_repo, "remote", "add", "origin", str(remote))
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "43",
                                   "--branch", "checkin/week-47", "--push"])
    assert result.exit_code == 0, result.output
    assert "On new branch checkin/week-47" in result.output and "Pushed" in result.output
    assert git(org_repo, "branch", "--show-current").strip() == "checkin/week-47"
    assert git(org_repo, "rev-parse", "main").strip() != head(org_repo)
    assert git(remote, "rev-parse", "checkin/week-47").strip() == head(org_repo)
    # the same branch twice is refused
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "44",
                                   "--branch", "checkin/week-47"])
    assert result.exit_code == 2 and "already exists" in result.output


def test_push_failure_is_reported_after_the_commit(org_repo):
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "43", "--push",
                                   "--remote", "nowhere"])
    assert result.exit_code == 1
    assert "committed, but the push failed" in result.output
    assert git(org_repo, "rev-list", "--count", "HEAD").strip() == "2"


def test_interactive_walks_a_unit(org_repo):
    answers = "\n".join(["390", "0.6", "p95 down", "", "", "30", "", ""]) + "\n"
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform", "--interactive", "--today", "2026-11-25"],
                     input=answers)
    assert result.exit_code == 0, result.output
    assert "now 400 ms, target 250, confidence 0.5, last check-in never" in result.output
    text = (org_repo / PLATFORM).read_text()
    assert "current: 390    # measured weekly\n        confidence: 0.6\n" in text
    assert "current: 30\n        confidence: 0.4\n" in text  # O2/KR1, confidence kept from the default
    assert "current: 38\n" in text  # skipped
    assert git(org_repo, "log", "-1", "--format=%s").strip() == "Check-in platform: 2 key results"


def test_not_a_git_repository(tmp_path, isolated_git):
    from test_checkin_support import make_org

    root = tmp_path / "plain"
    make_org(root, commit=False)
    import shutil

    shutil.rmtree(root / ".git")
    with pytest.raises(core.GitStateError, match="not in a git repository"):
        core.checkin(load_org(root), [core.Request("platform/2026-Q4/O1/KR2", "42")])


def test_parse_helpers():
    assert core.parse_value("42") == 42 and isinstance(core.parse_value("42"), int)
    assert core.parse_value("-1.50") == -1.5
    assert core.parse_value(7) == 7
    assert core.parse_confidence("") is None
    assert core.parse_confidence("0") == 0
    for bad in ("1e999", "inf", "0x10", "", True):
        with pytest.raises(UsageError):
            core.parse_value(bad)
    assert issubclass(UnknownReference, OkropsError)


def test_targeted_load_matches_the_full_load(org_repo):
    full = load_org(org_repo)
    partial = core.load_for(list(full.key_results), org_repo)
    assert partial is not None
    for ref, kr in full.key_results.items():
        got = partial.key_results[ref]
        assert (got.source, got.current, got.confidence, got.objective_ref) == \
            (kr.source, kr.current, kr.confidence, kr.objective_ref)
    # anything unusual falls back to the full load (and its messages)
    for refs in (["platform/2026-Q4/O1/KR9"], ["nope/2026-Q4/O1/KR1"], ["platform/2026-Q3/O1/KR1"], ["platform/O1"]):
        assert core.load_for(refs, org_repo) is None
    write(org_repo / PLATFORM, PLATFORM_Q4.replace("baseline: 0\n", "baseline: zero\n"))
    assert core.load_for(["platform/2026-Q4/O1/KR2"], org_repo) is None


def test_broken_target_file_is_reported_by_the_full_load(org_repo):
    write(org_repo / PLATFORM, PLATFORM_Q4.replace("baseline: 0\n", "baseline: zero\n"))
    git(org_repo, "commit", "-q", "-am", "oops")
    result = run_cli(checkin_cmd, ["--repo", str(org_repo), "platform/2026-Q4/O1/KR2", "42"])
    assert result.exit_code == 2
    assert "okrs/acme/platform/2026-Q4.yaml has errors (run okrops validate)" in result.output


def test_every_command_has_help_with_an_example():
    from okrops.cli.checkins import history
    from okrops.cli.demo import demo

    for command in (checkin_cmd, history, demo):
        result = run_cli(command, ["--help"])
        assert result.exit_code == 0
        assert "Example" in result.output and "-h, --help" in result.output


@pytest.mark.parametrize("args", [
    ["platform/2026-Q4/O1/KR2", "38"],                       # same value, no confidence given
    ["platform/2026-Q4/O1/KR2", "38.0", "-c", "0.7"],        # the same value and confidence, written otherwise
])
def test_a_check_in_that_changes_nothing_is_refused_and_writes_nothing(org_repo, args):
    before = head(org_repo)
    result = run_cli(checkin_cmd, [*args, "--repo", str(org_repo)])
    assert result.exit_code == 2
    assert "nothing to record: platform/2026-Q4/O1/KR2 is already 38 with confidence 0.7" in result.output
    assert "--confidence" in result.output
    assert head(org_repo) == before
    assert git(org_repo, "status", "--porcelain") == ""


def test_the_same_value_with_a_new_confidence_is_a_check_in_that_history_counts(org_repo):
    from okrops.record import history

    result = run_cli(checkin_cmd, ["platform/2026-Q4/O1/KR2", "38", "-c", "0.4", "--repo", str(org_repo)])
    assert result.exit_code == 0, result.output
    org = load_org(org_repo)
    entries = [c for c in history.read_history(org) if c.ref == "platform/2026-Q4/O1/KR2"]
    assert [(c.value, c.confidence) for c in entries][-1:] == [(38, 0.4)]


def test_a_batch_names_every_unchanged_row_and_writes_nothing(org_repo, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("ref,value,confidence\nplatform/2026-Q4/O1/KR2,38,\nplatform/2026-Q4/O1/KR1,401,\n"
                    "platform/2026-Q4/O2/KR1,22,0.4\n", encoding="utf-8")
    before = head(org_repo)
    result = run_cli(checkin_cmd, ["--from", str(rows), "--repo", str(org_repo)])
    assert result.exit_code == 2
    assert "platform/2026-Q4/O1/KR2 is already 38" in result.output
    assert "remove the unchanged rows" in result.output
    assert head(org_repo) == before

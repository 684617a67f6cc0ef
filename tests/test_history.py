"""okrops history: one pass over git log, hand edits recovered, staleness."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from okrops.record import checkin as core
from okrops.record import gitlog
from okrops.record import history
from okrops.cli.checkins import history as history_cmd
from test_checkin_support import (  # noqa: F401 - fixtures
    PLATFORM_Q4,
    git,
    isolated_git,
    load_org,
    make_org,
    org_repo,
    run_cli,
    write,
)

PLATFORM = "okrs/acme/platform/2026-Q4.yaml"


def checkin_on(repo: Path, day: str, *requests, author=("Ada Lovelace", "ada@example.com")):
    when = f"{day}T10:00:00+00:00"
    stamp = core.parse_date(when)
    return core.checkin(load_org(repo), [core.Request(*r) for r in requests], when=stamp, commit_date=stamp,
                        author=author)


@pytest.fixture
def busy_repo(org_repo):
    checkin_on(org_repo, "2026-10-05", ("platform/2026-Q4/O1/KR2", "40", "0.7", "first"))
    checkin_on(org_repo, "2026-10-12", ("platform/2026-Q4/O1/KR2", "41", "0.6", "slow week"),
               ("platform/2026-Q4/O1/KR1", "390", None, ""), author=("Grace Hopper", "grace@example.com"))
    checkin_on(org_repo, "2026-11-20", ("platform/2026-Q4/O1/KR2", "45", "0.65", "good week\nreally"))
    return org_repo


def test_history_of_a_key_result_oldest_first(busy_repo):
    org = load_org(busy_repo)
    rows = history.select(org, history.read_history(org), "platform/2026-Q4/O1/KR2")
    assert [(r.day.isoformat(), r.previous, r.value, r.confidence, r.author, r.kind) for r in rows] == [
        ("2026-10-05", 38, 40, 0.7, "Ada Lovelace", "checkin"),
        ("2026-10-12", 40, 41, 0.6, "Grace Hopper", "checkin"),
        ("2026-11-20", 41, 45, 0.65, "Ada Lovelace", "checkin"),
    ]
    assert rows[2].note == "good week\nreally"
    assert rows[0].commit == git(busy_repo, "rev-list", "--max-count=1", "--skip=2", "HEAD").strip()
    assert rows[0].when.tzinfo is not None


def test_since_unit_and_objective_selection(busy_repo):
    org = load_org(busy_repo)
    assert len(history.read_history(org)) == 4
    assert [r.value for r in history.read_history(org, since=date(2026, 10, 12))] == [41, 390, 45]
    everything = history.read_history(org)
    assert len(history.select(org, everything, "acme")) == 4  # the unit and the units below it
    assert len(history.select(org, everything, "platform/2026-Q4/O1")) == 4
    assert history.select(org, everything, "data") == []
    with pytest.raises(Exception, match="unknown unit 'nope'"):
        history.select(org, everything, "nope")


def test_last_checkins_none_outside_git_and_dict_inside(tmp_path, isolated_git):
    root = make_org(tmp_path / "plain", commit=False)
    import shutil

    shutil.rmtree(root / ".git")
    org = load_org(root)
    assert history.last_checkins(org) is None
    assert history.read_history(org) == []
    fresh = make_org(tmp_path / "fresh", commit=False)  # git repository without commits: no history yet
    assert history.last_checkins(load_org(fresh)) is None


def test_last_checkins_dates(busy_repo):
    last = history.last_checkins(load_org(busy_repo))
    assert last == {"platform/2026-Q4/O1/KR2": date(2026, 11, 20), "platform/2026-Q4/O1/KR1": date(2026, 10, 12)}


def test_hand_edit_merged_from_a_branch_is_recovered_and_marked(busy_repo):
    repo = busy_repo
    env = {"GIT_AUTHOR_DATE": "2026-11-21T09:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-21T09:00:00+00:00",
           "GIT_AUTHOR_NAME": "Linus Reviewer", "GIT_AUTHOR_EMAIL": "linus@example.com"}
    git(repo, "checkout", "-q", "-b", "fix-numbers")
    text = (repo / PLATFORM).read_text()
    text = text.replace("current: 22", "current: 27").replace("target: 60", "target: 70")
    write(repo / PLATFORM, text)
    git(repo, "commit", "-q", "-am", "Correct developer NPS after the survey", env=env)
    git(repo, "checkout", "-q", "main")
    write(repo / "README.md", "unrelated\n")  # a commit on main without OKR changes
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "docs", env=env)
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #7 from fix-numbers", "fix-numbers", env=env)
    org = load_org(repo)
    rows = history.read_history(org)
    edits = [r for r in rows if r.kind == "edit"]
    assert [(r.ref, r.previous, r.value, r.author, r.note) for r in edits] == [
        ("platform/2026-Q4/O2/KR1", 22, 27, "Linus Reviewer", "Correct developer NPS after the survey")]
    assert rows[-1].kind == "edit"  # newest
    result = run_cli(history_cmd, ["--repo", str(repo), "platform/2026-Q4/O2/KR1"])
    assert "[edit by hand] Correct developer NPS" in result.output
    assert history.last_checkins(org)["platform/2026-Q4/O2/KR1"] == date(2026, 11, 21)


def test_staleness(busy_repo):
    org = load_org(busy_repo)
    report = history.staleness(org, date(2026, 11, 25))
    assert "platform/2026-Q4/O1/KR2" not in report.key_results  # checked in on 11-20
    assert report.key_results["platform/2026-Q4/O1/KR1"] == date(2026, 10, 12)
    assert report.key_results["data/2026-Q4/O1/KR1"] is None
    assert report.units == ["data"]
    # feeds status: the stale count comes from last_checkins
    from okrops import status

    built = status.build(org, date(2026, 11, 25), "platform", None, True, history.last_checkins(org))
    assert built.units[0].stale == 3
    result = run_cli(history_cmd, ["--repo", str(busy_repo), "--stale", "--today", "2026-11-25"])
    assert result.exit_code == 0
    assert "data/2026-Q4/O1/KR1  last check-in never" in result.output
    assert "Units with every key result stale: data" in result.output


def test_lint_stale_rule_uses_the_history(busy_repo):
    from okrops.lint import LintContext
    from okrops.lint import lint as run_lint

    org = load_org(busy_repo)
    findings = run_lint(LintContext(org, date(2026, 11, 25), history.last_checkins(org)), ["stale"])
    stale_refs = {f.message.split(" ")[2] for f in findings}
    assert "KR2" not in stale_refs or len(findings) == 4
    assert len(findings) == 4  # O1/KR1, O1/KR3, O2/KR1 of platform and data's KR1


def test_cli_formats(busy_repo):
    result = run_cli(history_cmd, ["--repo", str(busy_repo), "platform/2026-Q4/O1/KR2", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["count"] == 3 and data["checkins"][0]["value"] == 40 and data["checkins"][0]["kind"] == "checkin"
    result = run_cli(history_cmd, ["--repo", str(busy_repo), "--format", "csv", "--since", "2026-11-01"])
    lines = result.output.splitlines()
    assert lines[0] == "date,ref,value,previous,confidence,author,email,kind,commit,note,verified,reason,level,previous_level"
    assert len(lines) == 1 + 2 and lines[1].startswith("2026-11-20T10:00:00+00:00,platform/2026-Q4/O1/KR2,45,41,0.65,")
    result = run_cli(history_cmd, ["--repo", str(busy_repo)])
    assert "40 -> 41" in result.output and "4 check-ins" in result.output


@pytest.mark.parametrize("args, message", [
    (["nope"], "unknown unit 'nope'"),
    (["platform/2026-Q4/O9/KR1"], "unknown reference"),
    (["--since", "last week"], "invalid date"),
])
def test_cli_errors(busy_repo, args, message):
    result = run_cli(history_cmd, ["--repo", str(busy_repo), *args])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_trailers_are_read_by_git_itself_on_odd_messages(org_repo):
    # Replaces the test of okrops' own trailer parser: git parses them now (see test_history_trust for the corpus).
    messages = [
        "subject only Okr-Checkin: a/b/c/d",
        "subject\n\nOkr-Checkin: a/b/c/d\nOkr-Value: 1\nOkr-Note: \"x\\ny\"\n",
        "subject\n\nbody\n\nOkr-Checkin: a/b/c/d\nOkr-Value: 2.5\n  folded\n",
        "subject\n\nOkr-Value: 3\nOkr-Checkin: a/b/c/d\n",
    ]
    for message in messages:
        git(org_repo, "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", message)
    theirs = git(org_repo, "log", "-z", "--format=%(trailers:only,unfold)").split("\0")[:4]
    top = gitlog.git_toplevel(org_repo)
    with gitlog.GitProcess(top, gitlog.log_command(["HEAD~4..HEAD"])) as log:
        ours = [commit[6] for commit in gitlog.read_commits(log)]
    assert [[f"{k}: {v}" for k, v in pairs] for pairs in ours] == [t.splitlines() for t in theirs]
    assert ours[2] == [("Okr-Checkin", "a/b/c/d"), ("Okr-Value", "1"), ("Okr-Note", '"x\\ny"')]
    assert ours[1] == [("Okr-Checkin", "a/b/c/d"), ("Okr-Value", "2.5 folded")]  # unfolded, as git prints it
    assert gitlog.decode_note(ours[2][2][1]) == "x\ny"
    # None of these empty commits changed a file: no check-in, and the one readable claim per commit is unverified.
    org = load_org(org_repo)
    warnings: list[str] = []
    assert history.read_history(org, warn=warnings.append) == []
    assert [(c.ref, c.value) for c in history.read_unverified(org, warn=lambda text: None)] == [("a/b/c/d", 1)]
    assert len(warnings) == 2 and "has no Okr-Value" in warnings[0] and "'2.5 folded'" in warnings[1]


def _rows(repo: Path):
    org = load_org(repo)
    return sorted((c.commit, c.ref, c.previous, c.value, c.confidence, c.kind) for c in history.read_history(org))


@pytest.mark.parametrize("change", [
    # values changed in place: derived from the next version without parsing
    lambda t: t.replace("current: 38", "current: 39").replace("confidence: 0.5", "confidence: 0"),
    # a value and a title: both versions parsed
    lambda t: t.replace("current: 38", "current: 39").replace("Migrate 60 customers", "Migrate 60 clients"),
    # lines added: both versions parsed
    lambda t: t.replace("        current: 22\n", "        # corrected\n        current: 23\n"),
])
def test_hand_edit_fast_path_agrees_with_a_full_parse(org_repo, monkeypatch, change):
    from okrops.record import filevalues

    write(org_repo / PLATFORM, change(PLATFORM_Q4))
    git(org_repo, "commit", "-q", "-am", "Fix numbers by hand")
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    fast = _rows(org_repo)
    monkeypatch.setattr(filevalues, "derive", lambda *args: None)
    assert fast == _rows(org_repo)
    assert fast and all(kind == "edit" for *_rest, kind in fast)


def test_hand_edit_values(org_repo):
    write(org_repo / PLATFORM, PLATFORM_Q4.replace("current: 400", "current: 380").replace("confidence: 0.5", "confidence: 0"))
    git(org_repo, "commit", "-q", "-am", "Fix numbers by hand")
    [(_sha, ref, previous, value, confidence, kind)] = _rows(org_repo)
    assert (ref, previous, value, confidence, kind) == ("platform/2026-Q4/O1/KR1", 400, 380, 0, "edit")


def test_git_errors_are_reported_and_leave_no_temp_file(org_repo, tmp_path, monkeypatch):
    import tempfile

    from okrops.record import historyread

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    with pytest.raises(gitlog.GitError, match="git log failed"):
        historyread.read_rows(str(org_repo), ["no-such-branch"], "okrs")
    assert historyread.read_rows(str(org_repo), ["HEAD"], "okrs").checkins == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_trailer_keys_in_any_case_and_odd_notes(busy_repo):
    # Replaces the test of the removed fast path for okrops' own messages: the same behaviour through git.
    checkin_on(busy_repo, "2026-11-21", ("data/2026-Q4/O1/KR1", "76", None, 'quote " and \\ and\nOkr-Value: 1'),
               ("platform/2026-Q4/O2/KR1", "23.5", "0", ""))
    text = (busy_repo / "okrs/acme/data/2026-Q4.yaml").read_text().replace("current: 76", "current: 77")
    write(busy_repo / "okrs/acme/data/2026-Q4.yaml", text)
    git(busy_repo, "commit", "-q", "-am",
        "hand-written\n\nokr-checkin: data/2026-Q4/O1/KR1\nOKR-VALUE:  77 \nOkr-Note: plain text")
    rows = history.read_history(load_org(busy_repo))
    newest = [(r.ref, r.value, r.confidence, r.note, r.kind) for r in rows[-3:]]
    assert newest == [
        ("data/2026-Q4/O1/KR1", 76, None, 'quote " and \\ and\nOkr-Value: 1', "checkin"),
        ("platform/2026-Q4/O2/KR1", 23.5, 0, "", "checkin"),  # a commit's key results in the order written
        ("data/2026-Q4/O1/KR1", 77, None, "plain text", "checkin"),  # keys in any case
    ]


def _plain(rows):
    return [(r.ref, r.value, r.confidence, r.note, r.author, r.when, r.commit, r.kind, r.previous) for r in rows]


def test_history_cache_is_incremental_and_survives_rewrites(busy_repo, monkeypatch):
    from okrops.record.historycache import CACHE_FILE

    cache = busy_repo / ".git" / CACHE_FILE
    first = _plain(history.read_history(load_org(busy_repo)))
    assert cache.is_file()
    assert _plain(history.read_history(load_org(busy_repo))) == first  # from the cache
    checkin_on(busy_repo, "2026-11-22", ("data/2026-Q4/O1/KR1", "79", "0.9", "after the cache"))
    incremental = _plain(history.read_history(load_org(busy_repo)))
    monkeypatch.setenv("OKROPS_NO_CACHE", "1")
    assert incremental == _plain(history.read_history(load_org(busy_repo)))
    assert incremental[-1][:4] == ("data/2026-Q4/O1/KR1", 79, 0.9, "after the cache")
    monkeypatch.delenv("OKROPS_NO_CACHE")
    git(busy_repo, "reset", "-q", "--hard", "HEAD~1")  # history rewritten: the cached tip is gone
    assert _plain(history.read_history(load_org(busy_repo))) == first
    cache.write_bytes(b"not a cache")
    assert _plain(history.read_history(load_org(busy_repo))) == first
    assert git(busy_repo, "status", "--porcelain") == ""


def test_no_commits_yet_means_no_history_not_everything_stale(tmp_path):
    from tests.conftest import OrgBuilder, run_git
    from okrops.record import history
    from okrops.validate import validate

    builder = OrgBuilder(tmp_path / "new").standard()
    run_git(builder.root, "init", "-q", "-b", "main")
    org = validate(builder.root).organisation
    assert history.last_checkins(org) is None
    run_git(builder.root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    run_git(builder.root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "OKRs")
    assert history.last_checkins(org) == {}


def test_history_cache_is_keyed_by_the_reading_code(busy_repo, monkeypatch, tmp_path):
    # An okrops upgrade or an edit of the code that reads the history never reads rows an older reader wrote.
    from okrops.record import historycache

    package = Path(historycache.__file__).resolve().parent.parent
    assert all((package / name).is_file() for name in historycache.CODE_FILES)
    reader = tmp_path / "reader.py"  # stands for one of the reading modules
    reader.write_text("# version 1\n")
    monkeypatch.setattr(historycache, "CODE_FILES", historycache.CODE_FILES + (str(reader),))
    historycache.code_key.cache_clear()
    try:
        org = load_org(busy_repo)
        true = _plain(history.read_history(org))
        assert true
        tip = git(busy_repo, "rev-parse", "HEAD").strip()
        cache = busy_repo / ".git" / historycache.CACHE_FILE
        key = (historycache.code_key(), "okrs")
        stale = historycache.Rows([list(row) for row in historycache.read_rows(busy_repo, org.okrs_dir).checkins[:1]])
        stale.checkins[0][1] = 12345  # rows an older reader got wrong
        historycache._save(cache, key, tip, stale)
        assert [c.value for c in history.read_history(load_org(busy_repo))] == [12345]  # same code: the cache is used
        reader.write_text("# version 2\n")
        historycache.code_key.cache_clear()
        assert historycache.code_key() != key[0]
        assert _plain(history.read_history(load_org(busy_repo))) == true  # the code changed: read again
        edited = historycache.code_key()
        monkeypatch.setattr("okrops.__version__", "999.0")  # an upgrade
        historycache.code_key.cache_clear()
        assert historycache.code_key() != edited
    finally:
        historycache.code_key.cache_clear()

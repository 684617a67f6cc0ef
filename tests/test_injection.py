"""Options and outputs cannot be turned into commands or markup (issue 8).

Real repositories whose titles, notes, unit names, owners and commit authors are hostile go
through the real commands; what comes out must be safe for its medium: the terminal (no
control character or escape sequence), CSV (no spreadsheet formula), Markdown (the same
structure as with plain text, checked with a CommonMark parser), JSON (lossless, no raw
control character), YAML (reads back exactly) and git (no value read as an option).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import STRATEGY, OrgBuilder, run_git

from okrops.cli import cli

HOSTILE = [
    "\x1b[31mred\x1b[0m and \x1b[2J\x1b[H cleared",
    "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07",
    "bell\x07 back\x08\x08space carriage\rreturn",
    "\x9b31m C1 CSI \x85 NEL \x1b\\ ST",
    "\u202eexe.txt\u202c \u2066isolate\u2069 \u200fmark",
    "line\nbreak\n# Injected heading",
    "sep\u2028# Injected\u2029- item \x0b\x0c\x1c",
    "| a | b |\n|---|---|\n| c | d |",
    "<!-- okrops-diff --> <script>alert(1)</script> <b>bold</b>",
    "[link](https://evil.example) ![img](https://evil.example/x.png)",
    '[ref]: https://evil.example "title"',
    "```\ncode fence\n```",
    "> quote &amp; &#x3C; *em* _em_ ~~strike~~ $x$ \\",
    "# heading",
    "- item",
    "1. ordered",
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB start",
    "\rCR start",
    "\uff1d1+1",
    "$(touch pwned) ; rm -rf / `id`",
    "nul\x00byte del\x7f",
    "Ünïcödé 日本語 emoji 👨\u200d👩\u200d👧 ok",
]
BENIGN = [f"Plain text number {i}" for i in range(len(HOSTILE))]
NOTES = 2  # the check-in notes are HOSTILE[2:5]
# What must never reach a terminal, a CSV cell, Markdown or raw JSON.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def pick(corpus: list[str], i: int) -> str:
    return corpus[i % len(corpus)]


def build(root: Path, corpus: list[str]) -> Path:
    """A repository in git whose every user-written field comes from ``corpus``.

    Commits: the OKRs (tagged ``start``), three check-ins by hand with hostile authors and
    notes, then on branch ``pr`` an edit that rewords, adds and re-owns objectives.
    """
    from okrops.record import gitlog

    org = OrgBuilder(root)
    org.write_yaml("okrs/okrops.yaml", {
        "organisation": " ".join(corpus[:5])[:200],
        "cycles": [{"id": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"}],
    })
    org.write("okrs/strategy.yaml", STRATEGY)
    org.unit("acme", pick(corpus, 1), kind="company", maintainers=["@acme/leads"])
    org.unit("acme/platform", pick(corpus, 2), maintainers=["@acme/platform"])
    objectives = []
    for i in range(len(corpus)):
        objectives.append({
            "id": f"O{i + 1}", "title": pick(corpus, i), "why": pick(corpus, i + 1),
            "aligns_to": {"strategies": ["growth"]},
            "key_results": [{"id": "KR1", "title": pick(corpus, i + 2), "metric": pick(corpus, i + 3),
                             "unit": pick(corpus, i + 4)[:40], "baseline": -5, "target": 10, "current": 2,
                             "confidence": 0.5, "data_source": pick(corpus, i + 5)}],
        })
    path = "okrs/acme/platform/2026-Q4.yaml"
    org.write_yaml(path, {"objectives": objectives})
    org.git_init()
    run_git(root, "tag", "start")
    for j in range(3):
        objectives[j]["key_results"][0]["current"] = 3 + j
        org.write_yaml(path, {"objectives": objectives})
        ref = f"platform/2026-Q4/O{j + 1}/KR1"
        message = (f"Check-in platform O{j + 1}/KR1: 2 -> {3 + j}\n\n{gitlog.TRAILER_REF}: {ref}\n"
                   f"{gitlog.TRAILER_VALUE}: {3 + j}\n{gitlog.TRAILER_PREVIOUS}: 2\n"
                   f"{gitlog.TRAILER_NOTE}: {gitlog.encode_note(pick(corpus, j + NOTES))}\n")
        author = pick(corpus, j + 16)
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.com",
               "GIT_AUTHOR_DATE": f"2026-11-{10 + j}T12:00:00+00:00"}
        subprocess.run(["git", "commit", "-q", "-a", "-F", "-"], cwd=root, input=message.encode(), env=env, check=True)
    run_git(root, "checkout", "-q", "-b", "pr")  # a pull request: reworded, re-owned (to no unit), added
    objectives[0]["title"] = pick(corpus, 7)
    objectives[1]["owner"] = pick(corpus, 8)
    objectives[2]["why"] = pick(corpus, 9)
    objectives.append({"id": "O99", "title": pick(corpus, 10), "key_results": []})
    org.write_yaml(path, {"objectives": objectives})
    run_git(root, "commit", "-q", "-a", "-m", "Reword")
    run_git(root, "checkout", "-q", "main")
    return root


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("injection")
    return {"hostile": build(base / "hostile", HOSTILE), "benign": build(base / "benign", BENIGN)}


def okrops(repo: Path, *args: str) -> str:
    """Run okrops through its real command group in ``repo``; the output (stdout and stderr)."""
    old = os.getcwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    assert "the OKR repository has errors" not in result.output
    return result.output


TERMINAL_COMMANDS = [
    ("status",), ("status", "platform"), ("status", "platform", "--width", "200"), ("lint",), ("validate",),
    ("history",), ("history", "platform/2026-Q4/O1/KR1"), ("history", "--stale", "--today", "2026-12-20"),
    ("diff", "start", "pr"), ("diff", "start"), ("codeowners", "--check"),
]


@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=" ".join)
def test_terminal_output_carries_no_control_character(repos, args):
    text = okrops(repos["hostile"], *args)
    assert not UNSAFE.search(text), [m.group() for m in UNSAFE.finditer(text)][:5]


@pytest.mark.parametrize("args", [("status", "platform", "--width", "400"), ("history",), ("diff", "start", "pr"),
                                  ("history", "--stale", "--today", "2026-12-20")], ids=" ".join)
def test_user_text_cannot_add_lines_to_terminal_output(repos, args):
    hostile, benign = okrops(repos["hostile"], *args), okrops(repos["benign"], *args)
    assert len(hostile.splitlines()) == len(benign.splitlines())


def test_escape_sequences_are_shown_and_unicode_is_kept(repos):
    text = okrops(repos["hostile"], "status", "platform", "--width", "400")
    assert "\\x1b[31mred\\x1b[0m" in text and "\\u202eexe.txt\\u202c" in text
    assert "日本語 emoji 👨\u200d👩\u200d👧 ok" in text  # joiners inside emoji are ordinary text


def test_a_real_process_prints_no_escape_sequence(repos):
    for args in (["status", "platform"], ["history"], ["status", "\x1b]8;;https://evil.example/\x07x"]):
        done = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repos["hostile"], capture_output=True,
                              env={**os.environ, "OKROPS_TODAY": "2026-11-25"})
        assert done.returncode in (0, 1, 2), done.stderr
        out = (done.stdout + done.stderr).decode("utf-8")
        assert out and not UNSAFE.search(out)
        assert "Traceback" not in out


def test_findings_that_name_hostile_files_and_values_stay_on_their_line(tmp_path):
    org = OrgBuilder(tmp_path / "repo")
    org.unit("acme", "Acme")
    org.okrs_file("acme", "2026-Q4\x1b]8;;evil\x07\u202e", [{"id": "O1", "title": "t", "key_results": []}])
    org.okrs_file("acme", "2026-Q4", [{"id": "O1", "title": "t", "type": "\x1b[2J\n::error::forged",
                                       "owner": "\x9b31m\nowner", "key_results": []}])
    for args in (["validate"], ["lint"], ["validate", "--format", "github"], ["validate", "--format", "json"],
                 ["lint", "--format", "json"]):
        result = CliRunner().invoke(cli, [*args, str(org.root)])
        assert result.exit_code == 1, result.output
        assert not UNSAFE.search(result.output), (args, result.output)
        assert "2026-Q4\\x1b]8;;evil\\x07\\u202e.yaml" in result.output or "json" in args
        if "github" in args:  # one workflow command per line: no forged annotation
            assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in result.stdout.splitlines())
    json.loads(CliRunner().invoke(cli, ["validate", "--format", "json", str(org.root)]).stdout)


# --- JSON -------------------------------------------------------------------------------------------


JSON_COMMANDS = [("status", "--format", "json"), ("status", "platform", "--format", "json"),
                 ("validate", "--format", "json"), ("lint", "--format", "json"), ("history", "--format", "json"),
                 ("history", "--stale", "--format", "json", "--today", "2026-12-20"),
                 ("diff", "start", "pr", "--format", "json")]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_output_is_lossless_and_prints_no_control_character(repos, args):
    text = okrops(repos["hostile"], *args)
    assert not UNSAFE.search(text)
    data = json.loads(text)
    strings = set(_strings(data))
    if args[0] == "status":
        assert data["organisation"] == " ".join(HOSTILE[:5])[:200]
        assert HOSTILE[2] in strings or args[1] != "platform"
    if args[0] == "history" and "--stale" not in args:
        assert {HOSTILE[NOTES + j] for j in range(3)} <= {c["note"] for c in data["checkins"]}
    if args[0] == "diff":
        assert HOSTILE[7] in strings and HOSTILE[8] in strings


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


# --- CSV --------------------------------------------------------------------------------------------


CSV_COMMANDS = {
    ("status", "--format", "csv"): {"baseline", "current", "target", "progress", "score", "expected", "confidence"},
    ("history", "--format", "csv"): {"value", "previous", "confidence"},
    ("history", "--stale", "--format", "csv", "--today", "2026-12-20"): set(),
}


@pytest.mark.parametrize("args", list(CSV_COMMANDS), ids=" ".join)
def test_csv_cells_cannot_run_in_a_spreadsheet(repos, args):
    numbers = CSV_COMMANDS[args]
    text = okrops(repos["hostile"], *args)
    assert not UNSAFE.search(text.replace("\n", ""))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for column, cell in row.items():
            if column in numbers:
                if cell:
                    float(cell)  # a number, negative ones included, written as a number
            else:
                assert not cell.startswith(FORMULA_START), (column, cell)
    if args[0] == "status":
        titles = {row["title"] for row in rows}
        assert "'" + HOSTILE[16] in titles and "'" + HOSTILE[18] in titles  # the text is kept, neutralised
        assert {row["baseline"] for row in rows if row["key_result"]} == {"-5"}
    if args == ("history", "--format", "csv"):
        assert {row["author"] for row in rows} == {"'" + HOSTILE[n] for n in (16, 17, 18)}


# --- Markdown ---------------------------------------------------------------------------------------


def _structure(markdown_text: str) -> list[str]:
    """The CommonMark (with GFM tables and strikethrough) token structure, text contents left out."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    shape = []
    for token in parser.parse(markdown_text):
        shape.append(token.type if token.type != "html_block" else f"html_block:{token.content.strip()[:40]}")
        kinds = [child.type for child in token.children or []]
        merged = [k for n, k in enumerate(kinds) if not (k == "text" and n and kinds[n - 1] == "text")]
        shape += [f"  {k}" for k in merged]
    return shape


MARKDOWN_COMMANDS = [("status", "--format", "markdown"), ("status", "platform", "--format", "markdown"),
                     ("diff", "start", "pr", "--format", "markdown")]


@pytest.mark.parametrize("args", MARKDOWN_COMMANDS, ids=" ".join)
def test_markdown_structure_does_not_depend_on_user_text(repos, args):
    hostile, benign = okrops(repos["hostile"], *args), okrops(repos["benign"], *args)
    assert not UNSAFE.search(hostile.replace("\n", ""))
    assert _structure(hostile) == _structure(benign)
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable(["table"]).parse(hostile)
    html = [t.content for t in tokens if t.type == "html_block"]
    html += [c.content for t in tokens for c in t.children or [] if c.type == "html_inline"]
    assert all(h.strip() in ("<!-- okrops-diff -->", "</details>") or h.startswith("<details><summary>")
               or h in ("<sub>", "</sub>") for h in html), html
    assert hostile.count("<!-- okrops-diff -->") == (1 if args[0] == "diff" else 0)


# --- git arguments ---------------------------------------------------------------------------------

OPTION_LIKE = ["--output={out}", "--receive-pack=touch {pwned}", "--upload-pack=touch {pwned}", "--exec=touch {pwned}",
               "-c", "core.pager=touch {pwned}", "-ooutput", "$(touch {pwned})", ";touch {pwned}", "`touch {pwned}`",
               "HEAD --output={out}", "--end-of-options", "--", "-", "--all", "--help"]


@pytest.mark.parametrize("value", OPTION_LIKE)
@pytest.mark.parametrize("position", ["base", "head"])
def test_diff_refs_are_never_options_or_commands(repos, tmp_path, value, position):
    out, pwned = tmp_path / "out", tmp_path / "pwned"
    value = value.format(out=out, pwned=pwned)
    args = ["diff", "--format", "json", "--", value] if position == "base" else ["diff", "--format", "json", "--",
                                                                                    "start", value]
    done = subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repos["benign"], capture_output=True, text=True)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Error:" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    assert not (repos["benign"] / "output").exists() and not (repos["benign"] / "pwned").exists()


def test_the_git_helper_passes_values_after_end_of_options_and_paths_after_double_dash(repos, tmp_path):
    from okrops.record import gitrefs

    out = tmp_path / "written-by-git"
    with pytest.raises(gitrefs.GitError):
        gitrefs.git(repos["benign"], "log", "-1", "--format=%H", revs=[f"--output={out}"])
    assert not out.exists()
    # a path that looks like an option or a pathspec pattern is a literal path
    listing = gitrefs.git(repos["benign"], "ls-files", paths=["--output=x", ":(glob)**", "okrs/*"])
    assert listing == ""
    for bad in ("HEAD\x00--output=x", "HEAD\n", ""):
        with pytest.raises(gitrefs.GitError):
            gitrefs.verify(repos["benign"], bad)
    assert gitrefs.verify(repos["benign"], "start") == run_git(repos["benign"], "rev-parse", "start").strip()


def test_branch_and_remote_names_are_checked(repos):
    from okrops.record import gitrefs

    root = repos["benign"]
    assert gitrefs.check_branch(root, "checkin-week-47") == "checkin-week-47"
    for bad in ("--receive-pack=touch x", "-b", "a..b", "a b", "x\x1b", "HEAD@{1}", ""):
        with pytest.raises(gitrefs.GitError):
            gitrefs.check_branch(root, bad)
    run_git(root, "remote", "add", "origin-test", str(root))
    try:
        assert gitrefs.check_remote(root, "origin-test") == "origin-test"
        for bad in ("--receive-pack=touch x", "origin", "ext::sh -c touch% x", ""):
            with pytest.raises(gitrefs.GitError, match="remote"):
                gitrefs.check_remote(root, bad)
    finally:
        run_git(root, "remote", "remove", "origin-test")


# --- YAML written by okrops --------------------------------------------------------------------------

YAML_SYNTAX = ["Acme\nInc", 'Say "hi"', "it's", "key: value", "# not a comment", "{flow}", "[list]", "*alias",
               "&anchor", "!tag", "%directive", "@at", "- dash", "---", "...", "|", ">", "? q", "null", "yes",
               "1e3", "0x10", "~", " lead and trail ", "tab\there", "CR\rLF\r\n", "Ünïcödé 日本語 👨\u200d👩\u200d👧",
               "line\u2028sep\u2029para\x85nel", "back\\slash \\n", "x" * 200]


def _load_config(root: Path) -> dict:
    from okrops.yamlio import load_fast, load_roundtrip

    text = (root / "okrs" / "okrops.yaml").read_text(encoding="utf-8")
    assert dict(load_roundtrip(text))["organisation"] == load_fast(text)["organisation"]
    return load_fast(text)


@pytest.mark.parametrize("name", YAML_SYNTAX)
def test_init_writes_a_valid_repository_for_any_organisation_name(tmp_path, name):
    from okrops.repository import load

    root = tmp_path / "okrs-repo"
    result = CliRunner().invoke(cli, ["init", str(root), "--org", name, "--no-git"])
    assert result.exit_code == 0, result.output
    assert _load_config(root)["organisation"] == name
    validated = CliRunner().invoke(cli, ["validate", str(root)])
    assert validated.exit_code == 0, validated.output
    org = load(root).organisation
    assert org.config.organisation == name
    assert [u.name for u in org.units.values()] == [name]
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse((root / "README.md").read_text(encoding="utf-8"))
    assert [t.tag for t in tokens if t.type == "heading_open"][0] == "h1"
    assert tokens[1].content.endswith(" OKRs") and tokens[2].type == "heading_close"


@pytest.mark.parametrize("name", ["a\x1b[31mb", "bell\x07", "nul\x00", "\u202eevil", "c1\x9b", "del\x7f"])
def test_init_refuses_control_characters_in_the_organisation_name(tmp_path, name):
    root = tmp_path / "okrs-repo"
    result = CliRunner().invoke(cli, ["init", str(root), "--org", name, "--no-git"])
    assert result.exit_code == 2
    assert "control character" in result.output and not UNSAFE.search(result.output)
    assert not (root / "okrs").exists()


def test_new_entries_keep_any_text_exactly(tmp_path):
    from okrops.repository import load

    root = tmp_path / "repo"
    assert CliRunner().invoke(cli, ["init", str(root), "--org", "Acme", "--no-git"]).exit_code == 0
    texts = [t for t in YAML_SYNTAX if len(t) <= 40]
    for n, text in enumerate(texts):
        steps = [["new", "unit", f"team-{n}", "--name", text, "--description", text, "--kind", text[:40].strip() or "k",
                  "--repo", str(root)],
                 ["new", "objective", f"team-{n}", "2026-Q4", "--why", text, "--repo", str(root), "--", text],
                 ["new", "kr", f"team-{n}/2026-Q4/O1", "--metric", text, "--unit", text, "--data-source", text,
                  "--baseline", "-5", "--target", "10", "--repo", str(root), "--", text],
                 ["new", "cycle", f"C{n}", "--start", "2027-01-01", "--end", "2027-03-31", "--name", text,
                  "--repo", str(root)]]
        for args in steps:
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
    org = load(root).organisation
    for n, text in enumerate(texts):
        unit = org.units[f"team-{n}"]
        assert unit.name == text and unit.description == text
        [objective] = org.objectives_of(f"team-{n}", "2026-Q4")
        assert objective.title == text and objective.why == text
        [kr] = objective.key_results
        assert (kr.title, kr.metric, kr.measure_unit, kr.data_source, kr.baseline) == (text, text, text, text, -5)
        assert org.config.cycles[f"C{n}"].name == text
    assert CliRunner().invoke(cli, ["validate", str(root)]).exit_code == 0


@pytest.mark.parametrize("args", [
    ["new", "unit", "x", "--name", "a\x1b[2Jb"], ["new", "objective", "acme", "2026-Q4", "t\x07"],
    ["new", "kr", "acme/2026-Q4/O1", "t\x08"], ["new", "cycle", "2027-Q1", "--start", "2027-01-01",
                                                "--end", "2027-03-31", "--name", "\u202eq"],
    ["cycle", "close", "2026-Q4", "--learnings", "acme/2026-Q4/O1=\x1b]8;;x\x07"],
], ids=lambda a: " ".join(a[:2]))
def test_authoring_refuses_control_characters_and_writes_nothing(tmp_path, args):
    root = tmp_path / "repo"
    assert CliRunner().invoke(cli, ["init", str(root), "--org", "Acme", "--no-git"]).exit_code == 0
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, [*args, "--repo", str(root)])
    assert result.exit_code == 2 and "control character" in result.output, result.output
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_cycle_close_and_open_keep_learnings_exactly_and_comments_on_one_line(tmp_path):
    from okrops.repository import load

    root = tmp_path / "repo"
    assert CliRunner().invoke(cli, ["init", str(root), "--org", "Acme", "--no-git", "--today", "2026-11-25"]).exit_code == 0
    learnings = "learned\u2028# key: value\nsecond: line\x85- x 'q' \"dq\""
    result = CliRunner().invoke(cli, ["cycle", "close", "2026-Q4", "--repo", str(root), "--today", "2027-01-05",
                                      "--decision", "acme/2026-Q4/O1=rewrite", "--decision", "acme/2026-Q4/O2=carry-over",
                                      "--decision", "acme/2026-Q4/O3=done",
                                      "--learnings", f"acme/2026-Q4/O1={learnings}"])
    assert result.exit_code == 0, result.output
    org = load(root).organisation
    assert org.objectives["acme/2026-Q4/O1"].reflection.learnings == learnings
    # a hand-written learning with an escape sequence (double-quoted YAML allows it) reaches a comment
    path = root / "okrs" / "acme" / "2026-Q4.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("decision: carry-over", 'learnings: "hand \\e[2J written"\n      decision: rewrite', 1),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["cycle", "open", "2027-Q1", "--repo", str(root)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["validate", str(root)]).exit_code == 0
    written = (root / "okrs" / "acme" / "2027-Q1.yaml").read_text(encoding="utf-8")
    assert not UNSAFE.search(written.replace("\n", ""))
    comments = [line for line in written.splitlines() if line.lstrip().startswith("#")]
    assert any("REWRITE" in c and "# key: value second: line - x" in c for c in comments), comments


# --- CODEOWNERS -------------------------------------------------------------------------------------


def test_codeowners_lines_and_owners_come_only_from_safe_paths_and_handles(tmp_path):
    org = OrgBuilder(tmp_path / "repo")
    org.unit("acme", "Acme", maintainers=["@acme/leads"])
    org.unit("acme/x\n* @mallory\n#/platform", "Platform", maintainers=["@acme/platform"])
    org.unit("acme/product area/payments", "Payments", maintainers=["@acme/payments"])
    org.unit("acme/a*b/search", "Search", maintainers=["@acme/search"])
    org.git_init()
    result = CliRunner().invoke(cli, ["codeowners", "--repo", str(org.root)])
    assert result.exit_code == 0, result.output
    assert "left out" in result.output and not UNSAFE.search(result.output)
    text = (org.root / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == ["/okrs/okrops.yaml @acme/leads", "/okrs/strategy.yaml @acme/leads",
                    "/.github/CODEOWNERS @acme/leads", "/okrs/acme/ @acme/leads",
                    "/okrs/acme/product\\ area/payments/ @acme/payments"]
    check = CliRunner().invoke(cli, ["codeowners", "--check", "--repo", str(org.root)])
    assert check.exit_code == 0, check.output

"""Validate and check-in accept the same files (issue 8).

Check-in edits values in the text, found with the parser validate reads with, so:

* every file ``okrops validate`` accepts can be checked in, every key result of it,
  and only the value lines change (byte for byte everywhere else), in every layout
  people write or tools make (a generated corpus, and a hypothesis fuzz loop);
* a file validate rejects never makes check-in crash (exit 3): it is refused with a
  message, or (for a warning about line endings) checked in when no line must be added.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

import pytest
import yaml

from okrops.record import checkin as core
from okrops.cli.checkins import checkin as checkin_cmd
from okrops.validate import validate
from okrops.yamlio import FastLoader, load_fast
from test_checkin_support import git, isolated_git, run_cli, write  # noqa: F401 - fixture
from yaml_corpus import Chooser, Generated, generate

CYCLE_FILE = "okrs/acme/2026-Q4.yaml"
CONFIG = "organisation: Parity\ncycles:\n  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
CORPUS = range(120)
NEW_VALUES = [42, 7.5, -3, 0, 0.1, 1e20, 123456789]
NEW_CONFIDENCES = [None, 0, 1, 0.6, 0.35]
NUMBER = r"-?[0-9][0-9.e+-]*"


def make_org(root: Path, text: str = "objectives: []\n", *, commit: bool = False) -> Path:
    write(root / "okrs/okrops.yaml", CONFIG)
    write(root / "okrs/acme/unit.yaml", "name: Acme\n")
    (root / CYCLE_FILE).write_bytes(text.encode("utf-8"))
    if commit:
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Test Person")
        git(root, "config", "user.email", "test@example.com")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "OKRs")
    return root


def findings_for(root: Path, text: str) -> list:
    (root / CYCLE_FILE).write_bytes(text.encode("utf-8"))
    return validate(root).findings


# --- what a check-in may change ------------------------------------------------------


def _kr_node(text: str, path: tuple) -> yaml.Node:
    node = yaml.compose(text.lstrip("\ufeff"), Loader=FastLoader)
    for part in path:
        node = dict((k.value, v) for k, v in node.value)[part] if isinstance(part, str) else node.value[part]
    return node


def _normal(data):
    """Plain data for comparing: numbers as floats (42 == 42.0), NaN equal to NaN, bools apart."""
    if isinstance(data, dict):
        return {k: _normal(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_normal(v) for v in data]
    if isinstance(data, bool) or data is None or isinstance(data, str):
        return data
    try:
        number = float(data)
    except OverflowError:
        return ("big", str(data))
    return "nan" if number != number else number


def expected_data(gen: Generated, edits: list[tuple[tuple, float, object]]):
    data = load_fast(gen.text.lstrip("\ufeff"))
    followers = {case.path: case.followers for case in gen.key_results}
    for path, value, confidence in edits:
        kr = data
        for part in path:
            kr = kr[part]
        kr["current"] = value
        for name in followers.get(path, ()):  # an alias of an anchored current reads the new value
            kr[name] = value
        if confidence is not None:
            kr["confidence"] = confidence
    return data


def assert_only_value_lines(gen: Generated, new: str, paths: list[tuple]) -> None:
    """Only the current/confidence lines (or the flow mapping's line) of these key results change."""
    old, eol = gen.text, gen.layout.eol
    assert new.startswith("\ufeff") == old.startswith("\ufeff")
    assert new.endswith(eol) == old.endswith(eol)
    if eol == "\r\n":  # every line break written is the file's own
        assert "\n" not in new.replace("\r\n", "") and "\r" not in new.replace("\r\n", "")
    else:
        assert "\r" not in new
    allowed: set[int] = set()
    columns: set[int] = set()
    for path in paths:
        node = _kr_node(old, path)
        if node.flow_style:
            allowed.update(range(node.start_mark.line, node.end_mark.line + 1))
        else:
            columns.add(node.value[0][0].start_mark.column)
            allowed.update(k.start_mark.line for k, _ in node.value if k.value in ("current", "confidence"))
    old_lines, new_lines = old.lstrip("\ufeff").split(eol), new.lstrip("\ufeff").split(eol)
    inserted = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        assert tag in ("replace", "insert"), (tag, old_lines[i1:i2], new_lines[j1:j2])
        assert set(range(i1, i2)) <= allowed, ("changed a line that holds no value", old_lines[i1:i2])
        added = list(new_lines[j1:j2])
        for before in old_lines[i1:i2]:  # pair each changed line with its new self: same key, else in order
            key = re.match(r"\s*([\"']?)(current|confidence)\1:", before)
            twin = next((a for a in added if key and re.match(rf"\s*([\"']?){key.group(2)}\1:", a)), None) or \
                max(added, key=lambda a: SequenceMatcher(None, before, a).ratio())
            added.remove(twin)
            _assert_same_but_values(before, twin)
        for line in added:
            inserted += 1
            match = re.fullmatch(rf"( *)([\"']?)(current|confidence)\2: {NUMBER}", line)
            assert match and len(match.group(1)) in columns, ("inserted line out of place", line, columns)
    assert inserted <= 2 * len(paths)


def _without_values(line: str) -> str:
    """The line without its current/confidence entries, whitespace runs made one."""
    line = re.sub(r"(,\s*)?([\"']?)\b(current|confidence)\2:\s*(&\S+\s+)?[^,}\s]+", "", line)
    return re.sub(r"\s+", " ", line).strip()


def _assert_same_but_values(before: str, after: str) -> None:
    assert _without_values(before) == _without_values(after), (before, after)
    if "#" in before and "{" not in before:  # a comment after a value keeps its text and, if there is room, its column
        assert before[before.index("#"):] == after[after.index("#"):]
        if before[:before.index("#")].endswith(" "):  # (a tab before it stays a tab)
            assert after.index("#") == before.index("#") or after[:after.index("#")].endswith(" ") and \
                not after[:after.index("#")].endswith("  ")


def check_key_result(gen: Generated, edits: list[tuple[tuple, float, object]], root: Path) -> str:
    changes = []
    for path, value, confidence in edits:
        changes.append((path, "current", value))
        if confidence is not None:
            changes.append((path, "confidence", confidence))
    new = core.edit_text(gen.text, changes, CYCLE_FILE)
    assert_only_value_lines(gen, new, [path for path, _, _ in edits])
    assert _normal(load_fast(new.lstrip("\ufeff"))) == _normal(expected_data(gen, edits))
    _assert_key_order(new, [path for path, _, _ in edits], gen)
    assert findings_for(root, new) == []
    return new


def _assert_key_order(new: str, paths: list[tuple], gen: Generated) -> None:
    old_data, new_data = load_fast(gen.text.lstrip("\ufeff")), load_fast(new.lstrip("\ufeff"))
    for path in paths:
        before, after = old_data, new_data
        for part in path:
            before, after = before[part], after[part]
        keys = list(after)
        assert [k for k in keys if k in before] == list(before)  # nothing moved
        if "current" not in before:
            sibling = next(k for k in core._CURRENT_AFTER if k in before)
            assert keys.index("current") == keys.index(sibling) + 1
        if "confidence" in after and "confidence" not in before:
            assert keys.index("confidence") == keys.index("current") + 1


def edits_for(gen: Generated, rng: random.Random) -> list[list[tuple[tuple, float, object]]]:
    """One check-in per key result, then one of all of them together (like --from)."""
    single = [[(case.path, rng.choice(NEW_VALUES), rng.choice(NEW_CONFIDENCES))] for case in gen.key_results]
    return single + [[edit[0] for edit in single]]


# --- the corpus ----------------------------------------------------------------------


@pytest.mark.parametrize("chunk", range(0, len(CORPUS), 20), ids=lambda start: f"seeds-{start}-{start + 19}")
def test_every_file_validate_accepts_checks_in_changing_only_value_lines(tmp_path, chunk):
    root = make_org(tmp_path / "repo")
    for seed in CORPUS[chunk:chunk + 20]:
        gen = generate(Chooser.seeded(seed))
        assert findings_for(root, gen.text) == [], f"seed {seed}: the generator made a file validate rejects"
        for edits in edits_for(gen, random.Random(seed)):
            try:
                check_key_result(gen, edits, root)
            except Exception as exc:
                raise AssertionError(f"seed {seed}, edits {edits}:\n{gen.text}") from exc


def _layouts_in_corpus() -> set[tuple]:
    seen = set()
    for seed in CORPUS:
        layout = generate(Chooser.seeded(seed)).layout
        seen.add((layout.indent, layout.flush, layout.gap, layout.eol, layout.final_newline, layout.bom))
    return seen


def test_the_corpus_covers_every_layout_combination():
    layouts = _layouts_in_corpus()
    for indent in (2, 4):
        for flush in (False, True):
            for eol in ("\n", "\r\n"):
                assert any(l[:2] == (indent, flush) and l[3] == eol for l in layouts), (indent, flush, eol)
    assert any(not l[4] for l in layouts) and any(l[5] for l in layouts)


DEFECTS = {
    "tab-indentation": lambda t, eol: re.sub(rf"{eol}    title:", f"{eol}\ttitle:", t, count=1),
    "nan": lambda t, eol: re.sub(r"baseline:(\s+(&\S+ )?)[^\s,}]+", r"baseline:\1.nan", t, count=1),
    "inf": lambda t, eol: re.sub(r"baseline:(\s+(&\S+ )?)[^\s,}]+", r"baseline:\1-.inf", t, count=1),
    "1e400": lambda t, eol: re.sub(r"baseline:(\s+(&\S+ )?)[^\s,}]+", r"baseline:\g<1>1e400", t, count=1),
    "400-digits": lambda t, eol: re.sub(r"baseline:(\s+(&\S+ )?)[^\s,}]+", r"baseline:\g<1>" + "9" * 400, t,
                                        count=1),
    "duplicate-key": lambda t, eol: re.sub(rf"({eol} +baseline:[^\r\n]*)", r"\1\1", t, count=1),
    "confidence-out-of-range": lambda t, eol: re.sub(r"confidence:(\s+)\S+", r"confidence:\g<1>1.5", t, count=1),
    "mixed-line-endings": lambda t, eol: t.replace(eol, "\r\n" if eol == "\n" else "\n", 1),
    "line-separator": lambda t, eol: t.replace("objectives:", "x-odd: a\u2028b" + eol + "objectives:", 1),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_a_file_validate_rejects_never_crashes_a_check_in(tmp_path, isolated_git, defect):
    root = make_org(tmp_path / "repo", commit=True)
    tried = 0
    for seed in CORPUS[:16]:
        gen = generate(Chooser.seeded(seed))
        text = DEFECTS[defect](gen.text, gen.layout.eol)
        if text == gen.text:
            continue
        (root / CYCLE_FILE).write_bytes(text.encode("utf-8"))
        git(root, "commit", "-q", "-am", f"{defect} {seed}")
        findings = validate(root).findings
        assert findings, f"seed {seed}: validate accepts a file with {defect}:\n{text}"
        head = git(root, "rev-parse", "HEAD")
        warned_only = all(f.severity.label == "warning" for f in findings)
        for case in gen.key_results if warned_only else gen.key_results[:2]:
            ref = f"acme/2026-Q4/O{case.path[1] + 1}/KR{case.path[3] + 1}"
            result = run_cli(checkin_cmd, ["--repo", str(root), ref, "42", "-c", "0.5"])
            assert result.exit_code in (0, 2), (seed, result.output)
            if result.exit_code == 2:
                assert result.output.startswith("Error: ") and "Traceback" not in result.output
                assert (root / CYCLE_FILE).read_bytes() == text.encode("utf-8")
                assert git(root, "rev-parse", "HEAD") == head
            else:  # only a warning (line endings): in place, or refused when a line must be added
                assert defect in ("mixed-line-endings", "line-separator"), result.output
                head = git(root, "rev-parse", "HEAD")
                text = (root / CYCLE_FILE).read_bytes().decode("utf-8")
        tried += 1
    assert tried >= 6


def test_check_in_refuses_to_add_a_line_to_a_file_with_mixed_line_endings(tmp_path, isolated_git):
    text = ("objectives:\r\n  - id: O1\r\n    title: t\r\n    key_results:\n      - id: KR1\n        title: k\n"
            "        target: 5\n")
    root = make_org(tmp_path / "repo", text, commit=True)
    [finding] = validate(root).findings
    assert (finding.file, finding.line, finding.rule, finding.severity.label) == (CYCLE_FILE, 4, "line-breaks", "warning")
    assert "line 1 ends with CRLF, line 4 with LF" in finding.message
    result = run_cli(checkin_cmd, ["--repo", str(root), "acme/2026-Q4/O1/KR1", "3"])
    assert result.exit_code == 2
    assert f"{CYCLE_FILE}:4: current must be added as a new line" in result.output
    assert "save it with one kind of line ending" in result.output
    assert (root / CYCLE_FILE).read_bytes() == text.encode()
    # a value that is already written is replaced in place: no line to add, nothing to refuse
    write(root / CYCLE_FILE, text.replace("target: 5\n", "target: 5\n        current: 1\n"))
    git(root, "commit", "-qam", "current")
    result = run_cli(checkin_cmd, ["--repo", str(root), "acme/2026-Q4/O1/KR1", "3"])
    assert result.exit_code == 0, result.output
    assert (root / CYCLE_FILE).read_bytes() == text.replace("target: 5\n", "target: 5\n        current: 3\n").encode()


# --- real check-ins and real processes -------------------------------------------------


def test_real_check_ins_in_a_git_repository(tmp_path, isolated_git):
    """Every key result of a cross-section of the corpus, one commit each, through core.checkin."""
    from test_checkin_support import load_org

    root = make_org(tmp_path / "repo", commit=True)
    for seed in CORPUS[::16]:
        gen = generate(Chooser.seeded(seed))
        (root / CYCLE_FILE).write_bytes(gen.text.encode("utf-8"))
        git(root, "commit", "-q", "-am", f"seed {seed}")
        text = gen.text
        for case in gen.key_results:
            ref = f"acme/2026-Q4/O{case.path[1] + 1}/KR{case.path[3] + 1}"
            core.checkin(load_org(root), [core.Request(ref, "42", "0.5")])
            new = (root / CYCLE_FILE).read_bytes().decode("utf-8")
            assert_only_value_lines(Generated(text, gen.key_results, gen.layout), new, [case.path])
            assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [CYCLE_FILE]
            text = new
        assert git(root, "status", "--porcelain") == ""
        assert validate(root).findings == []


@pytest.mark.parametrize("seed", [s for s in CORPUS if generate(Chooser.seeded(s)).layout.flush][:3])
def test_okrops_checkin_process_on_other_layouts(tmp_path, isolated_git, seed):
    gen = generate(Chooser.seeded(seed))
    root = make_org(tmp_path / "repo", gen.text, commit=True)
    case = gen.key_results[-1]
    ref = f"acme/2026-Q4/O{case.path[1] + 1}/KR{case.path[3] + 1}"
    done = subprocess.run([sys.executable, "-m", "okrops", "checkin", "--repo", str(root), ref, "41.5", "-c", "0.4"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    new = (root / CYCLE_FILE).read_bytes().decode("utf-8")
    assert_only_value_lines(gen, new, [case.path])
    assert git(root, "log", "-1", "--format=%(trailers:key=Okr-Value,valueonly)").strip() == "41.5"


# --- fuzz ----------------------------------------------------------------------------------


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

FINITE = st.one_of(st.integers(-10 ** 15, 10 ** 15), st.integers(-10 ** 300, 10 ** 300),
                   st.floats(allow_nan=False, allow_infinity=False))


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return make_org(tmp_path_factory.mktemp("fuzz") / "repo")


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_random_valid_documents_check_in(fuzz_root, data):
    gen = generate(Chooser(lambda options: data.draw(st.sampled_from(list(options)))))
    assert findings_for(fuzz_root, gen.text) == []
    case = data.draw(st.sampled_from(gen.key_results))
    value = data.draw(FINITE)
    confidence = data.draw(st.one_of(st.none(), st.floats(0, 1)))
    check_key_result(gen, [(case.path, value, confidence)], fuzz_root)


def test_json_written_by_a_tool_stays_json(tmp_path):
    """A cycle file written as JSON (YAML's flow style) stays valid JSON after a check-in."""
    data = {"objectives": [{"id": "O1", "title": "t", "key_results": [
        {"id": "KR1", "title": "k", "baseline": 0, "target": 10},
        {"id": "KR2", "title": "k", "baseline": 0, "target": 10, "current": 2}]}]}
    for text in (json.dumps(data), json.dumps(data, indent=2), json.dumps(data, indent=4) + "\n"):
        new = core.edit_text(text, [(("objectives", 0, "key_results", 0), "current", 4),
                                    (("objectives", 0, "key_results", 0), "confidence", 0.5),
                                    (("objectives", 0, "key_results", 1), "current", 3)], "f.yaml")
        parsed = json.loads(new)
        assert parsed["objectives"][0]["key_results"][0] == {**data["objectives"][0]["key_results"][0],
                                                             "current": 4, "confidence": 0.5}
        assert parsed["objectives"][0]["key_results"][1]["current"] == 3
        assert len(new.splitlines()) == len(text.splitlines()) + (2 if "\n" in text else 0)


KR = ("objectives", 0, "key_results", 0)
HEAD = "objectives:\n  - id: O1\n    title: t\n    key_results:\n"


@pytest.mark.parametrize("before,after", [
    # a tagged value is rewritten as a plain number, its anchor kept
    (HEAD + '      - id: KR1\n        title: k\n        current: &c !!int "5"   # c\nx: *c\n',
     HEAD + '      - id: KR1\n        title: k\n        current: &c 7           # c\nx: *c\n'),
    # an anchor with a comment between it and the value keeps both
    (HEAD + "      - id: KR1\n        title: k\n        current: &c\n          # why\n          5\n",
     HEAD + "      - id: KR1\n        title: k\n        current: &c\n          # why\n          7\n"),
    # a kept block scalar before the insertion point keeps its trailing empty line
    (HEAD + "      - id: KR1\n        title: |+\n          k\n\n        x-a: 1\n",
     HEAD + "      - id: KR1\n        title: |+\n          k\n\n        current: 7\n        x-a: 1\n"),
    # a comment after the sibling stays below the new line; a comment on the sibling's line stays there
    (HEAD + "      - id: KR1\n        title: k\n        target: 9   # t\n        # about KR2\n      - id: KR2\n"
            "        title: k\n",
     HEAD + "      - id: KR1\n        title: k\n        target: 9   # t\n        current: 7\n        # about KR2\n"
            "      - id: KR2\n        title: k\n"),
    # a flow mapping inside a block sequence, with a comment after it
    (HEAD + "      - {id: KR1, title: k, target: 9}  # flow\n",
     HEAD + "      - {id: KR1, title: k, target: 9, current: 7}  # flow\n"),
    # the value on the next line
    (HEAD + "      - id: KR1\n        title: k\n        current:\n          5\n",
     HEAD + "      - id: KR1\n        title: k\n        current:\n          7\n"),
    # a comment keeps its column when the value grows or shrinks, with at least one space
    (HEAD + "      - id: KR1\n        title: k\n        current: 5 # c\n",
     HEAD + "      - id: KR1\n        title: k\n        current: 7 # c\n"),
    (HEAD + "      - id: KR1\n        title: k\n        current: 123456    # c\n",
     HEAD + "      - id: KR1\n        title: k\n        current: 7         # c\n"),
])
def test_edit_cases(before, after):
    assert core.edit_text(before, [(KR, "current", 7)], "f.yaml") == after


def test_two_references_to_one_aliased_key_result_are_refused_together():
    text = (HEAD + "      - &kr {id: KR1, title: k, current: 1}\n  - id: O2\n    title: t\n    key_results: [*kr]\n")
    with pytest.raises(core.CheckinError, match="f.yaml:5: objectives/0/key_results/0 and objectives/1/key_results/0 "
                                                "are the same mapping"):
        core.edit_text(text, [(KR, "current", 2), (("objectives", 1, "key_results", 0), "current", 3)], "f.yaml")
    # one of them alone is fine, and both places read the new value
    new = core.edit_text(text, [(KR, "current", 2)], "f.yaml")
    data = load_fast(new)
    assert data["objectives"][1]["key_results"][0]["current"] == 2


def test_every_positive_example_checks_in():
    examples = sorted((Path(__file__).parent / "example-files" / "positive").glob("*.yaml"))
    assert examples
    for example in examples:
        text = example.read_text(encoding="utf-8")
        data = load_fast(text)
        for o_index, objective in enumerate(data["objectives"]):
            for k_index, _kr in enumerate(objective["key_results"]):
                path = ("objectives", o_index, "key_results", k_index)
                new = core.edit_text(text, [(path, "current", 3), (path, "confidence", 0.5)], example.name)
                got = load_fast(new)["objectives"][o_index]["key_results"][k_index]
                assert (got["current"], got["confidence"]) == (3, 0.5), example.name

"""The YAML read path: YAML 1.2 semantics, strictness, safety limits, locations."""

from __future__ import annotations

import pytest

from okrops import yamlio
from okrops.yamlio import YamlProblem, load_fast, locate


def problem(text: str | bytes) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        if isinstance(text, bytes):
            load_fast(yamlio.decode(text))
        else:
            load_fast(text)
    return info.value


TRICKY_SCALARS = """\
norway: no
yes_word: yes
on_word: on
off_word: off
tilde: ~
null_word: null
empty:
true_word: true
false_word: False
date: 2026-10-01
datetime: 2026-10-01 12:30:00
octal_12: 0o17
leading_zero: 017
hex: 0x1F
float: 1.5e3
dot_float: .5
inf: .inf
neg_inf: -.Inf
version: 1.10
sexagesimal: 1:30
quoted: "42"
plain_text: hello world
underscored: 1_000
"""


def test_fast_loader_reads_yaml_1_2_like_ruamel_round_trip():
    fast = load_fast(TRICKY_SCALARS)
    roundtrip = yamlio.to_plain(yamlio.load_roundtrip(TRICKY_SCALARS))
    assert fast == roundtrip
    # The YAML 1.1 traps stay text, dates stay text.
    assert fast["norway"] == "no" and fast["yes_word"] == "yes" and fast["on_word"] == "on"
    assert fast["date"] == "2026-10-01"
    assert fast["octal_12"] == 15 and fast["leading_zero"] == 17 and fast["hex"] == 31
    assert fast["empty"] is None and fast["tilde"] is None
    assert fast["true_word"] is True and fast["false_word"] is False
    assert fast["sexagesimal"] == "1:30" and fast["underscored"] == 1000


def test_duplicate_key_is_an_error_with_both_lines():
    p = problem("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (p.line, p.column, p.rule) == (4, 3, "duplicate-key")
    assert "duplicate key 'c'" in p.message and "line 3" in p.message


def test_syntax_error_has_line_and_column():
    p = problem("objectives:\n  - id: O1\n    title: [unclosed\n")
    assert p.rule == "yaml-syntax" and p.line >= 3 and p.column >= 1
    assert p.message.startswith("invalid YAML")


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(text):
    assert problem(text).rule == "empty-file"


def test_binary_file():
    p = problem(b"a: 1\n\x00\x01\x02")
    assert p.rule == "not-text" and "binary" in p.message and p.line == 2


def test_non_utf8_file_names_line_and_byte():
    p = problem("a: 1\nb: caf".encode() + b"\xe9\n")
    assert p.rule == "not-text" and p.line == 2 and p.column == 7 and "0xe9" in p.message


def test_utf8_bom_is_accepted():
    assert load_fast(yamlio.decode("\ufeffa: 1\n".encode())) == {"a": 1}


def test_huge_file_is_refused(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 1000)
    assert problem(b"a: " + b"x" * 2000).rule == "file-too-large"


def test_billion_laughs_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    p = problem("\n".join(lines) + "\n")
    assert p.rule == "alias-bomb"


def test_small_aliases_are_fine():
    assert load_fast("a: &x [1, 2]\nb: *x\n") == {"a": [1, 2], "b": [1, 2]}


def test_more_than_one_document():
    assert "more than one YAML document" in problem("a: 1\n---\nb: 2\n").message


@pytest.mark.parametrize("text,what", [
    ("1: one\n", "not text"),
    ("? [a, b]\n: c\n", "not text"),
    ("a: !!python/object:os.system x\n", "not supported"),
    ("a: !custom 1\n", "not supported"),
    ("a: !!set {x}\n", "not supported"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys"),
])
def test_unsupported_constructs(text, what):
    assert what in problem(text).message


def test_locate_points_at_keys_and_items():
    text = "objectives:\n  - id: O1\n    key_results:\n      - id: KR1\n        title: t\n"
    assert locate(text, ()) == (1, 1)
    assert locate(text, ("objectives",)) == (1, 1)
    assert locate(text, ("objectives", 0)) == (2, 5)
    assert locate(text, ("objectives", 0, "key_results", 0, "title")) == (5, 9)
    # A path that goes further than the document stops at the deepest existing node.
    assert locate(text, ("objectives", 0, "missing", 3)) == (2, 5)


def test_roundtrip_no_op_is_byte_identical_and_edit_changes_one_line():
    text = (
        "# yaml-language-server: $schema=../schema/okrs.json\n"
        "objectives:\n"
        "  - id: O1   # the first one\n"
        "    title: 'Quoted title'\n"
        "    key_results:\n"
        "      - id: KR1\n"
        "        current: 38    # last week\n"
        "        confidence: 0.6\n"
    )
    document = yamlio.load_roundtrip(text)
    assert yamlio.dump_roundtrip(document) == text
    document["objectives"][0]["key_results"][0]["current"] = 42
    edited = yamlio.dump_roundtrip(document)
    changed = [(a, b) for a, b in zip(text.splitlines(), edited.splitlines()) if a != b]
    assert changed == [("        current: 38    # last week", "        current: 42    # last week")]


def test_write_atomic_keeps_mode_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "f.yaml"
    target.write_text("a: 1\n")
    target.chmod(0o640)
    yamlio.write_atomic(target, "a: 2\n")
    assert target.read_text() == "a: 2\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


@pytest.mark.parametrize("text,line,column", [
    ("a:\n\tb: 1\n", 2, 1),
    ("a:\n  - b: 1\n\t  c: 2\n", 3, 1),
    ("a:\n  \tb: 1\n", 2, 3),
    ("a: foo\n\tbar\n", 2, 1),
    ("a: 1\n\t\nb: 2\n", 2, 1),
    ("a:\n  -\tb: 1\n    c: 2\n", 2, 4),
])
def test_a_tab_used_for_indentation_is_named_at_its_line(text, line, column):
    p = problem(text)
    assert (p.line, p.column, p.rule) == (line, column, "yaml-syntax")
    assert "a tab character" in p.message and "replace the tab with spaces" in p.message


def test_tabs_yaml_allows_are_read():
    assert load_fast("a:\tb\t# comment\nc: {d:\t1}\n") == {"a": "b", "c": {"d": 1}}


def test_a_number_too_long_for_python_is_a_located_problem():
    p = problem("a: 1\nb: " + "7" * 5000 + "\n")
    assert (p.line, p.column) == (2, 4) and "5000 digits" in p.message

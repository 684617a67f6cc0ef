"""The guards of okrops.safetext, each checked against its medium's real parser on generated text."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sys

import pytest
from markdown_it import MarkdownIt

from okrops import safetext
from okrops.errors import UsageError

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
# Characters that mean something to Markdown, CSV, YAML, terminals or shells, plus ordinary text.
ALPHABET = (list("abcXYZ019 .,:;!?'\"\\/|`*_~[](){}<>#+-=@$%^&") + ["\n", "\r", "\t", "\x1b", "\x07", "\x08",
            "\x00", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u200d", "é", "日", "😀",
            "\uff1d", "    ", "```", "---", "<!--", "-->", "&amp;", "]: ", "](", "1. ", "- ", "# ", "> ", "\ufeff"])


def samples(count: int = 1500, seed: int = 8) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14))) for _ in range(count)]


def test_terminal_line_is_one_line_without_control_characters():
    for text in samples():
        line = safetext.terminal_line(text)
        assert not UNSAFE.search(line) and "\n" not in line and "\t" not in line
    assert safetext.terminal("a\x1b[31mb\x9b\u202e\udcff") == "a\\x1b[31mb\\x9b\\u202e\\udcff"
    kept = "keep\nlines\tand é 日 😀 👨\u200d👩\u200d👧"
    assert safetext.terminal(kept) == kept


def _inline_text(markdown_text: str) -> tuple[list[str], str]:
    """(block token types, the text of the inline content) of ``markdown_text`` rendered as GFM-like CommonMark."""
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown_text)
    blocks = [t.type for t in tokens]
    text = "".join(child.content for t in tokens for child in t.children or [])
    kinds = {child.type for t in tokens for child in t.children or []}
    assert kinds <= {"text"}, (markdown_text, kinds)
    return blocks, text


def test_markdown_renders_as_the_literal_text_in_a_paragraph_a_heading_a_list_item_and_a_table_cell():
    for text in samples():
        escaped = safetext.markdown(text)
        expected = safetext.terminal_line(text).strip(" ")
        assert not UNSAFE.search(escaped)
        if not expected:
            continue
        blocks, shown = _inline_text(escaped)
        assert blocks == ["paragraph_open", "inline", "paragraph_close"] and shown == expected, (text, escaped)
        blocks, shown = _inline_text(f"### {escaped}")
        assert blocks == ["heading_open", "inline", "heading_close"] and shown == expected, (text, escaped)
        blocks, shown = _inline_text(f"- {escaped} ·")
        assert blocks[:3] == ["bullet_list_open", "list_item_open", "paragraph_open"] and len(blocks) == 7
        table = f"| a | b |\n|---|---|\n| {escaped} | x |\n"
        tokens = MarkdownIt("commonmark").enable("table").parse(table)
        assert [t.type for t in tokens].count("td_open") == 2, (text, escaped)
        cell = next(t for t in tokens if t.type == "inline" and t.map and t.map[0] == 2)
        assert "".join(c.content for c in cell.children) == expected.strip(), (text, escaped)


def test_markdown_code_is_a_code_span_or_escaped_text():
    assert safetext.markdown_code("platform/2026-Q4/O1/KR2") == "`platform/2026-Q4/O1/KR2`"
    assert safetext.markdown_code("a`b|c") == "a\\`b\\|c"


def test_csv_text_cells_never_start_a_formula_and_keep_the_text():
    for text in samples():
        cell = safetext.csv_text(text)
        formula = ("=", "+", "-", "@", "\t", "\r", "\uff1d")
        assert not cell.startswith(formula) and not cell.lstrip().startswith(formula), (text, cell)
        assert not UNSAFE.search(cell.replace("\n", ""))
        buffer = io.StringIO()
        csv.writer(buffer).writerow([cell, "next"])
        assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [cell, "next"]
    assert safetext.csv_text("=1+1") == "'=1+1" and safetext.csv_text("-5") == "'-5"
    assert safetext.csv_text("  =1+1") == "'  =1+1" and safetext.csv_text("a=1") == "a=1"
    assert safetext.csv_text(None) == "" and safetext.csv_text("a\r\nb\rc") == "a\nb\nc"


def test_json_is_lossless_and_escapes_what_a_terminal_would_act_on():
    for text in samples():
        out = safetext.json_dumps({"k": text, "list": [text]})
        assert not UNSAFE.search(out)
        assert json.loads(out) == {"k": text, "list": [text]}


def test_yaml_scalar_and_yaml_text_read_back_exactly():
    from ruamel.yaml.comments import CommentedMap

    from okrops.yamlio import dump_roundtrip, load_fast, load_roundtrip

    for text in samples():
        text = text.replace("\ud800", "")
        line = safetext.yaml_scalar(text)
        assert "\n" not in line
        assert load_fast(f"k: {line}\n")["k"] == text
        document = CommentedMap()
        document["title"] = safetext.yaml_text(text)
        written = dump_roundtrip(document)
        assert load_fast(written)["title"] == text and load_roundtrip(written)["title"] == text, (text, written)
        comment = f"# {safetext.yaml_comment(text)}\nk: 1\n"
        assert load_fast(comment) == {"k": 1}


@pytest.mark.parametrize("text", ["a\x1b[31m", "\x07", "\x00", "\u202e", "\x9b", "\x7f", "\x0b", "\udcff"])
def test_check_text_refuses_control_characters(text):
    with pytest.raises(UsageError) as error:
        safetext.check_text(text, "title")
    assert not UNSAFE.search(error.value.message)


@pytest.mark.parametrize("text", ["plain", "tab\there", "two\nlines", "CR\r\n", "nel\x85", "ls\u2028ps\u2029",
                                  "é 日 😀 👨\u200d👩\u200d👧", ""])
def test_check_text_accepts_text_and_whitespace(text):
    assert safetext.check_text(text, "title") == text


def test_codeowners_path():
    assert safetext.codeowners_path("/okrs/product area/x/") == "/okrs/product\\ area/x/"
    for bad in ("/okrs/a#b/", "/okrs/a*b/", "/okrs/a[b]/", "/okrs/a\nb/", "/okrs/a\\b/", "/okrs/a\tb/", "/okrs/!a/"):
        assert safetext.codeowners_path(bad) is None


def test_guarded_streams_escape_everything_written_and_restore_the_streams():
    raw = io.StringIO()
    old = sys.stdout
    sys.stdout = raw
    try:
        with safetext.guarded_streams():
            print("a\x1b]8;;x\x07b\u202ec")
            sys.stdout.write(b"\x1b[2J".decode())
        assert sys.stdout is raw
    finally:
        sys.stdout = old
    assert raw.getvalue() == "a\\x1b]8;;x\\x07b\\u202ec\n\\x1b[2J"


@pytest.mark.parametrize("data, shown", [
    (b'{\n\t"a": "b c"}\n', b'{\n\t"a": "b c"}\n'),  # safe ASCII: written as it is (straight to the bytes)
    (b"a\x1b[2Jb\x7f\x00\r\n", b"a\\x1b[2Jb\\x7f\\x00\\x0d\n"),  # control characters in bytes: still escaped
    ("é \u202e".encode(), "é \\u202e".encode()),  # not ASCII: through terminal() as before
])
def test_guarded_streams_escape_bytes_too(data, shown):
    # click writes bytes (okrops history --format json) to the guarded stream as they are.
    import click

    binary = io.BytesIO()
    raw = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    old = sys.stdout
    sys.stdout = raw
    try:
        with safetext.guarded_streams():
            click.echo("text first ", nl=False)
            click.echo(data, nl=False)
            click.echo("text after")
        raw.flush()
    finally:
        sys.stdout = old
    assert binary.getvalue() == b"text first " + shown + b"text after\n"

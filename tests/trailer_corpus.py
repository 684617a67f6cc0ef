"""A generated corpus of commit messages for comparing okrops' trailer reading with git's (no tests here).

Used by tests/test_history_trust.py (a few hundred messages) and by
benchmarks/trailer_agreement.py (tens of thousands). Messages mix prose and
trailer paragraphs, ``Key : value``, CRLF, comment paragraphs, continuation
lines, whitespace-only lines, ``---`` dividers, trailer-only messages,
Signed-off-by and other trailers, keys in any case, unicode, invalid UTF-8,
huge values and characters that other readers take for line breaks. They are
committed into a real repository with ``git fast-import``.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

OKR_KEYS = ["Okr-Checkin", "Okr-Value", "Okr-Previous", "Okr-Confidence", "Okr-Note"]
OTHER_KEYS = ["Signed-off-by", "Co-authored-by", "Reviewed-by", "Change-Id", "X-Foo", "Fixes", "Bug"]
WORDS = ["check-in", "latency", "customers", "migrated", "slow", "week", "Grüße", "naïve", "数据", "🚀", "value:",
         "Okr-Value:", "note", "#7", "a: b", "--", "ok"]
ODD = ["", " ", "42", "-3.5", "1e3", "nan", "inf", "1" * 400, "x" * 5000, "a\x1fb", "a\x0bb", "a\x0cb",
       "a\u2028b", "a\x85b", "\u202eevil", '"json \\" note"', "tab\there", "Okr-Value: 999", "über"]


def _case(rng: random.Random, key: str) -> str:
    return rng.choice([key, key.lower(), key.upper(), key])


def _line_value(rng: random.Random) -> str:
    return rng.choice(ODD + WORDS + [f"team-{rng.randrange(9)}/2026-Q4/O{rng.randrange(1, 4)}/KR{rng.randrange(1, 4)}",
                                     str(rng.randrange(1000)), f"0.{rng.randrange(10)}"])


def _trailer(rng: random.Random, okr: bool) -> list[str]:
    key = _case(rng, rng.choice(OKR_KEYS)) if okr else rng.choice(OTHER_KEYS)
    separator = rng.choice([": ", ": ", ":", " : ", ":  ", "\t: "])
    lines = [f"{key}{separator}{_line_value(rng)}"]
    for _ in range(rng.choice([0, 0, 0, 1, 2])):  # folded continuation lines
        lines.append(rng.choice([" ", "  ", "\t"]) + rng.choice(WORDS))
    return lines


def _trailer_block(rng: random.Random) -> list[str]:
    lines: list[str] = []
    for _ in range(rng.randrange(1, 7)):
        lines += _trailer(rng, okr=rng.random() < 0.7)
    if rng.random() < 0.2:  # a line that is not a trailer inside the block (the 25% rule decides)
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["just prose here", "(cherry picked from commit abc)",
                                                                "# a comment line", "not: really: a trailer?"]))
    return lines


def _prose(rng: random.Random) -> list[str]:
    lines = []
    for _ in range(rng.randrange(1, 4)):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(1, 8))]
        lines.append(rng.choice(["", "  ", "- ", "# "]) + " ".join(words))
    return lines


def message(rng: random.Random) -> bytes:
    """One commit message (bytes, as git stores it)."""
    paragraphs: list[list[str]] = []
    if rng.random() < 0.9:
        paragraphs.append([rng.choice(["Check-in platform O1/KR2: 38 -> 42", "Fix numbers", "Okr-Value: 5",
                                       "Grüße 🚀", "Merge branch 'x'", " ".join(rng.choice(WORDS) for _ in range(4))])])
    for _ in range(rng.randrange(0, 3)):
        paragraphs.append(_prose(rng))
    for _ in range(rng.choice([1, 1, 1, 2])):
        paragraphs.append(_trailer_block(rng))
    if rng.random() < 0.15:
        paragraphs.append(rng.choice([["# Please enter the commit message"], ["---", "diff stat"], ["  "],
                                      ["Signed-off-by: A <a@example.com>"]]))
    separator = rng.choice(["\n\n", "\n\n", "\n \n", "\n\t\n", "\n\n\n"])
    text = separator.join("\n".join(p) for p in paragraphs) + rng.choice(["\n", "", "\n\n"])
    if rng.random() < 0.15:
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if rng.random() < 0.05:
        raw = raw.replace(b"e", b"\xff", 1)  # invalid UTF-8
    return raw or b"x"


def commit_corpus(repo: Path, count: int, seed: int = 8) -> list[bytes]:
    """Commit ``count`` generated messages on a new branch ``corpus`` of ``repo`` (an existing git repository)."""
    rng = random.Random(seed)
    messages = [message(rng) for _ in range(count)]
    stream = bytearray(b"reset refs/heads/corpus\n")
    for number, text in enumerate(messages):
        who = f"Corpus {number} <c{number}@example.com> {1790000000 + number * 60} +0000".encode()
        stream += b"commit refs/heads/corpus\nauthor " + who + b"\ncommitter " + who + b"\n"
        stream += b"data %d\n" % len(text) + text + b"\n"
    stream += b"done\n"
    subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=repo, input=bytes(stream), check=True)
    return messages


def git_okr_trailers(repo: Path, rev: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(sha, Okr-* trailers) of each commit as ``git log --format=%(trailers:only,unfold)`` prints them."""
    out = subprocess.run(["git", "log", "-z", "--format=%H%x00%(trailers:only,unfold)", rev], cwd=repo,
                         capture_output=True, check=True).stdout
    parts = out.split(b"\0")
    result = []
    for index in range(0, len(parts) - 1, 2):
        sha = parts[index].decode()
        pairs = []
        for line in parts[index + 1].decode("utf-8", "replace").split("\n"):
            key, separator, value = line.partition(": ")
            if separator and key.lower().startswith("okr-"):
                pairs.append((key, value))
        result.append((sha, pairs))
    return result


def okrops_okr_trailers(repo: Path, rev: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(sha, Okr-* trailers) of each commit as okrops reads them."""
    from okrops.record import gitlog

    with gitlog.GitProcess(str(repo), gitlog.log_command([rev])) as log:
        return [(commit[0], commit[6]) for commit in gitlog.read_commits(log)]


def agreement(repo: Path, rev: str = "corpus") -> tuple[int, int, int, list[str]]:
    """(commits, commits where okrops and git agree, commits with Okr trailers, shas that disagree)."""
    theirs = git_okr_trailers(repo, rev)
    ours = okrops_okr_trailers(repo, rev)
    assert [sha for sha, _ in ours] == [sha for sha, _ in theirs]
    disagree = [sha for (sha, a), (_sha, b) in zip(ours, theirs) if a != b]
    with_okr = sum(1 for _sha, pairs in theirs if pairs)
    return len(theirs), len(theirs) - len(disagree), with_okr, disagree

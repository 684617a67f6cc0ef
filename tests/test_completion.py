"""Shell completion completes units, cycles and references from the repository (issue 12).

Runs the installed ``okrops`` the way bash, zsh and fish do: click's completion protocol
(_OKROPS_COMPLETE, COMP_WORDS, COMP_CWORD) in a real OKR repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

OKROPS = shutil.which("okrops", path=str(Path(sys.executable).parent)) or "okrops"


def complete(cwd: Path, words: str, shell: str = "bash") -> list[str]:
    words_list = words.split(" ")
    env = {**os.environ, "_OKROPS_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words_list) - 1)}
    if shell == "fish":
        env["COMP_CWORD"] = words_list[-1]
    done = subprocess.run([OKROPS], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    if shell == "bash":
        return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]
    if shell == "zsh":
        lines = done.stdout.splitlines()
        return [lines[i + 1] for i in range(0, len(lines), 3)]
    return [line.split("\t")[0].split(",", 1)[-1] for line in done.stdout.splitlines()]


@pytest.fixture
def repo(standard_org):
    return standard_org.root


@pytest.mark.parametrize("words, expected", [
    ("okrops status pl", ["platform"]),
    ("okrops status ", ["acme", "eng", "platform"]),
    ("okrops status --cycle 2026-", ["2026-Q3", "2026-Q4"]),
    ("okrops checkin platform/2026-Q4/O1/", ["platform/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR2"]),
    ("okrops checkin e", ["eng", "eng/2026-Q4/O1/KR1", "eng/2026-Q4/O1/KR2", "eng/2026-Q4/O2/KR1",
                          "eng/2026-Q4/O2/KR2", "eng/2026-Q4/O3/KR1", "eng/2026-Q4/O3/KR2"]),
    ("okrops history acme/", ["acme/FY2026", "acme/FY2026/O1", "acme/FY2026/O1/KR1", "acme/FY2026/O1/KR2",
                              "acme/FY2026/O2", "acme/FY2026/O2/KR1", "acme/FY2026/O2/KR2", "acme/FY2026/O3",
                              "acme/FY2026/O3/KR1", "acme/FY2026/O3/KR2"]),
    ("okrops new objective pla", ["platform"]),
    ("okrops new objective platform 2026-Q", ["2026-Q3", "2026-Q4"]),
    ("okrops new objective platform 2026-Q4 Title --strategy g", ["growth"]),
    ("okrops new objective platform 2026-Q4 Title --parent eng/2026-Q4/O2", ["eng/2026-Q4/O2", "eng/2026-Q4/O2/KR1",
                                                                             "eng/2026-Q4/O2/KR2"]),
    ("okrops new kr platform/2026-Q4/", ["platform/2026-Q4/O1", "platform/2026-Q4/O2", "platform/2026-Q4/O3"]),
    ("okrops new unit pay --parent e", ["eng"]),
    ("okrops cycle close F", ["FY2026"]),
    ("okrops cycle close 2026-Q4 --unit a", ["acme"]),
    ("okrops cycle open 2026-Q4 --from 2026-Q", ["2026-Q3", "2026-Q4"]),
])
def test_bash_completes_units_cycles_and_references(repo, words, expected):
    assert complete(repo, words) == expected


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_too(repo, shell):
    assert complete(repo, "okrops status pl", shell) == ["platform"]


def test_repo_option_is_followed(repo, tmp_path):
    assert complete(tmp_path, f"okrops status --repo {repo} pl") == ["platform"]


def test_outside_a_repository_nothing_is_completed_and_nothing_is_printed(tmp_path):
    assert complete(tmp_path, "okrops status p") == []
    assert complete(tmp_path, "okrops checkin p") == []


def test_command_names_still_complete(repo):
    assert complete(repo, "okrops st") == ["status"]

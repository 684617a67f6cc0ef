"""The pre-commit hooks in .pre-commit-hooks.yaml, run by the real pre-commit in a real git repository.

The hooks are declared ``language: python``: pre-commit would build a virtualenv and pip-install
okrops from the hook repository, which needs the network and minutes. The test instead copies each
hook exactly as declared (id, entry, files, pass_filenames, require_serial) into a ``repo: local``
configuration with ``language: system``, so the ``okrops`` under test (installed in this
environment, as it would be in the hook's virtualenv) runs. What is checked is what a user gets:
the entry, the file filter and the exit codes, through pre-commit and a real ``git commit``.
``pre-commit validate-manifest`` checks the manifest itself. tests/test_dayone.py lets pre-commit
install the hooks for real, from a local git repository of okrops, as ``language: python``.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def pre_commit() -> list[str]:
    found = shutil.which("pre-commit")
    if found is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    return [found]


def hooks() -> list[dict]:
    return yaml.safe_load(MANIFEST.read_text())


def test_manifest_is_valid_for_pre_commit():
    result = subprocess.run([*pre_commit(), "validate-manifest", str(MANIFEST)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    ids = [h["id"] for h in hooks()]
    assert ids == ["okrops-validate", "okrops-lint", "okrops-codeowners"]
    for hook in hooks():
        assert hook["entry"].startswith("okrops ")
        assert hook["language"] == "python"
        # validate and lint report what concerns the staged files; codeowners looks at every unit
        assert hook["pass_filenames"] is (hook["id"] != "okrops-codeowners")
        assert ("--changed" in hook["entry"]) is hook["pass_filenames"]


@pytest.fixture
def repo(tmp_path):
    from okrops.rhythm.scaffold import init

    repo = tmp_path / "repo"
    init(repo, "Acme", today=date(2026, 11, 20))
    local = [{**{k: v for k, v in hook.items() if k != "description"}, "language": "system"} for hook in hooks()]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    env_bin = tmp_path / "bin"
    env_bin.mkdir()
    okrops = shutil.which("okrops")
    if okrops is None:  # not installed as a script: run the package
        shim = env_bin / "okrops"
        shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m okrops \"$@\"\n")
        shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Test"],
                 ["config", "user.email", "test@example.com"], ["config", "commit.gpgsign", "false"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def env_for(repo: Path) -> dict:
    return {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "OKROPS_TODAY": "2026-11-20",
            "PATH": f"{repo.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=repo, env=env_for(repo), capture_output=True, text=True)


def test_hooks_pass_then_block_a_bad_commit(repo):
    cmd = pre_commit()
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    clean = run(repo, *cmd, "run", "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "okrops validate" in clean.stdout and "Passed" in clean.stdout
    installed = run(repo, *cmd, "install")
    assert installed.returncode == 0, installed.stderr
    first = run(repo, "git", "commit", "-q", "-m", "OKRs")
    assert first.returncode == 0, first.stdout + first.stderr

    # a schema error: the commit is refused with validate's message
    file = repo / "okrs/acme/2026-Q4.yaml"
    good = file.read_text()
    file.write_text(good.replace("        target: 7\n", "        target: seven\n", 1))
    run(repo, "git", "add", "-A")
    refused = run(repo, "git", "commit", "-q", "-m", "broken")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr  # git shows hook output on stderr
    assert "okrops validate" in output and "Failed" in output
    assert "expected a number" in output
    assert run(repo, "git", "rev-list", "--count", "HEAD").stdout.strip() == "1"

    # a lint error (a key result with no target): validate passes, lint blocks
    file.write_text(good.replace("        target: 7\n", "", 1))
    run(repo, "git", "add", "-A")
    linted = run(repo, "git", "commit", "-q", "-m", "no target")
    assert linted.returncode != 0
    assert "kr-not-measurable" in linted.stdout + linted.stderr

    # a change outside okrs/ does not run the hooks at all
    file.write_text(good)
    run(repo, "git", "add", "-A")
    (repo / "README.md").write_text("changed\n")
    run(repo, "git", "add", "README.md")
    skipped = run(repo, "git", "commit", "-q", "-m", "readme", "--", "README.md")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "Skipped" in skipped.stdout + skipped.stderr


def test_config_written_by_init_uses_okrops_repository_and_tag(tmp_path):
    from okrops import __version__
    from okrops.rhythm.scaffold import precommit_config
    from okrops.rhythm.source import canonical_repository

    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(precommit_config())
    result = subprocess.run([*pre_commit(), "validate-config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (repo,) = yaml.safe_load(path.read_text())["repos"]
    assert repo["repo"] == canonical_repository() == "https://github.com/okrops/okrops"
    assert repo["rev"] == f"v{__version__}"
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in hooks()]


def test_config_for_a_registry_source_matches_the_manifest(tmp_path):
    from okrops.rhythm.scaffold import precommit_config
    from okrops.rhythm.source import parse

    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(precommit_config(parse("okrops==9.9.9")))
    result = subprocess.run([*pre_commit(), "validate-config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    written = yaml.safe_load(path.read_text())["repos"][0]["hooks"]
    assert [(h["id"], h["entry"], h["files"], h["pass_filenames"]) for h in written] == \
        [(h["id"], h["entry"], h["files"], h["pass_filenames"]) for h in hooks()]
    assert all(h["additional_dependencies"] == ["okrops==9.9.9"] for h in written)


def test_hooks_report_what_a_commit_touches_and_what_refers_to_it(tmp_path):
    """With the example organisation under the hooks: a problem committed earlier (--no-verify) in one file blocks
    a commit touching that file or a file whose references point into it, and no other commit."""
    from okrops.examples import example_okrs_dir

    cmd = pre_commit()
    repo = tmp_path / "repo"
    shutil.copytree(example_okrs_dir(), repo / "okrs")
    validate_hook = next(h for h in hooks() if h["id"] == "okrops-validate")
    local = [{**{k: v for k, v in validate_hook.items() if k != "description"}, "language": "system"}]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}))
    (tmp_path / "bin").mkdir()
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "Test"],
                 ["config", "user.email", "test@example.com"], ["config", "commit.gpgsign", "false"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    env = {**env_for(repo), "OKROPS_CACHE_DIR": str(tmp_path / "user-cache")}

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)

    git("add", "-A")
    assert git("commit", "-q", "-m", "OKRs").returncode == 0
    assert subprocess.run([*cmd, "install"], cwd=repo, env=env, capture_output=True).returncode == 0
    broken = repo / "okrs/kestrel/FY2026.yaml"  # the company's objectives: every department aligns to them
    broken.write_text(broken.read_text().replace("    title:", "    owner: nobody-here\n    title:", 1))
    git("add", "-A")
    assert git("commit", "-q", "--no-verify", "-m", "an owner that is no unit").returncode == 0

    def commit_touching(rel: str) -> subprocess.CompletedProcess:
        path = repo / rel
        path.write_text(path.read_text() + "# touched\n")
        git("add", rel)
        return git("commit", "-m", f"touch {rel}")

    unrelated = commit_touching("okrs/kestrel/commercial/customer-success/2026-Q4.yaml")  # aligns to commercial's
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr
    assert "okrops validate" in unrelated.stdout + unrelated.stderr and "Passed" in unrelated.stdout + unrelated.stderr
    for rel in ("okrs/kestrel/engineering/2026-Q4.yaml", "okrs/kestrel/FY2026.yaml"):  # aligns to it; itself
        refused = commit_touching(rel)
        output = refused.stdout + refused.stderr
        assert refused.returncode != 0, output
        assert "nobody-here" in output and "FY2026.yaml" in output
        git("reset", "-q", "--hard", "HEAD")

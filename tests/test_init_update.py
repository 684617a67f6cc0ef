"""okrops init --update: okrops' own files are kept current, but never a file someone edited."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from okrops.cli.rhythm import init
from okrops.rhythm import scaffold

FORM = ".github/ISSUE_TEMPLATE/checkin.yml"
RHYTHM = ".github/workflows/okrops-rhythm.yml"
PUBLISH = ".github/workflows/publish.yml"
CHECKS = ".github/workflows/okrs.yml"
PRECOMMIT = ".pre-commit-config.yaml"


def run_init(target: Path, *args: str):
    return CliRunner().invoke(init, [str(target), "--today", "2026-11-20", *args])


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def restamped(text: str) -> str:
    """``text`` as an older okrops would have written it: its own body, its own digest line."""
    body = text[:text.rindex("# okrops-generated: sha256=")]
    return body + "# okrops-generated: sha256=" + hashlib.sha256(body.encode()).hexdigest() + "\n"


def committed_repository(tmp_path: Path) -> Path:
    root = tmp_path / "r"
    assert run_init(root, "--org", "Acme").exit_code == 0
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return root


def test_every_okrops_file_ends_with_its_digest_and_stays_yaml(tmp_path):
    root = committed_repository(tmp_path)
    owned = [rel for rel in scaffold.TEMPLATES if scaffold.okrops_owned(rel)]
    assert {FORM, RHYTHM, PUBLISH, CHECKS, PRECOMMIT} <= set(owned)
    for rel in owned:
        data = (root / rel).read_bytes()
        last = data.decode().splitlines()[-1]
        body = data[:data.rindex(b"# okrops-")]
        assert last == "# okrops-generated: sha256=" + hashlib.sha256(body).hexdigest()
        assert yaml.safe_load(data) == yaml.safe_load(body)  # a comment: the YAML is the same
    for rel in ("README.md", ".github/CODEOWNERS", ".gitignore", "okrs/okrops.yaml"):
        assert b"okrops-generated" not in (root / rel).read_bytes()  # the user's from the start


def test_update_replaces_only_unedited_okrops_files(tmp_path):
    root = committed_repository(tmp_path)
    current = {rel: (root / rel).read_bytes() for rel in (RHYTHM, PRECOMMIT, PUBLISH)}
    # an older okrops' rhythm workflow: other text, its own (matching) digest line
    older = (root / RHYTHM).read_text().replace("name:", "name: ", 1)
    (root / RHYTHM).write_text(restamped(older))
    # an older okrops' pre-commit configuration, too
    (root / PRECOMMIT).write_text(restamped("# an older one\n" + (root / PRECOMMIT).read_text()))
    # the form and the checks workflow edited by hand: the digest line no longer matches
    (root / FORM).write_text((root / FORM).read_text().replace("confidence", "certainty", 1))
    (root / CHECKS).write_text((root / CHECKS).read_text() + "# our own step comes here\n")
    # the README edited, the publish workflow deleted
    (root / "README.md").write_text("ours\n")
    (root / PUBLISH).unlink()
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}

    result = run_init(root, "--update")
    assert result.exit_code == 0, result.output
    assert f"updated {RHYTHM}" in result.output
    assert f"updated {PRECOMMIT}" in result.output
    assert f"created {PUBLISH}" in result.output
    assert f"kept    {FORM}: you edited it" in result.output
    assert f"kept    {CHECKS}: you edited it" in result.output
    assert "up to date .github/workflows/okrops-checkin.yml" in result.output
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    changed = {str(p.relative_to(root)) for p in after if before.get(p) != after[p]}
    assert changed == {RHYTHM, PRECOMMIT, PUBLISH}
    for rel, data in current.items():
        assert (root / rel).read_bytes() == data  # this version's again
    assert git(root, "status", "--porcelain").splitlines() == [f" M {FORM}", f" M {CHECKS}", " M README.md"]

    again = run_init(root, "--update")
    assert "updated" not in again.output.replace(", 0 updated", "")
    assert f"up to date {RHYTHM}" in again.output


def test_without_update_nothing_is_replaced(tmp_path):
    root = committed_repository(tmp_path)
    older = restamped((root / RHYTHM).read_text().replace("name:", "name: ", 1))
    (root / RHYTHM).write_text(older)
    result = run_init(root)
    assert result.exit_code == 0, result.output
    assert (root / RHYTHM).read_text() == older
    assert f"kept    {RHYTHM} (exists)" in result.output


def test_unmarked_crlf_and_symlinked_files_are_kept(tmp_path):
    root = committed_repository(tmp_path)
    unmarked = (root / RHYTHM).read_text()
    unmarked = unmarked[:unmarked.rindex("# okrops-generated")]  # the user removed the line: theirs now
    (root / RHYTHM).write_text(unmarked)
    crlf = restamped((root / PRECOMMIT).read_text()).replace("\n", "\r\n")  # a checkout that changed the bytes
    (root / PRECOMMIT).write_bytes(crlf.encode())
    (root / FORM).unlink()
    (root / FORM).symlink_to(root / "README.md")
    result = run_init(root, "--update")
    assert result.exit_code == 0, result.output
    assert f"kept    {RHYTHM}: no okrops-generated line" in result.output
    assert (root / RHYTHM).read_text() == unmarked
    assert (root / PRECOMMIT).read_bytes() == crlf.encode()
    assert (root / FORM).is_symlink() and f"kept    {FORM} (exists)" in result.output

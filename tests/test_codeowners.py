"""okrops codeowners: .github/CODEOWNERS from the units' maintainers."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from okrops.cli.review import codeowners as codeowners_command
from okrops.review.codeowners import BEGIN, END

CONFIG = """organisation: Acme
cycles:
  - id: 2026-Q4
    start: 2026-10-01
    end: 2026-12-31
"""


def write_units(okrs: Path) -> None:
    units = {
        "acme": 'name: Acme\nmaintainers: ["@acme/leads"]\n',
        "acme/engineering": 'name: Engineering\nmaintainers: ["@acme/eng-leads", "@cto"]\n',
        "acme/engineering/platform": 'name: Platform\nmaintainers: ["@acme/platform"]\n',
        "acme/engineering/mobile": "name: Mobile\n",  # no maintainers: Engineering reviews
        "acme/sales": 'name: Sales\nmaintainers: ["@acme/sales"]\n',
    }
    (okrs).mkdir(parents=True, exist_ok=True)
    (okrs / "okrops.yaml").write_text(CONFIG)
    for folder, text in units.items():
        (okrs / folder).mkdir(parents=True, exist_ok=True)
        (okrs / folder / "unit.yaml").write_text(text)


def make_git(repo: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)


def test_writes_owners_parent_first_and_check_passes(tmp_path):
    write_units(tmp_path / "okrs")
    make_git(tmp_path)
    runner = CliRunner()
    stale = runner.invoke(codeowners_command, ["--repo", str(tmp_path), "--check"])
    assert stale.exit_code == 1
    assert "out of date" in stale.output
    assert not (tmp_path / ".github" / "CODEOWNERS").exists()

    wrote = runner.invoke(codeowners_command, ["--repo", str(tmp_path)])
    assert wrote.exit_code == 0, wrote.output
    text = (tmp_path / ".github" / "CODEOWNERS").read_text()
    lines = text.splitlines()
    assert lines[0] == BEGIN and lines[-1] == END
    assert "/okrs/okrops.yaml @acme/leads" in lines
    assert "/okrs/strategy.yaml @acme/leads" in lines
    assert "/.github/CODEOWNERS @acme/leads" in lines
    owners = [line for line in lines if line.startswith("/okrs/acme")]
    # last match wins: each unit's line comes after its parent's
    assert owners == [
        "/okrs/acme/ @acme/leads",
        "/okrs/acme/engineering/ @acme/eng-leads @cto",
        "/okrs/acme/engineering/platform/ @acme/platform",
        "/okrs/acme/sales/ @acme/sales",
    ]
    ok = runner.invoke(codeowners_command, ["--repo", str(tmp_path), "--check"])
    assert ok.exit_code == 0 and "up to date" in ok.output


def test_keeps_other_lines_and_replaces_only_its_block(tmp_path):
    write_units(tmp_path / "okrs")
    make_git(tmp_path)
    path = tmp_path / ".github" / "CODEOWNERS"
    path.parent.mkdir()
    path.write_text(f"* @acme/admins\n\n{BEGIN}\n/okrs/old/ @gone\n{END}\n/docs/ @acme/writers\n")
    result = CliRunner().invoke(codeowners_command, ["--repo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.startswith("* @acme/admins\n\n" + BEGIN + "\n")
    assert text.endswith(END + "\n/docs/ @acme/writers\n")
    assert "@gone" not in text
    assert text.count(BEGIN) == 1

    # a maintainer change makes --check fail with a diff of what would change
    unit = tmp_path / "okrs/acme/sales/unit.yaml"
    unit.write_text('name: Sales\nmaintainers: ["@acme/sales", "@acme/revops"]\n')
    check = CliRunner().invoke(codeowners_command, ["--repo", str(tmp_path), "--check"])
    assert check.exit_code == 1
    assert "+/okrs/acme/sales/ @acme/sales @acme/revops" in check.output


def test_okrs_below_the_git_root(tmp_path):
    repo_root = tmp_path
    make_git(repo_root)
    write_units(repo_root / "teams" / "okrs")
    result = CliRunner().invoke(codeowners_command, ["--repo", str(repo_root / "teams")])
    assert result.exit_code == 0, result.output
    text = (repo_root / ".github" / "CODEOWNERS").read_text()
    assert "/teams/okrs/acme/engineering/platform/ @acme/platform" in text


def test_without_git_writes_next_to_okrs(tmp_path):
    write_units(tmp_path / "okrs")
    out = tmp_path / "owners.txt"
    result = CliRunner().invoke(codeowners_command, ["--repo", str(tmp_path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "/okrs/acme/sales/ @acme/sales" in out.read_text()


def test_broken_config_is_a_clean_error(tmp_path):
    (tmp_path / "okrs").mkdir()
    (tmp_path / "okrs" / "okrops.yaml").write_text("organisation: [\n")
    result = CliRunner().invoke(codeowners_command, ["--repo", str(tmp_path)])
    assert result.exit_code == 1
    assert "okrops validate" in result.output
    assert "Traceback" not in result.output


def test_this_repository_codeowners_is_up_to_date():
    """The example organisation's CODEOWNERS is checked in with its generated output, like CI checks it."""
    root = Path(__file__).resolve().parent.parent
    result = CliRunner().invoke(codeowners_command, ["--repo", str(root), "--check"])
    assert result.exit_code == 0, result.output + "\nrun: okrops codeowners (and commit .github/CODEOWNERS)"

"""okrops init: a new OKR repository that validates, lints clean, builds its site and never overwrites."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from okrops.cli.review import codeowners
from okrops.cli.rhythm import init
from okrops.rhythm.scaffold import quarter


def run_init(target: Path, *args: str):
    return CliRunner().invoke(init, [str(target), "--today", "2026-11-20", *args])


def test_init_writes_a_complete_repository(tmp_path):
    target = tmp_path / "acme-okrs"
    result = run_init(target, "--org", "Acme Inc", "--maintainer", "@acme/leads")
    assert result.exit_code == 0, result.output
    for rel in ["okrs/okrops.yaml", "okrs/strategy.yaml", "okrs/acme-inc/unit.yaml", "okrs/acme-inc/2026-Q4.yaml",
                "schema/okrs.json", "schema/config.json", "schema/unit.json", "schema/strategy.json",
                ".github/workflows/okrs.yml", ".github/workflows/publish.yml", ".github/CODEOWNERS",
                ".pre-commit-config.yaml", ".gitignore", "README.md"]:
        assert (target / rel).is_file(), rel
    config = (target / "okrs/okrops.yaml").read_text()
    assert config.startswith("# yaml-language-server: $schema=../schema/config.json\n")
    assert "organisation: \"Acme Inc\"" in config
    assert "id: 2026-Q4" in config and "id: 2027-Q1" in config
    okrs = (target / "okrs/acme-inc/2026-Q4.yaml").read_text()
    assert okrs.startswith("# yaml-language-server: $schema=../../schema/okrs.json\n")
    # the schemas are the package's own
    from okrops import schemas

    for kind in schemas.KINDS:
        assert (target / f"schema/{kind}.json").read_text() == (schemas.schema_dir() / f"{kind}.json").read_text()
    assert "acme-inc/2026-Q4/O1/KR1" in (target / "README.md").read_text()


def test_result_validates_and_lints_clean(tmp_path):
    from okrops.cli import cli

    run_init(tmp_path / "r", "--org", "Acme")
    runner = CliRunner()
    validated = runner.invoke(cli, ["validate", str(tmp_path / "r")])
    assert validated.exit_code == 0, validated.output
    linted = runner.invoke(cli, ["lint", str(tmp_path / "r"), "--today", "2026-11-20", "--fail-on", "info"])
    assert linted.exit_code == 0, linted.output


def test_result_builds_its_site(tmp_path):
    site = pytest.importorskip("okrops.site")
    build_site = getattr(site, "build_site", None)
    if build_site is None:
        pytest.skip("okrops.site.build_site is not there yet")
    run_init(tmp_path / "r", "--org", "Acme")
    assert (tmp_path / "r/site/mkdocs.yml").is_file()
    out = build_site(tmp_path / "r", tmp_path / "r" / "public", strict=True)
    assert (Path(out) / "index.html").is_file()
    assert "Acme" in (Path(out) / "index.html").read_text()


def test_never_overwrites(tmp_path):
    target = tmp_path / "r"
    target.mkdir()
    (target / "README.md").write_text("our own readme\n")
    (target / ".gitignore").write_text("secret/\n")
    result = run_init(target, "--org", "Acme")
    assert result.exit_code == 0, result.output
    assert "kept    README.md (exists)" in result.output
    assert (target / "README.md").read_text() == "our own readme\n"
    assert (target / ".gitignore").read_text() == "secret/\n"
    snapshot = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    again = run_init(target, "--org", "Other")
    assert again.exit_code == 0
    assert "0 files created" in again.output
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot


def test_existing_okrs_are_kept_whole(tmp_path):
    target = tmp_path / "r"
    (target / "okrs").mkdir(parents=True)
    (target / "okrs/okrops.yaml").write_text("organisation: Mine\ncycles:\n  - id: Y\n    start: 2026-01-01\n    end: 2026-12-31\n")
    result = run_init(target)
    assert result.exit_code == 0, result.output
    assert not (target / "okrs/strategy.yaml").exists()  # no example OKRs mixed into a real repository
    assert (target / ".github/workflows/okrs.yml").is_file()
    assert "kept the OKRs" in result.output


def test_unsafe_names_are_refused(tmp_path):
    bad_unit = run_init(tmp_path / "a", "--unit", "../escape")
    assert bad_unit.exit_code == 2 and "not a safe unit name" in bad_unit.output
    bad_handle = run_init(tmp_path / "b", "--maintainer", "alice")
    assert bad_handle.exit_code == 2 and "@user or @org/team" in bad_handle.output
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").rglob("*.yaml"))
    (tmp_path / "file").write_text("x")
    not_dir = CliRunner().invoke(init, [str(tmp_path / "file")])
    assert not_dir.exit_code == 2


@pytest.mark.parametrize("maintainers", [["--maintainer", "@acme/leads", "--maintainer", "@ceo"], []])
def test_codeowners_of_init_is_up_to_date_in_git(tmp_path, maintainers):
    target = tmp_path / "r"
    run_init(target, "--org", "Acme", *maintainers)
    assert (target / ".github/CODEOWNERS").is_file()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=target, check=True)
    check = CliRunner().invoke(codeowners, ["--repo", str(target), "--check"])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("day, expected", [
    (date(2026, 1, 1), ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2026-Q2")),
    (date(2026, 11, 20), ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2027-Q1")),
    (date(2028, 6, 30), ("2028-Q2", date(2028, 4, 1), date(2028, 6, 30), "2028-Q3")),
])
def test_quarters(day, expected):
    this = quarter(day)
    assert (this[0], this[2], this[3], quarter(day, 1)[0]) == expected


@pytest.mark.parametrize("day", ["2026-01-01", "2026-03-31", "2026-08-15", "2026-12-31"])
def test_lints_clean_on_any_day(tmp_path, day):
    from okrops.cli import cli

    CliRunner().invoke(init, [str(tmp_path / "r"), "--today", day])
    linted = CliRunner().invoke(cli, ["lint", str(tmp_path / "r"), "--today", day])
    assert linted.exit_code == 0, linted.output
    assert "no problems found" in linted.output


def test_init_makes_a_git_repository_only_when_outside_one(tmp_path):
    fresh = tmp_path / "fresh"
    result = run_init(fresh)
    assert result.exit_code == 0 and "initialised a git repository" in result.output
    branch = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=fresh, capture_output=True, text=True)
    assert branch.stdout.strip() == "main"
    # Nothing is committed: the user reviews the files first.
    assert subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=fresh, capture_output=True).returncode != 0
    # Inside an existing repository no nested one is made.
    nested = fresh / "sub"
    assert run_init(nested).exit_code == 0
    assert not (nested / ".git").exists()
    # --no-git leaves the folder alone.
    plain = tmp_path / "plain"
    assert "git repository" not in run_init(plain, "--no-git").output
    assert not (plain / ".git").exists()


def test_every_template_is_generated_or_a_partial():
    """Each file in okrops/rhythm/templates/ is in TEMPLATES (or an included partial, named _*)."""
    from okrops.rhythm import scaffold

    folder = Path(scaffold.__file__).parent / "templates"
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    partials = {name for name in on_disk if Path(name).name.startswith("_")}
    assert set(scaffold.TEMPLATES.values()) == on_disk - partials
    for partial in partials:
        assert any(f'include "{partial}"' in (folder / name).read_text() for name in on_disk), partial


def test_templates_keep_user_text_in_its_medium(tmp_path):
    """An organisation name with quotes, a hash, a colon and Markdown stays text in YAML, comments and README."""
    import yaml as pyyaml

    name = 'Acme "Q": #1 *bold* <b>'
    result = run_init(tmp_path / "r", "--org", name, "--unit", "acme")
    assert result.exit_code == 0, result.output
    assert pyyaml.safe_load((tmp_path / "r/okrs/okrops.yaml").read_text())["organisation"] == name
    assert pyyaml.safe_load((tmp_path / "r/okrs/acme/unit.yaml").read_text())["name"] == name
    first_comment = (tmp_path / "r/okrs/acme/2026-Q4.yaml").read_text().splitlines()[2]
    assert first_comment.startswith("# Acme") and "\n" not in first_comment
    readme = (tmp_path / "r/README.md").read_text()
    assert "*bold*" not in readme and "<b>" not in readme

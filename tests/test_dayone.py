"""A repository from ``okrops init`` gets okrops on day one without a package-index release.

okrops is installed for real, the way each host does it, from a local git repository of okrops
as it is now (tagged v<version>, see okrops_clone.py), with no network:

* pre-commit reads the ``.pre-commit-config.yaml`` that ``okrops init --okrops-source PATH``
  wrote, clones okrops at the tag, builds its hook environment from okrops' own
  ``.pre-commit-hooks.yaml`` and blocks a commit that breaks an OKR file;
* the composite action's run steps (from ``action.yml``) run with bash and the variables a GitHub
  runner sets (GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_PATH, ...): okrops is
  installed from the action's checkout into a virtual environment and runs the given command;
* the pull-request workflow ``okrops init`` writes runs its check job for real, its
  ``uses: okrops/okrops@v<version>`` step served by that local checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from okrops import __version__
from okrops_clone import ROOT, git, offline_pip_env, okrops_repository


@pytest.fixture(scope="module")
def okrops_repo(tmp_path_factory) -> tuple[Path, str]:
    return okrops_repository(tmp_path_factory.mktemp("okrops-clone"))


def new_repository(path: Path, source: str | None = None, **options) -> Path:
    from okrops.rhythm import scaffold
    from okrops.rhythm.source import parse

    scaffold.init(path, "Acme", today=date(2026, 11, 20), source=parse(source), **options)
    for args in (["config", "user.name", "Test"], ["config", "user.email", "test@example.com"],
                 ["config", "commit.gpgsign", "false"]):
        git(path, *args)
    return path


def break_a_target(repo: Path) -> None:
    file = repo / "okrs/acme/2026-Q4.yaml"
    file.write_text(file.read_text().replace("        target: 7\n", "        target: seven\n", 1))


# --- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_installs_the_hooks_from_okrops_repository_and_blocks_a_bad_commit(tmp_path, okrops_repo):
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    clone, _commit = okrops_repo
    repo = new_repository(tmp_path / "acme", str(clone))
    (entry,) = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"]
    assert entry["repo"] == str(clone) and entry["rev"] == f"v{__version__}"
    env = offline_pip_env(tmp_path)

    def run(*args):
        return subprocess.run(list(args), cwd=repo, env=env, capture_output=True, text=True)

    assert run("pre-commit", "install").returncode == 0
    git(repo, "add", ".")
    first = run("git", "commit", "-q", "-m", "OKRs as code")
    assert first.returncode == 0, first.stdout + first.stderr
    for hook in ("okrops validate", "okrops lint", "okrops codeowners --check"):
        assert re.search(rf"{re.escape(hook)}\.+Passed", first.stdout + first.stderr), (hook, first.stdout)
    # the hooks ran the okrops that pre-commit installed from the repository, in its own environment
    installed = list((tmp_path / "pre-commit-home").glob("repo*/py_env-*/lib/python*/site-packages/okrops/__init__.py"))
    assert len(installed) == 1, installed

    break_a_target(repo)
    git(repo, "add", "-A")
    refused = run("git", "commit", "-q", "-m", "broken")
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert re.search(r"okrops validate\.+Failed", output) and "expected a number" in output
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


# --- the composite action ---------------------------------------------------------------------


EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(text: str, inputs: dict, outputs: dict) -> str:
    """The ``${{ }}`` expressions action.yml uses: inputs, step outputs and ``!= ''`` tests."""
    def one(match: re.Match) -> str:
        expression = match.group(1)
        test = re.fullmatch(r"inputs\.([\w-]+) (==|!=) ''", expression)
        if test:
            return str((inputs[test.group(1)] == "") == (test.group(2) == "==")).lower()
        if expression.startswith("inputs."):
            return inputs[expression[len("inputs."):]]
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        assert step, f"the test's evaluator does not know {expression!r}: teach it"
        return outputs.get(step.group(1), {}).get(step.group(2), "")
    return EXPRESSION.sub(one, text)


def read_pairs(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def run_action(action_path: Path, workspace: Path, env: dict, tmp: Path, installed: dict | None = None,
               **given: str) -> dict:
    """Run the action's ``run`` steps as a runner would; returns PATH additions, outputs and the last step.

    With ``installed`` (what an earlier run returned), the install step is not run again: its
    outputs and PATH are those of that run (installing takes seconds; the command step is tested).
    """
    action = yaml.safe_load((action_path / "action.yml").read_text())
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    github_path, summary = tmp / "github_path", tmp / "summary.md"
    github_path.write_text("\n".join(installed["path"]) + "\n" if installed else "")
    outputs: dict = {"install": installed["outputs"]["install"]} if installed else {}
    result = installed["last"] if installed else None
    for index, step in enumerate(action["runs"]["steps"]):
        if "if" in step and evaluate(step["if"], inputs, outputs) != "true":
            continue
        if installed and step.get("id") == "install":
            continue
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@"), step  # the runner's python3 stands in
            continue
        output = tmp / f"output-{index}"
        output.touch()
        path = os.pathsep.join([*github_path.read_text().split(), env["PATH"]])
        step_env = {**env, **{k: evaluate(str(v), inputs, outputs) for k, v in step.get("env", {}).items()},
                    "PATH": path, "GITHUB_ACTION_PATH": str(action_path), "GITHUB_WORKSPACE": str(workspace),
                    "GITHUB_OUTPUT": str(output), "GITHUB_PATH": str(github_path), "GITHUB_STEP_SUMMARY": str(summary),
                    "RUNNER_TEMP": str(tmp / "runner-temp"), "GITHUB_ACTIONS": "true"}
        (tmp / "runner-temp").mkdir(exist_ok=True)
        cwd = workspace / evaluate(step.get("working-directory", "."), inputs, outputs)
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                cwd=cwd, env=step_env, capture_output=True, text=True)
        if result.returncode != 0:
            break
        if "id" in step:
            outputs[step["id"]] = read_pairs(output)
    return {"path": github_path.read_text().split(), "outputs": outputs, "last": result}


def test_action_installs_okrops_from_its_checkout_and_runs_the_command(tmp_path, okrops_repo):
    clone, _commit = okrops_repo
    workspace = tmp_path / "workspace"
    new_repository(workspace / "okr-repo")
    env = offline_pip_env(tmp_path)

    # no command: only installs, and puts okrops on PATH for the steps after it
    installed = run_action(clone, workspace, env, tmp_path)
    assert installed["last"].returncode == 0, installed["last"].stdout + installed["last"].stderr
    assert list(installed["outputs"]) == ["install"]  # the command step did not run
    assert f"okrops, version {__version__}" in installed["last"].stdout
    okrops_bin = Path(installed["outputs"]["install"]["okrops"])
    assert okrops_bin.is_file() and installed["path"] == [str(okrops_bin.parent)]
    # the okrops installed is the one from the action's checkout, in its own environment
    where = subprocess.run([str(okrops_bin.parent / "python"), "-c", "import okrops; print(okrops.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(okrops_bin.parent.parent)), where

    ran = run_action(clone, workspace, env, tmp_path, installed, command="validate --format github", path="okr-repo")
    assert ran["last"].returncode == 0, ran["last"].stdout + ran["last"].stderr

    break_a_target(workspace / "okr-repo")
    failed = run_action(clone, workspace, env, tmp_path, installed, command='validate --format "github"', path="okr-repo")
    assert failed["last"].returncode == 1
    assert "::error file=okrs/acme/2026-Q4.yaml" in failed["last"].stdout

    # the command is split like a shell would, but never run by one
    injected = run_action(clone, workspace, env, tmp_path, installed, command="validate; touch pwned $(touch pwned2)")
    assert injected["last"].returncode == 2, injected["last"].stderr  # okrops refuses the extra arguments
    assert not list(workspace.rglob("pwned*"))


def test_generated_workflow_runs_with_the_action_from_okrops_repository(tmp_path, okrops_repo):
    """okrs.yml as init writes it, its ``uses: okrops/okrops@v<version>`` step run from the local checkout."""
    from okrops.rhythm.source import default_source

    clone, _commit = okrops_repo
    origin = new_repository(tmp_path / "origin", maintainers=["@acme/leads"])
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "init")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "lower-target")
    file = work / "okrs/acme/2026-Q4.yaml"
    file.write_text(file.read_text().replace("        target: 45\n", "        target: 30\n", 1))
    git(work, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-am", "lower a target")

    workflow = yaml.safe_load((work / ".github/workflows/okrs.yml").read_text())
    env = {**offline_pip_env(tmp_path), "BASE_REF": "main"}
    summary = tmp_path / "summary.md"
    path_added: list[str] = []
    names = []
    for step in workflow["jobs"]["check"]["steps"]:
        if step.get("uses") == default_source().action:
            ran = run_action(clone, work, env, tmp_path, **step.get("with", {}))
            assert ran["last"].returncode == 0, ran["last"].stderr
            path_added += ran["path"]
        elif "run" in step:
            step_env = {**env, "PATH": os.pathsep.join([*path_added, env["PATH"]]), "GITHUB_STEP_SUMMARY": str(summary)}
            result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=work, env=step_env,
                                    capture_output=True, text=True)
            assert result.returncode == 0, (step.get("name"), result.stdout, result.stderr)
        names.append(step.get("name") or step.get("uses"))
    assert "Install okrops" in names and len(path_added) == 1
    text = summary.read_text()
    assert "target lowered" in text and "acme/2026-Q4/O2/KR1" in text


def test_init_source_options(tmp_path, okrops_repo):
    """--okrops-source: a fork at a pinned commit, a registry requirement; refusals name what to write."""
    from click.testing import CliRunner

    from okrops.cli.rhythm import init

    clone, commit = okrops_repo
    runner = CliRunner()
    pinned = runner.invoke(init, [str(tmp_path / "a"), "--today", "2026-11-20", "--okrops-source", "acme/okrops@3f9c2e1"])
    assert pinned.exit_code == 0, pinned.output
    assert "uses: acme/okrops@3f9c2e1" in (tmp_path / "a/.github/workflows/publish.yml").read_text()
    (entry,) = yaml.safe_load((tmp_path / "a/.pre-commit-config.yaml").read_text())["repos"]
    assert (entry["repo"], entry["rev"]) == ("https://github.com/acme/okrops", "3f9c2e1")

    local = runner.invoke(init, [str(tmp_path / "b"), "--today", "2026-11-20", "--okrops-source", f"{clone}@{commit}"])
    assert local.exit_code == 0 and "GitHub's runners cannot reach it" in local.output
    assert f"okrops @ git+{clone.as_uri()}@{commit}" in (tmp_path / "b/.github/workflows/okrs.yml").read_text()

    registry = runner.invoke(init, [str(tmp_path / "c"), "--today", "2026-11-20", "--okrops-source", "okrops==0.2.0"])
    assert registry.exit_code == 0
    assert 'OKROPS_REQUIREMENT: "okrops==0.2.0"' in (tmp_path / "c/.github/workflows/okrs.yml").read_text()

    for bad in ("okrops=0.2", "not a source", "acme/okrops@bad ref", "https://example.com/x\"y@v1", ""):
        refused = runner.invoke(init, [str(tmp_path / "d"), "--okrops-source", bad])
        assert refused.exit_code == 2, (bad, refused.output)
        assert "--okrops-source" in refused.output and "okrops==0.2.0" in refused.output, refused.output
        assert not (tmp_path / "d").exists()  # nothing written


def test_repository_url_and_version_come_from_pyproject():
    from okrops.rhythm.source import _repository_from_pyproject, canonical_repository, default_source

    from_metadata = canonical_repository()
    assert from_metadata == _repository_from_pyproject(ROOT / "pyproject.toml")
    assert default_source().ref == f"v{__version__}"
    assert 'Repository = "' + from_metadata + '"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("text, kind, repo, ref, action, requirement", [
    ("okrops==0.2.0", "registry", "", "", None, "okrops==0.2.0"),
    ("okrops >= 0.2, < 0.3", "registry", "", "", None, "okrops>=0.2,<0.3"),
    ("acme/okrops@3f9c2e1", "git", "https://github.com/acme/okrops", "3f9c2e1", "acme/okrops@3f9c2e1",
     "okrops @ git+https://github.com/acme/okrops@3f9c2e1"),
    ("https://github.com/acme/okrops.git@v1.0.0", "git", "https://github.com/acme/okrops.git", "v1.0.0",
     "acme/okrops@v1.0.0", "okrops @ git+https://github.com/acme/okrops.git@v1.0.0"),
    ("git@github.com:acme/okrops.git@main", "git", "https://github.com/acme/okrops", "main", "acme/okrops@main",
     "okrops @ git+https://github.com/acme/okrops@main"),
    ("https://gitlab.example.com/acme/okrops.git", "git", "https://gitlab.example.com/acme/okrops.git",
     f"v{__version__}", None, f"okrops @ git+https://gitlab.example.com/acme/okrops.git@v{__version__}"),
])
def test_okrops_source_forms(text, kind, repo, ref, action, requirement):
    from okrops.rhythm.source import parse

    source = parse(text)
    assert (source.kind, source.repo, source.ref, source.action, source.pip_requirement) == \
        (kind, repo, ref, action, requirement)

"""A local git repository of okrops as it is now, and pip settings that install from it offline.

``okrops_repository(dest)`` copies this repository's files (tracked, and untracked ones git does not
ignore, so uncommitted work is tested too) into a new git repository, commits them and tags the
commit ``v<version>``, as a release would be: what pre-commit and the composite action install
from.

``offline_pip_env(tmp)`` is the environment for installing that repository without any network:
pip uses no index, builds without an isolated build environment (hatchling comes from this test
environment) and installs no dependencies; the dependencies (click, ruamel.yaml, ...) are this
test environment's, reached through PYTHONPATH. okrops itself is never on that path (this
environment has it as an editable install, found through a .pth file, which PYTHONPATH entries do
not read), so the okrops that runs is the one pip installed from the repository. Tests check that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def okrops_repository(dest: Path) -> tuple[Path, str]:
    """A git repository of okrops' current files at ``dest``, tagged v<version>: (path, commit)."""
    from okrops import __version__

    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "-c", "user.name=Release", "-c", "user.email=release@example.com", "-c", "commit.gpgsign=false",
        "commit", "-q", "-m", "okrops")
    git(dest, "-c", "tag.gpgsign=false", "tag", f"v{__version__}")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def offline_pip_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    purelib = sysconfig.get_paths()["purelib"]
    env.update({
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_NO_DEPS": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads this variable backwards: "0" turns isolation off
        "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONFIG_FILE": os.devnull,
        "PYTHONPATH": purelib, "VIRTUALENV_NO_PERIODIC_UPDATE": "1", "PRE_COMMIT_HOME": str(tmp / "pre-commit-home"),
        "HOME": str(tmp / "home"), "XDG_CACHE_HOME": str(tmp / "cache"), "OKROPS_TODAY": "2026-11-20",
        "GIT_CONFIG_NOSYSTEM": "1",
    })
    (tmp / "home").mkdir(exist_ok=True)
    return env

"""Where a new OKR repository gets okrops from: okrops' own repository at its version's tag, or
what ``okrops init --okrops-source`` says instead.

okrops' canonical repository URL has one home, ``[project.urls] Repository`` in pyproject.toml,
and its version one, ``okrops.__version__`` (hatch reads it from there). At run time both are
read from the installed package's metadata; a source tree that was never installed reads
pyproject.toml beside the package instead.

A source is either

* ``git``: a repository (a GitHub ``owner/name``, any git URL, or a local path) and a ref (a
  tag, a branch or a commit): the workflows use okrops' composite action from it
  (``uses: owner/name@ref``, GitHub only; elsewhere they pip-install ``git+URL@ref``) and the
  pre-commit configuration uses it as the hook repository (``repo:`` and ``rev:``);
* ``registry``: a pip requirement for okrops from a package index (``okrops==0.2.0``): the
  workflows pip-install it and the pre-commit hooks are local hooks that depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Optional

from okrops import __version__
from okrops.errors import UsageError
from okrops.safetext import check_text

GITHUB = "https://github.com/"
_GITHUB_SHORT = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_GITHUB_URL = re.compile(r"^https://github\.com/(?P<slug>[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}?)(?:\.git)?/?$")
_REGISTRY = re.compile(r"^okrops\s*(?:\[[A-Za-z0-9_,\s-]*\])?\s*(?:(?:===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*$",
                       re.IGNORECASE)
_REF = re.compile(r"^[A-Za-z0-9._+-]{1,200}$")
_SPLIT_REF = re.compile(r"^(?P<repo>.+?)(?:@(?P<ref>[^@/:\\]+))?$", re.DOTALL)
_URL = re.compile(r"^(?:https?|ssh|git|file)://\S+$|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+$")


@dataclass(frozen=True)
class OkropsSource:
    """Where okrops comes from: ``kind`` is ``git`` (``repo`` and ``ref``) or ``registry`` (``requirement``)."""

    kind: str
    repo: str = ""
    ref: str = ""
    requirement: str = ""

    @property
    def git(self) -> bool:
        return self.kind == "git"

    @property
    def action(self) -> Optional[str]:
        """``owner/name@ref`` for a ``uses:`` line when the repository is on GitHub, else None."""
        match = _GITHUB_URL.match(self.repo) if self.git else None
        return f"{match['slug']}@{self.ref}" if match else None

    @property
    def local(self) -> bool:
        """A repository on this machine: fine for pre-commit here, out of reach of a hosted runner."""
        return self.git and not _URL.match(self.repo)

    @property
    def pip_requirement(self) -> str:
        """What pip installs: the registry requirement, or ``okrops @ git+URL@ref``."""
        if not self.git:
            return self.requirement
        url = self.repo if _URL.match(self.repo) else Path(self.repo).as_uri()
        if url.startswith(("git@",)):
            url = "ssh://" + url.replace(":", "/", 1)
        return f"okrops @ git+{url}@{self.ref}"

    @property
    def homepage(self) -> str:
        """A web page about okrops for the new repository's README."""
        if self.git and self.repo.startswith("https://"):
            return self.repo.removesuffix(".git")
        return canonical_repository() or "https://pypi.org/project/okrops/"

    def describe(self) -> str:
        return f"{self.repo} at {self.ref}" if self.git else self.requirement


def canonical_repository() -> Optional[str]:
    """okrops' repository URL from the package metadata (``[project.urls] Repository``)."""
    try:
        if metadata.version("okrops") == __version__:  # the metadata of this very okrops
            for entry in metadata.metadata("okrops").get_all("Project-URL") or []:
                label, _, url = entry.partition(",")
                if label.strip().lower() == "repository":
                    return url.strip()
    except metadata.PackageNotFoundError:
        pass
    return _repository_from_pyproject(Path(__file__).resolve().parents[2] / "pyproject.toml")


def _repository_from_pyproject(path: Path) -> Optional[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        import tomllib
    except ImportError:  # Python 3.10: the one line is enough
        section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
        found = section and re.search(r'^Repository\s*=\s*"([^"]+)"', section.group(1), re.MULTILINE)
        return found.group(1) if found else None
    data = tomllib.loads(text)
    if data.get("project", {}).get("name") != "okrops":
        return None
    return data["project"].get("urls", {}).get("Repository")


def default_source() -> OkropsSource:
    """okrops' own repository at this version's tag (``v<version>``)."""
    repo = canonical_repository()
    if not repo:
        raise UsageError("okrops' own repository is unknown (this okrops has no package metadata): "
                         "give --okrops-source, e.g. --okrops-source owner/okrops@v" + __version__)
    return OkropsSource("git", repo, f"v{__version__}")


def parse(text: Optional[str]) -> OkropsSource:
    """The source ``--okrops-source`` names (None: okrops' own repository and tag), or a clear refusal.

    ``okrops==0.2.0`` (any requirement for okrops): from the package index. ``owner/name@REF``,
    ``URL@REF`` or ``PATH@REF``: from that git repository at that tag, branch or commit (without
    ``@REF``: the tag of this version, ``v<version>``).
    """
    if text is None:
        return default_source()
    check_text(text, "--okrops-source")
    value = text.strip()
    if not value or "\n" in value:
        raise UsageError(f"--okrops-source {text!r} is empty or spans lines: {_EXAMPLES}")
    if _REGISTRY.match(value):
        return OkropsSource("registry", requirement=re.sub(r"\s+", "", value))
    if value.lower().startswith("okrops"):
        raise UsageError(f"--okrops-source {value!r} is not a requirement pip understands: {_EXAMPLES}")
    split = _SPLIT_REF.match(value)
    repo, ref = split["repo"], split["ref"] or f"v{__version__}"
    if not _REF.match(ref):
        raise UsageError(f"--okrops-source: {ref!r} is not a tag, branch or commit: {_EXAMPLES}")
    return OkropsSource("git", _repository(repo), ref)


_EXAMPLES = ("write a requirement (okrops==0.2.0), a repository and ref (acme/okrops@v0.2.0, "
             "https://git.example.com/okrops.git@3f9c2e1), or a local clone (/path/to/okrops@v0.2.0)")


def _repository(repo: str) -> str:
    if _GITHUB_SHORT.match(repo) and not Path(repo).exists():
        return GITHUB + repo
    ssh = re.match(r"^git@github\.com:(?P<slug>[A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?$", repo)
    if ssh:  # GitHub over ssh: the same repository, which a workflow reaches as owner/name
        return GITHUB + ssh["slug"]
    if _URL.match(repo):
        if any(c in repo for c in "\"'`$\\ ()<>[]{}|;&"):
            raise UsageError(f"--okrops-source: {repo!r} is not a repository URL: {_EXAMPLES}")
        return repo
    path = Path(repo).expanduser()
    if not path.is_dir():
        raise UsageError(f"--okrops-source: {repo!r} is neither a repository URL nor a folder: {_EXAMPLES}")
    return str(path.resolve())

"""``okrops init``: everything a new OKR repository needs, in one go.

The files: the root configuration with this quarter and the next, a strategy,
a first unit with three example objectives for this quarter, the JSON Schemas
(``schema/``, so editors validate as you type, offline), the site sources, the
GitHub workflows (checks, a semantic diff on every pull request, the site on
GitHub Pages), CODEOWNERS, a pre-commit configuration, a .gitignore and a
README for the people who will edit the OKRs. An existing file is never
overwritten: it is kept and reported.

**Keeping okrops' own files current** (``okrops init --update``). The files okrops owns
(:func:`okrops_owned`: the workflows, the check-in issue form, the pre-commit configuration)
end with a line ``# okrops-generated: sha256=<digest of everything before it>``. A file whose
line still matches its text is exactly what some okrops wrote, so ``--update`` replaces it with
this version's; a file whose text no longer matches (someone edited it) or that has no line is
the user's and is kept byte for byte. The OKRs, README.md, CODEOWNERS and .gitignore are never
replaced.

The workflows and the pre-commit configuration get okrops from okrops' own
repository at this version's tag (its composite action, its hook repository), or
from what ``--okrops-source`` names (:mod:`okrops.rhythm.source`).

**Adding a generated file.** The files okrops writes (all but the schemas and the
site sources, which are copied from the package) are Jinja2 templates in
``okrops/rhythm/templates/`` (package data: the wheel ships the folder). To add one:

1. drop its template into ``okrops/rhythm/templates/`` (e.g. ``github/checkin.yml``);
2. add one line to :data:`TEMPLATES`: its path in the new repository -> the template
   (``".github/workflows/checkin.yml": "github/checkin.yml",``). A path under
   ``.github/workflows/`` is a workflow: the tests run actionlint and the
   least-privilege checks on it; a workflow that needs okrops includes
   ``github/_install-okrops.yml`` (the composite action, or pip for a registry source).

The templates use ``<@ value @>``, ``<% if ... %>`` and ``<# comment #>`` so that
``${{ ... }}`` in workflows and ``{ ...; }`` in shell stay literal. They see what
:func:`context` returns: ``organisation``, ``unit``, ``maintainers``, ``this`` and
``next`` (cycles with ``id``, ``name``, ``start``, ``end``), ``source`` (an
:class:`~okrops.rhythm.source.OkropsSource`: ``action``, ``pip_requirement``,
``repo``, ``ref``, ``git``), ``hooks`` (okrops' pre-commit hooks) and ``codeowners``.
User text goes through the filter for its medium: ``| yaml`` (one double-quoted YAML
scalar), ``| comment`` (a YAML comment), ``| md`` (Markdown). Templates whose names
start with ``_`` are partials for ``<% include %>``, not generated files. A missing
value is an error (StrictUndefined), and a test renders every template.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from okrops.errors import UsageError
from okrops.review.codeowners import HANDLE  # the one handle pattern, used here for --maintainer
from okrops.rhythm import source as okrops_source
from okrops.rhythm.source import OkropsSource
from okrops.safetext import check_text, markdown, yaml_comment, yaml_scalar


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # --update: an unedited okrops file, replaced
    current: list[str] = field(default_factory=list)  # --update: already this version's
    edited: list[str] = field(default_factory=list)  # --update: an okrops file someone edited: kept
    unmarked: list[str] = field(default_factory=list)  # --update: no okrops-generated line: kept
    notes: list[str] = field(default_factory=list)


def quarter(day: dt.date, offset: int = 0) -> tuple[str, str, dt.date, dt.date]:
    """(id, name, start, end) of the quarter containing ``day``, ``offset`` quarters later."""
    index = (day.year * 4 + (day.month - 1) // 3) + offset
    year, q = divmod(index, 4)
    start = dt.date(year, q * 3 + 1, 1)
    end = (dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1) - dt.timedelta(days=1))
    return f"{year}-Q{q + 1}", f"Q{q + 1} {year}", start, end


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug or "company"


MAX_NAME = 200  # the schema's maxLength for the organisation's name


def check_organisation(name: str) -> str:
    """The organisation's name when it can be written; a clear refusal otherwise."""
    check_text(name, "organisation name (--org)")
    if not name.strip():
        raise UsageError("the organisation name (--org) is empty; give the organisation's name")
    if len(name) > MAX_NAME:
        raise UsageError(f"the organisation name (--org) is {len(name)} characters long; "
                         f"at most {MAX_NAME} fit (okrs/okrops.yaml: organisation)")
    return name


# Every file of a new repository that is rendered from a template: its path in the new
# repository ({unit}: the first unit's folder, {cycle}: this quarter) -> its template in
# okrops/rhythm/templates/. To add a generated file, drop its template there and add its line.
TEMPLATES: dict[str, str] = {
    "okrs/okrops.yaml": "okrs/okrops.yaml",
    "okrs/strategy.yaml": "okrs/strategy.yaml",
    "okrs/{unit}/unit.yaml": "okrs/unit.yaml",
    "okrs/{unit}/{cycle}.yaml": "okrs/cycle.yaml",
    ".github/workflows/okrs.yml": "github/okrs.yml",
    ".github/workflows/publish.yml": "github/publish.yml",
    ".github/workflows/collect.yml": "github/collect.yml",  # okrops collect, default branch only (okrops.collect)
    ".github/ISSUE_TEMPLATE/checkin.yml": "github/checkin-form.yml",  # the site's "Check in" links open it
    ".github/workflows/okrops-checkin.yml": "github/okrops-checkin.yml",  # check-ins from the form and /checkin
    ".github/workflows/okrops-rhythm.yml": "github/okrops-rhythm.yml",  # reminders and the weekly digest
    ".github/CODEOWNERS": "github/CODEOWNERS",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".gitignore": "gitignore",
    "README.md": "README.md",
}
WORKFLOWS = ".github/workflows/"
# The generated files okrops owns and --update keeps current (the rest are the user's from the start).
OWNED_PREFIXES = (WORKFLOWS, ".github/ISSUE_TEMPLATE/", ".pre-commit-config.yaml")
STAMP_PREFIX = "# okrops-generated: sha256="
_STAMP = re.compile(rb"^# okrops-generated: sha256=([0-9a-f]{64})\n\Z", re.MULTILINE)
_ANY_STAMP = re.compile(rb"^# okrops-generated:", re.MULTILINE)


def okrops_owned(rel: str) -> bool:
    """Whether the generated file at ``rel`` is okrops' own (stamped, refreshed by --update)."""
    return rel.startswith(OWNED_PREFIXES)


def stamp(text: str) -> str:
    """``text`` with its last line ``# okrops-generated: sha256=<digest of text>`` (a YAML comment)."""
    import hashlib

    if not text.endswith("\n"):
        text += "\n"
    return f"{text}{STAMP_PREFIX}{hashlib.sha256(text.encode('utf-8')).hexdigest()}\n"


def generated_state(data: bytes) -> str:
    """``"unedited"`` (the stamp matches the text before it), ``"edited"`` or ``"unmarked"`` (no stamp)."""
    import hashlib

    match = _STAMP.search(data)
    if not match:  # a line that is not the last, or not a digest, is an edit too
        return "edited" if _ANY_STAMP.search(data) else "unmarked"
    body = data[:match.start()]
    return "unedited" if hashlib.sha256(body).hexdigest() == match.group(1).decode() else "edited"


@dataclass(frozen=True)
class Cycle:
    id: str
    name: str
    start: dt.date
    end: dt.date


def check_unit(unit: str) -> str:
    from okrops.repository import SAFE_NAME

    if not SAFE_NAME.match(unit):
        raise UsageError(f"{unit!r} is not a safe unit name: use lower-case letters, digits and dashes")
    return unit


def check_maintainers(maintainers: list[str]) -> list[str]:
    for handle in maintainers:
        if not HANDLE.match(handle):
            raise UsageError(f"{handle!r} is not a git-host handle: write @user or @org/team")
    return maintainers


def context(organisation: str, unit: str, maintainers: list[str], today: dt.date,
            source: Optional[OkropsSource] = None) -> dict:
    """What the templates see: checked values, the two cycles, where okrops comes from."""
    from okrops.review import codeowners

    check_organisation(organisation)
    owners = " ".join(check_maintainers(maintainers))
    owned = ["/okrs/okrops.yaml", "/okrs/strategy.yaml", f"/{codeowners.CODEOWNERS_PATH}", f"/okrs/{check_unit(unit)}/"]
    return {
        "organisation": organisation, "unit": unit, "maintainers": maintainers,
        "this": Cycle(*quarter(today)), "next": Cycle(*quarter(today, 1)),
        "source": source or okrops_source.default_source(), "hooks": hook_manifest(),
        # the same block 'okrops codeowners' writes, so its --check passes in CI from the first pull request
        "form": _checkin_form(), "bot": {"name": BOT_NAME, "email": BOT_EMAIL},
        "codeowners": {"begin": codeowners.BEGIN, "end": codeowners.END,
                       "lines": [f"{path} {owners}" for path in owned] if maintainers else []},
    }


def render(values: dict, only: Optional[Iterable[str]] = None) -> dict[str, str]:
    """The templated files (or those of ``only``), rendered: path in the new repository -> text."""
    environment = _environment()
    paths = {rel.format(unit=values["unit"], cycle=values["this"].id): name for rel, name in TEMPLATES.items()
             if only is None or rel in only}
    rendered = {rel: environment.get_template(name).render(values) for rel, name in paths.items()}
    return {rel: stamp(text) if okrops_owned(rel) else text for rel, text in rendered.items()}


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("okrops.rhythm", "templates"), undefined=jinja2.StrictUndefined,
        autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        variable_start_string="<@", variable_end_string="@>", block_start_string="<%",
        block_end_string="%>", comment_start_string="<#", comment_end_string="#>")
    environment.filters.update(yaml=yaml_scalar, comment=yaml_comment, md=markdown)
    return environment


def hook_manifest() -> list[dict]:
    """okrops' pre-commit hooks, as its .pre-commit-hooks.yaml declares them (the one list)."""
    import yaml

    packaged = Path(__file__).parent / "pre-commit-hooks.yaml"  # in the wheel (pyproject force-include)
    path = packaged if packaged.is_file() else Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def files(organisation: str, unit: str, maintainers: list[str], today: dt.date,
          source: Optional[OkropsSource] = None) -> dict[str, str]:
    """Every file of a new repository: path relative to its root -> text."""
    from okrops import schemas

    result = render(context(organisation, unit, maintainers, today, source))
    for kind in schemas.KINDS:
        result[f"schema/{kind}.json"] = (schemas.schema_dir() / f"{kind}.json").read_text(encoding="utf-8")
    result.update(_site_files())
    return result


def _site_files() -> dict[str, str]:
    try:
        from okrops.site import scaffold_files
    except ImportError:  # the site package is optional while it is being built
        return {}
    return dict(scaffold_files())


# Who commits a check-in made from the browser (the author is the author).
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


def _checkin_form() -> dict:
    """The check-in form's label and field (id, label) pairs: the ones :mod:`okrops.record.issueform` reads."""
    from okrops.record import issueform

    return {"label": issueform.DEFAULT_LABEL, "ref": issueform.FIELD_REF, "value": issueform.FIELD_VALUE,
            "confidence": issueform.FIELD_CONFIDENCE, "note": issueform.FIELD_NOTE}


def _sample_context(source: Optional[OkropsSource]) -> dict:
    return context("Our Company", "company", [], dt.date(2026, 1, 1), source)


def precommit_config(source: Optional[OkropsSource] = None) -> str:
    """The .pre-commit-config.yaml of a new repository."""
    return render(_sample_context(source), [".pre-commit-config.yaml"])[".pre-commit-config.yaml"]


def workflow_files(source: Optional[OkropsSource] = None) -> dict[str, str]:
    """The GitHub workflows of a new OKR repository (they pass actionlint; a test checks)."""
    return render(_sample_context(source), [rel for rel in TEMPLATES if rel.startswith(WORKFLOWS)])


def init(target: str | Path, organisation: Optional[str] = None, unit: Optional[str] = None,
         maintainers: tuple[str, ...] | list[str] = (), today: Optional[dt.date] = None,
         git: bool = True, source: Optional[OkropsSource] = None, update: bool = False) -> InitResult:
    """Write the files of a new OKR repository into ``target``; never overwrite an existing file.

    With ``update``, an okrops-owned file that is still exactly what some okrops generated
    (its okrops-generated line matches) is replaced with this version's; every other existing
    file is kept (:func:`_refresh`).

    With ``git`` (the default), a folder that is not inside a git work tree becomes a new
    repository (``git init`` on branch main); nothing is committed.
    """
    from okrops import clock

    root = Path(target).resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a folder")
    organisation = organisation or root.name.replace("-", " ").replace("_", " ").title() or "Our Company"
    unit = unit or slugify(organisation)
    existing_config = root / "okrs" / "okrops.yaml"
    result = InitResult(root)
    had_config = existing_config.is_file()
    if had_config:
        result.notes.append("okrs/okrops.yaml exists: kept the OKRs and added only the missing files around them")
    source = source or okrops_source.default_source()
    wanted = files(organisation, unit, list(maintainers), today or clock.today(), source)
    if source.local:
        result.notes.append(f"okrops comes from {source.describe()}, a folder on this machine: pre-commit works here, "
                            "but GitHub's runners cannot reach it (use a repository URL for them)")
    for rel, text in wanted.items():
        if had_config and rel.startswith("okrs/"):
            result.kept.append(rel)
            continue
        path = root / rel
        if path.exists() or path.is_symlink():
            if update and okrops_owned(rel) and path.is_file() and not path.is_symlink():
                _refresh(path, rel, text, result)
            else:
                result.kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never replace a file
            handle.write(text)
        result.created.append(rel)
    if not maintainers:
        result.notes.append("no maintainers given: add them to okrs/*/unit.yaml, then run okrops codeowners")
    if git and not _inside_git_work_tree(root):
        from okrops.record import gitrefs

        try:
            gitrefs.git(root, "init", "-q", "-b", "main", paths=[str(root)])
            result.notes.append("initialised a git repository (branch main); review the files and make the first commit")
        except gitrefs.GitError as error:
            result.notes.append(f"git init failed ({error.message}); run it yourself")
    return result


def _refresh(path: Path, rel: str, text: str, result: InitResult) -> None:
    """Replace ``path`` with ``text`` only when it is an unedited okrops file; record what happened."""
    import os
    import tempfile

    data = path.read_bytes()
    wanted = text.encode("utf-8")
    if data == wanted:
        result.current.append(rel)
        return
    state = generated_state(data)
    if state != "unedited":
        (result.edited if state == "edited" else result.unmarked).append(rel)
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".okrops")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(wanted)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    result.updated.append(rel)


def _inside_git_work_tree(folder: Path) -> bool:
    from okrops.record import gitrefs

    return gitrefs.inside_work_tree(folder)

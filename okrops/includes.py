"""Many repositories, one organisation: reading the repositories ``include:`` names.

``okrs/okrops.yaml`` may include other OKR repositories, each ``{path: <folder>}`` (relative to
this repository's root) or ``{git: <url>, ref: <branch, tag or commit>}``, and ``under: <unit>``,
the unit of this organisation their top units attach under. Their unit folders are read like
this repository's own: the same checks, the same findings (with paths relative to this root, so
an included file reads ``../team-okrs/okrs/...`` or ``.okrops/cache/...``). What the including
repository decides stays its own: the cycles, the strategies and the settings come from its
okrops.yaml and strategy.yaml.

An included repository's own ``include:`` is followed too (nested includes): its ``path:``
entries are relative to that repository, its git ones come from this repository's cache (``okrops
fetch`` fetches them), and its ``under:`` may name any unit read so far. Each repository is read
once: one that includes a repository on its own include chain (a loop) or one included already
by another is a finding on the okrops.yaml line that names it, saying what to remove.

Repositories named by a git URL are read from the cache folder ``.okrops/cache/<name>`` that
``okrops fetch`` (:mod:`okrops.record.includes`) fills; this module only reads folders and never
runs git, so loading stays as fast as reading files.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

from okrops.filereader import FileReader
from okrops.model import Include, Organisation
from okrops.settingsfiles import CONFIG_FILE
from okrops.unittree import OKRS_DIR, UnitTree
from okrops.yamlio import SYMLINK_REFUSED

CACHE_DIR = ".okrops/cache"


def cache_folder(root: Path, include: Include) -> Path:
    """Where ``okrops fetch`` keeps a git include: a readable name and a hash of URL and ref."""
    assert include.git is not None
    name = re.sub(r"[^a-z0-9-]+", "-", include.git.rstrip("/").rsplit("/", 1)[-1].lower().removesuffix(".git")).strip("-")
    digest = hashlib.sha1(f"{include.git}\0{include.ref or ''}".encode()).hexdigest()[:10]
    return root / CACHE_DIR / f"{name or 'repo'}-{digest}"


def include_root(root: Path, include: Include, base: Optional[Path] = None) -> Path:
    """The folder holding an included repository: a git include's cache folder (in the top repository
    ``root``), a path relative to the repository that names it (``base``, default ``root``)."""
    if include.git is not None:
        return cache_folder(root, include)
    return ((base or root) / (include.path or "")).resolve()


def unreadable(error: Exception) -> str:
    """Why a folder named by an include cannot be used, in a person's words."""
    if isinstance(error, ValueError):
        return "its path holds a NUL byte"
    return error.strerror.lower() if isinstance(error, OSError) and error.strerror else str(error)


def nested_includes(folder: Path) -> list[Include]:
    """The ``include:`` entries of the repository in ``folder`` (none when its okrops.yaml cannot be read)."""
    from okrops.schemas import is_valid
    from okrops.settingsfiles import includes_of
    from okrops.yamlio import YamlProblem, load_fast, read_text

    try:
        data = load_fast(read_text(folder / OKRS_DIR / CONFIG_FILE))
    except (OSError, ValueError, YamlProblem):
        return []
    return includes_of(data) if isinstance(data, dict) and is_valid("config", data) else []


def load_includes(reader: FileReader, org: Organisation) -> None:
    """Read every included repository's units into ``org``, nested ones too; problems become findings on the
    okrops.yaml that names the include."""
    top = Path(reader.root).resolve()
    seen: dict[Path, str] = {top: org.config.source.file}
    for include in org.config.includes:
        _load_one(reader, org, include, top, org.config.source.file, (top,), seen)


def _load_one(reader: FileReader, org: Organisation, include: Include, base: Path, config_rel: str,
              chain: tuple[Path, ...], seen: dict[Path, str]) -> None:
    """One include named in ``config_rel`` (the okrops.yaml of the repository in ``base``), then its own."""
    where = ("include", include.index)
    named = include.git or include.path
    try:
        folder = include_root(Path(reader.root), include, base).resolve()
        okrs = folder / OKRS_DIR
        okrs.is_symlink(), (okrs / CONFIG_FILE).is_file()  # a path the system refuses fails here, not below
    except (OSError, ValueError) as error:  # a name too long, a NUL byte, a folder that may not be read
        reader.add(config_rel, f"include {named!r} cannot be read: {unreadable(error)}", "include", where,
                   hint="name a folder that exists and can be read")
        return
    if folder in chain:
        names = [_shown(reader, f) for f in chain[chain.index(folder):]] + [_shown(reader, folder)]
        reader.add(config_rel, f"include {named!r} makes a loop of includes: {' includes '.join(names)}",
                   "include-loop", where, hint="remove this include: a repository cannot include one that "
                   "includes it")
        return
    if folder in seen:
        reader.add(config_rel, f"include {named!r} names a repository included already (by {seen[folder]})",
                   "include", where, hint="include each repository once: remove this include or the other one")
        return
    if include.under is not None and include.under not in org.units:
        reader.add(config_rel, f"include {named!r} attaches under {include.under!r}, which is not a unit",
                   "unknown-ref", where + ("under",), hint="name a unit of this repository (its folder name)")
        return
    if okrs.is_symlink():
        reader.add(config_rel, f"include {named!r}: {okrs} is a symbolic link; {SYMLINK_REFUSED} folder", "include", where)
        return
    if not (okrs / CONFIG_FILE).is_file():
        todo = "run 'okrops fetch' to fetch it" if include.git else f"expected {OKRS_DIR}/{CONFIG_FILE} in it"
        reader.add(config_rel, f"include {named!r} cannot be read: {folder} holds no OKR repository; {todo}",
                   "include", where)
        return
    seen[folder] = config_rel
    prefix = org.units[include.under].folder if include.under else ""
    other = reader.included(okrs, prefix)
    UnitTree(other, org).walk(okrs, include.under)
    reader.files_read += other.files_read
    org.included[str(folder)] = include
    own_config = reader.rel(okrs / CONFIG_FILE)
    for nested in nested_includes(folder):
        _load_one(reader, org, nested, folder, own_config, chain + (folder,), seen)


def _shown(reader: FileReader, folder: Path) -> str:
    """A repository in a message: its folder relative to the top repository ('.' for the top one)."""
    return reader.rel(folder) or "."

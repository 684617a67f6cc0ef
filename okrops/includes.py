"""Many repositories, one organisation: reading the repositories ``include:`` names.

``okrs/okrops.yaml`` may include other OKR repositories, each ``{path: <folder>}`` (relative to
this repository's root) or ``{git: <url>, ref: <branch, tag or commit>}``, and ``under: <unit>``,
the unit of this organisation their top units attach under. Their unit folders are read like
this repository's own: the same checks, the same findings (with paths relative to this root, so
an included file reads ``../team-okrs/okrs/...`` or ``.okrops/cache/...``). What the including
repository decides stays its own: the cycles, the strategies and the settings come from its
okrops.yaml and strategy.yaml; an included repository's own include: is not followed.

Repositories named by a git URL are read from the cache folder ``.okrops/cache/<name>`` that
``okrops fetch`` (:mod:`okrops.record.includes`) fills; this module only reads folders and never
runs git, so loading stays as fast as reading files.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

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


def include_root(root: Path, include: Include) -> Path:
    """The folder holding an included repository (for a git include, its cache folder)."""
    if include.git is not None:
        return cache_folder(root, include)
    return (root / (include.path or "")).resolve()


def load_includes(reader: FileReader, org: Organisation) -> None:
    """Read every included repository's units into ``org``; problems become findings on okrops.yaml."""
    config_rel = org.config.source.file
    seen = {Path(reader.root).resolve()}
    for include in org.config.includes:
        where = ("include", include.index)
        folder = include_root(Path(reader.root), include)
        okrs = folder / OKRS_DIR
        named = include.git or include.path
        if folder.resolve() in seen:
            reader.add(config_rel, f"include {named!r} names this repository or one included already", "include", where)
            continue
        if include.under is not None and include.under not in org.units:
            reader.add(config_rel, f"include {named!r} attaches under {include.under!r}, which is not a unit",
                       "unknown-ref", where + ("under",), hint="name a unit of this repository (its folder name)")
            continue
        if okrs.is_symlink():
            reader.add(config_rel, f"include {named!r}: {okrs} is a symbolic link; {SYMLINK_REFUSED} folder", "include", where)
            continue
        if not (okrs / CONFIG_FILE).is_file():
            todo = "run 'okrops fetch' to fetch it" if include.git else f"expected {OKRS_DIR}/{CONFIG_FILE} in it"
            reader.add(config_rel, f"include {named!r} cannot be read: {folder} holds no OKR repository; {todo}",
                       "include", where)
            continue
        seen.add(folder.resolve())
        prefix = org.units[include.under].folder if include.under else ""
        other = reader.included(okrs, prefix)
        UnitTree(other, org).walk(okrs, include.under)
        reader.files_read += other.files_read
        org.included[str(folder)] = include

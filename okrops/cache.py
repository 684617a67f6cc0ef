"""Caches of work okrops can redo at any time: where they live, and files that cannot be read stale.

Every cache entry is keyed by everything its answer depends on (file contents
by hash, okrops' version, the configuration, Python's bytecode version), so an
entry is either right or not found; deleting a cache folder only costs time.
``OKROPS_NO_CACHE=1`` turns every cache off.

Where they live:

* :func:`repository_dir`: ``.git/okrops/`` of the repository (per work tree),
  for what belongs to one repository (the validate cache, the history cache);
* :func:`user_dir`: ``$OKROPS_CACHE_DIR``, else ``$XDG_CACHE_HOME/okrops`` or
  ``~/.cache/okrops``, for what is the same in every repository (the compiled schemas).

A cache file is ``sha256(payload) + payload`` with the payload in :mod:`marshal`
format (plain data and code objects only); a file that is cut short, damaged or
from another version reads as "not found". Files are replaced atomically, so
parallel runs never see half a file. A folder that cannot be written means no
cache, never an error.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Iterable, Optional

FORMAT = 1  # of the files written here


def installed_packages(*names: str) -> list[str]:
    """The names of the installed distributions' metadata folders of ``names`` (name and version).

    A cache key needs only something that changes when a package's version does; the
    folder names on ``sys.path`` give it without importing :mod:`importlib.metadata`
    (about 15 ms on every command). Names compare as the packaging rules normalise them.
    """
    wanted = {_normalised(name) for name in names}
    found = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                for item in listing:
                    if item.name.endswith((".dist-info", ".egg-info")) and \
                            _normalised(item.name.split("-", 1)[0]) in wanted:
                        found.append(item.name)
        except OSError:  # a zip file, a missing folder
            continue
    missing = wanted - {_normalised(name.split("-", 1)[0]) for name in found}
    if missing:  # installed some other way: ask the package metadata
        import importlib.metadata as metadata

        for name in sorted(missing):
            try:
                found.append(f"{name} {metadata.version(name)}")
            except metadata.PackageNotFoundError:
                found.append(name)
    return sorted(found)


def _normalised(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def disabled() -> bool:
    return os.environ.get("OKROPS_NO_CACHE", "") not in ("", "0")


def user_dir() -> Optional[Path]:
    """The user's okrops cache folder (it may not exist yet); None when caching is off."""
    if disabled():
        return None
    chosen = os.environ.get("OKROPS_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None)
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder
            return None
    return Path(base) / "okrops"


def git_dir(start: os.PathLike | str) -> Optional[Path]:
    """The git folder of the work tree holding ``start`` (``.git``, or where a ``.git`` file points), or None.

    Found on the file system, without running git (this is on every command's way).
    """
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not text.startswith("gitdir:"):
                return None
            target = Path(text[len("gitdir:"):].strip())
            return target if target.is_absolute() else (candidate / target)
    return None


def repository_dir(start: os.PathLike | str) -> Optional[Path]:
    """``<git folder>/okrops`` of the repository holding ``start``; None outside git or when caching is off."""
    if disabled():
        return None
    found = git_dir(start)
    return None if found is None else found / "okrops"


def digest(*parts: bytes | str) -> str:
    """A key made of ``parts`` (hex sha256; each part length-prefixed, so parts cannot run into each other)."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "little"))
        hashed.update(data)
    return hashed.hexdigest()


def python_tag() -> str:
    """What marshal's format and code objects depend on."""
    return f"{sys.implementation.cache_tag}-{sys.version_info[:3]}"


def load(path: Optional[Path], key: Any) -> Any:
    """The payload stored at ``path`` under ``key``; None when there is none (or it cannot be trusted)."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < 32 or hashlib.sha256(data[32:]).digest() != data[:32]:
        return None
    try:
        stored = marshal.loads(data[32:])
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != FORMAT or stored[1] != key:
        return None
    return stored[2]


def save(path: Optional[Path], key: Any, payload: Any) -> bool:
    """Store ``payload`` under ``key`` at ``path`` atomically; False when it could not be written."""
    if path is None:
        return False
    try:
        data = marshal.dumps((FORMAT, key, payload))
    except ValueError:  # not marshal-able: no cache, same answers
        return False
    return write_file(path, (hashlib.sha256(data).digest(), data))


def write_file(path: Path, chunks: Iterable[bytes]) -> bool:
    """Write ``chunks`` to ``path`` through a temporary file beside it and a rename, so parallel runs never see
    half a file; False when it could not be written (read-only, full): a cache is then not kept, never an error."""
    try:
        import tempfile  # only when writing: reading a cache is on every command's way

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, ValueError):
        return False
    return True


def source_files(*names: str) -> list[bytes]:
    """The bytes of okrops' own source files ``names`` (relative to the package), for a cache key: rows kept by
    older code are never read by newer code. A file that cannot be read (an installation without sources)
    gives random bytes, so nothing kept under that key is ever reused."""
    package = Path(__file__).resolve().parent
    parts = []
    for name in names:
        try:
            parts.append((package / name).read_bytes())
        except OSError:  # pragma: no cover - an installation without sources
            parts.append(os.urandom(16))
    return parts

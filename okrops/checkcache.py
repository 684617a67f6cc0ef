"""The validate cache: each OKR file parsed and schema-checked once per content, in the user's cache folder.

Reading a file (YAML parse, schema check, layout check) is a function of its
bytes and its kind alone, and it is most of what ``okrops validate`` costs
(about 85% at 1,000 units). So the answer, the parsed document and the
findings (for a cycle file the model objects built from it, which depend on its
path and unit too), is kept per file content: the key is a hash of the kind,
those names and the bytes, and the folder is named by a hash of what the answer
depends on besides (okrops' own reading code and schemas, the versions of
PyYAML, fastjsonschema and jsonschema, Python's). An answer found is therefore
the answer a cold read would give; delete the folder at any time
(``OKROPS_NO_CACHE=1`` turns it off).

The answers depend on file contents only, never on a repository, so they live in
the user's cache folder (:func:`okrops.cache.user_dir`, ``checked/``) and are
shared by every repository and clone; nothing is written into the repository
(a check-in, say, leaves ``.git`` exactly as git leaves it). Entries are written
atomically; once the folder holds more than :data:`MAX_ENTRIES`, the oldest go.

Everything built from the files (the organisation, cross-file checks, line numbers
of findings) is still done on every run, from these answers.
"""

from __future__ import annotations

import marshal
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

from okrops import cache

FOLDER = "checked"
MAX_ENTRIES = 60_000  # about 20 organisations of 1,000 units; then the oldest half goes
OLD_VERSION_DAYS = 30  # the answers of another okrops version go once unused this long


@lru_cache(maxsize=None)
def code_key() -> str:
    """A hash of everything a file's answer depends on besides its bytes and kind."""
    from okrops import schemas

    here = Path(__file__).parent
    parts: list[bytes | str] = [cache.python_tag()]
    for name in ("checkcache.py", "yamlio.py", "yamledit.py", "schemas.py", "numbers.py", "repository.py",
                 "filereader.py", "cyclefiles.py", "findings.py", "model.py"):
        parts.append((here / name).read_bytes())
    for kind in schemas.KINDS:
        parts.append((schemas.schema_dir() / f"{kind}.json").read_bytes())
    parts += cache.installed_packages("PyYAML", "fastjsonschema", "jsonschema")
    return cache.digest(*parts)[:24]


def _pickle():
    import pickle

    return pickle


class CheckCache:
    """Answers of :meth:`okrops.filereader.FileReader.read` by file content, for one repository."""

    def __init__(self, folder: Optional[Path]):
        self.folder = folder
        self.used: set[str] = set()
        self.written = 0

    @classmethod
    def of(cls, root: os.PathLike | str = "") -> "CheckCache":
        """The cache (``root`` is not used: answers depend on file contents only)."""
        base = cache.user_dir()
        return cls(base / FOLDER / code_key() if base is not None else None)

    def answer(self, what: tuple, raw: bytes, compute: Callable[[], Any], objects: bool = False) -> Any:
        """The stored answer for ``what`` and ``raw`` (a fresh copy), else ``compute()``'s, stored.

        ``what`` names the kind of answer and everything besides ``raw`` it depends on
        (e.g. the file's path and unit). Plain data is kept with :mod:`marshal`; model
        objects (``objects=True``) with :mod:`pickle`. A cache file is only ever read
        from the repository's own ``.git`` folder, whose writers could run anything
        already (hooks).
        """
        if self.folder is None:
            return compute()
        key = cache.digest(*what, raw)
        self.used.add(key)
        path = self.folder / key[:2] / key
        stored = cache.load(path, key)
        if stored is not None:
            try:
                return _pickle().loads(stored) if objects else marshal.loads(stored)
            except Exception:  # noqa: BLE001 - anything odd in a cache entry: compute it again
                pass
        answer = compute()
        try:
            data = _pickle().dumps(answer, protocol=5) if objects else marshal.dumps(answer)
        except (ValueError, TypeError, RecursionError, AttributeError, _pickle().PicklingError):
            return answer
        if cache.save(path, key, data):
            self.written += 1
        return answer

    def finish(self) -> None:
        """After writing: the oldest entries go once there are too many, and the folders of other okrops
        versions once unused for a while (their answers can never be found by this one)."""
        if self.folder is None or not self.written:
            return
        import shutil
        import time

        try:
            for sibling in os.scandir(self.folder.parent):
                if (sibling.is_dir() and sibling.name != self.folder.name and not sibling.name.startswith(".")
                        and time.time() - sibling.stat().st_mtime > OLD_VERSION_DAYS * 86400):
                    shutil.rmtree(sibling.path, ignore_errors=True)
            entries = [entry for sub in os.scandir(self.folder) if sub.is_dir() for entry in os.scandir(sub.path)]
        except OSError:
            return
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=_modified)
        for entry in entries[: len(entries) - MAX_ENTRIES // 2]:
            if entry.name not in self.used:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass


def _modified(entry: os.DirEntry) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return 0.0

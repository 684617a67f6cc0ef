"""Results of the site's pure steps, kept across the builds of one ``serve`` by a digest of their inputs.

Making a page's Markdown is two steps: building its view object (plain data: dataclasses of
strings, numbers and dates, from :mod:`okrops.site.viewmodels`) and rendering that with its
template. The second step, and the charts' geometry (:mod:`okrops.site.charts`, from a
:class:`~okrops.site.charts.ChartSpec`), are pure functions of their arguments. So a result is
looked up by a digest of a pickle of exactly the arguments the step receives, plus a *salt* for
what the step reads besides them (the templates' files, okrops' own and the organisation's
overrides): equal arguments give the same bytes, whatever changed elsewhere in the organisation.
Nothing is kept by hand-written rules of what depends on what, so nothing can be missed.

Arguments that cannot be pickled are never looked up (the step runs). A pickle that differs for
equal data (a set in another order) only costs a run of the step, never a wrong result.
Only the results used by the last complete build are kept, so memory stays about one site's.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from typing import Any, Callable, Optional


class Memo:
    def __init__(self) -> None:
        self.salt: Optional[bytes] = None
        self.previous: dict[bytes, Any] = {}
        self.current: dict[bytes, Any] = {}
        self.complete = True
        self.made: Counter = Counter()  # step -> results computed in this build
        self.reused: Counter = Counter()  # step -> results taken from an earlier build
        self.rendered: list[str] = []  # the pages whose Markdown was rendered from their template in this build

    def start(self, salt: bytes) -> None:
        """A build begins; ``salt`` stands for everything the steps read besides their arguments."""
        if salt != self.salt:
            self.previous, self.current = {}, {}
        elif self.complete:
            self.previous, self.current = self.current, {}
        else:  # the last build failed part way: keep what both made
            self.previous.update(self.current)
            self.current = {}
        self.salt = salt
        self.complete = False
        self.made, self.reused, self.rendered = Counter(), Counter(), []

    def finish(self) -> None:
        """The build succeeded: the next one keeps only what this one used."""
        self.complete = True

    def get(self, step: str, args: tuple, make: Callable[[], Any],
            keep: Optional[Callable[[Any], bool]] = None) -> Any:
        """``make()``, or its result from an earlier build with the same ``args`` (pure steps only; with
        ``keep``, a result it refuses is not kept: it read something besides ``args`` after all)."""
        key = self._key(step, args)
        if key is not None:
            if key in self.current:
                self.reused[step] += 1
                return self.current[key]
            if key in self.previous:
                self.reused[step] += 1
                value = self.current[key] = self.previous.pop(key)
                return value
        value = make()
        self.made[step] += 1
        if key is not None and (keep is None or keep(value)):
            self.current[key] = value
        return value

    def digest(self, value: Any) -> Optional[bytes]:
        """A digest of ``value`` to stand for it in other steps' arguments; None when it cannot be pickled."""
        return self._key("value", (value,))

    @staticmethod
    def _key(step: str, args: tuple) -> Optional[bytes]:
        try:
            data = pickle.dumps((step, args), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None
        return hashlib.blake2b(data, digest_size=20).digest()


def call(memo: Optional[Memo], step: str, function: Callable, *args: Any) -> Any:
    """``function(*args)``, through ``memo`` when there is one."""
    if memo is None:
        return function(*args)
    return memo.get(step, args, lambda: function(*args))

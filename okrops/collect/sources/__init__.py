"""The kinds of metric source, found by name.

Every kind is a :class:`~okrops.collect.sources.base.MetricSource` subclass. The
built-in kinds live in this package, one module each; other packages add kinds
through the entry point group ``okrops.sources`` (name = kind, value =
``module:Class``), e.g. in their pyproject.toml::

    [project.entry-points."okrops.sources"]
    datadog = "okrops_datadog:DatadogSource"

A built-in kind cannot be replaced by a plug-in of the same name.
"""

from __future__ import annotations

from importlib import import_module

from okrops.collect.sources.base import Context, Fetched, MetricSource, SourceFailed

__all__ = ["BUILTIN", "Context", "Fetched", "MetricSource", "SourceFailed", "describe", "kind_class", "make"]
from okrops.sourcecheck import ENTRY_POINT_GROUP, plugin_kinds

BUILTIN = {  # the same kinds, in the same order, as the schemas' $defs/metric_source (a test checks)
    "http": "okrops.collect.sources.http:HttpSource",
    "sql": "okrops.collect.sources.sql:SqlSource",
    "prometheus": "okrops.collect.sources.prometheus:PrometheusSource",
    "file": "okrops.collect.sources.file:FileSource",
    "command": "okrops.collect.sources.command:CommandSource",
    "github": "okrops.collect.sources.github:GithubSource",
}


def kind_class(kind: str) -> type[MetricSource]:
    """The class of ``kind``; raises :class:`SourceFailed` for a kind that is not built in or installed."""
    if kind in BUILTIN:
        module, _colon, name = BUILTIN[kind].partition(":")
        return getattr(import_module(module), name)
    entry = plugin_kinds().get(kind)
    if entry is None:
        raise SourceFailed(f"unknown source kind {kind!r}: install the package that provides it "
                           f"(entry point group {ENTRY_POINT_GROUP})")
    try:
        loaded = entry.load()
    except Exception as exc:  # a broken plug-in is that source's failure, not okrops'
        raise SourceFailed(f"the plug-in for source kind {kind!r} ({entry.value}) cannot be loaded: {exc}") from None
    if not (isinstance(loaded, type) and issubclass(loaded, MetricSource)):
        raise SourceFailed(f"the plug-in for source kind {kind!r} ({entry.value}) is not a MetricSource class")
    return loaded


def describe(spec: dict) -> str:
    """Where a ``source:`` takes its number from, in a few words, without fetching (its description, or the kind's)."""
    from pathlib import Path

    from okrops.collect.sources.base import one_line

    if not isinstance(spec, dict):
        return ""
    kind = str(spec.get("kind"))
    if spec.get("description"):
        return f"{kind}: {one_line(spec['description'])}"
    try:
        return f"{kind}: {make(spec, Context(Path('.'), {})).describe()}"
    except Exception:  # noqa: BLE001 - an unknown kind or a broken plug-in: the kind says enough
        return kind


def make(spec: dict, context: Context) -> MetricSource:
    """The source that ``spec`` (a key result's or KPI's ``source:``) describes."""
    return kind_class(str(spec.get("kind")))(spec, context)

"""Lint rules: how they are declared, configured and run.

A rule is a function decorated with :func:`rule`. It receives the
:class:`LintContext`, the thing it looks at (a key result, an objective, a
unit's cycle file, or the whole organisation) and its effective options, and
yields :class:`Issue` objects. The runner turns issues into findings with the
rule's id, severity and hint.

Settings come from ``lint.rules`` in ``okrs/okrops.yaml`` and may be
overridden in any ``unit.yaml``: the override applies to that unit and every
unit below it. A setting is a severity (``error``, ``warning``, ``info``,
``off``) or a mapping with ``severity`` and the rule's options. A
``lint.profile`` (see :mod:`okrops.lint.profiles`) is a named set of such
settings applied at its level before that level's own ``lint.rules``; and
``lint.language`` says which word lists judge the texts at that level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Optional

from okrops import numbers
from okrops.findings import DocPath, Finding, Severity
from okrops.model import Organisation, Source

SCOPES = ("key_result", "objective", "unit_cycle", "unit", "organisation")


@dataclass(frozen=True)
class Issue:
    source: Source
    message: str
    ref: str = ""
    unit: Optional[str] = None  # whose settings apply; None: organisation-wide


@dataclass(frozen=True)
class Rule:
    id: str
    scope: str
    severity: Severity
    rationale: str
    hint: str
    options: dict
    check: Callable[..., Iterable[Issue]]
    on_by_default: bool = True  # False: only a profile or a setting turns it on (at ``severity``)


@dataclass
class LintContext:
    org: Organisation
    today: date
    last_checkins: Optional[dict[str, date]] = None  # key result ref -> date of its last check-in
    # (dependent, provider) pairs a providing unit's maintainer approved in review (okrops.review.approvals)
    approved_dependencies: Optional[set] = None
    _settings_cache: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)

    def running(self, cycle_id: str) -> bool:
        cycle = self.org.config.cycles.get(cycle_id)
        return cycle is not None and cycle.start <= self.today <= cycle.end

    def languages(self, unit: Optional[str]) -> tuple[str, ...]:
        """The candidate languages of the texts of ``unit``: the nearest ``lint.language`` setting."""
        from okrops.lint.language import resolve

        key = ("languages", unit)
        if key not in self._cache:
            setting = None
            for slug in ([unit] if unit else []) + (self.org.ancestors(unit) if unit in self.org.units else []):
                if "language" in self.org.units[slug].lint:
                    setting = self.org.units[slug].lint["language"]
                    break
            else:
                setting = self.org.config.lint.get("language")
            self._cache[key] = resolve(setting)
        return self._cache[key]

    def cycle_files_of(self, unit: str) -> list:
        """The cycle files of one unit (an index built once per run)."""
        index = self._cache.get("cycle-files")
        if index is None:
            index = {}
            for (slug, _cycle), cycle_file in self.org.cycle_files.items():
                index.setdefault(slug, []).append(cycle_file)
            self._cache["cycle-files"] = index
        return index.get(unit, [])

    def enabled(self, rule_id: str, unit: Optional[str]) -> bool:
        known = RULES.get(rule_id)
        return known is not None and effective(self, known, unit).severity is not None

    def kr_shape(self, kr, unit: Optional[str]):
        """The shape of a key result (task, KPI or outcome), computed once per run."""
        from okrops.lint.kr_shape import analyse

        key = ("shape", kr.ref)
        if key not in self._cache:
            extra = ()
            task_rule = RULES.get("kr-is-task")
            if task_rule is not None:
                extra = tuple(effective(self, task_rule, unit).options.get("verbs", ()))
            self._cache[key] = analyse(kr, self.languages(unit), extra)
        return self._cache[key]


RULES: dict[str, Rule] = {}


def rule(id: str, scope: str, severity: str, rationale: str, hint: str, on_by_default: bool = True, **options: Any):
    """Register a lint rule; ``options`` are its settings with their defaults.

    A rule that is not ``on_by_default`` runs only where a profile or a setting gives it a
    severity; ``severity`` is then its usual one (for the listing and the profiles)."""
    assert scope in SCOPES, scope

    def register(function: Callable[..., Iterable[Issue]]) -> Callable[..., Iterable[Issue]]:
        RULES[id] = Rule(id, scope, Severity.parse(severity), rationale, hint, dict(options), function, on_by_default)
        return function

    return register


@dataclass
class Effective:
    severity: Optional[Severity]  # None: off
    options: dict


def settings_problems(rules: dict, file: str, path: DocPath) -> list[Finding]:
    """Unknown rule ids, unknown options and options of the wrong type in a ``lint.rules`` mapping."""
    problems = []
    for rule_id, value in rules.items():
        where = path + (rule_id,)
        known = RULES.get(rule_id)
        if known is None:
            problems.append(Finding(file, Severity.ERROR, f"unknown lint rule {rule_id!r}", "lint-config", where,
                                    hint="run 'okrops lint --list-rules' for the rule ids"))
            continue
        if not isinstance(value, dict):
            continue
        for option, setting in value.items():
            if option == "severity":
                continue
            if option not in known.options:
                allowed = ", ".join(sorted(known.options)) or "none"
                problems.append(Finding(file, Severity.ERROR, f"rule {rule_id!r} has no option {option!r} "
                                        f"(options: {allowed})", "lint-config", where + (option,)))
                continue
            default = known.options[option]
            numeric = numbers.is_number(default)
            ok = numbers.is_finite(setting) if numeric else isinstance(setting, type(default))  # no .nan, .inf
            if not ok:
                kind = "a finite number" if numeric and numbers.is_number(setting) else type(default).__name__
                problems.append(Finding(file, Severity.ERROR, f"option {option!r} of rule {rule_id!r} must be "
                                        f"{kind}, like its default {default!r}", "lint-config", where + (option,)))
    return problems


def _apply(effective: Effective, setting: Any) -> Effective:
    if isinstance(setting, str):
        severity = None if setting == "off" else Severity.parse(setting)
        return Effective(severity, effective.options)
    options = dict(effective.options)
    severity = effective.severity
    for key, value in setting.items():
        if key == "severity":
            severity = None if value == "off" else Severity.parse(value)
        elif key in options:
            if numbers.is_number(options[key]) and not numbers.is_finite(value):
                continue  # .nan, .inf or a 400-digit integer: validate reports it (lint-config), the default stays
            options[key] = value
    return Effective(severity, options)


def effective(ctx: LintContext, rule_: Rule, unit: Optional[str]) -> Effective:
    """The rule's severity and options for ``unit`` (organisation defaults when None)."""
    key = (rule_.id, unit)
    cached = ctx._settings_cache.get(key)
    if cached is not None:
        return cached
    from okrops.lint.profiles import profile_setting

    if unit is None:
        result = Effective(rule_.severity if rule_.on_by_default else None, dict(rule_.options))
        preset = profile_setting(ctx.org.config.lint.get("profile"), rule_.id)
        if preset is not None:
            result = _apply(result, preset)
        if rule_.id in ctx.org.config.lint_rules:
            result = _apply(result, ctx.org.config.lint_rules[rule_.id])
    else:
        parent = ctx.org.units[unit].parent
        result = effective(ctx, rule_, parent)
        preset = profile_setting(ctx.org.units[unit].lint.get("profile"), rule_.id)
        if preset is not None:
            result = _apply(result, preset)
        own = ctx.org.units[unit].lint_rules.get(rule_.id)
        if own is not None:
            result = _apply(result, own)
    ctx._settings_cache[key] = result
    return result

"""Run every enabled lint rule over a loaded organisation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from okrops.findings import Finding
from okrops.lint.registry import RULES, Issue, LintContext, Rule, effective, settings_problems
from okrops.repository import resolve_locations
from okrops.yamlio import YamlProblem, locate_many, read_text

_IGNORE = re.compile(r"#\s*okrops:\s*ignore\[([a-z0-9, -]+)\]")


def load_rules() -> None:
    """Import the rule families so that they register themselves."""
    from okrops.lint import alignment, key_results, measures, objectives, rhythm, structure  # noqa: F401


def check_settings(org) -> list[Finding]:
    """Problems in the lint settings of okrops.yaml and every unit.yaml (unknown rules, options, languages, profiles)."""
    load_rules()

    problems = _choice_problems(org.config.lint, org.config.source.file)
    problems += settings_problems(org.config.lint_rules, org.config.source.file, ("lint", "rules"))
    for unit in sorted(org.units.values(), key=lambda u: u.folder):
        problems.extend(_choice_problems(unit.lint, unit.source.file))
        problems.extend(settings_problems(unit.lint_rules, unit.source.file, ("lint", "rules")))
    return problems


def _choice_problems(settings: dict, file: str) -> list[Finding]:
    """An unknown lint.language or lint.profile."""
    from okrops.findings import Severity
    from okrops.lint.language import available
    from okrops.lint.profiles import names

    problems = []
    language = settings.get("language")
    if language is not None:
        codes = available()
        values = [language] if isinstance(language, str) else language
        allowed = codes + (["auto"] if isinstance(language, str) else [])
        unknown = [v for v in values if v not in allowed] if isinstance(values, list) and values else [language]
        if unknown:
            problems.append(Finding(file, Severity.ERROR, f"unknown lint language {unknown[0]!r} (installed: "
                                    f"{', '.join(codes)}; or auto)", "lint-config", ("lint", "language"),
                                    hint="use a language code, a list of codes, or auto; to add a language, add its "
                                         "word lists as okrops/lint/lang/<code>.yaml"))
    profile = settings.get("profile")
    if profile is not None and profile not in names():
        problems.append(Finding(file, Severity.ERROR, f"unknown lint profile {profile!r} (profiles: "
                                f"{', '.join(names())})", "lint-config", ("lint", "profile"),
                                hint="pick one of the profiles, or leave profile out for the built-in defaults"))
    return problems


def _issues(ctx: LintContext, rule_: Rule) -> Iterable[tuple[Issue, object]]:
    org = ctx.org
    if rule_.scope == "organisation":
        settings = effective(ctx, rule_, None)
        if settings.severity is not None:
            for issue in rule_.check(ctx, settings.options):
                yield issue, settings
        return
    if rule_.scope == "unit":
        for unit in org.units.values():
            settings = effective(ctx, rule_, unit.slug)
            if settings.severity is not None:
                for issue in rule_.check(ctx, unit, settings.options):
                    yield issue, settings
        return
    for (unit_slug, _cycle), cycle_file in org.cycle_files.items():
        if unit_slug not in org.units:
            continue
        settings = effective(ctx, rule_, unit_slug)
        if settings.severity is None:
            continue
        if rule_.scope == "unit_cycle":
            for issue in rule_.check(ctx, cycle_file, settings.options):
                yield issue, settings
            continue
        for objective in cycle_file.objectives:
            if rule_.scope == "objective":
                for issue in rule_.check(ctx, objective, settings.options):
                    yield issue, settings
            else:
                for kr in objective.key_results:
                    for issue in rule_.check(ctx, kr, objective, settings.options):
                        yield issue, settings


def lint(ctx: LintContext, only: Iterable[str] = ()) -> list[Finding]:
    """Findings of every enabled rule (or only the named ones), suppressions applied, lines resolved."""
    load_rules()

    wanted = set(only)
    findings: list[Finding] = []
    anchors: dict[int, tuple] = {}
    for rule_ in RULES.values():
        if wanted and rule_.id not in wanted:
            continue
        for issue, settings in _issues(ctx, rule_):
            if issue.unit is not None and issue.unit in ctx.org.units:
                settings = effective(ctx, rule_, issue.unit)
                if settings.severity is None:
                    continue
            finding = Finding(issue.source.file, settings.severity, issue.message, rule_.id, issue.source.path,
                              hint=rule_.hint, ref=issue.ref)
            anchors[id(finding)] = _entity_path(issue.source.path)
            findings.append(finding)
    resolve_locations(findings, ctx.org.root)
    findings = _without_suppressed(findings, anchors, Path(ctx.org.root))
    findings.sort(key=Finding.sort_key)
    return findings


def _entity_path(path: tuple) -> tuple:
    """The path of the list item a finding is about (its '- id:' line), for suppression comments."""
    for index in range(len(path) - 1, -1, -1):
        if isinstance(path[index], int):
            return path[: index + 1]
    return path


def _without_suppressed(findings: list[Finding], anchors: dict[int, tuple], root: Path) -> list[Finding]:
    """Drop findings whose line, or whose entity's first line, has '# okrops: ignore[rule-id]'."""
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    suppressed: set[int] = set()
    for file, group in by_file.items():
        try:
            text = read_text(root / file)
        except (YamlProblem, OSError):
            continue
        if "okrops:" not in text:
            continue
        lines = text.splitlines()
        entity_lines = locate_many(text, [anchors.get(id(f), ()) for f in group])
        for finding, (entity_line, _column) in zip(group, entity_lines):
            for number in {finding.line, entity_line}:
                match = _IGNORE.search(lines[number - 1]) if 1 <= number <= len(lines) else None
                if match and finding.rule in {r.strip() for r in match.group(1).split(",")}:
                    suppressed.add(id(finding))
    return [f for f in findings if id(f) not in suppressed]

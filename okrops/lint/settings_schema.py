"""The ``lint`` part of schema/config.json and schema/unit.json, generated from the rule registry.

Every rule id gets its own entry describing its rationale, default and options (with their
types and defaults), so editors complete rule ids and options; ``language`` and ``profile``
give the installed values as examples. The entries describe and do not constrain: a mistake in
a rule setting, a language or a profile must not make the whole file invalid, so
``okrops validate`` reports it itself with a clear message (lint-config), and fastjsonschema
and jsonschema accept exactly the same documents as before. Regenerate after adding a rule, an
option, a language or a profile::

    python -m okrops.lint.settings_schema          # rewrite the two schema files
    python -m okrops.lint.settings_schema --check  # exit 1 when they are out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

MARKER = '    "lint-severity": '
_SEVERITY = '{"enum": ["error", "warning", "info", "off"], "description": "Severity of the rule\'s findings, or off."}'
_INTRO = {
    "config": "Lint settings for the whole organisation: the language of the OKR texts, a profile to start from, "
              "and per-rule settings (see okrops lint --list-rules).",
    "unit": "Lint settings for this unit and the units below it, overriding okrs/okrops.yaml.",
}


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _option_schema(rule_id: str, name: str, default) -> dict:
    if isinstance(default, bool):
        kind = "true or false"
    elif isinstance(default, (int, float)):
        kind = "a number"
    elif isinstance(default, list):
        kind = "a list of words or phrases"
    else:
        kind = "text"
    shown = f"[{', '.join(map(str, default))}]" if isinstance(default, list) else default
    return {"type": ["number", "string", "boolean", "array"], "description": f"Option of {rule_id}: {kind} (default: {shown})."}


def _rule_entry(rule) -> str:
    props = ['"severity": {"$ref": "#/$defs/lint-severity"}']
    props += [f"{_j(name)}: {_j(_option_schema(rule.id, name, default))}" for name, default in rule.options.items()]
    body = ", ".join(props)
    default = rule.severity.label if rule.on_by_default else f"off (when on: {rule.severity.label})"
    description = f"{rule.rationale} Default: {default}."
    return (f'            {_j(rule.id)}: {{"description": {_j(description)}, "anyOf": [{{"$ref": "#/$defs/lint-severity"}}, '
            f'{{"type": "object", "properties": {{{body}}}, '
            f'"additionalProperties": {{"type": ["number", "string", "boolean", "array"]}}}}]}}')


def lint_defs(kind: str) -> str:
    """The text of the lint-severity and lint definitions, the last two entries of $defs."""
    from okrops.lint import all_rules
    from okrops.lint.language import available
    from okrops.lint.profiles import profiles

    rules = all_rules()
    codes = available()
    entries = ",\n".join(_rule_entry(rule) for rule in rules.values())
    names = list(profiles())
    where = "the organisation" if kind == "config" else "this unit and the units below it"
    language = {"description": f"The language of the OKR texts of {where}, for the judgement rules' word lists: auto "
                               f"(default: detected per text among the installed languages), a code ({', '.join(codes)}), "
                               "or a list of codes to detect among. English word lists always apply too.",
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "examples": ["auto", *codes]}
    profile = {"description": f"A preset of rule settings that {where} starts from, applied before lint.rules: "
                              + "; ".join(f"{n}: {(profiles()[n].get('description') or '').strip()}" for n in names),
               "type": "string", "examples": names}
    return (
        f"{MARKER}{_SEVERITY},\n"
        f'    "lint": {{\n'
        f'      "description": {_j(_INTRO[kind])},\n'
        f'      "type": "object",\n'
        f'      "additionalProperties": false,\n'
        f'      "properties": {{\n'
        f'        "language": {_j(language)},\n'
        f'        "profile": {_j(profile)},\n'
        f'        "rules": {{\n'
        f'          "description": "Per-rule settings, keyed by rule id: a severity (error, warning, info, off) or an object with a severity and the rule\'s options.",\n'
        f'          "type": "object",\n'
        f'          "propertyNames": {{"pattern": "^[a-z][a-z0-9-]*$"}},\n'
        f'          "properties": {{\n{entries}\n          }},\n'
        f'          "additionalProperties": {{\n'
        f'            "anyOf": [\n'
        f'              {{"$ref": "#/$defs/lint-severity"}},\n'
        f'              {{"type": "object", "properties": {{"severity": {{"$ref": "#/$defs/lint-severity"}}}}, '
        f'"additionalProperties": {{"type": ["number", "string", "boolean", "array"]}}}}\n'
        f'            ]\n'
        f'          }}\n'
        f'        }}\n'
        f'      }}\n'
        f'    }}\n'
        f'  }}\n'
        f'}}\n'
    )


def render(path: Path, kind: str) -> str:
    """The schema file's text with its lint definitions regenerated."""
    text = path.read_text(encoding="utf-8")
    start = text.find(MARKER)
    if start < 0:
        start = text.index('    "lint": {\n      "description"')
    return text[:start] + lint_defs(kind)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2] / "schema"
    stale = []
    for kind in ("config", "unit"):
        path = root / f"{kind}.json"
        new = render(path, kind)
        json.loads(new)
        if new != path.read_text(encoding="utf-8"):
            stale.append(path.name)
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"out of date: {', '.join(stale)}; run python -m okrops.lint.settings_schema", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

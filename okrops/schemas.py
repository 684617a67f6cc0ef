"""The JSON Schemas of the OKR file kinds, compiled once.

Validation takes two steps: a compiled fastjsonschema check answers yes or no
quickly; only documents that fail are re-checked with jsonschema's
``Draft202012Validator`` to get every error with its path and a readable
message. The schemas use only keywords both libraries honour (a test checks
that they agree on every fixture).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from okrops import numbers
from okrops.findings import DocPath

KINDS = ("config", "strategy", "unit", "okrs")


def schema_dir() -> Path:
    """Where the schemas are: inside the installed package, or the repository's schema/."""
    packaged = Path(__file__).parent / "schema"
    if (packaged / "okrs.json").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "schema"


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    return json.loads((schema_dir() / f"{kind}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _fast_validator(kind: str) -> Callable[[Any], Any]:
    """The compiled yes/no validator of ``kind``.

    Generating its code takes fastjsonschema about 0.1 s a schema, on every
    command's way; the generated code, compiled to bytecode, is kept in the
    user's cache (:mod:`okrops.cache`) keyed by the schema itself,
    fastjsonschema's version and Python's bytecode version.
    """
    import fastjsonschema
    from fastjsonschema.ref_resolver import RefResolver

    from okrops import cache

    definition = schema(kind)
    key = cache.digest(json.dumps(definition, sort_keys=True), fastjsonschema.VERSION, cache.python_tag())
    folder = cache.user_dir()
    path = folder / "schemas" / f"{kind}-{key[:32]}.bin" if folder else None
    stored = cache.load(path, key)
    if stored is None:
        source = fastjsonschema.compile_to_code(definition)
        stored = (RefResolver.from_schema(definition, store={}).get_scope_name(),
                  compile(source, f"<okrops schema {kind}>", "exec"))
        cache.save(path, key, stored)
    name, code = stored
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - fastjsonschema's own code for okrops' own schema (see above)
    return namespace[name]


@lru_cache(maxsize=None)
def _full_validator(kind: str):
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema(kind), format_checker=FormatChecker())


def is_valid(kind: str, data: Any) -> bool:
    import fastjsonschema

    try:
        _fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def errors(kind: str, data: Any) -> list[tuple[DocPath, str]]:
    """Every schema error in ``data`` as (path to the offending key, message)."""
    from jsonschema.exceptions import best_match

    result: list[tuple[DocPath, str]] = []
    for error in _full_validator(kind).iter_errors(data):
        if error.context:
            error = _non_finite_in(error) or best_match(error.context) or error
        described = _describe(error)
        if described not in result:  # 1e400 breaks both the finite bound and a field's own bound: say it once
            result.append(described)
    if not result and not is_valid(kind, data):  # the validators disagree: never pass silently
        import fastjsonschema

        try:
            _fast_validator(kind)(data)
        except fastjsonschema.JsonSchemaException as exc:
            result.append(((), str(exc)))
    result.sort(key=lambda item: [str(p) for p in item[0]])
    return result


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _listed(value: Any) -> list:
    return [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []


_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys",
}


def _not_finite(value: Any) -> bool:
    return numbers.is_number(value) and not numbers.is_finite(value)


def _non_finite_in(error):
    """The error about a non-finite number among the alternatives of an anyOf/oneOf error, if any.

    Such a number is wrong in every alternative; naming it beats any alternative best_match picks.
    """
    pending = [error]
    while pending:
        current = pending.pop()
        if _not_finite(current.instance):
            return current
        pending.extend(current.context or ())
    return None


def _short(value: Any) -> str:
    if numbers.is_number(value):
        return numbers.describe(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _field(path: DocPath) -> str:
    """The key a value is under (``confidence``, ``target``, ...), for examples that fit it."""
    keys = [part for part in path if isinstance(part, str)]
    return keys[-1] if keys else ""


def _examples(schema: Any) -> str:
    """'; write it like {min: 99.9} or ...' for a schema with examples of mappings (a KPI band), else ''."""
    examples = schema.get("examples") if isinstance(schema, dict) else None
    if not isinstance(examples, list) or not all(isinstance(e, dict) for e in examples) or not examples:
        return ""
    shown = ["{" + ", ".join(f"{k}: {_short(v)}" for k, v in e.items()) + "}" for e in examples]
    return "; write it like " + " or ".join(shown)


def _describe(error) -> tuple[DocPath, str]:
    path: DocPath = tuple(error.absolute_path)
    validator = error.validator
    value = error.instance
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    if _not_finite(value) and (validator != "type" or {"number", "integer"} & set(_listed(error.validator_value))):
        # Any numeric field (schema $defs/number): the bounds, the NaN guard or the choice of option types.
        return (path, f"{numbers.describe(value)} is not a finite number: {numbers.NOT_FINITE_HINT}")
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in value if k not in error.schema.get("properties", {}) and not str(k).startswith("x-")]
        key = extra[0] if extra else "?"
        message = f"unknown key {key!r}"
        if allowed:
            message += f"; expected one of: {', '.join(allowed)}"
        return (path + (key,), message)
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        # a oneOf branch says the choice it stands for
        choice = f": {description[:1].lower()}{description[1:]}" if error.parent is not None and description else ""
        return (path, f"missing required key {missing!r}{choice}")
    if validator == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        hint = ""
        if "string" in names and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = "; put it in quotes"
        elif {"number", "integer"} & set(names) and isinstance(value, str):
            hint = f": {numbers.file_confidence_hint(value) if _field(path) == 'confidence' else numbers.value_hint(value)}"
        return (path, f"expected {wanted}, got {_what(value)} {_short(value)}{hint}{_examples(error.schema)}")
    if validator == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        return (path, f"{_short(value)} is not allowed; use one of: {options}")
    if validator == "const":
        return (path, f"must be {_short(error.validator_value)}")
    if validator in ("pattern", "format"):
        what = description.rstrip(".") if description else f"must match {error.validator_value}"
        return (path, f"{_short(value)} is not valid here: {what}")
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[validator]
        hint = f"; {numbers.file_confidence_hint(value)}" if _field(path) == "confidence" else ""
        return (path, f"{_short(value)} is out of range: must be {words} {error.validator_value}{hint}")
    if validator in ("minLength", "minItems", "minProperties"):
        return (path, f"must not be empty{_examples(error.schema)}")
    if validator == "maxLength":
        return (path, f"is too long: at most {error.validator_value} characters")
    if validator == "uniqueItems":
        return (path, "has duplicate entries; list each one once")
    if validator == "not" and error.validator_value == {} and path:  # a key that must not be there (its description says why)
        why = description.rstrip(".")
        return (path, f"must not have {path[-1]} here" + (f": {why[:1].lower()}{why[1:]}" if why else ""))
    if validator == "not" and isinstance(error.validator_value, dict) and "required" in error.validator_value:
        keys = ", ".join(error.validator_value["required"])
        return (path, f"must not have {keys} here" + (f": {description[:1].lower()}{description[1:]}" if description
                                                      else "; remove it"))
    if validator == "propertyNames":
        return (path, f"invalid key {_short(value)}: {error.message}")
    return (path, error.message)

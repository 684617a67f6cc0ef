"""Checks of key results' and KPIs' ``source:`` that the schemas cannot express (used by validate).

The schemas check each built-in kind's fields. This module adds what needs more
than a schema: that a kind is built in or installed as a plug-in (entry point
group ``okrops.sources``), that nothing in a header or URL looks like a literal
secret (secrets come from the environment as ``${NAME}``), that ``command``
sources are allowed by the organisation, and the choices a kind's fields make
together. It reads the model only and never fetches anything.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterator, Optional
from urllib.parse import parse_qsl, urlsplit

from okrops.findings import Finding, Severity
from okrops.model import Organisation, Source

ENTRY_POINT_GROUP = "okrops.sources"
RULE = "source"
_ENV = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
# Header names whose value is a credential: anything literal in them beyond an auth scheme is a secret.
_SENSITIVE_NAME = re.compile(r"auth|token|secret|key|password|passwd|cookie|session|credential|signature", re.I)
_SCHEMES = {"", "bearer", "basic", "token", "apikey", "api-key", "digest", "negotiate", "splunk", "key"}
# Literals that look like secrets wherever they stand: well-known token prefixes, JWTs, long random strings.
_KNOWN_SECRET = re.compile(
    r"(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|-----BEGIN [A-Z ]*PRIVATE KEY)")
_LONG_RANDOM = re.compile(r"[A-Za-z0-9+/=_\-.~]{24,}")
_SENSITIVE_PARAM = re.compile(r"token|secret|key|password|passwd|auth|signature|sig|credential", re.I)


@lru_cache(maxsize=1)
def builtin_kinds() -> tuple[str, ...]:
    """The kinds the schemas describe (``$defs/metric_source``): http, sql, prometheus, file, command, github."""
    from okrops import schemas

    return tuple(schemas.schema("okrs")["$defs"]["metric_source"]["properties"]["kind"]["examples"])


def plugin_kinds() -> dict[str, object]:
    """Kinds installed by other packages: name -> entry point (not loaded)."""
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_kinds() -> list[str]:
    return sorted(set(builtin_kinds()) | set(plugin_kinds()))


def looks_secret(text: str) -> bool:
    """A literal that looks like a credential: a known token format, or a long random-looking string."""
    literal = _ENV.sub(" ", text)
    if _KNOWN_SECRET.search(literal):
        return True
    for run in _LONG_RANDOM.findall(literal):
        if _random_looking(run):
            return True
    return False


def _random_looking(run: str) -> bool:
    """Letters mixed with digits (or both cases and digits) over 24+ characters: a key, not a word or a path."""
    if "/" in run and not re.search(r"[A-Za-z0-9]{24,}", run):
        return False  # a path like /api/v1/query_range
    digits = sum(c.isdigit() for c in run)
    letters = sum(c.isalpha() for c in run)
    return digits >= 4 and letters >= 4 and len(set(run)) >= 12


def header_problem(name: str, value: str) -> Optional[str]:
    """Why a header value holds a literal secret, or None."""
    if looks_secret(value):
        return f"header {name!r} holds what looks like a literal secret"
    if _SENSITIVE_NAME.search(name):
        words = _ENV.sub(" ", value).split()
        if any(word.lower().rstrip(":") not in _SCHEMES for word in words):
            return (f"header {name!r} carries a credential but holds literal text, not only an authentication "
                    "scheme and ${NAME} references")
    return None


def url_problem(url: str) -> Optional[str]:
    """Why a URL holds a literal secret (user:password@, a token parameter, a secret-looking literal), or None."""
    try:
        parts = urlsplit(_ENV.sub("ENV", url))
    except ValueError:
        return None  # the schema reports a malformed URL
    if "@" in parts.netloc:
        return "the URL holds user:password@ credentials"
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if _SENSITIVE_PARAM.search(key) and value and value != "ENV":
            return f"the URL's query parameter {key!r} holds a literal value"
    if looks_secret(url):
        return "the URL holds what looks like a literal secret"
    return None


_COMPILE_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def compile_jsonpath(expression: str):
    """The parsed JSONPath (jsonpath-ng's extended syntax, with filters), for validate and collect alike.

    Parsing costs milliseconds and sources share expressions, so each is parsed once; jsonpath-ng's
    parser (PLY) keeps state while it parses, so one expression is parsed at a time.
    """
    from jsonpath_ng.ext import parse

    with _COMPILE_LOCK:
        return parse(expression)


def jsonpath_problem(expression: str) -> Optional[str]:
    """Why a JSONPath expression does not parse (with jsonpath-ng, as collect reads it), or None."""
    try:
        compile_jsonpath(expression)
    except Exception as exc:  # noqa: BLE001 - jsonpath-ng raises its own errors and plain Exceptions
        return " ".join(str(exc).split())[:120] or type(exc).__name__
    return None


def check(org: Organisation) -> list[Finding]:
    findings: list[Finding] = []
    for kr in org.key_results.values():
        if kr.metric_source is not None:
            findings.extend(_check_source(org, kr.metric_source, kr.source.child("source"), kr.ref))
    for unit in org.units.values():
        for kpi in unit.kpis:
            if kpi.metric_source is not None:
                findings.extend(_check_source(org, kpi.metric_source, kpi.source.child("source"), kpi.ref))
    return findings


def _check_source(org: Organisation, spec: dict, where: Source, ref: str) -> Iterator[Finding]:
    def finding(message: str, *path, hint: str = "") -> Finding:
        return Finding(where.file, Severity.ERROR, message, RULE, where.path + tuple(path), hint=hint, ref=ref)

    if not isinstance(spec, dict):
        return
    kind = spec.get("kind")
    if kind not in builtin_kinds():
        if kind not in plugin_kinds():
            yield finding(f"unknown source kind {kind!r}", "kind",
                          hint=f"use one of {', '.join(known_kinds())}, or install the package that provides it "
                               f"(entry point group {ENTRY_POINT_GROUP})")
        return
    env_hint = "put the secret in an environment variable and write ${NAME}, e.g. 'Bearer ${STATUS_TOKEN}'"
    for name, value in (spec.get("headers") or {}).items():
        problem = header_problem(str(name), str(value))
        if problem:
            yield finding(problem, "headers", name, hint=env_hint)
    for key in ("url", "api"):
        if isinstance(spec.get(key), str):
            problem = url_problem(spec[key])
            if problem:
                yield finding(problem, key, hint="send credentials in a header from an environment variable: " + env_hint)
    for key in ("path", "json_path"):
        expression = spec.get(key)
        if (kind, key) in (("http", "path"), ("file", "json_path")) and isinstance(expression, str):
            problem = jsonpath_problem(expression)
            if problem:
                yield finding(f"the JSONPath {expression!r} does not parse: {problem}", key,
                              hint="e.g. $.data.value, $.items[0].count or $.services[?(@.name == 'api')].p95")
    if kind == "command" and org.config.collect.get("commands") is not True:
        yield finding("a command source runs a program, and this organisation does not allow them", "kind",
                      hint="set collect: {commands: true} in okrs/okrops.yaml to allow them (collect then runs "
                           "programs from the repository on the default branch)")
    if kind == "github":
        has_search, has_repo = "search" in spec, "repository" in spec or "statistic" in spec
        if has_search == has_repo:
            yield finding("a github source takes either search, or repository with statistic", hint=(
                "e.g. search: 'repo:acme/shop is:issue is:open', or repository: acme/shop with statistic: stargazers_count"))
        elif has_repo and not ("repository" in spec and "statistic" in spec):
            yield finding("a github source with repository also needs statistic (and the other way round)",
                          hint="e.g. repository: acme/shop, statistic: stargazers_count")
    if kind == "file":
        path = str(spec.get("path", ""))
        csv = path.lower().endswith(".csv")
        if csv and "column" not in spec:
            yield finding("a CSV file source needs column (and row: first, last or {column: value})", "path")
        if not csv and "json_path" not in spec:
            yield finding("a JSON file source needs json_path, e.g. $.summary.nps (name .csv files for CSV)", "path")
        if not csv and ("column" in spec or "row" in spec):
            yield finding("column and row are for CSV files (ending in .csv)", "column" if "column" in spec else "row")
        if csv and "json_path" in spec:
            yield finding("json_path is for JSON files; a .csv file takes column and row", "json_path")

"""The template environment of the generated pages: Jinja2 with autoescaping, and overrides.

Templates live in ``okrops/site/templates/``: one per page kind (``home.html``,
``unit.html``, ``kr.html``, ...) extending ``base.html``, and partials with the pieces they
share (``partials/kr_table.html``, ``partials/bar.html``, ``partials/badges.html``,
``partials/chart.html``, ...). Python hands them plain view objects
(:mod:`okrops.site.viewmodels`); the templates decide the markup.

Escaping is not left to each template: every value a template prints (``{{ ... }}``) goes
through :func:`okrops.site.html.esc`, which escapes HTML and turns the characters Markdown
and template engines give a meaning into entities. The ``e``/``escape``/``forceescape``
and ``join`` filters use the same escape, so the usual constructs stay safe in
hand-written templates too; only ``|safe`` opts out, and okrops' own templates never use it.

An organisation overrides any template from its site's theme folder (``custom_dir``,
``site/overrides/``): ``site/overrides/okrops/<name>`` replaces ``<name>``, as Material
lets a site replace its partials. An override can also extend okrops' own version of the
template it replaces, named with the ``default/`` prefix (``{% extends "default/kr.html" %}``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Iterable, Optional

import jinja2
from markupsafe import Markup
from mkdocs.exceptions import PluginError

from okrops.site.html import _SPECIAL, esc, percent

TEMPLATES = Path(__file__).parent / "templates"
# The partials whose macros every template can call without importing them (an override of a
# partial replaces its macros everywhere). Page templates use them directly: an import per
# partial and page would cost more than rendering many of the pages.
PARTIALS = ("partials/bar.html", "partials/badges.html", "partials/links.html", "partials/sparkline.html",
            "partials/kr_table.html", "partials/chart.html", "partials/tables.html", "partials/objective.html",
            "partials/initiative.html", "partials/record.html")
OVERRIDES = "okrops"  # the folder in the theme's custom_dir that holds the overrides
DEFAULT_PREFIX = "default"  # "default/kr.html" is always okrops' own kr.html


_SAFE = functools.partial(str.__new__, Markup)  # text known to be escaped, without Markup's own checks


def _finalize(value: Any) -> Any:
    """Every printed value: Markup (a rendered macro or block) as it is, anything else escaped.

    Text with nothing to escape is returned as it is (autoescaping then makes it Markup
    with no change): the common case, kept cheap.
    """
    if type(value) is str:
        return value if _SPECIAL.search(value) is None else _SAFE(esc(value))
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return _SAFE(esc(value))


def _escape_filter(value: Any) -> Markup:
    return value if hasattr(value, "__html__") else _SAFE(esc(value))


def _percent_filter(share: Optional[float]) -> Markup:
    """A share from 0 to 1 as a percentage, ``53%``; ``–`` for none. Made of digits only: nothing to escape."""
    return _SAFE(percent(share))


def _join_filter(values: Iterable[Any], separator: str = "") -> Markup:
    return _SAFE(esc(separator)).join(_escape_filter(v) for v in values)


def plural(count: int, singular: str, many: Optional[str] = None) -> str:
    """``1 objective``, ``3 objectives``."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def _macros(template: jinja2.Template) -> dict[str, Any]:
    return {key: value for key, value in vars(template.module).items() if isinstance(value, jinja2.runtime.Macro)}


class TemplateProblem(PluginError):
    """A template, okrops' own or an organisation's override, cannot be read or rendered: the build stops."""


class Templates:
    """Loads and renders the page templates, with the site's overrides first."""

    def __init__(self, overrides_dir: Optional[str | os.PathLike] = None):
        own = jinja2.FileSystemLoader(str(TEMPLATES))
        loaders: list[jinja2.BaseLoader] = []
        self.overrides: Optional[Path] = None
        if overrides_dir is not None and (Path(overrides_dir) / OVERRIDES).is_dir():
            self.overrides = Path(overrides_dir) / OVERRIDES
            loaders.append(jinja2.FileSystemLoader(str(self.overrides)))
        loaders += [own, jinja2.PrefixLoader({DEFAULT_PREFIX: own})]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders), autoescape=True, finalize=_finalize,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            cache_size=-1,
        )
        self.env.filters.update(e=_escape_filter, escape=_escape_filter, forceescape=_escape_filter,
                                join=_join_filter, pct=_percent_filter)
        self.env.globals.update(plural=plural)
        self._templates: dict[str, jinja2.Template] = {}

    def render(self, name: str, **context: Any) -> str:
        """The template ``name`` rendered with ``context``; :class:`TemplateProblem` naming the file and line."""
        try:
            template = self._templates.get(name)
            if template is None:
                if not self._templates:
                    self._load_partials()
                template = self._templates[name] = self.env.get_template(name)
            return template.render(**context)
        except jinja2.TemplateSyntaxError as error:
            raise self.problem(f"{error.filename or name}:{error.lineno}: {error.message}") from None
        except jinja2.TemplateNotFound as error:
            raise self.problem(f"{name}: no template named {error.name!r}") from None
        except jinja2.TemplateError as error:
            raise self.problem(f"{self._place(error) or name}: {error}") from None

    def fingerprint(self) -> bytes:
        """A digest of every template file this object may read (okrops' own and the overrides): what a
        rendered page depends on besides its view object (:mod:`okrops.site.memo`)."""
        import hashlib

        h = hashlib.blake2b(digest_size=16)
        for folder in (TEMPLATES, self.overrides):
            if folder is None:
                continue
            h.update(str(folder).encode("utf-8", "surrogateescape") + b"\0")
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
                    h.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
        return h.digest()

    def _load_partials(self) -> None:
        """Make the macros of every partial globals of the environment.

        An override replaces a whole partial, for the pages and the other partials alike, so it
        must define every macro of okrops' own version (it may define more).
        """
        for name in PARTIALS:
            macros = _macros(self.env.get_template(name))
            if self.overrides is not None and (self.overrides / name).is_file():
                missing = sorted(set(_macros(self.env.get_template(f"{DEFAULT_PREFIX}/{name}"))) - set(macros))
                if missing:
                    raise self.problem(f"{self.overrides / name}: no macro {', '.join(missing)}, which okrops' "
                                       f"templates call; start from a copy of okrops' own {TEMPLATES / name}")
            self.env.globals.update(macros)

    def problem(self, what: str) -> TemplateProblem:
        """The error a build stops with: what went wrong, where, and what to do."""
        if self.overrides is not None and str(self.overrides) in what:
            advice = "fix the template, or remove it from the overrides to use okrops' own"
        else:
            advice = "a template override may not fit this version of okrops; otherwise please report it"
        return TemplateProblem(f"okrops: a page template failed: {what} ({advice})")

    @staticmethod
    def _place(error: BaseException) -> Optional[str]:
        """file:line of the innermost template frame of an error (Jinja rewrites tracebacks to point at them)."""
        place = None
        tb = error.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith(".html") and Path(filename).is_file():
                place = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
        return place

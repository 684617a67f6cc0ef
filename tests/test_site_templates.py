"""The page templates: one escape for every printed value, and an organisation's overrides.

Escaping and privacy of whole built sites are tested in test_site.py and test_privacy.py;
here: the template environment itself, overrides from site/overrides/okrops/ in real builds
(okrops site build in a child process), and what a broken override does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_packaging import wheel  # noqa: F401  (the wheel, built once for this module)
from test_site import NASTY_KR, NASTY_OBJECTIVE, NASTY_UNIT, TODAY, write_repo

HOSTILE = "<b>x</b> {{ 7*7 }} {% raw %} **y** _z_ [a](b) `c` | \\ 'q' \"d\" & \n# heading"
ENV = {**os.environ, "OKROPS_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}


def render(source: str, **context) -> str:
    from okrops.site.render import Templates

    templates = Templates()
    templates.render("base.html", kind="x")  # loads the partials' macros
    return templates.env.from_string(source).render(**context)


# -- the escape ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    "{{ t }}", "{{ t|e }}", "{{ t|escape }}", "{{ t|forceescape }}", "{{ [t]|join(', ') }}", '<a title="{{ t }}">',
    "{% set u = t %}{{ u }}", "{% macro m(v) %}{{ v }}{% endmacro %}{{ m(t) }}", "{{ ref(r) }}", "{{ crumbs([r]) }}",
    "{{ badge(t) }}", "{{ status(t) }}",
])
def test_every_way_of_printing_a_value_escapes_it_for_html_markdown_and_templates(source):
    from okrops.site.viewmodels import Ref

    out = render(source, t=HOSTILE, r=Ref(HOSTILE, "x"))
    for raw in ("<b>", "{{", "{%", "**", "_z_", "[a]", "`c`", "\\", "'q'", '"d"', "\n", "& "):
        assert raw not in out, (source, raw, out)
    assert "&lt;b&gt;x&lt;/b&gt; &#123;&#123; 7&#42;7 &#125;&#125;" in out


def test_okrops_templates_never_opt_out_of_escaping():
    from okrops.site.render import TEMPLATES

    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for opt_out in ("|safe", "| safe", "autoescape false", "autoescape False", "Markup", "|tojson", "|xmlattr"):
            assert opt_out not in text, (path.name, opt_out)


def test_markup_from_a_macro_is_not_escaped_twice_and_shares_are_percentages():
    from okrops.site.viewmodels import Bar

    out = render("{{ bar(b) }}|{{ 0.534|pct }}|{{ n|pct }}|{{ n }}|{{ 3 }}", b=Bar(0.5, 0.6, "score"), n=None)
    assert out.startswith('<span class="okr-bar okr-bar--good" role="img" aria-label="score: 50%, expected by now 60%">')
    assert out.endswith("|53%|–||3")


def test_an_undefined_value_is_an_error_not_an_empty_string():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("{{ page.titel }}", page=object())


# -- overrides --------------------------------------------------------------------------------


def site_build(repo: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okrops", "site", "build", "--repo", str(repo), "--out", str(out),
                           "--strict"], capture_output=True, text=True, env=ENV)


def put(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


OVERRIDE_BAR = """{# An organisation's own progress bar: a meter. #}
{% macro bar(b) -%}
<meter class="acme-bar" min="0" max="1" value="{{ b.value or 0 }}" title="{{ b.label }}">{{ b.value|pct }}</meter>
{%- endmacro %}
"""
OVERRIDE_UNIT_PAGE = """{% extends "default/unit.html" %}
{% block content %}
<p class="acme-banner">{{ page.name }} / {{ page.name|e }} / {{ [page.cycle_label, page.name]|join(" | ") }}</p>
{{ super() }}
{% endblock %}
"""


def readme_override_example() -> str:
    """The override example in README.md (its jinja block), as an organisation would copy it."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split("```jinja\n")[1].split("```")[0]


def test_an_organisation_overrides_a_partial_and_extends_page_templates(tmp_path):
    repo = write_repo(tmp_path / "repo")
    overrides = repo / "site" / "overrides" / "okrops"
    put(overrides / "partials" / "bar.html", OVERRIDE_BAR)
    put(overrides / "kr.html", readme_override_example())
    put(overrides / "unit.html", OVERRIDE_UNIT_PAGE)
    out = tmp_path / "out"
    result = site_build(repo, out)
    assert result.returncode == 0, result.stderr
    unit = (out / "units" / "platform" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    assert '<meter class="acme-bar"' in unit and "okr-bar__track" not in unit  # the partial, everywhere it is used
    assert '<meter class="acme-bar"' in (out / "index.html").read_text(encoding="utf-8")
    kr = (out / "units" / "platform" / "2026-Q4" / "O1" / "KR2" / "index.html").read_text(encoding="utf-8")
    assert '<p class="acme-note">Owned by Platform. Questions? Ask in #okrs.</p>' in kr  # the README's example
    assert 'class="okr-chart"' in kr and 'id="checkins"' in kr  # okrops' own page, extended
    assert "<img src=x" not in kr and NASTY_KR not in kr and NASTY_OBJECTIVE not in kr
    labs = (out / "units" / "labs" / "2026-Q4" / "index.html").read_text(encoding="utf-8")
    banner = labs.split('<p class="acme-banner">')[1].split("</p>")[0]
    escaped = "R&amp;D &lt;b&gt;Labs&lt;/b&gt; &#123;&#37; raw &#37;&#125;"
    assert banner == f"{escaped} / {escaped} / Q4 2026 &#124; {escaped}"  # plain, |e and join: the same escape
    assert NASTY_UNIT not in labs and "<b>Labs</b>" not in labs
    assert 'id="initiatives"' in unit and "Prototype the next robot" in labs  # okrops' own unit page, extended
    assert not list(out.rglob("okrops/kr.html")) and not list(out.rglob("partials/bar.html"))  # not published


@pytest.mark.parametrize("name, text, line, what", [
    ("unit.html", '{% extends "default/unit.html" %}\n{% block content %}\n{{ page.name }\n{% endblock %}\n', 3,
     "unexpected '}'"),
    ("partials/bar.html", "{% macro bar(b) -%}\n<b>\n{{ b.colour.name }}</b>\n{%- endmacro %}\n", 3,
     "has no attribute 'colour'"),
    ("partials/badges.html", "{# Only one macro of five #}\n{% macro status(s) -%}{{ s }}{%- endmacro %}\n", None,
     "no macro badge, chips, confidence, cycle_line, which okrops' templates call; start from a copy of okrops' own"),
])
def test_a_broken_override_fails_the_build_naming_its_file_and_line(tmp_path, name, text, line, what):
    repo = write_repo(tmp_path / "repo")
    path = repo / "site" / "overrides" / "okrops" / name
    put(path, text)
    result = site_build(repo, tmp_path / "out")
    assert result.returncode == 1, result.stderr
    assert (f"{path}:{line}" if line else f"{path}:") in result.stderr and what in result.stderr, result.stderr
    assert "remove it from the overrides" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_overrides_okrops_own_templates_are_used(tmp_path):
    from okrops.site.render import TEMPLATES, Templates

    (tmp_path / "overrides").mkdir()
    templates = Templates(tmp_path / "overrides")
    assert templates.overrides is None
    assert templates.env.get_template("kr.html").filename == str(TEMPLATES / "kr.html")


def test_the_wheel_ships_every_template(wheel):  # noqa: F811
    root = Path(__file__).resolve().parent.parent
    templates = sorted((root / "okrops" / "site" / "templates").rglob("*.html"))
    assert len(templates) >= 15
    with zipfile.ZipFile(wheel) as archive:
        for path in templates:
            assert archive.read(path.relative_to(root).as_posix()) == path.read_bytes(), path

"""validate on source:: kinds, fields, literal secrets, the opt-in for commands; the schema's words for KPI bands."""

from __future__ import annotations

import pytest

from okrops.findings import Severity
from okrops.validate import validate

BASE_CONFIG = """\
organisation: Test Org
cycles:
  - {id: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
"""


def findings_for(org, source: str, config_extra: str = "", kpi_extra: str = ""):
    org.write("okrs/okrops.yaml", BASE_CONFIG + config_extra)
    org.write("okrs/team/unit.yaml", "name: Team\nkpis:\n  - id: k\n    title: A KPI\n" + kpi_extra
              + "    source:\n" + "".join(f"      {line}\n" for line in source.strip().splitlines()))
    result = validate(org.root)
    return [(f.rule, f.message, f.line) for f in result.findings if f.severity == Severity.ERROR]


GOOD = [
    "kind: http\nurl: https://status.example.com/api\npath: $.uptime\nheaders: {Authorization: 'Bearer ${STATUS_TOKEN}'}",
    "kind: http\nurl: https://x.example.com/api?region=eu&token=${API_TOKEN}\npath: $.v",
    "kind: http\nurl: https://x.example.com/api\npath: $.v\nheaders: {Accept: application/json, X-Api-Key: '${KEY}'}",
    "kind: sql\nurl_env: WAREHOUSE_URL\nquery: select count(*) from orders",
    "kind: prometheus\nurl: http://prometheus:9090\nquery: sum(up)\nscale: 100\nround: 1\ntimeout: 5",
    "kind: file\npath: exports/nps.csv\ncolumn: nps\nrow: {region: eu}",
    "kind: file\npath: ${EXPORTS}/summary.json\njson_path: $.nps",
    "kind: github\nsearch: 'repo:acme/shop is:issue is:open'",
    "kind: github\nrepository: acme/shop\nstatistic: stargazers_count\ntoken_env: GH_TOKEN",
]


@pytest.mark.parametrize("source", GOOD)
def test_good_sources_pass(org, source):
    assert findings_for(org, source) == []


BAD = [
    ("kind: http\nurl: https://x.example.com\npath: $.v\nheaders: {Authorization: 'Bearer abc123'}",
     "header 'Authorization' carries a credential but holds literal text"),
    ("kind: http\nurl: https://x.example.com\npath: $.v\nheaders: {X-Custom: ghp_abcdefghijklmnopqrstuvwxyz0123456789}",
     "header 'X-Custom' holds what looks like a literal secret"),
    ("kind: http\nurl: https://x.example.com\npath: $.v\nheaders: {X-Trace: 9f8e7d6c5b4a39281706f5e4d3c2b1a0}",
     "holds what looks like a literal secret"),
    ("kind: http\nurl: 'https://x.example.com/api?api_key=12345'\npath: $.v",
     "the URL's query parameter 'api_key' holds a literal value"),
    ("kind: prometheus\nurl: 'https://admin:hunter2@prom.example.com'\nquery: up", "user:password@"),
    ("kind: http\nurl: https://x.example.com\npath: $.v\nheaders: {Authorization: 'Bearer $TOKEN'}",
     "is not valid here"),
    ("kind: http\nurl: ftp://x.example.com\npath: $.v", "is not valid here"),
    ("kind: http\nurl: https://x.example.com", "missing required key 'path'"),
    ("kind: sql\nurl: postgresql://u:p@h/db\nquery: select 1", "unknown key 'url'"),
    ("kind: grafana\nquery: x", "unknown source kind 'grafana'"),
    ("kind: command\nrun: [python3, count.py]", "does not allow them"),
    ("kind: github\nsearch: x\nrepository: a/b\nstatistic: size", "either search, or repository with statistic"),
    ("kind: github\nrepository: a/b", "also needs statistic"),
    ("kind: file\npath: data.csv", "a CSV file source needs column"),
    ("kind: file\npath: data.json\ncolumn: x", "a JSON file source needs json_path"),
    ("kind: http\nurl: https://x.example.com\npath: $.v\ntimeout: 0", "must be more than 0"),
    ("kind: http\nurl: https://x.example.com\npath: '$.items[?(@.name =='", "does not parse"),
    ("kind: file\npath: a.json\njson_path: '$..['", "does not parse"),
    ("kind: http\nurl: https://x.example.com\npath: $.v\nscale: .nan", "not a finite number"),
]


@pytest.mark.parametrize("source,message", BAD, ids=[m[:40] for _s, m in BAD])
def test_bad_sources_are_errors_with_their_line(org, source, message):
    found = findings_for(org, source)
    assert any(message in text for _rule, text, _line in found), found
    assert all(line and line >= 5 for _rule, _text, line in found)  # at the source, not the top of the file
    for secret in ("abc123", "ghp_abcdef", "9f8e7d6c", "12345", "hunter2"):  # never repeated where CI logs show it
        assert not any(secret in text for _rule, text, _line in found)


def test_commands_are_allowed_by_the_organisation(org):
    assert findings_for(org, "kind: command\nrun: [python3, count.py]", "collect: {commands: true}\n") == []


def test_a_band_written_as_text_says_what_a_band_looks_like(org):
    found = findings_for(org, "kind: file\npath: a.json\njson_path: $.a", kpi_extra="    healthy: '>=99.9'\n")
    assert any("write it like {min: 99.9} or {max: 250} or {min: 10, max: 20}" in text for _r, text, _l in found), found

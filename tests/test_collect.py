"""okrops collect: sources of every kind against real servers, provenance commits, failures that record nothing."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from collect_support import Server
from okrops.collect import runner
from okrops.collect.sources import BUILTIN, Context, SourceFailed, make
from test_checkin_support import CONFIG, git, isolated_git, load_org, write  # noqa: F401 - fixtures

UNIT = """\
name: Platform
kind: team
kpis:
  - id: uptime
    title: API uptime
    unit: "%"
    current: 99.5
    healthy: {{min: 99.9}}
    warning: {{min: 99.5}}
    source:
      kind: http
      url: {uptime_url}
      path: $.availability.ratio
      scale: 100
      round: 2
  - id: errors
    title: Errors per day
    current: 12
"""

CYCLE = """\
objectives:
  - id: O1
    title: Customers run on the new platform
    key_results:
      - id: KR1
        title: Migrate 60 customers
        baseline: 0
        target: 60
        current: 38   # weekly
        source: {{kind: http, url: "{customers_url}", path: "$.migrated", timeout: 2}}
      - id: KR2
        title: Cut p95 latency from 480 ms to 250 ms
        baseline: 480
        target: 250
        current: 400
        source:
          kind: http
          url: {latency_url}
          path: $.p95
          timeout: 1
          headers:
            Authorization: Bearer ${{METRICS_TOKEN}}
"""


@pytest.fixture
def server():
    served = Server()
    yield served
    served.close()


def make_repo(root: Path, server: Server, config_extra: str = "") -> Path:
    server.json("/uptime", {"availability": {"ratio": 0.99937}})
    server.json("/customers", {"migrated": 41})
    server.json("/latency", {"p95": 380.5})
    write(root / "okrs/okrops.yaml", CONFIG + config_extra)
    write(root / "okrs/platform/unit.yaml", UNIT.format(uptime_url=server.url + "/uptime"))
    write(root / "okrs/platform/2026-Q4.yaml", CYCLE.format(customers_url=server.url + "/customers",
                                                           latency_url=server.url + "/latency"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Collector")
    git(root, "config", "user.email", "collector@example.com")
    git(root, "add", "okrs")
    git(root, "commit", "-q", "-m", "OKRs")
    return root


@pytest.fixture
def repo(tmp_path, server, isolated_git, monkeypatch):
    monkeypatch.setenv("OKROPS_TODAY", "2026-11-25")
    monkeypatch.setenv("METRICS_TOKEN", "tok-from-env")
    return make_repo(tmp_path / "repo", server)


def okrops(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "okrops", *args], cwd=repo, capture_output=True, text=True, env=full)


def trailers(repo: Path, rev: str = "HEAD") -> list[tuple[str, str]]:
    out = git(repo, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return [tuple(line.split(": ", 1)) for line in out.splitlines() if line]


# --- the command, end to end ------------------------------------------------------------------


def test_collect_records_changed_values_as_one_commit_with_provenance(repo, server):
    before = git(repo, "rev-parse", "HEAD").strip()
    done = okrops(repo, "collect")
    assert done.returncode == 0, done.stderr + done.stdout
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    groups: dict[str, dict[str, str]] = {}
    for key, value in trailers(repo):
        if key == "Okr-Checkin":
            current = groups.setdefault(value, {})
        else:
            current[key] = value
    assert set(groups) == {"platform/2026-Q4/O1/KR1", "platform/2026-Q4/O1/KR2", "platform/kpi/uptime"}
    uptime = groups["platform/kpi/uptime"]
    assert uptime["Okr-Value"] == "99.94" and uptime["Okr-Previous"] == "99.5"  # scale 100, round 2
    assert uptime["Okr-Source"] == "http"
    assert json.loads(uptime["Okr-Query"]) == f"GET {server.url}/uptime $.availability.ratio"
    assert uptime["Okr-Digest"] == "sha256:" + hashlib.sha256(server.routes["/uptime"].body).hexdigest()
    assert uptime["Okr-Fetched"].endswith("Z") and uptime["Okr-Fetched"].startswith("20")
    # The files hold the new values, and only those lines changed (the comment stays).
    cycle = (repo / "okrs/platform/2026-Q4.yaml").read_text()
    assert "current: 41   # weekly" in cycle and "current: 380.5" in cycle
    assert "current: 99.94" in (repo / "okrs/platform/unit.yaml").read_text()
    # The header was sent with the secret from the environment; the file never held it.
    sent = [headers for path, headers in server.requests if path == "/latency"]
    assert sent and sent[0]["Authorization"] == "Bearer tok-from-env"
    # A second run finds every value equal: nothing is recorded.
    again = okrops(repo, "collect")
    assert again.returncode == 0 and "0 changed" in again.stdout
    assert git(repo, "rev-list", "--count", f"{before}..HEAD").strip() == "1"


def test_a_failing_source_is_reported_never_recorded_and_the_others_go_on(repo, server):
    server.json("/customers", {"error": "overloaded"}, status=503)
    done = okrops(repo, "collect", "--format", "json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    by_ref = {v["ref"]: v for v in document["values"]}
    failed = by_ref["platform/2026-Q4/O1/KR1"]
    assert failed["status"] == "failed" and failed["reason"].startswith("HTTP 503")
    assert by_ref["platform/2026-Q4/O1/KR2"]["status"] == "changed"
    refs = [value for key, value in trailers(repo) if key == "Okr-Checkin"]
    assert "platform/2026-Q4/O1/KR1" not in refs and "platform/2026-Q4/O1/KR2" in refs
    assert "current: 38   # weekly" in (repo / "okrs/platform/2026-Q4.yaml").read_text()  # the last good value


def test_dry_run_writes_nothing_and_text_shows_old_and_new(repo):
    before = git(repo, "rev-parse", "HEAD").strip()
    done = okrops(repo, "collect", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "38 → 41" in done.stdout and "Dry run" in done.stdout
    assert git(repo, "rev-parse", "HEAD").strip() == before
    assert git(repo, "status", "--porcelain") == ""


def test_collect_names_a_unit_or_references_and_branch_keeps_main(repo):
    done = okrops(repo, "collect", "platform/kpi/uptime", "--branch", "collect-week-48")
    assert done.returncode == 0, done.stderr
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "collect-week-48"
    refs = [value for key, value in trailers(repo) if key == "Okr-Checkin"]
    assert refs == ["platform/kpi/uptime"]
    unknown = okrops(repo, "collect", "nowhere/kpi/x")
    assert unknown.returncode == 2 and "neither a unit" in unknown.stderr
    no_source = okrops(repo, "collect", "platform/kpi/errors")
    assert no_source.returncode == 2 and "has no source" in no_source.stderr


def test_github_format_annotates_failures(repo, server):
    server.json("/latency", {"p95": "NaN"})
    done = okrops(repo, "collect", "--format", "github", "--dry-run")
    assert done.returncode == 1
    assert "::error title=okrops collect platform/2026-Q4/O1/KR2::http source failed: the value at $.p95 is NaN" in done.stdout


def test_a_missing_environment_variable_fails_that_source_only(repo, server):
    env = dict(os.environ)
    env.pop("METRICS_TOKEN")
    done = subprocess.run([sys.executable, "-m", "okrops", "collect", "--dry-run"], cwd=repo, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 1
    assert "the environment variable METRICS_TOKEN (used in header Authorization) is not set" in done.stdout
    assert not [p for p, _h in server.requests if p == "/latency"]  # nothing sent without the token


# --- http: what counts as a number ------------------------------------------------------------


def fetch(spec: dict, root: Path = Path("."), env: dict | None = None, commands: bool = False):
    return make(spec, Context(root, env or {}, commands)).fetch()


@pytest.mark.parametrize("body,path,reason", [
    (b'{"a": {"b": 3}}', "$.a.c", "$.a.c selects nothing"),
    (b'{"items": [{"v": 1}, {"v": 2}]}', "$.items[*].v", "selects 2 values"),
    (b'{"v": NaN}', "$.v", "is NaN"),
    (b'{"v": Infinity}', "$.v", "is not a finite number"),
    (b'{"v": "fast"}', "$.v", "the text 'fast', not a number"),
    (b'{"v": null}', "$.v", "is null"),
    (b'{"v": true}', "$.v", "is true, not a number"),
    (b'{"v": [1]}', "$.v", "a list or mapping"),
    (b'<html>oops</html>', "$.v", "is not JSON"),
    (b'{"v": 1e999}', "$.v", "is not a finite number"),
])
def test_http_refuses_anything_but_exactly_one_finite_number(server, body, path, reason):
    url = server.raw("/doc", body)
    with pytest.raises(SourceFailed) as failed:
        fetch({"kind": "http", "url": url, "path": path})
    assert reason in failed.value.reason


def test_http_reads_numbers_in_text_and_filters(server):
    url = server.json("/doc", {"services": [{"name": "api", "p95": "212.5"}, {"name": "web", "p95": 90}]})
    assert fetch({"kind": "http", "url": url, "path": "$.services[?(@.name == 'api')].p95"}).value == 212.5
    assert fetch({"kind": "http", "url": url, "path": "$.services[1].p95"}).value == 90


def test_http_errors_timeouts_and_refused_connections(server):
    with pytest.raises(SourceFailed, match=r"HTTP 500 Internal Server Error: \{\"error\": \"boom\"\}"):
        fetch({"kind": "http", "url": server.json("/e", {"error": "boom"}, status=500), "path": "$.v"})
    with pytest.raises(SourceFailed, match=r"timed out after 0.3 s"):
        fetch({"kind": "http", "url": server.json("/slow", {"v": 1}, delay=2), "path": "$.v", "timeout": 0.3})
    port = server.httpd.server_address[1]
    server.close()
    with pytest.raises(SourceFailed, match="cannot connect"):
        fetch({"kind": "http", "url": f"http://127.0.0.1:{port}/gone", "path": "$.v", "timeout": 2})


def test_slow_sources_run_in_parallel_within_the_bound(tmp_path, server, isolated_git):
    """Eight sources that each take 0.5 s finish in about two rounds with jobs=4 (no wall-clock bound
    asserted: the server counts how many requests it held at once)."""
    import threading

    active, peak, lock = [0], [0], threading.Lock()
    original = server.httpd.RequestHandlerClass.do_GET

    def counting(handler):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            original(handler)
        finally:
            with lock:
                active[0] -= 1

    server.httpd.RequestHandlerClass.do_GET = counting
    for index in range(8):
        server.json(f"/v{index}", {"v": index}, delay=0.5)
    org = load_org(make_repo(tmp_path / "repo", server))
    kpis = org.units["platform"].kpis
    targets = [runner.Target(kpis[0]) for _ in range(8)]
    for index, target in enumerate(targets):
        target.item = type(kpis[0])(f"k{index}", "t", unit="platform",
                                    metric_source={"kind": "http", "url": f"{server.url}/v{index}", "path": "$.v"})
    outcomes = runner.run(org, targets, jobs=4)
    assert [o.value for o in outcomes] == list(range(8))
    assert peak[0] == 4


# --- file, sql, command, github, prometheus ------------------------------------------------------


def test_file_csv_and_json(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports/nps.csv").write_text("week,region,nps\n47,eu,31\n47,us,28\n48,eu,34\n")
    (tmp_path / "exports/summary.json").write_text('{"summary": {"nps": 33.5}}')
    spec = {"kind": "file", "path": "exports/nps.csv", "column": "nps"}
    assert fetch(spec, tmp_path).value == 34
    assert fetch(dict(spec, row="first"), tmp_path).value == 31
    assert fetch(dict(spec, row={"week": 47, "region": "us"}), tmp_path).value == 28
    with pytest.raises(SourceFailed, match="2 rows of exports/nps.csv match region=eu"):
        fetch(dict(spec, row={"region": "eu"}), tmp_path)
    with pytest.raises(SourceFailed, match="has no column 'score'"):
        fetch(dict(spec, column="score"), tmp_path)
    fetched = fetch({"kind": "file", "path": "${EXPORT_DIR}/summary.json", "json_path": "$.summary.nps"}, tmp_path,
                    {"EXPORT_DIR": str(tmp_path / "exports")})
    assert fetched.value == 33.5 and fetched.raw == (tmp_path / "exports/summary.json").read_bytes()
    with pytest.raises(SourceFailed, match="cannot read exports/missing.json"):
        fetch({"kind": "file", "path": "exports/missing.json", "json_path": "$.a"}, tmp_path)
    for outside in ("../outside.json", str(tmp_path.parent / "outside.json"), "exports/../../outside.json"):
        (tmp_path.parent / "outside.json").write_text('{"a": 1}')
        with pytest.raises(SourceFailed, match="is outside the repository"):
            fetch({"kind": "file", "path": outside, "json_path": "$.a"}, tmp_path)


def _sqlite(tmp_path: Path) -> str:
    path = tmp_path / "metrics.db"
    with sqlite3.connect(path) as db:
        db.executescript("create table signups (day text, n integer, ratio real);"
                         "insert into signups values ('2026-11-24', 40, 0.5), ('2026-11-25', 60, NULL);")
    db.close()
    return f"sqlite:///{path}"


def test_sql_on_sqlite(tmp_path):
    env = {"METRICS_DB": _sqlite(tmp_path)}
    spec = {"kind": "sql", "url_env": "METRICS_DB", "query": "select sum(n) from signups"}
    fetched = fetch(spec, tmp_path, env)
    assert fetched.value == 100 and json.loads(fetched.raw) == [[100]]
    for query, reason in [("select n from signups where day = 'never'", "returned no rows"),
                          ("select n from signups", "more than one row"),
                          ("select n, day from signups where n = 40", "2 columns"),
                          ("select ratio from signups where n = 60", "is null"),
                          ("select day from signups where n = 40", "the text '2026-11-24'"),
                          ("select nope from signups", "the query failed: no such column: nope")]:
        with pytest.raises(SourceFailed, match=reason.replace("(", r"\(")):
            fetch(dict(spec, query=query), tmp_path, env)
    with pytest.raises(SourceFailed, match="the environment variable METRICS_DB"):
        fetch(spec, tmp_path, {})


@pytest.fixture(scope="module")
def pg():
    from collect_support import postgres, skip_reason

    with postgres() as server:
        if server is None:
            pytest.skip(skip_reason["postgres"])
        yield server


def test_sql_on_a_real_postgresql_server(pg, tmp_path):
    import sqlalchemy

    engine = sqlalchemy.create_engine(pg.url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("create table if not exists orders (id serial, amount numeric(10, 2))"))
        connection.execute(sqlalchemy.text("delete from orders"))
        connection.execute(sqlalchemy.text("insert into orders (amount) values (10.25), (20.50)"))
    engine.dispose()
    env = {"WAREHOUSE_URL": pg.url}
    spec = {"kind": "sql", "url_env": "WAREHOUSE_URL", "query": "select sum(amount) from orders", "timeout": 10}
    assert fetch(spec, tmp_path, env).value == 30.75  # a Decimal from the driver becomes a number
    with pytest.raises(SourceFailed, match="canceling statement due to statement timeout"):
        fetch(dict(spec, query="select pg_sleep(5)", timeout=1), tmp_path, env)
    wrong = pg.url.replace(pg.password, "wrong-password-123")
    with pytest.raises(SourceFailed) as failed:
        fetch(spec, tmp_path, {"WAREHOUSE_URL": wrong})
    assert "password authentication failed" in failed.value.reason
    assert "wrong-password-123" not in failed.value.reason


def test_command_needs_the_organisations_opt_in_and_prints_one_number(tmp_path):
    script = tmp_path / "count.py"
    script.write_text("import sys\nprint(sys.argv[1])\n")
    spec = {"kind": "command", "run": [sys.executable, "count.py", "17"]}
    with pytest.raises(SourceFailed, match="not allowed"):
        fetch(spec, tmp_path)
    assert fetch(spec, tmp_path, commands=True).value == 17
    with pytest.raises(SourceFailed, match="more than one value"):
        fetch(dict(spec, run=[sys.executable, "count.py", "1 2"]), tmp_path, commands=True)
    with pytest.raises(SourceFailed, match="exited with status 3: boom"):
        fetch(dict(spec, run=[sys.executable, "-c", "import sys; sys.exit('boom') if False else (print('boom', file=sys.stderr), sys.exit(3))"]),
              tmp_path, commands=True)
    marker = tmp_path / "survivor"
    (tmp_path / "child.py").write_text(f"import time\ntime.sleep(3)\nopen({str(marker)!r}, 'w').close()\n")
    (tmp_path / "parent.py").write_text("import subprocess, sys, time\nsubprocess.Popen([sys.executable, 'child.py'])\n"
                                        "time.sleep(30)\n")
    with pytest.raises(SourceFailed, match="timed out after 0.5 s"):
        fetch(dict(spec, run=[sys.executable, "parent.py"], timeout=0.5), tmp_path, commands=True)
    import time

    time.sleep(3.5)
    assert not marker.exists()  # the command's children were stopped with it


def test_github_search_and_repository_statistic_against_a_local_api(server):
    server.json("/search/issues", {"total_count": 23, "incomplete_results": False, "items": []})
    server.json("/repos/acme/shop", {"stargazers_count": 812, "forks_count": 40})
    env = {"GH_METRICS_TOKEN": "ghs_fromtheenvironment"}
    spec = {"kind": "github", "api": server.url, "search": "repo:acme/shop is:issue is:open label:bug",
            "token_env": "GH_METRICS_TOKEN"}
    assert fetch(spec, env=env).value == 23
    path, headers = server.requests[-1]
    assert path == "/search/issues?q=repo%3Aacme%2Fshop+is%3Aissue+is%3Aopen+label%3Abug&per_page=1"
    assert headers["Authorization"] == "Bearer ghs_fromtheenvironment"
    assert fetch({"kind": "github", "api": server.url, "repository": "acme/shop", "statistic": "stargazers_count"}).value == 812
    server.json("/search/issues", {"total_count": 1000, "incomplete_results": True})
    with pytest.raises(SourceFailed, match="incomplete"):
        fetch(spec, env=env)
    server.json("/search/issues", {"message": "API rate limit exceeded"}, status=403)
    with pytest.raises(SourceFailed, match="HTTP 403"):
        fetch(spec, env=env)


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory):
    from collect_support import prometheus, skip_reason

    exporter = Server()
    try:
        with prometheus(tmp_path_factory.mktemp("prometheus"), exporter) as url:
            if url is None:
                pytest.skip(skip_reason["prometheus"])
            yield url
    finally:
        exporter.close()


def test_prometheus_instant_queries_against_a_real_server(prometheus_url):
    spec = {"kind": "prometheus", "url": prometheus_url, "query": "okrops_test_uptime_ratio", "scale": 100}
    assert fetch(spec).value == pytest.approx(0.9993)
    assert fetch(dict(spec, query="sum(okrops_test_requests_total)")).value == 10000
    assert fetch(dict(spec, query="scalar(okrops_test_uptime_ratio) * 2")).value == pytest.approx(1.9986)
    with pytest.raises(SourceFailed, match="returned 2 series; aggregate it"):
        fetch(dict(spec, query="okrops_test_requests_total"))
    with pytest.raises(SourceFailed, match="no series"):
        fetch(dict(spec, query="okrops_test_missing_metric"))
    with pytest.raises(SourceFailed, match="HTTP 400 Bad Request: bad_data"):
        fetch(dict(spec, query="sum(("))
    with pytest.raises(SourceFailed, match="returned a matrix result"):
        fetch(dict(spec, query="okrops_test_uptime_ratio[1m]"))


def test_prometheus_response_shapes_from_the_documentation(server):
    """The documented /api/v1/query shapes, served locally: a scalar, NaN, a string result."""
    def answer(data):
        return server.json("/api/v1/query", {"status": "success", "data": data})

    spec = {"kind": "prometheus", "url": server.url, "query": "x"}
    answer({"resultType": "scalar", "result": [1700000000.0, "42.5"]})
    assert fetch(spec).value == 42.5
    answer({"resultType": "vector", "result": [{"metric": {}, "value": [1700000000.0, "NaN"]}]})
    with pytest.raises(SourceFailed, match="is NaN"):
        fetch(spec)
    answer({"resultType": "string", "result": [1700000000.0, "hello"]})
    with pytest.raises(SourceFailed, match="string result"):
        fetch(spec)


def test_the_registry_holds_the_schemas_kinds():
    from okrops import sourcecheck

    assert tuple(BUILTIN) == sourcecheck.builtin_kinds()
    for kind in BUILTIN:
        from okrops.collect.sources import kind_class

        assert kind_class(kind).kind == kind


def test_a_third_party_kind_from_an_installed_entry_point(repo, tmp_path):
    """A package installed beside okrops adds a kind through the okrops.sources entry point group."""
    site = tmp_path / "site-packages"
    (site / "okrops_dice-1.0.dist-info").mkdir(parents=True)
    (site / "okrops_dice-1.0.dist-info/METADATA").write_text("Metadata-Version: 2.1\nName: okrops-dice\nVersion: 1.0\n")
    (site / "okrops_dice-1.0.dist-info/entry_points.txt").write_text("[okrops.sources]\ndice = okrops_dice:Dice\n")
    (site / "okrops_dice.py").write_text(
        "from okrops.collect.sources import Fetched, MetricSource\n"
        "class Dice(MetricSource):\n"
        "    kind = 'dice'\n"
        "    def describe(self):\n        return f\"dice with {self.spec['sides']} sides\"\n"
        "    def fetch(self):\n        return Fetched(self.spec['sides'], b'rolled')\n")
    unit = repo / "okrs/platform/unit.yaml"
    unit.write_text(unit.read_text() + "    source: {kind: dice, sides: 6}\n")
    git(repo, "commit", "-qam", "A KPI from dice")
    env = {"PYTHONPATH": str(site)}
    assert okrops(repo, "validate", env=env).returncode == 0
    done = okrops(repo, "collect", "platform/kpi/errors", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    group = dict(trailers(repo))
    assert group["Okr-Source"] == "dice" and json.loads(group["Okr-Query"]) == "dice with 6 sides"
    assert group["Okr-Digest"] == "sha256:" + hashlib.sha256(b"rolled").hexdigest()
    without = okrops(repo, "validate")  # not installed: an unknown kind
    assert without.returncode == 1 and "unknown source kind 'dice'" in without.stdout

"""The demo's own metric systems, served locally: ``okrops demo`` collects from them without any network.

The example organisation's sources name their systems through the environment
(``${KESTREL_METRICS}``, ``${KESTREL_EXPORTS}``, ``KESTREL_WAREHOUSE``). The demo
points those at what this module serves: an HTTP server on 127.0.0.1 answering
every ``http`` source's path with a JSON document holding the week's value where
its JSONPath looks, and Prometheus' ``/api/v1/query`` for every ``prometheus``
source's query; a CSV export for every ``file`` source; a SQLite warehouse with a
``kpi_values(kpi, week, value)`` table for the ``sql`` sources. Each week the demo
sets the values (key results follow their plan, KPIs wander around their value),
then runs ``okrops collect``'s runner, which records them with provenance.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

METRICS, EXPORTS, WAREHOUSE = "KESTREL_METRICS", "KESTREL_EXPORTS", "KESTREL_WAREHOUSE"
_DOTTED = re.compile(r"^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$")


class DemoSources:
    """The local systems behind the example's sources (a context manager: the server stops on leaving)."""

    def __init__(self, root: Path, seed: int):
        self.root = root
        self.seed = seed
        self.exports = root / "exports"
        self.documents: dict[str, bytes] = {}  # http path -> JSON body
        self.queries: dict[str, bytes] = {}  # PromQL -> JSON body
        self.server: Optional[ThreadingHTTPServer] = None
        self.final: dict[str, float] = {}  # KPI ref -> its value in the example (the last week's)

    def __enter__(self) -> "DemoSources":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                parts = urlsplit(self.path)
                if parts.path == "/api/v1/query":
                    body = owner.queries.get(parse_qs(parts.query).get("query", [""])[0])
                else:
                    body = owner.documents.get(parts.path)
                self.send_response(200 if body is not None else 404)
                body = body if body is not None else b'{"error": "not found"}'
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.exports.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def environ(self) -> dict[str, str]:
        assert self.server is not None
        return {METRICS: f"http://127.0.0.1:{self.server.server_address[1]}", EXPORTS: str(self.exports),
                WAREHOUSE: f"sqlite:///{self.exports / 'warehouse.db'}"}

    # -- the week's values -----------------------------------------------------------------------
    def kpi_value(self, kpi, week: int, weeks: int):
        """A KPI's value in a week: around its value in the file, ending on it, within reach of its bands."""
        from okrops.cli.demo import _decimals, _rounded

        current = self.final.setdefault(kpi.ref, kpi.current)  # the example's value, where the quarter ends
        if week == weeks - 1 or current is None:
            return current
        bound = next((b for band in (kpi.healthy, kpi.warning) if band for b in (band.min, band.max) if b is not None),
                     None)
        spread = abs(bound - current) if bound is not None and bound != current else abs(current) * 0.05 or 1
        rng = random.Random(f"{self.seed}:{kpi.ref}:{week}")
        return _rounded(current + rng.uniform(-1.2, 1.2) * spread, _decimals(current))

    def serve(self, week: int, values: dict[str, tuple[dict, float]]) -> None:
        """Make every source answer ``value`` this week: {ref: (source spec, value)}."""
        csv_rows: dict[Path, tuple[str, float]] = {}
        warehouse: list[tuple[str, int, float]] = []
        for ref, (spec, value) in values.items():
            raw = value / spec["scale"] if spec.get("scale") else value
            kind = spec.get("kind")
            if kind == "http" and str(spec.get("url", "")).startswith("${" + METRICS + "}"):
                self.documents[spec["url"][len(METRICS) + 3:].split("?")[0]] = _document(spec["path"], raw)
            elif kind == "prometheus":
                self.queries[spec["query"]] = json.dumps({"status": "success", "data": {
                    "resultType": "vector", "result": [{"metric": {}, "value": [1764000000 + week * 604800, repr(raw)]}]}}
                ).encode()
            elif kind == "file" and str(spec.get("path", "")).startswith("${" + EXPORTS + "}/"):
                csv_rows[self.exports / spec["path"][len(EXPORTS) + 4:]] = (spec["column"], raw)
            elif kind == "sql" and spec.get("url_env") == WAREHOUSE:
                warehouse.append((ref.rsplit("/", 1)[-1], week, raw))
        for path, (column, raw) in csv_rows.items():
            _append_csv(path, column, week, raw)
        if warehouse:
            with sqlite3.connect(self.exports / "warehouse.db") as db:
                db.execute("create table if not exists kpi_values (kpi text, week integer, value real)")
                db.executemany("insert into kpi_values values (?, ?, ?)", warehouse)
            db.close()


def _document(path: str, value: float) -> bytes:
    """The smallest JSON document in which the dotted JSONPath ``path`` ($.a.b) selects ``value``."""
    match = _DOTTED.match(path)
    if not match:
        raise ValueError(f"the demo serves dotted JSONPaths only, not {path!r}")
    document: object = value
    for key in reversed(match.group(1).strip(".").split(".")):
        document = {key: document}
    return json.dumps(document).encode()


def _append_csv(path: Path, column: str, week: int, value: float) -> None:
    new = not path.exists()
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(["week", column])
        writer.writerow([week + 1, value])


def sourced(org, running_day) -> dict[str, object]:
    """The key results (running on ``running_day``) and KPIs with a source: {ref: the key result or KPI}."""
    from okrops.collect import runner

    return {t.ref: t.item for t in runner.select(org, [], running_day)}

"""Real servers for the collect tests (no tests here): an HTTP server on 127.0.0.1, PostgreSQL, Prometheus.

* :class:`Server` serves what a test sets per path (JSON, an error status, a slow answer) and remembers
  the requests it got, headers included.
* :func:`postgres` starts Debian's PostgreSQL in a temporary data folder on a free local port (as the
  ``postgres`` user when the tests run as root, since PostgreSQL refuses to run as root).
* :func:`prometheus` starts Debian's Prometheus scraping an exporter served by a :class:`Server`.

Each yields None with the reason in ``skip_reason`` when the program is not installed or cannot start.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Optional


@dataclass
class Route:
    body: bytes
    status: int = 200
    delay: float = 0.0  # seconds before answering
    content_type: str = "application/json"


@dataclass
class Server:
    """A real HTTP server on 127.0.0.1 and a free port."""

    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)  # (path with query, headers as a dict)

    def __post_init__(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                owner.requests.append((self.path, dict(self.headers)))
                path = self.path.split("?", 1)[0]
                route = owner.routes.get(self.path) or owner.routes.get(path)
                if route is None:
                    route = Route(b'{"error": "not found"}', 404)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def json(self, path: str, data, status: int = 200, delay: float = 0.0) -> str:
        self.routes[path] = Route(json.dumps(data).encode(), status, delay)
        return self.url + path

    def raw(self, path: str, body: bytes, status: int = 200, delay: float = 0.0, content_type: str = "application/json") -> str:
        self.routes[path] = Route(body, status, delay, content_type)
        return self.url + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@dataclass
class Postgres:
    url: str  # postgresql+psycopg://okrops:<password>@127.0.0.1:<port>/postgres
    password: str


skip_reason: dict[str, str] = {}


@contextmanager
def postgres() -> Iterator[Optional[Postgres]]:
    """A PostgreSQL server of its own, with password authentication over TCP; None (and a reason) if it cannot run.

    Its folder is a new one directly in the temporary folder: pytest's own are private to root, and
    the postgres user must reach it.
    """
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="okrops-pg-"))
    try:
        with _postgres(tmp) as server:
            yield server
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _postgres(tmp: Path) -> Iterator[Optional[Postgres]]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        skip_reason["postgres"] = "PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)"
        yield None
        return
    bindir = Path(found[-1]).parent
    data, sockets = tmp / "pgdata", tmp / "pgsock"
    password = "s3cret-Pg-pass"
    tmp.mkdir(parents=True, exist_ok=True)
    pwfile = tmp / "pw"
    pwfile.write_text(password + "\n")
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (tmp, pwfile, sockets):
            shutil.chown(path, "postgres", "postgres")
    port = free_port()
    init = subprocess.run(_as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "okrops", "-A", "scram-sha-256",
                                             f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync"]),
                          capture_output=True, text=True)
    if init.returncode != 0:
        skip_reason["postgres"] = f"initdb failed: {init.stderr.strip()[-300:]}"
        yield None
        return
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(tmp / "pg.log")]
    start = subprocess.run(_as_postgres_user(ctl + ["-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                                                    "start"]), capture_output=True, text=True)
    if start.returncode != 0:
        log = (tmp / "pg.log").read_text(errors="replace")[-300:] if (tmp / "pg.log").exists() else start.stderr
        skip_reason["postgres"] = f"PostgreSQL did not start: {log.strip()}"
        yield None
        return
    try:
        yield Postgres(f"postgresql+psycopg://okrops:{password}@127.0.0.1:{port}/postgres", password)
    finally:
        subprocess.run(_as_postgres_user(ctl + ["-m", "immediate", "stop"]), capture_output=True)


EXPORTER_TEXT = """\
# HELP okrops_test_uptime_ratio Uptime of the test service.
# TYPE okrops_test_uptime_ratio gauge
okrops_test_uptime_ratio 0.9993
# HELP okrops_test_requests_total Requests by code.
# TYPE okrops_test_requests_total counter
okrops_test_requests_total{code="200"} 9990
okrops_test_requests_total{code="500"} 10
"""


@contextmanager
def prometheus(tmp: Path, exporter: Server) -> Iterator[Optional[str]]:
    """A real Prometheus scraping ``exporter``'s /metrics every second; yields its base URL once it has data."""
    binary = shutil.which("prometheus")
    if binary is None:
        skip_reason["prometheus"] = "Prometheus is not installed (Debian package prometheus; .ci/run installs it)"
        yield None
        return
    exporter.raw("/metrics", EXPORTER_TEXT.encode(), content_type="text/plain; version=0.0.4")
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "prometheus.yml"
    config.write_text(f"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: test\n    static_configs:\n"
                      f"      - targets: ['127.0.0.1:{exporter.httpd.server_address[1]}']\n")
    port = free_port()
    log = open(tmp / "prometheus.log", "wb")
    process = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={tmp / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not _wait_for_sample(url, process, timeout=60):
            log.flush()
            skip_reason["prometheus"] = ("Prometheus did not start or scrape: "
                                         + (tmp / "prometheus.log").read_text(errors="replace")[-300:])
            yield None
            return
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_sample(url: str, process: subprocess.Popen, timeout: float) -> bool:
    import urllib.request
    from urllib.parse import urlencode

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/api/v1/query?{urlencode({'query': 'okrops_test_uptime_ratio'})}",
                                        timeout=2) as response:
                if json.loads(response.read())["data"]["result"]:
                    return True
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.3)
    return False

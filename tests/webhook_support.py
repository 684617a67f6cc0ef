"""A real HTTP server on 127.0.0.1 that records what chat webhooks receive (for tests)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    def __init__(self, status: int = 200, delay: float = 0.0):
        self.status, self.delay = status, delay
        self.received: list[dict] = []  # {"path", "headers", "body"}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                recorder.received.append({"path": self.path, "headers": dict(self.headers), "body": raw})
                if recorder.delay:
                    time.sleep(recorder.delay)
                try:
                    self.send_response(recorder.status)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"ok" if recorder.status < 300 else b"error")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/services/T000/B000/secret-part"

    def json(self, index: int = -1) -> dict:
        return json.loads(self.received[index]["body"])

    def __enter__(self) -> "Recorder":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

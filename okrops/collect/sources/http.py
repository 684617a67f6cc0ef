"""``kind: http``: GET a URL and take one number out of the JSON with a JSONPath expression."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import Optional

from okrops.collect.sources.base import (MAX_RESPONSE, Deadline, Fetched, MetricSource, SourceFailed, json_path_one,
                                          one_line, parse_json)

USER_AGENT = "okrops-collect"


def get(url: str, headers: dict[str, str], deadline: Deadline, what: str = "the response") -> bytes:
    """The body of a GET of ``url`` (status 200 to 299), read within ``deadline``; failures say why."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json", **headers})
    opener = urllib.request.build_opener(_NoRedirectToOtherHost())
    try:
        with opener.open(request, timeout=deadline.left()) as response:
            return _read(response, deadline)
    except urllib.error.HTTPError as exc:
        body = _error_body(exc)
        shown = one_line(body, 120)
        raise SourceFailed(f"HTTP {exc.code} {exc.reason}" + (f": {shown}" if shown else ""), body) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise SourceFailed(f"timed out after {deadline.seconds:g} s") from None
        raise SourceFailed(f"cannot connect: {one_line(getattr(reason, 'strerror', None) or reason, 120)}") from None
    except (socket.timeout, TimeoutError):
        raise SourceFailed(f"timed out after {deadline.seconds:g} s") from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL
        raise SourceFailed(f"the request failed: {one_line(exc, 120)}") from None


def _read(response, deadline: Deadline) -> bytes:
    chunks, size = [], 0
    while True:
        deadline.left()
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE:
            raise SourceFailed(f"the response is larger than {MAX_RESPONSE // (1024 * 1024)} MB")
        chunks.append(chunk)


def _error_body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""


class _NoRedirectToOtherHost(urllib.request.HTTPRedirectHandler):
    """Follow redirects on the same host only, so headers carrying a token never go to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl) -> Optional[urllib.request.Request]:
        from urllib.parse import urlsplit

        if urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            raise SourceFailed(f"HTTP {code}: redirected to another host ({urlsplit(newurl).netloc}), not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpSource(MetricSource):
    kind = "http"

    def describe(self) -> str:
        return one_line(f"GET {self.spec['url']} {self.spec['path']}")

    def headers(self) -> dict[str, str]:
        return {str(k): self.expand(str(v), f"header {k}") for k, v in (self.spec.get("headers") or {}).items()}

    def fetch(self) -> Fetched:
        deadline = Deadline(self.timeout)
        raw = get(self.expand(self.spec["url"], "url"), self.headers(), deadline)
        value = json_path_one(parse_json(raw, "the response"), self.spec["path"], "the response")
        return Fetched(value, raw)

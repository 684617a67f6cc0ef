"""Posting to a chat incoming webhook (Slack, Microsoft Teams): a URL from the environment, bounded retries.

The URL is a secret (whoever has it can post), so it is read from an environment variable
only, never from a file in the repository, and never printed. A webhook that fails or does
not answer within the timeout (``OKROPS_WEBHOOK_TIMEOUT`` seconds, default 10) is tried again a few times with a growing pause (server errors,
429 and network errors only; a 4xx is final), then reported as an error with exit status 1.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Optional
from urllib.parse import urlsplit

from okrops.errors import OkropsError, UsageError

DEFAULT_ENV = "OKROPS_WEBHOOK_URL"
TIMEOUT = 10.0  # seconds for one attempt
ATTEMPTS = 3
PAUSE = 1.0  # seconds before the second attempt, doubled before each next one


class WebhookFailed(OkropsError):
    exit_code = 1


def url_from_env(name: str = DEFAULT_ENV) -> str:
    url = (os.environ.get(name) or "").strip()
    if not url:
        raise UsageError(f"no webhook address: set the environment variable {name} (in a workflow, from a secret); "
                         "it is never read from a file in the repository")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise UsageError(f"the environment variable {name} is not an http(s) address")
    return url


def _where(url: str) -> str:
    """The host only: the path of a webhook address is its secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…"


def post(url: str, payload: dict, *, timeout: Optional[float] = None, attempts: Optional[int] = None,
         pause: Optional[float] = None) -> int:
    """POST ``payload`` as JSON; the HTTP status on success; :class:`WebhookFailed` after the last attempt."""
    timeout = float(os.environ.get("OKROPS_WEBHOOK_TIMEOUT", TIMEOUT)) if timeout is None else timeout
    attempts = int(os.environ.get("OKROPS_WEBHOOK_ATTEMPTS", ATTEMPTS)) if attempts is None else attempts
    pause = float(os.environ.get("OKROPS_WEBHOOK_PAUSE", PAUSE)) if pause is None else pause
    data = json.dumps(payload).encode("utf-8")
    problem = ""
    for attempt in range(1, max(1, attempts) + 1):
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json", "User-Agent": "okrops"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code} {error.reason}"
            if 400 <= error.code < 500 and error.code != 429:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            problem = "no answer within %g seconds" % timeout if isinstance(reason, TimeoutError) or \
                "timed out" in str(reason) else f"cannot connect: {reason}"
        if attempt < attempts:
            time.sleep(pause * 2 ** (attempt - 1))
    raise WebhookFailed(f"the webhook at {_where(url)} failed after {attempt} attempt(s): {problem}")

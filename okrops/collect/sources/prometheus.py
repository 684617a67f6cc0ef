"""``kind: prometheus``: an instant query against ``/api/v1/query`` (a scalar, or a vector with one series)."""

from __future__ import annotations

from urllib.parse import urlencode

from okrops.collect.sources.base import Deadline, Fetched, MetricSource, SourceFailed, as_number, one_line, parse_json
from okrops.collect.sources.http import get


class PrometheusSource(MetricSource):
    kind = "prometheus"

    def describe(self) -> str:
        return one_line(f"PromQL on {self.spec['url']}: {self.spec['query']}")

    def fetch(self) -> Fetched:
        deadline = Deadline(self.timeout)
        base = self.expand(self.spec["url"], "url").rstrip("/")
        headers = {str(k): self.expand(str(v), f"header {k}") for k, v in (self.spec.get("headers") or {}).items()}
        # The server stops evaluating at our timeout too (Prometheus' own timeout parameter).
        query = urlencode({"query": self.spec["query"], "timeout": f"{max(1, int(self.timeout))}s"})
        try:
            raw = get(f"{base}/api/v1/query?{query}", headers, deadline)
        except SourceFailed as failed:
            raise SourceFailed(_api_error(failed)) from None
        return Fetched(value_of(parse_json(raw, "the response")), raw)


def _api_error(failed: SourceFailed) -> str:
    """Prometheus answers a bad query with 400 and {"status": "error", "error": "..."}: keep its words."""
    import json

    try:
        error = json.loads(failed.body)
    except ValueError:
        return failed.reason
    if isinstance(error, dict) and error.get("status") == "error":
        head = failed.reason.partition(": ")[0]
        return f"{head}: {one_line(error.get('errorType', ''), 40)}: {one_line(error.get('error', ''), 150)}"
    return failed.reason


def value_of(document) -> float:
    """The number in a query response: ``data.result`` of a scalar, or of a vector's only series."""
    if not isinstance(document, dict) or document.get("status") != "success":
        error = document.get("error") if isinstance(document, dict) else None
        raise SourceFailed(f"the query failed: {one_line(error or 'the response is not a Prometheus answer', 150)}")
    data = document.get("data")
    if not isinstance(data, dict):
        raise SourceFailed("the response has no data")
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar":
        return _sample(result)
    if kind == "vector":
        if not isinstance(result, list) or not result:
            raise SourceFailed("the query returned no series (an empty vector)")
        if len(result) > 1:
            raise SourceFailed(f"the query returned {len(result)} series; aggregate it (sum, avg, max) to one")
        series = result[0]
        return _sample(series.get("value") if isinstance(series, dict) else None)
    raise SourceFailed(f"the query returned a {kind or 'response'} result; an instant query must return a scalar or a vector")


def _sample(sample) -> float:
    if not isinstance(sample, list) or len(sample) != 2:
        raise SourceFailed("the response's sample is not [time, value]")
    return as_number(sample[1], "the query's value")

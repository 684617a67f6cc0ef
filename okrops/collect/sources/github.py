"""``kind: github``: a count from the search API (issues, pull requests) or a repository statistic."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from okrops.collect.sources.base import Deadline, Fetched, MetricSource, SourceFailed, as_number, one_line, parse_json
from okrops.collect.sources.http import get

DEFAULT_API = "https://api.github.com"


class GithubSource(MetricSource):
    kind = "github"

    def describe(self) -> str:
        if "search" in self.spec:
            return one_line(f"GitHub search: {self.spec['search']}")
        return one_line(f"GitHub {self.spec.get('repository')} {self.spec.get('statistic')}")

    def fetch(self) -> Fetched:
        deadline = Deadline(self.timeout)
        api = self.expand(self.spec.get("api", DEFAULT_API), "api").rstrip("/")
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        token = self.context.environ.get(self.spec.get("token_env", "GITHUB_TOKEN"))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if "search" in self.spec:
            raw = get(f"{api}/search/issues?{urlencode({'q': self.spec['search'], 'per_page': 1})}", headers, deadline)
            document = parse_json(raw, "the response")
            if not isinstance(document, dict) or "total_count" not in document:
                raise SourceFailed("the response has no total_count")
            if document.get("incomplete_results"):
                raise SourceFailed("GitHub says the search results are incomplete (it timed out); the count would be wrong")
            return Fetched(as_number(document["total_count"], "total_count"), raw)
        repository, statistic = self.spec.get("repository"), self.spec.get("statistic")
        if not repository or not statistic:
            raise SourceFailed("a github source takes search, or repository with statistic")
        raw = get(f"{api}/repos/{quote(repository, safe='/')}", headers, deadline)
        document = parse_json(raw, "the response")
        if not isinstance(document, dict) or statistic not in document:
            raise SourceFailed(f"the repository's data has no {statistic}")
        return Fetched(as_number(document[statistic], statistic), raw)

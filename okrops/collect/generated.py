"""The scheduled workflow that ``okrops init`` writes: ``okrops collect`` on the default branch only.

Its schedule is commented out until the organisation gives a key result or KPI a ``source:``; until
then it runs only when started by hand. Pull-request workflows never run sources: a pull request could
add a ``command`` source or point a query at a secret, so collecting happens only on the default branch,
with the repository's secrets passed as environment variables.
"""

from __future__ import annotations

from okrops import __version__

WORKFLOW_PATH = ".github/workflows/collect.yml"


def collect_workflow(version: str = __version__) -> dict[str, str]:
    """{path: text} of the collect workflow (it passes actionlint; a test checks)."""
    text = f"""# Collect key result and KPI values from their sources (okrops collect) and record them as one
# check-in commit with provenance (source, query, fetch time, digest of the response).
# It runs on the default branch only: pull requests never run sources, since a pull request could add a
# command source or point a query at a secret.
# Turn the schedule on once a key result or KPI has a source: uncomment the two schedule lines below.
name: Collect OKR values

on:
  # schedule:
  #   - cron: "17 6 * * 1-5"  # 06:17 UTC on weekdays
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: okrops-collect
  cancel-in-progress: false

jobs:
  collect:
    if: github.ref == format('refs/heads/{{0}}', github.event.repository.default_branch)
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install okrops
        run: pip install "okrops=={version}"
      - name: Collect and push the check-in
        env:
          # The environment variables your sources name as ${{NAME}}, from the repository's secrets, e.g.
          # STATUS_TOKEN: ${{{{ secrets.STATUS_TOKEN }}}}
          # WAREHOUSE_URL: ${{{{ secrets.WAREHOUSE_URL }}}}
          GITHUB_TOKEN: ${{{{ github.token }}}}
        run: |
          git config user.name "okrops collect"
          git config user.email "okrops-collect@users.noreply.github.com"
          status=0
          okrops collect --format github || status=$?
          # The values that were fetched are recorded even when another source failed.
          git push origin "HEAD:refs/heads/$GITHUB_REF_NAME"
          exit "$status"
"""
    return {WORKFLOW_PATH: text}

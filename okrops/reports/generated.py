"""The files ``okrops init`` writes for the weekly rhythm: the check-in issue form and two workflows.

* ``.github/ISSUE_TEMPLATE/checkin.yml``: the form the site's "Check in" links open, with the
  fields :mod:`okrops.record.issueform` reads (the same ids and labels);
* ``.github/workflows/okrops-checkin.yml``: records a check-in from a new or edited form issue
  with the check-in label, or from a ``/checkin`` comment (``okrops checkin --from-issue``);
* ``.github/workflows/okrops-rhythm.yml``: every hour, and at the day and hour of
  ``rhythm:`` in okrs/okrops.yaml (checked by ``--scheduled``, so changing the time needs no
  change here), the reminders (one issue per unit, kept up to date) and the weekly digest
  (in the run summary, and to a chat webhook when the ``OKROPS_WEBHOOK_URL`` secret is set).
"""

from __future__ import annotations

from okrops import __version__
from okrops.record.issueform import DEFAULT_LABEL, FIELD_CONFIDENCE, FIELD_NOTE, FIELD_REF, FIELD_VALUE

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


def issue_form() -> str:
    return f"""# The check-in form: the site's "Check in" links open it with the key result filled in.
# okrops' check-in workflow records it as a commit in your name. Keep the field ids as they are.
name: Check in on a key result
description: Record the latest value of a key result (and how confident you are).
title: "Check-in: "
labels: ["{DEFAULT_LABEL}"]
body:
  - type: markdown
    attributes:
      value: >-
        Give the key result's new value. When you may check in on it (a maintainer of its unit, or with
        write access), okrops records it as a commit in your name and closes this issue; otherwise it
        comments with what to fix.
  - type: input
    id: {FIELD_REF[0]}
    attributes:
      label: {FIELD_REF[1]}
      description: Its reference, unit/cycle/objective/key result (filled in when you come from the site).
      placeholder: platform/2026-Q4/O1/KR2
    validations:
      required: true
  - type: input
    id: {FIELD_VALUE[0]}
    attributes:
      label: {FIELD_VALUE[1]}
      description: The number as measured now, e.g. 42 or 0.75 (the title shows the last value and the target).
    validations:
      required: true
  - type: input
    id: {FIELD_CONFIDENCE[0]}
    attributes:
      label: {FIELD_CONFIDENCE[1]}
      description: How likely the target will be reached, from 0 (no chance) to 1 (certain), e.g. 0.7.
    validations:
      required: false
  - type: textarea
    id: {FIELD_NOTE[0]}
    attributes:
      label: {FIELD_NOTE[1]}
      description: What moved it, or what is in the way. Red is a learning signal.
    validations:
      required: false
"""


def _setup(install: str) -> str:
    return f"""      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install okrops
        run: {install}
"""


def checkin_workflow(install: str) -> str:
    return f"""# Check-ins from the browser: the check-in form (an issue with the {DEFAULT_LABEL} label) or a
# comment '/checkin <key result> <value> [confidence] [note]'. okrops checks who may check in
# (checkins.from_issues in okrs/okrops.yaml), commits in the author's name, pushes (or opens a
# pull request), comments with the result and closes the issue.
name: OKR check-in

on:
  # Not 'labeled': GitHub sends it too for a new issue the form labels, which would record it twice.
  issues:
    types: [opened, edited]
  issue_comment:
    types: [created]

permissions:
  contents: read

concurrency:
  group: okrops-checkin
  cancel-in-progress: false

jobs:
  checkin:
    if: >-
      (github.event_name == 'issues' && contains(github.event.issue.labels.*.name, '{DEFAULT_LABEL}')) ||
      (github.event_name == 'issue_comment' && startsWith(github.event.comment.body, '/checkin '))
    runs-on: ubuntu-latest
    permissions:
      contents: write
      issues: write
      pull-requests: write
    steps:
{_setup(install)}      - name: Record the check-in
        id: checkin
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: |
          git config user.name "{BOT_NAME}"
          git config user.email "{BOT_EMAIL}"
          okrops checkin --from-issue "$GITHUB_EVENT_PATH"
"""


def rhythm_workflow(install: str) -> str:
    return f"""# The weekly rhythm: reminders to check in (one issue per unit, edited rather than re-opened,
# closed when nothing is due) and the weekly digest. Runs every hour; okrops acts only at the day
# and hour of 'rhythm:' in okrs/okrops.yaml (UTC), so changing them needs no change here.
# A chat message too: set the secret OKROPS_WEBHOOK_URL (a Slack or Teams incoming webhook)
# and the variable OKROPS_WEBHOOK_FORMAT (slack or teams).
name: OKR rhythm

on:
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: okrops-rhythm
  cancel-in-progress: false

jobs:
  rhythm:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      issues: write
    steps:
{_setup(install)}      - name: Remind and report
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          SCHEDULED: ${{{{ github.event_name == 'schedule' }}}}
          OKROPS_WEBHOOK_URL: ${{{{ secrets.OKROPS_WEBHOOK_URL }}}}
          WEBHOOK_FORMAT: ${{{{ vars.OKROPS_WEBHOOK_FORMAT || 'slack' }}}}
        run: |
          when=()
          if [ "$SCHEDULED" = true ]; then when=(--scheduled); fi
          okrops remind --issues "${{when[@]}}"
          okrops report week --format markdown "${{when[@]}}" >> "$GITHUB_STEP_SUMMARY"
          if [ -n "$OKROPS_WEBHOOK_URL" ]; then
            okrops remind --webhook "$WEBHOOK_FORMAT" "${{when[@]}}"
            okrops report week --webhook "$WEBHOOK_FORMAT" "${{when[@]}}"
          fi
"""


def files(version: str = __version__) -> dict[str, str]:
    """{path relative to the repository: text} of the rhythm's files."""
    install = f'pip install "okrops=={version}"'
    return {
        ".github/ISSUE_TEMPLATE/checkin.yml": issue_form(),
        ".github/workflows/okrops-checkin.yml": checkin_workflow(install),
        ".github/workflows/okrops-rhythm.yml": rhythm_workflow(install),
    }

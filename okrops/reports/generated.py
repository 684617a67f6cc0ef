"""The files ``okrops init`` writes for the weekly rhythm: the check-in issue form and two workflows.

They are templates of the rhythm wing (``okrops/rhythm/templates/github/``), rendered with the rest
of a new repository; these functions give them on their own:

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

from typing import Optional

from okrops.rhythm.scaffold import BOT_EMAIL, BOT_NAME  # noqa: F401 - who commits a browser check-in (re-exported)

FORM = ".github/ISSUE_TEMPLATE/checkin.yml"
PATHS = (FORM, ".github/workflows/okrops-checkin.yml", ".github/workflows/okrops-rhythm.yml")


def files(source: Optional[object] = None) -> dict[str, str]:
    """{path in a new repository: text} of the rhythm's files (okrops from ``source``, default its repository)."""
    from okrops.rhythm import scaffold

    return scaffold.render(scaffold._sample_context(source), PATHS)


def issue_form() -> str:
    return files()[FORM]

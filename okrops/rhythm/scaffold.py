"""``okrops init``: everything a new OKR repository needs, in one go.

The files: the root configuration with this quarter and the next, a strategy,
a first unit with three example objectives for this quarter, the JSON Schemas
(``schema/``, so editors validate as you type, offline), the site sources, the
GitHub workflows (checks, a semantic diff on every pull request, the site on
GitHub Pages), CODEOWNERS, a pre-commit configuration, a .gitignore and a
README for the people who will edit the OKRs. An existing file is never
overwritten: it is kept and reported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from okrops import __version__
from okrops.review.codeowners import HANDLE  # the one handle pattern, used here for --maintainer
from okrops.errors import UsageError
from okrops.safetext import check_text, markdown, yaml_comment, yaml_scalar


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def quarter(day: dt.date, offset: int = 0) -> tuple[str, str, dt.date, dt.date]:
    """(id, name, start, end) of the quarter containing ``day``, ``offset`` quarters later."""
    index = (day.year * 4 + (day.month - 1) // 3) + offset
    year, q = divmod(index, 4)
    start = dt.date(year, q * 3 + 1, 1)
    end = (dt.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1) - dt.timedelta(days=1))
    return f"{year}-Q{q + 1}", f"Q{q + 1} {year}", start, end


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug or "company"


MAX_NAME = 200  # the schema's maxLength for the organisation's name


def check_organisation(name: str) -> str:
    """The organisation's name when it can be written; a clear refusal otherwise."""
    check_text(name, "organisation name (--org)")
    if not name.strip():
        raise UsageError("the organisation name (--org) is empty; give the organisation's name")
    if len(name) > MAX_NAME:
        raise UsageError(f"the organisation name (--org) is {len(name)} characters long; "
                         f"at most {MAX_NAME} fit (okrs/okrops.yaml: organisation)")
    return name


def files(organisation: str, unit: str, maintainers: list[str], today: dt.date, version: str = __version__) -> dict[str, str]:
    """Every file of a new repository: path relative to its root -> text."""
    from okrops import schemas
    from okrops.review import codeowners
    from okrops.repository import SAFE_NAME

    if not SAFE_NAME.match(unit):
        raise UsageError(f"{unit!r} is not a safe unit name: use lower-case letters, digits and dashes")
    for handle in maintainers:
        if not HANDLE.match(handle):
            raise UsageError(f"{handle!r} is not a git-host handle: write @user or @org/team")
    check_organisation(organisation)
    this_id, this_name, this_start, this_end = quarter(today)
    next_id, next_name, next_start, next_end = quarter(today, 1)
    org_text = yaml_scalar(organisation)
    result: dict[str, str] = {}
    result["okrs/okrops.yaml"] = f"""# yaml-language-server: $schema=../schema/config.json
#
# The root configuration: the one file that makes this folder an OKR repository.
# See the README for what each part means; `okrops lint --list-rules` lists the rules.

organisation: {org_text}

cycles:
  - id: {this_id}
    name: {this_name}
    start: {this_start}
    end: {this_end}
  - id: {next_id}
    name: {next_name}
    start: {next_start}
    end: {next_end}

checkins:
  # A key result nobody has checked in on for longer than this is stale.
  cadence_days: 7

site:
  title: {yaml_scalar(organisation + " OKRs")}
"""
    result["okrs/strategy.yaml"] = """# yaml-language-server: $schema=../schema/strategy.json
#
# Where the organisation is going. Every objective should serve a strategy, directly
# or through its parent objective (aligns_to in the OKR files).

vision: Replace this with where you want to be in ten years.
mission: Replace this with what you do, for whom, and why.

strategies:
  - id: customer-value
    title: Customers get value from us in their first week
    description: Replace this with one of your strategic bets for the next one to five years.
"""
    owner_lines = "".join(f"\n  - {yaml_scalar(m)}" for m in maintainers)
    maintainers_text = f"maintainers:{owner_lines}\n" if maintainers else (
        "# maintainers:      # git-host handles who review changes (used for CODEOWNERS)\n#   - \"@org/team\"\n")
    result[f"okrs/{unit}/unit.yaml"] = f"""# yaml-language-server: $schema=../../schema/unit.json
#
# A unit: a company, department or team. Its folder name ({unit}) is its id. Units nest:
# a folder with a unit.yaml inside this one is a unit below it.

name: {org_text}
kind: company
{maintainers_text}"""
    result[f"okrs/{unit}/{this_id}.yaml"] = f"""# yaml-language-server: $schema=../../schema/okrs.json
#
# {yaml_comment(organisation)}, {this_name}: example OKRs. Rewrite them; keep the shape.
# An objective says what will be different; its key results measure it, from a
# baseline to a target, with real data. Check in with: okrops checkin <ref> <value>

objectives:
  - id: O1
    title: New customers are up and running in their first week
    why: Customers who get value in week one stay; those who wait a month churn.
    aligns_to:
      strategies: [customer-value]
    key_results:
      - id: KR1
        title: Median time to first value falls from 21 to 7 days
        metric: Median days from contract signature to first successful use
        unit: days
        baseline: 21
        target: 7
        current: 21
        confidence: 0.6
        data_source: Onboarding dashboard
      - id: KR2
        title: Onboarding satisfaction rises from 6.8 to 8.5
        metric: Mean onboarding survey score, 0 to 10
        baseline: 6.8
        target: 8.5
        current: 6.8
        confidence: 0.5
        data_source: Onboarding survey

  - id: O2
    title: Customers find answers without waiting for us
    why: Every question answered by the product is one support never has to answer.
    aligns_to:
      strategies: [customer-value]
    key_results:
      - id: KR1
        title: Share of questions answered by self-service grows from 20% to 45%
        metric: Help-centre sessions that end without a ticket, as a share of all
        unit: "%"
        baseline: 20
        target: 45
        current: 20
        confidence: 0.5
        data_source: Help-centre analytics
      - id: KR2
        title: Median first response time falls from 9 to 2 hours
        metric: Median hours to first response on support tickets
        unit: hours
        baseline: 9
        target: 2
        current: 9
        confidence: 0.7
        data_source: Support desk report

  - id: O3
    title: Customers trust the numbers we show them
    why: Reports customers doubt are reports they do not use.
    type: aspirational
    aligns_to:
      strategies: [customer-value]
    key_results:
      - id: KR1
        title: Reports with a data-quality complaint fall from 12% to 3%
        metric: Share of reports with a data-quality complaint within a week
        unit: "%"
        baseline: 12
        target: 3
        current: 12
        confidence: 0.4
        data_source: Support tickets tagged data-quality
      - id: KR2
        title: Weekly report readers grow from 300 to 600
        metric: Distinct users opening a report in a week
        unit: users
        baseline: 300
        target: 600
        current: 300
        confidence: 0.5
        data_source: Product analytics
"""
    for kind in schemas.KINDS:
        result[f"schema/{kind}.json"] = (schemas.schema_dir() / f"{kind}.json").read_text(encoding="utf-8")
    result.update(_site_files())
    result.update(workflow_files(version))
    from okrops.reports import generated  # the check-in form and the rhythm's workflows (issue 9)
    result.update(generated.files(version))
    owners = " ".join(maintainers)
    lines = [f"/okrs/okrops.yaml {owners}", f"/okrs/strategy.yaml {owners}",
             f"/{codeowners.CODEOWNERS_PATH} {owners}", f"/okrs/{unit}/ {owners}"] if maintainers else []
    # the same block 'okrops codeowners' writes, so its --check passes in CI from the first pull request
    result[codeowners.CODEOWNERS_PATH] = "\n".join([codeowners.BEGIN, *lines, codeowners.END]) + "\n"
    result[".pre-commit-config.yaml"] = precommit_config(version)
    result[".gitignore"] = "# okrops site output\n/public/\n/site/public/\n__pycache__/\n.venv/\n"
    result["README.md"] = readme(organisation, unit, this_id)
    return result


def _site_files() -> dict[str, str]:
    try:
        from okrops.site import scaffold_files
    except ImportError:  # the site package is optional while it is being built
        return {}
    return dict(scaffold_files())


def precommit_config(version: str = __version__) -> str:
    return f"""# pre-commit hooks: check OKR files before every commit (pip install pre-commit; pre-commit install).
repos:
  - repo: local
    hooks:
      - id: okrops-validate
        name: okrops validate
        entry: okrops validate
        language: python
        additional_dependencies: ["okrops=={version}"]
        files: ^okrs/.*\\.ya?ml$
        pass_filenames: false
      - id: okrops-lint
        name: okrops lint
        entry: okrops lint
        language: python
        additional_dependencies: ["okrops=={version}"]
        files: ^okrs/.*\\.ya?ml$
        pass_filenames: false
"""


def workflow_files(version: str = __version__) -> dict[str, str]:
    """The GitHub workflows of a new OKR repository (they pass actionlint; a test checks)."""
    install = f'pip install "okrops=={version}"'
    checks = f"""# OKR checks on every pull request: validation and lint annotate the changed lines, and
# a summary of what changed in OKR terms appears in the run summary and as one comment.
name: OKR checks

on:
  pull_request:
    paths: ["okrs/**", "schema/**", ".github/workflows/okrs.yml"]

permissions:
  contents: read

concurrency:
  group: okrs-${{{{ github.event.pull_request.number }}}}
  cancel-in-progress: true

jobs:
  check:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install okrops
        run: {install}
      - name: Validate
        run: okrops validate --format github
      - name: Lint
        if: ${{{{ !cancelled() }}}}
        run: okrops lint --format github
      - name: CODEOWNERS up to date
        if: ${{{{ !cancelled() }}}}
        run: okrops codeowners --check
      - name: Describe the change
        if: ${{{{ !cancelled() }}}}
        env:
          BASE_REF: ${{{{ github.base_ref }}}}
        run: |
          okrops diff "origin/$BASE_REF" HEAD --format markdown --output okrops-diff.md
          cat okrops-diff.md >> "$GITHUB_STEP_SUMMARY"
      - uses: actions/upload-artifact@v6
        if: ${{{{ !cancelled() }}}}
        with:
          name: okrops-diff
          path: okrops-diff.md

  comment:
    needs: check
    if: ${{{{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}}}
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    steps:
      - uses: actions/download-artifact@v7
        with:
          name: okrops-diff
      - name: One sticky comment, updated on every push
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          REPO: ${{{{ github.repository }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          # The comment is found again by the marker okrops diff puts on its first line.
          marker='<!-- okrops-diff -->'
          if [ "$(wc -c < okrops-diff.md)" -gt 60000 ]; then
            {{ head -c 60000 okrops-diff.md; printf '\\n\\n(truncated: the run summary has the whole description)\\n'; }} > comment.md
          else
            cp okrops-diff.md comment.md
          fi
          id=$(gh api "repos/$REPO/issues/$PR/comments" --paginate \\
            --jq ".[] | select(.body | startswith(\\"$marker\\")) | .id" | head -n 1)
          if [ -z "$id" ] && grep -q '^No objectives, key results or settings changed' comment.md; then
            echo "no OKR changes and no earlier comment: nothing to say"
            exit 0
          fi
          if [ -n "$id" ]; then
            gh api --method PATCH "repos/$REPO/issues/comments/$id" -F body=@comment.md > /dev/null
          else
            gh api --method POST "repos/$REPO/issues/$PR/comments" -F body=@comment.md > /dev/null
          fi
"""
    publish = f"""# Publish the OKR site to GitHub Pages after every merge to the default branch.
# Enable it once: Settings > Pages > Source: GitHub Actions.
name: Publish OKR site

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install okrops
        run: {install}
      - name: Build the site
        run: okrops site build --out public
      - uses: actions/configure-pages@v6
      - uses: actions/upload-pages-artifact@v4
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"""
    return {".github/workflows/okrs.yml": checks, ".github/workflows/publish.yml": publish}


def readme(organisation: str, unit: str, cycle: str) -> str:
    return f"""# {markdown(organisation)} OKRs

Our objectives and key results, kept as YAML in this repository and changed
through pull requests. The tool is [okrops](https://pypi.org/project/okrops/).

## Where things are

| Path | What |
|---|---|
| `okrs/okrops.yaml` | the organisation, its cycles (quarters), lint and scoring settings |
| `okrs/strategy.yaml` | vision, mission and the strategies objectives serve |
| `okrs/{unit}/unit.yaml` | a unit: its name and the people who review its OKRs (`maintainers`) |
| `okrs/{unit}/{cycle}.yaml` | the unit's objectives and key results for {cycle} |
| `okrs/{unit}/<team>/` | units below it: a folder with a `unit.yaml` |
| `schema/` | the file format; editors with the YAML language server check as you type |
| `site/` | the sources of the OKR site, published to GitHub Pages |

## Everyday work

```sh
pip install okrops
okrops status                               # where we stand this cycle
okrops checkin {unit}/{cycle}/O1/KR1 14 -c 0.7   # record a new value and confidence
okrops new objective {unit} {cycle} "What will be different"
okrops new kr {unit}/{cycle}/O1 "Metric from X to Y" --baseline 10 --target 20
okrops validate && okrops lint               # what the pull-request checks run
okrops diff                                  # what your branch changes, in OKR terms
```

Every change goes through a pull request: the checks annotate problems on the
changed lines, a comment summarises the change in OKR terms (and flags targets
lowered mid-cycle, key results turned into tasks, objectives unlinked from
strategy, private OKRs made public), and the maintainers of the units touched
are asked to review (`.github/CODEOWNERS`, kept up to date with
`okrops codeowners`). After the merge the site is published again.

One-time setup on GitHub: Settings > Pages > Source: GitHub Actions; and a
branch protection rule (or ruleset) for `main` that requires pull requests,
the "OKR checks" status, and a review from Code Owners.

## The rhythm

- **Weekly**: check in every key result (`okrops checkin`), with a confidence.
- **End of cycle**: `okrops cycle close {cycle}` adds a reflection to every
  objective: the final score, what you learned, and a decision (done,
  carry-over, rewrite, drop). Edit the learnings and decisions, then merge.
- **Next cycle**: `okrops cycle open <next cycle>` creates the next files from
  those decisions: carried-over objectives start from where they ended, and
  failed ones come back to be rewritten, not silently dropped.

Before committing, `pip install pre-commit && pre-commit install` runs the same
checks locally.
"""


def init(target: str | Path, organisation: Optional[str] = None, unit: Optional[str] = None,
         maintainers: tuple[str, ...] | list[str] = (), today: Optional[dt.date] = None,
         git: bool = True) -> InitResult:
    """Write the files of a new OKR repository into ``target``; never overwrite an existing file.

    With ``git`` (the default), a folder that is not inside a git work tree becomes a new
    repository (``git init`` on branch main); nothing is committed.
    """
    from okrops import clock

    root = Path(target).resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} exists and is not a folder")
    organisation = organisation or root.name.replace("-", " ").replace("_", " ").title() or "Our Company"
    unit = unit or slugify(organisation)
    existing_config = root / "okrs" / "okrops.yaml"
    result = InitResult(root)
    had_config = existing_config.is_file()
    if had_config:
        result.notes.append("okrs/okrops.yaml exists: kept the OKRs and added only the missing files around them")
    wanted = files(organisation, unit, list(maintainers), today or clock.today())
    for rel, text in wanted.items():
        if had_config and rel.startswith("okrs/"):
            result.kept.append(rel)
            continue
        path = root / rel
        if path.exists() or path.is_symlink():
            result.kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never replace a file
            handle.write(text)
        result.created.append(rel)
    if not maintainers:
        result.notes.append("no maintainers given: add them to okrs/*/unit.yaml, then run okrops codeowners")
    if git and not _inside_git_work_tree(root):
        from okrops.record import gitrefs

        try:
            gitrefs.git(root, "init", "-q", "-b", "main", paths=[str(root)])
            result.notes.append("initialised a git repository (branch main); review the files and make the first commit")
        except gitrefs.GitError as error:
            result.notes.append(f"git init failed ({error.message}); run it yourself")
    return result


def _inside_git_work_tree(folder: Path) -> bool:
    from okrops.record import gitrefs

    return gitrefs.inside_work_tree(folder)

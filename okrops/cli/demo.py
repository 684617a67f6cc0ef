"""``okrops demo``: a complete OKR repository with a quarter of history, built in seconds.

The example organisation is copied into a new git repository and committed at
the start of 2026-Q4 with every running key result at its starting value. Then
weekly check-in sessions (one commit per team and week, several people) move
the values towards the example's numbers up to the fixed "today" 2026-11-25:
some key results stall and go red, one team stops checking in (stale), and a
target change arrives through a pull-request branch merged with a merge commit
(its hand-edited value shows up in the history as an edit). Names, dates and
numbers are fixed, so the repository, down to the commit ids, is the same
every time.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional

import click

from okrops.cli.options import CONTEXT_SETTINGS
from okrops.errors import UsageError

TODAY = date(2026, 11, 25)
CYCLE = "2026-Q4"
FIRST_COMMIT = datetime(2026, 9, 28, 16, 0, tzinfo=timezone.utc)
WEEKS = [date(2026, 10, 5) + timedelta(weeks=i) for i in range(8)]  # Mondays up to 2026-11-23
STALE_AFTER = 3  # the stale team's check-ins stop after this many weeks
PREFERRED_STALE = "robot-hardware"
PREFERRED_PR_KR = "fleet-platform/2026-Q4/O1/KR1"
SEED = 2026

PEOPLE = [
    ("Ines Carvalho", "ines.carvalho@kestrel.example"),
    ("Mira Okafor", "mira.okafor@kestrel.example"),
    ("Lena Hoffmann", "lena.hoffmann@kestrel.example"),
    ("Sofia Brandt", "sofia.brandt@kestrel.example"),
    ("Tomas Lindqvist", "tomas.lindqvist@kestrel.example"),
    ("Joost Vermeulen", "joost.vermeulen@kestrel.example"),
    ("Amara Diallo", "amara.diallo@kestrel.example"),
    ("Rui Mendes", "rui.mendes@kestrel.example"),
    ("Chloe Martin", "chloe.martin@kestrel.example"),
    ("Pieter de Vries", "pieter.devries@kestrel.example"),
    ("Ana Sousa", "ana.sousa@kestrel.example"),
    ("Kofi Mensah", "kofi.mensah@kestrel.example"),
]
BOT = ("Kestrel OKRs", "okrs@kestrel.example")

NOTES_GOOD = ["Steady week", "Two more sites live", "Release went out on Tuesday", "Ahead of plan after the fix",
              "New dashboard numbers confirmed", "Customer pilot expanded"]
NOTES_BAD = ["Blocked on a supplier", "Slower week: half the team at a customer site", "Data pipeline broke, numbers "
             "are from Friday", "Scope grew after the review", "Hiring gap hurts", "No movement: priorities shifted"]


@dataclass
class DemoResult:
    root: Path
    commits: int = 0
    checkins: int = 0
    stale_unit: Optional[str] = None
    red: list[str] = field(default_factory=list)
    pr_ref: Optional[str] = None
    site: Optional[Path] = None
    site_note: str = ""
    status: str = ""
    collected: int = 0  # values okrops collect recorded from the demo's local sources


@dataclass
class _Plan:
    ref: str
    start: float
    end: float
    confidence: float
    decimals: int
    stall: bool


def _decimals(*values) -> int:
    best = 0
    for value in values:
        if isinstance(value, float):
            text = repr(value)
            if "e" in text:
                return 2
            best = max(best, len(text.split(".")[1].rstrip("0")) if "." in text else 0)
    return min(best, 3)


def _rounded(value: float, decimals: int):
    return int(round(value)) if decimals == 0 else round(value, decimals)


def _stamp(moment: datetime) -> str:
    from okrops.record.checkin import git_date

    return git_date(moment)


def _prepare(directory: Path, force: bool) -> Path:
    root = directory.resolve()
    if root.exists() and any(root.iterdir()):
        if not force:
            raise UsageError(f"{root} exists and is not empty: choose another directory, or add --force to "
                             "replace an earlier demo")
        if not ((root / "okrs" / "okrops.yaml").is_file() and (root / ".git").is_dir()):
            raise UsageError(f"{root} does not look like an okrops demo; refusing to delete it, even with --force")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _running(org, day: date) -> list:
    return [kr for kr in org.key_results.values()
            if (c := org.config.cycles.get(org.objective_of(kr).cycle)) and c.start <= day <= c.end]


def _plans(org, rng: random.Random) -> dict[str, _Plan]:
    plans: dict[str, _Plan] = {}
    for kr in _running(org, WEEKS[0]):
        if kr.current is None:
            continue
        cycle = org.objective_of(kr).cycle
        end = kr.current
        if kr.direction == "range" or kr.baseline is None:
            start = end
        elif cycle == CYCLE:
            start = kr.baseline
        else:  # a longer cycle (the company's year) started months ago
            start = kr.baseline + (end - kr.baseline) * 0.7
        confidence = kr.confidence if kr.confidence is not None else 0.6
        decimals = _decimals(kr.baseline, kr.target, end, start if isinstance(start, float) else 0)
        plans[kr.ref] = _Plan(kr.ref, start, end, confidence, decimals, stall=confidence < 0.5 and rng.random() < 0.8)
    return plans


def _value(plan: _Plan, week: int, rng: random.Random):
    weeks = len(WEEKS)
    share = min(1.0, (week + 1) / (weeks / 2)) if plan.stall else (week + 1) / weeks
    if week < weeks - 1 and plan.start != plan.end:
        share = min(1.0, max(0.0, share + rng.uniform(-0.06, 0.06)))
    if week == weeks - 1:
        share = 1.0
    value = _rounded(plan.start + (plan.end - plan.start) * share, plan.decimals)
    start_confidence = 0.6 if plan.stall else 0.5
    confidence = start_confidence + (plan.confidence - start_confidence) * (week + 1) / weeks
    confidence = round(round(confidence * 20) / 20, 2) if week < weeks - 1 else plan.confidence
    return value, min(1.0, max(0.0, confidence))


def build(directory: str | Path, force: bool = False, site: bool = True,
          echo: Callable[[str], None] = lambda _text: None) -> DemoResult:
    """Create the demo repository in ``directory``; see the module docstring."""
    from okrops.repository import load

    root = _prepare(Path(directory), force)
    result = DemoResult(root)
    rng = random.Random(SEED)
    echo(f"Creating the demo OKR repository in {root} ...")
    repo = _new_repository(root)
    org, plans = _initial_commit(repo, root, rng, result)
    units = sorted({org.objective_of(org.key_results[r]).unit for r in plans}, key=lambda s: org.units[s].folder)
    teams = [u for u in units if not org.units[u].children]
    result.stale_unit = PREFERRED_STALE if PREFERRED_STALE in teams else (teams[-1] if teams else None)
    pr_ref = PREFERRED_PR_KR if PREFERRED_PR_KR in plans else next(
        (r for r in plans if org.key_results[r].direction == "increase" and org.key_results[r].target is not None
         and org.objective_of(org.key_results[r]).unit != result.stale_unit
         and org.objective_of(org.key_results[r]).cycle == CYCLE), None)
    from okrops import progress
    from okrops.cli.demosources import DemoSources

    work = progress.current()
    with DemoSources(root, SEED) as sources:
        work.stage("replaying check-ins week by week", total=len(WEEKS), unit="weeks")
        for week, monday in enumerate(WEEKS):
            if week == 6 and pr_ref:
                _pull_request(repo, root, org, pr_ref, plans, result)
                org = _load(load, root)
            served = _check_in_week(org, units, plans, week, monday, rng, result)
            with progress.showing(progress.SILENT):  # the week's collect is a step of this stage, not a stage
                org = _collect_week(org, sources, served, week, monday, result) or org
            work.advance()
        work.done()
    result.red = sorted(p.ref for p in plans.values() if p.stall)
    echo(f"Replayed {result.checkins} check-ins in {result.commits} commits "
         f"({WEEKS[0]} to {WEEKS[-1]}), {result.collected} of them collected from the demo's local sources.")

    from okrops import reporters, status
    from okrops.record import history

    org = _load(load, root)
    report = status.build(org, TODAY, None, None, False, history.last_checkins(org))
    result.status = reporters.status_table(report, 100)
    if site:
        result.site, result.site_note = _build_site(root)
    return result


def _new_repository(root: Path):
    """The example organisation and the schemas copied into a new git repository (nothing committed yet)."""
    import git

    from okrops import examples, schemas

    shutil.copytree(examples.example_okrs_dir(), root / "okrs", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    schema_source = schemas.schema_dir()
    if schema_source.is_dir():
        shutil.copytree(schema_source, root / "schema", ignore=shutil.ignore_patterns("__pycache__", "*.py*"))
    # exports/: what the demo's own systems export for file and sql sources (okrops.cli.demosources)
    (root / ".gitignore").write_text("/public/\n/exports/\n", encoding="utf-8")
    (root / "README.md").write_text(
        "# Kestrel Robotics OKRs (okrops demo)\n\nMade by `okrops demo`: the example organisation with a quarter "
        "of weekly check-ins.\nTry `OKROPS_TODAY=2026-11-25 okrops status` and `okrops history`.\n", encoding="utf-8")
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", BOT[0])
        config.set_value("user", "email", BOT[1])
        config.set_value("commit", "gpgsign", "false")
        config.set_value("core", "hooksPath", ".git/hooks")
    return repo


def _initial_commit(repo, root: Path, rng: random.Random, result: DemoResult):
    """The quarter's starting point, committed: running key results at their starting values."""
    import git

    from okrops.record import checkin
    from okrops.repository import load

    org = _load(load, root)
    plans = _plans(org, rng)
    starts: dict[str, list] = {}
    for ref, plan in plans.items():
        kr = org.key_results[ref]
        starts.setdefault(kr.source.file, []).append((kr.source.path, "current", _rounded(plan.start, plan.decimals)))
        starts[kr.source.file].append((kr.source.path, "confidence", 0.6 if plan.stall else 0.5))
    for file, edits in starts.items():
        path = root / file
        path.write_text(checkin.edit_text(path.read_text(encoding="utf-8"), edits, file), encoding="utf-8")
    stamp = _stamp(FIRST_COMMIT)
    repo.index.add([p.relative_to(root).as_posix() for p in sorted(root.rglob("*"))
                    if p.is_file() and ".git" not in p.relative_to(root).parts])
    repo.index.commit("Q4 2026 OKRs agreed in the planning week", author=git.Actor(*PEOPLE[0]),
                      committer=git.Actor(*PEOPLE[0]), author_date=stamp, commit_date=stamp, skip_hooks=True)
    result.commits += 1
    return _load(load, root), plans


def _check_in_week(org, units: list[str], plans: dict[str, _Plan], week: int, monday: date, rng: random.Random,
                   result: DemoResult) -> dict[str, float]:
    """Each team's check-in commit of the week; returns the week's values of key results that have a source
    (those are collected, not typed)."""
    from okrops.record import checkin

    served: dict[str, float] = {}
    for index, unit in enumerate(units):
        if unit == result.stale_unit and week >= STALE_AFTER:
            continue
        requests = []
        for ref, plan in plans.items():
            if not ref.startswith(unit + "/"):
                continue
            value, confidence = _value(plan, week, rng)
            note = ""
            if rng.random() < 0.3:
                note = rng.choice(NOTES_BAD if plan.stall and week >= 3 else NOTES_GOOD)
            if org.key_results[ref].metric_source is not None:
                served[ref] = value
                continue
            if not checkin.changes_file(org.key_results[ref], value, confidence):
                continue  # a check-in records a change; an unchanged key result is not checked in
            requests.append(checkin.Request(ref, value, confidence, note))
        if not requests:
            continue
        person = PEOPLE[(units.index(unit) * 2 + week % 2) % len(PEOPLE)]
        offset = timezone(timedelta(hours=1)) if "engineering" in org.units[unit].folder else timezone.utc
        moment = datetime.combine(monday, time(9, 0), offset) + timedelta(minutes=17 * index)
        stamp = _stamp(moment)
        checkin.checkin(org, requests, when=stamp, commit_date=stamp, author=person)
        result.commits += 1
        result.checkins += len(requests)
    return served


def _collect_week(org, sources, served: dict[str, float], week: int, monday: date, result: DemoResult):
    """okrops collect on Monday evening against the demo's local systems; the reloaded organisation, or None."""
    from okrops.cli.demosources import sourced
    from okrops.collect import runner
    from okrops.repository import load

    items = sourced(org, monday)
    if not items:
        return None
    values = {ref: (item.metric_source, served[ref] if ref in served else sources.kpi_value(item, week, len(WEEKS)))
              for ref, item in items.items() if ref in served or not hasattr(item, "objective_ref")}
    sources.serve(week, {ref: pair for ref, pair in values.items() if pair[1] is not None})
    moment = datetime.combine(monday, time(18, 5), timezone.utc)
    outcomes = runner.run(org, runner.select(org, list(values), monday), environ=sources.environ(), now=lambda: moment)
    failed = [f"{o.ref}: {o.reason}" for o in outcomes if o.status == runner.FAILED]
    if failed:  # pragma: no cover - the demo's sources answer every query of the shipped example
        raise UsageError("the demo's local sources did not answer: " + "; ".join(failed))
    stamp = _stamp(moment)
    recorded = runner.record(org, outcomes, when=stamp, commit_date=stamp, author=BOT)
    if recorded is None:
        return None
    result.commits += 1
    result.checkins += len(recorded.changes)
    result.collected += len(recorded.changes)
    return _load(load, result.root)


def _load(load, root: Path):
    loaded = load(root)
    if loaded.organisation is None:  # pragma: no cover - the shipped example is valid
        raise UsageError("the example organisation does not load: " + "; ".join(f.message for f in loaded.findings[:3]))
    return loaded.organisation


def _pull_request(repo, root: Path, org, ref: str, plans: dict[str, _Plan], result: DemoResult) -> None:
    """A target change and a corrected value on a branch, reviewed and merged with a merge commit."""
    from okrops.record import checkin

    kr = org.key_results[ref]
    plan = plans[ref]
    branch = "raise-" + ref.split("/")[0] + "-target"
    step = (kr.target - (kr.baseline or 0)) * 0.1
    new_target = _rounded(kr.target + step, plan.decimals) if kr.direction == "increase" else kr.target
    if isinstance(new_target, int) and new_target >= 100:
        new_target = int(round(new_target, -1))
    corrected = _rounded(plan.start + (plan.end - plan.start) * 0.62, plan.decimals)
    author, reviewer = PEOPLE[3], PEOPLE[1]
    opened = datetime(2026, 11, 10, 14, 5, tzinfo=timezone(timedelta(hours=1)))
    merged = datetime(2026, 11, 11, 10, 40, tzinfo=timezone(timedelta(hours=1)))

    def env(person, moment):
        stamp = _stamp(moment)
        return {"GIT_AUTHOR_NAME": person[0], "GIT_AUTHOR_EMAIL": person[1], "GIT_COMMITTER_NAME": person[0],
                "GIT_COMMITTER_EMAIL": person[1], "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    path = root / kr.source.file
    repo.git.checkout("-q", "-b", branch)
    edits = [(kr.source.path, "target", new_target), (kr.source.path, "current", corrected)]
    path.write_text(checkin.edit_text(path.read_text(encoding="utf-8"), edits, kr.source.file), encoding="utf-8")
    repo.git.add(kr.source.file)
    subject = f"Raise {ref.split('/')[0]} {'/'.join(ref.split('/')[2:])} target to {new_target} after the October launch"
    repo.git.commit("-q", "--no-verify", "-m", subject, "-m",
                    f"The launch moved the baseline: the old target of {kr.target} is no longer a stretch.\n"
                    f"Also corrects the current value to {corrected}: the analytics query counted internal users.",
                    env=env(author, opened))
    repo.git.checkout("-q", "main")
    repo.git.merge("-q", "--no-ff", "--no-verify", "-m", f"Merge pull request #42 from kestrel-robotics/{branch}",
                   "-m", subject, branch, env=env(reviewer, merged))
    repo.git.branch("-q", "-d", branch)
    result.commits += 2
    result.pr_ref = ref


def _build_site(root: Path) -> tuple[Optional[Path], str]:
    try:
        from okrops.site import build_site
    except ImportError:
        return None, "the site is not available in this version of okrops"
    import logging

    import os

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    saved = os.environ.get("OKROPS_TODAY")
    os.environ["OKROPS_TODAY"] = TODAY.isoformat()  # the site shows the demo's today
    try:
        return build_site(root), ""
    except Exception as exc:  # noqa: BLE001 - the demo repository is made; report, do not fail
        return None, f"the site did not build ({type(exc).__name__}: {exc})"
    finally:
        if saved is None:
            os.environ.pop("OKROPS_TODAY", None)
        else:
            os.environ["OKROPS_TODAY"] = saved


def hints(result: DemoResult) -> str:
    """Where to look, for people: the commands to try on the demo repository."""
    import os

    try:
        shown = os.path.relpath(result.root)
    except ValueError:  # pragma: no cover - another drive on Windows
        shown = str(result.root)
    if shown.startswith(".."):
        shown = str(result.root)
    lines = [""]
    if result.status:
        lines += [result.status, ""]
    lines += [f"The demo OKR repository is in {result.root}",
              f"It is {TODAY} there: set OKROPS_TODAY so status, lint and the site agree.", "",
              f"  cd {shown}",
              f"  export OKROPS_TODAY={TODAY}",
              "  okrops status                              # where everyone stands",
              "  okrops lint                                # what OKR practice says about them"]
    if result.stale_unit:
        lines.append(f"  okrops history --stale                     # {result.stale_unit} stopped checking in")
    if result.pr_ref:
        lines.append(f"  okrops history {result.pr_ref}    # a value edited in a pull request")
    if result.red:
        lines.append(f"  okrops history {result.red[0]}    # a key result gone red")
    lines.append("  git log --graph --oneline | head -20       # check-ins are commits")
    if result.site is not None:
        lines += ["", f"The site is built in {result.site}. To browse it (links and search need a web server):",
                  f"  cd {shown} && OKROPS_TODAY={TODAY} okrops site serve      # then open http://127.0.0.1:8000/"]
    elif result.site_note:
        lines += ["", f"No site: {result.site_note}."]
    return "\n".join(lines)


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Create a demo OKR repository with check-ins.")
@click.argument("directory", required=False, default="okrops-demo", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Replace DIRECTORY if it already holds a demo repository.")
@click.option("--no-site", is_flag=True, help="Do not build the site.")
def demo(directory, force, no_site) -> None:
    """Create a demo OKR repository with a quarter of check-ins, then show where to look.

    Copies the example organisation into DIRECTORY (default: okrops-demo), commits it and
    replays weekly check-ins of 2026-Q4 up to 2026-11-25 by several people: some key results go
    red, one team stops checking in, and a target change arrives through a pull-request branch.
    The result is the same every time.

    \b
    Example:
        okrops demo
        cd okrops-demo && OKROPS_TODAY=2026-11-25 okrops status
    """
    from okrops import progress
    from okrops.cli.progress import terminal

    with progress.showing(terminal()):
        result = build(directory, force=force, site=not no_site, echo=click.echo)
    click.echo(hints(result))


COMMANDS = [demo]

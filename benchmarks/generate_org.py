"""Generate a synthetic, valid OKR repository of any size, for benchmarks.

The organisation is a company, its departments, their teams and the teams'
squads (four levels: the company and three levels of units below it, nested
as folders). Every unit has a ``unit.yaml`` and one ``<cycle>.yaml`` per
cycle with ``--objectives`` objectives of ``--key-results`` key results each.
Alignment points one level up within the same cycle: squads to their team's
objectives or key results, teams to their department's, departments to the
company's; the company's objectives name strategies from
``okrs/strategy.yaml``. Files carry comments, initiatives with milestones
(in some files) and KPIs (in some ``unit.yaml`` files), and are about the size
of hand-written ones (5 to 7 KB per cycle file at 4 x 4).

The output is deterministic: the same arguments (and ``--seed``) write
byte-identical files. It is written with plain string templates in the layout
okrops writes (mappings indented by 2, list items by 4 with the dash at 2), so
generating 3,000 files takes about a second.

Command line::

    python benchmarks/generate_org.py --units 1000 --objectives 4 --key-results 4 \\
        --cycles 2026-Q3,2026-Q4 benchmarks/out/org-1000

Library::

    from benchmarks.generate_org import generate      # or: sys.path.insert + import generate_org
    org = generate("benchmarks/out/org-100", units=100)
    org.root, org.okrs_dir, org.units, org.key_results, org.files

The generated repository passes ``okrops validate`` with no findings.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Optional, Sequence

GENERATOR_VERSION = 1  # bump when the output changes, so cached organisations are rebuilt

DEFAULT_CYCLES = ("2026-Q3", "2026-Q4")

DEPARTMENTS = [
    ("engineering", "eng", "Engineering"),
    ("product", "prod", "Product"),
    ("sales", "sales", "Sales"),
    ("marketing", "mkt", "Marketing"),
    ("customer-success", "cs", "Customer Success"),
    ("finance", "fin", "Finance"),
    ("people", "ppl", "People"),
    ("operations", "ops", "Operations"),
    ("data", "data", "Data"),
    ("security", "sec", "Security"),
    ("design", "dsn", "Design"),
    ("legal", "legal", "Legal"),
]
AREAS = [
    "payments", "checkout", "search", "platform", "mobile", "web", "identity", "billing", "onboarding",
    "growth", "analytics", "infra", "reliability", "catalog", "pricing", "partners", "messaging", "insights",
    "fulfilment", "support", "content", "ledger", "risk", "api", "devex", "storage", "network", "mail",
]
SQUADS = [
    "alpha", "bravo", "core", "edge", "flow", "forge", "harbor", "kite", "lumen", "nova", "orbit", "pulse",
    "quartz", "relay", "spark", "tide", "vector", "atlas", "beacon", "comet", "delta", "ember", "falcon",
]
SEGMENTS = ["enterprise", "mid-market", "self-serve", "partner", "mobile", "EU", "US", "APAC", "first-time", "returning"]
THINGS = ["checkout", "search", "login", "report export", "invoice run", "catalog sync", "payment capture",
          "dashboard load", "API write", "order lookup", "price quote", "onboarding wizard"]
FUNNELS = ["trial-to-paid", "visit-to-signup", "cart-to-order", "quote-to-close", "invite-to-active", "demo-to-trial"]
TOOLS = ["Grafana", "Looker", "Metabase", "Datadog", "Salesforce", "Amplitude", "Zendesk", "Tableau", "BigQuery"]
FIRST_NAMES = ["ana", "ben", "chen", "dana", "eli", "fatima", "goran", "hana", "ivan", "jon", "kemal", "lena",
               "maya", "nils", "omar", "priya", "quinn", "rosa", "sven", "tara", "uma", "viktor", "wen", "yusuf"]

STRATEGIES = [
    ("self-serve-growth", "Win small teams through a self-serve product",
     "Customers below 50 seats sign up, pay and grow without talking to sales. Rules out custom contracts for them."),
    ("enterprise-trust", "Become the safe choice for regulated enterprises",
     "Security, compliance and uptime good enough that a bank's procurement says yes in weeks, not quarters."),
    ("platform-leverage", "Turn the product into a platform partners build on",
     "Public APIs and a marketplace so partners solve the long tail of needs we will never build ourselves."),
    ("operational-excellence-lite", "Run the company on fewer, better processes",
     "Automate the recurring work of finance, people and operations so headcount grows slower than revenue."),
    ("international-expansion", "Grow outside the home market",
     "Localised product, payments and support for the EU and APAC; no new markets beyond these two regions."),
    ("data-driven-decisions", "Decide with data everyone trusts",
     "One governed metrics layer; every key result reads from it, and nobody argues about whose number is right."),
]

# (title template, metric template, unit, direction, (baseline low, baseline high), target factor, decimals, source)
KR_TEMPLATES = [
    ("Cut p95 {thing} latency from {b} ms to {t} ms", "p95 {thing} latency", "ms", "decrease", (300, 1200), 0.55, 0,
     "{tool}: {area} latency, p95"),
    ("Grow weekly active {segment} users from {b} to {t}", "weekly active {segment} users", "users", "increase",
     (800, 40000), 1.35, 0, "{tool}: WAU by segment"),
    ("Lift {funnel} conversion from {b}% to {t}%", "{funnel} conversion rate", "%", "increase", (2, 30), 1.3, 1,
     "{tool}: {funnel} funnel"),
    ("Reduce {thing} incidents from {b} to {t} per month", "{thing} incidents per month", "incidents", "decrease",
     (6, 40), 0.4, 0, "Incident tracker, sev 1-3"),
    ("Increase NPS of {segment} customers from {b} to {t}", "NPS of {segment} customers", "points", "increase",
     (5, 40), 1.4, 0, "Quarterly NPS survey ({tool})"),
    ("Bring monthly logo churn of {segment} customers down from {b}% to {t}%", "monthly logo churn, {segment}", "%",
     "decrease", (1, 6), 0.6, 2, "{tool}: monthly churn report"),
    ("Grow net revenue retention of {segment} accounts from {b}% to {t}%", "net revenue retention, {segment}", "%",
     "increase", (92, 112), 1.08, 1, "Finance close pack, NRR sheet"),
    ("Shorten time to first value for new {segment} customers from {b} days to {t} days",
     "median days from signup to first value, {segment}", "days", "decrease", (5, 40), 0.45, 0,
     "{tool}: activation cohorts"),
    ("Lift automated test coverage of {area} from {b}% to {t}%", "line coverage of {area}", "%", "increase",
     (35, 75), 1.25, 0, "CI coverage report, main branch"),
    ("Grow new ARR from {segment} deals from EUR {b}k to EUR {t}k per quarter", "new ARR, {segment}", "EUR k",
     "increase", (200, 3000), 1.3, 0, "{tool}: closed-won by quarter"),
    ("Cut the share of {area} deploys that need a rollback from {b}% to {t}%", "rollback rate of {area} deploys", "%",
     "decrease", (4, 18), 0.4, 1, "Deploy events in {tool}"),
    ("Shrink the backlog of {area} tickets older than 30 days from {b} to {t}", "open {area} tickets older than 30 days",
     "tickets", "decrease", (60, 400), 0.35, 0, "{tool}: {area} queue ageing"),
    ("Increase the share of {segment} invoices paid on time from {b}% to {t}%", "on-time payment rate, {segment}", "%",
     "increase", (60, 85), 1.12, 1, "Finance ledger, due invoices"),
    ("Grow monthly API calls from partner integrations from {b}M to {t}M", "monthly partner API calls", "M calls",
     "increase", (5, 300), 1.5, 1, "{tool}: API gateway usage"),
]
RANGE_TEMPLATE = ("Availability of {thing} stays between {lo}% and {hi}%", "monthly availability of {thing}", "%",
                  "Status page uptime export ({tool})")

OBJECTIVE_TEMPLATES = [
    "{Segment} customers get value in their first week",
    "{Thing} feels instant on every device",
    "Teams ship {area} changes without waiting on each other",
    "{Segment} buyers trust us with their most sensitive data",
    "Partners build on our {area} APIs instead of asking us for features",
    "Everyone reads the same {area} numbers and believes them",
    "{Segment} customers stay because the product keeps getting better",
    "Customers in new regions pay and get help in their own language",
    "The {area} platform absorbs twice the load at the same cost",
    "Support answers {segment} customers before they have to ask twice",
    "Finance closes the books in days, not weeks",
    "New colleagues in {area} ship to production in their first week",
    "Incidents in {area} are rare, short and never repeated",
    "{Segment} trials turn into paying teams on their own",
]
WHY_TEMPLATES = [
    "Our {segment} cohort is the fastest growing and the least profitable; {area} is where they drop off.",
    "Three of the last five lost deals named {area} as the reason, and the pipeline for next half depends on it.",
    "The {thing} flow is the first thing a customer touches; every second of delay costs us measurable conversion.",
    "We promised the board a platform others build on. Without {area} partners, that promise has no evidence.",
    "Every quarterly review this year ended in arguments about whose number was right; decisions waited.",
    "Support cost per {segment} customer grew twice as fast as revenue from them last half.",
]
INITIATIVE_TEMPLATES = [
    "Move {thing} to the new {area} service", "Instrument the {funnel} funnel end to end",
    "Rebuild the {segment} onboarding checklist", "Introduce canary deploys for {area}",
    "Localise {thing} for the EU and APAC", "Consolidate {area} dashboards into the metrics layer",
    "Automate the monthly {area} reconciliation", "Pilot a partner sandbox for {area} APIs",
]
KPI_TEMPLATES = [
    ("uptime", "Availability of {area} services", "%", 99.95, (99.9, 100.0), (99.5, 100.0)),
    ("tickets", "Open {area} tickets", "tickets", 42, (0, 60), (0, 120)),
    ("burn", "Monthly {area} cloud spend", "EUR k", 118, (0, 130), (0, 150)),
    ("headcount", "Filled {area} roles", "people", 11, (10, 14), (8, 16)),
    ("csat", "Support CSAT for {area}", "%", 91, (88, 100), (80, 100)),
    ("lead-time", "Lead time for {area} changes", "hours", 20, (0, 24), (0, 48)),
]
COMMENTS = [
    "agreed in the planning offsite", "see the dashboard link in the team wiki", "re-baselined after the data fix",
    "confidence dropped after the pricing change", "numbers from the last full week", "stretch, on purpose",
    "owner for the metric: data team", "double-check in the next check-in",
]


@dataclass
class UnitInfo:
    slug: str
    folder: str  # relative to okrs/
    name: str
    kind: str  # company, department, team, squad
    level: int  # 0: company
    parent: Optional[str]
    area: str
    children: list[str] = field(default_factory=list)


@dataclass
class GeneratedOrg:
    """What :func:`generate` wrote, for benchmarks that build on it (history, site)."""

    root: Path  # repository root (holds okrs/)
    okrs_dir: Path
    cycles: list[str]
    units: list[UnitInfo]  # company first, then breadth first
    key_results: list[str]  # every key result reference, <unit>/<cycle>/<objective>/<kr>
    objectives: list[str]
    files: list[Path]  # every YAML file written
    bytes_written: int = 0

    @property
    def cycle_files(self) -> list[Path]:
        return [f for f in self.files if f.name not in ("unit.yaml", "okrops.yaml", "strategy.yaml")]


# -- helpers ------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.;'()%/&+\-]*[A-Za-z0-9.)%]$")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def yq(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is unambiguous, double-quoted otherwise."""
    if _PLAIN.match(text) and ": " not in text and " #" not in text and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def num(value: float, decimals: int) -> str:
    if decimals == 0:
        return str(int(round(value)))
    return repr(round(float(value), decimals))


def cycle_dates(cycle: str) -> tuple[date, date, str]:
    """Start, end and display name of a cycle id: 2026-Q3, 2026-H2, FY2026 or 2026."""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", cycle)
    if m:
        year, q = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * q - 2, 1)
        end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
        return start, end, f"Q{q} {year}"
    m = re.fullmatch(r"(\d{4})-H([12])", cycle)
    if m:
        year, h = int(m.group(1)), int(m.group(2))
        start = date(year, 1 if h == 1 else 7, 1)
        end = date(year, 6, 30) if h == 1 else date(year, 12, 31)
        return start, end, f"H{h} {year}"
    m = re.fullmatch(r"(?:FY)?(\d{4})", cycle)
    if m:
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31), f"FY {year}"
    raise ValueError(f"cannot derive dates for cycle {cycle!r}: use YYYY-Qn, YYYY-Hn or FYyyyy")


def _readable(number: str) -> str:
    """A number as people write it in a title: 12,259 rather than 12259."""
    return f"{int(number):,}" if number.isdigit() else number


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, rng: random.Random, area: str, **extra) -> str:
    values = {
        "area": area,
        "segment": rng.choice(SEGMENTS),
        "thing": rng.choice(THINGS),
        "funnel": rng.choice(FUNNELS),
        "tool": rng.choice(TOOLS),
    }
    values.update(extra)
    values["Segment"] = _cap(values["segment"])
    values["Thing"] = _cap(values["thing"])
    return template.format(**values)


# -- the organisation tree ------------------------------------------------------


def build_units(total: int, rng: random.Random, company: str = "acme") -> list[UnitInfo]:
    """``total`` units: a company, departments, teams and squads, filled level by level."""
    if total < 1:
        raise ValueError("--units must be at least 1")
    branching = 1
    while 1 + branching + branching**2 + branching**3 < total:
        branching += 1
    units = [UnitInfo(company, company, "Acme Corporation", "company", 0, None, "company")]
    remaining = total - 1
    # Level sizes: as many departments and teams as the branching allows, squads for the rest.
    n_dept = min(remaining, branching)
    n_team = min(remaining - n_dept, branching * n_dept)
    n_squad = remaining - n_dept - n_team
    taken: set[str] = {company}

    def unique(slug: str) -> str:
        base, i = slug, 2
        while slug in taken:
            slug = f"{base}-{i}"
            i += 1
        taken.add(slug)
        return slug

    depts = []
    codes: dict[str, str] = {}  # department slug -> short code used in its teams' slugs
    for i in range(n_dept):
        slug, short, name = DEPARTMENTS[i % len(DEPARTMENTS)]
        if i >= len(DEPARTMENTS):
            slug, short, name = f"{slug}-{i // len(DEPARTMENTS) + 1}", f"{short}{i // len(DEPARTMENTS) + 1}", \
                f"{name} {i // len(DEPARTMENTS) + 1}"
        u = UnitInfo(unique(slug), "", name, "department", 1, company, name.lower())
        u.folder = f"{company}/{u.slug}"
        codes[u.slug] = short
        depts.append(u)
    teams = []
    for i in range(n_team):
        dept = depts[i % n_dept]
        area = AREAS[(i // n_dept + rng.randrange(len(AREAS))) % len(AREAS)]
        slug = unique(f"{codes[dept.slug]}-{area}")
        teams.append(UnitInfo(slug, f"{dept.folder}/{slug}", f"{dept.name} {_cap(area)}", "team", 2, dept.slug, area))
    squads = []
    for i in range(n_squad):
        team = teams[i % n_team]
        word = SQUADS[(i // n_team) % len(SQUADS)]
        slug = unique(f"{team.slug}-{word}")
        squads.append(UnitInfo(slug, f"{team.folder}/{slug}", f"{team.name} {_cap(word)}", "squad", 3, team.slug,
                               team.area))
    units += depts + teams + squads
    by_slug = {u.slug: u for u in units}
    for u in units[1:]:
        by_slug[u.parent].children.append(u.slug)
    return units


# -- file writers -------------------------------------------------------------------


def config_text(cycles: Sequence[str], n_objectives_total: int) -> str:
    lines = [
        "# okrops root configuration: the organisation, its cycles and its rhythm.",
        "# Synthetic organisation written by benchmarks/generate_org.py.",
        "organisation: Acme Corporation",
        "cycles:",
    ]
    for cycle in cycles:
        start, end, name = cycle_dates(cycle)
        lines += [f"  - id: {yq(cycle)}", f"    name: {yq(name)}", f"    start: {start.isoformat()}",
                  f"    end: {end.isoformat()}"]
    lines += [
        "checkins:",
        "  cadence_days: 7  # weekly check-ins",
        "scoring:",
        "  aspirational_target: 0.7",
        "  at_risk_gap: 0.1",
        "  off_track_gap: 0.25",
        "lint:",
        "  rules:",
        "    # A company this size has more objectives in flight than the default limit of 60.",
        "    objectives-in-flight:",
        f"      max: {max(60, int(n_objectives_total * 1.1))}",
        "    kr-no-data-source: warning",
        "site:",
        "  title: Acme OKRs",
        "  description: What every team at Acme is working towards, and how far it has got.",
        "  repo_url: https://git.example.com/acme/okrs",
    ]
    return "\n".join(lines) + "\n"


def strategy_text() -> str:
    lines = [
        "# The strategy every objective traces up to. Reviewed once a year by the leadership team.",
        "vision: Every small business runs its money on Acme, and never thinks about it.",
        "mission: >-",
        "  We build the payments and finance platform that small and mid-sized businesses",
        "  trust with their revenue, so they can spend their time on their customers.",
        "strategies:",
    ]
    for i, (sid, title, description) in enumerate(STRATEGIES):
        lines += [f"  - id: {sid}", f"    title: {yq(title)}", f"    description: {yq(description)}",
                  "    horizon:", f"      from: {2025 + i % 2}", f"      to: {2027 + i % 3}"]
    return "\n".join(lines) + "\n"


def unit_text(unit: UnitInfo, rng: random.Random) -> str:
    handle = rng.choice(FIRST_NAMES)
    lines = [f"# {unit.name}: {unit.kind}. Maintainers review every change to this unit's OKRs.",
             f"name: {yq(unit.name)}",
             f"kind: {unit.kind}",
             f"description: {yq(_cap(_unit_description(unit, rng)))}",
             "maintainers:",
             f"  - '@{handle}-{unit.slug}'",
             f"  - '@acme/{unit.slug}'"]
    if unit.kind in ("squad", "team") and rng.random() < 0.03:
        lines.append("visibility: private  # works on unannounced products")
    if rng.random() < 0.05:
        lines += ["lint:", "  rules:"]
        if rng.random() < 0.5:
            lines += ["    objectives-per-unit:", "      max: 6  # a new unit, still finding its focus"]
        else:
            lines += ["    kr-no-data-source: info"]
    if rng.random() < 0.3 or unit.kind in ("company", "department"):
        lines.append("kpis:")
        for kid, title, measure, current, healthy, warning in rng.sample(KPI_TEMPLATES, rng.randint(1, 3)):
            lines += [f"  - id: {kid}", f"    title: {yq(title.format(area=unit.area))}", f"    unit: {yq(measure)}",
                      f"    current: {current}", "    healthy:", f"      min: {healthy[0]}", f"      max: {healthy[1]}",
                      "    warning:", f"      min: {warning[0]}", f"      max: {warning[1]}",
                      f"    data_source: {yq(rng.choice(TOOLS) + ' KPI board, ' + unit.slug)}"]
    return "\n".join(lines) + "\n"


def _unit_description(unit: UnitInfo, rng: random.Random) -> str:
    if unit.kind == "company":
        return "the whole company; company objectives set direction for every department"
    return (f"{unit.kind} responsible for {unit.area} "
            f"{rng.choice(['for ' + s + ' customers' for s in SEGMENTS])}, "
            f"working from {rng.choice(['Berlin', 'Lisbon', 'Warsaw', 'Singapore', 'Austin', 'remote'])}")


def cycle_text(unit: UnitInfo, cycle: str, n_obj: int, n_kr: int, rng: random.Random, *,
               parent_krs: int, is_last_cycle: bool) -> tuple[str, list[str]]:
    """One unit's cycle file and the key result references in it."""
    start, end, cycle_name = cycle_dates(cycle)
    handle = rng.choice(FIRST_NAMES)
    lines = [f"# {unit.name}: OKRs for {cycle_name}.",
             f"# Drafted by @{handle} with the team; check in weekly with 'okrops checkin'.",
             "objectives:"]
    refs: list[str] = []
    for o in range(1, n_obj + 1):
        area = unit.area
        title = _fill(rng.choice(OBJECTIVE_TEMPLATES), rng, area)
        lines.append(f"  # --- O{o} ---" if rng.random() < 0.5 else f"  # O{o}: {rng.choice(COMMENTS)}")
        lines += [f"  - id: O{o}", f"    title: {yq(title)}"]
        why = _fill(rng.choice(WHY_TEMPLATES), rng, area)
        if rng.random() < 0.15:
            extra = _fill(rng.choice(WHY_TEMPLATES), rng, area)
            lines += ["    why: >-", f"      {why}", f"      {extra}"]
        else:
            lines.append(f"    why: {yq(why)}")
        lines.append(f"    type: {'aspirational' if rng.random() < 0.25 else 'committed'}")
        if rng.random() < 0.04:
            lines.append("    visibility: private")
        lines.append("    aligns_to:")
        if unit.parent is None or rng.random() < 0.3:
            picks = rng.sample([s[0] for s in STRATEGIES], rng.randint(1, 2))
            lines.append("      strategies:")
            lines += [f"        - {sid}" for sid in picks]
        if unit.parent is not None:
            target_o = rng.randint(1, n_obj)
            if parent_krs and rng.random() < 0.6:
                parent = f"{unit.parent}/{cycle}/O{target_o}/KR{rng.randint(1, parent_krs)}"
            else:
                parent = f"{unit.parent}/{cycle}/O{target_o}"
            lines.append(f"      parent: {parent}")
        if rng.random() < 0.1:
            lines.append(f"    x-jira-epic: {unit.area.upper()}-{rng.randint(100, 999)}")
        lines.append("    key_results:")
        for k in range(1, n_kr + 1):
            lines += _key_result(unit, k, rng, is_last_cycle)
            refs.append(f"{unit.slug}/{cycle}/O{o}/KR{k}")
        if not is_last_cycle and rng.random() < 0.2:
            lines += ["    reflection:", f"      score: {round(rng.uniform(0.3, 1.0), 2)}",
                      f"      decision: {rng.choice(['done', 'carry-over', 'rewrite', 'drop'])}",
                      f"      learnings: {yq(_fill('The {thing} metric moved late; we measure {area} weekly now.', rng, unit.area))}"]
    if n_kr and rng.random() < 0.3:
        lines.append("initiatives:")
        for i in range(1, rng.randint(1, 2) + 1):
            lines += [f"  - id: I{i}", f"    title: {yq(_fill(rng.choice(INITIATIVE_TEMPLATES), rng, unit.area))}",
                      f"    description: {yq(_fill('If {thing} gets simpler for {segment} customers, the key results move.', rng, unit.area))}",
                      "    key_results:"]
            krs = sorted({f"O{rng.randint(1, n_obj)}/KR{rng.randint(1, n_kr)}" for _ in range(2)})
            lines += [f"      - {ref}" for ref in krs]
            lines += ["    links:", f"      - https://jira.example.com/browse/{unit.area.upper()}-{rng.randint(100, 999)}",
                      "    milestones:"]
            days = (end - start).days
            for m, label in enumerate(["Design reviewed", "Beta with five customers", "Generally available"]):
                due = start + timedelta(days=int(days * (m + 1) / 4) + rng.randint(-5, 5))
                lines += [f"      - title: {label}", f"        due: {due.isoformat()}"]
                if m == 0 and rng.random() < 0.5:
                    lines.append("        done: true")
    return "\n".join(lines) + "\n", refs


def _key_result(unit: UnitInfo, k: int, rng: random.Random, past: bool) -> list[str]:
    pad = "        "
    if rng.random() < 0.01:  # the occasional KPI-like range key result
        title, metric, measure, source = RANGE_TEMPLATE
        thing, tool = rng.choice(THINGS), rng.choice(TOOLS)
        lo = rng.choice([99.5, 99.9, 99.95])
        return [f"      - id: KR{k}", f"{pad}title: {yq(title.format(thing=thing, lo=lo, hi=100))}",
                f"{pad}metric: {yq(metric.format(thing=thing))}", f"{pad}unit: '%'", f"{pad}direction: range",
                f"{pad}range:", f"{pad}  min: {lo}", f"{pad}  max: 100",
                f"{pad}current: {round(rng.uniform(lo, 100), 2)}", f"{pad}confidence: {round(rng.uniform(0.5, 0.95), 1)}",
                f"{pad}data_source: {yq(source.format(tool=tool))}"]
    title_t, metric_t, measure, direction, (lo, hi), factor, decimals, source_t = rng.choice(KR_TEMPLATES)
    baseline = rng.uniform(lo, hi)
    target = baseline * factor * rng.uniform(0.9, 1.1)
    if direction == "increase":
        target = max(target, baseline * 1.05)
    else:
        target = min(target, baseline * 0.95)
    b, t = num(baseline, decimals), num(target, decimals)
    if b == t:  # rounding made them equal: move the target one step
        step = 1 if decimals == 0 else 10 ** -decimals
        t = num(float(t) + (step if direction == "increase" else -step), decimals)
    shared = {"segment": rng.choice(SEGMENTS), "thing": rng.choice(THINGS), "funnel": rng.choice(FUNNELS),
              "tool": rng.choice(TOOLS)}
    title = _fill(title_t, rng, unit.area, b=_readable(b), t=_readable(t), **shared)
    metric = _fill(metric_t, rng, unit.area, **shared)
    source = _fill(source_t, rng, unit.area, **shared)
    progress = rng.uniform(0.2, 1.0) if past else rng.uniform(-0.05, 0.8)
    current = num(float(b) + (float(t) - float(b)) * progress, decimals)
    out = [f"      - id: KR{k}", f"{pad}title: {yq(title)}"]
    if rng.random() < 0.7:
        out.append(f"{pad}metric: {yq(metric)}")
    out.append(f"{pad}unit: {yq(measure)}" if measure != "%" else f"{pad}unit: '%'")
    if rng.random() < 0.35:
        out.append(f"{pad}direction: {direction}")
    out += [f"{pad}baseline: {b}", f"{pad}target: {t}"]
    if rng.random() < 0.92:
        comment = f"  # {rng.choice(COMMENTS)}" if rng.random() < 0.1 else ""
        out.append(f"{pad}current: {current}{comment}")
    if rng.random() < 0.85:
        out.append(f"{pad}confidence: {round(rng.uniform(0.2, 0.95), 1)}")
    out.append(f"{pad}data_source: {yq(source)}")
    if rng.random() < 0.15:
        out.append(f"{pad}weight: {rng.choice([0.5, 2, 1.5])}")
    return out


# -- driver -----------------------------------------------------------------------


def generate(out_dir: str | Path, units: int = 1000, objectives: int = 4, key_results: int = 4,
             cycles: Iterable[str] = DEFAULT_CYCLES, seed: int = 2026, company: str = "acme") -> GeneratedOrg:
    """Write a synthetic OKR repository to ``out_dir/okrs`` (replacing a generated one there)."""
    out = Path(out_dir)
    cycles = [c.strip() for c in cycles if c.strip()]
    if not cycles:
        raise ValueError("at least one cycle is needed")
    for c in cycles:
        cycle_dates(c)
    if objectives < 1 or key_results < 0:
        raise ValueError("--objectives must be at least 1 and --key-results at least 0")
    okrs = out / "okrs"
    if okrs.exists():
        if not (okrs / "okrops.yaml").is_file() and any(okrs.iterdir()):
            raise FileExistsError(f"{okrs} exists and is not an OKR repository; refusing to replace it")
        shutil.rmtree(okrs)
    okrs.mkdir(parents=True)
    rng = random.Random(seed)
    tree = build_units(units, rng, company)
    result = GeneratedOrg(out, okrs, list(cycles), tree, [], [], [])

    def write(rel: str, text: str) -> None:
        path = okrs / rel
        data = text.encode("utf-8")
        path.write_bytes(data)
        result.files.append(path)
        result.bytes_written += len(data)

    write("okrops.yaml", config_text(cycles, units * objectives * len(cycles)))
    write("strategy.yaml", strategy_text())
    for index, unit in enumerate(tree):
        (okrs / unit.folder).mkdir(parents=True, exist_ok=True)
        write(f"{unit.folder}/unit.yaml", unit_text(unit, rng))
        for c_index, cycle in enumerate(cycles):
            text, refs = cycle_text(unit, cycle, objectives, key_results, rng, parent_krs=key_results,
                                    is_last_cycle=c_index == len(cycles) - 1)
            write(f"{unit.folder}/{cycle}.yaml", text)
            result.key_results += refs
            result.objectives += [f"{unit.slug}/{cycle}/O{o}" for o in range(1, objectives + 1)]
    return result


def git_commit_all(root: str | Path, message: str = "Synthetic organisation from benchmarks/generate_org.py",
                   when: str = "2026-06-15T09:00:00+00:00") -> str:
    """Make ``root`` its own git repository (if it is not one yet) and commit everything in it.

    Keeps a generated organisation out of any repository it happens to sit in (okrops reads
    history with ``git log`` from the organisation's root). Returns the new commit's sha.
    """
    import os
    import subprocess

    root = Path(root)
    env = dict(os.environ, GIT_AUTHOR_NAME="Generator", GIT_AUTHOR_EMAIL="generator@example.com",
               GIT_COMMITTER_NAME="Generator", GIT_COMMITTER_EMAIL="generator@example.com",
               GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                              env=env).stdout.strip()

    if not (root / ".git").exists():
        git("init", "-q", "-b", "main")
    git("add", "-A", ".")
    git("commit", "-q", "--allow-empty", "-m", message)
    return git("rev-parse", "HEAD")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="number of units, company included (default 1000)")
    parser.add_argument("--objectives", type=int, default=4, help="objectives per unit and cycle (default 4)")
    parser.add_argument("--key-results", type=int, default=4, help="key results per objective (default 4)")
    parser.add_argument("--cycles", default=",".join(DEFAULT_CYCLES),
                        help="comma-separated cycle ids: YYYY-Qn, YYYY-Hn or FYyyyy (default %(default)s)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed; same seed, same bytes (default 2026)")
    parser.add_argument("--git", action="store_true", help="make OUT_DIR its own git repository and commit the files")
    parser.add_argument("out_dir", help="repository root to write; the organisation goes to OUT_DIR/okrs")
    args = parser.parse_args(argv)
    try:
        org = generate(args.out_dir, units=args.units, objectives=args.objectives, key_results=args.key_results,
                       cycles=args.cycles.split(","), seed=args.seed)
    except (ValueError, FileExistsError) as exc:
        parser.error(str(exc))
    if args.git:
        git_commit_all(org.root)
    cycle_files = org.cycle_files
    per_file = sum(f.stat().st_size for f in cycle_files) / max(1, len(cycle_files))
    levels = {}
    for u in org.units:
        levels[u.kind] = levels.get(u.kind, 0) + 1
    print(f"wrote {len(org.files)} files ({org.bytes_written / 1e6:.1f} MB) to {org.okrs_dir}: "
          + ", ".join(f"{n} {k}" for k, n in levels.items())
          + f"; {len(org.objectives)} objectives, {len(org.key_results)} key results; "
          f"cycle files {per_file / 1024:.1f} KB on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())

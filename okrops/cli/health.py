"""``okrops health``: is the OKR practice getting better, cycle after cycle?

The work is done in :mod:`okrops.health.measures` and :mod:`okrops.health.report`.
"""

from __future__ import annotations

import click

from okrops.cli.options import CONTEXT_SETTINGS, as_of_option, complete_cycles, complete_units, emit, today_option


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Show how well the OKR practice is kept up.")
@click.argument("unit", required=False, shell_complete=complete_units)
@click.option("--cycle", metavar="CYCLE", shell_complete=complete_cycles, help="Only this cycle (default: every cycle with OKRs).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text for people; json for other tools; markdown for reports.")
@click.option("--repo", "path", type=click.Path(exists=True, file_okay=False), help="The OKR repository (default: here).")
@today_option
@as_of_option
def health(unit, cycle, output_format, path, today, as_of) -> None:
    """Show how healthy the OKR practice is, per unit and for the organisation, cycle over cycle.

    \b
    system:    objectives aligned, key results that are outcomes (not tasks or KPIs), lint findings
    behaviour: the share of weeks each key result got a check-in; reflection decisions
               (done, carried over, rewritten, dropped)
    outcome:   scores of finished cycles, committed and aspirational apart (many aspirational at
               1.0 suggests sandbagging, many committed below 0.3 over-reach)

    With a UNIT: that unit and the units below it. Measured from the files and the check-in
    history; a running cycle shows its figures so far.

    \b
    Example:
        okrops health
        okrops health platform --format markdown
        okrops health --cycle 2026-Q3 --format json
    """
    from okrops.cli.check import _clean, validated_at
    from okrops import references
    from okrops.errors import UnknownReference
    from okrops.health import measures, report as render
    from okrops.lint import LintContext, lint
    from okrops.record import history

    with validated_at(path, as_of, today) as (result, when):
        org = _clean(result)
        if unit is not None and unit not in org.units:
            raise UnknownReference(references.unknown_unit(org, unit))
        if cycle is not None and cycle not in org.config.cycles:
            raise UnknownReference(references.unknown_cycle(org, cycle))
        ctx = LintContext(org, when, history.last_checkins(org))
        findings = lint(ctx)
        units = [u.slug for u, _d in org.walk(unit)] if unit else None
        found = measures.measure(org, when, history.read_history(org), findings, cycle, units, ctx.kr_shape)
    emit(render.render(found, output_format))


COMMANDS = [health]

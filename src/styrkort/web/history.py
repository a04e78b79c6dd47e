"""History in the web app (issue "years, not a year"): an indicator's earlier outcomes and
trend on its page, the trend per indicator on the overview, earlier periods of the same
organisation read from the database, and starting the next period (årsskifte).

The figures, trends and charts are the report's (report/history.py, render/charts.py): the
web shows what the report shows, in the same words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import connection, transaction

from styrkort.core.findings import Source
from styrkort.core.goals import Goal, Indicator
from styrkort.core.history import PastOutcome, merge_history, series
from styrkort.core.model import Workspace
from styrkort.core.rollover import Rollover, roll_over
from styrkort.core.values import parse_value
from styrkort.pipeline import PipelineResult
from styrkort.report import format as fmt
from styrkort.report import history as report_history
from styrkort.web import models as m

EarlierRow = tuple[str, int, str, str]


def earlier_rows(period: m.Period) -> tuple[EarlierRow, ...]:
    """Every earlier period's (indicator key, year, outcome, forecast), for the same
    organisation and kind of period: one query, whatever the number of years. The forecast
    only for an interim period (the history takes it there, ``earlier_outcomes``); "" for
    the others.

    A plain SELECT: web/assessment_cache reads these rows on every request (4 500 for nine
    years of 500 indicators), and the ORM's query building and a column more cost a third
    of that."""
    qn = connection.ops.quote_name
    ind, per = m.Indicator._meta, m.Period._meta

    def col(meta: Any, name: str) -> str:
        return qn(meta.get_field(name).column)

    forecast = f"i.{col(ind, 'forecast')}" if period.kind == "interim" else "''"
    sql = (
        f"SELECT i.{col(ind, 'key')}, p.{col(per, 'year')}, i.{col(ind, 'outcome')}, {forecast}"
        f" FROM {qn(ind.db_table)} i JOIN {qn(per.db_table)} p"
        f" ON p.{col(per, 'id')} = i.{col(ind, 'period')}"
        f" WHERE p.{col(per, 'organisation')} = %s AND p.{col(per, 'kind')} = %s"
        f" AND p.{col(per, 'year')} < %s ORDER BY p.{col(per, 'year')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.organisation_id, period.kind, period.year])
        return tuple(cursor.fetchall())


def earlier_outcomes(
    period: m.Period, rows: tuple[EarlierRow, ...] | None = None
) -> dict[str, list[PastOutcome]]:
    """Every earlier period's outcome per indicator key (``rows`` when already read)."""
    from styrkort.web.mapping import web_source

    out: dict[str, list[PastOutcome]] = {}
    interim = period.kind == "interim"
    sources: dict[str, Source] = {}
    for key, year, outcome, forecast in earlier_rows(period) if rows is None else rows:
        text = (forecast if interim and forecast.strip() else outcome).strip()
        if text:
            src = sources.get(key) or sources.setdefault(
                key, web_source("indikator", key, "historik")
            )
            out.setdefault(key, []).append(PastOutcome(year, text, src, "database"))
    return out


def with_earlier_periods(ws: Workspace, earlier: dict[str, list[PastOutcome]]) -> Workspace:
    """``ws`` with the database's earlier periods in each indicator's history; a value stored
    with the indicator itself (typed, or moved there at rollover) wins."""
    if not earlier:
        return ws

    def indicator(ind: Indicator) -> Indicator:
        found = earlier.get(ind.id)
        if not found:
            return ind
        return replace(ind, history=merge_history(found, ind.history))

    def goal(g: Goal) -> Goal:
        return replace(g, indicators=tuple(indicator(i) for i in g.indicators))

    return replace(ws, goals=tuple(goal(g) for g in ws.goals))


def indicator_history(result: PipelineResult, key: str) -> dict[str, Any] | None:
    """The indicator page's history: a table of years and outcomes, the trend, and the
    report's trend chart as a picture with its alternative text."""
    from styrkort.render import charts

    a = result.assessed
    if a is None:
        return None
    r = next((x for x in a.indicator_results() if x.indicator.id == key), None)
    if r is None or not r.indicator.history:
        return None
    year = a.workspace.period.year
    current = a.computed[key].text if key in a.computed else r.indicator.outcome
    rows = [
        {"year": y, "text": fmt.value(parse_value(t), t) if t else "—", "current": y == year}
        for y, t in series(r.indicator.history, year, current)
    ]
    charts_ = report_history.trend_charts(a, {k: v.text for k, v in a.computed.items()}, only=key)
    chart = charts_[0] if charts_ else None
    spec = r.indicator.kolada
    # the Kolada comparison as the report's goal table prints it (newest value, its year)
    comparisons = [
        {"name": name, "text": report_history.kolada_cell(a.workspace, spec, code).text}
        for code, name in (spec.compare if spec is not None else ())
    ]
    return {
        "rows": rows,
        "comparisons": comparisons,
        "trend": report_history.trend_text(r, year),
        "chart": charts.data_uri(chart, "svg") if chart is not None else "",
        "alt": chart.alt if chart is not None else "",
        "title": chart.title if chart is not None else "",
    }


def preview_next_period(result: PipelineResult) -> Rollover | None:
    """What "Starta nästa period" would create, before anything is stored."""
    a = result.assessed
    if a is None:
        return None
    return roll_over(a.workspace, a.workspace.period.year + 1, a.outcome_texts())


def start_next_period(period: m.Period, result: PipelineResult, user: Any) -> m.Period:
    """Store the next period of ``period``'s organisation; the old period is not changed.

    Refused (ValueError, Swedish) when the organisation already has a period of that year
    and kind."""
    from styrkort.web.mapping import store_workspace
    from styrkort.web.services import audit

    rolled = preview_next_period(result)
    if rolled is None:
        raise ValueError("Perioden kan inte läsas, så nästa period kan inte startas.")
    new_year = period.year + 1
    with transaction.atomic():
        if m.Period.objects.filter(
            organisation=period.organisation, year=new_year, kind=period.kind
        ).exists():
            raise ValueError(
                f"{period.organisation.name} har redan en period för {new_year}; den skapas inte igen."
            )
        new = store_workspace(rolled.workspace, period.organisation)
        audit(
            user,
            period.organisation,
            new,
            "starta period",
            f"period {new.title}",
            note=f"från {period.title}: utfallen {period.year} flyttade till historiken",
        )
    return new

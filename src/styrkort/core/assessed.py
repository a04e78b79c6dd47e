"""The whole workspace assessed: goal results, summary, statements and allocation in one value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from styrkort.core.activities import judge_goals
from styrkort.core.allocation import Allocation, split_result
from styrkort.core.assess import (
    GoalResult,
    IndicatorResult,
    Summary,
    assess_goal,
    assess_indicator,
    summarize,
)
from styrkort.core.finance import (
    ZERO,
    BoardResult,
    InvestmentStatement,
    OperatingStatement,
    board_result,
    investment_statement,
    operating_statement,
)
from styrkort.core.goals import Indicator
from styrkort.core.model import Workspace

THOUSAND = Decimal(1000)


def round_unit(amount: Decimal, unit: Decimal = THOUSAND) -> Decimal:
    """``amount`` in whole ``unit``s (tkr by default), half up (away from zero on .5)."""
    return (amount / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ComputedOutcome:
    """An outcome computed by a metric (or from the statements), with its definition."""

    text: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Assessed:
    workspace: Workspace
    goals: tuple[GoalResult, ...]
    summary: Summary
    operating: OperatingStatement | None
    investments: InvestmentStatement | None
    allocation: Allocation | None
    computed: Mapping[str, ComputedOutcome] = field(default_factory=dict)
    perspectives: tuple[Summary, ...] = ()
    """Counts and verdict per perspective (``Summary.perspective``), in the workspace's order."""
    board_result: BoardResult | None = None
    """The board's row in the municipality's operating statement (gross or net model, with the
    balanskrav adjustment, carried-forward results and varav parts); None without an operating
    statement. In an interim period: the full-year forecast when every row has one."""

    def indicator_results(self) -> list[IndicatorResult]:
        return [r for g in self.goals for r in g.indicators]

    def outcome_texts(self) -> dict[str, str]:
        """Each indicator's outcome as the period shows it, by id: the computed value, else the
        forecast in an interim period, else the written outcome (what history and rollover keep)."""
        interim = self.workspace.period.is_interim
        out = {
            r.indicator.id: (
                r.indicator.forecast
                if interim and r.indicator.forecast.strip()
                else r.indicator.outcome
            )
            for r in self.indicator_results()
        }
        out.update({k: v.text for k, v in self.computed.items()})
        return out


def _tkr_text(amount_kr: Decimal) -> str:
    value = amount_kr / THOUSAND
    return format(value.normalize(), "f").replace(".", ",") + " tkr"


def budget_outcome(
    indicator: Indicator, operating: OperatingStatement | None, *, interim: bool = False
) -> ComputedOutcome | None:
    """A budget indicator's outcome: the operating statement's net deviation (against the forecast in an interim period)."""
    if indicator.kind != "budget" or operating is None:
        return None
    forecast = operating.net.forecast
    if interim and forecast is not None:
        return ComputedOutcome(
            _tkr_text(operating.net.budget - forecast),
            "Avvikelse mot budget enligt helårsprognosen i driftredovisningen (budget − prognos, nettoresultat).",
        )
    return ComputedOutcome(
        _tkr_text(operating.net.deviation),
        "Avvikelse mot budget enligt driftredovisningen (budget − utfall, nettoresultat).",
    )


def judge_by_activities(ws: Workspace, results: list[GoalResult]) -> list[GoalResult]:
    """Goals with activities judged from them (core/activities.py); others unchanged."""
    f = ws.followup
    if not f.activities and not f.bases:
        return results
    return list(judge_goals(results, f.activities, f.bases, f.activity_rule, ws.settings.rule))


def assess_workspace(
    ws: Workspace, computed: Mapping[str, ComputedOutcome] | None = None
) -> Assessed:
    """Assess every indicator and goal, compute the statements and split the result.

    ``computed`` maps indicator ids to outcomes computed by metrics; a budget
    indicator without a written outcome takes the operating statement's
    deviation.
    """
    operating = operating_statement(ws.operating) if ws.operating else None
    investments = (
        investment_statement(
            ws.investments,
            ws.frames,
            total_label=ws.investment_total_label,
            total_label_source=ws.investment_total_label_source,
        )
        if ws.investments or ws.frames
        else None
    )
    outcomes: dict[str, ComputedOutcome] = dict(computed or {})
    rule = ws.settings.rule
    goal_results = []
    for goal in ws.goals:
        results = []
        for ind in goal.indicators:
            written = ind.forecast if ws.period.is_interim and ind.forecast.strip() else ind.outcome
            co = outcomes.get(ind.id)
            if co is None and not written.strip():
                co = budget_outcome(ind, operating, interim=ws.period.is_interim)
                if co is not None:
                    outcomes[ind.id] = co
            if co is not None:
                results.append(
                    assess_indicator(ind, rule, outcome_text=co.text, metric_note=co.note)
                )
            else:
                results.append(assess_indicator(ind, rule, outcome_text=written))
        goal_results.append(assess_goal(goal, results, rule))
    goal_results = judge_by_activities(ws, goal_results)
    summary = summarize(goal_results, rule)
    per_perspective = tuple(
        summarize([g for g in goal_results if g.goal.perspective == p.id], rule, p.id)
        for p in ws.perspectives
    )

    allocation = None
    key = ws.organisation.allocation_key
    if operating is not None and key is not None and key.weights and key.total > 0:
        # In an interim period the forecast result is what will be split at year end.
        forecast = operating.forecast_result if ws.period.is_interim else None
        result = forecast if forecast is not None else operating.result
        # whole kronor, or the finest place the amounts use (öre; more only from a source
        # that did not refuse it): the split is exact either way, never an exception
        exponent = result.normalize().as_tuple().exponent
        places = exponent if isinstance(exponent, int) and exponent < 0 else 0
        unit = Decimal(1).scaleb(min(places, -2) if places else 0)
        allocation = split_result(result, key, unit)
    return Assessed(
        ws,
        tuple(goal_results),
        summary,
        operating,
        investments,
        allocation,
        outcomes,
        per_perspective,
        _board_result(ws, operating),
    )


def _board_result(ws: Workspace, operating: OperatingStatement | None) -> BoardResult | None:
    """The board's result for the year. In an interim period the year's contribution is set
    against the full-year forecast (as the allocation splits it) when every row has one;
    otherwise against the outcome so far."""
    if operating is None:
        return None
    rows = operating.rows
    if ws.period.is_interim and rows and all(r.forecast is not None for r in rows):
        full_year = operating_statement(replace(r, outcome=r.forecast or ZERO) for r in rows)
        return board_result(full_year, ws.result_settings)
    return board_result(operating, ws.result_settings)

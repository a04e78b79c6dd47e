"""Rolling a period over to the next year (årsskifte): the next period's workspace from this
one, with this year's outcomes moved into history and everything written for this year
emptied. Pure: values in, values out; the command line and the web app write the result."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from styrkort.core.finance import (
    FramePart,
    InvestmentRow,
    OperatingRow,
    ResultSettings,
    board_result,
    operating_statement,
)
from styrkort.core.findings import Finding, info, warning
from styrkort.core.goals import Goal, Indicator
from styrkort.core.history import History, PastAmount, PastOutcome, merge_history
from styrkort.core.model import Period, PublishedClaims, Workspace
from styrkort.core.numbers import format_amount
from styrkort.core.targets import Change, Maintain, parse_target
from styrkort.core.values import Missing, parse_value

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Rollover:
    """The next period's workspace and what the controller must revise in it."""

    workspace: Workspace
    findings: tuple[Finding, ...]


def _shift(d: dt.date | None, years: int) -> dt.date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _years_in(text: str, old: int, new: int) -> str:
    return re.sub(rf"\b{old}\b", str(new), text)


def roll_over(ws: Workspace, year: int, outcomes: Mapping[str, str]) -> Rollover:
    """``ws`` rolled over to ``year``.

    ``outcomes`` are this period's outcomes as shown (computed ones included), by indicator
    id; each goes into the indicator's history. Organisation, goals, indicators, targets
    and metric definitions are kept; outcomes, forecasts, comments, manual assessments,
    written baselines and the narrative's text are emptied; the finance tables keep their
    rows with zero amounts, this year's outcomes moving into the finance history and
    multi-year frames carrying their accumulated outcome forward.
    """
    old = ws.period.year
    years = year - old
    findings: list[Finding] = []

    def indicator(ind: Indicator) -> Indicator:
        text = outcomes.get(ind.id, ind.outcome).strip()
        recorded = text and not isinstance(parse_value(text), Missing)
        past = (PastOutcome(old, text, ind.where("outcome")),) if recorded else ()
        history = merge_history(ind.history, past)
        target = parse_target(ind.target, ind.direction)
        if (
            isinstance(target, Change | Maintain)
            and target.baseline is not None
            and any(ch.isdigit() for ch in ind.target)
        ):
            findings.append(
                warning(
                    ind.where("target"),
                    "rollover.baseline",
                    f"'{ind.text}': målvärdet '{ind.target}' skrevs för {old} och utgår från "
                    f"{format_amount(target.baseline)}; {old} års utfall är "
                    f"{text if recorded else 'inte angivet'}.",
                    f"Skriv om målvärdet för {year}, t.ex. från utfallet {old}, eller skriv bara "
                    "'Öka'/'Minska' så jämförs det med föregående år.",
                )
            )
        if ind.baseline.strip():
            findings.append(
                info(
                    ind.where("baseline"),
                    "rollover.baseline",
                    f"'{ind.text}': utgångsvärdet {ind.baseline} togs bort; föregående års utfall "
                    "används i stället.",
                    "Ange ett nytt utgångsvärde (baseline) om målet ska mätas mot något annat.",
                )
            )
        return replace(
            ind,
            outcome="",
            forecast="",
            comment="",
            baseline="",
            manual=None,
            history=history,
        )

    def goal(g: Goal) -> Goal:
        return replace(
            g, comment="", manual=None, indicators=tuple(indicator(i) for i in g.indicators)
        )

    goals = tuple(goal(g) for g in ws.goals)
    h = ws.history
    operating_history = [
        *h.operating,
        *(PastAmount(r.category, old, r.outcome, r.source) for r in ws.operating),
    ]
    investment_history = [
        *h.investments,
        *(PastAmount(r.project, old, r.outcome, r.source) for r in ws.investments),
    ]
    operating = tuple(
        OperatingRow(r.category, r.kind, ZERO, ZERO, None, None, r.source) for r in ws.operating
    )
    investments = tuple(
        InvestmentRow(r.project, ZERO, ZERO, r.member, r.source) for r in ws.investments
    )
    frames = tuple(
        FramePart(f.project, f.member, f.frame, f.accumulated, ZERO, f.source) for f in ws.frames
    )
    p = ws.period
    period = Period(
        year,
        p.kind,
        _shift(p.start, years),
        _shift(p.end, years),
        _years_in(p.label, old, year),
        p.source,
    )
    narrative = tuple(replace(n, markdown="") for n in ws.narrative)
    history = History(
        operating=tuple(operating_history),
        investments=tuple(investment_history),
        kolada=h.kolada,
        columns=h.columns or History().columns,
        trend=True,
        workspaces=(),
        source=h.source,
    )
    new = replace(
        ws,
        period=period,
        title=_years_in(ws.title, old, year),
        goals=goals,
        operating=operating,
        investments=investments,
        frames=frames,
        investment_total_label=_years_in(ws.investment_total_label, old, year),
        narrative=narrative,
        claims=PublishedClaims(),
        history=history,
        result_settings=carried_result(ws, year, findings),
    )
    return Rollover(new, tuple(findings))


def _kr(value: Decimal) -> str:
    return f"{format_amount(value)} kr"


def carried_result(ws: Workspace, year: int, findings: list[Finding]) -> ResultSettings:
    """The next year's result settings: this year's utgående redovisat resultat (ingående +
    årets resultat − disposition) becomes the ingående; the disposition, the year's
    contribution and budgeted result, the balanskrav adjustment and the stated figures are
    emptied; the budget model and the varav parts' labels are kept."""
    rs = ws.result_settings
    old = ws.period.year
    closing: Decimal | None = None
    if rs.opening_result is not None:
        computed = (
            board_result(operating_statement(ws.operating), rs).closing_result
            if ws.operating
            else None
        )
        stated = rs.closing_result
        if computed is not None and stated is not None and stated != computed:
            findings.append(
                warning(
                    rs.where("closing_result"),
                    "rollover.closing_result",
                    f"Utgående redovisat resultat {old} anges till {_kr(stated)}, men ingående "
                    f"+ årets resultat − disposition = {_kr(computed)}; {year} års ingående "
                    f"resultat blir {_kr(computed)}.",
                    f"Rätta {old} års siffror om det angivna är rätt, och ange då ingående "
                    f"resultat för {year} för hand (finance: opening_result; 'Ingående "
                    "redovisat resultat' på skärmen Ekonomi).",
                )
            )
        closing = computed if computed is not None else stated
        if closing is None:
            findings.append(
                warning(
                    rs.where("opening_result"),
                    "rollover.carried_result",
                    f"{old} års utgående redovisade resultat kan inte räknas (driftredovisningen "
                    f"saknas och inget utgående resultat är angivet); {year} får inget ingående "
                    "resultat.",
                    f"Ange ingående redovisat resultat för {year} för hand (finance: "
                    "opening_result; 'Ingående redovisat resultat' på skärmen Ekonomi).",
                )
            )
        else:
            findings.append(
                info(
                    rs.where("opening_result"),
                    "rollover.carried_result",
                    f"Utgående redovisat resultat {old}, {_kr(closing)}, är ingående redovisat "
                    f"resultat {year}; dispositionen är tömd.",
                    "Ange årets disposition om fullmäktige beslutar om en.",
                )
            )
    return ResultSettings(
        model=rs.model,
        opening_result=closing,
        parts=tuple(
            replace(p, contribution=ZERO, revenues=ZERO, costs=ZERO, budget_result=ZERO)
            for p in rs.parts
        ),
        source=rs.source,
        sources=rs.sources,
    )

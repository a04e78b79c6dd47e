"""The one place where database rows and core values meet.

``workspace_of(period)`` builds the core ``Workspace`` that the pipeline
assesses and checks; ``store_workspace(ws, …)`` stores a core ``Workspace``
(read from a folder by ``sources.workspace``) as rows. Every value built here
carries a ``Source("web:<screen>/<key>/<field>")`` so a finding names the
screen and field to fix (see ``screen_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection

from styrkort.core.allocation import AllocationKey
from styrkort.core.assess import AssessmentRule
from styrkort.core.finance import (
    RESULT_WORDS,
    BudgetModel,
    FramePart,
    InvestmentRow,
    OperatingRow,
    ResultPart,
    ResultSettings,
    RowKind,
    SignConvention,
    amount_problem,
    unstorable_amounts,
)
from styrkort.core.findings import Source
from styrkort.core.followup import FollowUp
from styrkort.core.goals import (
    CouncilGoal,
    Goal,
    Indicator,
    ManualAssessment,
    MetricSpec,
    Perspective,
    Status,
)
from styrkort.core.history import History, KoladaSpec, KoladaValue, PastAmount, PastOutcome
from styrkort.core.model import (
    Member,
    NarrativeSection,
    Organisation,
    Period,
    PeriodKind,
    PublishedClaims,
    RoundingPolicy,
    Settings,
    Workspace,
)
from styrkort.core.values import Direction
from styrkort.sources.workspace import read_rule
from styrkort.sources.workspace_write import dump_yaml, perspectives_doc, rule_settings
from styrkort.web import mapping_followup
from styrkort.web import models as m

# Indicator field → the Swedish field name used in sources and on the screen (anchors "falt-<name>").
INDICATOR_FIELDS = {
    "text": "indikator",
    "unit": "enhet",
    "direction": "riktning",
    "baseline": "utgångsvärde",
    "target": "målvärde",
    "outcome": "utfall",
    "forecast": "prognos",
    "owner": "ägare",
    "comment": "kommentar",
    "assessment": "bedömning",
    "metric": "beräkning",
}


def web_source(screen: str, key: str = "", field: str = "", line: int | None = None) -> Source:
    path = "/".join(p for p in (screen, key, field) if p)
    return Source(f"web:{path}", line)


def screen_of(source: Source) -> tuple[str, str, str] | None:
    """(screen, key, field) of a ``web:`` source, or None for a file source."""
    if not source.file.startswith("web:"):
        return None
    parts = source.file[4:].split("/", 2)
    parts += [""] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def _manual(
    status: str, justification: str, by: str, date: str, source: Source
) -> ManualAssessment | None:
    parsed = Status.parse(status) if status else None
    if parsed is None:
        return None
    return ManualAssessment(parsed, justification, by, date, source)


def _metric(data: Any, source: Source) -> MetricSpec | None:
    if not isinstance(data, dict) or not data.get("name"):
        return None
    return MetricSpec(
        name=str(data.get("name", "")),
        file=str(data.get("file", "")),
        profile=str(data.get("profile", "")),
        params=tuple((str(k), str(v)) for k, v in data.get("params", [])),
        period=str(data.get("period", "")),
        source=source,
        history=tuple((int(y), str(f)) for y, f in data.get("history", [])),
    )


def indicator_value(row: m.Indicator) -> Indicator:
    src = web_source("indikator", row.key)
    return Indicator(
        id=row.key,
        text=row.text,
        unit=row.unit or None,
        direction=Direction(row.direction) if row.direction else None,
        baseline=row.baseline,
        target=row.target,
        outcome=row.outcome,
        forecast=row.forecast,
        owner=row.owner,
        comment=row.comment,
        kind=row.kind,
        manual=_manual(
            row.manual_status,
            row.manual_justification,
            row.manual_by,
            row.manual_date,
            web_source("indikator", row.key, "bedömning"),
        ),
        metric=_metric(row.metric, web_source("indikator", row.key, "beräkning")),
        source=src,
        sources={f: web_source("indikator", row.key, name) for f, name in INDICATOR_FIELDS.items()},
        history=history_value(row.history, row.key),
        kolada=kolada_value(row.kolada, row.key),
    )


@lru_cache(maxsize=64)
def _rule(document: str) -> AssessmentRule:
    """``Period.rule`` (YAML) read by the workspace reader's own rule reader.

    The document was written by ``rule_settings`` from a rule that was read without errors,
    so reading it again gives the same rule (tests/web/test_schema.py); the rule is a frozen
    value, so periods with the same rule share it.
    """
    rule, _findings = read_rule(document)
    return rule


def _settings(p: m.Period) -> Settings:
    return Settings(
        sign_convention=SignConvention(p.sign_convention),
        rounding=RoundingPolicy(p.rounding),
        rule=_rule(p.rule),
    )


def perspectives_value(data: Any) -> tuple[Perspective, ...]:
    return tuple(
        Perspective(str(p["id"]), str(p["title"]), web_source("perspektiv", str(p["id"])))
        for p in (data if isinstance(data, list) else [])
        if isinstance(p, dict)
    )


def _goal_counts(data: Any) -> tuple[tuple[Status, int], ...]:
    return tuple((Status(st), int(n)) for st, n in (data if isinstance(data, list) else []))


@dataclass
class PeriodRows:
    """The rows of one period, each table read once: the screens reuse them after ``workspace_of``.

    ``indicators`` are in the workspace's order (goal by goal, then their position), each with
    its ``goal`` already set, so a screen needs no second query for them. ``content`` is every
    column of every row as the database gave it (``fetch_rows``), as one string: what
    web/assessment_cache compares.
    """

    period: m.Period
    members: list[m.Member]
    goals: list[m.Goal]
    indicators: list[m.Indicator]
    council_goals: list[m.CouncilGoal]
    operating: list[m.OperatingRow]
    investments: list[m.InvestmentRow]
    frames: list[m.FramePart]
    narrative: list[m.NarrativeSection]
    content: str


# The tables of PeriodRows in its order: (model, the foreign key column it is read by); the
# members are the organisation's, the others the period's.
ROW_TABLES: tuple[tuple[Any, str], ...] = (
    (m.Member, "organisation_id"),
    (m.Goal, "period_id"),
    (m.Indicator, "period_id"),
    (m.CouncilGoal, "period_id"),
    (m.OperatingRow, "period_id"),
    (m.InvestmentRow, "period_id"),
    (m.FramePart, "period_id"),
    (m.NarrativeSection, "period_id"),
)
RawRows = tuple[list[tuple[Any, ...]], ...]


def fetch_rows(period: m.Period) -> RawRows:
    """Every column of every row of the period's tables (ROW_TABLES), as the database gives
    them: one plain ``SELECT <the model's columns> FROM <table> WHERE <column> = %s`` per
    table, no model instances. Building the same query through the ORM costs three times as
    much as running it, and a model instance per row several times more (the busiest screens
    read eight tables per request; web/assessment_cache builds instances only for content it
    has not seen). None of the tables has a binary column (whose value's ``repr`` would be
    an address, not its content)."""
    qn = connection.ops.quote_name
    out = []
    with connection.cursor() as cursor:
        for model, column in ROW_TABLES:
            columns = ", ".join(qn(f.column) for f in model._meta.concrete_fields)
            value = period.organisation_id if column == "organisation_id" else period.pk
            cursor.execute(
                f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {qn(column)} = %s",
                [value],
            )
            out.append(cursor.fetchall())
    return tuple(out)


def _instances(model: Any, raw: list[tuple[Any, ...]]) -> list[Any]:
    """Model instances of ``raw`` rows, with the fields' own conversions (as ``Model.objects.raw``
    does), sorted by (position, pk), the models' ``Meta.ordering``."""
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, found, col))
    names = [f.attname for f in fields]
    db = connection.alias
    out = []
    for values in raw:
        row = list(values)
        for i, found, col in converters:
            value = row[i]
            for convert in found:
                value = convert(value, col, connection)
            row[i] = value
        out.append(model.from_db(db, names, row))
    out.sort(key=lambda r: (r.position, r.pk))
    return out


def rows_from(period: m.Period, raw: RawRows, content: str | None = None) -> PeriodRows:
    """The period's rows as model instances, from ``fetch_rows``'s answer (``content``: its
    ``repr``, when the caller has made it already)."""
    members, goals, indicators, council, operating, investments, frames, narrative = (
        _instances(model, rows) for (model, _), rows in zip(ROW_TABLES, raw, strict=True)
    )
    by_goal: dict[int, list[m.Indicator]] = {g.pk: [] for g in goals}
    goal_of = {g.pk: g for g in goals}
    for ind in indicators:
        if ind.goal_id in goal_of:
            ind.goal = goal_of[ind.goal_id]  # the object already read, not another query
            by_goal[ind.goal_id].append(ind)
    return PeriodRows(
        period=period,
        members=members,
        goals=goals,
        indicators=[ind for g in goals for ind in by_goal[g.pk]],
        council_goals=council,
        operating=operating,
        investments=investments,
        frames=frames,
        narrative=narrative,
        content=repr(raw) if content is None else content,
    )


def load_rows(period: m.Period) -> PeriodRows:
    """One query per table of the period (and its organisation's members)."""
    return rows_from(period, fetch_rows(period))


def workspace_of(
    period: m.Period,
    rows: PeriodRows | None = None,
    *,
    earlier: dict[str, list[PastOutcome]] | None = None,
    followup: FollowUp | None = None,
) -> Workspace:
    """The core workspace for ``period``, as the pipeline and the workspace writer take it.

    ``rows`` are the period's rows when the caller has read them already (``load_rows``);
    ``earlier`` (web/history.earlier_outcomes) and ``followup`` likewise.
    """
    rows = rows or load_rows(period)
    org = period.organisation
    members = rows.members
    key = None
    if org.has_allocation_key:
        key = AllocationKey(
            tuple(
                (mb.key, Decimal(mb.weight).normalize()) for mb in members if mb.weight is not None
            ),
            org.allocation_basis,
            org.allocation_reference_date,
            org.allocation_decision,
            web_source("organisation", "", "fördelningsnyckel"),
        )
    organisation = Organisation(
        org.name,
        org.municipality,
        org.kind,
        org.host,
        tuple(
            Member(mb.key, mb.name, mb.code, web_source("organisation", mb.key)) for mb in members
        ),
        key,
        web_source("organisation"),
    )
    core_period = Period(
        period.year,
        PeriodKind(period.kind),
        period.start,
        period.end,
        period.label,
        web_source("period"),
    )
    indicators: dict[int, list[Indicator]] = {}
    for ind in rows.indicators:
        indicators.setdefault(ind.goal_id, []).append(indicator_value(ind))
    goals = tuple(
        Goal(
            id=g.key,
            title=g.title,
            council_goal=g.council_goal,
            indicators=tuple(indicators.get(g.pk, [])),
            comment=g.comment,
            manual=_manual(
                g.manual_status,
                g.manual_justification,
                g.manual_by,
                g.manual_date,
                web_source("mål", g.key, "bedömning"),
            ),
            source=web_source("mål", g.key),
            perspective=g.perspective,
            rule=g.rule,
        )
        for g in rows.goals
    )
    ws = Workspace(
        organisation=organisation,
        period=core_period,
        title=period.title,
        settings=_settings(period),
        council_goals=tuple(
            CouncilGoal(c.key, c.title, web_source("kf-mål", c.key)) for c in rows.council_goals
        ),
        goals=goals,
        perspectives=perspectives_value(period.perspectives),
        operating=tuple(
            OperatingRow(
                r.category,
                RowKind(r.kind),
                _d(r.budget),
                _d(r.outcome),
                _od(r.original_budget),
                _od(r.forecast),
                web_source("ekonomi", "drift", r.category),
            )
            for r in rows.operating
        ),
        investments=tuple(
            InvestmentRow(
                r.project,
                _d(r.budget),
                _d(r.outcome),
                r.member,
                web_source("ekonomi", "investeringar", r.project),
            )
            for r in rows.investments
        ),
        frames=tuple(
            FramePart(
                r.project,
                r.member,
                _d(r.frame),
                _d(r.earlier_outcome),
                _d(r.outcome),
                web_source("ekonomi", "ramar", f"{r.project}/{r.member}"),
            )
            for r in rows.frames
        ),
        investment_total_label=period.investment_total_label,
        investment_total_label_source=web_source("ekonomi", "investeringar", "summarad"),
        frames_note=period.frames_note,
        result_settings=result_settings_value(period),
        narrative=tuple(
            NarrativeSection(
                n.key, n.title, n.markdown, n.placement, web_source("berättelse", n.key, line=1)
            )
            for n in rows.narrative
        ),
        claims=PublishedClaims(
            period.summary_met,
            period.summary_partly,
            web_source("period", "", "publicerat"),
            period.published_verdict,
            _goal_counts(period.published_goals),
        ),
        history=period_history(period),
        word_template=period.word_template,
        assets=(
            {period.word_template: bytes(period.word_template_data)} if period.word_template else {}
        ),
        followup=mapping_followup.followup_of(period) if followup is None else followup,
    )
    # Earlier periods of the same organisation are the indicators' history, not retyped
    # (one query, whatever the number of years); a value stored with the indicator wins.
    from styrkort.web.history import earlier_outcomes, with_earlier_periods

    return with_earlier_periods(ws, earlier_outcomes(period) if earlier is None else earlier)


def _d(value: Any) -> Decimal:
    d = Decimal(value)
    return d.to_integral_value() if d == d.to_integral_value() else d.normalize()


def _od(value: Any) -> Decimal | None:
    return None if value is None else _d(value)


def _manual_fields(man: ManualAssessment | None) -> dict[str, str]:
    if man is None:
        return {"manual_status": "", "manual_justification": "", "manual_by": "", "manual_date": ""}
    return {
        "manual_status": man.status.value,
        "manual_justification": man.justification,
        "manual_by": man.by,
        "manual_date": man.date,
    }


def _metric_data(spec: MetricSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "name": spec.name,
        "file": spec.file,
        "profile": spec.profile,
        "params": [list(p) for p in spec.params],
        "period": spec.period,
        "history": [list(p) for p in spec.history],
    }


# --- history (core.history) as JSON on the indicator and the period ----------------------


def history_data(history: tuple[PastOutcome, ...]) -> list[list[Any]]:
    return [[p.year, p.text, p.origin] for p in history]


def history_value(data: Any, key: str) -> tuple[PastOutcome, ...]:
    src = web_source("indikator", key, "historik")
    out = []
    for item in data if isinstance(data, list) else []:
        year, text, origin = (list(item) + ["", "", ""])[:3]
        out.append(PastOutcome(int(year), str(text), src, str(origin)))
    return tuple(out)


def kolada_data(spec: KoladaSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {
        "kpi": spec.kpi,
        "municipality": spec.municipality,
        "compare": [list(c) for c in spec.compare],
        "gender": spec.gender,
    }


def kolada_value(data: Any, key: str) -> KoladaSpec | None:
    if not isinstance(data, dict) or not data.get("kpi"):
        return None
    return KoladaSpec(
        str(data["kpi"]),
        str(data.get("municipality", "")),
        tuple((str(c), str(n)) for c, n in data.get("compare", [])),
        str(data.get("gender", "T")),
        web_source("indikator", key, "kolada"),
    )


def _amounts_data(rows: tuple[PastAmount, ...]) -> list[list[Any]]:
    return [[p.key, p.year, str(p.outcome)] for p in rows]


def _amounts_value(data: Any, table: str) -> tuple[PastAmount, ...]:
    return tuple(
        PastAmount(str(k), int(y), _d(a), web_source("ekonomi", table, "historik"))
        for k, y, a in (data if isinstance(data, list) else [])
    )


def period_history(period: m.Period) -> History:
    return History(
        operating=_amounts_value(period.history_operating, "drift"),
        investments=_amounts_value(period.history_investments, "investeringar"),
        kolada=tuple(
            KoladaValue(
                str(v[0]),
                str(v[1]),
                int(v[2]),
                None if v[3] is None else Decimal(str(v[3])),
                str(v[4]),
                str(v[5]),
                web_source("period", "", "kolada"),
            )
            for v in (period.kolada_values if isinstance(period.kolada_values, list) else [])
        ),
        columns=period.history_columns,
        trend=period.history_trend,
        source=web_source("period", "", "historik"),
    )


def history_fields(h: History) -> dict[str, Any]:
    """The period's columns for ``h`` (earlier workspaces are read at import: their values
    are in the indicators' history and the finance history by then)."""
    return {
        "history_columns": h.columns,
        "history_trend": h.trend,
        "history_operating": _amounts_data(h.operating),
        "history_investments": _amounts_data(h.investments),
        "kolada_values": [
            [
                v.kpi,
                v.municipality,
                v.year,
                None if v.value is None else str(v.value),
                v.gender,
                v.status,
            ]
            for v in h.kolada
        ],
    }


RESULT_COLUMNS = {
    "contribution": "contribution",
    "budget_result": "budget_result",
    "balance_adjustment": "balance_adjustment",
    "opening_result": "opening_result",
    "disposition": "disposition",
    "closing_result": "stated_closing_result",
    "balance_result": "stated_balance_result",
}
"""``core.finance.ResultSettings`` field → ``Period`` column."""


def result_settings_value(period: m.Period) -> ResultSettings:
    """The period's budget model, balanskrav adjustment, carried results and varav parts."""
    amounts = {k: _od(getattr(period, col)) for k, col in RESULT_COLUMNS.items()}
    parts = period.result_parts if isinstance(period.result_parts, list) else []
    return ResultSettings(
        model=BudgetModel(period.finance_model or "gross"),
        contribution=amounts["contribution"],
        budget_result=amounts["budget_result"] or Decimal(0),
        balance_adjustment=amounts["balance_adjustment"],
        balance_adjustment_text=period.balance_adjustment_text,
        opening_result=amounts["opening_result"],
        disposition=amounts["disposition"],
        closing_result=amounts["closing_result"],
        balance_result=amounts["balance_result"],
        parts=tuple(
            ResultPart(
                str(p[0]),
                _d(p[1]),
                _d(p[2]),
                _d(p[3]),
                _d(p[4]),
                web_source("ekonomi", "resultat", str(p[0])),
            )
            for p in parts
        ),
        source=web_source("ekonomi", "resultat"),
        # the screen's own words for the fields (a finding names the field as the form does)
        sources={
            k: web_source("ekonomi", "resultat", RESULT_WORDS[k])
            for k in ("model", *RESULT_COLUMNS)
        },
    )


def result_settings_fields(r: ResultSettings) -> dict[str, Any]:
    """The period's columns for ``r`` (store_workspace, the Ekonomi screen, rollover)."""
    out: dict[str, Any] = {col: getattr(r, k) for k, col in RESULT_COLUMNS.items()}
    out["budget_result"] = r.budget_result if r.is_net else None
    out.update(
        finance_model=r.model.value,
        balance_adjustment_text=r.balance_adjustment_text,
        result_parts=[
            [p.label, str(p.contribution), str(p.revenues), str(p.costs), str(p.budget_result)]
            for p in r.parts
        ],
    )
    return out


class UnstorableAmount(ValueError):
    """An amount outside what the database stores exactly; the message is Swedish."""


def store_workspace(ws: Workspace, organisation: m.Organisation | None = None) -> m.Period:
    """Store ``ws`` as a new period (and organisation, unless one is given). Call inside a transaction.

    Raises :class:`UnstorableAmount` (before writing anything) when an amount does not fit
    the database exactly: such a period could not be read back."""
    bad = next(unstorable_amounts(ws.operating, ws.investments, ws.frames), None)
    if bad is not None:
        label, source, column, problem = bad
        where = f"{source.file}:{source.line}: " if source.file else ""
        raise UnstorableAmount(f"{where}'{label}', kolumnen {column}: {problem}")
    for name, at, value in ws.result_settings.amounts():
        if (trouble := amount_problem(value)) is not None:
            place = f"{at.file}:{at.line}: " if at.file else ""
            raise UnstorableAmount(f"{place}finance: {name}: {trouble}")
    o = ws.organisation
    weights = dict(o.allocation_key.weights) if o.allocation_key else {}
    key = o.allocation_key
    org_fields = {
        "name": o.name,
        "municipality": o.municipality,
        "kind": o.kind,
        "host": o.host,
        "has_allocation_key": key is not None,
        "allocation_basis": key.basis if key else "population",
        "allocation_reference_date": key.reference_date if key else "",
        "allocation_decision": key.decision if key else "",
    }
    if organisation is None:
        organisation = m.Organisation.objects.create(**org_fields)
    else:
        # The organisation (members, allocation key) is shared by its periods: the newest import wins.
        for k, v in org_fields.items():
            setattr(organisation, k, v)
        organisation.save()
        organisation.members.all().delete()
    for i, mb in enumerate(o.members):
        m.Member.objects.create(
            organisation=organisation,
            key=mb.id,
            name=mb.name,
            code=mb.code,
            weight=weights.get(mb.id),
            position=i,
        )
    p = ws.period
    s = ws.settings
    period = m.Period.objects.create(
        organisation=organisation,
        title=ws.title,
        year=p.year,
        kind=p.kind.value,
        start=p.start,
        end=p.end,
        label=p.label,
        sign_convention=s.sign_convention.value,
        rounding=s.rounding.value,
        rule=dump_yaml(rule_settings(s.rule)),
        perspectives=perspectives_doc(ws.perspectives),
        summary_met=ws.claims.summary_met,
        summary_partly=ws.claims.summary_partly,
        published_verdict=ws.claims.verdict_text,
        published_goals=[[st.value, n] for st, n in ws.claims.goal_counts],
        investment_total_label=ws.investment_total_label,
        frames_note=ws.frames_note,
        **result_settings_fields(ws.result_settings),
        **history_fields(ws.history),
        word_template=ws.word_template,
        word_template_data=ws.assets.get(ws.word_template, b"") if ws.word_template else b"",
    )
    m.CouncilGoal.objects.bulk_create(
        m.CouncilGoal(period=period, key=c.id, title=c.title, position=i)
        for i, c in enumerate(ws.council_goals)
    )
    for gi, g in enumerate(ws.goals):
        goal = m.Goal.objects.create(
            period=period,
            key=g.id,
            title=g.title,
            council_goal=g.council_goal,
            perspective=g.perspective,
            rule=g.rule,
            comment=g.comment,
            position=gi,
            **_manual_fields(g.manual),
        )
        m.Indicator.objects.bulk_create(
            m.Indicator(
                goal=goal,
                period=period,
                key=ind.id,
                text=ind.text,
                unit=ind.unit or "",
                direction=ind.direction.value if ind.direction else "",
                baseline=ind.baseline,
                target=ind.target,
                outcome=ind.outcome,
                forecast=ind.forecast,
                owner=ind.owner,
                comment=ind.comment,
                kind=ind.kind,
                metric=_metric_data(ind.metric),
                history=history_data(ind.history),
                kolada=kolada_data(ind.kolada),
                position=ii,
                **_manual_fields(ind.manual),
            )
            for ii, ind in enumerate(g.indicators)
        )
    m.OperatingRow.objects.bulk_create(
        m.OperatingRow(
            period=period,
            position=i,
            category=r.category,
            kind=r.kind.value,
            budget=r.budget,
            outcome=r.outcome,
            original_budget=r.original_budget,
            forecast=r.forecast,
        )
        for i, r in enumerate(ws.operating)
    )
    m.InvestmentRow.objects.bulk_create(
        m.InvestmentRow(
            period=period,
            position=i,
            project=r.project,
            member=r.member,
            budget=r.budget,
            outcome=r.outcome,
        )
        for i, r in enumerate(ws.investments)
    )
    m.FramePart.objects.bulk_create(
        m.FramePart(
            period=period,
            position=i,
            project=f.project,
            member=f.member,
            frame=f.frame,
            earlier_outcome=f.earlier_outcome,
            outcome=f.outcome,
        )
        for i, f in enumerate(ws.frames)
    )
    m.NarrativeSection.objects.bulk_create(
        m.NarrativeSection(
            period=period,
            key=n.id,
            title=n.title,
            markdown=n.markdown,
            placement=n.placement,
            position=i,
        )
        for i, n in enumerate(ws.narrative)
    )
    mapping_followup.store_followup(period, ws.followup)
    return period

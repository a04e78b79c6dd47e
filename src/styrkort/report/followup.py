"""Report parts beyond indicators: activities in the goal sections, council assignments, internal control.

Called from ``report.build`` with one-line hooks; pure like the rest of
``report``. Every sentence that states a count is generated from the same
values as the tables (core/assignments.py, core/internal_control.py).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from decimal import Decimal

from styrkort.core.activities import (
    Activity,
    ActivityStatus,
    GoalBasis,
    activities_of,
    basis_of,
    reason_words,
)
from styrkort.core.assess import GoalResult, GoalRule
from styrkort.core.assessed import Assessed
from styrkort.core.assignments import AssignmentStatus
from styrkort.core.assignments import counts as assignment_counts
from styrkort.core.assignments import summary_sentence as assignment_sentence
from styrkort.core.goals import Status
from styrkort.core.internal_control import (
    ControlResult,
    InternalControlPlan,
    result_counts,
    risk_matrix,
)
from styrkort.core.internal_control import summary_sentence as control_sentence
from styrkort.report.model import (
    Block,
    BulletList,
    Cell,
    Chart,
    Column,
    Paragraph,
    Row,
    Section,
    SubHeading,
    Table,
)
from styrkort.report.narrative import Figure


def _status(status: Status, manual: bool = False) -> Cell:
    text = status.label + (" (manuell bedömning)" if manual else "")
    return Cell(text, "status", status=status.value, symbol=status.symbol)


def _date(d: object) -> str:
    return d.isoformat() if d is not None and hasattr(d, "isoformat") else "—"


# --- activities in the goal sections ----------------------------------------------------------


def _activity_rule_lines(a: Assessed) -> list[str]:
    rule = a.workspace.settings.rule.goal_rule
    if isinstance(rule, GoalRule):
        return f.activity_rule.describe(rule) if (f := a.workspace.followup) else []
    return [
        "Aktiviteterna räknas som delar av målet enligt aktivitetsregeln och bedöms med "
        "nämndens regel för målen (se ovan)."
    ]


def rule_blocks(a: Assessed) -> list[Block]:
    """The activity rule, printed beside the indicator rule when any goal is judged from activities."""
    f = a.workspace.followup
    if not f.activities:
        return []
    return [
        Paragraph(
            "Mål som följs upp med aktiviteter bedöms efter samma princip, där varje aktivitet "
            "räknas som en del:",
            generated=True,
        ),
        BulletList(tuple(_activity_rule_lines(a)), True),
        Paragraph(
            "Ett mål som följs upp med både indikatorer och aktiviteter bedöms med alla delar "
            "tillsammans.",
            generated=True,
        ),
    ]


def summary_items(a: Assessed, sentences: MutableMapping[str, str]) -> list[str]:
    """The board goals' activities by status for the goal summary's list (``4 st aktiviteter är klara``)."""
    goals = {g.goal.id for g in a.goals}
    acts = [x for x in a.workspace.followup.activities if x.parent in goals]
    out = []
    for status in (
        ActivityStatus.DONE,
        ActivityStatus.ONGOING,
        ActivityStatus.LATE,
        ActivityStatus.NOT_STARTED,
        ActivityStatus.CANCELLED,
    ):
        n = sum(1 for x in acts if x.status is status)
        if n:
            noun = "aktivitet" if n == 1 else "aktiviteter"
            verb = (
                "pågår"
                if status is ActivityStatus.ONGOING
                else "är " + (status.value if n == 1 else status.plural)
            )
            text = f"{n} st {noun} {verb}"
            sentences[f"summary.aktiviteter.{status.name.lower()}"] = text
            out.append(text)
    return out


def activity_table(
    a: Assessed, caption: str, table_id: str, acts: Sequence[Activity], goal: GoalResult | None
) -> Table:
    """One goal's activities; with ``goal`` the last row is the goal's assessment (activities only)."""
    notes: list[str] = []
    rows = []
    for act in acts:
        mark = None
        if act.comment:
            notes.append(f"{act.title}: {act.comment}")
            mark = str(len(notes))
        done = "—" if act.completion is None else f"{act.completion} %"
        rows.append(
            Row(
                (
                    Cell(act.title, "label", note=mark),
                    Cell(act.owner or "—"),
                    Cell(_date(act.deadline)),
                    Cell(
                        done,
                        "value",
                        number=None if act.completion is None else Decimal(act.completion),
                    ),
                    Cell(
                        act.status.label,
                        "status",
                        status=act.status.value,
                        symbol=act.status.symbol,
                    ),
                )
            )
        )
    if goal is not None:
        rows.append(
            Row(
                (
                    Cell(f"Bedömning av nämndmålet{reason_words(goal.reason)}", "label"),
                    Cell(""),
                    Cell(""),
                    Cell(""),
                    _status(goal.status, goal.override is not None),
                ),
                kind="goal",
            )
        )
        if goal.override is not None:
            notes.append(f"Nämndmålet är manuellt bedömt: {goal.override.justification}")
    return Table(
        id=table_id,
        caption=caption,
        columns=(
            Column("Aktivitet"),
            Column("Ansvarig"),
            Column("Klart senast"),
            Column("Färdiggrad", "value"),
            Column("Status", "status"),
        ),
        rows=tuple(rows),
        notes=tuple(f"{i}. {n}" for i, n in enumerate(notes, 1)),
        kind="activities",
    )


def with_activities(a: Assessed, tables: Sequence[Block]) -> tuple[Block, ...]:
    """The goal tables with each goal's activities after it; a goal with activities only shows them instead.

    Activities under council goals follow at the end.
    """
    f = a.workspace.followup
    if not f.activities:
        return tuple(tables)
    by_id = {f"goal-{g.goal.id}": g for g in a.goals}
    out: list[Block] = []
    for t in tables:
        g = by_id.get(t.id) if isinstance(t, Table) else None
        own = activities_of(f.activities, g.goal.id) if g is not None else ()
        if g is None or not own:
            out.append(t)
            continue
        basis = basis_of(g.goal, own, f.bases.get(g.goal.id))
        if basis is GoalBasis.ACTIVITIES and not g.goal.indicators:
            out.append(
                activity_table(a, f"Nämndmål: {g.goal.title}", f"activities-{g.goal.id}", own, g)
            )
        else:
            out.append(t)
            counted = "" if basis is not GoalBasis.INDICATORS else " (ingår inte i bedömningen)"
            out.append(
                activity_table(
                    a, f"Aktiviteter{counted}: {g.goal.title}", f"activities-{g.goal.id}", own, None
                )
            )
    for c in a.workspace.council_goals:
        own = activities_of(f.activities, c.id)
        if own:
            out.append(
                activity_table(
                    a, f"Aktiviteter under KF-mål: {c.title}", f"activities-{c.id}", own, None
                )
            )
    return tuple(out)


def basis_words(a: Assessed) -> str:
    """What the goals are followed up by, for the summary sentence: indikatorerna, aktiviteterna or both."""
    f = a.workspace.followup
    has_ind = any(g.goal.indicators for g in a.goals)
    if not f.activities:
        return "indikatorerna"
    return "indikatorerna och aktiviteterna" if has_ind else "aktiviteterna"


# --- council assignments -------------------------------------------------------------------------


def assignments_section(
    a: Assessed, number: str, sentences: MutableMapping[str, str]
) -> Section | None:
    items = a.workspace.followup.assignments
    if not items:
        return None
    text = assignment_sentence(items)
    sentences["uppdrag.sammanfattning"] = text
    notes: list[str] = []
    rows = []
    for asg in items:
        mark = None
        if asg.comment:
            notes.append(f"{asg.text}: {asg.comment}")
            mark = str(len(notes))
        rows.append(
            Row(
                (
                    Cell(asg.text, "label", note=mark),
                    Cell(asg.decision.describe() or "—"),
                    Cell(asg.board or a.workspace.organisation.name),
                    Cell(_date(asg.deadline)),
                    Cell(
                        asg.status.label,
                        "status",
                        status=asg.status.value,
                        symbol=asg.status.symbol,
                    ),
                )
            )
        )
    table = Table(
        id="assignments",
        caption=f"Uppdrag från fullmäktige {a.workspace.period.year}",
        columns=(
            Column("Uppdrag"),
            Column("Beslut"),
            Column("Ansvarig nämnd"),
            Column("Klart senast"),
            Column("Status", "status"),
        ),
        rows=tuple(rows),
        notes=tuple(f"{i}. {n}" for i, n in enumerate(notes, 1)),
        kind="assignments",
    )
    blocks: list[Block] = [Paragraph(text, generated=True, key="uppdrag.sammanfattning"), table]
    return Section("uppdrag", number, "Uppdrag från fullmäktige", tuple(blocks))


# --- internal control ----------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def risk_matrix_chart(plan: InternalControlPlan) -> Chart:
    """The risk matrix as a chart: rows by probability (highest first), columns by consequence; each cell's level word."""
    scale = plan.scale
    cells = risk_matrix(plan)
    n_p = len(scale.probability)
    rows = []
    labels = []
    alt_parts = []
    for i, row in enumerate(cells):
        p = n_p - i
        rows.append((f"{p} {scale.probability[p - 1]}", tuple(Decimal(len(c)) for c in row)))
        labels.append(tuple(scale.level(p * (j + 1)).name for j in range(len(row))))
        for j, c in enumerate(row):
            if c:
                alt_parts.append(
                    f"sannolikhet {p} och konsekvens {j + 1} (riskvärde {p * (j + 1)}, "
                    f"{scale.level(p * (j + 1)).name}): {_plural(len(c), 'risk', 'risker')} "
                    f"({', '.join(r.title for r in c)})"
                )
    alt = (
        f"Riskmatris med sannolikhet 1–{n_p} (lodrätt) och konsekvens 1–{len(scale.consequence)} "
        f"(vågrätt); varje ruta visar risknivån i ord och antalet risker. "
        + ("; ".join(alt_parts) if alt_parts else "Inga risker är bedömda")
        + "."
    )
    return Chart(
        "risk-matrix",
        "risk_matrix",
        "Riskmatris: sannolikhet × konsekvens",
        alt,
        tuple(f"{j + 1} {c}" for j, c in enumerate(scale.consequence)),
        tuple(rows),
        "st",
        labels=tuple(labels),
    )


def risk_matrix_table(plan: InternalControlPlan) -> Table:
    scale = plan.scale
    n_p = len(scale.probability)
    rows = []
    for i, row in enumerate(risk_matrix(plan)):
        p = n_p - i
        cells = [Cell(f"{p} {scale.probability[p - 1]}", "label")]
        for j, c in enumerate(row):
            value = p * (j + 1)
            who = ", ".join(r.id for r in c)
            cells.append(
                Cell(
                    f"{scale.level(value).name.capitalize()} ({value})"
                    + (f": {who}" if who else ""),
                    number=Decimal(len(c)),
                )
            )
        rows.append(Row(tuple(cells)))
    return Table(
        id="risk-matrix",
        caption="Riskmatris (risknivå och riskvärde per ruta, med riskernas id)",
        columns=(
            Column("Sannolikhet \\ konsekvens"),
            *(Column(f"{j + 1} {c}") for j, c in enumerate(scale.consequence)),
        ),
        rows=tuple(rows),
        kind="risk_matrix",
    )


def _result_cell(result: ControlResult | None, light: bool = True) -> Cell:
    """The result by symbol and word, with the traffic-light word unless a column shows it."""
    if result is None:
        return Cell("Resultat saknas", "status", status="saknar resultat", symbol="?")
    text = f"{result.label} ({result.light})" if light else result.label
    return Cell(text, "status", status=result.value, symbol=result.symbol)


def internal_control_section(
    a: Assessed, number: str, sentences: MutableMapping[str, str]
) -> Section | None:
    plan = a.workspace.followup.internal_control
    if plan.is_empty:
        return None
    intro = (
        "Nämnden ska enligt kommunallagen 6 kap. 6 § se till att den interna kontrollen är "
        "tillräcklig. Internkontrollplanen bygger på en riskanalys: varje risk bedöms efter "
        "sannolikhet och konsekvens, och för de högsta riskerna väljs kontroller."
    )
    if plan.adopted:
        intro += f" Planen antogs av {plan.adopted}."
    summary = control_sentence(plan)
    sentences["internkontroll.sammanfattning"] = summary
    counts = result_counts(plan.controls)
    light_rows = [
        Row(
            (
                _result_cell(r, light=False),
                Cell(r.light.capitalize()),
                Cell(str(counts[r]), "value", number=Decimal(counts[r])),
            )
        )
        for r in ControlResult
    ]
    if counts[None]:
        light_rows.append(
            Row(
                (
                    _result_cell(None),
                    Cell("—"),
                    Cell(str(counts[None]), "value", number=Decimal(counts[None])),
                )
            )
        )
    lights = Table(
        id="control-summary",
        caption="Sammanställning av kontrollernas resultat",
        columns=(Column("Resultat", "status"), Column("Signal"), Column("Antal", "value")),
        rows=tuple(light_rows),
        kind="control_summary",
    )
    risk_rows = []
    for p in plan.processes:
        for r in p.risks:
            lvl = plan.scale.level(r.value).name
            risk_rows.append(
                Row(
                    (
                        Cell(f"{r.title} ({r.id})", "label"),
                        Cell(p.title),
                        Cell(str(r.probability), "value", number=Decimal(r.probability)),
                        Cell(str(r.consequence), "value", number=Decimal(r.consequence)),
                        Cell(f"{r.value} ({lvl})", "value", number=Decimal(r.value)),
                        Cell(
                            _plural(len(r.controls), "kontroll", "kontroller")
                            if r.controls
                            else "Ingen kontroll"
                        ),
                    )
                )
            )
    risks = Table(
        id="risks",
        caption="Riskanalys",
        columns=(
            Column("Risk"),
            Column("Process"),
            Column("Sannolikhet", "value"),
            Column("Konsekvens", "value"),
            Column("Riskvärde", "value"),
            Column("Kontroll"),
        ),
        rows=tuple(risk_rows),
        kind="risks",
    )
    notes: list[str] = []
    control_rows = []
    dev_rows = []
    for r in plan.risks:
        for c in r.controls:
            mark = None
            if c.comment:
                notes.append(f"{c.title}: {c.comment}")
                mark = str(len(notes))
            how = "; ".join(x for x in (c.method, c.frequency) if x) or "—"
            control_rows.append(
                Row(
                    (
                        Cell(c.title, "label", note=mark),
                        Cell(r.title),
                        Cell(how),
                        Cell(c.owner or "—"),
                        _result_cell(c.result),
                    )
                )
            )
            for d in c.deviations:
                dev_rows.append(
                    Row(
                        (
                            Cell(d.text, "label"),
                            Cell(c.title),
                            Cell(d.action or "Åtgärd saknas"),
                            Cell(d.owner or "—"),
                            Cell(_date(d.deadline)),
                        )
                    )
                )
    controls = Table(
        id="controls",
        caption="Kontroller och resultat",
        columns=(
            Column("Kontroll"),
            Column("Risk"),
            Column("Metod och frekvens"),
            Column("Ansvarig"),
            Column("Resultat", "status"),
        ),
        rows=tuple(control_rows),
        notes=tuple(f"{i}. {n}" for i, n in enumerate(notes, 1)),
        kind="controls",
    )
    blocks: list[Block] = [
        Paragraph(intro, generated=True),
        Paragraph(summary, generated=True, key="internkontroll.sammanfattning"),
        lights,
        SubHeading("Riskanalys"),
        Paragraph(plan.scale.describe(), generated=True),
        risk_matrix_chart(plan),
        risk_matrix_table(plan),
        risks,
        SubHeading("Kontroller"),
        controls,
    ]
    if dev_rows:
        blocks += [
            SubHeading("Avvikelser och åtgärder"),
            Table(
                id="deviations",
                caption="Avvikelser och åtgärder",
                columns=(
                    Column("Avvikelse"),
                    Column("Kontroll"),
                    Column("Åtgärd"),
                    Column("Ansvarig"),
                    Column("Klart senast"),
                ),
                rows=tuple(dev_rows),
                kind="deviations",
            ),
        ]
    return Section("intern-kontroll", number, "Intern kontroll", tuple(blocks))


def register_figures(a: Assessed, figures: MutableMapping[str, Figure]) -> None:
    """Live figures a narrative may embed: counts of assignments and the two summary sentences.

    Only for a workspace that has assignments or a plan, so others gain no figures.
    """
    f = a.workspace.followup
    if f.assignments:
        c = assignment_counts(f.assignments)
        figures["antal.uppdrag"] = Figure(str(len(f.assignments)), Decimal(len(f.assignments)))
        for status, key in (
            (AssignmentStatus.DONE, "genomforda"),
            (AssignmentStatus.ONGOING, "pagaende"),
            (AssignmentStatus.NOT_STARTED, "ej_paborjade"),
        ):
            figures[f"antal.uppdrag.{key}"] = Figure(str(c[status]), Decimal(c[status]))
        figures["uppdrag.sammanfattning"] = Figure(assignment_sentence(f.assignments))
    if not f.internal_control.is_empty:
        figures["internkontroll.sammanfattning"] = Figure(control_sentence(f.internal_control))


def sections(a: Assessed, first: int, sentences: MutableMapping[str, str]) -> list[Section]:
    """The sections after Ekonomi: ``1.<first>`` Uppdrag från fullmäktige, then Intern kontroll."""
    out = []
    number = first
    for build in (assignments_section, internal_control_section):
        s = build(a, f"1.{number}", sentences)
        if s is not None:
            out.append(s)
            number += 1
    return out

"""Build the report model from the assessed workspace: structure of the reference report (SPEC §7).

Every sentence that states a figure is generated here from the data, so the
text and the tables cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from styrkort.core.assess import PRESETS, GoalResult, IndicatorResult, Reason, Summary
from styrkort.core.assessed import Assessed, round_unit
from styrkort.core.finance import (
    RESULT_WORDS,
    Amounts,
    BoardResult,
    OperatingStatement,
    SignConvention,
    present,
)
from styrkort.core.findings import Finding, Source, sort_findings
from styrkort.core.goals import Status, counted, status_word
from styrkort.core.model import NarrativeSection, RoundingPolicy, Workspace
from styrkort.core.targets import Change, Maintain, Target, Threshold
from styrkort.core.values import Quantity
from styrkort.report import followup
from styrkort.report import format as fmt
from styrkort.report import history as hist
from styrkort.report.model import (
    Block,
    BulletList,
    Cell,
    Chart,
    Column,
    FindingView,
    Paragraph,
    Report,
    Row,
    Section,
    SubHeading,
    Table,
)
from styrkort.report.narrative import Figure, substitute, to_blocks
from styrkort.report.rounding import round_to_total

ZERO = Decimal(0)


def slug(text: str) -> str:
    """The name of a label inside a figure name: ``IT-INVEST. GEMENSAMT`` → ``it_invest_gemensamt``."""
    t = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


def _member_name(ws: Workspace, member_id: str) -> str:
    m = ws.organisation.member(member_id)
    return m.name if m else member_id


def _join(items: Sequence[str]) -> str:
    return ", ".join(items)


def _and_list(items: Sequence[str]) -> str:
    """``a``, ``a och b``, ``a, b och c``: a list as a controller writes it."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def indicator_count_phrase(status: Status, n: int) -> str:
    """``9 st bedöms uppnådda``, ``1 st bedöms uppnådd``, ``2 st saknar värde``, ``1 st är ej bedömd``."""
    if status is Status.NO_VALUE:
        return f"{n} st saknar värde"
    if status is Status.NOT_ASSESSED:
        return f"{n} st är {status_word(status, n)}"
    return f"{n} st bedöms {status_word(status, n)}"


def verdict_sentence(s: Summary, whose: str, goals_word: str = "nämndmålen") -> str:
    """``Av nämndens 3 mål är 1 uppnått och 2 delvis uppnådda. Vilket gör att nämndmålen uppnås delvis.``"""
    goal_counts = [
        f"{s.count(st, goals=True)} {status_word(st, s.count(st, goals=True), neuter=True)}"
        for st in Status
        if s.count(st, goals=True)
    ]
    goal_line = f"Av {whose} {s.goals} mål är {_and_list(goal_counts)}." if s.goals else ""
    if s.verdict is Status.NOT_ASSESSED:
        verdict = {
            Reason.TIE: "Enligt bedömningsregeln kan nämndmålen som helhet inte bedömas "
            "(lika många mål för som emot); en manuell bedömning behövs.",
            Reason.EMPTY: "Det finns inga nämndmål att bedöma.",
        }.get(
            s.verdict_reason,
            "Nämndmålen som helhet kan inte bedömas förrän de mål som är ej bedömda har avgjorts.",
        )
    else:
        verdict = {
            Status.MET: f"Vilket gör att {goals_word} uppnås.",
            Status.PARTLY: f"Vilket gör att {goals_word} uppnås delvis.",
            Status.NOT_MET: f"Vilket gör att {goals_word} inte uppnås.",
            Status.NO_VALUE: "",
        }[s.verdict]
    return f"{goal_line} {verdict}".strip()


class _Builder:
    def __init__(self, a: Assessed) -> None:
        self.a = a
        self.ws = a.workspace
        self.year = self.ws.period.year
        self.layout = hist.layout(self.ws)  # earlier-year and trend columns, once per report
        self.figures: dict[str, Figure] = {}
        self.sentences: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.lr = self.ws.settings.rounding is RoundingPolicy.LARGEST_REMAINDER
        self.outcome_column = f"Utfall {self.year}"  # "Prognos" in an interim period
        # Narrative sections wait in their place until every figure is known (``_resolve``).
        self.slots: dict[int, NarrativeSection] = {}

    # --- figures and sentences ---------------------------------------------------------

    def fig_tkr(self, name: str, tkr_value: Decimal) -> None:
        self.figures[name] = Figure(
            fmt.with_unit(fmt.tkr_value(tkr_value), "tkr"), tkr_value, "tkr"
        )

    def sentence(self, key: str, text: str) -> Paragraph:
        self.sentences[key] = text
        return Paragraph(text, generated=True, key=key)

    # --- 1.1 Måluppfyllelse ------------------------------------------------------------

    def goal_summary(self) -> list[Block]:
        s = self.a.summary
        org = self.ws.organisation.name
        verb = "uppnådde" if not self.ws.period.is_interim else "bedöms uppnå"
        blocks: list[Block] = [
            self.sentence("summary.intro", f"{org} {verb} {self.year} följande rörande nämndmålen;")
        ]
        items = []
        for status in Status:
            n = s.count(status)
            if n:
                items.append(indicator_count_phrase(status, n))
                self.sentences[f"summary.{status.name.lower()}"] = items[-1]
        items += followup.summary_items(self.a, self.sentences)
        blocks.append(BulletList(tuple(items), generated=True))
        blocks.append(self.sentence("summary.verdict", verdict_sentence(s, "nämndens")))
        basis = "helår" if not self.ws.period.is_interim else "helårsprognos"
        blocks.append(
            self.sentence(
                "summary.basis",
                f"Uppföljningen av målen baseras på {followup.basis_words(self.a)} som verksamheten "
                f"har gjort på {basis}.",
            )
        )
        return blocks

    def rule_blocks(self) -> list[Block]:
        """The rule in force, printed the way the reference report prints its own."""
        rule = self.ws.settings.rule
        preset = PRESETS.get(rule.preset)
        intro = "Bedömningen görs enligt principen nedan."
        if preset is not None and rule == preset.rule:
            intro = (
                f"Bedömningen görs enligt principen nedan ({preset.title.split(':')[0].lower()})."
            )
        blocks: list[Block] = [
            SubHeading("Bedömning av måluppfyllelse"),
            Paragraph(intro, generated=True),
            BulletList(tuple(rule.goal_rule.describe()), generated=True),
        ]
        for name, own in rule.goal_rules:
            titles = [g.title for g in self.ws.goals if g.rule == name]
            if not titles:
                continue
            blocks.append(
                Paragraph(
                    f"För {'nämndmålet' if len(titles) == 1 else 'nämndmålen'} "
                    f"{_and_list([f'”{t}”' for t in titles])} gäller en egen regel ({name}):",
                    generated=True,
                )
            )
            blocks.append(BulletList(tuple(own.describe()), generated=True))
        blocks.append(
            Paragraph(
                f"En indikator bedöms delvis uppnådd när målvärdet inte nås men {rule.tolerance.describe()}"
                + (":" if rule.tolerance.lines() else "."),
                generated=True,
            )
        )
        if rule.tolerance.lines():
            blocks.append(BulletList(tuple(rule.tolerance.lines()), generated=True))
        blocks.append(
            Paragraph(
                "Ett mål om förändring (Öka, Minska) nås vid varje förbättring från utgångsvärdet; "
                "anger det ett värde att nå bedöms det delvis uppnått när utfallet nått toleransens "
                "andel av vägen dit. En försämring bedöms aldrig som delvis uppnådd. "
                "En indikator utan målvärde kan inte bedömas.",
                generated=True,
            )
        )
        return blocks

    def status_cell(self, status: Status, manual: bool = False) -> Cell:
        text = status.label + (" (manuell bedömning)" if manual else "")
        return Cell(text, "status", status=status.value, symbol=status.symbol)

    def indicator_row(self, r: IndicatorResult, notes: list[str]) -> Row:
        ind = r.indicator
        marks = []
        if r.metric_note:
            notes.append(f"{ind.text}: {r.metric_note}")
            marks.append(str(len(notes)))
        if r.override is not None:
            notes.append(
                f"{ind.text}: manuellt bedömd som {r.override.status.value} (beräknat: {r.computed.value}). "
                f"Motivering: {r.override.justification}"
            )
            marks.append(str(len(notes)))
        if ind.comment:
            notes.append(f"{ind.text}: {ind.comment}")
            marks.append(str(len(notes)))
        if isinstance(r.target, Threshold) and r.target.reading:
            notes.append(f"{ind.text}: målvärdet tolkas som {r.target.reading}.")
            marks.append(str(len(notes)))
        number = r.outcome.value if isinstance(r.outcome, Quantity) else None
        outcome_text = fmt.value(r.outcome, ind.outcome)
        return Row(
            (
                Cell(ind.text, "label", note=",".join(marks) or None),
                *hist.history_cells(r, self.layout.years),
                Cell(outcome_text, "value", number=number),
                Cell(fmt.target_text(ind.target), "target"),
                self.status_cell(r.status, r.override is not None),
                *hist.trailing_cells(self.ws, r, self.layout),
            )
        )

    def goal_table(self, g: GoalResult, index: int) -> Table:
        notes: list[str] = []
        rows = [self.indicator_row(r, notes) for r in g.indicators]
        previous = [Cell("") for _ in self.layout.years]
        if not g.indicators:
            rows.append(
                Row(
                    (
                        Cell("Nämndmålet saknar indikatorer.", "label"),
                        *previous,
                        Cell("—"),
                        Cell("—"),
                        Cell(""),
                        *hist.empty_trailing(self.layout),
                    )
                )
            )
        reason = ""
        if g.reason is Reason.TIE:
            reason = " (lika många för som emot)"
        elif g.reason is Reason.EMPTY:
            reason = " (inga indikatorer)"
        elif g.reason is Reason.UNDECIDED:
            reason = " (beror på indikatorer som är ej bedömda)"
        rows.append(
            Row(
                (
                    Cell(f"Bedömning av nämndmålet{reason}", "label"),
                    *previous,
                    Cell(""),
                    Cell(""),
                    self.status_cell(g.status, g.override is not None),
                    *hist.empty_trailing(self.layout),
                ),
                kind="goal",
            )
        )
        if g.override is not None:
            notes.append(f"Nämndmålet är manuellt bedömt: {g.override.justification}")
        outcome_label = (
            f"Prognos {self.year}" if self.ws.period.is_interim else f"Utfall {self.year}"
        )
        return Table(
            id=f"goal-{g.goal.id}",
            caption=f"Nämndmål: {g.goal.title}",
            columns=(
                Column("Indikator"),
                *hist.history_columns(self.layout),
                Column(outcome_label, "value"),
                Column(f"Målvärde {self.year}", "target"),
                Column("Bedömning", "status"),
                *hist.trailing_columns(self.layout),
            ),
            rows=tuple(rows),
            notes=tuple(f"{i}. {n}" for i, n in enumerate(notes, 1)),
            kind="goal",
        )

    def status_chart(self) -> Chart:
        s = self.a.summary
        cats = tuple(st.label for st in Status)
        values = tuple(Decimal(s.count(st)) for st in Status)
        alt = (
            "Stapeldiagram över indikatorernas bedömning: "
            + _join([f"{st.value} {s.count(st)}" for st in Status])
            + "."
        )
        return Chart(
            "status-distribution",
            "status_distribution",
            "Indikatorernas bedömning",
            alt,
            cats,
            (("Antal indikatorer", values),),
            "st",
        )

    def indicator_charts(self) -> list[Chart]:
        """Each computed indicator's outcome against its target, one chart per unit."""
        by_unit: dict[str, list[tuple[str, Decimal, Decimal | None]]] = {}
        for g in self.a.goals:
            for r in g.indicators:
                if r.indicator.metric is None or not isinstance(r.outcome, Quantity):
                    continue
                unit = r.outcome.unit or ""
                by_unit.setdefault(unit, []).append(
                    (r.indicator.text, r.outcome.value, _target_point(r.target, unit))
                )
        outcome = "Prognos" if self.ws.period.is_interim else "Utfall"
        charts = []
        for unit, items in by_unit.items():
            shown = f" ({unit})" if unit else ""
            alt = (
                f"Stapeldiagram, {outcome.lower()} mot målvärde för de beräknade indikatorerna{shown}: "
                + "; ".join(
                    f"{text}: {outcome.lower()} {fmt.number(v, keep=True)}"
                    + (
                        f", målvärde {fmt.number(t, keep=True)}"
                        if t is not None
                        else ", inget målvärde"
                    )
                    for text, v, t in items
                )
                + "."
            )
            charts.append(
                Chart(
                    f"indicator-vs-target-{slug(unit.replace('%', 'procent')) or 'tal'}",
                    "indicator_vs_target",
                    f"Beräknade indikatorer: {outcome.lower()} mot målvärde{shown}",
                    alt,
                    tuple(text for text, _, _ in items),
                    (
                        (outcome, tuple(v for _, v, _ in items)),
                        ("Målvärde", tuple(t for _, _, t in items)),
                    ),
                    unit,
                )
            )
        return charts

    def section_goals(self) -> Section:
        blocks: list[Block] = self.goal_summary()
        blocks += [
            b
            for n in self.ws.narrative
            if n.placement == "maluppfyllelse"
            for b in self.narrative_blocks(n)
        ]
        blocks += self.rule_blocks()
        if self.a.summary.indicators:
            blocks.append(self.status_chart())
        blocks += self.indicator_charts()
        outcome_texts = {k: v.text for k, v in self.a.computed.items()}
        blocks += hist.trend_charts(self.a, outcome_texts)
        blocks += followup.rule_blocks(self.a)
        tables: tuple[Block, ...] = followup.with_activities(
            self.a,
            [
                self.goal_table(g, i)
                for i, g in enumerate(self.a.goals, 1)
                if g.goal.perspective not in {p.id for p in self.ws.perspectives}
            ],
        )
        children = self.perspective_sections()
        for g in self.a.goals:
            self.figures[f"mal.{g.goal.id}.bedomning"] = Figure(g.status.value)
            for r in g.indicators:
                base = f"indikator.{r.indicator.id}"
                self.figures[f"{base}.utfall"] = Figure(fmt.value(r.outcome, r.indicator.outcome))
                self.figures[f"{base}.malvarde"] = Figure(fmt.target_text(r.indicator.target))
                self.figures[f"{base}.bedomning"] = Figure(r.status.value)
        child = Section("namndmal", "1.1.1", "Nämndmål", tables, children)
        return Section("maluppfyllelse", "1.1", "Måluppfyllelse", tuple(blocks), (child,))

    def perspective_sections(self) -> tuple[Section, ...]:
        """One section per perspective: its counts, its verdict and its goal tables."""
        out = []
        summaries = {s.perspective: s for s in self.a.perspectives}
        for i, p in enumerate(self.ws.perspectives, 1):
            s = summaries[p.id]
            goals = [g for g in self.a.goals if g.goal.perspective == p.id]
            blocks: list[Block] = []
            if goals:
                items = [indicator_count_phrase(st, s.count(st)) for st in Status if s.count(st)]
                blocks.append(
                    self.sentence(
                        f"summary.perspective.{p.id}",
                        f"Perspektivet {p.title}: {counted(s.indicators, 'indikator', 'indikatorer')}, "
                        f"där {_and_list(items)}. "
                        + verdict_sentence(s, "perspektivets", "perspektivets nämndmål"),
                    )
                )
                blocks += [self.goal_table(g, 0) for g in goals]
            else:
                blocks.append(Paragraph("Perspektivet har inga nämndmål.", generated=True))
            out.append(Section(f"perspektiv-{p.id}", f"1.1.1.{i}", p.title, tuple(blocks)))
        return tuple(out)

    # --- narrative ---------------------------------------------------------------------

    def narrative_blocks(self, section: NarrativeSection) -> list[Block]:
        """A placeholder for ``section``: its live figures are filled in once the whole
        report, and so every figure, is built (``_resolve``)."""
        slot = Paragraph("", key=f"narrative:{section.id}")
        self.slots[id(slot)] = section
        return [slot]

    def _narrative(self, section: NarrativeSection) -> list[Block]:
        text, findings = substitute(section.markdown, self.figures, section.source)
        self.findings.extend(findings)
        blocks = list(to_blocks(text))
        if section.title and section.placement != "verksamhetsberattelse":
            blocks.insert(0, SubHeading(section.title))
        return blocks

    # --- 1.3 Ekonomi -------------------------------------------------------------------

    def _rounded_column(
        self, op: OperatingStatement, get: Callable[[Amounts], Decimal]
    ) -> list[Decimal]:
        """One amount column in tkr for revenues, their total, costs, their total and the net, by the rounding policy."""
        if not self.lr:
            values = [round_unit(get(r)) for r in op.revenues] + [
                round_unit(get(op.total_revenues))
            ]
            return (
                values
                + [round_unit(get(r)) for r in op.costs]
                + [round_unit(get(op.total_costs)), round_unit(get(op.net))]
            )
        net = round_unit(get(op.net))
        tr, tc = round_to_total([get(op.total_revenues), get(op.total_costs)], net)
        values = [*round_to_total([get(r) for r in op.revenues], tr), tr]
        return values + [*round_to_total([get(r) for r in op.costs], tc), tc, net]

    def operating_table(self, op: OperatingStatement) -> Table:
        """The operating statement; RKR R14 columns (original budget, changes) and the forecast when the data has them."""
        items: list[tuple[str, Amounts, str, Source | None]] = [
            (r.category, r, "body", r.source) for r in op.revenues
        ]
        items.append((op.total_revenues.label, op.total_revenues, "subtotal", None))
        items += [(r.category, r, "body", r.source) for r in op.costs]
        items.append((op.total_costs.label, op.total_costs, "subtotal", None))
        items.append((op.net.label, op.net, "total", None))
        convention = self.ws.settings.sign_convention

        def shown(v: Decimal) -> Decimal:
            return present(v, convention)

        has_original = all(r.original_budget is not None for r in op.rows) and bool(op.rows)
        has_forecast = (
            self.ws.period.is_interim
            and all(r.forecast is not None for r in op.rows)
            and bool(op.rows)
        )

        def opt(attr: str) -> Callable[[Amounts], Decimal]:
            return lambda x: getattr(x, attr) or ZERO

        budget = self._rounded_column(op, lambda x: x.budget)
        outcome = self._rounded_column(op, lambda x: x.outcome)
        original = self._rounded_column(op, opt("original_budget")) if has_original else []
        forecast = self._rounded_column(op, opt("forecast")) if has_forecast else []
        # The deviation compares the budget with the forecast in an interim period, else with the outcome.
        compared = forecast if has_forecast else outcome
        previous = self._previous_column(op) if hist.has_operating_history(self.ws) else []
        columns = [Column("Slagtext")]
        if previous:
            earlier = (
                re.sub(rf"\b{self.year}\b", str(self.year - 1), self.ws.period.title)
                if self.ws.period.is_interim
                else str(self.year - 1)
            )
            columns.append(Column(f"Utfall {earlier}", "amount", "tkr"))
        if has_original:
            columns += [
                Column(f"Ursprunglig budget {self.year}", "amount", "tkr"),
                Column("Budgetändring", "amount", "tkr"),
            ]
        columns.append(Column(f"Budget {self.year}", "amount", "tkr"))
        columns.append(
            Column(
                f"Utfall {self.ws.period.title}"
                if self.ws.period.is_interim
                else f"Utfall {self.year}",
                "amount",
                "tkr",
            )
        )
        if has_forecast:
            columns.append(Column(f"Prognos {self.year}", "amount", "tkr"))
        columns.append(
            Column("Avvikelse mot prognos" if has_forecast else "Avvikelse", "amount", "tkr")
        )
        if previous:
            columns.append(Column(f"Förändring mot {self.year - 1}", "amount", "tkr"))

        def amount(v: Decimal) -> Cell:
            return Cell(fmt.tkr_value(v), "amount", number=v)

        rows = []
        for i, (label, obj, kind, source) in enumerate(items):
            b, o, c = budget[i], outcome[i], compared[i]
            if self.lr or has_forecast:
                dev = b - c
            else:
                dev = round_unit(obj.deviation)
            key = f"drift.{slug(label)}"
            self.fig_tkr(f"{key}.budget", shown(b))
            self.fig_tkr(f"{key}.utfall", shown(o))
            self.fig_tkr(f"{key}.avvikelse", dev)
            cells = [Cell(label, "label")]
            before = previous[i] if previous else None
            if previous:
                cells.append(amount(shown(before)) if before is not None else Cell("—", "amount"))
            if has_original:
                cells += [amount(shown(original[i])), amount(shown(b - original[i]))]
            cells += [amount(shown(b)), amount(shown(o))]
            if has_forecast:
                self.fig_tkr(f"{key}.prognos", shown(forecast[i]))
                cells.append(amount(shown(forecast[i])))
            cells.append(amount(dev))
            if previous:
                cells.append(
                    amount(shown(o) - shown(before)) if before is not None else Cell("—", "amount")
                )
            rows.append(
                Row(
                    tuple(cells),
                    kind="body"
                    if kind == "body"
                    else ("subtotal" if kind == "subtotal" else "total"),
                    source=source,
                )
            )
        notes = [self.rounding_note()]
        if convention is SignConvention.LEDGER:
            notes.append(
                "Tecken som i huvudboken: kostnader positiva, intäkter negativa. Avvikelse = budget − utfall; positiv avvikelse är gynnsam."
            )
        else:
            notes.append(
                "Intäkter positiva, kostnader negativa. Avvikelse = budget − utfall i huvudbokens tecken; positiv avvikelse är gynnsam."
            )
        return Table(
            "driftredovisning",
            "Driftredovisning",
            tuple(columns),
            tuple(rows),
            unit="tkr",
            notes=tuple(notes),
            kind="operating",
        )

    def _previous_column(self, op: OperatingStatement) -> list[Decimal | None]:
        """Last year's outcome per row in tkr, in the rows' order, rounded by the table's
        policy; a total is left empty when one of its rows has no earlier outcome."""
        last = self.year - 1

        def one(category: str) -> Decimal | None:
            return self.ws.history.operating_outcome(category, last)

        def total(values: list[Decimal | None]) -> Decimal | None:
            present_values = [v for v in values if v is not None]
            return sum(present_values, ZERO) if len(present_values) == len(values) else None

        revenues = [one(r.category) for r in op.revenues]
        costs = [one(r.category) for r in op.costs]
        tr, tc = total(revenues), total(costs)
        net = None if tr is None or tc is None else tr + tc
        if net is not None:
            exact: dict[int, Decimal] = {
                id(r): v
                for r, v in zip([*op.revenues, *op.costs], [*revenues, *costs], strict=True)
                if v is not None
            }
            exact.update({id(op.total_revenues): tr, id(op.total_costs): tc, id(op.net): net})  # type: ignore[dict-item]
            return list(self._rounded_column(op, lambda x: exact[id(x)]))
        return [None if v is None else round_unit(v) for v in [*revenues, tr, *costs, tc, net]]

    def rounding_note(self) -> str:
        if self.lr:
            return "Beloppen avrundas till tkr med största-restmetoden så att raderna summerar exakt till de avrundade summorna."
        return "Varje belopp avrundas till tkr från sitt exakta värde; en summa kan därför avvika med någon tkr från summan av de avrundade raderna."

    def operating_chart(self, op: OperatingStatement) -> Chart:
        cats = tuple(r.category for r in op.costs)
        budget = tuple(round_unit(r.budget) for r in op.costs)
        outcome = tuple(round_unit(r.outcome) for r in op.costs)
        alt = (
            "Stapeldiagram, budget och utfall per kostnadsslag i tkr: "
            + _join(
                [
                    f"{r.category} budget {fmt.tkr(r.budget)}, utfall {fmt.tkr(r.outcome)}"
                    for r in op.costs
                ]
            )
            + "."
        )
        return Chart(
            "budget-vs-outcome",
            "budget_vs_outcome",
            f"Budget och utfall per kostnadsslag {self.year}",
            alt,
            cats,
            (("Budget", budget), ("Utfall", outcome)),
            "tkr",
        )

    def result_blocks(self, op: OperatingStatement) -> list[Block]:
        org = self.ws.organisation
        b = self.a.board_result
        net = b is not None and b.net_model
        # nettoram: the contribution is not in the operating statement; the result counts it
        contribution = b.contribution if b is not None and net else ZERO
        interim = self.ws.period.is_interim
        # a year's contribution counts against a year's outcome: the full-year forecast, not the
        # outcome so far of an interim period
        result = op.result + (ZERO if interim else contribution)

        def outcome_words(amount_kr: Decimal) -> str:
            if round_unit(amount_kr) == 0:
                return "ett nollresultat"
            word = "ett överskott" if amount_kr > 0 else "ett underskott"
            return f"{word} med {fmt.with_unit(fmt.tkr(abs(amount_kr)), 'tkr')}"

        whose = f"Periodens resultat ({self.ws.period.title})" if interim else "Årets resultat"
        self.fig_tkr("resultat", round_unit(result))
        blocks: list[Block] = (
            []  # nettoram: the outcome so far has no contribution to set against it
            if interim and net
            else [self.sentence("result", f"{whose} för {org.name} visar {outcome_words(result)}.")]
        )
        forecast = op.forecast_result if interim else None
        if forecast is not None:
            forecast += contribution
            self.fig_tkr("prognos.resultat", round_unit(forecast))
            blocks.append(
                self.sentence(
                    "result.forecast",
                    f"Prognosen för helåret {self.year} är {outcome_words(forecast)}.",
                )
            )
            result = forecast
        al = self.a.allocation
        if al is not None and org.members:
            blocks.append(
                self.sentence(
                    "allocation.intro",
                    "Nämnden budgeteras och redovisas som en enhet, där eventuellt över- eller underskott "
                    "fördelas mellan medlemskommunerna.",
                )
            )
            what = "underskottet" if result < 0 else "överskottet"
            if forecast is not None:
                what = "det prognostiserade " + what
            parts_tkr = round_to_total([v for _, v in al.parts], round_unit(al.result))
            names = [_member_name(self.ws, m) for m, _ in al.parts]
            key = al.key
            basis = (
                f"folkmängd {key.reference_date}"
                if key.basis == "population"
                else "överenskomna andelar"
            )
            blocks.append(
                self.sentence(
                    "allocation.basis",
                    f"Fördelningen av {what} {self.year} görs efter {basis} och blir enligt följande:",
                )
            )
            listing = _join(
                [
                    f"{n} {fmt.with_unit(fmt.tkr_value(abs(t)), 'tkr')}"
                    for n, t in zip(names, parts_tkr, strict=True)
                ]
            )
            blocks.append(self.sentence("allocation", listing))
            for (m, _), t in zip(al.parts, parts_tkr, strict=True):
                self.fig_tkr(f"fordelning.{m}", t)
            rows = []
            for (m, w), (_, _part), t in zip(key.weights, al.parts, parts_tkr, strict=True):
                share = w / key.total
                rows.append(
                    Row(
                        (
                            Cell(_member_name(self.ws, m), "label"),
                            Cell(fmt.number(w), "amount", number=w),
                            Cell(
                                fmt.with_unit(fmt.number(share * 100, 2), "%"),
                                "amount",
                                number=share,
                            ),
                            Cell(fmt.tkr_value(t), "amount", number=t),
                        )
                    )
                )
            rows.append(
                Row(
                    (
                        Cell("Summa", "label"),
                        Cell(fmt.number(key.total), "amount", number=key.total),
                        Cell(fmt.with_unit("100,00", "%"), "amount", number=Decimal(1)),
                        Cell(
                            fmt.tkr_value(round_unit(al.result)),
                            "amount",
                            number=round_unit(al.result),
                        ),
                    ),
                    kind="total",
                )
            )
            weight_label = "Folkmängd" if key.basis == "population" else "Andel (överenskommen)"
            notes = [
                f"Fördelningsnyckel: {basis}"
                + (f"; beslut: {key.decision}" if key.decision else "")
                + "."
            ]
            notes.append(
                "Delarna avrundas med största-restmetoden så att de summerar exakt till resultatet."
            )
            blocks.append(
                Table(
                    "fordelning",
                    (
                        "Fördelning av prognostiserat resultat"
                        if forecast is not None
                        else "Fördelning av årets resultat"
                    )
                    + f" mellan medlemskommunerna {self.year}",
                    (
                        Column("Medlemskommun"),
                        Column(weight_label, "amount"),
                        Column("Andel", "amount", "%"),
                        Column("Resultat", "amount", "tkr"),
                    ),
                    tuple(rows),
                    unit="tkr",
                    notes=tuple(notes),
                    kind="allocation",
                )
            )
        return blocks

    # The board's result beyond the operating statement (core.finance.BoardResult): the net
    # model's contribution, the balanskrav rows, the results carried forward. Printed signs
    # as the municipality's table prints them: contribution and revenues positive, costs
    # negative, a surplus positive; so every table adds up down its rows.

    def _tkr_rows(self, exact: Sequence[Decimal], total: Decimal) -> list[Decimal]:
        """``exact`` kronor in tkr by the rounding policy, summing to ``total`` (exact) under
        largest remainder; each from its own exact value otherwise."""
        if self.lr:
            return round_to_total(list(exact), round_unit(total))
        return [round_unit(v) for v in exact]

    def board_result_blocks(self, op: OperatingStatement) -> list[Block]:
        b = self.a.board_result
        if b is None:
            return []
        self.outcome_column = f"Utfall {self.year}"
        if self.ws.period.is_interim:
            # A year's contribution against part of a year's outcome says nothing: an interim
            # report prints the full-year forecast (core's board_result then is the forecast),
            # or nothing when the statement has none.
            if op.net.forecast is None:
                return []
            self.outcome_column = f"Prognos {self.year}"
        blocks: list[Block] = []
        if b.net_model:
            blocks += self.contribution_blocks(op, b)
        if b.balance_adjustment is not None:
            blocks += self.balance_blocks(b)
        if b.opening_result is not None:
            blocks += self.transfer_blocks(b)
        return blocks

    def contribution_blocks(self, op: OperatingStatement, b: BoardResult) -> list[Block]:
        """Nettoram: the result against the contribution (kommunbidrag) and the budgeted result."""
        budget_rows = [b.contribution, -op.total_revenues.budget, -op.total_costs.budget]
        outcome_rows = [b.contribution, b.revenues, -b.costs]
        budget = [*self._tkr_rows(budget_rows, b.budget_result), round_unit(b.budget_result)]
        outcome = [*self._tkr_rows(outcome_rows, b.result), round_unit(b.result)]
        labels = [RESULT_WORDS[k] for k in ("contribution", "revenues", "costs", "result")]
        rows = []
        for i, label in enumerate(labels):
            dev = outcome[i] - budget[i]
            rows.append(
                Row(
                    (
                        Cell(label, "label"),
                        Cell(fmt.tkr_value(budget[i]), "amount", number=budget[i]),
                        Cell(fmt.tkr_value(outcome[i]), "amount", number=outcome[i]),
                        Cell(fmt.tkr_value(dev), "amount", number=dev),
                    ),
                    kind="total" if i == len(labels) - 1 else "body",
                    source=b.source if i == 0 else None,
                )
            )
        for part in b.parts:
            pb, pr = round_unit(part.budget_result), round_unit(part.result)
            rows.append(
                Row(
                    (
                        Cell(part.label, "label"),
                        Cell(fmt.tkr_value(pb), "amount", number=pb),
                        Cell(fmt.tkr_value(pr), "amount", number=pr),
                        Cell(fmt.tkr_value(pr - pb), "amount", number=pr - pb),
                    ),
                    source=part.source,
                )
            )
        self.fig_tkr("kommunbidrag", round_unit(b.contribution))
        self.fig_tkr("budgeterat_resultat", round_unit(b.budget_result))
        self.fig_tkr("resultat.avvikelse", round_unit(b.deviation))

        def words(amount_kr: Decimal) -> str:
            if round_unit(amount_kr) == 0:
                return "ett nollresultat"
            word = "ett överskott" if amount_kr > 0 else "ett underskott"
            return f"{word} på {fmt.with_unit(fmt.tkr(abs(amount_kr)), 'tkr')}"

        better = "bättre" if b.deviation > 0 else "sämre"
        against = (
            "lika med det budgeterade resultatet"
            if round_unit(b.deviation) == 0
            else f"{fmt.with_unit(fmt.tkr(abs(b.deviation)), 'tkr')} {better} än budgeterat"
        )
        return [
            SubHeading("Resultat mot kommunbidrag"),
            self.sentence(
                "result.contribution",
                f"Nämnden budgeteras med nettoram. Kommunbidraget {self.year} var "
                f"{fmt.with_unit(fmt.tkr(b.contribution), 'tkr')} och det budgeterade resultatet "
                f"{fmt.with_unit(fmt.tkr(b.budget_result), 'tkr')}; "
                f"{'prognosen för årets' if self.ws.period.is_interim else 'årets'} resultat, "
                f"{words(b.result)}, är {against}.",
            ),
            Table(
                "resultat-kommunbidrag",
                f"Resultat mot kommunbidrag {self.year}",
                (
                    Column(""),
                    Column(f"Budget {self.year}", "amount", "tkr"),
                    Column(self.outcome_column, "amount", "tkr"),
                    Column(RESULT_WORDS["deviation"], "amount", "tkr"),
                ),
                tuple(rows),
                unit="tkr",
                notes=(
                    self.rounding_note(),
                    "Kommunbidrag och intäkter positiva, kostnader negativa; årets resultat = "
                    "kommunbidrag + intäkter − kostnader. Avvikelse = utfall − budget; positiv "
                    "avvikelse är gynnsam. Varav-raderna ingår i raderna ovanför.",
                ),
                kind="result",
            ),
        ]

    def balance_blocks(self, b: BoardResult) -> list[Block]:
        """Balanskravsresultat: årets resultat and the adjustment (e.g. realisation gains)."""
        adjustment = b.balance_adjustment or ZERO
        balance = b.result + adjustment
        values = [*self._tkr_rows([b.result, adjustment], balance), round_unit(balance)]
        label = RESULT_WORDS["balance_adjustment"] + (
            f": {b.balance_adjustment_text}" if b.balance_adjustment_text else ""
        )
        labels = [RESULT_WORDS["result"], label, RESULT_WORDS["balance_result"]]
        rows = tuple(
            Row(
                (Cell(text, "label"), Cell(fmt.tkr_value(v), "amount", number=v)),
                kind="total" if i == 2 else "body",
                source=b.source if i == 1 else None,
            )
            for i, (text, v) in enumerate(zip(labels, values, strict=True))
        )
        self.fig_tkr("balanskravsresultat", values[-1])
        return [
            Table(
                "balanskrav",
                f"{RESULT_WORDS['balance_result']} {self.year}",
                (Column(""), Column(self.outcome_column, "amount", "tkr")),
                rows,
                unit="tkr",
                notes=("Balanskravsresultat = årets resultat + justering balanskrav.",),
                kind="result",
            )
        ]

    def transfer_blocks(self, b: BoardResult) -> list[Block]:
        """Resultatöverföring: ingående + årets resultat − disposition = utgående."""
        opening, disposition = b.opening_result or ZERO, b.disposition or ZERO
        closing = b.closing_result if b.closing_result is not None else ZERO
        values = [round_unit(opening), round_unit(b.result), round_unit(disposition)]
        printed_closing = values[0] + values[1] - values[2] if self.lr else round_unit(closing)
        self.fig_tkr("utgaende_resultat", printed_closing)
        cells = [Cell(self.ws.organisation.name, "label")]
        cells += [Cell(fmt.tkr_value(v), "amount", number=v) for v in values]
        cells.append(Cell(fmt.tkr_value(printed_closing), "amount", number=printed_closing))
        columns = tuple(
            RESULT_WORDS[k] for k in ("opening_result", "result", "disposition", "closing_result")
        )
        return [
            Table(
                "resultatoverforing",
                f"Resultatöverföring {self.year}"
                + (" (prognos)" if self.ws.period.is_interim else ""),
                (Column("Nämnd"), *(Column(c, "amount", "tkr") for c in columns)),
                (Row(tuple(cells), source=b.source),),
                unit="tkr",
                notes=(
                    "Utgående redovisat resultat = ingående redovisat resultat + årets resultat "
                    "− disposition (det fullmäktige beslutat att nämnden får använda eller som "
                    "skrivs av). Det utgående resultatet blir nästa års ingående.",
                ),
                kind="result",
                relations=(f'"{columns[3]}" = "{columns[0]}" + "{columns[1]}" - "{columns[2]}"',),
            )
        ]

    def investment_blocks(self) -> list[Block]:
        inv = self.a.investments
        if inv is None:
            return []
        blocks: list[Block] = [SubHeading("Investeringsredovisning")]
        rows = []
        budgets = [r.budget for r in inv.rows]
        outcomes = [r.outcome for r in inv.rows]
        tb, to = round_unit(inv.total.budget), round_unit(inv.total.outcome)
        if self.lr:
            rb, ro = round_to_total(budgets, tb), round_to_total(outcomes, to)
        else:
            rb, ro = [round_unit(b) for b in budgets], [round_unit(o) for o in outcomes]
        for r, b, o in zip(inv.rows, rb, ro, strict=True):
            dev = b - o if self.lr else round_unit(r.deviation)
            for col, val in (("budget", b), ("utfall", o), ("avvikelse", dev)):
                self.fig_tkr(f"investering.{slug(r.project)}.{col}", val)
            rows.append(
                Row(
                    (
                        Cell(r.project, "label"),
                        Cell(fmt.tkr_value(b), "amount", number=b),
                        Cell(fmt.tkr_value(o), "amount", number=o),
                        Cell(fmt.tkr_value(dev), "amount", number=dev),
                    ),
                    source=r.source,
                )
            )
        tdev = tb - to if self.lr else round_unit(inv.total.deviation)
        label = inv.total_label or f"TOTALT INVESTERAT {self.year}"
        for col, val in (("budget", tb), ("utfall", to), ("avvikelse", tdev)):
            self.fig_tkr(f"investering.totalt.{col}", val)
        rows.append(
            Row(
                (
                    Cell(label, "label"),
                    Cell(fmt.tkr_value(tb), "amount", number=tb),
                    Cell(fmt.tkr_value(to), "amount", number=to),
                    Cell(fmt.tkr_value(tdev), "amount", number=tdev),
                ),
                kind="total",
                source=inv.total_label_source,
            )
        )
        blocks.append(
            Table(
                "investeringsredovisning",
                "Investeringsredovisning",
                (
                    Column("Projekt"),
                    Column(f"Budget {self.year}", "amount", "tkr"),
                    Column(f"Utfall {self.year}", "amount", "tkr"),
                    Column("Avvikelse", "amount", "tkr"),
                ),
                tuple(rows),
                unit="tkr",
                notes=(self.rounding_note(),),
                kind="investments",
            )
        )
        end = self.ws.period.last_day.isoformat()
        blocks.append(
            self.sentence(
                "investment.total",
                f"Utav den totala investeringsbudgeten ({fmt.with_unit(fmt.tkr_value(tb), 'tkr')}) så är "
                f"{fmt.with_unit(fmt.tkr_value(to), 'tkr')} förbrukat per {fmt.date_compact(end)}.",
            )
        )
        blocks += [
            b
            for n in self.ws.narrative
            if n.placement == "investeringar"
            for b in self.narrative_blocks(n)
        ]
        blocks += self.frame_blocks()
        return blocks

    def frame_blocks(self) -> list[Block]:
        inv = self.a.investments
        assert inv is not None
        blocks: list[Block] = []
        for project in inv.projects_with_frames():
            parts = inv.frame_parts(project)
            total = sum((p.outcome for p in parts), ZERO)
            key = slug(project)
            self.fig_tkr(f"ram.{key}.utfall", round_unit(total))
            blocks.append(
                self.sentence(
                    f"frames.{key}.outcome",
                    f"Av de totala investeringarna utgör {project} {fmt.with_unit(fmt.tkr(total), 'tkr')}. "
                    "Utfallet är fördelat enligt följande:",
                )
            )
            blocks.append(
                self.sentence(
                    f"frames.{key}.outcome_parts",
                    _join(
                        [
                            f"{_member_name(self.ws, p.member)} {fmt.with_unit(fmt.tkr(p.outcome), 'tkr')}"
                            for p in parts
                        ]
                    ),
                )
            )
            blocks.append(
                self.sentence(
                    f"frames.{key}.remaining_intro",
                    f"Av den ursprungliga ramen för {project} återstår:",
                )
            )
            blocks.append(
                self.sentence(
                    f"frames.{key}.remaining",
                    _join(
                        [
                            f"{_member_name(self.ws, p.member)}: {fmt.with_unit(fmt.tkr(p.remaining), 'tkr')}"
                            for p in parts
                        ]
                    )
                    + ".",
                )
            )
            rows = []
            for p in parts:
                m = slug(p.member)
                self.fig_tkr(f"ram.{key}.{m}.ram", round_unit(p.frame))
                self.fig_tkr(f"ram.{key}.{m}.utfall", round_unit(p.outcome))
                self.fig_tkr(f"ram.{key}.{m}.aterstar", round_unit(p.remaining))
                rows.append(
                    Row(
                        (
                            Cell(_member_name(self.ws, p.member), "label"),
                            Cell(fmt.tkr(p.frame), "amount", number=round_unit(p.frame)),
                            Cell(
                                fmt.tkr(p.earlier_outcome),
                                "amount",
                                number=round_unit(p.earlier_outcome),
                            ),
                            Cell(fmt.tkr(p.outcome), "amount", number=round_unit(p.outcome)),
                            Cell(fmt.tkr(p.remaining), "amount", number=round_unit(p.remaining)),
                        )
                    )
                )
            sums = [
                sum((getattr(p, a) for p in parts), ZERO)
                for a in ("frame", "earlier_outcome", "outcome", "remaining")
            ]
            rows.append(
                Row(
                    (
                        Cell("Summa", "label"),
                        *(Cell(fmt.tkr(v), "amount", number=round_unit(v)) for v in sums),
                    ),
                    kind="total",
                )
            )
            blocks.append(
                Table(
                    f"ram-{key}",
                    f"{project}: ram och utfall per medlemskommun",
                    (
                        Column("Medlemskommun"),
                        Column("Ram", "amount", "tkr"),
                        Column("Utfall tidigare år", "amount", "tkr"),
                        Column(f"Utfall {self.year}", "amount", "tkr"),
                        Column("Återstår", "amount", "tkr"),
                    ),
                    tuple(rows),
                    unit="tkr",
                    notes=(
                        "Återstår = ram − ackumulerat utfall; negativt värde betyder att ramen är överskriden.",
                        *([self.ws.frames_note] if self.ws.frames_note else []),
                    ),
                    kind="frames",
                )
            )
        return blocks

    def section_finance(self) -> Section | None:
        op = self.a.operating
        if op is None and self.a.investments is None:
            return None
        blocks: list[Block] = []
        if op is not None:
            blocks.append(SubHeading("Driftredovisning"))
            blocks.append(self.operating_table(op))
            blocks += self.result_blocks(op)
            blocks += self.board_result_blocks(op)
            blocks += [
                b
                for n in self.ws.narrative
                if n.placement == "drift"
                for b in self.narrative_blocks(n)
            ]
            blocks.append(self.operating_chart(op))
        blocks += self.investment_blocks()
        blocks += [
            b
            for n in self.ws.narrative
            if n.placement == "fordelning"
            for b in self.narrative_blocks(n)
        ]
        return Section("ekonomi", "1.3", "Ekonomi", tuple(blocks))

    def section_narrative(self) -> Section:
        blocks: list[Block] = []
        for n in self.ws.narrative:
            if n.placement == "verksamhetsberattelse":
                blocks += self.narrative_blocks(n)
        return Section("verksamhetsberattelse", "1.2", "Verksamhetsberättelse", tuple(blocks))

    def build(self, findings: Iterable[Finding]) -> Report:
        self.figures["år"] = Figure(str(self.year))
        self.figures["ar"] = Figure(str(self.year))
        self.figures["organisation"] = Figure(self.ws.organisation.name)
        s = self.a.summary
        for st, word in (
            (Status.MET, "uppnadda"),
            (Status.PARTLY, "delvis"),
            (Status.NOT_MET, "ej_uppnadda"),
            (Status.NO_VALUE, "saknar_varde"),
            (Status.NOT_ASSESSED, "ej_bedomda"),
        ):
            self.figures[f"antal.{word}"] = Figure(str(s.count(st)), Decimal(s.count(st)))
        self.figures["antal.indikatorer"] = Figure(str(s.indicators), Decimal(s.indicators))
        self.figures["antal.mal"] = Figure(str(s.goals), Decimal(s.goals))
        followup.register_figures(self.a, self.figures)
        # One pass: the sections register their figures as they are built; the narrative
        # sections, which may embed any figure, are filled in afterwards (_resolve).
        finance = self.section_finance()
        goals = self.section_goals()
        narrative = self.section_narrative()
        children = [goals, narrative] + ([finance] if finance else [])
        children += followup.sections(self.a, len(children) + 1, self.sentences)
        top = self._resolve(Section("verksamheter", "1", "Verksamheter", (), tuple(children)))
        views = tuple(finding_views(sort_findings([*findings, *self.findings])))
        return Report(
            title=self.ws.title,
            organisation=self.ws.organisation.name,
            municipality=self.ws.organisation.municipality,
            period=self.ws.period.title,
            year=self.year,
            sections=(top,),
            findings=views,
            sentences=dict(self.sentences),
            figures={k: v.text for k, v in sorted(self.figures.items())},
            rounding_note=self.rounding_note(),
        )

    def _resolve(self, section: Section) -> Section:
        """``section`` with every narrative placeholder replaced by its text and figures."""
        blocks: list[Block] = []
        for block in section.blocks:
            narrative = self.slots.get(id(block))
            blocks += self._narrative(narrative) if narrative is not None else [block]
        children = tuple(self._resolve(child) for child in section.children)
        return replace(section, blocks=tuple(blocks), children=children)


def finding_views(findings: Iterable[Finding]) -> list[FindingView]:
    """Findings as the report shows them (an appendix for the people preparing it)."""
    return [
        FindingView(f.code, f.severity.value, f.source.place, f.message, f.hint) for f in findings
    ]


def _target_point(target: Target | None, unit: str) -> Decimal | None:
    """The number a target is drawn at: a threshold, or the baseline of a change; None for others."""
    if isinstance(target, Threshold):
        value, t_unit = target.value, target.unit
    elif isinstance(target, (Change, Maintain)) and target.baseline is not None:
        value, t_unit = target.baseline, target.unit
    else:
        return None
    return value if not t_unit or t_unit == unit else None


def build_report(a: Assessed, findings: Iterable[Finding] = ()) -> tuple[Report, list[Finding]]:
    """The report model and the findings the building itself produced (unknown live figures)."""
    b = _Builder(a)
    report = b.build(findings)
    return report, list(b.findings)

"""The municipality's report model: municipality chapters, then a chapter per board.

One :class:`~styrkort.report.model.Report`, so HTML, PDF (with its table of
contents), Word and Excel render it as they render a board's report. The
municipality's chapters (förvaltningsberättelse-like) print the operating statement
per board, the investments per board, the council goals with their verdicts and the
counts per level, and the joint boards' splits. Each board's chapter is that board's
own report: its sections re-numbered under the chapter and every id prefixed with the
board's id (so anchors, table ids and chart files stay unique). ``Report.parts``
names the board chapters (Excel gives each a sheet).

Pure: amounts in kronor are rounded to tkr only here (report/format.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from styrkort.core.findings import Finding
from styrkort.core.goals import Status, status_word
from styrkort.core.municipality import (
    BALANCE_COLUMNS,
    BALANCE_RELATIONS,
    CARRIED_COLUMNS,
    CARRIED_RELATIONS,
    INVESTMENT_COLUMNS,
    INVESTMENT_RELATIONS,
    OPERATING_COLUMNS,
    OPERATING_RELATIONS,
    BoardRef,
    JointShare,
    MunicipalityAssessed,
    StatementRow,
)
from styrkort.report import format as fmt
from styrkort.report.build import finding_views
from styrkort.report.model import (
    Block,
    BulletList,
    Cell,
    Chart,
    Column,
    Paragraph,
    Report,
    Row,
    RowKind,
    Section,
    Table,
)

ROUNDING_NOTE = (
    "Varje belopp avrundas till tkr från sitt exakta värde; en summa kan därför avvika med "
    "någon tkr från summan av de avrundade raderna."
)
BOARD_PREFIX = "namnd-"


def _amount(kr: Decimal) -> Cell:
    shown = fmt.to_tkr(kr)
    return Cell(fmt.tkr_value(shown), "amount", number=shown)


def _label(text: str) -> Cell:
    return Cell(text, "label")


def _result_words(kr: Decimal) -> str:
    """ "ett överskott på 1 200 tkr" / "ett underskott på 823 tkr" / "ett nollresultat"."""
    shown = fmt.to_tkr(kr)
    if shown > 0:
        return f"ett överskott på {fmt.tkr_value(shown)} tkr"
    if shown < 0:
        return f"ett underskott på {fmt.tkr_value(-shown)} tkr"
    return "ett nollresultat"


# ---------------------------------------------------------------------------
# Municipality chapters


_ROW_KINDS: dict[str, RowKind] = {
    "board": "body",
    "part": "body",
    "boards": "subtotal",
    "finance": "body",
    "eliminations": "body",
    "result": "total",
}


def operating_table(m: MunicipalityAssessed) -> Table:
    """Driftredovisning per nämnd (tkr): a row per board, its varav rows, Summa nämnder,
    the finance administration, eliminations and the municipality's result."""
    balance = m.operating.balance_columns
    columns = [Column("Nämnd")]
    columns += [Column(c, "amount", "tkr") for c in OPERATING_COLUMNS]
    if balance:
        columns += [Column(c, "amount", "tkr") for c in BALANCE_COLUMNS]

    def cells(r: StatementRow) -> tuple[Cell, ...]:
        out = [
            _label(r.label),
            _amount(r.contribution),
            _amount(r.revenues),
            _amount(r.costs),
            _amount(r.result),
            _amount(r.budget_result),
            _amount(r.deviation),
        ]
        if balance:
            out += [_amount(r.balance_adjustment), _amount(r.balance_result)]
        return tuple(out)

    rows = tuple(Row(cells(r), _ROW_KINDS[r.kind], source=r.source) for r in m.operating.rows)
    notes = [
        ROUNDING_NOTE,
        "Kommunbidrag (nämndbidrag), intäkter och kostnader som positiva belopp; årets resultat "
        "= kommunbidrag + intäkter − kostnader, positivt vid överskott. Avvikelse = årets "
        "resultat − budgeterat resultat; positiv avvikelse är gynnsam. Varav-rader ingår i "
        "nämndens rad. Finansförvaltningens kommunbidrag är minus nämndernas.",
    ]
    if balance:
        notes.append("Balanskravsresultat = årets resultat + justering balanskrav.")
    return Table(
        "kommun-driftredovisning",
        "Driftredovisning per nämnd",
        tuple(columns),
        rows,
        unit="tkr",
        notes=tuple(notes),
        kind="municipality_operating",
        relations=(*OPERATING_RELATIONS, *(BALANCE_RELATIONS if balance else ())),
    )


def carried_table(m: MunicipalityAssessed) -> Table | None:
    """Nämndernas ackumulerade resultat (boards budgeted by net frame that carry results)."""
    carried = [(ref, br) for ref, br in m.board_rows if br.opening_result is not None]
    if not carried:
        return None
    rows = []
    for ref, br in carried:
        closing = br.closing_result
        assert br.opening_result is not None and closing is not None
        rows.append(
            Row(
                (
                    _label(ref.name),
                    _amount(br.opening_result),
                    _amount(br.result),
                    _amount(br.disposition or Decimal(0)),
                    _amount(closing),
                ),
                source=br.source,
            )
        )
    return Table(
        "kommun-resultatfond",
        "Nämndernas ackumulerade resultat",
        (Column("Nämnd"), *(Column(c, "amount", "tkr") for c in CARRIED_COLUMNS)),
        tuple(rows),
        unit="tkr",
        notes=(
            "Utgående resultat = ingående redovisat resultat + årets resultat − disposition "
            "(det fullmäktige beslutat att ta i anspråk eller skriva av).",
        ),
        kind="municipality_carried",
        relations=CARRIED_RELATIONS,
    )


def investment_table(m: MunicipalityAssessed) -> Table:
    rows = [
        Row(
            (_label(r.label), _amount(r.budget), _amount(r.outcome), _amount(r.deviation)),
            source=r.source,
        )
        for r in m.investments
    ]
    t = m.investments_total
    rows.append(
        Row(
            (_label(t.label), _amount(t.budget), _amount(t.outcome), _amount(t.deviation)),
            "total",
        )
    )
    return Table(
        "kommun-investeringar",
        "Investeringar per nämnd",
        (Column("Nämnd"), *(Column(c, "amount", "tkr") for c in INVESTMENT_COLUMNS)),
        tuple(rows),
        unit="tkr",
        notes=(ROUNDING_NOTE, "Avvikelse = budget − utfall; positiv avvikelse är lägre utgift."),
        kind="municipality_investments",
        relations=INVESTMENT_RELATIONS,
    )


def _status_cell(status: Status) -> Cell:
    return Cell(status.label, "status", status=status.value, symbol=status.symbol)


def council_goal_table(m: MunicipalityAssessed) -> Table:
    rows: list[Row] = []
    for c in m.council_goals:
        rows.append(
            Row((_label(c.goal.title), Cell(""), _status_cell(c.status)), "goal", c.goal.source)
        )
        for lg in c.linked:
            rows.append(
                Row(
                    (Cell(lg.goal.goal.title), Cell(lg.board.name), _status_cell(lg.goal.status)),
                    source=lg.goal.goal.source,
                )
            )
    return Table(
        "kommun-kf-mal",
        "KF-mål och nämndmålen som bidrar till dem",
        (Column("KF-mål / nämndmål"), Column("Nämnd"), Column("Bedömning", "status")),
        tuple(rows),
        kind="council_goals",
    )


COUNT_COLUMNS = tuple(s.label for s in Status)


def counts_table(m: MunicipalityAssessed) -> Table:
    rows = []
    for lc in m.counts:
        cells = [_label(lc.level)]
        for s in Status:
            n = Decimal(lc.count(s))
            cells.append(Cell(str(lc.count(s)), "value", number=n))
        cells.append(Cell(str(lc.total), "value", number=Decimal(lc.total)))
        rows.append(Row(tuple(cells)))
    return Table(
        "kommun-antal",
        "Måluppfyllelse per nivå (antal)",
        (Column("Nivå"), *(Column(c, "value") for c in COUNT_COLUMNS), Column("Totalt", "value")),
        tuple(rows),
        kind="level_counts",
        relations=('"Totalt" = ' + " + ".join(f'"{c}"' for c in COUNT_COLUMNS),),
    )


def rule_lines(m: MunicipalityAssessed) -> list[str]:
    """The municipality's rule for council goals, worded one level up from the boards'."""
    words = (
        ("Nämndmålets", "KF-målets"),
        ("Nämndmål", "KF-mål"),
        ("indikatorerna", "nämndmålen"),
        ("indikatorer", "nämndmål"),
        ("En indikator", "Ett nämndmål"),
        ("Varje indikator", "Varje nämndmål"),
    )
    out = []
    for line in m.config.rule.goal_rule.describe():
        for old, new in words:
            line = line.replace(old, new)
        out.append(line)
    return out


def goals_sentence(m: MunicipalityAssessed) -> str:
    n = len(m.council_goals)
    if not n:
        return "Kommunen har inga KF-mål i rapporten."
    parts = []
    for s in (Status.MET, Status.PARTLY, Status.NOT_MET, Status.NOT_ASSESSED):
        k = sum(1 for c in m.council_goals if c.status is s)
        if k:
            parts.append(f"{k} {status_word(s, k, neuter=True)}")
    listed = ", ".join(parts[:-1]) + (" och " if len(parts) > 1 else "") + parts[-1]
    return f"Av kommunens {n} KF-mål bedöms {listed}."


def joint_table(share: JointShare, municipality: str) -> Table:
    jb = share.board
    by_key = dict(share.by_key)
    show_key = bool(jb.split and share.by_key)
    columns = [Column("Medlem"), Column("Andel", "amount", "tkr")]
    if show_key:
        columns.append(Column("Enligt nyckel", "amount", "tkr"))
    rows = []
    for member, amount in share.parts:
        label = f"{member} ({municipality})" if member == jb.member else member
        cells = [_label(label), _amount(amount)]
        if show_key:
            cells.append(_amount(by_key.get(member, Decimal(0))))
        rows.append(Row(tuple(cells), source=jb.where("split")))
    total = [_label(f"Resultat {jb.name}"), _amount(jb.result)]
    if show_key:
        total.append(_amount(jb.result))
    rows.append(Row(tuple(total), "total", source=jb.where("result")))
    note = "Fördelning enligt värdkommunens beslut" + (f" ({jb.decision})" if jb.decision else "")
    if not jb.split:
        note = (
            "Fördelning enligt nyckeln med största rest, så att andelarna summerar till resultatet"
        )
    return Table(
        f"kommun-gemensam-{_slug(jb.name)}",
        f"Fördelning av {jb.name}s resultat",
        tuple(columns),
        tuple(rows),
        unit="tkr",
        notes=(note + ".",),
        kind="joint_split",
    )


def _slug(text: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in keep.split("-") if p) or "namnd"


def joint_sentence(share: JointShare, municipality: str, board_name: str = "") -> str:
    jb = share.board
    host = f" (värdkommun {jb.host})" if jb.host else ""
    text = f"{jb.name}{host} redovisade {_result_words(jb.result)}."
    if share.share is not None:
        which = "underskottet" if share.share < 0 else "överskottet"
        text += f" {municipality}s andel av {which} är {fmt.tkr(abs(share.share))} tkr"
        text += f", som ingår i {board_name}s resultat." if board_name else "."
    return text


def municipality_sections(m: MunicipalityAssessed) -> list[Section]:
    cfg = m.config
    op = m.operating
    total, result = op.boards_total, op.municipality
    year = cfg.period.year
    sections: list[Section] = []
    drift: list[Block] = [
        Paragraph(
            f"Kommunens resultat {year} är {_result_words(result.result)}, vilket är "
            f"{fmt.tkr(abs(result.deviation))} tkr "
            f"{'bättre' if result.deviation >= 0 else 'sämre'} än budget. Nämnderna redovisar "
            f"tillsammans {_result_words(total.result)} mot budget.",
            generated=True,
            key="kommun.resultat",
        ),
        operating_table(m),
    ]
    negative = [r for r in op.rows if r.kind == "board" and fmt.to_tkr(r.deviation) < 0]
    if negative:
        drift.append(
            Paragraph(
                "Nämnder med negativ avvikelse mot budget: "
                + ", ".join(f"{r.label} ({fmt.tkr(r.deviation)} tkr)" for r in negative)
                + ".",
                generated=True,
                key="kommun.avvikelser",
            )
        )
    carried = carried_table(m)
    if carried is not None:
        drift.append(carried)
    sections.append(Section("kommun-drift", "1", "Driftredovisning per nämnd", tuple(drift)))
    inv_total = m.investments_total
    sections.append(
        Section(
            "kommun-investeringar",
            "2",
            "Investeringar per nämnd",
            (
                Paragraph(
                    f"Nämnderna investerade {fmt.tkr(inv_total.outcome)} tkr {year} mot en budget "
                    f"på {fmt.tkr(inv_total.budget)} tkr.",
                    generated=True,
                    key="kommun.investeringar",
                ),
                investment_table(m),
            ),
        )
    )
    sections.append(
        Section(
            "kommun-maluppfyllelse",
            "3",
            "Måluppfyllelse",
            (
                Paragraph(goals_sentence(m), generated=True, key="kommun.kf-mal"),
                Paragraph("KF-målen bedöms utifrån nämndmålen som kopplas till dem:"),
                BulletList(tuple(rule_lines(m))),
                council_goal_table(m),
                counts_table(m),
            ),
        )
    )
    if m.joint:
        blocks: list[Block] = []
        for share in m.joint:
            ref = cfg.board(share.board.board) if share.board.board else None
            sentence = joint_sentence(share, cfg.name, ref.name if ref else "")
            blocks += [
                Paragraph(
                    sentence, generated=True, key=f"kommun.gemensam.{_slug(share.board.name)}"
                ),
                joint_table(share, cfg.name),
            ]
        sections.append(
            Section(
                "kommun-gemensamma", str(len(sections) + 1), "Gemensamma nämnder", tuple(blocks)
            )
        )
    return sections


# ---------------------------------------------------------------------------
# Board chapters


def _prefixed_block(b: Block, prefix: str) -> Block:
    if isinstance(b, Table | Chart):
        return replace(b, id=prefix + b.id)
    return b


def renumbered(s: Section, number: str, prefix: str) -> Section:
    """``s`` numbered ``number`` (children ``number.1`` …) with every id prefixed."""
    return Section(
        prefix + s.id,
        number,
        s.title,
        tuple(_prefixed_block(b, prefix) for b in s.blocks),
        tuple(renumbered(c, f"{number}.{i}", prefix) for i, c in enumerate(s.children, 1)),
    )


def board_chapter(ref: BoardRef, report: Report, number: str) -> Section:
    """The board's own report as one chapter of the municipality's."""
    prefix = f"{ref.id}-"
    return Section(
        BOARD_PREFIX + ref.id,
        number,
        ref.name,
        (Paragraph(f"{report.title}, {report.organisation}."),),
        tuple(renumbered(s, f"{number}.{i}", prefix) for i, s in enumerate(report.sections, 1)),
    )


def municipality_report(
    m: MunicipalityAssessed,
    board_reports: Sequence[tuple[BoardRef, Report]],
    findings: Sequence[Finding] = (),
) -> Report:
    """The one report model of the municipality (see the module's docstring)."""
    sections = municipality_sections(m)
    first = len(sections) + 1
    chapters = [
        board_chapter(ref, report, str(first + i)) for i, (ref, report) in enumerate(board_reports)
    ]
    cfg = m.config
    sentences = {
        b.key: b.text
        for s in sections
        for b in s.blocks
        if isinstance(b, Paragraph) and b.generated and b.key
    }
    return Report(
        title=cfg.title,
        organisation=cfg.name,
        municipality=cfg.name,
        period=cfg.period.title,
        year=cfg.period.year,
        sections=(*sections, *chapters),
        findings=tuple(finding_views(findings)),
        sentences=sentences,
        rounding_note=ROUNDING_NOTE,
        parts=tuple(c.id for c in chapters),
    )

"""The municipality: many boards in one report (issue 14). Pure values and their checks.

A municipality workspace names its boards (each an ordinary board workspace), its
council goals (KF-mål) with the board goals that serve them, the finance
administration (finansförvaltning), internal eliminations and the joint boards it is
a member of. From the boards' assessed workspaces this module computes:

* the operating statement per board (nämndernas driftredovisning): a row per board
  (:class:`~styrkort.core.finance.BoardResult`: nämndbidrag, intäkter, kostnader,
  resultat, budgeterat resultat, avvikelse, and the balanskrav columns when a board
  states them), its "varav" rows, *Summa nämnder*, the finance administration, the
  eliminations and the municipality's result;
* investments per board with their total;
* the council goals judged from the linked board goals with the municipality's own
  rule (the one rule of :func:`styrkort.core.assess.combine`), and counts per level;
* the joint boards' results split among their members (the host's split, checked
  against the key when one is given, :func:`styrkort.core.allocation.largest_remainder`).

Amounts are ``Decimal`` kronor as municipal annual reports print them: contributions,
revenues and costs positive, a result positive for a surplus. Every relation between
the columns is stated here once (:data:`OPERATING_RELATIONS`) and the report's table
audit checks the printed table against the same statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from styrkort.core.allocation import largest_remainder
from styrkort.core.assess import AssessmentRule, GoalResult, Reason, combine
from styrkort.core.assessed import Assessed
from styrkort.core.finance import RESULT_WORDS, BoardResult, ResultColumns, RowKind
from styrkort.core.findings import NOWHERE, Finding, Source, error, warning
from styrkort.core.goals import Status
from styrkort.core.model import Period
from styrkort.core.numbers import format_amount

ZERO = Decimal(0)
THOUSAND = Decimal(1000)


# ---------------------------------------------------------------------------
# The configuration (what the municipality's styrkort.yaml says)


@dataclass(frozen=True, slots=True)
class BoardRef:
    """A board of the municipality and where its workspace is.

    ``contribution`` and ``result`` are the board's figures as the municipality's own
    accounts state them (the council's decided nämndbidrag, the result in the
    municipality's ledger); when given they are checked against the board's own report.
    """

    id: str
    name: str
    workspace: str = ""
    """The board's folder, relative to the municipality's; empty when it comes from the database."""
    contribution: Decimal | None = None
    result: Decimal | None = None
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)

    def where(self, key: str) -> Source:
        return self.sources.get(key, self.source)


@dataclass(frozen=True, slots=True)
class GoalLink:
    """A board goal (``board``'s goal ``goal``) that serves a council goal."""

    board: str
    goal: str
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class CouncilGoalSpec:
    """A council goal (KF-mål) and the board goals linked to it.

    Board goals link also from their own side: a goal whose ``council_goal`` is this
    goal's id serves it.
    """

    id: str
    title: str
    links: tuple[GoalLink, ...] = ()
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class FinanceItem:
    """A row of the finance administration (skatteintäkter, generella statsbidrag, finansiella
    poster, pensioner …): revenue or cost, budget and outcome in kronor, positive."""

    label: str
    kind: RowKind
    budget: Decimal
    outcome: Decimal
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class Elimination:
    """Internal transactions between the boards, taken out of both revenues and costs."""

    label: str
    revenues: Decimal
    costs: Decimal
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class JointBoard:
    """A joint board (gemensam nämnd) the municipality is a member of, and the split of its result.

    ``split`` is the host's decided split (member → kronor, signed as the result);
    ``key`` the allocation key's weights (member → weight), from which the split is
    computed (largest remainder, in tkr when the result is whole tkr) when no split is
    given, and checked against when one is. ``member`` is this municipality's name in
    them; ``board`` the board whose statement carries the share (optional).
    """

    name: str
    host: str
    result: Decimal
    member: str
    split: tuple[tuple[str, Decimal], ...] = ()
    key: tuple[tuple[str, Decimal], ...] = ()
    board: str = ""
    decision: str = ""
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)

    def where(self, key: str) -> Source:
        return self.sources.get(key, self.source)


@dataclass(frozen=True, slots=True)
class MunicipalityConfig:
    """The municipality workspace as read (sources/municipality.py)."""

    name: str
    period: Period
    title: str = ""
    rule: AssessmentRule = field(default_factory=AssessmentRule)
    boards: tuple[BoardRef, ...] = ()
    council_goals: tuple[CouncilGoalSpec, ...] = ()
    finance: tuple[FinanceItem, ...] = ()
    eliminations: tuple[Elimination, ...] = ()
    joint_boards: tuple[JointBoard, ...] = ()
    stated_result: Decimal | None = None
    """The municipality's result as its income statement (resultaträkning) states it."""
    source: Source = NOWHERE
    result_source: Source = NOWHERE
    """Where ``stated_result`` is written."""

    def board(self, board_id: str) -> BoardRef | None:
        return next((b for b in self.boards if b.id == board_id), None)


# ---------------------------------------------------------------------------
# The operating statement per board


@dataclass(frozen=True, slots=True)
class StatementRow(ResultColumns):
    """A row of the municipality's operating statement, kronor as printed.

    ``kind``: ``board`` (a board's row), ``part`` (a "varav" row under its board),
    ``boards`` (Summa nämnder), ``finance`` (finansförvaltningen), ``eliminations``
    and ``result`` (the municipality's result).
    """

    label: str
    kind: str
    contribution: Decimal
    revenues: Decimal
    costs: Decimal
    budget_result: Decimal
    balance_adjustment: Decimal = ZERO
    board: str = ""
    source: Source = NOWHERE

    @property
    def balance_result(self) -> Decimal:
        """Balanskravsresultat = resultat + justering balanskrav."""
        return self.result + self.balance_adjustment


def _words(*keys: str) -> tuple[str, ...]:
    return tuple(RESULT_WORDS[k] for k in keys)


def _relation(target: str, *terms: str) -> str:
    """``"A" = "B" + "C" - "D"`` as the table audit reads a declared relation (terms signed)."""
    right = " ".join(f'{t[0]} "{t[1:]}"' for t in terms).removeprefix("+ ")
    return f'"{target}" = {right}'


# The columns of the municipality's tables, in the words the boards' own result tables use
# (core.finance.RESULT_WORDS), and the relations between them (the table audit checks them).
OPERATING_COLUMNS = _words(
    "contribution", "revenues", "costs", "result", "budget_result", "deviation"
)
BALANCE_COLUMNS = _words("balance_adjustment", "balance_result")
_C, _R, _K, _Y, _B, _D = OPERATING_COLUMNS
OPERATING_RELATIONS = (
    _relation(_Y, f"+{_C}", f"+{_R}", f"-{_K}"),
    _relation(_D, f"+{_Y}", f"-{_B}"),
)
BALANCE_RELATIONS = (_relation(BALANCE_COLUMNS[1], f"+{_Y}", f"+{BALANCE_COLUMNS[0]}"),)
CARRIED_COLUMNS = _words("opening_result", "result", "disposition", "closing_result")
CARRIED_RELATIONS = (
    _relation(
        CARRIED_COLUMNS[3],
        f"+{CARRIED_COLUMNS[0]}",
        f"+{CARRIED_COLUMNS[1]}",
        f"-{CARRIED_COLUMNS[2]}",
    ),
)
INVESTMENT_COLUMNS = ("Budget", "Utfall", "Avvikelse")
INVESTMENT_RELATIONS = (_relation("Avvikelse", "+Budget", "-Utfall"),)


@dataclass(frozen=True, slots=True)
class OperatingByBoard:
    """The municipality's operating statement: rows in print order."""

    rows: tuple[StatementRow, ...]
    balance_columns: bool
    """True when any board states a balanskrav adjustment (the two columns are printed)."""

    def row(self, kind: str) -> StatementRow:
        return next(r for r in self.rows if r.kind == kind)

    @property
    def boards_total(self) -> StatementRow:
        return self.row("boards")

    @property
    def municipality(self) -> StatementRow:
        return self.row("result")


def _summed(label: str, kind: str, rows: Sequence[StatementRow]) -> StatementRow:
    return StatementRow(
        label,
        kind,
        sum((r.contribution for r in rows), ZERO),
        sum((r.revenues for r in rows), ZERO),
        sum((r.costs for r in rows), ZERO),
        sum((r.budget_result for r in rows), ZERO),
        sum((r.balance_adjustment for r in rows), ZERO),
    )


def operating_by_board(
    boards: Sequence[tuple[BoardRef, BoardResult]],
    finance: Sequence[FinanceItem] = (),
    eliminations: Sequence[Elimination] = (),
    finance_label: str = "Finansförvaltningen",
) -> OperatingByBoard:
    """The rows of the operating statement per board (see :class:`StatementRow`).

    The finance administration pays the boards' contributions (its nämndbidrag column
    is minus their sum) and takes the tax revenues, grants and financial items; the
    eliminations take internal revenues and costs out of both. The municipality's
    result is the sum of Summa nämnder, the finance administration and the eliminations.
    """
    rows: list[StatementRow] = []
    board_rows: list[StatementRow] = []
    for ref, br in boards:
        adjustment = br.balance_adjustment or ZERO
        row = StatementRow(
            ref.name,
            "board",
            br.contribution,
            br.revenues,
            br.costs,
            br.budget_result,
            adjustment,
            ref.id,
            br.source if br.source != NOWHERE else ref.source,
        )
        rows.append(row)
        board_rows.append(row)
        for part in br.parts:
            label = part.label if part.label.lower().startswith("varav") else f"varav {part.label}"
            rows.append(
                StatementRow(
                    label,
                    "part",
                    part.contribution,
                    part.revenues,
                    part.costs,
                    part.budget_result,
                    ZERO,
                    ref.id,
                    part.source,
                )
            )
    total = _summed("Summa nämnder", "boards", board_rows)
    rows.append(total)
    revenues = [f for f in finance if f.kind is RowKind.REVENUE]
    costs = [f for f in finance if f.kind is RowKind.COST]
    budget_net = sum((f.budget for f in revenues), ZERO) - sum((f.budget for f in costs), ZERO)
    fin = StatementRow(
        finance_label,
        "finance",
        -total.contribution,
        sum((f.outcome for f in revenues), ZERO),
        sum((f.outcome for f in costs), ZERO),
        budget_net - total.contribution,
        source=finance[0].source if finance else NOWHERE,
    )
    rows.append(fin)
    tail = [total, fin]
    if eliminations:
        elim = StatementRow(
            "Interna elimineringar",
            "eliminations",
            ZERO,
            -sum((e.revenues for e in eliminations), ZERO),
            -sum((e.costs for e in eliminations), ZERO),
            ZERO,
            source=eliminations[0].source,
        )
        rows.append(elim)
        tail.append(elim)
    rows.append(_summed("Kommunens resultat", "result", tail))
    balance = any(br.balance_adjustment is not None for _, br in boards)
    return OperatingByBoard(tuple(rows), balance)


# ---------------------------------------------------------------------------
# Investments per board


@dataclass(frozen=True, slots=True)
class InvestmentByBoard:
    label: str
    budget: Decimal
    outcome: Decimal
    board: str = ""
    source: Source = NOWHERE

    @property
    def deviation(self) -> Decimal:
        """Avvikelse = budget − utfall (positive: less spent than budgeted)."""
        return self.budget - self.outcome


def investments_by_board(
    boards: Sequence[tuple[BoardRef, Assessed]],
) -> tuple[tuple[InvestmentByBoard, ...], InvestmentByBoard]:
    """A row per board that has an investment statement, and the total (Summa investeringar)."""
    rows = tuple(
        InvestmentByBoard(
            ref.name, a.investments.total.budget, a.investments.total.outcome, ref.id, ref.source
        )
        for ref, a in boards
        if a.investments is not None and a.investments.rows
    )
    total = InvestmentByBoard(
        "Summa investeringar",
        sum((r.budget for r in rows), ZERO),
        sum((r.outcome for r in rows), ZERO),
    )
    return rows, total


# ---------------------------------------------------------------------------
# Council goals


@dataclass(frozen=True, slots=True)
class LinkedGoal:
    board: BoardRef
    goal: GoalResult


@dataclass(frozen=True, slots=True)
class CouncilGoalResult:
    """A council goal judged from its linked board goals by the municipality's rule."""

    goal: CouncilGoalSpec
    linked: tuple[LinkedGoal, ...]
    status: Status
    reason: Reason


def linked_goals(
    spec: CouncilGoalSpec, boards: Sequence[tuple[BoardRef, Assessed]]
) -> tuple[tuple[LinkedGoal, ...], list[Finding]]:
    """The board goals serving ``spec``: those it names and those naming it (``council_goal``)."""
    by_board = {ref.id: (ref, a) for ref, a in boards}
    out: list[LinkedGoal] = []
    seen: set[tuple[str, str]] = set()
    findings: list[Finding] = []
    for link in spec.links:
        got = by_board.get(link.board)
        if got is None:
            findings.append(
                error(
                    link.source,
                    "municipality.goal_link",
                    f"KF-målet '{spec.title}' kopplas till nämnden '{link.board}', som inte finns "
                    "bland kommunens nämnder.",
                    "Rätta nämndens id (boards[].id) i kopplingen.",
                )
            )
            continue
        ref, a = got
        result = next((g for g in a.goals if g.goal.id == link.goal), None)
        if result is None:
            findings.append(
                error(
                    link.source,
                    "municipality.goal_link",
                    f"KF-målet '{spec.title}' kopplas till målet '{link.goal}' i {ref.name}, som "
                    "inte har något mål med det id:t.",
                    f"Rätta målets id efter {ref.name}s goals.yaml.",
                )
            )
            continue
        if (ref.id, link.goal) not in seen:
            seen.add((ref.id, link.goal))
            out.append(LinkedGoal(ref, result))
    for ref, a in boards:
        for g in a.goals:
            if g.goal.council_goal == spec.id and (ref.id, g.goal.id) not in seen:
                seen.add((ref.id, g.goal.id))
                out.append(LinkedGoal(ref, g))
    return tuple(out), findings


def assess_council_goals(
    specs: Sequence[CouncilGoalSpec],
    boards: Sequence[tuple[BoardRef, Assessed]],
    rule: AssessmentRule,
) -> tuple[tuple[CouncilGoalResult, ...], list[Finding]]:
    """Each council goal judged from its board goals with the municipality's rule (SPEC §4,
    one level up): a goal without linked board goals is not assessed, with a finding."""
    results: list[CouncilGoalResult] = []
    findings: list[Finding] = []
    for spec in specs:
        linked, problems = linked_goals(spec, boards)
        findings += problems
        status, reason = combine([lg.goal.status for lg in linked], rule.goal_rule)
        if not linked:
            findings.append(
                warning(
                    spec.source,
                    "municipality.council_goal_empty",
                    f"KF-målet '{spec.title}' har inga kopplade nämndmål och kan inte bedömas.",
                    "Koppla nämndmål till KF-målet (goals: i kommunens styrkort.yaml eller "
                    "council_goal på nämndens mål).",
                )
            )
        elif status is Status.NOT_ASSESSED:
            findings.append(
                warning(
                    spec.source,
                    "municipality.council_goal_undecided",
                    f"KF-målet '{spec.title}' kan inte bedömas med kommunens regel "
                    f"({len(linked)} nämndmål; lika många för som emot eller ej bedömda mål).",
                    "Bedöm de nämndmål som är ej bedömda, eller bedöm KF-målet manuellt.",
                )
            )
        results.append(CouncilGoalResult(spec, linked, status, reason))
    return tuple(results), findings


@dataclass(frozen=True, slots=True)
class LevelCounts:
    """How many of a level's items have each status (KF-mål, nämndmål, indikatorer)."""

    level: str
    counts: tuple[tuple[Status, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, status: Status) -> int:
        return dict(self.counts).get(status, 0)


def level_counts(
    council: Sequence[CouncilGoalResult], boards: Sequence[tuple[BoardRef, Assessed]]
) -> tuple[LevelCounts, ...]:
    """Summary counts per level: council goals, board goals and indicators of every board."""
    order = list(Status)
    cg = Counter(c.status for c in council)
    goals = Counter(g.status for _, a in boards for g in a.goals)
    inds = Counter(r.status for _, a in boards for g in a.goals for r in g.indicators)
    return tuple(
        LevelCounts(level, tuple((s, c[s]) for s in order))
        for level, c in (("KF-mål", cg), ("Nämndmål", goals), ("Indikatorer", inds))
    )


# ---------------------------------------------------------------------------
# Joint boards


@dataclass(frozen=True, slots=True)
class JointShare:
    """A joint board's split among its members, and this municipality's share."""

    board: JointBoard
    parts: tuple[tuple[str, Decimal], ...]
    """The split as the host decided it (or computed from the key)."""
    by_key: tuple[tuple[str, Decimal], ...] = ()
    """The split the key gives (largest remainder), when a key is given."""

    @property
    def share(self) -> Decimal | None:
        return dict(self.parts).get(self.board.member)


def _split_unit(result: Decimal) -> Decimal:
    """Whole tkr when the result is whole tkr (hosts split in tkr), else whole kronor."""
    return THOUSAND if result % THOUSAND == 0 else Decimal(1)


def joint_shares(joint: Sequence[JointBoard]) -> tuple[tuple[JointShare, ...], list[Finding]]:
    """Every joint board's split, checked: it sums to the result, names this municipality,
    and agrees with the key's split (largest remainder) when a key is given."""
    out: list[JointShare] = []
    findings: list[Finding] = []
    for jb in joint:
        by_key: tuple[tuple[str, Decimal], ...] = ()
        weights = [w for _, w in jb.key]
        if jb.key and sum(weights, ZERO) > 0 and all(w >= 0 for w in weights):
            unit = _split_unit(jb.result)
            amounts = largest_remainder(jb.result, weights, unit)
            by_key = tuple(zip((m for m, _ in jb.key), amounts, strict=True))
        parts = jb.split or by_key
        if jb.split:
            total = sum((a for _, a in jb.split), ZERO)
            if total != jb.result:
                findings.append(
                    error(
                        jb.where("split"),
                        "municipality.joint_split_sum",
                        f"Fördelningen av {jb.name}s resultat summerar till {_tkr(total)} tkr, "
                        f"inte till resultatet {_tkr(jb.result)} tkr.",
                        "Rätta värdkommunens fördelning (split) eller resultatet (result).",
                    )
                )
            for member, amount in jb.split:
                expected = dict(by_key).get(member)
                if by_key and expected != amount:
                    findings.append(
                        error(
                            jb.where("split"),
                            "municipality.joint_share",
                            f"{member}s andel av {jb.name}s resultat är {_tkr(amount)} tkr enligt "
                            f"värdkommunens fördelning, men nyckeln ger {_tkr(expected)} tkr.",
                            "Kontrollera fördelningsnyckeln (key) mot värdkommunens beslut.",
                        )
                    )
        if not parts:
            findings.append(
                error(
                    jb.source,
                    "municipality.joint_share",
                    f"{jb.name}: varken värdkommunens fördelning (split) eller en "
                    "fördelningsnyckel (key) anges, så kommunens andel är okänd.",
                    "Ange split: {medlem: belopp} som värdkommunen beslutat, eller key.",
                )
            )
        elif jb.member not in dict(parts):
            findings.append(
                error(
                    jb.where("member"),
                    "municipality.joint_member",
                    f"Kommunen ('{jb.member}') finns inte bland medlemmarna i {jb.name}s fördelning "
                    f"({', '.join(m for m, _ in parts)}).",
                    "Rätta member så att det stämmer med ett namn i split eller key.",
                )
            )
        out.append(JointShare(jb, parts, by_key))
    return tuple(out), findings


def _tkr(amount: Decimal | None) -> str:
    """Kronor as whole tkr for a message (Swedish figure)."""
    return "–" if amount is None else format_amount(amount / THOUSAND, 0)


# ---------------------------------------------------------------------------
# Checks


def board_row_findings(
    boards: Sequence[tuple[BoardRef, BoardResult]],
) -> Iterator[Finding]:
    """A board whose own report disagrees with the municipality's figures for it: the council's
    decided contribution, or the result the municipality's accounts state."""
    for ref, br in boards:
        if ref.contribution is not None and ref.contribution != br.contribution:
            yield error(
                ref.where("contribution"),
                "municipality.board_row",
                f"{ref.name}: kommunens nämndbidrag är {_tkr(ref.contribution)} tkr, men "
                f"nämndens egen rapport har {_tkr(br.contribution)} tkr.",
                "Rätta nämndbidraget i kommunens styrkort.yaml eller nämndens budget så att "
                "de stämmer.",
                board=ref.id,
                column="contribution",
            )
        if ref.result is not None and ref.result != br.result:
            yield error(
                ref.where("result"),
                "municipality.board_row",
                f"{ref.name}: kommunens driftredovisning anger resultatet {_tkr(ref.result)} tkr, "
                f"men nämndens egen rapport visar {_tkr(br.result)} tkr.",
                "Stäm av nämndens utfall mot kommunens huvudbok och rätta den som är fel.",
                board=ref.id,
                column="result",
            )


def statement_findings(
    config: MunicipalityConfig, statement: OperatingByBoard
) -> Iterator[Finding]:
    """The statement's own relations: the contributions cancel out, eliminations net to zero,
    and the municipality's result agrees with the result its income statement states."""
    result = statement.municipality
    if result.contribution != 0:
        yield error(
            config.source,
            "municipality.contributions",
            f"Nämndbidragen tar inte ut varandra i kommunens resultat ({_tkr(result.contribution)} "
            "tkr kvar).",
            "Finansförvaltningens nämndbidrag ska vara minus summan av nämndernas.",
        )
    for e in config.eliminations:
        if e.revenues != e.costs:
            yield warning(
                e.source,
                "municipality.elimination",
                f"Elimineringen '{e.label}' tar bort {_tkr(e.revenues)} tkr intäkter men "
                f"{_tkr(e.costs)} tkr kostnader; interna poster brukar ta ut varandra.",
                "Kontrollera att både köparens kostnad och säljarens intäkt elimineras.",
            )
    if config.stated_result is not None and config.stated_result != result.result:
        yield error(
            config.result_source if config.result_source != NOWHERE else config.source,
            "municipality.total",
            f"Kommunens resultat enligt resultaträkningen är {_tkr(config.stated_result)} tkr, "
            f"men driftredovisningen per nämnd summerar till {_tkr(result.result)} tkr.",
            "Stäm av nämndernas rader, finansförvaltningen och elimineringarna mot "
            "resultaträkningen.",
        )


def period_findings(
    config: MunicipalityConfig, boards: Sequence[tuple[BoardRef, Assessed]]
) -> Iterator[Finding]:
    """A board whose workspace is for another year than the municipality's report."""
    for ref, a in boards:
        year = a.workspace.period.year
        if year != config.period.year:
            yield error(
                ref.where("workspace"),
                "municipality.board_period",
                f"{ref.name}s arbetsyta gäller {year}, men kommunens rapport gäller "
                f"{config.period.year}.",
                "Peka ut nämndens arbetsyta för rätt år.",
            )


# ---------------------------------------------------------------------------
# Everything computed, in one value


@dataclass(frozen=True, slots=True)
class MunicipalityAssessed:
    config: MunicipalityConfig
    boards: tuple[tuple[BoardRef, Assessed], ...]
    board_rows: tuple[tuple[BoardRef, BoardResult], ...]
    operating: OperatingByBoard
    investments: tuple[InvestmentByBoard, ...]
    investments_total: InvestmentByBoard
    council_goals: tuple[CouncilGoalResult, ...]
    counts: tuple[LevelCounts, ...]
    joint: tuple[JointShare, ...]
    findings: tuple[Finding, ...]


def assess_municipality(
    config: MunicipalityConfig,
    boards: Sequence[tuple[BoardRef, Assessed, BoardResult | None]],
) -> MunicipalityAssessed:
    """Everything the municipality's report prints, with the checks' findings.

    ``boards`` gives each board's assessed workspace and its row (``None`` when the
    board has no operating statement: it gets no row, and a finding).
    """
    findings: list[Finding] = []
    assessed = tuple((ref, a) for ref, a, _ in boards)
    rows: list[tuple[BoardRef, BoardResult]] = []
    for ref, _a, br in boards:
        if br is None:
            findings.append(
                warning(
                    ref.where("workspace"),
                    "municipality.board_no_finance",
                    f"{ref.name} har ingen driftredovisning och saknar därför rad i kommunens "
                    "driftredovisning.",
                    "Lägg in nämndens driftredovisning (finance: operating eller ledger).",
                )
            )
        else:
            rows.append((ref, br))
    statement = operating_by_board(rows, config.finance, config.eliminations)
    investments, inv_total = investments_by_board(assessed)
    council, goal_findings = assess_council_goals(config.council_goals, assessed, config.rule)
    joint, joint_findings = joint_shares(config.joint_boards)
    findings += goal_findings
    findings += joint_findings
    findings += board_row_findings(rows)
    findings += statement_findings(config, statement)
    findings += period_findings(config, assessed)
    return MunicipalityAssessed(
        config,
        assessed,
        tuple(rows),
        statement,
        investments,
        inv_total,
        council,
        level_counts(council, assessed),
        joint,
        tuple(findings),
    )

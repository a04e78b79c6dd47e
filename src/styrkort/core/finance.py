"""Operating and investment statements (driftredovisning, investeringsredovisning), SPEC §5.

Amounts are exact ``Decimal`` kronor in ledger signs: costs positive, revenues
negative. Deviation (avvikelse) = budget − outcome, so a positive deviation is
favourable in both revenue and cost rows. Presentation may flip signs
(``SignConvention``); the stored numbers never change.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from styrkort.core.findings import NOWHERE, Source

ZERO = Decimal(0)


class RowKind(enum.Enum):
    """Whether an operating-statement category is revenue or cost."""

    REVENUE = "revenue"
    """Intäkt: negative in ledger signs."""
    COST = "cost"
    """Kostnad: positive in ledger signs."""


class SignConvention(enum.Enum):
    """How amounts are presented; the stored numbers are always in ledger signs."""

    LEDGER = "ledger"
    """As the ledger: costs positive, revenues negative (the reference report)."""
    REVENUE_POSITIVE = "revenue_positive"
    """Revenues positive, costs negative, result positive for a surplus."""


# What the database stores exactly (NUMERIC(20, 4)): 16 integer digits and 4 decimals.
# Every entry point (workspace reader, ledger, web form, import) checks amounts against
# these limits, so no stored amount can make a period unreadable.
AMOUNT_MAX_INTEGER_DIGITS = 16
AMOUNT_MAX_DECIMALS = 4


def amount_problem(value: Decimal) -> str | None:
    """Why ``value`` (kronor) cannot be stored exactly, in Swedish, or None when it can."""
    if not value.is_finite():
        return "Beloppet är inget ändligt tal."
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    decimals = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if integer_digits > AMOUNT_MAX_INTEGER_DIGITS:
        return (
            f"Beloppet har {integer_digits} siffror före decimaltecknet; "
            f"högst {AMOUNT_MAX_INTEGER_DIGITS} kan lagras exakt."
        )
    if decimals > AMOUNT_MAX_DECIMALS:
        significant = value.normalize().as_tuple().exponent  # trailing zeros do not count
        assert isinstance(significant, int)
        decimals = max(0, -significant)
    if decimals > AMOUNT_MAX_DECIMALS:
        return f"Beloppet har {decimals} decimaler; högst {AMOUNT_MAX_DECIMALS} kan lagras exakt."
    return None


class Amounts(Protocol):
    """Anything with a budget, an outcome and their deviation: rows and subtotals alike."""

    @property
    def budget(self) -> Decimal: ...
    @property
    def outcome(self) -> Decimal: ...
    @property
    def deviation(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class OperatingRow:
    """One category (slag) or activity (verksamhet) of the operating statement."""

    category: str
    kind: RowKind
    budget: Decimal
    outcome: Decimal
    original_budget: Decimal | None = None
    forecast: Decimal | None = None
    source: Source = NOWHERE

    @property
    def deviation(self) -> Decimal:
        return self.budget - self.outcome


@dataclass(frozen=True, slots=True)
class Subtotal:
    label: str
    budget: Decimal
    outcome: Decimal
    forecast: Decimal | None = None
    original_budget: Decimal | None = None

    @property
    def deviation(self) -> Decimal:
        return self.budget - self.outcome


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    vals = list(values)
    if any(v is None for v in vals):
        return None
    return sum((v for v in vals if v is not None), ZERO)


def _subtotal(label: str, rows: Sequence[OperatingRow]) -> Subtotal:
    return Subtotal(
        label,
        sum((r.budget for r in rows), ZERO),
        sum((r.outcome for r in rows), ZERO),
        _sum(r.forecast for r in rows) if rows else None,
        _sum(r.original_budget for r in rows) if rows else None,
    )


@dataclass(frozen=True, slots=True)
class OperatingStatement:
    """Revenue rows, cost rows, their subtotals and the net result (nettoresultat)."""

    revenues: tuple[OperatingRow, ...]
    costs: tuple[OperatingRow, ...]
    total_revenues: Subtotal
    total_costs: Subtotal
    net: Subtotal

    @property
    def result(self) -> Decimal:
        """The year's result: positive is a surplus (överskott), negative a deficit (underskott)."""
        return -self.net.outcome

    @property
    def forecast_result(self) -> Decimal | None:
        """The full-year forecast result (interim periods), positive for a surplus."""
        return None if self.net.forecast is None else -self.net.forecast

    @property
    def rows(self) -> tuple[OperatingRow, ...]:
        return self.revenues + self.costs


def operating_statement(rows: Iterable[OperatingRow]) -> OperatingStatement:
    """Group rows into revenues and costs and compute subtotals and the net result."""
    all_rows = tuple(rows)
    revenues = tuple(r for r in all_rows if r.kind is RowKind.REVENUE)
    costs = tuple(r for r in all_rows if r.kind is RowKind.COST)
    tr = _subtotal("TOTALT INTÄKTER", revenues)
    tc = _subtotal("TOTALT KOSTNADER", costs)
    net = Subtotal(
        "NETTORESULTAT",
        tr.budget + tc.budget,
        tr.outcome + tc.outcome,
        None if tr.forecast is None or tc.forecast is None else tr.forecast + tc.forecast,
        None
        if tr.original_budget is None or tc.original_budget is None
        else tr.original_budget + tc.original_budget,
    )
    return OperatingStatement(revenues, costs, tr, tc, net)


def present(amount: Decimal, convention: SignConvention) -> Decimal:
    """An amount in ledger signs as presented under ``convention``.

    Deviations (budget − outcome in ledger signs, positive favourable) are
    never flipped: positive stays favourable under both conventions.
    """
    return amount if convention is SignConvention.LEDGER else -amount


@dataclass(frozen=True, slots=True)
class InvestmentRow:
    """One investment project for the year."""

    project: str
    budget: Decimal
    outcome: Decimal
    member: str = ""
    source: Source = NOWHERE

    @property
    def deviation(self) -> Decimal:
        return self.budget - self.outcome


@dataclass(frozen=True, slots=True)
class FramePart:
    """A member's part of a multi-year project's total frame (ram)."""

    project: str
    member: str
    frame: Decimal
    earlier_outcome: Decimal
    outcome: Decimal
    source: Source = NOWHERE

    @property
    def accumulated(self) -> Decimal:
        return self.earlier_outcome + self.outcome

    @property
    def remaining(self) -> Decimal:
        """What remains of the frame: frame − accumulated outcome (negative when overrun)."""
        return self.frame - self.accumulated


@dataclass(frozen=True, slots=True)
class InvestmentStatement:
    rows: tuple[InvestmentRow, ...]
    total: Subtotal
    frames: tuple[FramePart, ...]
    total_label: str = ""
    total_label_source: Source = NOWHERE

    def projects_with_frames(self) -> list[str]:
        seen: list[str] = []
        for part in self.frames:
            if part.project not in seen:
                seen.append(part.project)
        return seen

    def frame_parts(self, project: str) -> list[FramePart]:
        return [p for p in self.frames if p.project == project]


def investment_statement(
    rows: Iterable[InvestmentRow],
    frames: Iterable[FramePart] = (),
    *,
    total_label: str = "",
    total_label_source: Source = NOWHERE,
) -> InvestmentStatement:
    items = tuple(rows)
    total = Subtotal(
        "TOTALT INVESTERAT",
        sum((r.budget for r in items), ZERO),
        sum((r.outcome for r in items), ZERO),
    )
    return InvestmentStatement(items, total, tuple(frames), total_label, total_label_source)


def unstorable_amounts(
    operating: Iterable[OperatingRow],
    investments: Iterable[InvestmentRow],
    frames: Iterable[FramePart],
) -> Iterator[tuple[str, Source, str, str]]:
    """``(row label, source, column, problem)`` for every amount that :func:`amount_problem`
    refuses: the one rule the checks and the database import share."""
    rows: list[tuple[str, Source, tuple[tuple[str, Decimal | None], ...]]] = []
    for r in operating:
        rows.append(
            (
                r.category,
                r.source,
                (
                    ("budget", r.budget),
                    ("outcome", r.outcome),
                    ("original_budget", r.original_budget),
                    ("forecast", r.forecast),
                ),
            )
        )
    for i in investments:
        rows.append((i.project, i.source, (("budget", i.budget), ("outcome", i.outcome))))
    for f in frames:
        parts: tuple[tuple[str, Decimal | None], ...] = (
            ("frame", f.frame),
            ("earlier_outcome", f.earlier_outcome),
            ("outcome", f.outcome),
        )
        rows.append((f"{f.project} {f.member}", f.source, parts))
    for label, source, amounts in rows:
        for column, value in amounts:
            if value is not None and (problem := amount_problem(value)) is not None:
                yield label, source, column, problem


class ResultColumns:
    """The one place of the relations between the result columns that municipal tables print:
    årets resultat = kommunbidrag + intäkter − kostnader, avvikelse = resultat − budgeterat
    resultat. Mixed into every row that has those columns (a board, a "varav" part, a row of
    the municipality's operating statement)."""

    __slots__ = ()
    contribution: Decimal
    revenues: Decimal
    costs: Decimal
    budget_result: Decimal

    @property
    def result(self) -> Decimal:
        """Årets resultat: contribution + revenues − costs (positive for a surplus)."""
        return self.contribution + self.revenues - self.costs

    @property
    def deviation(self) -> Decimal:
        """Avvikelse mot budgeterat resultat (positive favourable)."""
        return self.result - self.budget_result


RESULT_AMOUNT_KEYS = (
    "contribution",
    "budget_result",
    "balance_adjustment",
    "opening_result",
    "disposition",
    "closing_result",
    "balance_result",
)
"""The amounts a board's workspace may state about its result (``finance:`` keys)."""
PART_AMOUNT_KEYS = ("contribution", "revenues", "costs", "budget_result")
"""The amounts of a "varav" part."""


@dataclass(frozen=True, slots=True)
class ResultPart(ResultColumns):
    """A "varav" row: a part of a board (e.g. "varav vatten och avlopp") printed under it in the
    municipality's operating statement. Kronor, revenues and costs positive (as printed)."""

    label: str
    contribution: Decimal
    revenues: Decimal
    costs: Decimal
    budget_result: Decimal = ZERO
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class BoardResult(ResultColumns):
    """A board's row in the municipality's operating statement (nämndernas driftredovisning).

    Kronor, presented as municipal annual reports print them: the contribution
    (nämndbidrag / kommunbidrag), revenues and costs positive; the result
    positive for a surplus. ``budget_result`` is the result the budget planned
    (0 in the gross model, where the contribution is the budgeted net cost).

    The balanskrav columns and the carried-forward results are None when the
    board does not state them (``balance_adjustment`` is signed as printed:
    a realisation gain that does not count is negative).
    """

    contribution: Decimal
    revenues: Decimal
    costs: Decimal
    budget_result: Decimal = ZERO
    balance_adjustment: Decimal | None = None
    opening_result: Decimal | None = None
    """Ingående redovisat resultat (carried forward from earlier years)."""
    disposition: Decimal | None = None
    """What the council decided to use or write off of the carried result this year."""
    parts: tuple[ResultPart, ...] = ()
    net_model: bool = False
    """True when the board is budgeted by a net frame (nettoram) stated in its workspace."""
    source: Source = NOWHERE
    balance_adjustment_text: str = ""
    """What the balanskrav adjustment is (e.g. "Realisationsvinster"), as the report prints it."""

    @property
    def balance_result(self) -> Decimal | None:
        """Balanskravsresultat: the result plus the balanskrav adjustment."""
        return None if self.balance_adjustment is None else self.result + self.balance_adjustment

    @property
    def closing_result(self) -> Decimal | None:
        """Utgående redovisat resultat = ingående + årets resultat − disposition."""
        if self.opening_result is None:
            return None
        return self.opening_result + self.result - (self.disposition or ZERO)


class BudgetModel(enum.Enum):
    """How the council budgets the board (finance.model)."""

    GROSS = "gross"
    """Bruttobudget: the budget states revenues and costs; the contribution is the budgeted net
    cost, so the budgeted result is 0."""
    NET = "net"
    """Nettoram: the council grants a contribution (kommunbidrag / nämndbidrag); the board
    may plan a result (e.g. using an earlier surplus) and carries its result forward."""


RESULT_WORDS: dict[str, str] = {
    "model": "Budgetmodell",
    "contribution": "Kommunbidrag",
    "revenues": "Intäkter",
    "costs": "Kostnader",
    "result": "Årets resultat",
    "budget_result": "Budgeterat resultat",
    "deviation": "Avvikelse",
    "balance_adjustment": "Justering balanskrav",
    "balance_adjustment_text": "Vad justeringen avser",
    "balance_result": "Balanskravsresultat",
    "opening_result": "Ingående redovisat resultat",
    "disposition": "Disposition",
    "closing_result": "Utgående redovisat resultat",
    "label": "Varav-rad",
}
"""The Swedish words for the board's result columns: the report and the web's Ekonomi screen
print the same ones."""

MODEL_WORDS: dict[BudgetModel, str] = {
    BudgetModel.GROSS: "Bruttobudget",
    BudgetModel.NET: "Nettoram",
}


@dataclass(frozen=True, slots=True)
class ResultSettings:
    """What a board's workspace states about its result beyond the operating statement
    (styrkort.yaml ``finance:``): the budget model, the net model's contribution and budgeted
    result, the balanskrav adjustment and the results carried forward. Kronor, printed signs
    (contribution positive, result positive for a surplus).

    ``closing_result`` and ``balance_result`` are the figures as the board states them (e.g.
    copied from the accounts), None when not stated; the checks compare them with what
    :class:`BoardResult` computes."""

    model: BudgetModel = BudgetModel.GROSS
    contribution: Decimal | None = None
    """Kommunbidrag / nämndbidrag (net model)."""
    budget_result: Decimal = ZERO
    """Budgeterat resultat (net model): negative when the board plans to use earlier surplus."""
    balance_adjustment: Decimal | None = None
    """Justering balanskrav, signed as printed (a realisation gain that does not count: negative)."""
    balance_adjustment_text: str = ""
    opening_result: Decimal | None = None
    """Ingående redovisat resultat (carried forward from earlier years)."""
    disposition: Decimal | None = None
    """Disposition: what the council decided to use or write off of the carried result."""
    closing_result: Decimal | None = None
    """Utgående redovisat resultat as stated (computed: ingående + årets resultat − disposition)."""
    balance_result: Decimal | None = None
    """Balanskravsresultat as stated (computed: årets resultat + justering)."""
    parts: tuple[ResultPart, ...] = ()
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)
    """Where each key was written (``contribution`` → styrkort.yaml:12)."""

    def where(self, key: str) -> Source:
        return self.sources.get(key, self.source)

    @property
    def is_net(self) -> bool:
        return self.model is BudgetModel.NET

    def amounts(self) -> Iterator[tuple[str, Source, Decimal]]:
        """``(key, where, kronor)`` of every stated amount, parts included (``parts[0].costs``)."""
        for key in RESULT_AMOUNT_KEYS:
            value = getattr(self, key)
            if value is not None:
                yield key, self.where(key), value
        for i, p in enumerate(self.parts):
            for key in PART_AMOUNT_KEYS:
                yield f"parts[{i}].{key}", p.source, getattr(p, key)


def board_result(
    operating: OperatingStatement, settings: ResultSettings | None = None
) -> BoardResult:
    """The board's result from its operating statement and what its workspace states.

    Gross model (bruttobudget, the default): the contribution is the budgeted net cost, so
    the budgeted result is 0 and the result equals the net deviation. Net model (nettoram):
    the stated contribution and budgeted result (a net model without a stated contribution
    takes the one the budget implies, net budget + budgeted result; a check says so). The
    balanskrav adjustment, the carried-forward results and the varav parts apply in both.
    """
    s = settings or ResultSettings()
    if s.is_net:
        contribution = (
            s.contribution if s.contribution is not None else operating.net.budget + s.budget_result
        )
        budgeted = s.budget_result
    else:
        contribution, budgeted = operating.net.budget, ZERO
    return BoardResult(
        contribution=contribution,
        revenues=-operating.total_revenues.outcome,
        costs=operating.total_costs.outcome,
        budget_result=budgeted,
        balance_adjustment=s.balance_adjustment,
        opening_result=s.opening_result,
        disposition=s.disposition,
        parts=s.parts,
        net_model=s.is_net,
        source=s.source,
        balance_adjustment_text=s.balance_adjustment_text,
    )

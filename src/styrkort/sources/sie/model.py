"""Records of a SIE file: frozen, amounts Decimal (debit positive, credit negative).

Dates are kept as ``datetime.date``. Year numbers are as in the file, relative
to ``#RAR``: 0 is the file's current financial year, -1 the one before.
An object list is a tuple of ``(dimension, object)`` pairs, both strings as
written in the file; the empty tuple means "the whole account" (``{}``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import NamedTuple

from styrkort.core.findings import Finding


def ymd(value: dt.date) -> str:
    """A date as SIE writes it, ``YYYYMMDD`` (``%Y`` would drop the leading zeros of a year
    before 1000 on some platforms)."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


Objects = tuple[tuple[str, str], ...]
"""An object list ``{1 "100" 6 "P1"}`` as ``(("1", "100"), ("6", "P1"))``; ``()`` is ``{}``."""

ZERO = Decimal(0)
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Sums of amounts are exact whatever their digits (the default context rounds at 28)."""


class Account(NamedTuple):
    """``#KONTO`` with what ``#KTYP``, ``#ENHET`` and ``#SRU`` add."""

    number: str
    name: str
    type: str | None = None
    """T (tillgång), S (skuld), K (kostnad), I (intäkt), from ``#KTYP``."""
    unit: str | None = None
    sru: tuple[str, ...] = ()
    line: int | None = None


class Dimension(NamedTuple):
    """``#DIM`` or ``#UNDERDIM`` (then ``parent`` is the superior dimension)."""

    number: str
    name: str
    parent: str | None = None
    line: int | None = None


class FinancialYear(NamedTuple):
    """``#RAR``: year number relative to the current year, first and last day."""

    number: int
    start: dt.date
    end: dt.date


class Balance(NamedTuple):
    """``#IB``, ``#UB`` or ``#RES``: an account's balance for a year."""

    kind: str
    year: int
    account: str
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = None


class ObjectBalance(NamedTuple):
    """``#OIB`` or ``#OUB``: opening/closing balance of an account for one object list."""

    kind: str
    year: int
    account: str
    objects: Objects
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = None


class PeriodBalance(NamedTuple):
    """``#PSALDO`` (outcome) or ``#PBUDGET`` (budget) of an account for one month.

    ``objects == ()`` is a row for the whole account (``{}``); rows with
    objects are a breakdown of the same money and are never to be added to it.
    """

    kind: str
    year: int
    period: str
    """``YYYYMM`` as written."""
    account: str
    objects: Objects
    amount: Decimal
    quantity: Decimal | None = None
    line: int | None = None


class Transaction(NamedTuple):
    """A ``#TRANS`` (or ``#RTRANS``/``#BTRANS``) row of a voucher."""

    account: str
    objects: Objects
    amount: Decimal
    date: dt.date | None = None
    """The row's own date; None means the voucher's date."""
    text: str = ""
    quantity: Decimal | None = None
    sign: str = ""
    line: int | None = None


class Voucher(NamedTuple):
    """``#VER``: a voucher and its rows.

    ``transactions`` are the ``#TRANS`` rows, the voucher's final content.
    ``added`` (``#RTRANS``) and ``removed`` (``#BTRANS``) are its correction
    history, kept for the audit trail and never summed.
    """

    series: str
    number: str
    date: dt.date
    text: str
    transactions: tuple[Transaction, ...]
    added: tuple[Transaction, ...] = ()
    removed: tuple[Transaction, ...] = ()
    registered: dt.date | None = None
    sign: str = ""
    line: int | None = None

    def total(self) -> Decimal:
        total = ZERO
        for t in self.transactions:
            total = EXACT.add(total, t.amount)
        return total


@dataclass(frozen=True, slots=True)
class Header:
    """Everything in a SIE file except the money: identification and declarations."""

    sie_type: int | None = None
    flag: str | None = None
    format: str | None = None
    program: str = ""
    program_version: str = ""
    generated: dt.date | None = None
    company: str = ""
    org_number: str = ""
    company_id: str = ""
    chart_type: str = ""
    currency: str = ""
    years: Mapping[int, FinancialYear] = field(default_factory=dict)
    accounts: Mapping[str, Account] = field(default_factory=dict)
    dimensions: Mapping[str, Dimension] = field(default_factory=dict)
    objects: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(dimension, object) → name, from ``#OBJEKT``."""
    encoding: str = "cp437"

    def year(self, number: int = 0) -> FinancialYear | None:
        return self.years.get(number)


SumKey = tuple[str, tuple[str | None, ...], str | None]
"""(account, object per chosen dimension or None, period ``YYYYMM`` or None)."""


@dataclass(frozen=True, slots=True)
class Ledger:
    """A whole SIE file: header, balances, budget and every voucher."""

    header: Header
    vouchers: tuple[Voucher, ...] = ()
    balances: tuple[Balance, ...] = ()
    object_balances: tuple[ObjectBalance, ...] = ()
    period_balances: tuple[PeriodBalance, ...] = ()

    def transactions(self) -> Iterable[tuple[Voucher, Transaction]]:
        for v in self.vouchers:
            for t in v.transactions:
                yield v, t

    def sums(
        self, dimensions: Iterable[str | int] = (), *, by_period: bool = True
    ) -> dict[SumKey, Decimal]:
        """Outcome of the vouchers summed per account × chosen dimensions × month."""
        dims = tuple(str(d) for d in dimensions)
        out: dict[SumKey, Decimal] = {}
        for v, t in self.transactions():
            objs = dict(t.objects)
            date = t.date or v.date
            key = (
                t.account,
                tuple(objs.get(d) for d in dims),
                f"{date.year:04d}{date.month:02d}" if by_period else None,
            )
            out[key] = EXACT.add(out.get(key, ZERO), t.amount)
        return out


@dataclass(frozen=True, slots=True)
class LedgerSums:
    """What :func:`sum_sie` keeps: the header, balances, budget and summed outcome.

    Its memory does not grow with the number of vouchers.
    """

    header: Header
    dimensions: tuple[str, ...]
    by_period: bool
    sums: Mapping[SumKey, Decimal]
    vouchers: int
    transactions: int
    balances: tuple[Balance, ...] = ()
    object_balances: tuple[ObjectBalance, ...] = ()
    period_balances: tuple[PeriodBalance, ...] = ()
    account_lines: Mapping[str, int] = field(default_factory=dict)
    """Account → the line where the file first uses it (for findings)."""

    def account_totals(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for (account, _objs, _period), amount in self.sums.items():
            out[account] = EXACT.add(out.get(account, ZERO), amount)
        return out


@dataclass(frozen=True, slots=True)
class SieResult:
    """A reader's answer: the ledger, or None when the file cannot be used, and why."""

    ledger: Ledger | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class SumsResult:
    """:func:`sum_sie`'s answer: the sums, or None when the file cannot be used, and why."""

    sums: LedgerSums | None
    findings: tuple[Finding, ...]

"""The contract between the line reader (reader.py) and the vectorised reader (vector.py).

The line reader's parser *is a* :class:`ReadState`; the vectorised reader is handed
one and reads and updates only what is declared here, never anything else of the
parser. Neither module imports the other's internals: vector.py imports this
module, the lexer and the model, and not reader.py (tests/sources/test_sie_vector.py
checks there is no cycle).

What the vectorised reader may do with a :class:`ReadState`:

- read ``keep_tree``, ``dims``, ``by_period``, ``none_key``, ``encoding``, ``years``;
- ask :meth:`ReadState.at_rest` whether it may take vouchers now (no voucher open,
  no ``#VER`` waiting for its ``{``, no checksum being computed);
- ask :meth:`ReadState.date_period` for a date's month (cached in ``date_cache``);
- for vouchers it accepted (balanced, dated inside year 0, numbered next in their
  series, every line of a shape it reads exactly as the line reader would):
  advance ``series``, note first uses in ``used_accounts`` / ``used_objects``, count
  ``voucher_count`` / ``transaction_count``, set ``has_money``, and add to ``sums``
  (sums mode) or append to ``vouchers`` (tree mode) — what the line reader would do;
- likewise append ``#PSALDO``/``#PBUDGET`` rows it read to ``period_balances``
  (only when their year is in ``years`` and their month inside it, so no finding).

Anything else in a stretch (a finding to give, a record it does not read) it hands
back, line for line, to the line reader through the callback it was given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from styrkort.core.numbers import parse_decimal
from styrkort.sources.sie.model import FinancialYear, PeriodBalance, SumKey, Voucher

AMOUNT_CHARS = "0123456789.-"
"""What an amount written per the specification is made of."""
CACHE_LIMIT = 200_000
"""Entries a reader's cache (dates, object lists) holds before it starts over."""


def parse_date(text: str) -> dt.date | None:
    """A ``YYYYMMDD`` date, or None when ``text`` is not a real one."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def parse_amount(text: str) -> tuple[Decimal | None, bool]:
    """(value, per the spec) for an amount field; value None when it is no number."""
    if text and text.strip(AMOUNT_CHARS) == "":
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is not None:
            return value, True
    lenient = parse_decimal(text)
    return lenient, False


class SeriesNumbers:
    """The voucher numbers seen in one series, in memory that stays small for sequential numbering.

    ``lo..hi`` is the run of integral numbers seen (empty when ``hi < lo``), ``others``
    every other number seen; ``next`` is the number that would extend the run.
    """

    __slots__ = ("hi", "lo", "next", "others")

    def __init__(self) -> None:
        self.lo = 0
        self.hi = -1
        self.next = ""
        self.others: set[object] = set()

    def add(self, number: str) -> bool:
        """Record ``number``; False when it was seen before."""
        integral = number.isascii() and number.isdigit() and (number[0] != "0" or number == "0")
        if not integral:
            if number in self.others:
                return False
            self.others.add(number)
            return True
        key = int(number)
        if self.lo <= key <= self.hi or key in self.others:
            return False
        if self.hi < self.lo:
            self.lo = self.hi = key
        elif key == self.hi + 1:
            self.hi = key
            while self.hi + 1 in self.others:
                self.hi += 1
                self.others.discard(self.hi)
        elif key == self.lo - 1:
            self.lo = key
            while self.lo - 1 in self.others:
                self.lo -= 1
                self.others.discard(self.lo)
        else:
            self.others.add(key)
        self.next = str(self.hi + 1)
        return True

    def extend_to(self, lo: int, hi: int) -> None:
        """The run is now ``lo..hi`` (vouchers numbered next in the series were read)."""
        self.lo, self.hi, self.next = lo, hi, str(hi + 1)


class ReadState:
    """What a SIE reader knows while it reads: the part both readers share (see the module)."""

    def __init__(self, *, keep_tree: bool, dimensions: tuple[str, ...], by_period: bool) -> None:
        self.keep_tree = keep_tree
        self.dims = dimensions
        self.by_period = by_period
        self.none_key: tuple[str | None, ...] = (None,) * len(dimensions)
        self.encoding = "cp437"
        """The file's encoding as far as it is known (``"ascii"`` until a non-ASCII byte)."""
        self.years: dict[int, FinancialYear] = {}
        self.series: dict[str, SeriesNumbers] = {}
        self.date_cache: dict[str, tuple[dt.date, str] | object | None] = {}
        self.used_accounts: dict[str, int] = {}
        """Account → the first line that uses it."""
        self.used_objects: dict[tuple[str, str], int] = {}
        """(dimension, object) → the first line that uses it."""
        self.sums: dict[SumKey, Decimal] = {}
        self.vouchers: list[Voucher] = []
        self.period_balances: list[PeriodBalance] = []
        self.voucher_count = 0
        self.transaction_count = 0
        self.has_money = False

    def at_rest(self) -> bool:
        """True between vouchers: the vectorised reader may take the next ones."""
        raise NotImplementedError

    def date_period(self, text: str) -> tuple[dt.date, str] | None:
        """A date and its month ``YYYYMM``, cached (a file has few distinct dates)."""
        date = parse_date(text)
        value = (date, f"{date.year:04d}{date.month:02d}") if date else None
        if len(self.date_cache) > CACHE_LIMIT:
            self.date_cache.clear()
        self.date_cache[text] = value
        return value

    def note_first_use(
        self, account_lines: dict[str, int], pair_lines: dict[tuple[str, str], int]
    ) -> None:
        """Accounts and object pairs used from these lines (keeps the earliest line of each).

        ``pair_lines`` in line order, the pairs of one line in their list's order: the
        findings of pairs first used on the same line come in the order they were noted,
        so a pair whose line moves earlier is noted again (as the line reader, reading in
        file order, would have noted it then).
        """
        used = self.used_accounts
        for account, line in account_lines.items():
            old = used.get(account)
            if old is None or line < old:
                used[account] = line
        pairs = self.used_objects
        for pair, line in pair_lines.items():
            old = pairs.get(pair)
            if old is None:
                pairs[pair] = line
            elif line < old:
                del pairs[pair]
                pairs[pair] = line

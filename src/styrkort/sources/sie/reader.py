"""Reading SIE 1–4 (4E and 4I) per the SIE 4B specification, streaming.

Two ways to read, one parser:

- :func:`read_sie` keeps every voucher (the full tree, :class:`Ledger`);
- :func:`sum_sie` keeps only the sums per account × chosen dimensions × month
  (:class:`LedgerSums`); its memory does not grow with the number of vouchers.

Both return the value or None plus findings; an ERROR finding means None.
Nothing raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import zlib
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import BinaryIO

from styrkort.core.findings import Finding, Severity, Source, has_errors
from styrkort.sources.sie import vector
from styrkort.sources.sie.codes import CODES, severity
from styrkort.sources.sie.decode import CHUNK, Decoded
from styrkort.sources.sie.lexer import Field, object_pairs, quoted_words, split_fields
from styrkort.sources.sie.model import (
    EXACT,
    ZERO,
    Account,
    Balance,
    Dimension,
    FinancialYear,
    Header,
    Ledger,
    LedgerSums,
    ObjectBalance,
    Objects,
    PeriodBalance,
    SieResult,
    SumsResult,
    Transaction,
    Voucher,
    ymd,
)
from styrkort.sources.sie.state import (
    AMOUNT_CHARS,
    CACHE_LIMIT,
    ReadState,
    SeriesNumbers,
    parse_amount,
    parse_date,
)

MAX_PER_CODE = 50
"""Findings listed per code; the rest are counted in one ``sie.more`` finding."""

_MISSING = object()


class _Bad(Exception):
    """A record that cannot be read; carries the finding code and Swedish text."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class _Voucher:
    """A voucher being read."""

    __slots__ = (
        "added",
        "date",
        "line",
        "number",
        "pending",
        "period",
        "registered",
        "removed",
        "rows",
        "series",
        "sign",
        "text",
        "total",
    )

    def __init__(
        self,
        series: str,
        number: str,
        date: dt.date,
        text: str,
        registered: dt.date | None,
        sign: str,
        line: int,
        period: str = "",
    ) -> None:
        self.series = series
        self.number = number
        self.date = date
        self.period = period or f"{date.year:04d}{date.month:02d}"
        self.text = text
        self.registered = registered
        self.sign = sign
        self.line = line
        self.total = ZERO
        self.rows: list[Transaction] = []
        self.added: list[Transaction] = []
        self.removed: list[Transaction] = []
        self.pending: Transaction | None = None


class _Parser(ReadState):
    """The line reader: reads every record and gives every finding (the reference)."""

    def __init__(self, name: str, *, keep_tree: bool, dimensions: tuple[str, ...], by_period: bool):
        super().__init__(keep_tree=keep_tree, dimensions=dimensions, by_period=by_period)
        self.name = name
        self.findings: list[Finding] = []
        self.code_counts: dict[str, int] = {}
        # header
        self.flag: str | None = None
        self.format: str | None = None
        self.format_line: int | None = None
        self.sie_type: int | None = None
        self.program = ""
        self.program_version = ""
        self.generated: dt.date | None = None
        self.company = ""
        self.org_number = ""
        self.company_id = ""
        self.chart_type = ""
        self.currency = ""
        self.accounts: dict[str, Account] = {}
        self.dimensions: dict[str, Dimension] = {}
        self.objects: dict[tuple[str, str], str] = {}
        # money
        self.balances: list[Balance] = []
        self.object_balances: list[ObjectBalance] = []
        self.period_balances: list[PeriodBalance] = []
        # state
        self.voucher: _Voucher | None = None
        self.expect_brace: _Voucher | None = None
        self.unknown_years: set[int] = set()
        self.heads: dict[str, tuple[str, Objects, tuple[str | None, ...]]] = {}
        self.crc_state: int | None = None  # running CRC between the #KSUMMA records
        self.crc_started_line: int | None = None
        self.crc_done = False
        self._deferred_years: list[tuple[int, int]] = []
        self._crc_before_close = 0
        self._months: dict[FinancialYear, tuple[str, str]] = {}
        self._lists: dict[str, Objects] = {}
        # (year, month) of #PSALDO/#PBUDGET read without a finding, while the years stay
        self._period_keys: dict[tuple[str, str], int] = {}
        self.handlers: dict[str, Callable[[list[Field], int], None]] = {
            "#FLAGGA": self._flagga,
            "#FORMAT": self._format,
            "#SIETYP": self._sietyp,
            "#PROGRAM": self._program,
            "#GEN": self._gen,
            "#FNAMN": self._fnamn,
            "#ORGNR": self._orgnr,
            "#FNR": self._fnr,
            "#KPTYP": self._kptyp,
            "#VALUTA": self._valuta,
            "#RAR": self._rar,
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#ENHET": self._enhet,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
            "#VER": self._ver,
            "#TRANS": self._trans,
            "#RTRANS": self._trans,
            "#BTRANS": self._trans,
            "#KSUMMA": self._ksumma,
        }
        self._label = ""

    # ---------------------------------------------------------------- findings

    def add(
        self, code: str, line: int | None, message: str, hint: str = "", **details: object
    ) -> None:
        n = self.code_counts.get(code, 0) + 1
        self.code_counts[code] = n
        if n <= MAX_PER_CODE:
            sev = severity(code)
            self.findings.append(
                Finding(Source(self.name, line), code, sev, message, hint, details or None)
            )

    # ---------------------------------------------------------------- the loop

    def feed(self, text: str, lineno: int) -> int:
        """Read the complete lines in ``text``; ``lineno`` is the number of lines before it.

        The common well-formed ``#VER`` and ``#TRANS`` lines take inline fast
        paths; anything unusual goes to :meth:`_record`, which reads every
        record the same way and gives the findings.
        """
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        keep_tree = self.keep_tree
        sums = self.sums
        sums_get = sums.get
        date_cache = self.date_cache
        date_period = self.date_period
        by_period = self.by_period
        fast_ver = self._fast_ver
        heads_get = self.heads.get
        series_get = self.series.get
        years_get = self.years.get
        nvouchers = 0
        ntrans = 0
        record = self._record
        crc_on = self.crc_state is not None
        for line in lines:
            lineno += 1
            s = line.strip(" \t\r")
            if not s:
                continue
            if crc_on:
                self._crc(s)
            c = s[0]
            if c == "#":
                voucher = self.voucher
                if voucher is None:
                    if s.startswith("#VER ") and fast_ver(s, lineno):
                        continue
                    if s.startswith("#P") and self._fast_period(s, lineno):
                        continue
                elif voucher.pending is None and s.startswith("#TRANS "):
                    e = s.find("}")
                    head = heads_get(s[:e]) if e > 0 else None
                    if head is None and e > 0:
                        head = self._head(s[:e], lineno)
                    if head is not None:
                        tail = s[e + 1 :]
                        rest: list[str] | None
                        if "{" in tail:
                            # an object list (or a brace) after the amount: the line reader
                            # reads it, in the tree and in the sums alike (bench/fuzz.py found
                            # the sums taking `… 20100303 {} 1000` that the tree refused)
                            rest = None
                        elif keep_tree:
                            if '"' in tail or not tail.isascii():
                                rest = quoted_words(tail) if "\\" not in tail else None
                            else:
                                rest = tail.split()
                        else:
                            # the sums need the amount and the date only: what follows is not read
                            rest = tail.split(None, 2)
                            if len(rest) == 3:
                                third = rest.pop()
                                cut = len(tail) - len(third)
                                # as the tree's path above: a quote after a separator other
                                # than space or tab (str.split also splits at \x1d …), or a
                                # backslash, is for the line reader (found by bench/fuzz.py)
                                if not tail[:cut].isascii() or (
                                    '"' in third
                                    and (
                                        "\\" in tail
                                        or tail[cut - 1] not in " \t"
                                        or quoted_words(third) is None
                                    )
                                ):
                                    rest = None  # the line reader reads it (and its quoting)
                            elif not tail.isascii():
                                rest = None
                            if rest and ('"' in rest[0] or (len(rest) > 1 and '"' in rest[1])):
                                rest = None if len(rest) < 2 or rest[1] != '""' else [rest[0], ""]
                        if rest:
                            amount_text = rest[0]
                            amount: Decimal | None = None
                            if not amount_text.strip(AMOUNT_CHARS):
                                try:
                                    amount = Decimal(amount_text)
                                except InvalidOperation:
                                    amount = None
                            n = len(rest)
                            if amount is not None and (n <= 3 or not keep_tree):
                                day: dt.date | None = None
                                period: str | None = voucher.period
                                if n > 1 and rest[1]:
                                    dp = date_cache.get(rest[1], _MISSING)
                                    if dp is _MISSING:
                                        dp = date_period(rest[1])
                                    if dp is None:
                                        period = None  # a bad date: record() says so
                                    else:
                                        day, period = dp  # type: ignore[misc]
                                if period is not None:
                                    voucher.total += amount
                                    ntrans += 1
                                    if keep_tree:
                                        voucher.rows.append(
                                            Transaction(
                                                head[0],
                                                head[1],
                                                amount,
                                                day,
                                                rest[2] if n > 2 else "",
                                                None,
                                                "",
                                                lineno,
                                            )
                                        )
                                    else:
                                        key = (head[0], head[2], period if by_period else None)
                                        sums[key] = sums_get(key, ZERO) + amount
                                    continue
                record(s, lineno)
                crc_on = self.crc_state is not None
            elif c == "{":
                self._open(lineno)
            elif c == "}":
                # fast path: a balanced voucher, next in its series, inside the year
                v = self.voucher
                if (
                    v is not None
                    and not keep_tree
                    and v.pending is None
                    and v.total == 0
                    and s == "}"
                ):
                    numbers = series_get(v.series)
                    year0 = years_get(0)
                    if (
                        numbers is not None
                        and v.number == numbers.next
                        and not numbers.others
                        and (year0 is None or year0.start <= v.date <= year0.end)
                    ):
                        numbers.hi += 1
                        numbers.next = str(numbers.hi + 1)
                        nvouchers += 1
                        self.voucher = None
                        continue
                self._close(lineno)
            else:
                self.add(
                    "sie.stray_text",
                    lineno,
                    f"Raden är ingen SIE-post: {s[:40]!r}.",
                    "Varje rad i en SIE-fil börjar med #, { eller }. Ta bort raden eller exportera filen på nytt.",
                )
        self.transaction_count += ntrans
        self.voucher_count += nvouchers
        return lineno

    def _head(self, head: str, lineno: int) -> tuple[str, Objects, tuple[str | None, ...]] | None:
        """``#TRANS account {objects`` parsed once and remembered; None sends the row to record()."""
        b = head.find("{")
        if b < 0 or head[b - 1] not in " \t" or "\\" in head:
            return None
        account = head[7:b].strip(" \t")  # as split_words: not at U+00A0 (a CP437 0xFF)
        if not (account.isdigit() and account.isascii()):
            return None
        inner = head[b + 1 :]
        if "{" in inner:
            return None
        pairs = object_pairs(inner)
        if pairs is None:
            return None
        used = self.used_objects
        for pair in pairs:
            if pair not in used:
                used[pair] = lineno
        if account not in self.used_accounts:
            self.used_accounts[account] = lineno
        if self.dims:
            lookup = dict(pairs)
            key = tuple(lookup.get(d) for d in self.dims)
        else:
            key = self.none_key
        if len(self.heads) > CACHE_LIMIT:
            self.heads.clear()
        value = (account, pairs, key)
        self.heads[head] = value
        return value

    def at_rest(self) -> bool:
        return self.voucher is None and self.expect_brace is None and self.crc_state is None

    def _fast_period(self, s: str, lineno: int) -> bool:
        """``#PSALDO``/``#PBUDGET`` with one object list, split without the general splitter.

        The fields are exactly what :func:`split_fields` gives for such a line (the same
        ``quoted_words`` on each part); False sends the line to record().
        """
        if self.expect_brace is not None or "\\" in s:
            return False
        b = s.find("{")
        e = s.find("}")
        n = len(s)
        if (
            b <= 0
            or e < b
            or s[b - 1] not in " \t"
            or (e + 1 < n and s[e + 1] not in " \t")
            or s.find("{", b + 1) >= 0
            or s.find("}", e + 1) >= 0
        ):
            return False
        pre = quoted_words(s[:b])
        if pre is None or len(pre) != 4 or pre[0] not in ("#PSALDO", "#PBUDGET"):
            return False
        inner = s[b + 1 : e]
        objs = self._lists.get(inner)
        if objs is None:
            words = quoted_words(inner)
            if words is None or len(words) % 2:
                return False
            objs = tuple(zip(words[0::2], words[1::2], strict=True))
            if len(self._lists) < CACHE_LIMIT:
                self._lists[inner] = objs
        post = quoted_words(s[e + 1 :])
        if post is None:
            return False
        label = pre[0]
        year = self._period_keys.get((pre[1], pre[2]))
        amount_text = post[0] if post else ""
        if year is not None and len(post) <= 2 and not amount_text.strip(AMOUNT_CHARS):
            # a year and month seen before without a finding: only the money is new
            try:
                amount = Decimal(amount_text)
            except InvalidOperation:
                amount = None
            if amount is not None:
                used = self.used_objects
                for pair in objs:
                    if pair not in used:
                        used[pair] = lineno
                account = pre[3]
                if account not in self.used_accounts:
                    self.used_accounts[account] = lineno
                self.has_money = True
                quantity = parse_amount(post[1])[0] if len(post) > 1 and post[1] else None
                self.period_balances.append(
                    PeriodBalance(label[1:], year, pre[2], account, objs, amount, quantity, lineno)
                )
                return True
        self._label = label
        found = sum(self.code_counts.values())
        try:
            self._period_balance([pre[1], pre[2], pre[3], objs, *post], lineno)
        except _Bad as bad:
            self.add(bad.code, lineno, bad.message, bad.hint)
        else:
            # (_period_balance read the year with int(): no error here)
            year = int(pre[1])
            if (
                found == sum(self.code_counts.values())
                and pre[1] == str(year)
                and year in self.years
                and len(self._period_keys) < CACHE_LIMIT
            ):
                self._period_keys[(pre[1], pre[2])] = year
        return True

    def _fast_ver(self, s: str, lineno: int) -> bool:
        """The common well-formed ``#VER``; False sends the line to record()."""
        if self.expect_brace is not None or "\\" in s or "{" in s:
            return False
        f: list[str] | None = None
        if s.count('"') == 2:
            # #VER A 17 20200310 "text" 20200311 : one quoted text, the common case
            a = s.find('"')
            z = s.find('"', a + 1)
            if s[a - 1] in " \t" and (z + 1 == len(s) or s[z + 1] in " \t"):
                f = s[:a].split()
                if len(f) == 4 and s[:a].isascii() and s[z + 1 :].isascii():
                    f.append(s[a + 1 : z])
                    f.extend(s[z + 1 :].split())
                else:
                    f = None
        if f is None:
            f = quoted_words(s)
        if f is None or len(f) < 4:
            return False
        dp = self.date_cache.get(f[3], _MISSING)
        if dp is _MISSING:
            dp = self.date_period(f[3])
        if dp is None:
            return False
        n = len(f)
        registered = None
        if n > 5 and f[5]:
            reg = self.date_cache.get(f[5], _MISSING)
            if reg is _MISSING:
                reg = self.date_period(f[5])
            registered = reg[0] if reg else None  # type: ignore[index]
        assert isinstance(dp, tuple)
        date: dt.date = dp[0]
        period: str = dp[1]
        self.has_money = True
        self.expect_brace = _Voucher(
            f[1],
            f[2],
            date,
            f[4] if n > 4 else "",
            registered,
            f[6] if n > 6 else "",
            lineno,
            period,
        )
        return True

    def _record(self, s: str, lineno: int) -> None:
        split = split_fields(s)
        fields = split.fields
        if not fields or not isinstance(fields[0], str):
            return
        label = fields[0]
        handler = self.handlers.get(label)
        if handler is None:
            label = label.upper()
            handler = self.handlers.get(label)
        if handler is None:
            return  # unknown labels are ignored, as the specification demands
        if self.voucher is not None and label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            self.add(
                "sie.block",
                self.voucher.line,
                f"Verifikation {self.voucher.series} {self.voucher.number} avslutas aldrig med }}.",
                "Lägg till en rad med } efter verifikationens sista #TRANS, eller exportera filen på nytt.",
            )
            self._finish_voucher(self.voucher)
            self.voucher = None
        if self.expect_brace is not None and label != "#KSUMMA":
            v = self.expect_brace
            self.expect_brace = None
            self.add(
                "sie.block",
                v.line,
                f"Verifikation {v.series} {v.number} saknar sina rader: {{ följer inte efter #VER.",
                "Efter #VER ska en rad med { komma, sedan raderna (#TRANS) och sist }.",
            )
        if split.problem == "quote":
            self.add(
                "sie.quoting",
                lineno,
                "Ett citattecken stängs aldrig (eller står mitt i ett ord); resten av raden lästes som ett fält.",
                'Kontrollera citattecknen på raden; ett citattecken i en text skrivs \\".',
            )
        elif split.problem == "brace":
            self.add(
                "sie.bad_record",
                lineno,
                "Objektlistan är trasig: { stängs inte, eller dimension och objekt kommer inte i par.",
                'Skriv objektlistan som {dimension objekt ...}, t.ex. {1 "100" 6 "P1"}.',
            )
            return
        self._label = label
        try:
            handler(fields[1:], lineno)
        except _Bad as bad:
            self.add(bad.code, lineno, bad.message, bad.hint)

    # ---------------------------------------------------------------- field helpers

    def _str(self, fields: list[Field], i: int, what: str, *, required: bool = True) -> str:
        if i >= len(fields):
            if required:
                raise _Bad(
                    "sie.bad_record",
                    f"{self._label} saknar fältet {what}.",
                    f"Komplettera posten enligt SIE 4B: {self._label} måste ha {what}.",
                )
            return ""
        value = fields[i]
        if not isinstance(value, str):
            raise _Bad(
                "sie.bad_record",
                f"{self._label}: en objektlista står där {what} skulle stå.",
                "Kontrollera fältens ordning enligt SIE 4B.",
            )
        return value

    def _amount(self, text: str, lineno: int, what: str = "beloppet") -> Decimal:
        value, exact = parse_amount(text)
        if value is None:
            raise _Bad(
                "sie.bad_amount",
                f"{self._label}: {what} {text!r} är inget tal.",
                "Belopp skrivs med punkt som decimaltecken och minus för kredit, t.ex. -1234.50.",
            )
        if not exact:
            self.add(
                "sie.amount_format",
                lineno,
                f"{self._label}: beloppet {text!r} är inte skrivet enligt SIE; lästes som {value}.",
                "SIE skriver belopp med decimalpunkt, t.ex. 1234.50. Rätta exporten om det går.",
            )
        return value

    def _quantity(self, fields: list[Field], i: int) -> Decimal | None:
        text = self._str(fields, i, "kvantitet", required=False)
        if not text:
            return None
        value, _exact = parse_amount(text)
        return value

    def _year(self, fields: list[Field], i: int, lineno: int) -> int:
        text = self._str(fields, i, "årsnummer")
        try:
            year = int(text)
        except ValueError:
            raise _Bad(
                "sie.bad_record",
                f"{self._label}: årsnumret {text!r} är inget heltal.",
                "Årsnummer är 0 för innevarande år, -1 för föregående och så vidare (#RAR).",
            ) from None
        if year not in self.years and year not in self.unknown_years:
            self.unknown_years.add(year)
            self._deferred_years.append((year, lineno))
        return year

    def _date(self, text: str, what: str) -> dt.date:
        value = self.date_cache.get(text, _MISSING)
        if value is _MISSING:
            value = self.date_period(text)
        if not isinstance(value, tuple):
            raise _Bad(
                "sie.bad_date",
                f"{self._label}: {what} {text!r} är inget giltigt datum.",
                "Datum skrivs ÅÅÅÅMMDD och måste finnas i kalendern, t.ex. 20200131.",
            )
        date: dt.date = value[0]
        return date

    def _objects_field(self, fields: list[Field], i: int, lineno: int) -> tuple[Objects, int]:
        """The object list at ``i`` (or () when it is missing), and the index after it."""
        if i < len(fields) and isinstance(fields[i], tuple):
            objs = fields[i]
            assert isinstance(objs, tuple)
            for pair in objs:
                if pair not in self.used_objects:
                    self.used_objects[pair] = lineno
            return objs, i + 1
        return (), i

    def _note_account(self, account: str, lineno: int) -> None:
        if account not in self.used_accounts:
            self.used_accounts[account] = lineno

    # ---------------------------------------------------------------- header records

    def _flagga(self, f: list[Field], lineno: int) -> None:
        self.flag = self._str(f, 0, "flagga", required=False)

    def _format(self, f: list[Field], lineno: int) -> None:
        self.format = self._str(f, 0, "format", required=False)
        self.format_line = lineno
        if self.format.upper() != "PC8":
            self.add(
                "sie.format",
                lineno,
                f"#FORMAT {self.format!r} finns inte i SIE 4; filen läses ändå (kodningen avgörs av innehållet).",
                "SIE 4 ska ha #FORMAT PC8 (teckentabell CP437).",
            )

    def _sietyp(self, f: list[Field], lineno: int) -> None:
        text = self._str(f, 0, "typ")
        if text not in ("1", "2", "3", "4"):
            self.add(
                "sie.sietyp",
                lineno,
                f"#SIETYP {text!r} är inte 1, 2, 3 eller 4; filen läses som typ 4.",
                "Exportera filen som SIE typ 1–4.",
            )
            return
        self.sie_type = int(text)

    def _program(self, f: list[Field], lineno: int) -> None:
        self.program = self._str(f, 0, "programnamn", required=False)
        self.program_version = self._str(f, 1, "version", required=False)

    def _gen(self, f: list[Field], lineno: int) -> None:
        self.generated = parse_date(self._str(f, 0, "datum", required=False))

    def _fnamn(self, f: list[Field], lineno: int) -> None:
        self.company = self._str(f, 0, "företagsnamn", required=False)

    def _orgnr(self, f: list[Field], lineno: int) -> None:
        self.org_number = self._str(f, 0, "organisationsnummer", required=False)

    def _fnr(self, f: list[Field], lineno: int) -> None:
        self.company_id = self._str(f, 0, "företagsid", required=False)

    def _kptyp(self, f: list[Field], lineno: int) -> None:
        self.chart_type = self._str(f, 0, "kontoplanstyp", required=False)

    def _valuta(self, f: list[Field], lineno: int) -> None:
        self.currency = self._str(f, 0, "valuta", required=False)

    def _rar(self, f: list[Field], lineno: int) -> None:
        year = self._year_number(f)
        start = self._date(self._str(f, 1, "startdatum"), "startdatumet")
        end = self._date(self._str(f, 2, "slutdatum"), "slutdatumet")
        if end < start:
            raise _Bad(
                "sie.bad_date",
                f"#RAR {year}: räkenskapsåret slutar ({ymd(end)}) före det börjar ({ymd(start)}).",
                "Kontrollera räkenskapsårets datum i bokföringsprogrammet.",
            )
        self.years[year] = FinancialYear(year, start, end)
        self._period_keys.clear()

    def _year_number(self, f: list[Field]) -> int:
        text = self._str(f, 0, "årsnummer")
        try:
            return int(text)
        except ValueError:
            raise _Bad(
                "sie.bad_record",
                f"{self._label}: årsnumret {text!r} är inget heltal.",
                "Årsnummer är 0 för innevarande år, -1 för föregående och så vidare.",
            ) from None

    def _konto(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "kontonummer")
        name = self._str(f, 1, "kontonamn", required=False)
        old = self.accounts.get(number)
        if old is None:
            self.accounts[number] = Account(number, name, line=lineno)
        else:
            self.accounts[number] = old._replace(name=name or old.name, line=old.line or lineno)

    def _account_entry(self, number: str, lineno: int) -> Account:
        acc = self.accounts.get(number)
        if acc is None:
            # #KTYP/#SRU before (or without) #KONTO: keep it, without declaring the account
            acc = Account(number, "", line=None)
        return acc

    def _ktyp(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "kontonummer")
        acc = self._account_entry(number, lineno)
        self.accounts[number] = acc._replace(type=self._str(f, 1, "kontotyp", required=False))

    def _enhet(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "kontonummer")
        acc = self._account_entry(number, lineno)
        self.accounts[number] = acc._replace(unit=self._str(f, 1, "enhet", required=False))

    def _sru(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "kontonummer")
        acc = self._account_entry(number, lineno)
        code = self._str(f, 1, "SRU-kod", required=False)
        self.accounts[number] = acc._replace(sru=(*acc.sru, code))

    def _dim(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "dimensionsnummer")
        self.dimensions[number] = Dimension(
            number, self._str(f, 1, "namn", required=False), line=lineno
        )

    def _underdim(self, f: list[Field], lineno: int) -> None:
        number = self._str(f, 0, "dimensionsnummer")
        name = self._str(f, 1, "namn", required=False)
        parent = self._str(f, 2, "överordnad dimension", required=False) or None
        self.dimensions[number] = Dimension(number, name, parent, lineno)

    def _objekt(self, f: list[Field], lineno: int) -> None:
        dim = self._str(f, 0, "dimensionsnummer")
        obj = self._str(f, 1, "objektkod")
        self.objects[(dim, obj)] = self._str(f, 2, "objektnamn", required=False)

    # ---------------------------------------------------------------- balances

    def _balance(self, f: list[Field], lineno: int) -> None:
        year = self._year(f, 0, lineno)
        account = self._str(f, 1, "kontonummer")
        amount = self._amount(self._str(f, 2, "saldo"), lineno)
        self._note_account(account, lineno)
        self.has_money = True
        self.balances.append(
            Balance(self._label[1:], year, account, amount, self._quantity(f, 3), lineno)
        )

    def _object_balance(self, f: list[Field], lineno: int) -> None:
        year = self._year(f, 0, lineno)
        account = self._str(f, 1, "kontonummer")
        objs, i = self._objects_field(f, 2, lineno)
        amount = self._amount(self._str(f, i, "saldo"), lineno)
        self._note_account(account, lineno)
        self.has_money = True
        self.object_balances.append(
            ObjectBalance(
                self._label[1:], year, account, objs, amount, self._quantity(f, i + 1), lineno
            )
        )

    def _period_balance(self, f: list[Field], lineno: int) -> None:
        year = self._year(f, 0, lineno)
        period = self._str(f, 1, "period")
        if len(period) != 6 or (
            self.date_cache.get(period + "01") is None and (self.date_period(period + "01") is None)
        ):
            raise _Bad(
                "sie.bad_date",
                f"{self._label}: perioden {period!r} är ingen månad.",
                "Perioder skrivs ÅÅÅÅMM, t.ex. 202003.",
            )
        account = self._str(f, 2, "kontonummer")
        objs, i = self._objects_field(f, 3, lineno)
        amount = self._amount(self._str(f, i, "saldo"), lineno)
        self._note_account(account, lineno)
        self.has_money = True
        rar = self.years.get(year)
        months = None if rar is None else self._months.get(rar)
        if rar is not None and months is None:
            months = self._months[rar] = (ymd(rar.start)[:6], ymd(rar.end)[:6])
        if rar is not None and months is not None and not (months[0] <= period <= months[1]):
            self.add(
                "sie.period_outside_year",
                lineno,
                f"{self._label}: perioden {period} ligger utanför räkenskapsår {year} "
                f"({ymd(rar.start)}–{ymd(rar.end)}).",
                "Kontrollera årsnummer och period; raden räknas till det år den anger.",
            )
        self.period_balances.append(
            PeriodBalance(
                self._label[1:],
                year,
                period,
                account,
                objs,
                amount,
                self._quantity(f, i + 1),
                lineno,
            )
        )

    # ---------------------------------------------------------------- vouchers

    def _ver(self, f: list[Field], lineno: int) -> None:
        series = self._str(f, 0, "serie", required=False)
        number = self._str(f, 1, "verifikationsnummer", required=False)
        date = self._date(self._str(f, 2, "verifikationsdatum"), "verifikationsdatumet")
        text = self._str(f, 3, "text", required=False)
        reg_text = self._str(f, 4, "registreringsdatum", required=False)
        registered = parse_date(reg_text) if reg_text else None  # a bad one is only lost
        sign = self._str(f, 5, "signatur", required=False)
        self.has_money = True
        self.expect_brace = _Voucher(series, number, date, text, registered, sign, lineno)

    def _open(self, lineno: int) -> None:
        if self.expect_brace is None:
            self.add(
                "sie.block",
                lineno,
                "En { som inte hör till någon #VER.",
                "Ta bort raden, eller lägg #VER-posten före den.",
            )
            return
        self.voucher = self.expect_brace
        self.expect_brace = None

    def _close(self, lineno: int) -> None:
        if self.voucher is None:
            self.add(
                "sie.block",
                lineno,
                "En } utan verifikation att avsluta.",
                "Ta bort raden, eller lägg till #VER och { före verifikationens rader.",
            )
            return
        self._finish_voucher(self.voucher)
        self.voucher = None

    def _trans(self, f: list[Field], lineno: int) -> None:
        v = self.voucher
        if v is None:
            raise _Bad(
                "sie.block",
                f"{self._label} står utanför en verifikation.",
                "Rader (#TRANS) ska stå mellan { och } efter en #VER-post.",
            )
        account = self._str(f, 0, "kontonummer")
        objs, i = self._objects_field(f, 1, lineno)
        amount = self._amount(self._str(f, i, "belopp"), lineno)
        date_text = self._str(f, i + 1, "transaktionsdatum", required=False)
        date = self._date(date_text, "transaktionsdatumet") if date_text else None
        row = Transaction(
            account,
            objs,
            amount,
            date,
            self._str(f, i + 2, "text", required=False),
            self._quantity(f, i + 3),
            self._str(f, i + 4, "signatur", required=False),
            lineno,
        )
        label = self._label
        if label == "#RTRANS":
            self._unmatched_rtrans(v)
            v.pending = row
            if self.keep_tree:
                v.added.append(row)
            return
        if label == "#BTRANS":
            if self.keep_tree:
                v.removed.append(row)
            return
        if v.pending is not None:
            p = v.pending
            if (p.account, p.objects, p.amount) != (account, objs, amount):
                self._unmatched_rtrans(v)
            v.pending = None
        self._note_account(account, lineno)
        v.total += amount
        self.transaction_count += 1
        if self.keep_tree:
            v.rows.append(row)
        else:
            when = date or v.date
            period = f"{when.year:04d}{when.month:02d}" if self.by_period else None
            if self.dims:
                lookup = dict(objs)
                okey = tuple(lookup.get(d) for d in self.dims)
            else:
                okey = self.none_key
            key = (account, okey, period)
            self.sums[key] = self.sums.get(key, ZERO) + amount

    def _unmatched_rtrans(self, v: _Voucher) -> None:
        p = v.pending
        if p is None:
            return
        v.pending = None
        self.add(
            "sie.rtrans_unmatched",
            p.line,
            f"#RTRANS för konto {p.account} ({p.amount}) följs inte av en likadan #TRANS; "
            "raden räknas inte.",
            "Enligt SIE 4B ska varje #RTRANS följas av samma rad som #TRANS. Exportera filen på nytt.",
        )

    def _finish_voucher(self, v: _Voucher) -> None:
        self._unmatched_rtrans(v)
        self.voucher_count += 1
        numbers = self.series.get(v.series)
        if numbers is None:
            numbers = self.series[v.series] = SeriesNumbers()
        if v.number and not numbers.add(v.number):
            self.add(
                "sie.duplicate_voucher",
                v.line,
                f"Verifikationsnummer {v.number} finns redan i serie {v.series or '(ingen)'}; båda räknas.",
                "Kontrollera exporten: samma verifikation kan ha kommit med två gånger.",
                series=v.series,
                number=v.number,
            )
        if v.total != 0:
            self.add(
                "sie.unbalanced",
                v.line,
                f"Verifikation {v.series} {v.number} ({ymd(v.date)}) balanserar inte: "
                f"raderna summerar till {v.total} i stället för 0.",
                "Debet och kredit måste vara lika stora. Rätta verifikationen i bokföringen och exportera igen.",
                series=v.series,
                number=v.number,
                difference=str(v.total),
            )
        rar = self.years.get(0)
        if rar is not None and not (rar.start <= v.date <= rar.end):
            self.add(
                "sie.outside_year",
                v.line,
                f"Verifikation {v.series} {v.number} är daterad {ymd(v.date)}, utanför räkenskapsåret "
                f"{ymd(rar.start)}–{ymd(rar.end)}.",
                "Kontrollera datumet, eller att filen exporterades för rätt år.",
            )
        if self.keep_tree:
            self.vouchers.append(
                Voucher(
                    v.series,
                    v.number,
                    v.date,
                    v.text,
                    tuple(v.rows),
                    tuple(v.added),
                    tuple(v.removed),
                    v.registered,
                    v.sign,
                    v.line,
                )
            )

    # ---------------------------------------------------------------- checksum

    def _ksumma(self, f: list[Field], lineno: int) -> None:
        if not f:
            if self.crc_state is None and not self.crc_done:
                self.crc_state = 0
                self.crc_started_line = lineno
            return
        text = self._str(f, 0, "kontrollsumma")
        if self.crc_state is None:
            return  # a closing #KSUMMA without an opening one: nothing was summed
        # the closing record itself was fed to _crc before we got here: undo by recomputing
        computed = self._crc_before_close
        self.crc_state = None
        self.crc_done = True
        try:
            expected = int(text)
        except ValueError:
            expected = -1
        if expected != computed:
            self.add(
                "sie.checksum",
                lineno,
                f"Kontrollsumman stämmer inte: filen anger {text}, innehållet ger {computed}. "
                "Filen har ändrats efter exporten eller skadats.",
                "Exportera filen på nytt ur bokföringsprogrammet och ändra den inte för hand.",
                expected=text,
                computed=computed,
            )

    def _crc(self, s: str) -> None:
        """Feed a record to the checksum: its label and field contents, without separators or quotes."""
        if s in ("{", "}"):
            self.crc_state = zlib.crc32(s.encode("ascii"), self.crc_state or 0)
            return
        split = split_fields(s)
        fields = split.fields
        if fields and fields[0] == "#KSUMMA":
            if len(fields) == 1:
                return  # the opening record is not summed
            self._crc_before_close = self.crc_state or 0
            return
        parts: list[str] = []
        for field in fields:
            if isinstance(field, tuple):
                parts.append("{")
                for d, o in field:
                    parts.append(d)
                    parts.append(o)
                parts.append("}")
            else:
                parts.append(field)
        data = "".join(parts).encode(self.encoding, errors="replace")
        self.crc_state = zlib.crc32(data, self.crc_state or 0)

    # ---------------------------------------------------------------- the end

    def finish(self, decoded: Decoded, lineno: int) -> None:
        if self.voucher is not None:
            v = self.voucher
            self.add(
                "sie.truncated",
                v.line,
                f"Filen tar slut mitt i verifikation {v.series} {v.number}: avslutande }} saknas.",
                "Filen är avkortad. Exportera den på nytt och kontrollera att hela filen kommer med.",
            )
        elif self.expect_brace is not None:
            v = self.expect_brace
            self.add(
                "sie.truncated",
                v.line,
                f"Filen tar slut direkt efter #VER {v.series} {v.number}.",
                "Filen är avkortad. Exportera den på nytt och kontrollera att hela filen kommer med.",
            )
        if self.crc_state is not None:
            self.add(
                "sie.truncated",
                lineno or None,
                "Filen börjar med #KSUMMA men den avslutande #KSUMMA med kontrollsumman saknas: filen är avkortad.",
                "Exportera filen på nytt och kontrollera att hela filen kommer med.",
            )
        for year, line in self._deferred_years:
            if year not in self.years:
                self.add(
                    "sie.unknown_year",
                    line,
                    f"Årsnummer {year} har ingen #RAR-post; radernas år är okänt.",
                    "Lägg till #RAR för året, eller exportera med alla räkenskapsår.",
                )
        if self.has_money and 0 not in self.years:
            self.add(
                "sie.missing_rar",
                None,
                "Filen saknar #RAR 0: räkenskapsåret är okänt, så datum kan inte kontrolleras mot det.",
                "Exportera filen med räkenskapsårsuppgifter (#RAR).",
            )
        declared = {a for a, acc in self.accounts.items() if acc.line is not None}
        if declared:
            for account, line in sorted(self.used_accounts.items(), key=lambda kv: kv[1]):
                if account not in declared:
                    self.add(
                        "sie.undeclared_account",
                        line,
                        f"Konto {account} används men finns inte i kontoplanen (#KONTO).",
                        "Lägg till kontot i kontoplanen i bokföringsprogrammet och exportera igen.",
                        account=account,
                    )
        elif self.used_accounts:
            self.add(
                "sie.no_chart",
                None,
                "Filen har ingen kontoplan (#KONTO); kontonamn saknas och konton kan inte kontrolleras.",
                "Vanligt i importfiler (4I). Exportera en 4E-fil om du behöver kontonamnen.",
            )
        dims_with_objects = {d for d, _o in self.objects}
        warned_dims: set[str] = set()
        for (dim, obj), line in sorted(self.used_objects.items(), key=lambda kv: kv[1]):
            if dim not in self.dimensions:
                if dim not in warned_dims:
                    warned_dims.add(dim)
                    self.add(
                        "sie.undeclared_dimension",
                        line,
                        f"Dimension {dim} används i en objektlista men är inte deklarerad (#DIM).",
                        "Lägg till dimensionen i exporten, eller kontrollera objektlistan.",
                        dimension=dim,
                    )
            elif dim in dims_with_objects and (dim, obj) not in self.objects:
                self.add(
                    "sie.undeclared_object",
                    line,
                    f"Objekt {obj!r} i dimension {dim} används men är inte deklarerat (#OBJEKT).",
                    "Lägg till objektet i bokföringsprogrammet och exportera igen.",
                    dimension=dim,
                    object=obj,
                )
        if decoded.encoding and decoded.encoding != "cp437":
            claimed = self.format or "PC8 (underförstått)"
            name = {"utf-8": "UTF-8", "iso-8859-15": "ISO-8859-15 (Latin-9)"}[decoded.encoding]
            self.add(
                "sie.encoding",
                decoded.first_non_ascii_line,
                f"Filen anger #FORMAT {claimed} (teckentabell CP437) men är kodad som {name}; "
                f"den lästes som {name}.",
                "Kontrollera att å, ä och ö ser rätt ut. Be leverantören exportera i PC8 (CP437) enligt SIE 4.",
                encoding=decoded.encoding,
            )
        if decoded.replaced:
            self.add(
                "sie.encoding",
                None,
                "Delar av filen gick inte att avkoda och lästes med ersättningstecken (\ufffd).",
                "Filen blandar teckenkodningar. Exportera den på nytt.",
            )
        for code, n in self.code_counts.items():
            if n > MAX_PER_CODE:
                self.findings.append(
                    Finding(
                        Source(self.name),
                        "sie.more",
                        Severity.INFO,
                        f"Ytterligare {n - MAX_PER_CODE} fynd av typen {code} visas inte.",
                        "Rätta de visade först; resten är av samma slag.",
                        {"of": code, "count": n - MAX_PER_CODE},
                    )
                )

    def header(self, encoding: str) -> Header:
        accounts = dict(self.accounts)
        return Header(
            sie_type=self.sie_type,
            flag=self.flag,
            format=self.format,
            program=self.program,
            program_version=self.program_version,
            generated=self.generated,
            company=self.company,
            org_number=self.org_number,
            company_id=self.company_id,
            chart_type=self.chart_type,
            currency=self.currency,
            years=dict(self.years),
            accounts=accounts,
            dimensions=dict(self.dimensions),
            objects=dict(self.objects),
            encoding=encoding,
        )


# -------------------------------------------------------------------- entry points


def _not_sie(head: bytes, name: str) -> Finding | None:
    """A finding when the first bytes show the file is no SIE file at all."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        return Finding(
            Source(name, 1),
            "sie.empty",
            severity("sie.empty"),
            "Filen är tom.",
            "Exportera SIE-filen på nytt ur bokföringsprogrammet.",
        )
    lowered = text[:200].lower()
    if text.startswith(b"<") or b"<html" in lowered or b"<!doctype" in lowered:
        return Finding(
            Source(name, 1),
            "sie.not_sie",
            severity("sie.not_sie"),
            "Filen är ingen SIE-fil utan en webbsida (HTML), troligen ett felmeddelande som sparats med SIE-filens namn.",
            "Hämta SIE-filen på nytt ur bokföringsprogrammet; öppna den gärna i en textredigerare och kontrollera att den börjar med #FLAGGA.",
        )
    if b"\x00" in head or not (text.startswith(b"#") and text[1:2].isalpha()):
        return Finding(
            Source(name, 1),
            "sie.not_sie",
            severity("sie.not_sie"),
            "Filen är ingen SIE-fil: den börjar inte med en SIE-post (#FLAGGA, #SIETYP …).",
            "Kontrollera att du valt rätt fil; en SIE 4-fil är en textfil som börjar med #FLAGGA.",
        )
    return None


_VOUCHER_ENDS = (b"\n}\n", b"\n}\r\n")
"""A voucher's last line, LF or CRLF."""


def _voucher_run(data: bytes) -> tuple[int, int] | None:
    """(first, cut): ``data[first:cut]`` is whole lines from a ``#VER`` to a ``}``, or None."""
    if data.startswith(b"#VER "):
        first = 0
    else:
        found = data.find(b"\n#VER ")
        if found < 0:
            return None
        first = found + 1
    # the last "}" line, LF or CRLF, searched from the end (a search for one of the two
    # forms alone would read all of a file in the other form)
    end = len(data)
    while True:
        last = data.rfind(b"\n}", 0, end)
        if last <= first:
            return None
        if data.startswith(_VOUCHER_ENDS, last):
            return first, data.index(b"\n", last + 1) + 1
        end = last + 1


def _as_read(decoded: Decoded, data: bytes, encoding: str) -> bytes:
    """``data`` for the vectorised reader: as is in a one-byte encoding, else the text the
    line reader would read (replacement characters included), encoded again."""
    if decoded.one_byte or data.isascii():
        return data
    if encoding == "utf-8" and vector.valid_utf8(data):
        return data  # what decoding would prove, without making the text (a tenth of the time)
    replaced = decoded.replaced
    text = decoded.decode(data)
    # valid in its encoding: the text is the bytes again (no need to encode it back)
    return data if decoded.replaced == replaced else text.encode(encoding)


def _run(
    stream: BinaryIO,
    name: str,
    *,
    keep_tree: bool,
    dimensions: Iterable[str | int] = (),
    by_period: bool = True,
    chunk_size: int = CHUNK,
    reference: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
) -> tuple[_Parser | None, list[Finding], str]:
    decoded = Decoded(stream, chunk_size)
    refusal = _not_sie(decoded.head(), name)
    if refusal is not None:
        return None, [refusal], "cp437"
    parser = _Parser(
        name, keep_tree=keep_tree, dimensions=tuple(str(d) for d in dimensions), by_period=by_period
    )

    def line_reader(data: bytes, lineno: int) -> int:
        return parser.feed(decoded.decode(data), lineno)

    # runs of whole vouchers go to the vectorised reader (vector.py), which hands back to
    # the line reader what it does not read itself
    fast = None if reference or not vector.AVAILABLE else vector.VectorReader(parser, line_reader)
    lineno = 0
    done_bytes = 0
    carry = b""
    # blocks end after a voucher where they can: then each is one read, and the vouchers in
    # it go to the vectorised reader without a copy (data[0:len(data)] is data)
    for block in decoded.blocks(_VOUCHER_ENDS if fast is not None else ()):
        parser.encoding = decoded.encoding or "ascii"
        data = carry + block if carry else block
        carry = b""
        # the boundaries are found in the bytes (ASCII bytes never stand inside a UTF-8
        # character), and only what the line reader reads is decoded
        span = _voucher_run(data) if fast is not None else None
        if fast is None:
            lineno = parser.feed(decoded.decode(data), lineno)
        elif span is None:
            lineno = fast.feed_records(_as_read(decoded, data, parser.encoding), lineno)
        else:
            first, cut = span
            lineno = fast.feed_records(_as_read(decoded, data[:first], parser.encoding), lineno)
            lineno = fast.feed(_as_read(decoded, data[first:cut], parser.encoding), lineno)
            carry = data[cut:]
        done_bytes += len(data) - len(carry)
        if progress is not None:
            progress(done_bytes, total)
    if carry:
        lineno = parser.feed(decoded.decode(carry), lineno)
    if fast is not None:
        fast.flush()
    encoding = decoded.encoding or "cp437"
    parser.finish(decoded, lineno)
    return parser, parser.findings, encoding


def _size(source: str | Path | bytes) -> int | None:
    """The size of what will be read, for progress (None when it cannot be known)."""
    if isinstance(source, bytes):
        return len(source)
    try:
        return Path(source).stat().st_size
    except OSError:
        return None


def _guarded(
    source: str | Path | bytes,
    name: str | None,
    run: Callable[[BinaryIO, str], tuple[object, list[Finding]]],
) -> tuple[object, list[Finding]]:
    if isinstance(source, bytes):
        label = name or "<bytes>"
        return _safe(run, io.BytesIO(source), label)
    path = Path(source)
    label = name or path.name
    try:
        with path.open("rb") as stream:
            return _safe(run, stream, label)
    except OSError as exc:
        return None, [
            Finding(
                Source(label),
                "sie.read",
                severity("sie.read"),
                f"Filen kunde inte läsas: {exc.strerror or exc}.",
                "Kontrollera sökvägen och att du har läsrätt till filen.",
            )
        ]


def _safe(
    run: Callable[[BinaryIO, str], tuple[object, list[Finding]]], stream: BinaryIO, label: str
) -> tuple[object, list[Finding]]:
    # a ledger is a million small acyclic tuples: the cyclic garbage collector would walk the
    # growing heap again and again while it is built (4× slower), and has nothing to collect
    collecting = gc.isenabled()
    gc.disable()
    try:
        with localcontext(EXACT):  # sums past 28 digits stay exact
            return run(stream, label)
    except OSError as exc:
        return None, [
            Finding(
                Source(label),
                "sie.read",
                severity("sie.read"),
                f"Filen kunde inte läsas: {exc.strerror or exc}.",
                "Kontrollera sökvägen och att du har läsrätt till filen.",
            )
        ]
    except Exception as exc:  # the reader's own bug: report it, never crash the caller
        return None, [
            Finding(
                Source(label),
                "sie.internal",
                severity("sie.internal"),
                f"SIE-läsaren stötte på ett internt fel ({type(exc).__name__}: {exc}).",
                "Rapportera felet till Styrkort tillsammans med filen (utan känsliga uppgifter).",
            )
        ]
    finally:
        if collecting:
            gc.enable()


def read_sie(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    reference: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> SieResult:
    """Read a whole SIE file: header, balances, budget and every voucher.

    ``source`` is a path or the file's bytes; ``name`` is what findings call the
    file (default: the file name). Returns ``SieResult(ledger or None, findings)``.
    ``reference=True`` reads with the line reader alone (no vectorised fast path;
    the answer is the same, only slower). ``progress``, when given, is called after
    each chunk with the bytes read so far and the file's size (None when unknown).
    """

    def run(stream: BinaryIO, label: str) -> tuple[object, list[Finding]]:
        parser, findings, encoding = _run(
            stream,
            label,
            keep_tree=True,
            reference=reference,
            progress=progress,
            total=_size(source) if progress is not None else None,
        )
        if parser is None or has_errors(findings):
            return None, findings
        ledger = Ledger(
            header=parser.header(encoding),
            vouchers=tuple(parser.vouchers),
            balances=tuple(parser.balances),
            object_balances=tuple(parser.object_balances),
            period_balances=tuple(parser.period_balances),
        )
        return ledger, findings

    value, findings = _guarded(source, name, run)
    assert value is None or isinstance(value, Ledger)
    return SieResult(value, tuple(findings))


def sum_sie(
    source: str | Path | bytes,
    *,
    dimensions: Iterable[str | int] = (),
    by_period: bool = True,
    name: str | None = None,
    chunk_size: int = CHUNK,
    reference: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> SumsResult:
    """Stream a SIE file, summing the vouchers per account × ``dimensions`` × month.

    Memory holds the header, the balances and budget, and the sums, but never the
    vouchers: a 1 GB file needs no more than a small one with the same chart.
    All the checks of :func:`read_sie` run too. ``reference`` and ``progress`` as
    for :func:`read_sie`.
    """
    dims = tuple(str(d) for d in dimensions)

    def run(stream: BinaryIO, label: str) -> tuple[object, list[Finding]]:
        parser, findings, encoding = _run(
            stream,
            label,
            keep_tree=False,
            dimensions=dims,
            by_period=by_period,
            chunk_size=chunk_size,
            reference=reference,
            progress=progress,
            total=_size(source) if progress is not None else None,
        )
        if parser is None or has_errors(findings):
            return None, findings
        sums = LedgerSums(
            header=parser.header(encoding),
            dimensions=dims,
            by_period=by_period,
            sums=parser.sums,
            vouchers=parser.voucher_count,
            transactions=parser.transaction_count,
            balances=tuple(parser.balances),
            object_balances=tuple(parser.object_balances),
            period_balances=tuple(parser.period_balances),
            account_lines=dict(parser.used_accounts),
        )
        return sums, findings

    value, findings = _guarded(source, name, run)
    assert value is None or isinstance(value, LedgerSums)
    return SumsResult(value, tuple(findings))


__all__ = ["CODES", "read_sie", "sum_sie"]

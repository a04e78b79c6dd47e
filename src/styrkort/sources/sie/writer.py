"""Writing a :class:`Ledger` as SIE 4E text: for tests, generated examples and benchmarks.

The output is what :func:`read_sie` reads back to the same ledger: the round
trip is a property test (tests/sources/test_sie_roundtrip.py).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator, Sequence
from decimal import Decimal

from styrkort.sources.sie.lexer import Field, format_objects, quote
from styrkort.sources.sie.model import Ledger, Transaction, ymd


def _amount(value: Decimal) -> str:
    return format(value, "f")


def _date(value: dt.date | None) -> str:
    return ymd(value) if value else ""


def _records(ledger: Ledger) -> Iterator[Sequence[Field]]:
    h = ledger.header
    yield ("#FLAGGA", h.flag or "0")
    yield ("#FORMAT", "PC8")
    yield ("#SIETYP", str(h.sie_type or 4))
    if h.program:
        yield ("#PROGRAM", h.program, h.program_version)
    if h.generated:
        yield ("#GEN", _date(h.generated))
    if h.company:
        yield ("#FNAMN", h.company)
    if h.org_number:
        yield ("#ORGNR", h.org_number)
    for year in sorted(h.years, reverse=True):
        rar = h.years[year]
        yield ("#RAR", str(year), _date(rar.start), _date(rar.end))
    if h.chart_type:
        yield ("#KPTYP", h.chart_type)
    for acc in h.accounts.values():
        yield ("#KONTO", acc.number, acc.name)
        if acc.type:
            yield ("#KTYP", acc.number, acc.type)
        if acc.unit:
            yield ("#ENHET", acc.number, acc.unit)
        for sru in acc.sru:
            yield ("#SRU", acc.number, sru)
    for dim in h.dimensions.values():
        if dim.parent:
            yield ("#UNDERDIM", dim.number, dim.name, dim.parent)
        else:
            yield ("#DIM", dim.number, dim.name)
    for (d, o), name in h.objects.items():
        yield ("#OBJEKT", d, o, name)
    for b in ledger.balances:
        yield (f"#{b.kind}", str(b.year), b.account, _amount(b.amount))
    for ob in ledger.object_balances:
        yield (f"#{ob.kind}", str(ob.year), ob.account, ob.objects, _amount(ob.amount))
    for p in ledger.period_balances:
        yield (f"#{p.kind}", str(p.year), p.period, p.account, p.objects, _amount(p.amount))
    for v in ledger.vouchers:
        head: list[Field] = ["#VER", v.series, v.number, _date(v.date), v.text]
        if v.registered or v.sign:
            head += [_date(v.registered), v.sign]
        yield head
        yield ("{",)
        for label, rows in (("#BTRANS", v.removed), ("#RTRANS", v.added)):
            for t in rows:
                yield _row(label, t)
        for t in v.transactions:
            yield _row("#TRANS", t)
        yield ("}",)


def _row(label: str, t: Transaction) -> list[Field]:
    fields: list[Field] = [label, t.account, t.objects, _amount(t.amount)]
    tail: list[str] = [_date(t.date), t.text]
    while tail and not tail[-1]:
        tail.pop()
    return fields + list(tail)


def _line(fields: Sequence[Field]) -> str:
    label, *rest = fields
    assert isinstance(label, str)
    if label in ("{", "}"):
        return label
    parts = [label]
    for f in rest:
        parts.append(format_objects(f) if isinstance(f, tuple) else quote(f))
    return " ".join(parts)


def _crc_text(fields: Sequence[Field]) -> str:
    out: list[str] = []
    for f in fields:
        if isinstance(f, tuple):
            out.append("{")
            for d, o in f:
                out += [d, o]
            out.append("}")
        else:
            out.append(f)
    return "".join(out)


def write_sie(
    ledger: Ledger, *, checksum: bool = False, encoding: str = "cp437", prosa: str = ""
) -> bytes:
    """The ledger as a SIE 4E file (CRLF line ends), with ``#KSUMMA`` when ``checksum``.

    ``prosa`` becomes a ``#PROSA`` record (free text) after the header.
    """
    lines: list[str] = []
    crc = 0
    records = list(_records(ledger))
    if prosa:
        records.insert(3, ("#PROSA", prosa))
    for i, fields in enumerate(records):
        lines.append(_line(fields))
        if i == 0 and checksum:
            lines.append("#KSUMMA")
            continue
        if checksum:
            crc = zlib.crc32(_crc_text(fields).encode(encoding, errors="replace"), crc)
    if checksum:
        lines.append(f"#KSUMMA {crc}")
    return ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace")

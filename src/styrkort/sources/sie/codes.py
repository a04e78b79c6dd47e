"""The SIE reader's finding codes: stable ids, their severity and what they mean.

An ERROR means the file cannot be used as it stands: the reader then returns no
ledger (never half a ledger). WARNING and INFO leave the ledger usable.
docs/sie.md lists the same table; tests/sources/test_sie_codes.py keeps the two in step.
"""

from __future__ import annotations

from styrkort.core.findings import Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, tuple[Severity, str]] = {
    "sie.read": (E, "The file could not be opened or read."),
    "sie.empty": (E, "The file is empty."),
    "sie.not_sie": (E, "The file is not SIE at all (an HTML page, a binary file, …)."),
    "sie.truncated": (
        E,
        "The file ends in the middle: a voucher block without `}`, or `#KSUMMA` opened but never closed.",
    ),
    "sie.checksum": (E, "The closing `#KSUMMA` does not match the CRC-32 of the records."),
    "sie.unbalanced": (E, "A voucher's `#TRANS` rows do not sum to zero."),
    "sie.bad_date": (E, "A date or period that is not a real date (20210230, 202113, text)."),
    "sie.bad_amount": (E, "An amount that is not a number."),
    "sie.bad_record": (E, "A record lacks a required field, or its object list is broken."),
    "sie.block": (
        E,
        "Voucher structure: `#VER` without `{`, a row outside a voucher, a stray `{` or `}`.",
    ),
    "sie.internal": (E, "The reader itself failed; please report the file."),
    "sie.encoding": (W, "The file's real encoding differs from what it claims (PC8 = CP437)."),
    "sie.format": (W, "`#FORMAT` is something other than PC8."),
    "sie.sietyp": (W, "`#SIETYP` is not 1–4 (the file is then read as type 4)."),
    "sie.quoting": (W, "A quote that is never closed, or a quote inside an unquoted word."),
    "sie.amount_format": (W, "An amount written with a decimal comma; read, but not per the spec."),
    "sie.undeclared_account": (W, "A row for an account that has no `#KONTO`."),
    "sie.undeclared_object": (W, "A row for an object that has no `#OBJEKT` in its dimension."),
    "sie.undeclared_dimension": (W, "An object list names a dimension with no `#DIM`/`#UNDERDIM`."),
    "sie.duplicate_voucher": (W, "Two vouchers with the same number in the same series."),
    "sie.outside_year": (W, "A voucher dated outside the current financial year (`#RAR 0`)."),
    "sie.unknown_year": (W, "A year number with no `#RAR`."),
    "sie.period_outside_year": (W, "A `#PSALDO`/`#PBUDGET` period outside its financial year."),
    "sie.missing_rar": (W, "Vouchers or balances but no `#RAR 0`."),
    "sie.rtrans_unmatched": (W, "An `#RTRANS` not followed by the identical `#TRANS`."),
    "sie.stray_text": (W, "A line that is not a record (does not start with `#`, `{` or `}`)."),
    "sie.no_chart": (INFO, "The file declares no accounts (`#KONTO`); common in 4I import files."),
    "sie.more": (INFO, "More findings of one code than are listed; the rest are counted."),
}


def severity(code: str) -> Severity:
    return CODES[code][0]

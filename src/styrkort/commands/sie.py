"""``styrkort sie summary FILE [--json]``: what a SIE file holds, and what is wrong with it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sie",
        help="läs en SIE-fil (SIE 1–4, 4E/4I) från bokföringssystemet",
        description="Läs en SIE-fil från bokföringssystemet och visa vad den innehåller.",
    )
    sub = parser.add_subparsers(dest="sie_command", metavar="SUBCOMMAND")
    summary = sub.add_parser(
        "summary",
        help="sammanfattning: konton, verifikationer, summor per konto och fynd",
        description=(
            "Sammanfattning av en SIE-fil: typ, program, företag, antal konton, verifikationer "
            "och transaktioner, summa per konto och budget per konto, samt fynd (fil:rad). "
            "Slutkod 1 när filen inte går att läsa."
        ),
    )
    summary.add_argument("file", metavar="FILE", help="SIE-filen (.se, .si)")
    summary.add_argument(
        "--json",
        action="store_true",
        help='skriv resultatet som JSON: {"ok": …, "findings": […], …}',
    )
    summary.add_argument(
        "--reference",
        action="store_true",
        help="läs med referensläsaren (rad för rad, utan den vektoriserade snabbvägen); "
        "samma resultat, långsammare; för felsökning och jämförelse",
    )
    summary.add_argument("--quiet", "-q", action="store_true", help="visa ingen förloppsindikator")
    summary.set_defaults(handler=_summary)
    parser.set_defaults(handler=lambda args: _help(parser))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _money(value: Decimal) -> str:
    return format(value, "f")


def summary_data(
    path: str,
    *,
    reference: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[dict[str, Any], list[Any], bool]:
    """The summary as the JSON object, its findings, and whether the file could be read."""
    from styrkort.core.findings import sort_findings
    from styrkort.sources.sie import sum_sie

    result = sum_sie(path, by_period=False, name=path, reference=reference, progress=progress)
    sums = result.sums
    findings = sort_findings(result.findings)
    data: dict[str, Any] = {
        "file": path,
        "sie_type": None,
        "program": None,
        "company": None,
        "accounts": None,
        "vouchers": None,
        "transactions": None,
        "sums": None,
        "budget": None,
        "findings": [f.as_dict() for f in findings],
    }
    if sums is None:
        return data, findings, False
    h = sums.header
    budget: dict[str, Decimal] = {}
    for p in sums.period_balances:
        if p.kind == "PBUDGET" and p.year == 0 and not p.objects:
            budget[p.account] = budget.get(p.account, Decimal(0)) + p.amount
    data.update(
        sie_type=h.sie_type,
        program=h.program,
        company=h.company,
        accounts=sum(1 for a in h.accounts.values() if a.line is not None),
        vouchers=sums.vouchers,
        transactions=sums.transactions,
        sums={a: _money(v) for a, v in sorted(sums.account_totals().items())},
        budget={a: _money(v) for a, v in sorted(budget.items())},
        encoding=h.encoding,
    )
    return data, findings, True


def _swedish_int(n: int) -> str:
    from styrkort.core.numbers import format_amount

    return format_amount(Decimal(n))


def _summary(args: argparse.Namespace) -> int:
    from pathlib import Path

    from styrkort.commands._progress import Progress

    with Progress(f"Läser {Path(args.file).name}", quiet=args.quiet) as bar:
        data, findings, ok = summary_data(args.file, reference=args.reference, progress=bar)
    if args.json:
        from styrkort.commands._output import envelope, print_json

        data.pop("findings")
        print_json(envelope(findings, ok=ok, **data))
        return 0 if ok else 1
    out = sys.stdout
    if ok:
        out.write(f"SIE-fil: {args.file}\n")
        out.write(f"  Typ: SIE {data['sie_type'] or 'okänd'} (teckenkodning {data['encoding']})\n")
        out.write(f"  Program: {data['program'] or 'okänt'}\n")
        out.write(f"  Företag: {data['company'] or 'okänt'}\n")
        out.write(f"  Konton (#KONTO): {_swedish_int(data['accounts'])}\n")
        out.write(f"  Verifikationer: {_swedish_int(data['vouchers'])}\n")
        out.write(f"  Transaktioner (#TRANS): {_swedish_int(data['transactions'])}\n")
        out.write(f"  Konton med transaktioner: {_swedish_int(len(data['sums']))}\n")
        out.write(f"  Konton med budget (#PBUDGET år 0): {_swedish_int(len(data['budget']))}\n")
    else:
        out.write(f"SIE-filen {args.file} kunde inte läsas.\n")
    if findings:
        out.write(f"Fynd ({len(findings)}):\n")
        for f in findings:
            out.write(f.format() + "\n")
    else:
        out.write("Inga fynd.\n")
    return 0 if ok else 1

"""Generate huvudbok.se: a SYNTHETIC SIE 4E ledger for Sydnärkes IT-nämnd 2020.

    .venv/bin/python examples/sydnarke-it-2020/ledger/generate.py [--out PATH]

The vouchers are invented. Only their sums are real: per category (slag) and
month they add up to the published outcome in ../operating.csv, the #PBUDGET
rows to the published budget, and per investment project to ../investments.csv.
The file says so in #PROGRAM, #FNAMN and #PROSA.

To make the ledger look like a municipality's (Lekebergs kommun hosts the
board), it also holds another board's vouchers and budget (ansvar 2100) that
the report must leave out, whole-account #PBUDGET rows ``{}`` that include that
other board (and so must not be added to the per-ansvar rows), and one voucher
corrected afterwards (#BTRANS/#RTRANS). Deterministic: the same input gives the
same bytes (tests/sources/test_ledger.py checks that the committed file is this
script's output).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent
sys.path.insert(0, str(EXAMPLE.parents[1] / "src"))

from styrkort.sources.sie import (  # noqa: E402
    Account,
    Dimension,
    FinancialYear,
    Header,
    Ledger,
    PeriodBalance,
    Transaction,
    Voucher,
    write_sie,
)

YEAR = 2020
ANSVAR = "4100"  # Sydnärkes IT-nämnd
OTHER = "2100"  # another board in the host municipality's ledger: never in the report
# category → the accounts its money is booked on (must agree with accounts.csv)
ACCOUNTS: dict[str, list[tuple[str, str]]] = {
    "ÖVRIGA AVG O. ERSÄTTNINGAR": [("3490", "Övriga avgifter och ersättningar")],
    "DRIFTBIDRAG FR KOMMUNER": [("3611", "Driftbidrag från kommuner")],
    "PERSONALKOSTNADER": [
        ("5011", "Månadslön"),
        ("5610", "Arbetsgivaravgifter"),
        ("5710", "Pensionskostnader"),
    ],
    "UTRUSTNING OCH DATAKOMMUNIKATION": [
        ("6510", "Förbrukningsinventarier"),
        ("6550", "Datakommunikation"),
    ],
    "DATABEHANDLING, LICENSER": [("6540", "Licenser och programvara")],
    "TJÄNSTER": [("4610", "Köp av verksamhet"), ("7010", "Konsulttjänster")],
    "RESOR, KURSER, TELE, HYRA": [
        ("6110", "Lokalhyror"),
        ("7110", "Resor"),
        ("7310", "Kurser och konferenser"),
        ("7410", "Telefoni"),
    ],
    "KAPITALKOSTNADER": [("7910", "Avskrivningar inventarier"), ("8410", "Intern ränta")],
}
BALANCE = [
    ("1221", "Inventarier, datorer och nätverk"),
    ("1930", "Bank"),
    ("2440", "Leverantörsskulder"),
]
PROJECTS = {  # project in investments.csv → object of dimension 6
    "IT INVEST LEKEBERG": "9101",
    "IT INVEST LAXÅ": "9102",
    "IT INVEST ASKERSUND": "9103",
    "IT INVEST HALLSBERG": "9104",
    "IT-INVEST. GEMENSAMT": "9105",
}
PROSA = (
    "SYNTETISK HUVUDBOK: påhittade verifikationer vars summor per slag och projekt är lika "
    "med det publicerade utfallet och budgeten 2020 (Sydnärkes IT-nämnd, årsredovisning 2020)."
)


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")
    ]
    return list(csv.DictReader(lines))


def _split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``total`` in ``parts`` uneven pieces (whole öre) that add up exactly."""
    ore = int(total * 100)
    weights = [rng.randint(70, 130) for _ in range(parts)]
    pieces = [ore * w // sum(weights) for w in weights]
    pieces[-1] += ore - sum(pieces)
    return [Decimal(p) / 100 for p in pieces]


def build(operating_csv: Path, investments_csv: Path) -> Ledger:
    rng = random.Random(2020)
    vouchers: list[Voucher] = []
    budget: list[PeriodBalance] = []
    whole_account: dict[tuple[str, str], Decimal] = {}

    def voucher(day: dt.date, text: str, rows: list[Transaction], **extra: object) -> None:
        total = sum((r.amount for r in rows), Decimal(0))
        counter = "1930" if total < 0 else "2440"
        rows = [*rows, Transaction(counter, (), -total)]
        vouchers.append(Voucher("A", str(len(vouchers) + 1), day, text, tuple(rows), **extra))  # type: ignore[arg-type]

    def add_budget(
        period: str, account: str, objects: tuple[tuple[str, str], ...], amount: Decimal
    ) -> None:
        budget.append(PeriodBalance("PBUDGET", 0, period, account, objects, amount))
        key = (period, account)
        whole_account[key] = whole_account.get(key, Decimal(0)) + amount

    for row in _rows(operating_csv):
        category = row["category"]
        accounts = [a for a, _ in ACCOUNTS[category]]
        outcome = Decimal(row["outcome"])
        months = _split(outcome, 12, rng) if outcome else [Decimal(0)] * 12
        for month, amount in enumerate(months, start=1):
            if not amount:
                continue
            day = dt.date(YEAR, month, 25)
            shares = _split(amount, len(accounts), rng)
            rows = [
                Transaction(a, (("1", ANSVAR),), share, text=category.lower())
                for a, share in zip(accounts, shares, strict=True)
            ]
            voucher(day, f"{category.capitalize()} {YEAR}-{month:02d}", rows)
        for month, amount in enumerate(_split(Decimal(row["budget"]), 12, rng), start=1):
            add_budget(f"{YEAR}{month:02d}", accounts[0], (("1", ANSVAR),), amount)
    # another board in the same ledger: vouchers and budget the report must leave out
    for month in range(1, 13):
        amount = Decimal(rng.randint(1_000_000, 9_000_000)) / 100
        voucher(
            dt.date(YEAR, month, 10),
            "Kultur- och fritidsnämnden (ingår inte)",
            [
                Transaction("5011", (("1", OTHER),), amount),
                Transaction("6540", (("1", OTHER),), amount / 2),
            ],
        )
        add_budget(f"{YEAR}{month:02d}", "5011", (("1", OTHER),), amount)
    # a voucher corrected afterwards: the removed and added rows are history, not money
    last = vouchers[0]
    first_row = last.transactions[0]
    vouchers[0] = last._replace(
        removed=(first_row._replace(amount=first_row.amount + 100),),
        added=(first_row,),
        registered=dt.date(YEAR, 2, 3),
        sign="Ekonom",
    )
    for row in _rows(investments_csv):
        project = PROJECTS[row["project"]]
        objects = (("1", ANSVAR), ("6", project))
        for quarter, amount in enumerate(_split(Decimal(row["outcome"]), 4, rng)):
            day = dt.date(YEAR, 3 * quarter + 3, 15)
            voucher(
                day, f"Investering {row['project'].title()}", [Transaction("1221", objects, amount)]
            )
        for month, amount in enumerate(_split(Decimal(row["budget"]), 12, rng), start=1):
            budget.append(
                PeriodBalance("PBUDGET", 0, f"{YEAR}{month:02d}", "1221", (("6", project),), amount)
            )
    # whole-account budget rows {}: the sum over every ansvar, the other board included
    whole = [
        PeriodBalance("PBUDGET", 0, period, account, (), amount)
        for (period, account), amount in sorted(
            whole_account.items(), key=lambda kv: (kv[0][1], kv[0][0])
        )
    ]
    accounts = {
        number: Account(number, name, line=1)
        for number, name in sorted(BALANCE + [a for accs in ACCOUNTS.values() for a in accs])
    }
    objects = {("1", ANSVAR): "Sydnärkes IT-nämnd", ("1", OTHER): "Kultur- och fritidsnämnden"}
    objects.update({("6", obj): name.title() for name, obj in PROJECTS.items()})
    header = Header(
        sie_type=4,
        program="Styrkort generate.py (SYNTETISKA verifikationer)",
        program_version="1.0",
        generated=dt.date(YEAR + 1, 2, 15),
        company="Lekebergs kommun (syntetisk huvudbok, Sydnärkes IT-nämnd)",
        org_number="212000-1967",
        chart_type="Kommun-Bas 13",
        years={
            0: FinancialYear(0, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)),
            -1: FinancialYear(-1, dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31)),
        },
        accounts=accounts,
        dimensions={"1": Dimension("1", "Ansvar"), "6": Dimension("6", "Projekt")},
        objects=objects,
    )
    vouchers.sort(key=lambda v: (v.date, int(v.number)))
    renumbered = tuple(v._replace(number=str(i)) for i, v in enumerate(vouchers, start=1))
    return Ledger(header, renumbered, period_balances=tuple(whole + budget))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "huvudbok.se")
    args = parser.parse_args()
    ledger = build(EXAMPLE / "operating.csv", EXAMPLE / "investments.csv")
    args.out.write_bytes(write_sie(ledger, checksum=True, prosa=PROSA))
    print(f"wrote {args.out} ({len(ledger.vouchers)} vouchers, synthetic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

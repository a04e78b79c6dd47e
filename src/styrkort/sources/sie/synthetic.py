"""A synthetic, Kommun-Bas-like SIE 4E file: for benchmarks and memory tests.

No public municipal SIE file exists (../shared/data/README.md), so municipal
ledgers are generated. Every file this writes says it is synthetic in
``#PROGRAM`` and ``#FNAMN``. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from typing import BinaryIO

ANSVAR = [f"{n}" for n in range(1100, 9100, 400)]  # 20 responsibility codes
VERKSAMHET = [f"{n}" for n in range(100, 900, 20)]  # 40 activities
PROJEKT = [f"P{n:02d}" for n in range(1, 31)]  # 30 projects
COST_ACCOUNTS = [
    ("4010", "Inköp av material"),
    ("4610", "Köp av huvudverksamhet"),
    ("5011", "Månadslön"),
    ("5012", "Timlön"),
    ("5610", "Arbetsgivaravgifter"),
    ("5710", "Pensionskostnader"),
    ("6110", "Lokalhyror"),
    ("6410", "Förbrukningsinventarier"),
    ("6540", "Licenser och programvara"),
    ("6550", "Datakommunikation"),
    ("7010", "Konsulttjänster"),
    ("7110", "Resor"),
    ("7310", "Kurser och konferenser"),
    ("7410", "Telefoni"),
    ("7910", "Avskrivningar inventarier"),
    ("8410", "Intern ränta"),
]
REVENUE_ACCOUNTS = [
    ("3410", "Taxor och avgifter"),
    ("3610", "Bidrag från kommuner"),
    ("3710", "Försäljning av tjänster"),
]
BALANCE_ACCOUNTS = [("1930", "Bank"), ("2440", "Leverantörsskulder"), ("2910", "Upplupna löner")]
TEXTS = [
    "Leverantörsfaktura",
    "Lön januari-december",
    "Månadsavgift nätverk",
    "Licensförnyelse",
    "Konsultarvode",
    "Återbetalning",
    "Resa Örebro",
    "Internfakturering",
]


def _money(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def write_kommunbas_sie(
    stream: BinaryIO,
    *,
    vouchers: int = 200_000,
    rows: int = 3,
    year: int = 2020,
    seed: int = 2020,
    combinations: int = 3000,
) -> None:
    """Write a synthetic municipal SIE 4E file (CP437, CRLF) to ``stream``.

    Each voucher has ``rows`` rows on cost or revenue accounts with three
    dimensions (ansvar 1, verksamhet 5, projekt 6) and one balancing row;
    ``combinations`` is how many different object lists the rows draw from.
    """
    rng = random.Random(seed)
    head = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Styrkort syntetisk testdata" 1.0',
        f"#GEN {year + 1}0115",
        '#FNAMN "Exempelkommun (syntetisk data)"',
        "#ORGNR 212000-0000",
        f"#RAR 0 {year}0101 {year}1231",
        f"#RAR -1 {year - 1}0101 {year - 1}1231",
        '#KPTYP "Kommun-Bas 13"',
    ]
    for number, name in BALANCE_ACCOUNTS + REVENUE_ACCOUNTS + COST_ACCOUNTS:
        head.append(f'#KONTO {number} "{name}"')
    head += ['#DIM 1 "Ansvar"', '#DIM 5 "Verksamhet"', '#DIM 6 "Projekt"']
    head += [f'#OBJEKT 1 "{a}" "Ansvar {a}"' for a in ANSVAR]
    head += [f'#OBJEKT 5 "{v}" "Verksamhet {v}"' for v in VERKSAMHET]
    head += [f'#OBJEKT 6 "{p}" "Projekt {p}"' for p in PROJEKT]
    for number, _name in COST_ACCOUNTS + REVENUE_ACCOUNTS:
        for month in range(1, 13):
            amount = rng.randrange(-5_000_000, 5_000_000)
            head.append(f"#PBUDGET 0 {year}{month:02d} {number} {{}} {_money(amount)}")
    stream.write(("\r\n".join(head) + "\r\n").encode("cp437"))

    accounts = [a for a, _ in COST_ACCOUNTS] * 5 + [a for a, _ in REVENUE_ACCOUNTS]
    days = [f"{year}{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    objects = [
        f'{{1 "{rng.choice(ANSVAR)}" 5 "{rng.choice(VERKSAMHET)}" 6 "{rng.choice(PROJEKT)}"}}'
        for _ in range(combinations)
    ]
    out: list[str] = []
    for n in range(1, vouchers + 1):
        day = rng.choice(days)
        text = rng.choice(TEXTS)
        out.append(f'#VER A {n} {day} "{text} {n}" {day}')
        out.append("{")
        total = 0
        for _ in range(rows):
            amount = rng.randrange(-200_000, 2_000_000)
            total += amount
            out.append(f"#TRANS {rng.choice(accounts)} {rng.choice(objects)} {_money(amount)}")
        out.append(f'#TRANS {rng.choice(BALANCE_ACCOUNTS)[0]} {{}} {_money(-total)} {day} "{text}"')
        out.append("}")
        if len(out) > 60_000:
            stream.write(("\r\n".join(out) + "\r\n").encode("cp437"))
            out.clear()
    if out:
        stream.write(("\r\n".join(out) + "\r\n").encode("cp437"))

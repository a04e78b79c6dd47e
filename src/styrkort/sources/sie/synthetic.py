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


VARIETY = (
    "corrections",
    "escapes",
    "row_fields",
    "objects",
    "periods",
    "tabs",
    "quoting",
    "crlf",
    "utf8",
    "disorder",
)
"""The features :func:`write_variety_sie` can add to the plain file (docs/performance.md)."""


def write_variety_sie(
    stream: BinaryIO,
    *,
    size: int = 50_000_000,
    features: frozenset[str] | set[str] = frozenset(),
    year: int = 2020,
    seed: int = 2020,
) -> None:
    """Write a synthetic municipal SIE 4E file of about ``size`` bytes with the variety of real exports.

    The plain file (no features): CP437, LF line ends, unquoted series and numbers,
    four rows per voucher on 3 000 object lists over three dimensions, a text on each
    voucher only. Each feature adds what real municipal exports have:

    - ``corrections``: ``#BTRANS`` and ``#RTRANS`` + ``#TRANS`` on 2 % of vouchers;
    - ``escapes``: an escaped quote (``\\"``) in 1 % of the texts;
    - ``row_fields``: a date, a text and a quantity on every ``#TRANS``;
    - ``objects``: 150 000 distinct object lists (ansvar × verksamhet × projekt);
    - ``periods``: 50 000 ``#PSALDO``/``#PBUDGET`` lines with objects;
    - ``tabs``: the rows indented with a tab;
    - ``quoting``: series and numbers quoted on every other voucher;
    - ``crlf``: CRLF line ends; ``utf8``: UTF-8 instead of CP437;
    - ``disorder``: 0.1 % of vouchers unbalanced and 0.1 % numbered out of order.
    """
    unknown = set(features) - set(VARIETY)
    if unknown:
        raise ValueError(f"unknown features: {sorted(unknown)}")
    f = set(features)
    rng = random.Random(seed)
    encoding = "utf-8" if "utf8" in f else "cp437"
    end = "\r\n" if "crlf" in f else "\n"
    indent = "\t" if "tabs" in f else ""
    written = 0

    def emit(lines: list[str]) -> None:
        nonlocal written
        data = (end.join(lines) + end).encode(encoding)
        written += len(data)
        stream.write(data)

    ansvar = [f"{n}" for n in range(1000, 9000, 25)]  # 320
    verksamhet = [f"{n}" for n in range(100, 1000, 5)]  # 180
    projekt = [f"P{n:03d}" for n in range(1, 101)]  # 100
    head = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Styrkort syntetisk testdata (variation)" 1.0',
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
    head += [f'#OBJEKT 1 "{a}" "Ansvar {a}"' for a in ansvar]
    head += [f'#OBJEKT 5 "{v}" "Verksamhet {v}"' for v in verksamhet]
    head += [f'#OBJEKT 6 "{p}" "Projekt {p}"' for p in projekt]
    for number, _name in COST_ACCOUNTS + REVENUE_ACCOUNTS:
        for month in range(1, 13):
            amount = rng.randrange(-5_000_000, 5_000_000)
            head.append(f"#PBUDGET 0 {year}{month:02d} {number} {{}} {_money(amount)}")
    if "periods" in f:
        accounts_pb = [a for a, _ in COST_ACCOUNTS + REVENUE_ACCOUNTS]
        for i in range(50_000):
            kind = "#PSALDO" if i % 2 else "#PBUDGET"
            month = i % 12 + 1
            objs = f'{{1 "{rng.choice(ansvar)}" 5 "{rng.choice(verksamhet)}"}}'
            money = _money(rng.randrange(-2_000_000, 2_000_000))
            qty = f" {rng.randrange(0, 50)}" if kind == "#PSALDO" else ""
            head.append(f"{kind} 0 {year}{month:02d} {rng.choice(accounts_pb)} {objs} {money}{qty}")
    emit(head)

    pool = 150_000 if "objects" in f else 3_000
    objects = [
        f'{{1 "{rng.choice(ansvar)}" 5 "{rng.choice(verksamhet)}" 6 "{rng.choice(projekt)}"}}'
        for _ in range(pool)
    ]
    if "objects" in f:
        order = list(range(pool))  # every list used, then drawn at random
        rng.shuffle(order)
    accounts = [a for a, _ in COST_ACCOUNTS] * 5 + [a for a, _ in REVENUE_ACCOUNTS]
    days = [f"{year}{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29)]
    used = 0

    def text_of(base: str) -> str:
        if "escapes" in f and rng.random() < 0.01:
            return f'"{base} \\"citat\\""'
        return f'"{base}"'

    out: list[str] = []
    n = 0
    swap_next = False
    while written < size:
        n += 1
        vnum = n
        if swap_next:
            vnum, swap_next = n - 1, False
        elif "disorder" in f and rng.random() < 0.001:
            vnum, swap_next = n + 1, True
        day = rng.choice(days)
        base = rng.choice(TEXTS)
        if "quoting" in f and n % 2:
            head_fields = f'"A" "{vnum}"'
        else:
            head_fields = f"A {vnum}"
        out.append(f"#VER {head_fields} {day} {text_of(f'{base} {n}')} {day}")
        out.append("{")
        total = 0
        rows: list[tuple[str, str, int]] = []
        for _ in range(3):
            amount = rng.randrange(-200_000, 2_000_000)
            total += amount
            if "objects" in f and used < pool:
                objs = objects[order[used]]
                used += 1
            else:
                objs = rng.choice(objects)
            rows.append((rng.choice(accounts), objs, amount))
        balance = -total
        if "disorder" in f and rng.random() < 0.001:
            balance += 1
        rows.append((rng.choice(BALANCE_ACCOUNTS)[0], "{}", balance))
        if "corrections" in f and rng.random() < 0.02:
            account, objs, amount = rows[0]
            out.append(
                f"{indent}#BTRANS {account} {objs} {_money(amount + 10000)} {day} {text_of(base)}"
            )
            out.append(f"{indent}#RTRANS {account} {objs} {_money(amount)} {day} {text_of(base)}")
        for account, objs, amount in rows:
            row = f"{indent}#TRANS {account} {objs} {_money(amount)}"
            if "row_fields" in f:
                row += f" {day} {text_of(base)} {rng.randrange(1, 20)}"
            out.append(row)
        out.append("}")
        if len(out) > 20_000:
            emit(out)
            out.clear()
    if out:
        emit(out)

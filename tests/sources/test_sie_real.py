"""Every real SIE file in ../shared/data/sie reads without a crash and matches its golden file.

The golden files (tests/sources/golden/<name>.expected.json) hold counts, finding
codes and the sums of a few accounts. Those sums and counts were also checked
by hand with a regular expression over the raw file (HAND below), so the golden
files are not just the reader's own output. Rewrite them only with
``pytest --update-golden``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from styrkort.sources.sie import read_sie, sum_sie

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sie"
GOLDEN = Path(__file__).parent / "golden"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"real SIE files not found at {DATA}"),
]

# counted and summed by hand (regex over the raw bytes, #TRANS rows only; RTRANS/BTRANS excluded)
HAND: dict[str, dict[str, Any]] = {
    "forsslund__SIE4_Exempelfil.SE": {
        "vouchers": 295,
        "transactions": 1330,
        "accounts": 530,
        "sums": {"1930": "-191625.45", "1510": "50726.95", "2440": "163089.17"},
    },
    "jsisie__BL0001_typ4.SE": {
        "vouchers": 84,
        "transactions": 405,
        "accounts": 117,
        "sums": {"2440": "-34077", "4010": "35693.2", "1930": "245436.17"},
        "budget": {"3010": "-1200000", "4010": "600000"},
    },
    "jsisie__MAMUT_SIE4_EXPORT.SE": {
        "vouchers": 168,
        "transactions": 458,
        "accounts": 412,
        "sums": {"1510": "1810637.54", "3051": "-10478793.11", "2611": "-2619698.32"},
    },
    "jsisie__SIE4_Exempelfil_med_underdim.SE": {
        "vouchers": 295,
        "transactions": 1330,
        "accounts": 530,
        "sums": {"1930": "-191625.45", "1510": "50726.95", "2440": "163089.17"},
    },
    "jsisie__Sie1_ksumma.se": {"vouchers": 0, "transactions": 0, "accounts": 301, "sums": {}},
    "jsisie__Sie4_fortnox.si": {
        "vouchers": 165,
        "transactions": 869,
        "accounts": 133,
        "sums": {"1930": "197154.00", "1630": "-47.00", "2440": "-182859.00"},
    },
    "jsisie__transaktioner_ovnbolag.se": {
        "vouchers": 163,
        "transactions": 671,
        "accounts": 567,
        "sums": {"1510": "156976.00", "2440": "-539362.50", "2641": "141600.17"},
        "budget": {"3041": "-1800000.00", "3045": "-200000.00"},
    },
    "jsisie__typ3.se": {
        "vouchers": 0,
        "transactions": 0,
        "accounts": 299,
        "sums": {},
        "budget": {"3010": "-2000001.00", "4110": "99996.00"},
    },
}

FILES = sorted(p.name for p in DATA.iterdir()) if DATA.is_dir() else []


def summary(name: str) -> dict[str, Any]:
    path = DATA / name
    result = read_sie(path)
    ledger = result.ledger
    assert ledger is not None, [f.format() for f in result.findings]
    h = ledger.header
    sums: dict[str, Decimal] = {}
    for _v, t in ledger.transactions():
        sums[t.account] = sums.get(t.account, Decimal(0)) + t.amount
    budget: dict[str, Decimal] = {}
    for p in ledger.period_balances:
        if p.kind == "PBUDGET" and p.year == 0 and not p.objects:
            budget[p.account] = budget.get(p.account, Decimal(0)) + p.amount
    hand = HAND.get(name, {})
    kinds = Counter(p.kind for p in ledger.period_balances)
    return {
        "sie_type": h.sie_type,
        "program": h.program,
        "company": h.company,
        "encoding": h.encoding,
        "years": {
            str(n): [f"{y.start:%Y%m%d}", f"{y.end:%Y%m%d}"] for n, y in sorted(h.years.items())
        },
        "accounts": sum(1 for a in h.accounts.values() if a.line is not None),
        "dimensions": sorted(h.dimensions),
        "objects": len(h.objects),
        "vouchers": len(ledger.vouchers),
        "transactions": sum(len(v.transactions) for v in ledger.vouchers),
        "rtrans": sum(len(v.added) for v in ledger.vouchers),
        "btrans": sum(len(v.removed) for v in ledger.vouchers),
        "balances": dict(sorted(Counter(b.kind for b in ledger.balances).items())),
        "object_balances": len(ledger.object_balances),
        "period_balances": dict(sorted(kinds.items())),
        "findings": dict(sorted(Counter(f.code for f in result.findings).items())),
        "first_findings": [f"{f.source.line}: {f.code}" for f in result.findings[:5]],
        "checked_sums": {a: format(sums.get(a, Decimal(0)), "f") for a in hand.get("sums", {})},
        "checked_budget": {
            a: format(budget.get(a, Decimal(0)), "f") for a in hand.get("budget", {})
        },
    }


@pytest.mark.parametrize("name", FILES)
def test_real_file_matches_golden(name: str, golden: Callable[[Path, Any], None]) -> None:
    golden(GOLDEN / f"{name}.expected.json", summary(name))


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_checked_figures(name: str) -> None:
    if not (DATA / name).exists():
        pytest.skip(f"{name} not in {DATA}")
    s = summary(name)
    hand = HAND[name]
    assert s["vouchers"] == hand["vouchers"]
    assert s["transactions"] == hand["transactions"]
    assert s["accounts"] == hand["accounts"]
    assert {a: Decimal(v) for a, v in s["checked_sums"].items()} == {
        a: Decimal(v) for a, v in hand["sums"].items()
    }
    assert {a: Decimal(v) for a, v in s["checked_budget"].items()} == {
        a: Decimal(v) for a, v in hand.get("budget", {}).items()
    }


@pytest.mark.parametrize("name", FILES)
def test_streaming_sums_equal_the_tree(name: str) -> None:
    tree = read_sie(DATA / name)
    assert tree.ledger is not None
    for dims in ((), ("1",), ("1", "6")):
        streamed = sum_sie(DATA / name, dimensions=dims, chunk_size=1024)
        assert streamed.sums is not None
        assert dict(streamed.sums.sums) == dict(tree.ledger.sums(dims).items()), dims
        assert streamed.sums.vouchers == len(tree.ledger.vouchers)
        assert [(f.code, f.source.line) for f in streamed.findings] == [
            (f.code, f.source.line) for f in tree.findings
        ]


def test_utf8_file_claiming_pc8_is_read_as_utf8() -> None:
    name = "jsisie__SIE4_Exempelfil_med_underdim.SE"
    if not (DATA / name).exists():
        pytest.skip(f"{name} not in {DATA}")
    result = read_sie(DATA / name)
    assert result.ledger is not None
    assert result.ledger.header.encoding == "utf-8"
    assert [f.source.line for f in result.findings if f.code == "sie.encoding"] == [6]
    assert result.ledger.header.dimensions["61"].parent == "6"


def test_checksum_of_real_type1_file_verifies() -> None:
    name = "jsisie__Sie1_ksumma.se"
    if not (DATA / name).exists():
        pytest.skip(f"{name} not in {DATA}")
    data = (DATA / name).read_bytes()
    assert read_sie(data).findings == ()
    tampered = data.replace(b"64490.00", b"64491.00", 1)
    codes = [f.code for f in read_sie(tampered).findings]
    assert codes == ["sie.checksum"]

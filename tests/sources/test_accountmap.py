from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.core.finance import RowKind
from styrkort.core.findings import Severity, Source
from styrkort.sources.accountmap import default_kommunbas, parse_account_map, read_account_map

MIXED = """\
# Sydnärke: accounts to the published categories
prefix,from,to,category,kind
,3400,3599,ÖVRIGA AVG O. ERSÄTTNINGAR,revenue
36,,,DRIFTBIDRAG FR KOMMUNER,revenue
5,,,PERSONALKOSTNADER,cost
65,,,UTRUSTNING OCH DATAKOMMUNIKATION,cost
654,,,"DATABEHANDLING, LICENSER",cost
79,,,KAPITALKOSTNADER,
"""


def test_prefix_and_range_rules_most_specific_wins() -> None:
    amap, findings = parse_account_map(MIXED, "accounts.csv")
    assert findings == []
    assert amap is not None
    assert amap.category("3450") == "ÖVRIGA AVG O. ERSÄTTNINGAR"
    assert amap.category("3611") == "DRIFTBIDRAG FR KOMMUNER"
    assert amap.category("5011") == "PERSONALKOSTNADER"
    assert amap.category("6550") == "UTRUSTNING OCH DATAKOMMUNIKATION"
    assert amap.category("6540") == "DATABEHANDLING, LICENSER"
    assert amap.category("7910") == "KAPITALKOSTNADER"
    assert amap.category("3700") is None
    assert amap.categories[0] == "ÖVRIGA AVG O. ERSÄTTNINGAR"
    assert amap.kind_of("KAPITALKOSTNADER") is RowKind.COST
    assert amap.kind_of("DRIFTBIDRAG FR KOMMUNER") is RowKind.REVENUE


def test_range_compares_leading_digits() -> None:
    amap, _ = parse_account_map("from,to,category\n36,37,Bidrag\n", "a.csv")
    assert amap is not None
    assert amap.category("3612") == "Bidrag"
    assert amap.category("37999") == "Bidrag"
    assert amap.category("3812") is None
    assert amap.kind_of("Bidrag") is RowKind.REVENUE


def test_unmapped_and_ambiguous_accounts_are_findings() -> None:
    text = "from,to,category\n5000,5999,Personal\n5500,5599,Arvoden\n5500,5599,Konsulter\n"
    amap, findings = parse_account_map(text, "accounts.csv")
    assert findings == []
    assert amap is not None
    mapped, found = amap.categorise(
        {
            "5010": Source("bok.se", 10),
            "5510": Source("bok.se", 11),
            "6110": Source("bok.se", 12),
            "1930": Source("bok.se", 13),
        }
    )
    assert mapped == {"5010": "Personal"}
    by_code = {(f.code, f.source.line) for f in found}
    assert by_code == {("accountmap.ambiguous", 11), ("accountmap.unmapped", 12)}
    ambiguous = next(f for f in found if f.code == "accountmap.ambiguous")
    assert ambiguous.severity is Severity.ERROR
    assert "Arvoden" in ambiguous.message
    assert "Konsulter" in ambiguous.message
    assert "accounts.csv:3" in ambiguous.message


def test_same_category_twice_is_not_ambiguous() -> None:
    amap, _ = parse_account_map("prefix,category\n6,Övrigt\n6,Övrigt\n", "a.csv")
    assert amap is not None
    assert amap.categorise(["6110"]) == ({"6110": "Övrigt"}, [])


def test_default_says_it_is_a_default() -> None:
    amap, findings = default_kommunbas()
    assert amap.is_default
    assert [(f.code, f.severity) for f in findings] == [("accountmap.default", Severity.INFO)]
    assert amap.category("3010") == "Verksamhetens intäkter"
    assert amap.category("5011") == "Personalkostnader"
    assert amap.category("6110") == "Övriga verksamhetskostnader"
    assert amap.category("7310") == "Övriga verksamhetskostnader"
    assert amap.category("7910") == "Avskrivningar"
    assert amap.category("1930") is None


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "accountmap.empty", 1),
        ("konto,kategori\n5,Personal\n", "accountmap.columns", 1),
        ("prefix,category\n5,\n", "accountmap.row", 2),
        ("prefix,category\n5x,Personal\n", "accountmap.row", 2),
        ("from,to,category\n3999,3000,Intäkter\n", "accountmap.row", 2),
        ("from,to,category\n30,3999,Intäkter\n", "accountmap.row", 2),
        ("prefix,category,kind\n5,Personal,utgift\n", "accountmap.row", 2),
        ("prefix,category,kind\n3,Blandat,revenue\n4,Blandat,cost\n", "accountmap.kind", 3),
    ],
)
def test_bad_mapping_files(text: str, code: str, line: int) -> None:
    amap, findings = parse_account_map(text, "accounts.csv")
    assert amap is None
    assert (code, line) in {(f.code, f.source.line) for f in findings}


def test_read_from_file(tmp_path: Path) -> None:
    p = tmp_path / "accounts.csv"
    p.write_text("prefix;category\n5;Personal\n", encoding="utf-8")
    amap, findings = read_account_map(p)
    assert findings == []
    assert amap is not None
    assert amap.category("5011") == "Personal"
    missing, found = read_account_map(tmp_path / "nej.csv")
    assert missing is None
    assert [f.code for f in found] == ["accountmap.read"]

"""Sick leave and HME on small hand-made files."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.metrics import compute


def sick_file(tmp_path: Path, extra: str = "") -> Path:
    """23 employees, 1 000 ordinary hours each.

    Women (0–11) 50 sick hours each, men (12–22) 20 each. Born 1995 (0–4),
    1980 (5–15), 1965 (16–22). Employee 0 has 300 h in spells of 60+ days.
    """
    rows = ["anstalld,kon,fodelsear,ordinarie_timmar,sjuktimmar,sjuktimmar_lang"]
    for i in range(23):
        sex = "K" if i < 12 else "M"
        year = 1995 if i < 5 else 1980 if i < 16 else 1965
        sick = 50 if i < 12 else 20
        long = 300 if i == 0 else 0
        rows.append(f"E{i},{sex},{year},1000,{sick},{long}")
    path = tmp_path / "sjuk.csv"
    path.write_text("\n".join(rows) + "\n" + extra, encoding="utf-8")
    return path


YEAR = (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))


def test_sick_leave_seven_ratios(tmp_path: Path) -> None:
    r = compute("sick-leave", sick_file(tmp_path), profile="sick-leave", period=YEAR)
    assert r.value == Decimal(820) / Decimal(23000)
    assert (r.numerator, r.denominator) == (Decimal(820), Decimal(23000))
    assert r.unit == "%"
    assert r.count == 23
    d = r.details
    assert d["long_term"] == Decimal(300) / Decimal(820)
    assert d["women"] == Decimal("0.05")
    assert d["men"] == Decimal("0.02")
    assert d["age_29"] is None  # 5 employees: no figure
    assert d["age_30_49"] == Decimal(7 * 50 + 4 * 20) / Decimal(11000)
    assert d["age_50"] is None  # 7 employees
    assert any(f.code == "metric.small_group" for f in r.findings)
    assert "ingen uppgift för grupper om 10 anställda eller färre" in r.definition


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("women", Decimal("0.05")),
        ("men", Decimal("0.02")),
        ("long_term", Decimal(300) / Decimal(820)),
        ("age_29", None),
    ],
)
def test_sick_leave_part_selects_the_value(
    tmp_path: Path, part: str, expected: Decimal | None
) -> None:
    r = compute(
        "sick-leave", sick_file(tmp_path), profile="sick-leave", params={"part": part}, period=YEAR
    )
    assert r.value == expected
    if expected is None:
        assert r.numerator is None and "ingen uppgift" in r.definition


def test_group_of_exactly_ten_gets_no_figure_eleven_does(tmp_path: Path) -> None:
    path = sick_file(tmp_path)
    ten = compute(
        "sick-leave",
        path,
        profile="sick-leave",
        params={"part": "men", "min_group": "11"},
        period=YEAR,
    )
    assert ten.value is None
    eleven = compute(
        "sick-leave",
        path,
        profile="sick-leave",
        params={"part": "men", "min_group": "10"},
        period=YEAR,
    )
    assert eleven.value == Decimal("0.02")


def test_age_needs_a_year(tmp_path: Path) -> None:
    r = compute("sick-leave", sick_file(tmp_path), profile="sick-leave")
    assert r.value is None
    assert r.findings[-1].code == "metric.parameter"
    ok = compute("sick-leave", sick_file(tmp_path), profile="sick-leave", params={"year": "2020"})
    assert ok.value == Decimal(820) / Decimal(23000)


def test_spells_give_long_term_hours(tmp_path: Path) -> None:
    rows = ["anstalld,kon,alder,ordinarie_timmar,sjuktimmar,sjukperioder"]
    for i in range(11):
        spells = "75:400;3:24" if i == 0 else "2:16"
        rows.append(f'E{i},{"K" if i % 2 else "M"},40,"1 000,5",,{spells}')
    path = tmp_path / "s.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = compute("sick-leave", path, profile="sick-leave", params={"part": "long_term"})
    assert r.numerator == Decimal(400)
    assert r.denominator == Decimal(424 + 10 * 16)
    longer = compute(
        "sick-leave", path, profile="sick-leave", params={"part": "long_term", "long_days": "80"}
    )
    assert longer.value == Decimal(0)
    total = compute("sick-leave", path, profile="sick-leave")
    assert total.denominator == Decimal("11005.5")


def test_bad_sick_leave_rows_are_findings(tmp_path: Path) -> None:
    path = sick_file(tmp_path, "E99,X,1980,1000,5,0\nE98,K,1980,,5,0\n")
    r = compute("sick-leave", path, profile="sick-leave", period=YEAR)
    assert [(f.code, f.source.line) for f in r.findings if f.code == "log.sick_leave_row"] == [
        ("log.sick_leave_row", 25),
        ("log.sick_leave_row", 26),
    ]
    assert r.count == 23


HME = """
m1,m2,m3,l1,l2,l3,s1,s2,s3
5,5,5,4,4,4,3,3,3
3,3,3,4,4,4,3,3,3
4,4,4,,2,2,5,5,5
,,,,,,,,
4,4,4,7,2,2,5,5,5
"""


def q(mean: Decimal) -> Decimal:
    return (mean - 1) * 25


def test_hme_indices(tmp_path: Path) -> None:
    path = tmp_path / "hme.csv"
    path.write_text(HME.strip() + "\n", encoding="utf-8")
    r = compute("hme", path, profile="hme")
    d = r.details
    assert d["m1"] == Decimal(75)  # (4 - 1) * 25
    assert d["l1"] == Decimal(75)  # the 7 on line 6 is not an answer
    assert d["l2"] == q(Decimal(12) / 4)
    assert d["s1"] == q(Decimal(16) / 4)
    assert d["motivation"] == Decimal(75)
    ledarskap = (Decimal(75) + 2 * q(Decimal(12) / 4)) / 3
    assert d["ledarskap"] is not None and abs(d["ledarskap"] - ledarskap) < Decimal("1e-20")
    assert d["styrning"] == q(Decimal(16) / 4)
    nine = [d[k] for k in ("m1", "m2", "m3", "l1", "l2", "l3", "s1", "s2", "s3")]
    total = sum(v for v in nine if v is not None) / 9
    assert r.value is not None and abs(r.value - total) < Decimal("1e-20")
    assert r.unit == "index"
    assert r.count == 4  # the empty sheet is not a respondent
    assert d["responses_l1"] == 2
    assert [(f.code, f.source.line) for f in r.findings] == [("log.hme_answer", 6)]
    assert "medelvärdet av de nio frågeindexen" in r.definition


def test_hme_part(tmp_path: Path) -> None:
    path = tmp_path / "hme.csv"
    path.write_text(HME.strip() + "\n", encoding="utf-8")
    r = compute("hme", path, profile="hme", params={"part": "motivation"})
    assert r.value == Decimal(75)
    assert r.definition.startswith("HME delindex motivation")
    bad = compute("hme", path, profile="hme", params={"part": "glädje"})
    assert bad.value is None and bad.findings[-1].code == "metric.parameter"


def test_hme_missing_column_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "hme.csv"
    path.write_text("m1,m2\n1,2\n", encoding="utf-8")
    r = compute("hme", path, profile="hme")
    assert r.value is None and r.findings[0].code == "metric.unreadable"


def test_spells_without_sick_hours_column(tmp_path: Path) -> None:
    rows = ["anstalld,kon,alder,ordinarie_timmar,sjukperioder"]
    rows += [f"E{i},K,35,1000,{'61:480' if i == 0 else '1:8'}" for i in range(11)]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = compute("sick-leave", path, profile="sick-leave", params={"part": "long_term"})
    assert (r.numerator, r.denominator) == (Decimal(480), Decimal(480 + 80))
    missing = tmp_path / "m.csv"
    missing.write_text("anstalld,kon,alder,ordinarie_timmar\nE1,K,35,1000\n", encoding="utf-8")
    bad = compute("sick-leave", missing, profile="sick-leave")
    assert bad.value is None and bad.findings[0].code == "metric.unreadable"

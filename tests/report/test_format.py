from decimal import Decimal

from styrkort.report.format import number, percent, target_text, tkr

NB, MINUS = "\u00a0", "\u2212"


def test_swedish_numbers_with_explicit_patterns() -> None:
    assert tkr(Decimal(-34_559_000)) == f"{MINUS}34{NB}559"
    assert tkr(Decimal(-400)) == "0"  # no "−0"
    assert number(Decimal("6.58"), keep=True) == "6,58"
    assert percent(Decimal("0.0658"), 2) == f"6,58{NB}%"  # not rounded to 7 %


def test_equal_decimals_keep_their_own_decimals() -> None:
    assert number(Decimal("1"), keep=True) == "1"
    assert number(Decimal("1.0"), keep=True) == "1,0"
    assert number(Decimal("1"), keep=True) == "1"


def test_targets_get_non_breaking_spaces_before_units() -> None:
    assert target_text("högst 20 st") == f"högst 20{NB}st"
    assert target_text("70–80 %") == f"70–80{NB}%"

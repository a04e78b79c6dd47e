from decimal import Decimal

import pytest

from styrkort.core.numbers import is_minus_only, parse_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Decimal(0)),
        ("104", Decimal(104)),
        ("-823", Decimal(-823)),
        ("\u2212823", Decimal(-823)),
        ("\u2013 3 970", Decimal(-3970)),
        ("34 559", Decimal(34559)),
        ("34\u00a0559", Decimal(34559)),
        ("1\u202f234\u202f567", Decimal(1234567)),
        ("6,58", Decimal("6.58")),
        ("71,13", Decimal("71.13")),
        ("0.5", Decimal("0.5")),
        ("1.234", Decimal("1.234")),
        (",5", Decimal("0.5")),
        ("+12", Decimal(12)),
    ],
)
def test_parses_swedish_numbers(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "12 34", "1,2,3", "12%", "—", "1 2345", "--1"])
def test_rejects_what_is_not_a_plain_number(text: str) -> None:
    assert parse_decimal(text) is None


def test_dash_alone_is_recognised() -> None:
    assert is_minus_only("–")
    assert is_minus_only(" - ")
    assert not is_minus_only("-1")

"""Regression tests for issue 18 items that are behaviour rather than a finding code."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.core import limits
from styrkort.core.allocation import AllocationKey
from styrkort.metrics import compute

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_time_zone_offsets_are_honoured(tmp_path: Path) -> None:
    """Item 12: opened 10:00 at +14:00, answered 10:10 at -12:00 is 26 h 10 min, not 10 min."""
    log = tmp_path / "logg.csv"
    log.write_text(
        "id,opened_at,responded_at,priority\n"
        "1,2020-03-02T10:00:00+14:00,2020-03-02T10:10:00-12:00,1\n"
        "2,2020-03-02 10:00:00+01:00,2020-03-02 09:10:00Z,1\n"
        "3,2020-03-02 10:00,2020-03-02 10:20,1\n",
        encoding="utf-8",
    )
    result = compute("first-response-within", log, profile="tickets", params={"limit": "30min"})
    # ticket 2: 09:10Z is 10:10 in Stockholm (10 min); ticket 3 has no offset (20 min)
    assert (result.numerator, result.denominator) == (2, 3)


def test_metrics_run_without_a_value_exits_1(tmp_path: Path) -> None:
    """Item 14: every row unusable gives no value and only warnings; that is no success."""
    log = tmp_path / "logg.csv"
    log.write_text("id,opened_at,responded_at,priority\n1,inte ett datum,,1\n", encoding="utf-8")
    code = main(
        ["metrics", "run", "--profile", "tickets", "--metric", "first-response-within", str(log)]
    )
    assert code == 1


def test_an_amount_in_thousandths_splits_without_an_exception() -> None:
    """Item 4: a result of -104 000,125 kr is split exactly (it once raised ValueError)."""
    from styrkort.core.allocation import split_result

    key = AllocationKey((("a", Decimal(1)), ("b", Decimal(2))))
    split = split_result(Decimal("-104000.125"), key, Decimal("0.001"))
    assert sum(p for _, p in split.parts) == Decimal("-104000.125")


def test_every_limit_is_documented_in_security_md() -> None:
    """Deliverable 2: each limit is one documented setting (docs/security.md names its value)."""
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    for limit in limits.ALL:
        row = re.search(rf"^\|\s*`{limit.name}`\s*\|\s*([^|]+)\|", text, re.MULTILINE)
        assert row, f"{limit.name} is not in the table of docs/security.md"
        assert re.sub(r"[^\d]", "", row.group(1)) == str(limit.value), limit.name


@pytest.mark.parametrize("limit", limits.ALL, ids=lambda lim: lim.name)
def test_limit_findings_are_swedish_and_say_what_to_do(limit: limits.Limit) -> None:
    finding = limits.exceeded(limit, limits.Source("fil.csv", 3), limit.value + 1)
    assert finding.code == f"limit.{limit.name}"
    assert "över gränsen" in finding.message and finding.hint

"""Ticket metrics on small hand-computed cases."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.metrics import compute


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


HEADER = "id,opened_at,responded_at,resolved_at,priority,priority_final,category,status,escalated,group,level"

# Response after 20, 30 (exactly the limit), 31 min; one without response; one cancelled; one duplicate.
BASIC = f"""
{HEADER}
T1,2020-03-02 10:00,2020-03-02 10:20,2020-03-02 12:00,1,1,Incident,Closed,false,Servicedesk,L1
T2,2020-03-02 10:00,2020-03-02 10:30,2020-03-02 14:00,1,1,Incident,Closed,true,Nätverk,L2
T3,2020-03-02 10:00,2020-03-02 10:31,2020-03-03 10:00,1,1,Incident,Closed,false,Servicedesk,L1
T4,2020-03-02 10:00,,,1,1,Incident,Open,false,,
T5,2020-03-02 10:00,2020-03-02 10:05,2020-03-02 10:06,1,1,Incident,Avbruten,false,,
T6,2020-03-02 10:00,2020-03-02 10:05,2020-03-02 10:06,1,1,Incident,Dubblett,false,,
T7,2020-03-02 10:00,2020-03-02 10:05,2020-03-02 11:00,3,3,Incident,Closed,false,Servicedesk,L1
"""


def test_first_response_within_counts_the_limit_itself_and_excludes_open_cancelled_duplicates(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"priorities": "1", "limit": "30min"},
    )
    assert (r.numerator, r.denominator) == (2, 3)
    assert r.value == Decimal(2) / Decimal(3)
    assert r.unit == "%"
    assert r.count == 6
    assert r.details["excluded_cancelled"] == 1
    assert r.details["excluded_duplicates"] == 1
    assert r.details["still_open"] == 1
    assert r.definition.startswith(
        "Andel ärenden med prioritet 1 där första återkoppling skett inom 30 min"
    )
    assert "kalendertid" in r.definition and "prioritet vid öppning" in r.definition
    assert r.definition.endswith("= 2/3")
    assert r.findings == ()


def test_open_tickets_count_against_when_not_excluded(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"priorities": "1", "limit": "30min", "exclude": "cancelled,duplicates"},
    )
    assert (r.numerator, r.denominator) == (2, 4)
    assert "räknas som ej inom gränsen" in r.definition


def test_no_exclusions_counts_cancelled_and_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"priorities": "1", "limit": "30min", "exclude": "inga"},
    )
    assert (r.numerator, r.denominator) == (4, 6)
    assert "inga undantag" in r.definition


def test_resolved_within_uses_resolution_as_stop(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute("resolved-within", path, profile="tickets", params={"limit": "4h"})
    # T1 2h, T2 4h, T3 24h, T7 1h; T4 open; T5/T6 excluded
    assert (r.numerator, r.denominator) == (3, 4)


def test_first_level_resolution_rules(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    never = compute("first-level-resolution", path, profile="tickets")
    assert (never.numerator, never.denominator) == (3, 4)  # T2 escalated
    group = compute(
        "first-level-resolution",
        path,
        profile="tickets",
        params={"rule": "group", "groups": "Nätverk"},
    )
    assert (group.numerator, group.denominator) == (1, 4)
    level = compute("first-level-resolution", path, profile="tickets", params={"rule": "level"})
    assert (level.numerator, level.denominator) == (3, 4)
    assert "ej first contact resolution" in never.definition


def test_first_level_resolution_group_rule_needs_groups(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute("first-level-resolution", path, profile="tickets", params={"rule": "group"})
    assert r.value is None
    assert r.findings[-1].code == "metric.parameter"


def test_handling_time_mean_and_median(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    r = compute("handling-time", path, profile="tickets")
    # T1 2 h, T2 4 h, T3 24 h, T7 1 h -> mean 31/4, median 3
    assert r.value == Decimal("7.75")
    assert r.unit == "h"
    assert r.details["median_h"] == Decimal(3)
    assert (r.numerator, r.denominator) == (Decimal(31), Decimal(4))
    assert "median 3,0 h" in r.definition


def test_priority_filter_final_priority(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.csv",
        BASIC.replace(
            "T7,2020-03-02 10:00,2020-03-02 10:05,2020-03-02 11:00,3,3",
            "T7,2020-03-02 10:00,2020-03-02 10:05,2020-03-02 11:00,3,1",
        ),
    )
    at_open = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"priorities": "1", "limit": "30min"},
    )
    final = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"priorities": "1", "limit": "30min", "priority": "final"},
    )
    assert at_open.denominator == 3
    assert final.denominator == 4
    assert "slutlig prioritet" in final.definition


# --- business hours ----------------------------------------------------------------------

CALENDAR_CASES = [
    # weekend: Fri 16:00 -> Mon 09:00 = 1 h + 1 h
    ("2020-03-06 16:00", "2020-03-09 09:00", 120, 65 * 60),
    # Good Friday 10 April and Easter Monday 13 April 2020: Thu 16:30 -> Tue 08:30
    ("2020-04-09 16:30", "2020-04-14 08:30", 60, 112 * 60),
    # julafton (Thu 24 Dec 2020, closed by the organisation), juldagen, weekend
    ("2020-12-23 16:00", "2020-12-28 09:00", 120, 113 * 60),
    # midsommarafton Fri 19 June 2020
    ("2020-06-18 16:00", "2020-06-22 09:00", 120, 89 * 60),
    # within one day, before opening to after closing counts the open hours only
    ("2020-03-10 06:00", "2020-03-10 19:00", 9 * 60, 13 * 60),
    # opened and answered on a Saturday: no business time at all
    ("2020-03-07 10:00", "2020-03-07 12:00", 0, 120),
]


@pytest.mark.parametrize(("opened", "responded", "business_min", "calendar_min"), CALENDAR_CASES)
def test_business_hours(
    tmp_path: Path, opened: str, responded: str, business_min: int, calendar_min: int
) -> None:
    path = write(tmp_path, "t.csv", f"id,opened_at,responded_at\nA,{opened},{responded}")
    params = {"hours": "business", "stop": "responded"}
    at = compute("handling-time", path, profile="tickets", params=params)
    assert at.value is not None
    assert at.value * 60 == business_min
    cal = compute("handling-time", path, profile="tickets", params={"stop": "responded"})
    assert cal.value is not None
    assert cal.value * 60 == calendar_min
    # the limit is inclusive: exactly the business time is within
    if business_min:
        within = compute(
            "first-response-within",
            path,
            profile="tickets",
            params={"hours": "business", "limit": f"{business_min}min"},
        )
        assert (within.numerator, within.denominator) == (1, 1)
        over = compute(
            "first-response-within",
            path,
            profile="tickets",
            params={"hours": "business", "limit": f"{business_min - 1}min"},
        )
        assert (over.numerator, over.denominator) == (0, 1)


def test_julafton_counts_when_not_closed(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.csv", "id,opened_at,responded_at\nA,2020-12-23 16:00,2020-12-28 09:00"
    )
    r = compute(
        "handling-time",
        path,
        profile="tickets",
        params={"hours": "business", "stop": "responded", "closed": "inga"},
    )
    assert r.value == Decimal(11)  # 1 + 9 (julafton) + 1
    r2 = compute(
        "handling-time",
        path,
        profile="tickets",
        params={"hours": "business", "stop": "responded", "closed": "julafton,2020-12-23"},
    )
    assert r2.value == Decimal(1)
    assert "utom helgdagar, julafton och 2020-12-23" in r2.definition


def test_business_definition_and_custom_hours(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.csv", "id,opened_at,responded_at\nA,2020-03-06 16:00,2020-03-09 09:00"
    )
    r = compute(
        "first-response-within",
        path,
        profile="tickets",
        params={"hours": "business", "open": "07:30-16:30", "days": "mån-fre", "limit": "2h"},
    )
    assert (
        "kontorstid mån–fre 07:30–16:30, utom helgdagar, julafton, midsommarafton och nyårsafton"
        in r.definition
    )
    assert (r.numerator, r.denominator) == (1, 1)  # 0.5 h Friday + 1.5 h Monday


def test_delivered_within_days(tmp_path: Path) -> None:
    text = """
id,opened_at,resolved_at,category
O1,2020-03-02 10:00,2020-03-04 10:00,Beställning
O2,2020-03-06 16:00,2020-03-10 10:00,Beställning
O3,2020-03-02 10:00,2020-03-05 10:00,Beställning
I1,2020-03-02 10:00,2020-03-02 11:00,Incident
"""
    path = write(tmp_path, "t.csv", text)
    cal = compute("delivered-within", path, profile="tickets", params={"categories": "Beställning"})
    assert (cal.numerator, cal.denominator) == (1, 3)  # only O1 within 48 h
    bus = compute(
        "delivered-within",
        path,
        profile="tickets",
        params={"categories": "Beställning", "hours": "business"},
    )
    # O1: 18 open hours = 2 open days; O2: Fri 1 h + Mon 9 h + Tue 2 h = 12 h; O3: 27 h
    assert (bus.numerator, bus.denominator) == (2, 3)
    assert "2 öppna dagar" in bus.definition
    nocat = compute("delivered-within", path, profile="tickets")
    assert nocat.denominator == 4
    assert any(f.code == "metric.category" for f in nocat.findings)


def test_period_selects_by_opening_and_open_at_period_end(tmp_path: Path) -> None:
    text = """
id,opened_at,resolved_at
A,2020-01-31 10:00,2020-01-31 11:00
B,2020-01-31 23:00,2020-02-01 01:00
C,2020-02-01 09:00,2020-02-01 10:00
"""
    path = write(tmp_path, "t.csv", text)
    jan = datetime.date(2020, 1, 1), datetime.date(2020, 1, 31)
    r = compute("resolved-within", path, profile="tickets", params={"limit": "8h"}, period=jan)
    assert r.count == 2
    assert (r.numerator, r.denominator) == (1, 1)  # B resolved after period end: still open then
    assert r.details["still_open"] == 1
    assert "öppnade 2020-01-01–2020-01-31" in r.definition
    against = compute(
        "resolved-within",
        path,
        profile="tickets",
        params={"limit": "8h", "exclude": "cancelled"},
        period=jan,
    )
    assert (against.numerator, against.denominator) == (1, 2)


def test_malformed_rows_become_findings_with_lines(tmp_path: Path) -> None:
    text = """
id,opened_at,responded_at
A,2020-03-02 10:00,2020-03-02 10:10
B,igår,2020-03-02 10:10
C,2020-03-02 10:00,2020-03-02 09:00
D,2020-03-02 10:00
"""
    path = write(tmp_path, "t.csv", text)
    r = compute("first-response-within", path, profile="tickets", params={"limit": "30min"})
    by_code = {f.code: f for f in r.findings}
    assert by_code["log.timestamp"].source.line == 3
    assert by_code["log.field_count"].source.line == 5
    assert by_code["metric.negative_time"].source.line == 4
    assert (r.numerator, r.denominator) == (1, 1)


def test_unknown_metric_profile_and_param_are_findings(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", BASIC)
    for result, code in (
        (compute("no-such", path, profile="tickets"), "metric.unknown_metric"),
        (compute("handling-time", path, profile="nope"), "metric.unknown_profile"),
        (
            compute("handling-time", path, profile="tickets", params={"limt": "2h"}),
            "metric.unknown_parameter",
        ),
        (
            compute("handling-time", path, profile="tickets", params={"hours": "sometimes"}),
            "metric.parameter",
        ),
        (
            compute("handling-time", path, profile="tickets", params={"open": "17-8"}),
            "metric.parameter",
        ),
        (
            compute("first-response-within", path, profile="tickets", params={"limit": "soon"}),
            "metric.parameter",
        ),
        (
            compute("handling-time", path, profile="tickets", params={"closed": "lillejulafton"}),
            "metric.parameter",
        ),
        (compute("service-level", path, profile="tickets"), "metric.wrong_profile"),
        (
            compute("handling-time", tmp_path / "missing.csv", profile="tickets"),
            "metric.unreadable",
        ),
        (
            compute("handling-time", path, profile="tickets", params={"pause": "Väntar"}),
            "metric.parameter",
        ),
    ):
        assert result.value is None
        assert result.findings[-1].code == code
        assert result.findings[-1].severity.value == "error"


def test_missing_required_column_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "nummer,öppnad\nA,2020-03-02 10:00")
    r = compute("handling-time", path, profile="tickets")
    assert r.value is None
    assert r.findings[0].code == "metric.unreadable"
    assert "col.id" in r.findings[0].hint
    mapped = {"col.id": "nummer", "col.opened_at": "öppnad"}
    no_stop = compute("handling-time", path, profile="tickets", params=mapped)
    assert no_stop.value is None
    assert no_stop.findings[-1].code == "metric.parameter"
    assert "resolved_at" in no_stop.findings[-1].message
    closed = compute("handling-time", path, profile="tickets", params={**mapped, "stop": "closed"})
    assert closed.findings[-1].code == "metric.parameter"


def test_feature_scan_matches_one_case_per_plan(tmp_path: Path) -> None:
    """The batched scan (bit features) and the reference (a CASE per plan) agree on every class."""
    import duckdb

    from styrkort.metrics import METRICS
    from styrkort.metrics import tickets as t
    from styrkort.sources.logs import PROFILES, load

    path = write(tmp_path, "t.csv", BASIC)
    con = duckdb.connect()
    loaded = load(con, path, PROFILES["tickets"], {})
    period = (datetime.date(2020, 3, 1), datetime.date(2020, 3, 2))
    asks = [
        ("first-response-within", {"priorities": "1", "limit": "30min"}, None),
        ("first-response-within", {"limit": "30min", "exclude": "cancelled"}, period),
        ("resolved-within", {"limit": "4h", "priority": "final", "exclude": "inga"}, None),
        ("first-level-resolution", {"rule": "group", "groups": "Servicedesk"}, period),
        ("handling-time", {"start": "responded"}, None),
        ("delivered-within", {"categories": "incident", "limit": "1d"}, None),
    ]
    plans = [
        METRICS[m].prepare(con, loaded, {**METRICS[m].defaults(), **p}, per) for m, p, per in asks
    ]
    by_features = t.run_plans_by_features(con, loaded, plans)
    by_codes = t.run_plans_by_codes(con, loaded, plans)
    assert by_features == by_codes
    # T3 is resolved after the period in the fourth; T6 (duplicate) counts in the second
    assert [a.eligible for a in by_features] == [3, 5, 6, 3, 4, 4]

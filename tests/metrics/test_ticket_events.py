"""Event logs: reduction to one record per ticket, priority changes, reopening, pausing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from styrkort.metrics import compute

EVENTS = """
id,time,state,priority,group,level,category
A,2020-03-02 10:00,New,3,Servicedesk,L1,Incident
A,2020-03-02 10:20,Active,3,Servicedesk,L1,Incident
A,2020-03-02 11:00,Active,1,Servicedesk,L1,Incident
A,2020-03-02 12:00,Resolved,1,Servicedesk,L1,Incident
B,2020-03-02 10:00,New,1,Servicedesk,L1,Incident
B,2020-03-02 11:00,Active,1,Servicedesk,L1,Incident
B,2020-03-02 12:00,Resolved,1,Servicedesk,L1,Incident
B,2020-03-03 09:00,Active,1,Nätverk,L2,Incident
B,2020-03-03 15:00,Resolved,1,Nätverk,L2,Incident
B,2020-03-04 10:00,Closed,1,Nätverk,L2,Incident
C,2020-03-02 10:00,New,2,Servicedesk,L1,Incident
C,2020-03-02 10:10,Awaiting User Info,2,Servicedesk,L1,Incident
C,2020-03-02 13:10,Active,2,Servicedesk,L1,Incident
C,2020-03-02 14:00,Resolved,2,Servicedesk,L1,Incident
D,2020-03-02 10:00,New,2,Servicedesk,L1,Incident
D,2020-03-02 10:30,Cancelled,2,Servicedesk,L1,Incident
"""


def log(tmp_path: Path) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS.strip() + "\n", encoding="utf-8")
    return path


def test_priority_changed_during_the_ticket(tmp_path: Path) -> None:
    path = log(tmp_path)
    at_open = compute(
        "first-response-within",
        path,
        profile="ticket-events",
        params={"priorities": "1", "limit": "1h"},
    )
    final = compute(
        "first-response-within",
        path,
        profile="ticket-events",
        params={"priorities": "1", "limit": "1h", "priority": "final"},
    )
    # A opened as 3, raised to 1: only counted with the final priority. B responded after 60 min.
    assert (at_open.numerator, at_open.denominator) == (1, 1)
    assert (final.numerator, final.denominator) == (2, 2)


def test_reopened_ticket_uses_last_resolution_unless_asked(tmp_path: Path) -> None:
    path = log(tmp_path)
    last = compute(
        "handling-time",
        path,
        profile="ticket-events",
        params={"priorities": "1", "priority": "final"},
    )
    # A: 2 h; B: resolved 12:00, reopened, resolved again next day 15:00 -> 29 h
    assert last.details["mean_h"] == Decimal("15.5")
    first = compute(
        "handling-time",
        path,
        profile="ticket-events",
        params={"priorities": "1", "priority": "final", "stop": "resolved_first"},
    )
    assert first.value == Decimal(2)
    within = compute("resolved-within", path, profile="ticket-events", params={"limit": "8h"})
    # A 2 h, B 29 h (reopened), C 4 h; D cancelled
    assert (within.numerator, within.denominator) == (2, 3)
    assert within.details["excluded_cancelled"] == 1


def test_reopened_and_escalated_ticket_is_not_first_level(tmp_path: Path) -> None:
    path = log(tmp_path)
    never = compute("first-level-resolution", path, profile="ticket-events")
    assert (never.numerator, never.denominator) == (2, 3)
    by_group = compute(
        "first-level-resolution",
        path,
        profile="ticket-events",
        params={"rule": "group", "groups": "Servicedesk"},
    )
    assert (by_group.numerator, by_group.denominator) == (2, 3)
    by_level = compute(
        "first-level-resolution",
        path,
        profile="ticket-events",
        params={"rule": "level", "levels": "L2"},
    )
    assert (by_level.numerator, by_level.denominator) == (1, 3)


def test_pausing_states_are_not_counted(tmp_path: Path) -> None:
    path = log(tmp_path)
    plain = compute("handling-time", path, profile="ticket-events", params={"priorities": "2"})
    assert plain.value == Decimal(4)
    paused = compute(
        "handling-time",
        path,
        profile="ticket-events",
        params={"priorities": "2", "pause": "Awaiting User Info"},
    )
    assert paused.value == Decimal(1)
    assert "tid i status Awaiting User Info räknas inte" in paused.definition
    business = compute(
        "handling-time",
        path,
        profile="ticket-events",
        params={
            "priorities": "2",
            "pause": "awaiting user info",
            "hours": "business",
            "open": "11:00-17:00",
        },
    )
    # open from 11:00: total 10:00-14:00 = 3 open hours, paused 10:10-13:10 = 2h10 open -> 50 min
    assert business.value is not None
    assert business.value * 60 == 50


def test_first_response_is_first_event_out_of_new(tmp_path: Path) -> None:
    path = log(tmp_path)
    r = compute("first-response-within", path, profile="ticket-events", params={"limit": "20min"})
    # A 20 min, B 60, C 10; D cancelled
    assert (r.numerator, r.denominator) == (2, 3)


def test_event_rows_with_bad_times_are_findings(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "id,time,state\nA,2020-03-02 10:00,New\nA,sometime,Active\nA,2020-03-02 11:00,Resolved\n",
        encoding="utf-8",
    )
    r = compute("handling-time", path, profile="ticket-events")
    assert r.value == Decimal(1)
    assert [(f.code, f.source.line) for f in r.findings] == [("log.timestamp", 3)]


def test_compute_many_gives_the_same_figures_as_one_by_one(tmp_path: Path) -> None:
    from styrkort.metrics import MetricRequest, clear_cache, compute_many

    path = log(tmp_path)
    asks = [
        ("first-response-within", {"limit": "20min"}),
        ("resolved-within", {"limit": "8h", "hours": "business"}),
        ("first-level-resolution", {"rule": "level", "levels": "L2"}),
        ("handling-time", {"priorities": "2", "pause": "Awaiting User Info"}),
        ("handling-time", {"priorities": "1", "priority": "final"}),
        ("delivered-within", {"categories": "Incident", "limit": "1d", "hours": "business"}),
        ("resolved-within", {"limit": "soon"}),
        ("no-such-metric", {}),
    ]
    batch = compute_many([MetricRequest(m, path, "ticket-events", p) for m, p in asks])
    clear_cache()
    single = [compute(m, path, profile="ticket-events", params=p) for m, p in asks]
    assert batch == single
    assert [r.value is None for r in batch] == [False] * 6 + [True, True]
    assert batch[6].findings[-1].code == "metric.parameter"
    assert batch[7].findings[-1].code == "metric.unknown_metric"

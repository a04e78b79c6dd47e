"""The three real logs in ../shared/data/itsm, checked against a deliberately simple second computation.

The second computation is plain Python over the csv module: no DuckDB, no
shared code with the readers, so a mistake in the SQL shows up as a
difference. Skipped when the shared data folder is absent.
"""

from __future__ import annotations

import csv
import datetime
import gzip
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from styrkort.metrics import compute

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "itsm"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"real sample data not found at {DATA}"),
]

SERVICENOW = DATA / "servicenow_incident_event_log.csv.gz"
BPIC = DATA / "bpic2013_volvo_it_incidents.csv.gz"


def close(a: Decimal | None, b: float) -> bool:
    return a is not None and abs(float(a) - b) < 1e-9


# --- ServiceNow ------------------------------------------------------------------------


def _sn_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%d/%m/%Y %H:%M")


@pytest.fixture(scope="module")
def servicenow() -> dict[str, dict[str, Any]]:
    known = {
        "New",
        "Active",
        "Awaiting User Info",
        "Awaiting Vendor",
        "Awaiting Problem",
        "Awaiting Evidence",
        "Resolved",
        "Closed",
    }
    events: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    with gzip.open(SERVICENOW, "rt", encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            if row["incident_state"] not in known:
                continue
            events[row["number"]].append(
                (_sn_time(row["sys_updated_at"]), int(row["sys_mod_count"]), n, row)
            )
    tickets = {}
    for number, evs in events.items():
        evs.sort(key=lambda e: e[:3])
        rows = [e[3] for e in evs]
        responded = next((e[0] for e in evs if e[3]["incident_state"] != "New"), None)
        final = rows[-1]["incident_state"]
        resolved = None
        if final in ("Resolved", "Closed"):
            fields = [r["resolved_at"] for r in rows if r["resolved_at"] != "?"]
            resolved = _sn_time(fields[-1]) if fields else None
            if resolved is None:
                last_open = (
                    max(
                        i
                        for i, r in enumerate(rows)
                        if r["incident_state"] not in ("Resolved", "Closed")
                    )
                    if any(r["incident_state"] not in ("Resolved", "Closed") for r in rows)
                    else -1
                )
                resolved = evs[last_open + 1][0]
        tickets[number] = {
            "opened": _sn_time(rows[0]["opened_at"]),
            "priority": rows[0]["priority"].split(" - ")[0],
            "responded": responded,
            "resolved": resolved,
            "escalated": any(r["reassignment_count"] not in ("0", "?") for r in rows),
        }
    return tickets


def test_servicenow_first_response_priority_1(servicenow: dict[str, dict[str, Any]]) -> None:
    eligible = [
        t for t in servicenow.values() if t["priority"] == "1" and t["responded"] is not None
    ]
    within = [t for t in eligible if t["responded"] - t["opened"] <= datetime.timedelta(minutes=30)]
    r = compute(
        "first-response-within",
        SERVICENOW,
        profile="servicenow",
        params={"priorities": "1", "limit": "30min"},
    )
    assert (r.numerator, r.denominator) == (len(within), len(eligible))
    assert [(f.code, f.source.line) for f in r.findings] == [
        ("log.servicenow_status", 115643),
        ("log.servicenow_status", 115644),
    ]


def test_servicenow_handling_time(servicenow: dict[str, dict[str, Any]]) -> None:
    hours = sorted(
        (t["resolved"] - t["opened"]).total_seconds() / 3600
        for t in servicenow.values()
        if t["resolved"]
    )
    r = compute("handling-time", SERVICENOW, profile="servicenow")
    assert r.denominator == len(hours)
    assert close(r.value, sum(hours) / len(hours))
    mid = len(hours) // 2
    median = hours[mid] if len(hours) % 2 else (hours[mid - 1] + hours[mid]) / 2
    assert close(r.details["median_h"], median)


def test_servicenow_first_level_resolution(servicenow: dict[str, dict[str, Any]]) -> None:
    resolved = [t for t in servicenow.values() if t["resolved"]]
    never = [t for t in resolved if not t["escalated"]]
    r = compute("first-level-resolution", SERVICENOW, profile="servicenow")
    assert (r.numerator, r.denominator) == (len(never), len(resolved))


# --- BPIC 2013 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bpic() -> dict[str, dict[str, Any]]:
    events: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    with gzip.open(BPIC, "rt", encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            status, sub = row["Status"], row["Sub Status"]
            if status == "Queued":
                cls = "new"
            elif status == "Accepted":
                cls = "open"
            elif status == "Completed":
                cls = {
                    "Resolved": "resolved",
                    "In Call": "resolved",
                    "Closed": "closed",
                    "Cancelled": "cancelled",
                }[sub]
            else:
                continue  # Unmatched
            ts = datetime.datetime.fromisoformat(row["Change Date+Time"][:19])
            events[row["SR Number"]].append((ts, n, cls, row["ST Level"]))
    tickets = {}
    for number, evs in events.items():
        evs.sort()
        done = [i for i, e in enumerate(evs) if e[2] in ("resolved", "closed")]
        not_done = [i for i, e in enumerate(evs) if e[2] not in ("resolved", "closed", "cancelled")]
        last_open = not_done[-1] if not_done else -1
        final = evs[-1][2]
        resolution = None
        if final in ("resolved", "closed"):
            resolution = evs[min(i for i in done if i > last_open)]
        tickets[number] = {
            "opened": evs[0][0],
            "responded": next((e[0] for e in evs if e[2] != "new"), None),
            "resolved": resolution[0] if resolution else None,
            "level": resolution[3] if resolution else None,
            "cancelled": final == "cancelled",
        }
    return tickets


def test_bpic_resolved_within_8h(bpic: dict[str, dict[str, Any]]) -> None:
    eligible = [t for t in bpic.values() if t["resolved"] and not t["cancelled"]]
    within = [t for t in eligible if t["resolved"] - t["opened"] <= datetime.timedelta(hours=8)]
    r = compute("resolved-within", BPIC, profile="bpic2013", params={"limit": "8h"})
    assert (r.numerator, r.denominator) == (len(within), len(eligible))
    assert [f.source.line for f in r.findings] == [11721, 27444, 28466, 61090, 62904]


def test_bpic_first_level_by_level(bpic: dict[str, dict[str, Any]]) -> None:
    eligible = [t for t in bpic.values() if t["resolved"] and not t["cancelled"]]
    l1 = [t for t in eligible if t["level"] == "L1"]
    r = compute(
        "first-level-resolution", BPIC, profile="bpic2013", params={"rule": "level", "levels": "L1"}
    )
    assert (r.numerator, r.denominator) == (len(l1), len(eligible))


def test_bpic_first_response_within_1h(bpic: dict[str, dict[str, Any]]) -> None:
    eligible = [t for t in bpic.values() if t["responded"] and not t["cancelled"]]
    within = [t for t in eligible if t["responded"] - t["opened"] <= datetime.timedelta(hours=1)]
    r = compute("first-response-within", BPIC, profile="bpic2013", params={"limit": "1h"})
    assert (r.numerator, r.denominator) == (len(within), len(eligible))


# --- Technion call centre --------------------------------------------------------------


def _calls(path: Path) -> tuple[list[tuple[str, int, str]], list[int]]:
    calls, bad = [], []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        next(fh)
        for n, line in enumerate(fh, start=2):
            f = line.rstrip("\n").split("\t")
            if len(f) != 17:
                bad.append(n)
                continue
            calls.append((f[12], int(f[11]), f[9]))
    return calls, bad


@pytest.mark.parametrize("month", ["january", "october"])
def test_technion_service_level_and_speed(month: str) -> None:
    path = DATA / f"callcenter_anonymous_bank_1999_{month}.txt.gz"
    calls, bad = _calls(path)
    answered = [
        0 if q_start == "0:00:00" else q for outcome, q, q_start in calls if outcome == "AGENT"
    ]
    abandoned = [q for outcome, q, q_start in calls if outcome == "HANG" and q_start != "0:00:00"]
    within = sum(1 for w in answered if w <= 20)
    against = compute("service-level", path, profile="technion")
    assert (against.numerator, against.denominator) == (within, len(answered) + len(abandoned))
    excluded = compute("service-level", path, profile="technion", params={"abandoned": "excluded"})
    assert (excluded.numerator, excluded.denominator) == (within, len(answered))
    short = compute("service-level", path, profile="technion", params={"abandoned": "short:5"})
    assert short.denominator == len(answered) + sum(1 for w in abandoned if w >= 5)
    within60 = compute("service-level", path, profile="technion", params={"threshold_s": "60"})
    assert within60.numerator == sum(1 for w in answered if w <= 60)
    asa = compute("speed-of-answer", path, profile="technion")
    assert close(asa.value, sum(answered) / len(answered))
    rate = compute("abandon-rate", path, profile="technion")
    assert (rate.numerator, rate.denominator) == (len(abandoned), len(answered) + len(abandoned))
    assert [f.source.line for f in against.findings] == bad
    assert len(bad) == (2 if month == "october" else 0)

"""The one-pass ticket scan gives exactly what the previous two-query scan gave.

``run_plans_by_features`` packs the features into integer masks and takes the
sum, median and 90th percentile of handling time from the same scan; the
reference is the previous version (``_previous_scan``: one BOOLEAN column per
feature and a second query for the quantiles), and for the counts and sums
also ``run_plans_by_codes`` (one CASE per plan). Random tables (typed Parquet
and CSV) with nulls, stop before start, cancelled and duplicate tickets,
ties and empty periods, and random batches of plans.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from _previous_scan import run_plans_by_boolean_groups
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from styrkort.metrics import METRICS, MetricRequest, clear_cache, compute, compute_many
from styrkort.metrics import tickets as t
from styrkort.sources.logs import PROFILES, load
from styrkort.sources.logs._sql import value_condition

BASE = datetime.datetime(2020, 3, 2, 7, 0)
COLUMNS = [
    "id",
    "opened_at",
    "responded_at",
    "resolved_first_at",
    "resolved_at",
    "closed_at",
    "priority",
    "priority_final",
    "category",
    "status",
    "escalated",
    "group",
    "level",
]


def random_rows(rng: random.Random, n: int, step_ms: int) -> list[dict[str, Any]]:
    """Tickets over about ten days; times on a grid of ``step_ms`` so that ties happen."""

    def later(t0: datetime.datetime, p_null: float) -> datetime.datetime | None:
        if rng.random() < p_null:
            return None
        # mostly after the start, sometimes before it (bad data), often on the same few values
        ms = rng.choice([0, 1, 2, 30, 60, 90, 480, 2880]) * 60_000 * rng.choice([1, 1, 2])
        ms = ms if rng.random() < 0.7 else rng.randrange(-3_600_000, 4 * 86_400_000)
        return t0 + datetime.timedelta(milliseconds=ms // step_ms * step_ms)

    rows = []
    for i in range(n):
        opened = BASE + datetime.timedelta(
            milliseconds=rng.randrange(0, 10 * 86_400_000) // step_ms * step_ms
        )
        resolved = later(opened, 0.2)
        rows.append(
            {
                "id": f"T{i}",
                "opened_at": opened,
                "responded_at": later(opened, 0.2),
                "resolved_first_at": later(opened, 0.5),
                "resolved_at": resolved,
                "closed_at": (resolved + datetime.timedelta(hours=rng.choice([0, 1, 50])))
                if resolved is not None and rng.random() < 0.8
                else None,
                "priority": rng.choice([1, 2, 3, 4, None]),
                "priority_final": rng.choice([1, 2, 3, None]),
                "category": rng.choice(["Beställning", " beställning ", "Incident", None]),
                "status": rng.choice(["Closed", "Closed", "Avbruten", "Dubblett", "Open", None]),
                "escalated": rng.choice([True, False, False, None]),
                "group": rng.choice(["Servicedesk", "Nätverk", None]),
                "level": rng.choice(["L1", "L2", "1", None]),
            }
        )
    return rows


def write_log(folder: Path, rows: list[dict[str, Any]], kind: str) -> Path:
    if kind == "parquet":
        path = folder / "t.parquet"
        table = pa.table(
            {c: [r[c] for r in rows] for c in COLUMNS},
            schema=pa.schema(
                [
                    ("id", pa.string()),
                    *[(c, pa.timestamp("ms")) for c in COLUMNS[1:6]],
                    ("priority", pa.int32()),
                    ("priority_final", pa.int64()),
                    ("category", pa.string()),
                    ("status", pa.string()),
                    ("escalated", pa.bool_()),
                    ("group", pa.string()),
                    ("level", pa.string()),
                ]
            ),
        )
        pq.write_table(table, path)
        return path

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, datetime.datetime):
            return v.isoformat(sep=" ", timespec="milliseconds")
        return str(v).lower() if isinstance(v, bool) else str(v)

    path = folder / "t.csv"
    lines = [",".join(COLUMNS)] + [",".join(cell(r[c]) for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ASKS: list[tuple[str, dict[str, str]]] = [
    ("first-response-within", {"priorities": "1", "limit": "30min"}),
    ("first-response-within", {"priorities": "1,2", "limit": "2h", "priority": "final"}),
    ("first-response-within", {"limit": "8h", "exclude": "cancelled"}),
    ("resolved-within", {"limit": "8h"}),
    ("resolved-within", {"limit": "1h", "exclude": "inga", "start": "responded"}),
    ("resolved-within", {"limit": "90min", "stop": "resolved_first"}),
    ("first-level-resolution", {}),
    ("first-level-resolution", {"rule": "group", "groups": "Servicedesk"}),
    ("first-level-resolution", {"rule": "level", "levels": "L1,1", "priorities": "3"}),
    ("handling-time", {}),
    ("handling-time", {"start": "responded", "exclude": "duplicates"}),
    ("handling-time", {"stop": "closed", "priorities": "2,4", "priority": "final"}),
    ("handling-time", {"categories": "beställning"}),
    ("delivered-within", {"categories": "Beställning", "limit": "2d"}),
    ("delivered-within", {"limit": "1d", "exclude": "open"}),
]

Period = tuple[datetime.date, datetime.date] | None
Ask = tuple[str, dict[str, str], Period]

PERIODS: list[Period] = [
    None,
    (datetime.date(2020, 3, 1), datetime.date(2020, 3, 5)),
    (datetime.date(2020, 3, 6), datetime.date(2020, 3, 6)),
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)),  # empty
]


def prepare(
    con: Any,
    loaded: Any,
    asks: list[Ask],
    extra: Mapping[str, str],
) -> list[t.TicketPlan]:
    plans = []
    for name, params, period in asks:
        metric = METRICS[name]
        assert metric.prepare is not None
        plans.append(metric.prepare(con, loaded, {**metric.defaults(), **params, **extra}, period))
    return plans


def without_quantiles(a: t.Aggregates) -> t.Aggregates:
    return dataclasses.replace(a, median_ms=None, p90_ms=None)


def check_same(
    path: Path,
    asks: list[Ask],
    extra: Mapping[str, str],
) -> list[t.Aggregates]:
    con = duckdb.connect()
    try:
        before = con.execute("SELECT current_setting('perfect_ht_threshold')").fetchall()
        loaded = load(con, path, PROFILES["tickets"], {})
        plans = prepare(con, loaded, asks, extra)
        new = t.run_plans_by_features(con, loaded, plans)
        old = run_plans_by_boolean_groups(con, loaded, plans)
        assert new == old
        # the CASE-per-plan reference takes quantiles over milliseconds; counts and sums agree
        codes = t.run_plans_by_codes(con, loaded, plans)
        assert [without_quantiles(a) for a in new] == [without_quantiles(a) for a in codes]
        # the connection's setting is as it was
        setting = con.execute("SELECT current_setting('perfect_ht_threshold')").fetchall()
        assert setting == before
        return new
    finally:
        con.close()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 60),
    step_ms=st.sampled_from([1, 1000, 60_000]),
    kind=st.sampled_from(["parquet", "csv"]),
    business=st.booleans(),
    picks=st.lists(
        st.tuples(st.integers(0, len(ASKS) - 1), st.integers(0, len(PERIODS) - 1)),
        min_size=1,
        max_size=8,
    ),
)
def test_one_pass_scan_equals_previous_scan_on_random_logs(
    seed: int,
    n: int,
    step_ms: int,
    kind: str,
    business: bool,
    picks: list[tuple[int, int]],
) -> None:
    rows = random_rows(random.Random(seed), n, step_ms)
    asks: list[Ask] = [(*ASKS[a], PERIODS[p]) for a, p in picks]
    with tempfile.TemporaryDirectory() as folder:
        path = write_log(Path(folder), rows, kind)
        check_same(path, asks, {"hours": "business"} if business else {})


def test_many_features_span_several_mask_columns(tmp_path: Path) -> None:
    """All asks in all periods at once: far more than 16 features, so several mask columns."""
    rows = random_rows(random.Random(7), 400, 1000)
    path = write_log(tmp_path, rows, "parquet")
    asks: list[Ask] = [(*ask, period) for ask in ASKS for period in PERIODS]
    con = duckdb.connect()
    loaded = load(con, path, PROFILES["tickets"], {})
    plans = prepare(con, loaded, asks, {})
    assert len(plans) == 60
    seen: list[str] = []

    class Recording:
        def execute(self, sql: str) -> Any:
            seen.append(sql)
            return con.execute(sql)

    t.run_plans_by_features(Recording(), loaded, plans)
    scan = next(sql for sql in seen if "WITH b" in sql)
    assert " AS m2" in scan and " AS h15" in scan  # three mask columns, 16 handling-time columns
    aggs = check_same(path, asks, {})
    assert sum(a.eligible for a in aggs) > 1000
    assert any(a.median_ms is not None for a in aggs)
    # and compute_many (one scan) = compute one by one
    requests = [MetricRequest(m, path, "tickets", p, per) for m, p, per in asks]
    clear_cache()
    batch = compute_many(requests)
    clear_cache()
    single = [compute(m, path, profile="tickets", params=p, period=per) for m, p, per in asks]
    assert batch == single


HEADER = "id,opened_at,resolved_at,priority,status"


def handling(tmp_path: Path, body: str, **params: str) -> Any:
    path = tmp_path / "h.csv"
    path.write_text(HEADER + "\n" + body.strip() + "\n", encoding="utf-8")
    asks: list[Ask] = [("handling-time", dict(params), None)]
    [agg] = check_same(path, asks, {})
    result = compute("handling-time", path, profile="tickets", params=params)
    return agg, result


def test_median_of_an_even_count_interpolates_and_ties_are_kept(tmp_path: Path) -> None:
    # 1 h, 2 h, 2 h, 5 h: median between the two middle values (2 and 2), p90 between 2 and 5
    agg, r = handling(
        tmp_path,
        """
T1,2020-03-02 08:00,2020-03-02 09:00,1,Closed
T2,2020-03-02 08:00,2020-03-02 10:00,1,Closed
T3,2020-03-02 08:00,2020-03-02 10:00,1,Closed
T4,2020-03-02 08:00,2020-03-02 13:00,1,Closed
T5,2020-03-02 08:00,2020-03-02 07:00,1,Closed
T6,2020-03-02 08:00,,1,Closed
T7,2020-03-02 08:00,2020-03-02 08:01,1,Avbruten
""",
    )
    assert (agg.eligible, agg.negative, agg.still_open, agg.cancelled) == (4, 1, 1, 1)
    assert agg.sum_ms == 10 * 3_600_000
    assert agg.median_ms == 7_200_000.0
    # p90: position 0.9 × 3 = 2.7 between 2 h and 5 h: 2 h + 0.7 × 3 h
    assert agg.p90_ms == pytest.approx(4.1 * 3_600_000)
    assert r.details["median_h"] == Decimal(2)
    assert r.value == Decimal("2.5")


def test_median_of_an_odd_count_and_of_two_different_values(tmp_path: Path) -> None:
    agg, _ = handling(
        tmp_path,
        """
T1,2020-03-02 08:00,2020-03-02 09:00,1,Closed
T2,2020-03-02 08:00,2020-03-02 10:30,2,Closed
""",
    )
    assert agg.median_ms == 6_300_000.0  # (1 h + 2,5 h) / 2 = 1,75 h
    agg, _ = handling(
        tmp_path,
        """
T1,2020-03-02 08:00,2020-03-02 09:00,1,Closed
T2,2020-03-02 08:00,2020-03-02 10:30,2,Closed
T3,2020-03-02 08:00,2020-03-02 08:00,2,Closed
""",
    )
    assert agg.median_ms == 3_600_000.0
    assert agg.sum_ms == int(3.5 * 3_600_000)


def test_no_ticket_counted_gives_no_median(tmp_path: Path) -> None:
    agg, r = handling(
        tmp_path,
        """
T1,2020-03-02 08:00,,1,Closed
T2,2020-03-02 08:00,2020-03-02 09:00,1,Dubblett
""",
        priorities="1",
    )
    assert (agg.eligible, agg.sum_ms, agg.median_ms, agg.p90_ms) == (0, 0, None, None)
    assert r.value is None and r.details["median_h"] is None
    agg, _ = handling(tmp_path, "T1,2020-03-02 08:00,2020-03-02 09:00,1,Closed", priorities="2")
    assert (agg.n, agg.eligible, agg.median_ms) == (0, 0, None)


def test_empty_file_and_empty_period(tmp_path: Path) -> None:
    path = write_log(tmp_path, [], "parquet")
    everything: list[Ask] = [(*ask, None) for ask in ASKS]
    aggs = check_same(path, everything, {})
    assert all(a.n == 0 and a.median_ms is None and a.sum_ms == 0 for a in aggs)
    rows = random_rows(random.Random(3), 30, 1000)
    path = write_log(tmp_path, rows, "parquet")
    before: list[Ask] = [(*ask, PERIODS[3]) for ask in ASKS]
    aggs = check_same(path, before, {"hours": "business"})
    assert all(a.n == 0 for a in aggs)


@pytest.mark.parametrize("column_type", ["INTEGER", "BIGINT", "UTINYINT", "VARCHAR", "DOUBLE"])
def test_stored_values_selects_the_rows_value_condition_selects(column_type: str) -> None:
    con = duckdb.connect()
    values = "(1), (2), (3), (NULL), (10), (200)"
    con.execute(
        f"CREATE TEMP TABLE tickets AS SELECT CAST(v AS {column_type}) AS p FROM (VALUES {values}) t(v)"
    )
    for wanted in (
        ["1"],
        [" 1 ", "3"],
        ["01"],
        ["-0", "+2"],
        ["1.0"],
        ["10", "x", ""],
        ["٣", "200"],
        ["-1", "99999999999999999999"],
        [],
    ):
        ours = t.stored_values(con, "p", wanted)
        theirs = value_condition(con, "tickets", "p", wanted)
        rows_ours = con.execute(f"SELECT list(p ORDER BY p) FROM tickets WHERE {ours}").fetchall()
        rows_theirs = con.execute(
            f"SELECT list(p ORDER BY p) FROM tickets WHERE {theirs}"
        ).fetchall()
        assert rows_ours == rows_theirs, (column_type, wanted, ours, theirs)
    con.close()

"""Call metrics on small hand-computed cases."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from styrkort.metrics import compute

# answered after 0, 10, 20, 21, 60 s; abandoned after 3, 4, 5, 6, 25 s; one IVR hang-up, one phantom
CALLS = """
id,arrived_at,wait_s,outcome,queue
1,2020-03-02 10:00:00,0,answered,PS
2,2020-03-02 10:01:00,10,answered,PS
3,2020-03-02 10:02:00,20,answered,PS
4,2020-03-02 10:03:00,21,answered,NW
5,2020-03-02 10:04:00,60,answered,NW
6,2020-03-02 10:05:00,3,abandoned,PS
7,2020-03-02 10:06:00,4,abandoned,PS
8,2020-03-02 10:07:00,5,abandoned,PS
9,2020-03-02 10:08:00,6,abandoned,PS
10,2020-03-02 10:09:00,25,abandoned,NW
11,2020-03-02 10:10:00,,ivr,PS
12,2020-03-02 10:11:00,30,phantom,PS
"""


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    path = tmp_path / "calls.csv"
    path.write_text(CALLS.strip() + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("abandoned", "numerator", "denominator"),
    [
        ("against", 3, 10),
        ("excluded", 3, 5),
        ("success", 7, 10),  # abandons within 20 s (3, 4, 5, 6) count as successes
        ("short:5", 3, 8),  # 3 and 4 s are shorter than 5 s: left out; 5 s is not shorter
        ("short:4", 3, 9),
        ("short:7", 3, 6),
    ],
)
def test_service_level_abandoned_modes(
    calls: Path, abandoned: str, numerator: int, denominator: int
) -> None:
    r = compute(
        "service-level",
        calls,
        profile="calls",
        params={"threshold_s": "20", "abandoned": abandoned},
    )
    assert (r.numerator, r.denominator) == (numerator, denominator)
    assert r.value == Decimal(numerator) / Decimal(denominator)
    assert r.count == 10
    assert r.details["not_offered_ivr"] == 1
    assert r.details["phantom"] == 1


def test_service_level_definition_states_the_formula(calls: Path) -> None:
    r = compute(
        "service-level",
        calls,
        profile="calls",
        params={"threshold_s": "60", "abandoned": "short:5"},
    )
    assert r.definition.startswith(
        "Andel samtal besvarade inom 60 s = besvarade inom 60 s / (besvarade + avbrutna efter minst 5 s)"
    )
    assert "avbrutna efter kortare än 5 s räknas inte" in r.definition
    assert r.definition.endswith("= 5/8")


def test_service_level_by_queue(calls: Path) -> None:
    r = compute("service-level", calls, profile="calls", params={"queues": "NW"})
    assert (r.numerator, r.denominator) == (0, 3)
    assert "kö NW" in r.definition


def test_bad_abandoned_mode_is_a_finding(calls: Path) -> None:
    r = compute("service-level", calls, profile="calls", params={"abandoned": "sometimes"})
    assert r.value is None
    assert r.findings[-1].code == "metric.parameter"


def test_speed_of_answer(calls: Path) -> None:
    r = compute("speed-of-answer", calls, profile="calls")
    assert r.value == Decimal("22.2")
    assert r.unit == "s"
    assert r.details["median_s"] == Decimal(20)
    assert (r.numerator, r.denominator) == (Decimal(111), Decimal(5))


def test_abandon_rate(calls: Path) -> None:
    r = compute("abandon-rate", calls, profile="calls")
    assert (r.numerator, r.denominator) == (5, 10)
    short = compute("abandon-rate", calls, profile="calls", params={"short_s": "5"})
    assert (short.numerator, short.denominator) == (3, 8)


TECHNION = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\n"
    # hung up while queueing after 153 s
    "AA0101\t1\t9664491\t2\tPS\t990101\t0:00:31\t0:00:36\t5\t0:00:36\t0:03:09\t153\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
    # hung up in the IVR: never reached the queue
    "AA0101\t2\t0\t0\tPS\t990101\t0:34:12\t0:34:23\t11\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
    # answered after 17 s in queue
    "AA0101\t3\t27997683\t2\tPS\t990101\t6:55:20\t6:55:26\t6\t6:55:26\t6:55:43\t17\tAGENT\t6:55:43\t6:56:37\t54\tMICHAL\n"
    # answered without queueing: waited 0 s
    "AA0101\t4\t0\t0\tPS\t990101\t7:41:16\t7:41:26\t10\t0:00:00\t0:00:00\t0\tAGENT\t7:41:25\t7:44:53\t208\tBASCH\n"
    # phantom
    "AA0101\t5\t0\t0\tPS\t990101\t7:50:00\t7:50:10\t10\t7:50:10\t7:50:40\t30\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
    # malformed: spaces instead of a tab
    "AA0108\t6\t0\t0       NW\t990102\t14:07:50\t14:07:58\t8\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER\n"
    # answered after 25 s on 2 January
    "AA0101\t7\t0\t0\tNW\t990102\t8:00:00\t8:00:10\t10\t8:00:10\t8:00:35\t25\tAGENT\t8:00:35\t8:01:00\t25\tGILI\n"
)


def test_technion_mapping(tmp_path: Path) -> None:
    path = tmp_path / "callcenter.txt"
    path.write_text(TECHNION, encoding="utf-8")
    r = compute("service-level", path, profile="technion", params={"threshold_s": "20"})
    # offered: 1 (abandoned 153 s), 3 (17 s), 4 (0 s), 7 (25 s)
    assert (r.numerator, r.denominator) == (2, 4)
    assert r.details["not_offered_ivr"] == 1
    assert r.details["phantom"] == 1
    assert [(f.code, f.source.line) for f in r.findings] == [("log.field_count", 7)]
    import datetime

    jan1 = compute(
        "speed-of-answer",
        path,
        profile="technion",
        period=(datetime.date(1999, 1, 1), datetime.date(1999, 1, 1)),
    )
    assert jan1.value == Decimal("8.5")


def test_histogram_and_scan_agree(calls: Path) -> None:
    import duckdb

    from styrkort.metrics import calls as c
    from styrkort.sources.logs import PROFILES, load

    con = duckdb.connect()
    load(con, calls, PROFILES["calls"], {})
    for threshold, short in (
        (Decimal(20), Decimal(5)),
        (Decimal("4.5"), Decimal(0)),
        (Decimal(60), Decimal(26)),
    ):
        by_hist = c._count(con, {}, None, threshold, short, quantiles=True)
        by_scan = c._count_by_scan(con, {}, None, threshold, short, quantiles=True)
        exact = dataclasses.replace(by_hist, wait_median=None, wait_p90=None)
        assert exact == dataclasses.replace(by_scan, wait_median=None, wait_p90=None)
        # the histogram is exact in Decimal; DuckDB's quantile_cont interpolates in floating point
        assert float(by_hist.wait_p90 or 0) == pytest.approx(float(by_scan.wait_p90 or 0))
        assert float(by_hist.wait_median or 0) == pytest.approx(float(by_scan.wait_median or 0))


@pytest.mark.parametrize("values", [[5], [1, 2], [3, 1, 2, 2, 10], list(range(17)), [0, 0, 0, 7]])
def test_quantile_from_histogram_is_duckdbs_quantile_cont(values: list[int]) -> None:
    import duckdb

    from styrkort.metrics.calls import quantile

    hist = sorted({v: values.count(v) for v in values}.items())
    expected = duckdb.sql(
        f"SELECT quantile_cont(v, [0.5, 0.9]) FROM (SELECT unnest({values}) AS v)"
    ).fetchall()[0][0]
    got = [quantile([(Decimal(v), n) for v, n in hist], Decimal(q)) for q in ("0.5", "0.9")]
    assert [float(g) for g in got if g is not None] == pytest.approx(expected)

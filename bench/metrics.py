"""Benchmark of the computed indicators: DuckDB (styrkort.metrics) against plain pandas.

    .venv/bin/python bench/metrics.py [--tickets 10000000] [--calls 5000000] [--regenerate] [--repeat 3]

Generates (once; reused while the row counts match) 10 M tickets and 5 M calls
as Parquet in bench/out/ with DuckDB's range() and random(), then, each in its
own process so that peak memory can be told apart:

1. styrkort.metrics.compute_many() for every ticket metric (calendar hours), every
   ticket metric with business hours, and every call metric (nothing cached),
   then compute() for each alone;
2. a straightforward pandas version of the same ticket and call metrics
   (calendar hours), reading the same Parquet files.

Each side runs --repeat times (default 3), alternating, each time in a fresh
process (a cold run, as when a report is built: in one process a second pandas
read reuses the memory of the first and takes a quarter of the time); the
fastest run of each side counts. Both libraries are imported before the
clocks start. Prints the times, the
ratio pandas/DuckDB, peak memory (max RSS) of each process, and checks that
both give the same numerators and denominators.
Targets: all ticket metrics ≤ 2 s together, ≥ 5× the pandas version.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
TICKETS = OUT / "tickets.parquet"
CALLS = OUT / "calls.parquet"

TICKET_METRICS: list[tuple[str, dict[str, str]]] = [
    ("first-response-within", {"priorities": "1", "limit": "30min"}),
    ("resolved-within", {"limit": "8h"}),
    ("first-level-resolution", {}),
    ("handling-time", {}),
    ("delivered-within", {"categories": "Beställning", "limit": "2d"}),
]
CALL_METRICS: list[tuple[str, dict[str, str]]] = [
    ("service-level", {"threshold_s": "20", "abandoned": "against"}),
    ("service-level", {"threshold_s": "60", "abandoned": "short:5"}),
    ("speed-of-answer", {}),
    ("abandon-rate", {}),
]


def _rows(path: Path) -> int:
    import duckdb

    if not path.exists():
        return -1
    row = duckdb.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0]
    return int(row[0])


def generate(n_tickets: int, n_calls: int, force: bool) -> float:
    """Write the Parquet files unless they already hold the right number of rows; returns seconds."""
    import duckdb

    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SELECT setseed(0.42)")
    if force or _rows(TICKETS) != n_tickets:
        con.execute(
            f"""
            COPY (
              WITH r AS (
                SELECT i, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5
                FROM range({n_tickets}) t(i)
              ), t AS (
                SELECT i AS id,
                       TIMESTAMP '2020-01-01' + to_seconds(CAST(floor(u1 * 365 * 86400) AS BIGINT)) AS opened_at,
                       CAST(-ln(1 - u2) * 3600 AS BIGINT) AS resp_s,
                       CAST(-ln(1 - u3) * 8 * 3600 AS BIGINT) AS res_s,
                       u2, u3, u4, u5
                FROM r
              )
              SELECT id, opened_at,
                     CASE WHEN u4 < 0.02 THEN NULL ELSE opened_at + to_seconds(resp_s) END AS responded_at,
                     CASE WHEN u4 < 0.05 THEN NULL ELSE opened_at + to_seconds(resp_s + res_s) END AS resolved_at,
                     CASE WHEN u4 < 0.05 THEN NULL ELSE opened_at + to_seconds(resp_s + res_s + 432000) END AS closed_at,
                     CAST(1 + floor(u5 * 4) AS INTEGER) AS priority,
                     CAST(CASE WHEN u4 BETWEEN 0.5 AND 0.52 THEN 1 ELSE 1 + floor(u5 * 4) END AS INTEGER) AS priority_final,
                     CASE WHEN u2 < 0.15 THEN 'Beställning' WHEN u2 < 0.9 THEN 'Incident' ELSE 'Fråga' END AS category,
                     CASE WHEN u3 < 0.01 THEN 'Avbruten' WHEN u3 < 0.015 THEN 'Dubblett' ELSE 'Closed' END AS status,
                     u5 * 7 % 1 < 0.3 AS escalated,
                     CASE WHEN u5 * 7 % 1 < 0.3 THEN 'Nätverk' ELSE 'Servicedesk' END AS "group",
                     CASE WHEN u5 * 7 % 1 < 0.3 THEN 'L2' ELSE 'L1' END AS level
              FROM t
            ) TO '{TICKETS}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
            """
        )
    if force or _rows(CALLS) != n_calls:
        con.execute(
            f"""
            COPY (
              SELECT i AS id,
                     TIMESTAMP '2020-01-01' + to_seconds(CAST(floor(random() * 365 * 86400) AS BIGINT)) AS arrived_at,
                     round(-ln(1 - random()) * 30) AS wait_s,
                     CASE WHEN u < 0.85 THEN 'answered' WHEN u < 0.94 THEN 'abandoned'
                          WHEN u < 0.99 THEN 'ivr' ELSE 'phantom' END AS outcome,
                     CASE WHEN random() < 0.7 THEN 'PS' ELSE 'NW' END AS queue
              FROM (SELECT i, random() AS u FROM range({n_calls}) t(i))
            ) TO '{CALLS}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
            """
        )
    con.close()
    return time.perf_counter() - start


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb() -> dict[str, Any]:
    """Each set of metrics together (nothing cached), then each metric alone."""
    # imported before the clock starts, as pandas (and the pyarrow it imports) in run_pandas
    import duckdb  # noqa: F401

    from styrkort.metrics import MetricRequest, clear_cache, compute, compute_many

    out: dict[str, Any] = {}
    for key, path, metrics, extra in (
        ("tickets", TICKETS, TICKET_METRICS, {}),
        ("tickets_business", TICKETS, TICKET_METRICS, {"hours": "business"}),
        ("calls", CALLS, CALL_METRICS, {}),
    ):
        profile = "calls" if key == "calls" else "tickets"
        requests = [
            MetricRequest(name, path, profile, {**params, **extra}) for name, params in metrics
        ]
        clear_cache()
        start, cpu = time.perf_counter(), time.process_time()
        results = compute_many(requests)
        batch_s, batch_cpu = time.perf_counter() - start, time.process_time() - cpu
        single: list[dict[str, Any]] = []
        for req in requests:
            clear_cache()  # alone: read the file (view, checks) and compute, nothing reused
            start, cpu = time.perf_counter(), time.process_time()
            r = compute(req.metric, req.path, profile=req.profile, params=req.params)
            single.append(
                {
                    "seconds": time.perf_counter() - start,
                    "cpu": time.process_time() - cpu,
                    "same": r == results[len(single)],
                }
            )
        out[key] = {
            "seconds": batch_s,
            "cpu": batch_cpu,
            "rows": [
                {
                    "metric": req.metric,
                    "params": dict(req.params or {}),
                    "numerator": str(r.numerator),
                    "denominator": str(r.denominator),
                    "value": str(r.value),
                    "errors": [f.format() for f in r.findings if f.severity.value == "error"],
                    **{f"single_{k}": v for k, v in one.items()},
                }
                for req, r, one in zip(requests, results, single, strict=True)
            ],
        }
    out["peak_mb"] = _peak_mb()
    return out


def run_pandas() -> dict[str, Any]:
    """The same ticket and call metrics, written the way one would in pandas.

    Every step is inside a timer: each metric's timer stops after its
    result is computed (the status clean-up shared by all of them has its
    own entry), so read + the entries = all the work.
    """
    import pandas as pd

    out: dict[str, Any] = {**_pandas_tickets(), "calls": []}
    cpu0 = time.process_time()
    start = time.perf_counter()
    calls = pd.read_parquet(CALLS, columns=["wait_s", "outcome"])
    out["calls_read_s"] = time.perf_counter() - start
    t = time.perf_counter()
    outcome = calls["outcome"].str.strip().str.lower()
    answered = outcome.isin(["answered", "besvarat", "besvarad", "agent"])
    abandoned = outcome.isin(["abandoned", "avbrutet", "tappat", "lagt på", "hang"])
    wait = calls["wait_s"]
    sl20 = (int((answered & (wait <= 20)).sum()), int(answered.sum() + abandoned.sum()))
    sl60 = (
        int((answered & (wait <= 60)).sum()),
        int(answered.sum() + (abandoned & (wait >= 5)).sum()),
    )
    asa = wait[answered].mean()
    rate = (int(abandoned.sum()), int(answered.sum() + abandoned.sum()))
    out["calls"] = {
        "seconds": time.perf_counter() - t,
        "results": [str(sl20), str(sl60), str(asa), str(rate)],
    }
    out["calls_cpu"] = time.process_time() - cpu0
    out["peak_mb"] = _peak_mb()
    return out


def _pandas_tickets() -> dict[str, Any]:
    """One run of the pandas ticket metrics: read the columns, then every metric, each timed."""
    import pandas as pd

    out: dict[str, Any] = {"tickets": []}
    cpu0 = time.process_time()
    start = time.perf_counter()
    df = pd.read_parquet(
        TICKETS,
        columns=[
            "opened_at",
            "responded_at",
            "resolved_at",
            "priority",
            "category",
            "status",
            "escalated",
        ],
    )
    read_s = time.perf_counter() - start
    timings: list[tuple[str, float, Any]] = []

    def timed(name: str, work: Any) -> Any:
        t = time.perf_counter()
        result = work()
        timings.append((name, time.perf_counter() - t, result))
        return result

    def excluded() -> Any:
        status = df["status"].str.strip().str.lower()
        return ~status.isin(
            ["avbruten", "makulerad", "cancelled", "canceled", "dubblett", "duplicate"]
        )

    kept = timed("(status: cancelled, duplicates)", excluded)

    def share(stop: str, limit: pd.Timedelta, mask: pd.Series) -> tuple[int, int]:
        elapsed = df[stop] - df["opened_at"]
        ok = mask & kept & df[stop].notna() & (elapsed >= pd.Timedelta(0))
        return int((ok & (elapsed <= limit)).sum()), int(ok.sum())

    # priority is an integer column: compared as stored, as styrkort.metrics does
    timed(
        "first-response-within",
        lambda: share("responded_at", pd.Timedelta(minutes=30), df["priority"] == 1),
    )
    timed(
        "resolved-within",
        lambda: share("resolved_at", pd.Timedelta(hours=8), pd.Series(True, index=df.index)),
    )
    resolved = timed(
        "(resolved tickets)",
        lambda: kept & df["resolved_at"].notna() & (df["resolved_at"] >= df["opened_at"]),
    )

    def first_level() -> tuple[int, int]:
        return int((resolved & ~df["escalated"]).sum()), int(resolved.sum())

    timed("first-level-resolution", first_level)

    def handling() -> tuple[float, float]:
        hours = (
            df.loc[resolved, "resolved_at"] - df.loc[resolved, "opened_at"]
        ).dt.total_seconds() / 3600
        return hours.mean(), hours.median()

    timed("handling-time", handling)

    def delivered() -> tuple[int, int]:
        orders = df["category"].str.strip().str.lower() == "beställning"
        return share("resolved_at", pd.Timedelta(days=2), orders)

    timed("delivered-within", delivered)
    for name, seconds, result in timings:
        out["tickets"].append(
            {
                "metric": name,
                "seconds": seconds,
                "result": [str(v) for v in result] if name[0] != "(" else [],
            }
        )
    out["tickets_read_s"] = read_s
    out["tickets_cpu"] = time.process_time() - cpu0
    return out


def _child(part: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--part", part],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _pandas_total(p: dict[str, Any]) -> float:
    return float(p["tickets_read_s"] + sum(r["seconds"] for r in p["tickets"]))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--calls", type=int, default=5_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="fresh processes per side (alternating); the fastest run counts (default 3)",
    )
    parser.add_argument("--part", choices=["duckdb", "pandas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "duckdb":
        print(json.dumps(run_duckdb()))
        return 0
    if args.part == "pandas":
        print(json.dumps(run_pandas()))
        return 0

    gen_s = generate(args.tickets, args.calls, args.regenerate)
    load_before = os.getloadavg()
    print(
        f"Data: {args.tickets:,} tickets, {args.calls:,} calls in {OUT} (generated/checked in {gen_s:.1f} s)"
    )
    print(f"Cores: {os.cpu_count()} (shared with other work)\n")
    print(
        f"Each side: best of {args.repeat} runs, each in a fresh process (cold, as a report run)\n"
    )
    duck_runs: list[dict[str, Any]] = []
    pand_runs: list[dict[str, Any]] = []
    for _ in range(args.repeat):  # alternating, so that a change of load hits both sides
        duck_runs.append(_child("duckdb"))
        pand_runs.append(_child("pandas"))
    duck = min(duck_runs, key=lambda d: float(d["tickets"]["seconds"]))
    pand = min(pand_runs, key=_pandas_total)
    for key in ("tickets", "tickets_business", "calls"):
        duck[key]["runs"] = [d[key]["seconds"] for d in duck_runs]
    pand["runs"] = [_pandas_total(p) for p in pand_runs]
    duck["peak_mb"] = max(d["peak_mb"] for d in duck_runs)
    pand["peak_mb"] = max(p["peak_mb"] for p in pand_runs)

    def table(part: dict[str, Any], title: str) -> float:
        print(title)
        for r in part["rows"]:
            flag = "  FEL: " + "; ".join(r["errors"]) if r["errors"] else ""
            same = "" if r["single_same"] else "  (ALONE GIVES ANOTHER RESULT)"
            print(
                f"  {r['metric']:<24} alone {r['single_seconds']:6.2f} s (cpu {r['single_cpu']:5.2f} s)   "
                f"{r['numerator']}/{r['denominator']}{flag}{same}"
            )
        alone = sum(r["single_seconds"] for r in part["rows"])
        alone_cpu = sum(r["single_cpu"] for r in part["rows"])
        print(f"  {'one by one (compute)':<24} {alone:6.2f} s (cpu {alone_cpu:5.2f} s)")
        runs = ", ".join(f"{x:.2f}" for x in part["runs"])
        print(
            f"  {'together (compute_many)':<24} {part['seconds']:6.2f} s (cpu {part['cpu']:5.2f} s)"
            f"   runs: {runs} s\n"
        )
        return float(part["seconds"])

    t_cal = table(
        duck["tickets"], "DuckDB, ticket metrics, calendar hours, from Parquet (read included):"
    )
    t_bus = table(duck["tickets_business"], "DuckDB, ticket metrics, business hours:")
    t_calls = table(duck["calls"], "DuckDB, call metrics:")
    p_tickets = pand["tickets_read_s"] + sum(r["seconds"] for r in pand["tickets"])
    p_calls = pand["calls_read_s"] + pand["calls"]["seconds"]
    print(
        f"pandas, ticket metrics (calendar), read {pand['tickets_read_s']:.2f} s + compute "
        f"{p_tickets - pand['tickets_read_s']:.2f} s = {p_tickets:.2f} s (cpu {pand['tickets_cpu']:.2f} s)"
        f"   runs: {', '.join(f'{x:.2f}' for x in pand['runs'])} s"
    )
    for r in pand["tickets"]:
        print(f"  {r['metric']:<32} {r['seconds']:6.2f} s   {' / '.join(r['result'])}")
    print(
        f"pandas, call metrics: read {pand['calls_read_s']:.2f} s + compute {pand['calls']['seconds']:.2f} s "
        f"= {p_calls:.2f} s (cpu {pand['calls_cpu']:.2f} s)"
    )
    print(f"  {pand['calls']['results']}\n")

    same = True
    pand_metrics = [r for r in pand["tickets"] if not r["metric"].startswith("(")]
    for d, p in zip(duck["tickets"]["rows"], pand_metrics, strict=True):
        if d["metric"] == "handling-time":
            same &= abs(float(d["value"]) - float(p["result"][0])) < 1e-6
        else:
            same &= [d["numerator"], d["denominator"]] == p["result"]
    same &= all(
        r["single_same"]
        for part in ("tickets", "tickets_business", "calls")
        for r in duck[part]["rows"]
    )
    print(
        f"Ticket figures identical in DuckDB and pandas, and together = one by one: {'yes' if same else 'NO'}"
    )
    ratio = p_tickets / t_cal
    print(
        f"Ticket metrics, calendar, together: DuckDB {t_cal:.2f} s (cpu {duck['tickets']['cpu']:.2f} s), "
        f"pandas {p_tickets:.2f} s (cpu {pand['tickets_cpu']:.2f} s), ratio {ratio:.1f}× "
        f"(target ≤ 2 s and ≥ 5×: {'met' if t_cal <= 2 and ratio >= 5 else 'NOT met'})"
    )
    print(
        f"Ticket metrics, business hours, together: DuckDB {t_bus:.2f} s (cpu {duck['tickets_business']['cpu']:.2f} s)"
    )
    print(
        f"Call metrics, together: DuckDB {t_calls:.2f} s, pandas {p_calls:.2f} s, ratio {p_calls / t_calls:.1f}×"
    )
    print(
        f"Peak memory (max RSS): DuckDB process {duck['peak_mb']:.0f} MB, pandas process {pand['peak_mb']:.0f} MB"
    )
    print(
        f"Load average before/after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(above 2 means other work competed for the cores)"
    )
    (OUT / "metrics.json").write_text(
        json.dumps({"duckdb": duck, "pandas": pand}, indent=2), encoding="utf-8"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

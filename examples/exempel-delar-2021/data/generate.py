"""Generate the synthetic data files of this example (deterministic; run from the repository root).

    .venv/bin/python examples/exempel-delar-2021/data/generate.py

Everything here is invented: a fictional service desk, phone queue, staff and
survey, made only to show computed indicators in an interim report. No real
person or organisation is described.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = dt.datetime(2021, 1, 4, 0, 0), dt.datetime(2021, 8, 31, 23, 59)
rng = random.Random(2021)


def working_time(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.randint(0, 8 * 60 + 59))


def fmt(t: dt.datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


def tickets(name: str = "arenden.csv") -> None:
    rows = []
    days = [START.date() + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    for n in range(1, 2401):
        opened = working_time(rng.choice(weekdays))
        priority = rng.choices(["1", "2", "3"], weights=[3, 17, 80])[0]
        limit_min = {"1": 30, "2": 120, "3": 480}[priority]
        responded = opened + dt.timedelta(
            minutes=max(1, int(rng.expovariate(1 / (limit_min * 0.55))))
        )
        category = rng.choices(["Incident", "Beställning", "Fråga"], weights=[60, 15, 25])[0]
        escalated = rng.random() < 0.38
        hours = rng.lognormvariate(1.6 if not escalated else 3.0, 0.9)
        resolved = responded + dt.timedelta(hours=hours)
        status = "Löst"
        if rng.random() < 0.01:
            status, resolved = "Makulerad", None
        elif resolved > END:
            status, resolved = "Pågår", None
        rows.append(
            [
                f"IT-{n:05d}",
                fmt(opened),
                fmt(responded),
                fmt(resolved),
                priority,
                category,
                status,
                "ja" if escalated else "nej",
            ]
        )
    with (HERE / name).open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            [
                "Ärendenummer",
                "Registrerad",
                "Första återkoppling",
                "Löst",
                "Prioritet",
                "Kategori",
                "Status",
                "Eskalerad",
            ]
        )
        w.writerows(rows)


def calls() -> None:
    with (HERE / "samtal.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["id", "arrived_at", "wait_s", "outcome", "queue"])
        days = [START.date() + dt.timedelta(days=i) for i in range((END - START).days + 1)]
        weekdays = [d for d in days if d.weekday() < 5]
        for n in range(1, 3001):
            arrived = working_time(rng.choice(weekdays))
            wait = int(rng.expovariate(1 / 22))
            outcome = "besvarat" if rng.random() > min(0.6, wait / 300) else "avbrutet"
            if rng.random() < 0.04:
                outcome, wait = "talsvar", 0
            w.writerow(
                [n, fmt(arrived), "" if outcome == "talsvar" else wait, outcome, "IT-support"]
            )


def staff() -> None:
    with (HERE / "sjukfranvaro.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            ["anstalld", "kon", "fodelsear", "ordinarie_timmar", "sjuktimmar", "sjuktimmar_lang"]
        )
        for n in range(1, 39):
            hours = rng.choice([1360, 1360, 1360, 1088])
            short = sum(
                rng.choice([1, 2, 3, 5, 8]) * 8 for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))
            )
            long = 480 if n in (7, 23) else 0  # one spell of 75 days, 60 of them within the period
            w.writerow(
                [f"A{n:03d}", rng.choice("KM"), rng.randint(1960, 1998), hours, short + long, long]
            )


def survey() -> None:
    with (HERE / "hme.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["m1", "m2", "m3", "l1", "l2", "l3", "s1", "s2", "s3"])
        for _ in range(31):
            w.writerow(
                [
                    rng.choices("12345", weights=[1, 2, 6, 12, 9])[0] if rng.random() > 0.03 else ""
                    for _ in range(9)
                ]
            )


def last_year() -> None:
    """The same service desk in January–August 2020, for the computed indicators' history
    (goals.yaml: metric.history); its own seed, so the 2021 files do not change."""
    global START, END, rng
    START, END = dt.datetime(2020, 1, 6, 0, 0), dt.datetime(2020, 8, 31, 23, 59)
    rng = random.Random(2020)
    tickets("arenden-2020.csv")


if __name__ == "__main__":
    tickets()
    calls()
    staff()
    survey()
    last_year()

"""Sick leave (sjukfrånvaro) as the law requires it reported (LKBR 11 kap., SKR's guidance).

Seven ratios over the employee records of ``styrkort.sources.logs.hr``:

- ``total``: sick hours / ordinary working hours, all employees;
- ``long_term``: sick hours in spells of at least ``long_days`` days / all sick hours;
- ``women``, ``men``: sick hours / ordinary hours within the group;
- ``age_29``, ``age_30_49``, ``age_50``: the same for ages ≤ 29, 30–49, ≥ 50.

A group of ``min_group`` (10) employees or fewer gets no figure (None), so
that no individual can be identified. Computed in Decimal, exactly.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from styrkort.core.findings import Finding, Source, info, warning
from styrkort.metrics._common import (
    MetricResult,
    Param,
    ParamError,
    format_number,
    parse_choice,
    parse_int,
)
from styrkort.sources.logs import LoadedLog
from styrkort.sources.logs.hr import Employee

PARTS = {
    "total": "total",
    "long_term": "long_term",
    "langtid": "long_term",
    "långtid": "long_term",
    "women": "women",
    "kvinnor": "women",
    "men": "men",
    "man": "men",
    "män": "men",
    "age_29": "age_29",
    "age_30_49": "age_30_49",
    "age_50": "age_50",
}
PART_TEXT = {
    "total": "alla anställda",
    "long_term": "långtidssjukfrånvaro",
    "women": "kvinnor",
    "men": "män",
    "age_29": "anställda 29 år och yngre",
    "age_30_49": "anställda 30–49 år",
    "age_50": "anställda 50 år och äldre",
}

PARAMS = (
    Param(
        "part",
        "total",
        "vilket mått som blir värdet: total, long_term, women, men, age_29, age_30_49, age_50",
    ),
    Param(
        "long_days",
        "60",
        "långtidssjukfrånvaro: sammanhängande sjukperioder om minst så många dagar",
    ),
    Param("min_group", "10", "ingen uppgift för en grupp med så här många anställda eller färre"),
    Param(
        "year",
        "",
        "år för åldersberäkning från födelseår (standard: periodens slutår); ålder = år − födelseår",
    ),
)


def _long_hours(e: Employee, long_days: int) -> Decimal | None:
    if e.spells is not None:
        return sum((h for days, h in e.spells if days >= long_days), Decimal(0))
    return e.long_sick_hours


def sick_leave(
    con: Any,
    loaded: LoadedLog,
    params: Mapping[str, str],
    period: tuple[datetime.date, datetime.date] | None,
) -> MetricResult:
    part = parse_choice("part", params["part"], PARTS)
    long_days = parse_int("long_days", params["long_days"], minimum=1)
    min_group = parse_int("min_group", params["min_group"], minimum=0)
    year: int | None = None
    if params["year"].strip():
        year = parse_int("year", params["year"], minimum=1900)
    elif period is not None:
        year = period[1].year
    records: list[Employee] = loaded.records
    findings: list[Finding] = []
    src = Source(loaded.file)

    def age(e: Employee) -> int | None:
        if e.age is not None:
            return e.age
        if e.birth_year is not None and year is not None:
            return year - e.birth_year
        return None

    if any(e.age is None and e.birth_year is not None for e in records) and year is None:
        raise ParamError(
            "year",
            "",
            "Åldern räknas från födelseår, men inget år är angivet.",
            "Ange --period eller year=ÅÅÅÅ.",
        )
    groups: dict[str, Callable[[Employee], bool]] = {
        "total": lambda e: True,
        "women": lambda e: e.sex == "K",
        "men": lambda e: e.sex == "M",
        "age_29": lambda e: (a := age(e)) is not None and a <= 29,
        "age_30_49": lambda e: (a := age(e)) is not None and 30 <= a <= 49,
        "age_50": lambda e: (a := age(e)) is not None and a >= 50,
    }
    details: dict[str, Decimal | None] = {}
    sums: dict[str, tuple[Decimal, Decimal, int]] = {}
    for name, member in groups.items():
        members = [e for e in records if member(e)]
        sick = sum((e.sick_hours for e in members), Decimal(0))
        ordinary = sum((e.ordinary_hours for e in members), Decimal(0))
        sums[name] = (sick, ordinary, len(members))
        if len(members) <= min_group:
            details[name] = None
            if len(members):
                findings.append(
                    info(
                        src,
                        "metric.small_group",
                        f"Gruppen {PART_TEXT[name]} har {len(members)} anställda (högst {min_group}); ingen uppgift redovisas.",
                        "Uppgiften får inte redovisas för så små grupper.",
                    )
                )
        else:
            details[name] = sick / ordinary if ordinary else None
    all_sick, _, n_all = sums["total"]
    longs = [_long_hours(e, long_days) for e in records]
    if any(h is None for h in longs):
        details["long_term"] = None
        long_sum = None
        findings.append(
            warning(
                src,
                "metric.sick_leave_long_term",
                "Långtidssjukfrånvaron kan inte beräknas: minst en rad saknar både sjuktimmar_lang och sjukperioder.",
                "Lägg till kolumnen sjuktimmar_lang eller sjukperioder (dagar:timmar;…).",
            )
        )
    else:
        long_sum = sum((h for h in longs if h is not None), Decimal(0))
        details["long_term"] = long_sum / all_sick if n_all > min_group and all_sick else None
    if any(age(e) is None for e in records):
        findings.append(
            warning(
                src,
                "metric.sick_leave_age",
                "Minst en anställd saknar ålder och födelseår och räknas inte i åldersgrupperna.",
                "Fyll i födelseår eller ålder.",
            )
        )
    if part == "long_term":
        numerator = long_sum
        denominator: Decimal | None = all_sick
        formula = (
            f"sjuktimmar i sammanhängande sjukperioder om minst {long_days} dagar / alla sjuktimmar"
        )
        n = n_all
    else:
        sick, ordinary, n = sums[part]
        numerator, denominator = sick, ordinary
        formula = "sjuktimmar / ordinarie arbetstid"
    value = details.get(part)
    if value is None:
        numerator = denominator = None
    age_text = (
        f"; ålder = {year} − födelseår"
        if year is not None and any(e.age is None for e in records)
        else ""
    )
    shown = (
        f"{format_number(numerator, 1)} h/{format_number(denominator, 1)} h"
        if numerator is not None and denominator is not None
        else f"ingen uppgift (grupp om {n} anställda, högst {min_group})"
        if n <= min_group
        else "ingen uppgift"
    )
    definition = (
        f"Sjukfrånvaro ({PART_TEXT[part]}) = {formula} ({n} anställda; ingen uppgift för grupper om "
        f"{min_group} anställda eller färre{age_text}) = {shown}"
    )
    for key in ("total", "long_term", "women", "men", "age_29", "age_30_49", "age_50"):
        details.setdefault(key, None)
    ordered = {
        k: details[k]
        for k in ("total", "long_term", "women", "men", "age_29", "age_30_49", "age_50")
    }
    ordered["employees"] = Decimal(n_all)
    return MetricResult(
        metric="sick-leave",
        value=value,
        unit="%",
        numerator=numerator,
        denominator=denominator,
        count=n_all,
        definition=definition,
        details=ordered,
        findings=tuple(findings),
    )

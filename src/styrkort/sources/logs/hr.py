"""HR inputs: sick-leave records per employee and HME staff-survey answers.

Both are small tables (CSV, also gzip, or XLSX), read in plain Python; the
formats are documented in docs/metrics.md ("Sick leave", "HME").

Sick leave, one row per employee: ``anstalld``, ``kon`` (K/M, kvinna/man,
F/M), ``fodelsear`` or ``alder``, ``ordinarie_timmar``, ``sjuktimmar`` and
either ``sjuktimmar_lang`` (sick hours in spells of 60 days or more) or
``sjukperioder`` ("dagar:timmar" per spell, separated by ``;``).

HME, one row per respondent: nine answer columns ``m1 m2 m3`` (motivation),
``l1 l2 l3`` (ledarskap), ``s1 s2 s3`` (styrning), each 1–5 or empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.core.numbers import parse_decimal
from styrkort.sources.logs import LoadedLog, Profile, column_names
from styrkort.sources.logs._files import RowFindings, UnreadableInput, read_table


@dataclass(frozen=True, slots=True)
class Employee:
    """One employee's hours in the period."""

    line: int
    employee: str
    sex: str | None
    """'K' (kvinna) or 'M' (man), None when not stated."""
    birth_year: int | None
    age: int | None
    ordinary_hours: Decimal
    sick_hours: Decimal
    long_sick_hours: Decimal | None
    """Sick hours in spells of at least ``long_days`` days, when given as a column."""
    spells: tuple[tuple[int, Decimal], ...] | None
    """(length in days, sick hours) per spell, when given."""


@dataclass(frozen=True, slots=True)
class Respondent:
    """One survey answer sheet: nine answers 1–5 (None when not answered)."""

    line: int
    answers: tuple[int | None, ...]


SEX = {"k": "K", "kvinna": "K", "f": "K", "female": "K", "m": "M", "man": "M", "male": "M"}

SICK_COLUMNS = {
    "employee": "anstalld",
    "sex": "kon",
    "birth_year": "fodelsear",
    "age": "alder",
    "ordinary_hours": "ordinarie_timmar",
    "sick_hours": "sjuktimmar",
    "long_sick_hours": "sjuktimmar_lang",
    "spells": "sjukperioder",
}

QUESTIONS = ("m1", "m2", "m3", "l1", "l2", "l3", "s1", "s2", "s3")
HME_COLUMNS = {q: q for q in QUESTIONS}


def _header_index(header: list[str], cols: Mapping[str, str | None]) -> dict[str, int]:
    lowered = {h.lower(): i for i, h in enumerate(header)}
    out: dict[str, int] = {}
    for logical, column in cols.items():
        if column and column.lower() in lowered:
            out[logical] = lowered[column.lower()]
    return out


def _require(
    path: Path, idx: Mapping[str, int], cols: Mapping[str, str | None], names: list[str]
) -> None:
    for name in names:
        if name not in idx:
            raise UnreadableInput(
                path,
                f'Kolumnen "{cols.get(name) or name}" ({name}) saknas i {path.name}.',
                f"Ange rätt kolumnnamn med parametern col.{name}=KOLUMN.",
            )


def load_sick_leave(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    table = read_table(path)
    cols = column_names(SICK_LEAVE, params)
    idx = _header_index(table.header, cols)
    _require(path, idx, cols, ["employee", "sex", "ordinary_hours"])
    if "sick_hours" not in idx and "spells" not in idx:
        raise UnreadableInput(
            path,
            f"Varken sjuktimmar ({cols['sick_hours']}) eller sjukperioder ({cols['spells']}) finns i {path.name}.",
            "Lägg till kolumnen sjuktimmar eller sjukperioder, eller ange col.sick_hours=/col.spells=.",
        )
    if "birth_year" not in idx and "age" not in idx:
        raise UnreadableInput(
            path,
            f"Varken födelseår ({cols['birth_year']}) eller ålder ({cols['age']}) finns i {path.name}.",
            "Lägg till en kolumn med födelseår eller ålder, eller ange col.birth_year=/col.age=.",
        )
    records: list[Employee] = []
    for line, cells in table.rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            i = idx.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        problems: list[str] = []
        sex = SEX.get(cell("sex").lower()) if cell("sex") else None
        if cell("sex") and sex is None:
            problems.append(f'okänt kön "{cell("sex")}" (K/M)')
        birth_year = age = None
        if cell("birth_year"):
            d = parse_decimal(cell("birth_year"))
            if d is None or d != int(d) or not 1900 <= d <= 2100:
                problems.append(f'ogiltigt födelseår "{cell("birth_year")}"')
            else:
                birth_year = int(d)
        if cell("age"):
            d = parse_decimal(cell("age"))
            if d is None or d != int(d) or not 0 <= d <= 120:
                problems.append(f'ogiltig ålder "{cell("age")}"')
            else:
                age = int(d)
        hours: dict[str, Decimal | None] = {}
        for name in ("ordinary_hours", "sick_hours", "long_sick_hours"):
            text = cell(name)
            value = parse_decimal(text) if text else None
            if text and (value is None or value < 0):
                problems.append(f'ogiltigt antal timmar i {cols[name]}: "{text}"')
            hours[name] = value
        spells: list[tuple[int, Decimal]] | None = None
        if cell("spells"):
            spells = []
            for part in cell("spells").split(";"):
                if not part.strip():
                    continue
                days_text, _, hours_text = part.partition(":")
                days = parse_decimal(days_text)
                spell_hours = parse_decimal(hours_text)
                if (
                    days is None
                    or spell_hours is None
                    or days < 0
                    or spell_hours < 0
                    or days != int(days)
                ):
                    problems.append(f'ogiltig sjukperiod "{part.strip()}" (skriv dagar:timmar)')
                    continue
                spells.append((int(days), spell_hours))
        if hours["ordinary_hours"] is None:
            problems.append("ordinarie arbetstid saknas")
        if not problems and hours["ordinary_hours"] is not None:
            sick = hours["sick_hours"] or Decimal(0)
            if spells is not None and not hours["sick_hours"]:
                sick = sum((h for _, h in spells), Decimal(0))
            records.append(
                Employee(
                    line=line,
                    employee=cell("employee"),
                    sex=sex,
                    birth_year=birth_year,
                    age=age,
                    ordinary_hours=hours["ordinary_hours"],
                    sick_hours=sick,
                    long_sick_hours=hours["long_sick_hours"],
                    spells=tuple(spells) if spells is not None else None,
                )
            )
        else:
            found.add(
                line,
                "log.sick_leave_row",
                "Raden kan inte användas: " + "; ".join(problems) + ". Den räknas inte med.",
                "Rätta raden i källfilen.",
            )
    return LoadedLog("sick-leave", path.name, found.finish(), records=records)


SICK_LEAVE = Profile(
    name="sick-leave",
    kind="sick-leave",
    description="Sjukfrånvaro, en rad per anställd (CSV/XLSX).",
    params={},
    columns=SICK_COLUMNS,
    loader=load_sick_leave,
)


def load_hme(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    table = read_table(path)
    cols = column_names(HME, params)
    idx = _header_index(table.header, cols)
    _require(path, idx, cols, list(QUESTIONS))
    records: list[Respondent] = []
    for line, cells in table.rows:
        answers: list[int | None] = []
        for q in QUESTIONS:
            i = idx[q]
            text = cells[i].strip() if i < len(cells) else ""
            if not text:
                answers.append(None)
                continue
            d = parse_decimal(text)
            if d is None or d != int(d) or not 1 <= d <= 5:
                found.add(
                    line,
                    "log.hme_answer",
                    f'Svaret "{text}" på fråga {cols[q]} är inte ett heltal 1–5; det räknas som obesvarat.',
                    "Svaren ska vara 1–5; lämna cellen tom för obesvarad fråga.",
                )
                answers.append(None)
                continue
            answers.append(int(d))
        records.append(Respondent(line, tuple(answers)))
    return LoadedLog("hme", path.name, found.finish(), records=records)


HME = Profile(
    name="hme",
    kind="hme",
    description="HME-enkät, en rad per svarande med nio frågekolumner (CSV/XLSX).",
    params={},
    columns=HME_COLUMNS,
    loader=load_hme,
)

PROFILES = (SICK_LEAVE, HME)

"""Reads a workspace's history (historik): earlier outcomes per indicator, earlier years'
finance outcomes and Kolada values (docs/workspace.md, "Historik").

In goals.yaml an indicator may carry::

    history: {2018: "68,4", 2019: "71,13"}      # earlier outcomes as written
    kolada: {kpi: N00090, compare: {"0000": Riket}}

and styrkort.yaml a section::

    history:
      columns: 2                        # previous years printed in the goal tables
      trend: true                       # a trend column and a trend chart per indicator
      workspaces: [historik/2019]       # earlier periods' workspaces inside this folder
      operating: drift-historik.csv     # category;year;outcome (kronor, ledger signs)
      investments: investeringar-historik.csv  # project;year;outcome
      kolada: [kolada/N00090.json, kolada/export.csv]

Kolada's published formats are both read: the API's JSON ``values`` documents
(``{"values": [{"kpi", "municipality", "period", "values": [{"gender", "status",
"value", "count"}]}]}``) and a CSV download with one value per row.

Every function returns values plus findings (file:line, Swedish) and never raises on
bad content. The workspace reader passes in its own CSV and YAML helpers, so that
this module reads no file format of its own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from styrkort.core.findings import Finding, Source, error, warning
from styrkort.core.history import History, KoladaSpec, KoladaValue, PastAmount, PastOutcome
from styrkort.core.numbers import parse_decimal
from styrkort.sources import schema
from styrkort.sources.yamlloc import LocDict, LocList

KOLADA_KEYS = {"kpi", "municipality", "compare", "gender"}
MAX_COLUMNS = 10

Rows = list[tuple[int, dict[str, str]]]


class Reader(Protocol):
    """What this module needs of the workspace reader: its findings and its CSV rows."""

    root: Path
    findings: list[Finding]

    def err(self, file: str, line: int | None, code: str, message: str, hint: str) -> None: ...

    def warn(self, file: str, line: int | None, code: str, message: str, hint: str) -> None: ...


def _year(text: object) -> int | None:
    s = str(text).strip()
    if len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2999:
        return int(s)
    return None


def indicator_history(
    ctx: Reader, rel: str, data: object, line: int, year: int | None
) -> tuple[PastOutcome, ...]:
    """An indicator's ``history:`` mapping, year → outcome as written, oldest first."""
    if data in (None, ""):
        return ()
    if not isinstance(data, LocDict):
        ctx.err(
            rel,
            line,
            "history_shape",
            "history ska vara en mappning år → utfall.",
            'Skriv t.ex. history: {2019: "71,13", 2018: "68,4"}.',
        )
        return ()
    out: list[PastOutcome] = []
    for key, value in data.items():
        at = data.key_lines.get(key, data.line)
        y = _year(key)
        if y is None:
            ctx.err(
                rel,
                at,
                "history_year",
                f"'{key}' i history är inget årtal.",
                'Skriv året med fyra siffror, t.ex. 2019: "71,13".',
            )
            continue
        if year is not None and y >= year:
            ctx.err(
                rel,
                at,
                "history_year",
                f"Historiken anger år {y}, men perioden avser {year}; historik är tidigare år.",
                f"Ange årets utfall i outcome och bara år före {year} i history.",
            )
            continue
        out.append(PastOutcome(y, "" if value is None else str(value).strip(), Source(rel, at)))
    return tuple(sorted(out, key=lambda p: p.year))


def kolada_spec(ctx: Reader, rel: str, data: object, line: int) -> KoladaSpec | None:
    """An indicator's ``kolada:`` mapping (kpi, municipality, compare, gender)."""
    if data in (None, ""):
        return None
    if isinstance(data, str):
        data_kpi = data.strip()
        return KoladaSpec(data_kpi, source=Source(rel, line)) if data_kpi else None
    if not isinstance(data, LocDict):
        ctx.err(
            rel,
            line,
            "kolada",
            "kolada ska vara ett nyckeltals-id eller en mappning med kpi.",
            'Skriv t.ex. kolada: {kpi: N00090, compare: {"0000": Riket}}.',
        )
        return None
    for key in data:
        if key not in KOLADA_KEYS:
            ctx.warn(
                rel,
                data.key_lines.get(key, data.line),
                "unknown_key",
                f"Okänd nyckel '{key}' i kolada; den ignoreras.",
                f"Tillåtna nycklar: {', '.join(sorted(KOLADA_KEYS))}.",
            )
    kpi = str(data.get("kpi", "") or "").strip()
    if not kpi:
        ctx.err(
            rel,
            data.line,
            "kolada",
            "kolada saknar kpi (Koladas nyckeltals-id).",
            "Ange t.ex. kpi: N00090; id:t står på nyckeltalets sida i Kolada.",
        )
        return None
    compare: list[tuple[str, str]] = []
    raw = data.get("compare")
    if isinstance(raw, LocDict):
        compare = [(str(k).strip(), str(v).strip()) for k, v in raw.items()]
    elif isinstance(raw, LocList | list):
        compare = [(str(c).strip(), _known_name(str(c).strip())) for c in raw]
    elif raw not in (None, ""):
        compare = [(str(raw).strip(), _known_name(str(raw).strip()))]
    gender = str(data.get("gender", "T") or "T").strip().upper()
    if gender not in {"T", "K", "M"}:
        ctx.err(
            rel,
            data.lines.get("gender", data.line),
            "kolada",
            f"Okänt kön '{gender}' för Kolada.",
            "Skriv T (totalt), K (kvinnor) eller M (män).",
        )
        gender = "T"
    return KoladaSpec(
        kpi,
        str(data.get("municipality", "") or "").strip(),
        tuple(compare),
        gender,
        Source(rel, data.line),
    )


def _known_name(code: str) -> str:
    return {"0000": "Riket"}.get(code, code)


def read_history_section(
    ctx: Reader,
    main_file: str,
    data: object,
    line: int,
    csv_rows: Callable[[str, str], Rows],
) -> History:
    """styrkort.yaml's ``history:`` section."""
    if data in (None, ""):
        data = LocDict()
    if not isinstance(data, LocDict):
        ctx.err(
            main_file,
            line,
            "history_shape",
            "history ska vara en mappning (columns, workspaces, operating, investments, kolada).",
            "Se docs/workspace.md, avsnittet Historik.",
        )
        return History()
    allowed = schema.keys("history")  # the one declaration of the section's keys
    for key in data:
        if key not in allowed:
            ctx.warn(
                main_file,
                data.key_lines.get(key, data.line),
                "unknown_key",
                f"Okänd nyckel '{key}' i history; den ignoreras.",
                f"Tillåtna nycklar: {', '.join(sorted(allowed))}.",
            )
    columns = 2
    if "columns" in data:
        text = str(data.get("columns", "")).strip()
        if text.isdigit() and int(text) <= MAX_COLUMNS:
            columns = int(text)
        else:
            ctx.err(
                main_file,
                data.lines.get("columns", data.line),
                "history_columns",
                f"history.columns '{text}' är inget antal år mellan 0 och {MAX_COLUMNS}.",
                "Ange hur många tidigare år måltabellerna ska visa, t.ex. columns: 2.",
            )
    trend = True
    if "trend" in data:
        raw_trend = str(data.get("trend", "")).strip().casefold()
        if raw_trend in {"true", "ja", "yes"}:
            trend = True
        elif raw_trend in {"false", "nej", "no"}:
            trend = False
        else:
            ctx.err(
                main_file,
                data.lines.get("trend", data.line),
                "history_trend",
                f"history.trend '{raw_trend}' är inget ja/nej-värde.",
                "Skriv trend: true (visa trend) eller trend: false.",
            )
    workspaces: list[str] = []
    raw = data.get("workspaces")
    items = list(raw) if isinstance(raw, LocList | list) else ([raw] if raw else [])
    for item in items:
        rel = str(item).strip()
        if not _inside(ctx.root, rel):
            ctx.err(
                main_file,
                data.lines.get("workspaces", data.line),
                "history_workspace",
                f"Den tidigare arbetsytan '{rel}' ligger utanför arbetsytan eller finns inte.",
                "Lägg den tidigare periodens arbetsyta i en mapp inuti denna, t.ex. historik/2019.",
            )
            continue
        workspaces.append(rel)
    operating = _amounts(
        ctx, str(data.get("operating", "") or "").strip(), "category", "operating_history", csv_rows
    )
    investments = _amounts(
        ctx,
        str(data.get("investments", "") or "").strip(),
        "project",
        "investments_history",
        csv_rows,
    )
    kolada: list[KoladaValue] = []
    raw_k = data.get("kolada")
    files = list(raw_k) if isinstance(raw_k, LocList | list) else ([raw_k] if raw_k else [])
    if "kolada" not in data:
        files = default_kolada_files(ctx.root)
    for f in files:
        rel = str(f).strip()
        if not _inside(ctx.root, rel) or not (ctx.root / rel).is_file():
            ctx.err(
                main_file,
                data.lines.get("kolada", data.line),
                "kolada_file",
                f"Kolada-filen '{rel}' finns inte i arbetsytan.",
                "Spara filen från Kolada (JSON från API:t eller CSV-nedladdningen) i arbetsytan, "
                "eller hämta den med styrkort kolada fetch.",
            )
            continue
        values, findings = read_kolada_file(ctx.root / rel, rel)
        ctx.findings.extend(findings)
        kolada.extend(values)
    return History(
        operating=operating,
        investments=investments,
        kolada=tuple(kolada),
        columns=columns,
        trend=trend,
        workspaces=tuple(workspaces),
        source=Source(main_file, line),
    )


KOLADA_DIR = "kolada"


def default_kolada_files(root: Path) -> list[str]:
    """Without ``history.kolada``, every saved Kolada file in the workspace's ``kolada/``
    folder (where ``styrkort kolada fetch`` saves them)."""
    folder = root / KOLADA_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(
        f"{KOLADA_DIR}/{p.name}"
        for p in folder.iterdir()
        if p.suffix.casefold() in {".json", ".csv"} and p.is_file() and not p.is_symlink()
    )


def _inside(root: Path, rel: str) -> bool:
    """``rel`` exists inside the workspace (symlinks resolved): the confinement rule of
    sources/confine.py, for the folders and files history names."""
    from styrkort.sources import confine

    if not rel or Path(rel).is_absolute():
        return False
    full = root / rel
    return confine.inside(root, full) and full.exists()


def _amounts(
    ctx: Reader, rel: str, key: str, section: str, csv_rows: Callable[[str, str], Rows]
) -> tuple[PastAmount, ...]:
    if not rel:
        return ()
    out: list[PastAmount] = []
    for line, row in csv_rows(rel, section):
        y = _year(row.get("year", ""))
        amount = parse_decimal(row.get("outcome", ""))
        if y is None:
            ctx.err(
                rel,
                line,
                "history_year",
                f"'{row.get('year', '')}' är inget årtal.",
                "Ange året med fyra siffror, t.ex. 2019.",
            )
            continue
        if amount is None:
            ctx.err(
                rel,
                line,
                "amount",
                f"'{row.get('outcome', '')}' i kolumnen 'outcome' är inget belopp.",
                "Skriv utfallet i kronor med huvudbokens tecken, t.ex. -34559000.",
            )
            continue
        out.append(PastAmount(row.get(key, "").strip(), y, amount, Source(rel, line)))
    return tuple(out)


# --- Kolada's published formats ------------------------------------------------------------


def read_kolada_file(path: Path, shown: str) -> tuple[list[KoladaValue], list[Finding]]:
    """Kolada values from a saved API response (``.json``) or a CSV download (``.csv``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [_kolada_error(shown, None, f"Filen kan inte läsas: {exc.strerror}.")]
    if path.suffix.casefold() == ".json":
        return parse_kolada_json(data, shown)
    return parse_kolada_csv(data, shown)


def _kolada_error(shown: str, line: int | None, message: str) -> Finding:
    return error(
        Source(shown, line),
        "kolada.read",
        message,
        "Spara svaret från Koladas API (v2/v3, /data/kpi/…) som .json eller Koladas "
        "CSV-nedladdning som .csv, oförändrade.",
    )


def parse_kolada_json(data: bytes, shown: str) -> tuple[list[KoladaValue], list[Finding]]:
    """The API's ``values`` document: one entry per kpi × municipality × period, each with a
    value per gender (T, K, M). A value of ``null`` is kept as missing."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return [], [_kolada_error(shown, None, f"Filen är ingen läsbar JSON ({exc}).")]
    entries = doc.get("values") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        return [], [_kolada_error(shown, None, "Filen saknar listan 'values' som Koladas API ger.")]
    out: list[KoladaValue] = []
    findings: list[Finding] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            findings.append(_kolada_error(shown, None, f"Post {i} i 'values' är inget objekt."))
            continue
        kpi = str(entry.get("kpi", "")).strip()
        municipality = str(entry.get("municipality", entry.get("ou", ""))).strip()
        year = _year(entry.get("period", ""))
        values = entry.get("values")
        if not kpi or not municipality or year is None or not isinstance(values, list):
            findings.append(
                _kolada_error(
                    shown,
                    None,
                    f"Post {i} i 'values' saknar kpi, municipality, period eller values.",
                )
            )
            continue
        for v in values:
            if not isinstance(v, dict):
                continue
            out.append(
                KoladaValue(
                    kpi,
                    municipality,
                    year,
                    _number(v.get("value")),
                    str(v.get("gender", "T")).strip().upper() or "T",
                    str(v.get("status", "") or ""),
                    Source(shown),
                )
            )
    return out, findings


_CSV_COLUMNS = {
    "kpi": ("kpi", "nyckeltal", "kpi_id", "nyckeltals-id", "id"),
    "municipality": (
        "municipality",
        "municipality_id",
        "kommun-id",
        "kommunid",
        "kommun",
        "region",
    ),
    "period": ("period", "year", "år", "ar"),
    "gender": ("gender", "kön", "kon"),
    "value": ("value", "värde", "varde"),
}


def parse_kolada_csv(data: bytes, shown: str) -> tuple[list[KoladaValue], list[Finding]]:
    """A CSV download with one value per row: columns kpi, municipality, period, gender and
    value (or Kolada's Swedish headers Nyckeltal, Kommun-id, År, Kön, Värde), ``;`` or ``,``."""
    from styrkort.sources.table import decode_text, records_from_text

    got = records_from_text(decode_text(data), shown, code="kolada.read")
    findings: list[Finding] = list(got.findings)
    if got.header is None:
        return [], findings
    if not got.header:
        return [], [*findings, _kolada_error(shown, None, "Filen är tom.")]
    index: dict[str, str] = {}
    for name, aliases in _CSV_COLUMNS.items():
        for alias in aliases:
            if alias in got.header:
                index[name] = alias
                break
    missing = [n for n in ("kpi", "municipality", "period", "value") if n not in index]
    if missing:
        return [], [
            *findings,
            _kolada_error(
                shown, got.header_line, f"Kolumnerna {', '.join(missing)} saknas i rubrikraden."
            ),
        ]
    out: list[KoladaValue] = []
    for row in got.rows:

        def cell(name: str, values: dict[str, str] = row.values) -> str:
            column = index.get(name)
            return values.get(column, "").strip() if column else ""

        year = _year(cell("period"))
        if year is None:
            findings.append(_kolada_error(shown, row.line, f"'{cell('period')}' är inget årtal."))
            continue
        value_text = cell("value")
        value = parse_decimal(value_text) if value_text else None
        if value_text and value is None:
            findings.append(
                warning(
                    Source(shown, row.line),
                    "kolada.read",
                    f"Värdet '{value_text}' är inget tal; raden räknas som saknat värde.",
                    "Kontrollera filen från Kolada.",
                )
            )
        out.append(
            KoladaValue(
                cell("kpi"),
                cell("municipality"),
                year,
                value,
                (cell("gender") or "T").upper(),
                "",
                Source(shown, row.line),
            )
        )
    return out, findings


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    return parse_decimal(str(value))

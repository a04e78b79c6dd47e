"""Generic profiles for CSV/XLSX/Parquet exports, configured by a column mapping.

- ``tickets``: one row per ticket, with the columns in ``TICKET_COLUMNS``;
- ``ticket-events``: an event log (one row per status change), reduced to one
  record per ticket like the built-in event logs;
- ``calls``: one row per call.

Column names are changed with ``col.<logical>=<header>`` parameters or with a
YAML file (``mapping=FILE``); value lists (which statuses mean cancelled,
which outcomes mean answered, …) with the parameters in ``params``.
Parquet columns may already be typed (TIMESTAMP, BOOLEAN, numbers); text
columns are parsed, and unreadable values become findings with their line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from styrkort.core.numbers import MINUS_SIGNS, SPACES
from styrkort.sources.logs import LoadedLog, Profile, column_names
from styrkort.sources.logs._events import reduce_events
from styrkort.sources.logs._files import (
    RowFindings,
    UnreadableInput,
    file_kind,
    read_table,
    select_columns,
)
from styrkort.sources.logs._sql import value_condition

TRUTHY = "('true', 't', '1', 'ja', 'j', 'yes', 'y', 'x', 'sant')"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_list(text: str) -> str:
    items = [v.strip().lower() for v in text.split(",") if v.strip()]
    if not items:
        return "(NULL)"
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in items) + ")"


def load_raw(
    con: Any,
    path: Path,
    profile: Profile,
    params: Mapping[str, str],
    required: list[str],
    found: RowFindings,
) -> dict[str, str]:
    """Create the temp relation ``raw`` (logical column names plus ``line``); return their types."""
    cols = column_names(profile, params)
    if file_kind(path) == "parquet":
        if not path.exists():
            raise UnreadableInput(path, f"Filen {path} finns inte.", "Kontrollera sökvägen.")
        src = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}', file_row_number = true)"
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
        except Exception as exc:  # duckdb.Error subclasses
            raise UnreadableInput(
                path, f"Parquet-filen {path.name} kan inte läsas ({exc}).", "Exportera filen igen."
            ) from exc
        present = {str(r[0]).lower(): str(r[0]) for r in described}
        select = ["file_row_number + 2 AS line"]
        for logical, column in cols.items():
            if column is None:
                continue
            real = present.get(column.lower())
            if real is None:
                if logical in required:
                    raise UnreadableInput(
                        path,
                        f'Kolumnen "{column}" ({logical}) saknas i {path.name}. Kolumnerna är: '
                        + ", ".join(r[0] for r in described[:40]),
                        f"Ange rätt kolumnnamn med parametern col.{logical}=KOLUMN.",
                    )
                continue
            select.append(f"{_quote(real)} AS {_quote(logical)}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT {', '.join(select)} FROM {src}")
    else:
        table = read_table(path)
        arrow = select_columns(table, path.name, cols, required, found)
        con.register("raw_arrow", arrow)
        con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_arrow")
        con.unregister("raw_arrow")
    return {str(r[0]): str(r[1]) for r in con.execute("DESCRIBE raw").fetchall()}


LOCAL_TIME_ZONE = "Europe/Stockholm"
"""Metrics count in local wall time (business hours, holidays); a timestamp with an
offset (``…+02:00``, ``…Z``) is converted to it instead of having the offset dropped."""

_OFFSET = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)? ?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"


def local_timestamp(col: str) -> str:
    """SQL: an ISO 8601 text column as a local TIMESTAMP, honouring a time-zone offset."""
    text = f"replace({col}, 'T', ' ')"
    return (
        f"CASE WHEN regexp_matches({col}, '{_OFFSET}') "
        f"THEN timezone('{LOCAL_TIME_ZONE}', TRY_CAST({text} AS TIMESTAMPTZ)) "
        f"ELSE TRY_CAST({text} AS TIMESTAMP) END"
    )


class Exprs:
    """SQL expressions that type the columns of ``raw`` whatever their stored type."""

    def __init__(self, types: Mapping[str, str], params: Mapping[str, str]) -> None:
        self.types = types
        self.formats = [f for f in params.get("date_format", "").split("|") if f]

    def has(self, name: str) -> bool:
        return name in self.types

    def is_text(self, name: str) -> bool:
        return self.types.get(name, "") == "VARCHAR"

    def ts(self, name: str) -> str:
        if not self.has(name):
            return "NULL::TIMESTAMP"
        col = _quote(name)
        if self.is_text(name):
            if self.formats:
                fmts = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in self.formats) + "]"
                return f"try_strptime({col}, {fmts})"
            return local_timestamp(col)
        if self.types.get(name, "").upper() in {"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"}:
            return f"timezone('{LOCAL_TIME_ZONE}', {col})"
        return f"CAST({col} AS TIMESTAMP)"

    def text(self, name: str) -> str:
        if not self.has(name):
            return "NULL::VARCHAR"
        return f"CAST({_quote(name)} AS VARCHAR)"

    def native(self, name: str) -> str:
        """The column as stored (filters compare through ``value_condition``)."""
        if not self.has(name):
            return "NULL::VARCHAR"
        return _quote(name)

    def one_of(self, con: Any, name: str, values: str) -> str:
        """``name`` is one of the comma-separated ``values`` (trimmed, any case)."""
        if not self.has(name):
            return "FALSE"
        return value_condition(con, "raw", _quote(name), values.split(","))

    def flag(self, name: str) -> str:
        if not self.has(name):
            return "NULL::BOOLEAN"
        col = _quote(name)
        kind = self.types[name]
        if kind == "BOOLEAN":
            return col
        if self.is_text(name):
            return f"(lower(trim({col})) IN {TRUTHY})"
        return f"({col} <> 0)"

    def number(self, name: str) -> str:
        if not self.has(name):
            return "NULL::DOUBLE"
        col = _quote(name)
        if self.is_text(name):
            # the spaces and minus signs core.numbers.parse_decimal accepts
            spaces = f"[\\s{SPACES}]"
            minus = f"[{MINUS_SIGNS.replace('-', '')}]"
            text = (
                f"regexp_replace(regexp_replace({col}, '{spaces}', '', 'g'), '{minus}', '-', 'g')"
            )
            return f"TRY_CAST(replace({text}, ',', '.') AS DOUBLE)"
        return f"CAST({col} AS DOUBLE)"

    def check_ts(self, con: Any, found: RowFindings, name: str, label: str) -> None:
        if not self.is_text(name):
            return
        hint = (
            f"Skriv tidpunkter som {' eller '.join(self.formats)}."
            if self.formats
            else "Skriv tidpunkter som ÅÅÅÅ-MM-DD HH:MM[:SS] eller ange date_format=…"
        )
        found.sql(
            con,
            "raw",
            f"{_quote(name)} IS NOT NULL AND {self.ts(name)} IS NULL",
            _quote(name),
            "log.timestamp",
            f'Ogiltig tidpunkt i {label}: "{{value}}".',
            hint,
        )


# --- tickets, one row per ticket ---------------------------------------------------------

TICKETS_COLUMNS = {
    "id": "id",
    "opened_at": "opened_at",
    "responded_at": "responded_at",
    "resolved_first_at": "resolved_first_at",
    "resolved_at": "resolved_at",
    "closed_at": "closed_at",
    "priority": "priority",
    "priority_final": "priority_final",
    "category": "category",
    "status": "status",
    "escalated": "escalated",
    "group": "group",
    "level": "level",
    "reopened": "reopened",
}


def load_tickets(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    types = load_raw(con, path, TICKETS, params, ["id", "opened_at"], found)
    x = Exprs(types, params)
    for name in ("opened_at", "responded_at", "resolved_first_at", "resolved_at", "closed_at"):
        x.check_ts(con, found, name, name)
    found.sql(
        con,
        "raw",
        f"{_quote('id')} IS NULL OR {x.ts('opened_at')} IS NULL",
        "''",
        "log.missing",
        "Ärendenummer eller öppningstid saknas; ärendet har lästs bort.",
        "Varje ärende ska ha ett nummer och en öppningstid.",
    )
    cancelled = x.one_of(
        con, "status", params.get("status.cancelled", "Avbruten,Makulerad,Cancelled,Canceled")
    )
    duplicate = x.one_of(con, "status", params.get("status.duplicate", "Dubblett,Duplicate"))
    prio = x.native("priority")
    prio_final = x.native("priority_final") if x.has("priority_final") else prio
    escalated = x.flag("escalated")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW tickets AS
        SELECT {x.native("id")} AS ticket_id, line,
               {x.ts("opened_at")} AS opened_at,
               {x.ts("responded_at")} AS responded_at,
               coalesce({x.ts("resolved_first_at")}, {x.ts("resolved_at")}) AS resolved_first_at,
               {x.ts("resolved_at")} AS resolved_at,
               {x.ts("closed_at")} AS closed_at,
               {prio} AS priority_open,
               {prio_final} AS priority_final,
               {x.native("category")} AS category,
               coalesce({cancelled}, FALSE) AS cancelled,
               coalesce({duplicate}, FALSE) AS duplicate,
               coalesce({escalated}, FALSE) AS escalated,
               {x.native("group")} AS resolving_group,
               {x.native("level")} AS resolving_level,
               coalesce({x.flag("reopened")}, FALSE) AS reopened
        FROM raw
        WHERE {_quote("id")} IS NOT NULL AND {x.ts("opened_at")} IS NOT NULL
        """
    )
    missing = [c for c in ("responded_at", "resolved_at", "closed_at") if not x.has(c)]
    if not x.has("resolved_at") and not x.has("resolved_first_at"):
        missing.append("resolved_first_at")
    return LoadedLog(
        "tickets", path.name, found.finish(), notes={"missing_times": ",".join(missing)}
    )


TICKETS = Profile(
    name="tickets",
    kind="tickets",
    description="Ärendelogg, en rad per ärende (CSV/XLSX/Parquet) med kolumnmappning.",
    params={
        "status.cancelled": "statusvärden som betyder avbrutet ärende (standard Avbruten,Makulerad,Cancelled,Canceled)",
        "status.duplicate": "statusvärden som betyder dubblett (standard Dubblett,Duplicate)",
        "date_format": "strptime-format för tidpunkter, flera skiljs med | (standard ISO 8601)",
    },
    columns=TICKETS_COLUMNS,
    loader=load_tickets,
)


# --- ticket events, one row per status change --------------------------------------------

EVENT_COLUMNS = {
    "id": "id",
    "time": "time",
    "state": "state",
    "priority": "priority",
    "group": "group",
    "level": "level",
    "category": "category",
}


def load_ticket_events(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    types = load_raw(con, path, TICKET_EVENTS, params, ["id", "time", "state"], found)
    x = Exprs(types, params)
    x.check_ts(con, found, "time", "time")
    found.sql(
        con,
        "raw",
        f"{_quote('id')} IS NULL OR {_quote('state')} IS NULL",
        "''",
        "log.missing",
        "Ärendenummer eller status saknas; raden har lästs bort.",
        "Varje rad ska ha ärendenummer, tidpunkt och status.",
    )
    state = f"lower(trim({x.text('state')}))"
    classes = [
        ("new", params.get("state.new", "New,Ny,Registrerad")),
        ("resolved", params.get("state.resolved", "Resolved,Löst,Åtgärdad")),
        ("closed", params.get("state.closed", "Closed,Stängd,Avslutad")),
        ("cancelled", params.get("state.cancelled", "Cancelled,Canceled,Avbruten,Makulerad")),
    ]
    case = "CASE " + " ".join(f"WHEN {state} IN {_sql_list(v)} THEN '{c}'" for c, v in classes)
    case += " ELSE 'open' END"
    first = _sql_list(params.get("level.first", "1,L1"))
    level = x.text("level")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT {x.text("id")} AS ticket_id, line, {x.ts("time")} AS ts, NULL::BIGINT AS seq,
               {x.text("state")} AS state, {case} AS state_class,
               {x.text("priority")} AS priority, {x.text("group")} AS grp, {level} AS level,
               {x.text("category")} AS category,
               ({level} IS NOT NULL AND lower(trim({level})) NOT IN {first}) AS escalated,
               NULL::TIMESTAMP AS opened_field, NULL::TIMESTAMP AS resolved_field,
               NULL::BOOLEAN AS reopened_flag
        FROM raw
        WHERE {_quote("id")} IS NOT NULL AND {_quote("state")} IS NOT NULL AND {x.ts("time")} IS NOT NULL
        """
    )
    reduce_events(con)
    return LoadedLog("tickets", path.name, found.finish(), has_states=True)


TICKET_EVENTS = Profile(
    name="ticket-events",
    kind="tickets",
    description="Ärendelogg med en rad per statusändring (CSV/XLSX/Parquet) med kolumnmappning.",
    params={
        "state.new": "statusar före första återkoppling (standard New,Ny,Registrerad)",
        "state.resolved": "statusar som betyder löst (standard Resolved,Löst,Åtgärdad)",
        "state.closed": "statusar som betyder stängt (standard Closed,Stängd,Avslutad)",
        "state.cancelled": "statusar som betyder avbrutet (standard Cancelled,Canceled,Avbruten,Makulerad)",
        "level.first": "värden i nivåkolumnen som betyder första linjen (standard 1,L1)",
        "date_format": "strptime-format för tidpunkter, flera skiljs med | (standard ISO 8601)",
    },
    columns=EVENT_COLUMNS,
    loader=load_ticket_events,
)


# --- calls, one row per call -------------------------------------------------------------

CALL_COLUMNS = {
    "id": "id",
    "arrived_at": "arrived_at",
    "wait_s": "wait_s",
    "outcome": "outcome",
    "queue": "queue",
}


def load_calls(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    types = load_raw(con, path, CALLS, params, ["arrived_at", "wait_s", "outcome"], found)
    x = Exprs(types, params)
    x.check_ts(con, found, "arrived_at", "arrived_at")
    answered = x.one_of(
        con, "outcome", params.get("outcome.answered", "answered,besvarat,besvarad,AGENT")
    )
    abandoned = x.one_of(
        con, "outcome", params.get("outcome.abandoned", "abandoned,avbrutet,tappat,lagt på,HANG")
    )
    ivr = x.one_of(con, "outcome", params.get("outcome.ivr", "ivr,talsvar"))
    phantom = x.one_of(con, "outcome", params.get("outcome.phantom", "phantom,fantom"))
    known = f"({answered} OR {abandoned} OR {ivr} OR {phantom})"
    found.sql(
        con,
        "raw",
        f"NOT coalesce({known}, FALSE)",
        x.text("outcome"),
        "log.outcome",
        'Okänt utfall "{value}"; samtalet har lästs bort.',
        "Ange vilka värden som betyder besvarat, avbrutet, IVR och fantom med outcome.answered=… osv.",
    )
    wait = x.number("wait_s")
    found.sql(
        con,
        "raw",
        f"coalesce({known}, FALSE) AND ({answered} OR {abandoned}) AND ({wait} IS NULL OR {wait} < 0)",
        x.text("wait_s"),
        "log.wait_time",
        'Ogiltig väntetid "{value}"; samtalet har lästs bort.',
        "Väntetiden anges i sekunder (0 när samtalet besvarades utan kö).",
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW calls AS
        SELECT {x.native("id")} AS call_id, line, {x.ts("arrived_at")} AS arrived_at,
               {x.native("queue")} AS queue,
               ({answered} OR {abandoned}) AS offered,
               {answered} AS answered,
               {abandoned} AS abandoned,
               coalesce({wait}, 0.0) AS wait_s,
               {phantom} AS phantom
        FROM raw
        WHERE coalesce({known}, FALSE) AND {x.ts("arrived_at")} IS NOT NULL
          AND NOT (({answered} OR {abandoned}) AND coalesce({wait} < 0, TRUE))
        """
    )
    return LoadedLog("calls", path.name, found.finish())


CALLS = Profile(
    name="calls",
    kind="calls",
    description="Samtalslogg, en rad per samtal (CSV/XLSX/Parquet) med kolumnmappning.",
    params={
        "outcome.answered": "utfall som betyder besvarat (standard answered,besvarat,besvarad,AGENT)",
        "outcome.abandoned": "utfall som betyder avbrutet i kö (standard abandoned,avbrutet,tappat,lagt på,HANG)",
        "outcome.ivr": "utfall som betyder att samtalet aldrig nådde kön (standard ivr,talsvar)",
        "outcome.phantom": "utfall som betyder fantomsamtal (standard phantom,fantom)",
        "date_format": "strptime-format för tidpunkter, flera skiljs med | (standard ISO 8601)",
    },
    columns=CALL_COLUMNS,
    loader=load_calls,
)

PROFILES = (TICKETS, TICKET_EVENTS, CALLS)

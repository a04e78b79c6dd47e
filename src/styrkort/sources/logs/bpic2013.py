"""BPI Challenge 2013, Volvo IT Belgium incident log (one row per status change).

``Change Date+Time`` is ISO 8601 with an offset; the local wall time (the part
before the offset) is used, since opening hours are local. There is no
priority field: ``SR Latest Impact`` (Major/High/Medium/Low → 1/2/3/4) stands
in for it, and being the *latest* impact it is the same at opening and at the
end. ``ST Level`` other than L1 on any row marks the ticket as escalated.
Rows with status ``Unmatched`` or an unreadable time become findings and are
left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from styrkort.sources.logs import LoadedLog, Profile, column_names
from styrkort.sources.logs._events import reduce_events
from styrkort.sources.logs._files import RowFindings, read_table, select_columns

# (Status, Sub Status) -> state class; Sub Status None matches any.
CLASSES = {
    ("Queued", None): "new",
    ("Accepted", None): "open",
    ("Completed", "Resolved"): "resolved",
    ("Completed", "In Call"): "resolved",
    ("Completed", "Closed"): "closed",
    ("Completed", "Cancelled"): "cancelled",
}
IMPACT = {"Major": "1", "High": "2", "Medium": "3", "Low": "4"}

COLUMNS = {
    "ticket_id": "SR Number",
    "time": "Change Date+Time",
    "status": "Status",
    "sub_status": "Sub Status",
    "impact": "SR Latest Impact",
    "level": "ST Level",
    "group": "Involved ST",
    "category": "Product",
}

TS = "try_strptime(substr(time, 1, 19), '%Y-%m-%dT%H:%M:%S')"


def load(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    table = read_table(path)
    cols = column_names(PROFILE, params)
    arrow = select_columns(
        table, path.name, cols, ["ticket_id", "time", "status", "sub_status"], found
    )
    con.register("raw_arrow", arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_arrow")
    con.unregister("raw_arrow")
    opt = set(arrow.column_names)  # type: ignore[attr-defined]
    whens = []
    for (status, sub), cls in CLASSES.items():
        cond = f"status = '{status}'" + (f" AND sub_status = '{sub}'" if sub else "")
        whens.append(f"WHEN {cond} THEN '{cls}'")
    case = "CASE " + " ".join(whens) + " END"
    found.sql(
        con,
        "raw",
        f"({case}) IS NULL",
        "coalesce(status, '') || '/' || coalesce(sub_status, '')",
        "bpic2013.status",
        'Okänd status "{value}"; raden har lästs bort.',
        "Kända statusar: Queued, Accepted, Completed (Resolved, In Call, Closed, Cancelled).",
    )
    found.sql(
        con,
        "raw",
        f"{TS} IS NULL",
        "time",
        "bpic2013.datum",
        'Ogiltig tidpunkt "{value}"; raden har lästs bort.',
        "Tidpunkter ska skrivas ÅÅÅÅ-MM-DDTHH:MM:SS+HH:MM.",
    )
    found.sql(
        con,
        "raw",
        "ticket_id IS NULL",
        "''",
        "bpic2013.nummer",
        "Ärendenummer (SR Number) saknas; raden har lästs bort.",
        "Varje rad ska ha ett ärendenummer.",
    )
    impact = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in IMPACT.items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT ticket_id, line, {TS} AS ts, NULL::BIGINT AS seq,
               status || '/' || sub_status AS state,
               {case} AS state_class,
               {"CASE impact " + impact + " END" if "impact" in opt else "NULL"} AS priority,
               {'"group"' if "group" in opt else "NULL"} AS grp,
               {"level" if "level" in opt else "NULL"} AS level,
               {"category" if "category" in opt else "NULL"} AS category,
               {"level <> 'L1'" if "level" in opt else "NULL"} AS escalated,
               NULL::TIMESTAMP AS opened_field,
               NULL::TIMESTAMP AS resolved_field,
               NULL::BOOLEAN AS reopened_flag
        FROM raw
        WHERE ticket_id IS NOT NULL AND ({case}) IS NOT NULL AND {TS} IS NOT NULL
        """
    )
    reduce_events(con)
    return LoadedLog("tickets", path.name, found.finish(), has_states=True)


PROFILE = Profile(
    name="bpic2013",
    kind="tickets",
    description="BPI Challenge 2013, Volvo IT incidentlogg (en rad per statusändring).",
    params={},
    columns=COLUMNS,
    loader=load,
)
PROFILES = (PROFILE,)

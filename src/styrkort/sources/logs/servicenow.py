"""ServiceNow incident event log (UCI #498 / Kaggle "incident_event_log").

One row per update of an incident; dates ``d/m/yyyy H:MM``; ``?`` is null;
priority ``1 - Critical`` … ``4 - Low``. Rows with an unknown state (the log has
two rows with state ``-100``) or an unreadable date become findings and are
left out. See docs/metrics.md for the reduction to one record per incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from styrkort.sources.logs import LoadedLog, Profile, column_names
from styrkort.sources.logs._events import reduce_events
from styrkort.sources.logs._files import RowFindings, read_table, select_columns

STATES = {
    "New": "new",
    "Active": "open",
    "Awaiting User Info": "open",
    "Awaiting Vendor": "open",
    "Awaiting Problem": "open",
    "Awaiting Evidence": "open",
    "Resolved": "resolved",
    "Closed": "closed",
}

COLUMNS = {
    "ticket_id": "number",
    "state": "incident_state",
    "reassignment_count": "reassignment_count",
    "reopen_count": "reopen_count",
    "seq": "sys_mod_count",
    "opened_at": "opened_at",
    "updated_at": "sys_updated_at",
    "priority": "priority",
    "group": "assignment_group",
    "category": "category",
    "resolved_at": "resolved_at",
}

DATE = "'%d/%m/%Y %H:%M'"
GROUP_EXPR = "nullif(\"group\", '?')"


def _ts(col: str) -> str:
    return f"try_strptime(nullif({col}, '?'), {DATE})"


def load(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    table = read_table(path)
    cols = column_names(PROFILE, params)
    arrow = select_columns(
        table, path.name, cols, ["ticket_id", "state", "updated_at", "opened_at"], found
    )
    con.register("raw_arrow", arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_arrow")
    con.unregister("raw_arrow")
    known = ", ".join(f"'{s}'" for s in STATES)
    found.sql(
        con,
        "raw",
        f"state IS NULL OR state NOT IN ({known})",
        "state",
        "log.servicenow_status",
        'Okänd status "{value}" i incident_state; raden har lästs bort.',
        "Kända statusar: " + ", ".join(STATES) + ".",
    )
    found.sql(
        con,
        "raw",
        f"{_ts('updated_at')} IS NULL OR {_ts('opened_at')} IS NULL",
        "coalesce(updated_at, '') || ' / ' || coalesce(opened_at, '')",
        "log.servicenow_date",
        'Ogiltig tidpunkt i sys_updated_at/opened_at ("{value}"); raden har lästs bort.',
        "Tidpunkter ska skrivas d/m/åååå H:MM.",
    )
    found.sql(
        con,
        "raw",
        "ticket_id IS NULL",
        "''",
        "log.servicenow_number",
        "Ärendenummer (number) saknas; raden har lästs bort.",
        "Varje rad ska ha ett ärendenummer.",
    )
    cases = " ".join(f"WHEN '{s}' THEN '{c}'" for s, c in STATES.items())
    opt = set(arrow.column_names)  # type: ignore[attr-defined]

    def col(name: str, expr: str | None = None) -> str:
        return (expr or name) if name in opt else "NULL"

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT ticket_id, line,
               {_ts("updated_at")} AS ts,
               {col("seq", "TRY_CAST(seq AS BIGINT)")} AS seq,
               state,
               CASE state {cases} END AS state_class,
               {col("priority", "nullif(trim(split_part(priority, '-', 1)), '?')")} AS priority,
               {col("group", GROUP_EXPR)} AS grp,
               NULL::VARCHAR AS level,
               {col("category", "nullif(category, '?')")} AS category,
               {col("reassignment_count", "TRY_CAST(nullif(reassignment_count, '?') AS BIGINT) > 0")} AS escalated,
               {_ts("opened_at")} AS opened_field,
               {col("resolved_at", _ts("resolved_at"))} AS resolved_field,
               {col("reopen_count", "TRY_CAST(nullif(reopen_count, '?') AS BIGINT) > 0")} AS reopened_flag
        FROM raw
        WHERE ticket_id IS NOT NULL AND state IN ({known})
          AND {_ts("updated_at")} IS NOT NULL AND {_ts("opened_at")} IS NOT NULL
        """
    )
    reduce_events(con)
    return LoadedLog("tickets", path.name, found.finish(), has_states=True)


PROFILE = Profile(
    name="servicenow",
    kind="tickets",
    description="ServiceNow incident event log (en rad per uppdatering, UCI #498).",
    params={},
    columns=COLUMNS,
    loader=load,
)
PROFILES = (PROFILE,)

"""Technion "Anonymous Bank" call-centre log (1999), tab-separated, 17 fields per call.

Mapping (docs/metrics.md, "Calls"):

- ``PHANTOM`` calls are phantom: not offered;
- ``HANG`` with no queue (``q_start`` 0:00:00) hung up in the voice response
  unit (IVR): never reached the queue, not offered;
- ``HANG`` after queueing: offered and abandoned after ``q_time`` seconds;
- ``AGENT`` after queueing: answered after ``q_time`` seconds;
- ``AGENT`` with no queue: answered without queueing, waited 0 s.

The call arrives at ``date`` + ``vru_entry``; ``type`` is the queue (service
type: PS, NW, …). Rows with the wrong number of fields (October has two, with
spaces instead of a tab) become findings and are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from styrkort.sources.logs import LoadedLog, Profile, column_names
from styrkort.sources.logs._files import RowFindings, read_table, select_columns

COLUMNS = {
    "call_id": "call_id",
    "queue": "type",
    "date": "date",
    "vru_entry": "vru_entry",
    "q_start": "q_start",
    "q_time": "q_time",
    "outcome": "outcome",
}

ARRIVED = "try_strptime(date || ' ' || vru_entry, '%y%m%d %H:%M:%S')"


def load(con: Any, path: Path, params: Mapping[str, str]) -> LoadedLog:
    found = RowFindings(path.name)
    table = read_table(path, delimiter="\t")
    cols = column_names(PROFILE, params)
    arrow = select_columns(table, path.name, cols, list(COLUMNS), found)
    con.register("raw_arrow", arrow)
    con.execute("CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_arrow")
    con.unregister("raw_arrow")
    found.sql(
        con,
        "raw",
        "outcome IS NULL OR outcome NOT IN ('AGENT', 'HANG', 'PHANTOM')",
        "outcome",
        "log.technion_outcome",
        'Okänt utfall "{value}"; samtalet har lästs bort.',
        "Kända utfall: AGENT (besvarat), HANG (lagt på), PHANTOM (fantomsamtal).",
    )
    found.sql(
        con,
        "raw",
        f"{ARRIVED} IS NULL OR TRY_CAST(q_time AS INTEGER) IS NULL OR TRY_CAST(q_time AS INTEGER) < 0",
        "coalesce(date, '') || ' ' || coalesce(vru_entry, '') || ' / q_time ' || coalesce(q_time, '')",
        "log.technion_value",
        'Ogiltigt datum, klockslag eller kötid ("{value}"); samtalet har lästs bort.',
        "date skrivs ååmmdd, klockslag H:MM:SS och q_time i hela sekunder.",
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE calls AS
        SELECT call_id, line, {ARRIVED} AS arrived_at, queue,
               (outcome = 'AGENT' OR (outcome = 'HANG' AND q_start <> '0:00:00')) AS offered,
               outcome = 'AGENT' AS answered,
               (outcome = 'HANG' AND q_start <> '0:00:00') AS abandoned,
               CASE WHEN q_start = '0:00:00' THEN 0.0 ELSE CAST(q_time AS DOUBLE) END AS wait_s,
               outcome = 'PHANTOM' AS phantom
        FROM raw
        WHERE outcome IN ('AGENT', 'HANG', 'PHANTOM') AND {ARRIVED} IS NOT NULL
          AND TRY_CAST(q_time AS INTEGER) >= 0
        """
    )
    return LoadedLog("calls", path.name, found.finish())


PROFILE = Profile(
    name="technion",
    kind="calls",
    description="Technion/Anonymous Bank samtalslogg (tabbseparerad, en rad per samtal).",
    params={},
    columns=COLUMNS,
    loader=load,
)
PROFILES = (PROFILE,)

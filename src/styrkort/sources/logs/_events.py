"""Reducing an event log (many rows per ticket) to one record per ticket.

Every event-log profile first builds the table ``ev`` with these columns:

====================  ===========================================================
ticket_id             the ticket's number
line                  the line in the source file
ts                    when the event happened (TIMESTAMP, local wall time)
seq                   tie-break between events with the same ``ts`` (or NULL)
state                 the tool's own state text ("Awaiting User Info")
state_class           'new', 'open', 'resolved', 'closed' or 'cancelled'
priority              normalised priority "1" (highest) … "4", or NULL
grp                   assignment group
level                 support level ("L1") or NULL
category              category / product, or NULL
escalated             TRUE when this event shows escalation, else FALSE/NULL
opened_field          the tool's own "opened at" value, or NULL
resolved_field        the tool's own "resolved at" value, or NULL
reopened_flag         the tool's own reopen counter > 0, or NULL
====================  ===========================================================

``reduce_events`` then applies the rules in docs/metrics.md ("Event logs").
"""

from __future__ import annotations

from typing import Any

REDUCE_SQL = """
CREATE OR REPLACE TEMP TABLE tickets AS
WITH e AS (
    SELECT *, row_number() OVER (PARTITION BY ticket_id ORDER BY ts, seq, line) AS r
    FROM ev
), lu AS (
    SELECT ticket_id,
           max(r) FILTER (WHERE state_class NOT IN ('resolved', 'closed', 'cancelled')) AS last_open_r,
           arg_max(state_class, r) AS final_class
    FROM e GROUP BY ticket_id
), f AS (
    SELECT e.*, lu.final_class, coalesce(lu.last_open_r, 0) AS last_open_r,
           (e.state_class IN ('resolved', 'closed') AND e.r > coalesce(lu.last_open_r, 0)) AS final_res
    FROM e JOIN lu USING (ticket_id)
)
SELECT
    ticket_id,
    min(line) AS line,
    coalesce(min(opened_field), min(ts)) AS opened_at,
    min(ts) FILTER (WHERE state_class <> 'new') AS responded_at,
    min(ts) FILTER (WHERE state_class IN ('resolved', 'closed')) AS resolved_first_at,
    CASE WHEN any_value(final_class) IN ('resolved', 'closed') THEN coalesce(
        arg_max(resolved_field, r) FILTER (WHERE resolved_field IS NOT NULL),
        min(ts) FILTER (WHERE final_res)) END AS resolved_at,
    CASE WHEN any_value(final_class) = 'closed'
        THEN min(ts) FILTER (WHERE final_res AND state_class = 'closed') END AS closed_at,
    arg_min(priority, r) FILTER (WHERE priority IS NOT NULL) AS priority_open,
    arg_max(priority, r) FILTER (WHERE priority IS NOT NULL) AS priority_final,
    arg_max(category, r) FILTER (WHERE category IS NOT NULL) AS category,
    any_value(final_class) = 'cancelled' AS cancelled,
    FALSE AS duplicate,
    coalesce(bool_or(escalated), FALSE) AS escalated,
    arg_min(grp, r) FILTER (WHERE final_res) AS resolving_group,
    arg_min(level, r) FILTER (WHERE final_res) AS resolving_level,
    coalesce(bool_or(reopened_flag), FALSE)
        OR coalesce(min(r) FILTER (WHERE state_class IN ('resolved', 'closed')) < any_value(last_open_r), FALSE)
        AS reopened
FROM f
GROUP BY ticket_id
"""

STATES_SQL = """
CREATE OR REPLACE TEMP TABLE ticket_states AS
SELECT ticket_id, state, ts AS t_from,
       lead(ts) OVER (PARTITION BY ticket_id ORDER BY ts, seq, line) AS t_to
FROM ev
"""


def reduce_events(con: Any) -> None:
    """Create ``tickets`` (one row per ticket) and ``ticket_states`` from ``ev``."""
    con.execute(REDUCE_SQL)
    con.execute(STATES_SQL)

"""Import and export shared by the CLI commands, the web screens and the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from styrkort.core.model import Workspace
from styrkort.sources.workspace_write import write_workspace
from styrkort.web import models as m
from styrkort.web.access import Access, Action
from styrkort.web.mapping import workspace_of
from styrkort.web.services import audit, import_workspace


def _same_period(ws: Workspace) -> m.Period | None:
    return (
        m.Period.objects.filter(
            organisation__name=ws.organisation.name,
            year=ws.period.year,
            kind=ws.period.kind.value,
            label=ws.period.label,
        )
        .order_by("pk")
        .first()
    )


def import_or_replace(
    ws: Workspace,
    *,
    replace: bool = False,
    force: bool = False,
    user: Any = None,
    root: Path | None = None,
) -> tuple[m.Period | None, bool]:
    """Import ``ws``; an existing period of the same organisation, year, kind and label is
    replaced when ``replace`` is set, and otherwise left alone (returns ``(None, False)``).

    Replacing asks the access policy (``Action.REPLACE_PERIOD``): an approved or locked
    period is refused (``Refusal``) unless ``force`` is given, and a forced replace is
    written to the audit log with the state it overrode. Call inside a transaction."""
    existing = _same_period(ws)
    if existing is not None and not replace:
        return None, False
    organisation = None
    if existing is not None:
        organisation = existing.organisation
        access = (
            Access(user, organisation) if user is not None else Access.system_access(organisation)
        )
        access.require(Action.REPLACE_PERIOD, existing, force=force)
        forced = existing.state != m.PeriodState.OPEN
        note = "ersatt vid import"
        if forced:
            note = (
                f"ersatt vid import med --force; perioden var "
                f"{m.PeriodState(existing.state).label.lower()}"
            )
        audit(user, organisation, None, "ersätt", f"period {existing.title}", note=note)
        existing.delete()
    else:
        organisation = (
            m.Organisation.objects.filter(name=ws.organisation.name).order_by("pk").first()
        )
    return import_workspace(ws, user, organisation, root), existing is not None


def export_period(period: m.Period, out_dir: Path) -> list[Path]:
    """The period as a workspace folder, with the data files its metrics read."""
    from styrkort.web.datafiles import export_files

    written = write_workspace(workspace_of(period), out_dir)
    return written + export_files(period, out_dir)

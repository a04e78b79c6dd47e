"""Changes to activities, council assignments and control results: checked against the period's
state and the user's role, versioned and written to the audit log in one transaction, like
``web/services.py``. The permission rule for these rows is in ``may_edit`` (one place); it asks
``web/access.py``'s existing role functions.

| change                                   | admin/controller | owner (by label)        | reader |
|------------------------------------------|------------------|-------------------------|--------|
| activity status, completion, comment     | yes              | activities they own     | no     |
| assignment status and comment            | yes              | no                      | no     |
| control result, comment, a deviation     | yes              | controls they own       | no     |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from styrkort.core.activities import ActivityStatus
from styrkort.core.assignments import AssignmentStatus
from styrkort.core.internal_control import ControlResult
from styrkort.web import models as m
from styrkort.web import services
from styrkort.web.access import Access, Action
from styrkort.web.errors import Forbidden

ACTIVITY_FIELDS = {"status": "status", "completion": "färdiggrad", "comment": "kommentar"}
ASSIGNMENT_FIELDS = {"status": "status", "comment": "kommentar"}
CONTROL_FIELDS = {"result": "resultat", "comment": "kommentar"}


def may_edit(access: Access, row: Any) -> bool:
    """The one access policy's answer (web/access.py, action edit_followup) for ``row``."""
    return access.may(Action.EDIT_FOLLOWUP, None, row)


def require_edit(access: Access, row: Any, what: str) -> None:
    refusal = access.check(Action.EDIT_FOLLOWUP, None, row)
    if isinstance(refusal, Forbidden):
        raise Forbidden(
            f"Du kan bara ändra {what} som är tilldelade dig.",
            "Be controllern ange dig som ansvarig (ägar-etikett).",
        )
    if refusal is not None:
        raise refusal


def _invalid(message: str) -> services.Invalid:
    return services.Invalid(message)


def _update(
    access: Access,
    model: type[Any],
    row_id: int,
    version: int | None,
    changes: Mapping[str, Any],
    *,
    kind: str,
    target: str,
    names: Mapping[str, str],
    what: str,
) -> Any:
    with transaction.atomic():
        row = model.objects.select_related("period", "period__organisation").get(pk=row_id)
        require_edit(access, row, what)
        period = services._locked_period(row.period_id)
        access.require(Action.EDIT_OUTCOME, period)  # the period state, by the one policy
        unknown = set(changes) - set(names)
        if unknown:
            raise _invalid(f"Okända fält: {', '.join(sorted(unknown))}.")
        services._check_version(kind, row, version)
        diff = {k: v for k, v in changes.items() if getattr(row, k) != v}
        if diff:
            services._versioned_update(model, row, version, diff, kind)
            for field, new in diff.items():
                services.audit(
                    access.user,
                    period.organisation,
                    period,
                    "ändra",
                    f"{target} {row.key}",
                    names[field],
                    getattr(row, field),
                    new,
                )
            row.refresh_from_db()
        return row


def update_activity(
    access: Access, activity_id: int, version: int | None, changes: Mapping[str, Any]
) -> m.Activity:
    """Status (ej påbörjad, pågår, klar, försenad, avbruten), completion 0–100 and comment."""
    clean = dict(changes)
    if "status" in clean:
        status = ActivityStatus.parse(str(clean["status"]))
        if status is None:
            raise _invalid(
                f"Okänd status '{clean['status']}'. Välj ej påbörjad, pågår, klar, försenad eller avbruten."
            )
        clean["status"] = status.value
    if "completion" in clean:
        text = str(clean["completion"] or "").replace("%", "").strip()
        if text and (not text.isdigit() or int(text) > 100):
            raise _invalid(f"Färdiggraden '{clean['completion']}' ska vara ett heltal 0–100.")
        clean["completion"] = int(text) if text else None
    return _update(
        access,
        m.Activity,
        activity_id,
        version,
        clean,
        kind="Aktiviteten",
        target="aktivitet",
        names=ACTIVITY_FIELDS,
        what="aktiviteter",
    )


def update_assignment(
    access: Access, assignment_id: int, version: int | None, changes: Mapping[str, Any]
) -> m.Assignment:
    clean = dict(changes)
    if "status" in clean:
        status = AssignmentStatus.parse(str(clean["status"]))
        if status is None:
            raise _invalid(
                f"Okänd status '{clean['status']}'. Välj genomfört, pågår eller ej påbörjat."
            )
        clean["status"] = status.value
    return _update(
        access,
        m.Assignment,
        assignment_id,
        version,
        clean,
        kind="Uppdraget",
        target="uppdrag",
        names=ASSIGNMENT_FIELDS,
        what="uppdrag",
    )


def update_control(
    access: Access, control_id: int, version: int | None, changes: Mapping[str, Any]
) -> m.Control:
    clean = dict(changes)
    if clean.get("result"):
        result = ControlResult.parse(str(clean["result"]))
        if result is None:
            raise _invalid(
                f"Okänt resultat '{clean['result']}'. Välj utan anmärkning, avvikelse eller ej genomförd."
            )
        clean["result"] = result.value
    return _update(
        access,
        m.Control,
        control_id,
        version,
        clean,
        kind="Kontrollen",
        target="kontroll",
        names=CONTROL_FIELDS,
        what="kontroller",
    )


def add_deviation(
    access: Access, control_id: int, text: str, action: str, owner: str
) -> m.ControlDeviation:
    """A deviation found by a control, with its action and owner."""
    if not text.strip():
        raise _invalid("Beskriv avvikelsen.")
    with transaction.atomic():
        ctrl = m.Control.objects.select_related("period", "period__organisation").get(pk=control_id)
        require_edit(access, ctrl, "kontroller")
        period = services._locked_period(ctrl.period_id)
        access.require(Action.EDIT_OUTCOME, period)  # the period state, by the one policy
        dev = m.ControlDeviation.objects.create(
            control=ctrl,
            text=text.strip(),
            action=action.strip(),
            owner=owner.strip(),
            position=ctrl.deviations.count(),
        )
        services.audit(
            access.user,
            period.organisation,
            period,
            "ny avvikelse",
            f"kontroll {ctrl.key}",
            "avvikelse",
            "",
            text.strip(),
            note=f"Åtgärd: {action.strip() or '—'}",
        )
        return dev

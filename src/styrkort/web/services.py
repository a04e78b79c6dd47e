"""Every change to the database goes through here: checked against the period's state and the
user's role, versioned (optimistic locking) and written to the audit log in the same transaction.
Views and the API only parse input and call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from styrkort.core.finance import amount_problem
from styrkort.core.goals import Status
from styrkort.core.model import Workspace
from styrkort.web import models as m
from styrkort.web.access import Access
from styrkort.web.errors import Conflict, Forbidden, NotFound, PeriodLocked, Refusal, StateConflict
from styrkort.web.mapping import INDICATOR_FIELDS, store_workspace


class Invalid(Refusal):
    """Input that fails validation where no form can show it (API, services)."""

    status = 422
    code = "invalid"
    title = "Uppgiften kan inte sparas"


# Field names as the audit log shows them (Swedish, as on the screens): the indicator's
# from the mapping, then the finance tables' and the narrative's
FIELD_NAMES = {
    **INDICATOR_FIELDS,
    "budget": "budget",
    "original_budget": "ursprunglig budget",
    "frame": "ram",
    "earlier_outcome": "tidigare utfall",
    "title": "rubrik",
    "markdown": "text",
}


def _name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return str(user.get_username())


def audit(
    user: Any,
    organisation: m.Organisation,
    period: m.Period | None,
    action: str,
    target: str,
    field: str = "",
    old: Any = "",
    new: Any = "",
    note: str = "",
) -> m.AuditEntry:
    return m.AuditEntry.objects.create(
        organisation=organisation,
        period=period,
        user=user if getattr(user, "is_authenticated", False) else None,
        username=_name(user),
        action=action,
        target=target,
        field=FIELD_NAMES.get(field, field),
        old="" if old is None else str(old),
        new="" if new is None else str(new),
        note=note,
    )


def import_workspace(
    ws: Workspace, user: Any = None, organisation: m.Organisation | None = None
) -> m.Period:
    """Store a workspace read from a folder as a new period; one audit entry."""
    with transaction.atomic():
        period = store_workspace(ws, organisation)
        audit(
            user,
            period.organisation,
            period,
            "import",
            f"period {period.title}",
            note=f"{period.indicators.count()} indikatorer",
        )
    return period


def _locked_period(period_id: int) -> m.Period:
    return m.Period.objects.select_for_update().select_related("organisation").get(pk=period_id)


def ensure_editable(period: m.Period, access: Access) -> None:
    """Refuse any edit of a locked or approved period, and an owner's edit after submission."""
    if period.state == m.PeriodState.LOCKED:
        raise PeriodLocked(
            f"Perioden ”{period.title}” är låst. Inga ändringar kan göras.",
            "En administratör kan öppna perioden igen; det loggas.",
        )
    if period.state == m.PeriodState.APPROVED:
        raise StateConflict(
            f"Perioden ”{period.title}” är godkänd och kan inte ändras.",
            "Controllern kan återöppna perioden om något måste rättas.",
        )
    if access.is_owner and m.Submission.objects.filter(period=period, user=access.user).exists():
        raise StateConflict(
            "Du har redan lämnat in dina indikatorer för perioden.",
            "Be controllern att återlämna inlämningen om något måste ändras.",
        )


def _check_version(kind: str, row: Any, version: int | None) -> None:
    if version is not None and row.version != version:
        last = m.AuditEntry.objects.filter(
            organisation_id=row.period.organisation_id, target__endswith=f" {row.key}"
        ).first()
        who = f" av {last.username} {timezone.localtime(last.at):%Y-%m-%d %H:%M}" if last else ""
        raise Conflict(
            f"{kind} har ändrats{who} sedan du öppnade sidan. Dina ändringar har inte sparats.",
            "Öppna sidan igen för att se den nya versionen, och gör sedan om din ändring.",
        )


def _versioned_update(
    model: type[Any], row: Any, version: int | None, changes: Mapping[str, Any], kind: str
) -> None:
    """Write ``changes`` only if the row still has the version the user saw (no silent lost update)."""
    expected = row.version if version is None else version
    updated = model.objects.filter(pk=row.pk, version=expected).update(
        **changes, version=F("version") + 1
    )
    if updated != 1:
        _check_version(kind, model.objects.get(pk=row.pk), -1)


OWNER_FIELDS = {"outcome", "forecast", "comment"}
CONTROLLER_FIELDS = {"text", "unit", "direction", "baseline", "target", "owner"}


def update_indicator(
    access: Access, indicator_id: int, version: int | None, changes: Mapping[str, str]
) -> m.Indicator:
    """Change an indicator's texts. Owners change outcome, forecast and comment; controllers everything."""
    with transaction.atomic():
        ind = m.Indicator.objects.select_related("period", "period__organisation").get(
            pk=indicator_id
        )
        access.require_edit_outcome(ind)
        period = _locked_period(ind.period_id)
        ensure_editable(period, access)
        unknown = set(changes) - OWNER_FIELDS - CONTROLLER_FIELDS
        if unknown:
            raise Invalid(f"Okända fält: {', '.join(sorted(unknown))}.")
        if not access.is_controller and set(changes) - OWNER_FIELDS:
            raise Forbidden("Bara controllern får ändra målvärde, enhet, riktning och ägare.")
        _check_version("Indikatorn", ind, version)
        diff = {k: v for k, v in changes.items() if getattr(ind, k) != v}
        if not diff:
            return ind
        _versioned_update(m.Indicator, ind, version, diff, "Indikatorn")
        for field, new in diff.items():
            audit(
                access.user,
                period.organisation,
                period,
                "ändra",
                f"indikator {ind.key}",
                field,
                getattr(ind, field),
                new,
            )
        ind.refresh_from_db()
        return ind


def _assess(
    access: Access,
    model: type[Any],
    row_id: int,
    version: int | None,
    status: str,
    justification: str,
    what: str,
) -> Any:
    with transaction.atomic():
        row = model.objects.select_related("period", "period__organisation").get(pk=row_id)
        access.require_controller()
        period = _locked_period(row.period_id)
        ensure_editable(period, access)
        _check_version(what.capitalize(), row, version)
        if status:
            parsed = Status.parse(status)
            if parsed is None:
                raise Invalid(
                    f"Okänd bedömning '{status}'.",
                    "Välj uppnått, delvis uppnått, ej uppnått, saknar värde eller ej bedömt.",
                )
            if not justification.strip():
                raise Invalid(
                    "En manuell bedömning måste motiveras.",
                    "Skriv varför den beräknade bedömningen inte gäller.",
                )
            changes = {
                "manual_status": parsed.value,
                "manual_justification": justification.strip(),
                "manual_by": _name(access.user),
                "manual_date": timezone.localdate().isoformat(),
            }
        else:
            changes = {
                "manual_status": "",
                "manual_justification": "",
                "manual_by": "",
                "manual_date": "",
            }
        old = row.manual_status or "beräknad"
        _versioned_update(model, row, version, changes, what.capitalize())
        audit(
            access.user,
            period.organisation,
            period,
            "bedömning",
            f"{what} {row.key}",
            "bedömning",
            old,
            changes["manual_status"] or "beräknad",
            changes["manual_justification"],
        )
        row.refresh_from_db()
        return row


def assess_indicator(
    access: Access, indicator_id: int, version: int | None, status: str, justification: str
) -> m.Indicator:
    """Override (or with an empty status, clear the override of) an indicator's computed status."""
    result: m.Indicator = _assess(
        access, m.Indicator, indicator_id, version, status, justification, "indikator"
    )
    return result


def assess_goal(
    access: Access, goal_id: int, version: int | None, status: str, justification: str
) -> m.Goal:
    result: m.Goal = _assess(access, m.Goal, goal_id, version, status, justification, "mål")
    return result


def update_goal_comment(access: Access, goal_id: int, version: int | None, comment: str) -> m.Goal:
    with transaction.atomic():
        goal = m.Goal.objects.select_related("period", "period__organisation").get(pk=goal_id)
        access.require_controller()
        period = _locked_period(goal.period_id)
        ensure_editable(period, access)
        _check_version("Målet", goal, version)
        if goal.comment != comment:
            _versioned_update(m.Goal, goal, version, {"comment": comment}, "Målet")
            audit(
                access.user,
                period.organisation,
                period,
                "ändra",
                f"mål {goal.key}",
                "comment",
                goal.comment,
                comment,
            )
        goal.refresh_from_db()
        return goal


FINANCE_TABLES: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "drift": (m.OperatingRow, ("budget", "outcome", "original_budget", "forecast")),
    "investeringar": (m.InvestmentRow, ("budget", "outcome")),
    "ramar": (m.FramePart, ("frame", "earlier_outcome", "outcome")),
}
REQUIRED_AMOUNTS = {"budget", "outcome", "frame", "earlier_outcome"}


def update_finance(
    access: Access,
    period_id: int,
    version: int | None,
    values: Mapping[tuple[str, int, str], Decimal | None],
) -> int:
    """Change amounts in the finance tables: ``(table, row id, field) → kronor``. Returns the number changed."""
    with transaction.atomic():
        period = _locked_period(period_id)
        access.require_controller()
        ensure_editable(period, access)
        if version is not None and period.finance_version != version:
            raise Conflict(
                "Ekonomitabellerna har ändrats av någon annan sedan du öppnade sidan. Dina ändringar har inte sparats.",
                "Öppna sidan igen och gör om ändringen.",
            )
        changed = 0
        for (table, row_id, field), value in values.items():
            model, fields = FINANCE_TABLES[table]
            if field not in fields:
                raise Invalid(f"Fältet {field} finns inte i tabellen {table}.")
            if value is None and field in REQUIRED_AMOUNTS:
                raise Invalid(f"Beloppet {field} måste anges (0 om inget).")
            if value is not None and (problem := amount_problem(value)) is not None:
                raise Invalid(f"{table} {field}: {problem}", "Kontrollera beloppet och rätta det.")
            row = model.objects.get(pk=row_id, period=period)
            old = getattr(row, field)
            if (old is None) != (value is None) or (
                old is not None and value is not None and Decimal(old) != value
            ):
                setattr(row, field, value)
                row.save(update_fields=[field])
                label = getattr(row, "category", None) or getattr(row, "project", "")
                audit(
                    access.user,
                    period.organisation,
                    period,
                    "ändra",
                    f"{table} {label}",
                    field,
                    old,
                    value,
                )
                changed += 1
        if changed:
            m.Period.objects.filter(pk=period.pk).update(finance_version=F("finance_version") + 1)
        return changed


def update_narrative(
    access: Access, section_id: int, version: int | None, title: str, markdown: str
) -> m.NarrativeSection:
    with transaction.atomic():
        sec = m.NarrativeSection.objects.select_related("period", "period__organisation").get(
            pk=section_id
        )
        access.require_controller()
        period = _locked_period(sec.period_id)
        ensure_editable(period, access)
        _check_version("Texten", sec, version)
        markdown = markdown.replace("\r\n", "\n").rstrip("\n")
        diff = {
            k: v
            for k, v in (("title", title.strip()), ("markdown", markdown))
            if getattr(sec, k) != v
        }
        if diff:
            _versioned_update(m.NarrativeSection, sec, version, diff, "Texten")
            for field, new in diff.items():
                audit(
                    access.user,
                    period.organisation,
                    period,
                    "ändra",
                    f"berättelse {sec.key}",
                    field,
                    getattr(sec, field),
                    new,
                )
        sec.refresh_from_db()
        return sec


# --- the period workflow: open → submitted (per owner) → approved → locked -------------------


def submit(access: Access, period_id: int) -> None:
    with transaction.atomic():
        period = _locked_period(period_id)
        access.require_read()
        if not access.is_owner:
            raise Forbidden("Bara indikatorägare lämnar in; controllern godkänner perioden.")
        ensure_editable(period, access)
        m.Submission.objects.create(period=period, user=access.user)
        audit(
            access.user,
            period.organisation,
            period,
            "lämna in",
            f"period {period.title}",
            "inlämning",
            "",
            "inlämnad",
        )


def return_submission(access: Access, period_id: int, user_id: int) -> None:
    with transaction.atomic():
        period = _locked_period(period_id)
        access.require_controller()
        if period.state != m.PeriodState.OPEN:
            ensure_editable(period, access)
        sub = (
            m.Submission.objects.filter(period=period, user_id=user_id)
            .select_related("user")
            .first()
        )
        if sub is None:
            raise StateConflict("Användaren har ingen inlämning att återlämna.")
        sub.delete()
        audit(
            access.user,
            period.organisation,
            period,
            "återlämna",
            f"period {period.title}",
            "inlämning",
            sub.user.get_username(),
            "återlämnad",
        )


def _transition(
    access: Access, period_id: int, expected: Any, new: Any, action: str, note: str = ""
) -> m.Period:
    period = _locked_period(period_id)
    if period.state == m.PeriodState.LOCKED and new != m.PeriodState.OPEN:
        raise PeriodLocked(
            f"Perioden ”{period.title}” är låst.", "En administratör kan öppna perioden igen."
        )
    if period.state != expected:
        raise StateConflict(
            f"Perioden är {m.PeriodState(period.state).label.lower()}, inte {m.PeriodState(expected).label.lower()}; ändringen kan inte göras.",
            "Ladda om sidan för att se periodens läge.",
        )
    old = period.state
    period.state = new
    period.save(update_fields=["state"])
    audit(
        access.user,
        period.organisation,
        period,
        action,
        f"period {period.title}",
        "läge",
        m.PeriodState(old).label,
        m.PeriodState(new).label,
        note,
    )
    return period


def approve(access: Access, period_id: int) -> m.Period:
    with transaction.atomic():
        access.require_controller()
        return _transition(access, period_id, m.PeriodState.OPEN, m.PeriodState.APPROVED, "godkänn")


def unapprove(access: Access, period_id: int, justification: str) -> m.Period:
    with transaction.atomic():
        access.require_controller()
        if not justification.strip():
            raise Invalid("Ange varför godkännandet tas tillbaka.")
        return _transition(
            access,
            period_id,
            m.PeriodState.APPROVED,
            m.PeriodState.OPEN,
            "återöppna",
            justification.strip(),
        )


def lock(access: Access, period_id: int) -> m.Period:
    with transaction.atomic():
        access.require_controller()
        return _transition(access, period_id, m.PeriodState.APPROVED, m.PeriodState.LOCKED, "lås")


def reopen(access: Access, period_id: int, justification: str) -> m.Period:
    """Reopen a locked period: administrators only, with a justification, logged."""
    with transaction.atomic():
        access.require_admin()
        if not justification.strip():
            raise Invalid(
                "Ange varför den låsta perioden öppnas igen.",
                "Motiveringen sparas i ändringsloggen.",
            )
        return _transition(
            access,
            period_id,
            m.PeriodState.LOCKED,
            m.PeriodState.OPEN,
            "lås upp",
            justification.strip(),
        )


# --- users and roles ------------------------------------------------------------------------


def set_membership(
    access: Access, user: Any, role: str, is_auditor: bool, owner_labels: str
) -> m.Membership:
    with transaction.atomic():
        access.require_admin()
        if role not in m.Role.values:
            raise Invalid(f"Okänd roll '{role}'.")
        org = access.organisation
        ms = m.Membership.objects.filter(user=user, organisation=org).first()
        old = f"{ms.role} revisor={ms.is_auditor} ägare={ms.owner_labels}" if ms else ""
        if ms is None:
            ms = m.Membership(user=user, organisation=org)
        ms.role, ms.is_auditor, ms.owner_labels = role, is_auditor, owner_labels.strip()
        ms.save()
        audit(
            access.user,
            org,
            None,
            "roll",
            f"användare {user.get_username()}",
            "roll",
            old,
            f"{role} revisor={is_auditor} ägare={ms.owner_labels}",
        )
        return ms


def remove_membership(access: Access, membership_id: int) -> None:
    with transaction.atomic():
        access.require_admin()
        ms = (
            m.Membership.objects.select_related("user")
            .filter(pk=membership_id, organisation=access.organisation)
            .first()
        )
        if ms is None:
            raise NotFound("Rollen finns inte.")
        if ms.user_id == getattr(access.user, "pk", None):
            raise StateConflict("Du kan inte ta bort din egen roll.", "Be en annan administratör.")
        old = f"{ms.role} revisor={ms.is_auditor} ägare={ms.owner_labels}"
        ms.delete()
        audit(
            access.user,
            access.organisation,
            None,
            "roll",
            f"användare {ms.user.get_username()}",
            "roll",
            old,
            "",
        )

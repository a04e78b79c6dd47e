"""Every change to the database goes through here: checked against the period's state and the
user's role, versioned (optimistic locking) and written to the audit log in the same transaction.
Views and the API only parse input and call these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from styrkort.core.finance import ResultSettings, amount_problem
from styrkort.core.goals import Status
from styrkort.core.model import Workspace
from styrkort.web import models as m
from styrkort.web.access import INDICATOR_FIELD_ACTIONS, Access, Action
from styrkort.web.errors import Conflict, NotFound, Refusal, StateConflict
from styrkort.web.mapping import INDICATOR_FIELDS, result_settings_fields, store_workspace


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
    ws: Workspace,
    user: Any = None,
    organisation: m.Organisation | None = None,
    root: Path | None = None,
) -> m.Period:
    """Store a workspace read from a folder as a new period, with the data files its metrics
    read (from ``root``, the folder); one audit entry."""
    from styrkort.web.datafiles import named_files, store_files

    with transaction.atomic():
        period = store_workspace(ws, organisation)
        files = named_files(ws, root) if root is not None else []
        if files:
            store_files(period, root, files, user)  # type: ignore[arg-type]
        note = f"{period.indicators.count()} indikatorer"
        if files:
            note += f", {len(files)} datafiler ({', '.join(files)})"
        audit(user, period.organisation, period, "import", f"period {period.title}", note=note)
    return period


def _locked_period(period_id: int) -> m.Period:
    return m.Period.objects.select_for_update().select_related("organisation").get(pk=period_id)


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


# C0 control characters that no report format can hold; a vertical tab or form feed (what Word
# puts in copied text for a line break) becomes a line break, the others are dropped.
_CONTROLS = {c: None for c in range(32) if chr(c) not in "\t\n"} | {0x0B: "\n", 0x0C: "\n"}


def text(value: str) -> str:
    """Text from a text area or the API as stored: CR LF and lone CR become LF, control
    characters are dropped (a vertical tab or form feed becomes LF)."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROLS)


def update_indicator(
    access: Access,
    indicator_id: int,
    version: int | None,
    changes: Mapping[str, str],
    note: str = "",
) -> m.Indicator:
    """Change an indicator's texts. Owners change outcome, forecast and comment; controllers everything."""
    with transaction.atomic():
        ind = m.Indicator.objects.select_related("period", "period__organisation").get(
            pk=indicator_id
        )
        period = _locked_period(ind.period_id)
        access.require(Action.EDIT_OUTCOME, period, ind)
        unknown = set(changes) - set(INDICATOR_FIELD_ACTIONS)
        if unknown:
            raise Invalid(f"Okända fält: {', '.join(sorted(unknown))}.")
        access.require_fields(period, ind, set(changes))
        _check_version("Indikatorn", ind, version)
        diff = {k: text(v) for k, v in changes.items() if getattr(ind, k) != text(v)}
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
                note,
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
        period = _locked_period(row.period_id)
        access.require(Action.ASSESS, period, row)
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
                "manual_justification": text(justification.strip()),
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
        period = _locked_period(goal.period_id)
        access.require(Action.EDIT_GOAL, period, goal)
        _check_version("Målet", goal, version)
        comment = text(comment)
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
        access.require(Action.EDIT_FINANCE, period)
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
            row = model.objects.filter(pk=row_id, period=period).first()
            if row is None:
                raise Invalid(
                    "Raden finns inte i periodens ekonomitabeller.",
                    "Ladda om sidan; raden kan ha tagits bort.",
                )
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


def update_result_settings(
    access: Access, period_id: int, version: int | None, settings: ResultSettings
) -> int:
    """Store the period's budget model, balanskrav adjustment, carried results and varav parts
    (the Ekonomi screen's Resultat form). Returns the number of changed fields; every change is
    in the audit log. Shares the finance tables' version: one Ekonomi screen, one version."""
    with transaction.atomic():
        period = _locked_period(period_id)
        access.require(Action.EDIT_FINANCE, period)
        if version is not None and period.finance_version != version:
            raise Conflict(
                "Ekonomin har ändrats av någon annan sedan du öppnade sidan. Dina ändringar har inte sparats.",
                "Öppna sidan igen och gör om ändringen.",
            )
        for key, _where, value in settings.amounts():
            if (problem := amount_problem(value)) is not None:
                raise Invalid(f"{key}: {problem}", "Kontrollera beloppet och rätta det.")
        changed = 0
        for field, new in result_settings_fields(settings).items():
            old = getattr(period, field)
            same = (
                old == new if not isinstance(new, Decimal) or old is None else Decimal(old) == new
            )
            if same:
                continue
            setattr(period, field, new)
            audit(
                access.user,
                period.organisation,
                period,
                "ändra",
                "ekonomi resultat",
                field,
                old,
                new,
            )
            changed += 1
        if changed:
            period.finance_version = F("finance_version") + 1
            period.save()
        return changed


def update_narrative(
    access: Access, section_id: int, version: int | None, title: str, markdown: str
) -> m.NarrativeSection:
    with transaction.atomic():
        sec = m.NarrativeSection.objects.select_related("period", "period__organisation").get(
            pk=section_id
        )
        period = _locked_period(sec.period_id)
        access.require(Action.EDIT_NARRATIVE, period, sec)
        _check_version("Texten", sec, version)
        markdown = text(markdown).rstrip("\n")
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
        access.require(Action.SUBMIT, period)
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


def return_submission(access: Access, period_id: int, user_id: int, reason: str) -> None:
    """Give a submission back to its owner; the reason is logged and shown to the owner."""
    with transaction.atomic():
        period = _locked_period(period_id)
        access.require(Action.RETURN_SUBMISSION, period)
        if not reason.strip():
            raise Invalid(
                "Ange varför inlämningen återlämnas.",
                "Ägaren ser motiveringen på översikten och vet vad som ska rättas.",
            )
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
            reason.strip(),
        )


def last_return(period: m.Period, user: Any) -> m.AuditEntry | None:
    """The latest return of ``user``'s submission (its note is the controller's reason), unless
    they have submitted again since. One query."""
    name = _name(user)
    last = (
        m.AuditEntry.objects.filter(period=period, field="inlämning")
        .filter(Q(action="återlämna", old=name) | Q(action="lämna in", username=name))
        .order_by("-pk")
        .first()
    )
    return last if last is not None and last.action == "återlämna" else None


def _transition(
    access: Access, period_id: int, action: Action, new: Any, verb: str, note: str = ""
) -> m.Period:
    period = _locked_period(period_id)
    access.require(action, period)
    old = period.state
    period.state = new
    period.save(update_fields=["state"])
    audit(
        access.user,
        period.organisation,
        period,
        verb,
        f"period {period.title}",
        "läge",
        m.PeriodState(old).label,
        m.PeriodState(new).label,
        note,
    )
    return period


def approval_blockers(period: m.Period, errors: int) -> list[str]:
    """What speaks against approving: the checks' errors and the owners who have not submitted."""
    out = []
    if errors:
        out.append(f"Kontrollerna hittar {errors} fel.")
    submitted = set(period.submissions.values_list("user_id", flat=True))
    late = (
        m.Membership.objects.filter(organisation=period.organisation, role=m.Role.OWNER)
        .exclude(user_id__in=submitted)
        .select_related("user")
        .order_by("user__username")
    )
    names = [ms.user.get_username() for ms in late]
    if names:
        out.append(f"Har inte lämnat in: {', '.join(names)}.")
    return out


def approve(
    access: Access, period_id: int, blockers: list[str] | None = None, override: str = ""
) -> m.Period:
    """Approve an open period. With ``blockers`` (approval_blockers) an explicit override
    with a reason is needed; the reason and the blockers are logged."""
    with transaction.atomic():
        access.require(Action.APPROVE, m.Period.objects.get(pk=period_id))
        note = ""
        if blockers:
            if not override.strip():
                raise Invalid(
                    "Perioden har fel eller saknade inlämningar: " + " ".join(blockers),
                    "Rätta först, eller godkänn ändå med en motivering.",
                )
            note = f"Godkänd trots: {' '.join(blockers)} Motivering: {override.strip()}"
        return _transition(
            access, period_id, Action.APPROVE, m.PeriodState.APPROVED, "godkänn", note
        )


def unapprove(access: Access, period_id: int, justification: str) -> m.Period:
    with transaction.atomic():
        access.require(Action.UNAPPROVE, m.Period.objects.get(pk=period_id))
        if not justification.strip():
            raise Invalid("Ange varför godkännandet tas tillbaka.")
        return _transition(
            access,
            period_id,
            Action.UNAPPROVE,
            m.PeriodState.OPEN,
            "återöppna",
            justification.strip(),
        )


def lock(access: Access, period_id: int) -> m.Period:
    with transaction.atomic():
        return _transition(access, period_id, Action.LOCK, m.PeriodState.LOCKED, "lås")


def reopen(access: Access, period_id: int, justification: str) -> m.Period:
    """Reopen a locked period: administrators only, with a justification, logged."""
    with transaction.atomic():
        access.require(Action.REOPEN, m.Period.objects.get(pk=period_id))
        if not justification.strip():
            raise Invalid(
                "Ange varför den låsta perioden öppnas igen.",
                "Motiveringen sparas i ändringsloggen.",
            )
        return _transition(
            access, period_id, Action.REOPEN, m.PeriodState.OPEN, "lås upp", justification.strip()
        )


# --- users and roles ------------------------------------------------------------------------


def role_text(ms: m.Membership) -> str:
    """A role as a person reads it in the audit log: ``Indikatorägare (ägare: HR)``."""
    parts = [m.Role(ms.role).label]
    extra = []
    if ms.is_auditor:
        extra.append("revisor")
    if ms.owner_labels.strip():
        extra.append(f"ägare: {ms.owner_labels.strip()}")
    return parts[0] + (f" ({', '.join(extra)})" if extra else "")


def set_membership(
    access: Access, user: Any, role: str, is_auditor: bool, owner_labels: str
) -> m.Membership:
    with transaction.atomic():
        access.require(Action.MANAGE_ROLES)
        if role not in m.Role.values:
            raise Invalid(f"Okänd roll '{role}'.")
        org = access.organisation
        ms = m.Membership.objects.filter(user=user, organisation=org).first()
        old = role_text(ms) if ms else ""
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
            role_text(ms),
        )
        return ms


def remove_membership(access: Access, membership_id: int) -> None:
    with transaction.atomic():
        access.require(Action.MANAGE_ROLES)
        ms = (
            m.Membership.objects.select_related("user")
            .filter(pk=membership_id, organisation=access.organisation)
            .first()
        )
        if ms is None:
            raise NotFound("Rollen finns inte.")
        if ms.user_id == getattr(access.user, "pk", None):
            raise StateConflict("Du kan inte ta bort din egen roll.", "Be en annan administratör.")
        old = role_text(ms)
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

"""Changes made with the owners' tools (comment threads, deadlines), each checked against the
user's role and written to the audit log in the same transaction, as ``web.services`` does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from styrkort.web import models as m
from styrkort.web.access import Access
from styrkort.web.errors import NotFound, PeriodLocked
from styrkort.web.owner_access import require_deadlines, require_thread
from styrkort.web.services import Invalid, audit

MAX_COMMENT = 5000


def lock_period(period_id: int) -> m.Period:
    """The period row, locked for the rest of the transaction (one writer at a time)."""
    return m.Period.objects.select_for_update().select_related("organisation").get(pk=period_id)


def post_comment(access: Access, indicator: m.Indicator, text: str) -> m.IndicatorComment:
    """Add a message to the indicator's thread. Allowed until the period is locked (a question
    may still be asked about an approved period)."""
    require_thread(access, indicator)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise Invalid("Skriv en kommentar innan du skickar.")
    if len(text) > MAX_COMMENT:
        raise Invalid(f"Kommentaren är {len(text)} tecken; högst {MAX_COMMENT} får plats.")
    with transaction.atomic():
        period = lock_period(indicator.period_id)
        if period.state == m.PeriodState.LOCKED:
            raise PeriodLocked(
                f"Perioden ”{period.title}” är låst; inga nya kommentarer kan skrivas.",
                "En administratör kan öppna perioden igen.",
            )
        row = m.IndicatorComment.objects.create(
            indicator=indicator,
            user=access.user,
            username=access.user.get_username(),
            text=text,
        )
        audit(
            access.user,
            period.organisation,
            period,
            "kommentar",
            f"indikator {indicator.key}",
            "kommentarstråd",
            "",
            text,
        )
        return row


def _deadline_text(d: m.Deadline | None) -> str:
    return "" if d is None else f"{d.due.isoformat()} (påminn {d.remind_days_before} dagar före)"


def set_deadline(
    access: Access,
    period: m.Period,
    due: dt.date | None,
    remind_days_before: int = 3,
    user: Any = None,
) -> m.Deadline | None:
    """Set (or with ``due`` None, remove) the period's deadline, or one owner's own deadline."""
    require_deadlines(access)
    if remind_days_before < 0 or remind_days_before > 60:
        raise Invalid("Antal dagar före sista dag ska vara mellan 0 och 60.")
    with transaction.atomic():
        period = lock_period(period.pk)
        if period.state == m.PeriodState.LOCKED:
            raise PeriodLocked(f"Perioden ”{period.title}” är låst.")
        if (
            user is not None
            and not m.Membership.objects.filter(
                user=user, organisation=period.organisation, role=m.Role.OWNER
            ).exists()
        ):
            raise NotFound("Användaren är inte indikatorägare i organisationen.")
        current = m.Deadline.objects.filter(period=period, user=user).first()
        old = _deadline_text(current)
        row: m.Deadline | None
        if due is None:
            if current is not None:
                current.delete()
            row = None
        else:
            row = current or m.Deadline(period=period, user=user)
            row.due, row.remind_days_before = due, remind_days_before
            row.save()
        new = _deadline_text(row)
        if old != new:
            audit(
                access.user,
                period.organisation,
                period,
                "tidsfrist",
                f"användare {user.get_username()}"
                if user is not None
                else f"period {period.title}",
                "sista dag",
                old,
                new,
            )
        return row

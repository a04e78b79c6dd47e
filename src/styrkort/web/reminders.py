"""Deadlines, who is late, and reminder e-mails (issue 15, deliverable 5).

A period has one deadline (``Deadline`` without a user) and, where needed, one per owner that
replaces it for that owner. An owner is *late* when the day is past their deadline and they have
not handed in (``Submission``). Reminders go out through Django's e-mail framework (the backend is
a setting: the console by default, SMTP in production, docs/web.md): one ``before`` reminder
from ``remind_days_before`` days ahead of the deadline, and one ``late`` reminder after it, each
at most once per owner and deadline (the ``Reminder`` table remembers what was sent).
``styrkort manage skicka_paminnelser`` sends what is due; the deadline screen has a button for it.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from styrkort.core.assess import IndicatorResult
from styrkort.core.goals import Status
from styrkort.web import models as m
from styrkort.web.services import audit
from styrkort.web.shown import SymbolWord


class OwnerState(SymbolWord):
    """Where an owner stands against their deadline; shown as symbol and word."""

    SUBMITTED = ("✓", "Inlämnad")
    """Handed in: nothing more is expected."""
    LATE = ("⚠", "Försenad")
    """Past the deadline and not handed in."""
    DUE_SOON = ("⏰", "Snart sista dag")
    """Within the reminder days before the deadline, not handed in."""
    OPEN = ("○", "Pågår")
    """Before the reminder days."""
    NO_DEADLINE = ("–", "Ingen tidsfrist")
    """No deadline is set for the period or the owner."""


def lacks_value(result: IndicatorResult) -> bool:
    """The indicator still needs an outcome (as the overview's "saknar värde" list)."""
    return result.status is Status.NO_VALUE or (
        result.computed is Status.NO_VALUE and result.override is None
    )


@dataclass
class Owner:
    """One indicator owner of a period, with their deadline and what they still lack."""

    user: Any
    labels: set[str]
    """Case-folded, for matching indicators."""
    label_text: str
    """As the administrator wrote them (shown to people)."""
    deadline: m.Deadline | None
    own_deadline: bool
    submission: m.Submission | None
    indicators: list[m.Indicator] = field(default_factory=list)
    missing: list[m.Indicator] = field(default_factory=list)
    last_reminder: m.Reminder | None = None
    state: OwnerState = OwnerState.NO_DEADLINE

    @property
    def username(self) -> str:
        return str(self.user.get_username())

    @property
    def email(self) -> str:
        return str(getattr(self.user, "email", "") or "")


def state_of(deadline: m.Deadline | None, submitted: bool, today: dt.date) -> OwnerState:
    if submitted:
        return OwnerState.SUBMITTED
    if deadline is None:
        return OwnerState.NO_DEADLINE
    if today > deadline.due:
        return OwnerState.LATE
    if today >= deadline.due - dt.timedelta(days=deadline.remind_days_before):
        return OwnerState.DUE_SOON
    return OwnerState.OPEN


def owners(period: m.Period, today: dt.date, results: dict[str, IndicatorResult]) -> list[Owner]:
    """The period's indicator owners (memberships with the owner role), each with their state.

    ``results`` is the core's assessment per indicator key (``views.assessed``)."""
    memberships = m.Membership.objects.filter(
        organisation_id=period.organisation_id, role=m.Role.OWNER
    ).select_related("user")
    deadlines = {d.user_id: d for d in period.deadlines.all()}
    submitted = {s.user_id: s for s in period.submissions.all()}
    last: dict[int, m.Reminder] = {}
    for r in period.reminders.all():  # newest first
        last.setdefault(r.user_id, r)
    indicators = list(period.indicators.select_related("goal"))
    out = []
    for ms in memberships:
        labels = ms.labels()
        deadline = deadlines.get(ms.user_id) or deadlines.get(None)
        own = [i for i in indicators if i.owner.strip().casefold() in labels]
        owner = Owner(
            user=ms.user,
            labels=labels,
            label_text=ms.owner_labels,
            deadline=deadline,
            own_deadline=ms.user_id in deadlines,
            submission=submitted.get(ms.user_id),
            indicators=own,
            missing=[i for i in own if i.key in results and lacks_value(results[i.key])],
            last_reminder=last.get(ms.user_id),
        )
        owner.state = state_of(deadline, owner.submission is not None, today)
        out.append(owner)
    order = list(OwnerState)
    return sorted(out, key=lambda o: (order.index(o.state), o.username.casefold()))


# --- e-mail ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one run of the reminders did: sent e-mails and owners that could not be reached."""

    sent: list[tuple[m.Period, str, str]]  # period, username, kind
    skipped: list[tuple[m.Period, str, str]]  # period, username, reason


def reminder_kind(owner: Owner) -> str | None:
    """``before``, ``late`` or None: which reminder is due for this owner today."""
    if owner.state is OwnerState.DUE_SOON:
        return "before"
    if owner.state is OwnerState.LATE:
        return "late"
    return None


def _link(path: str) -> str:
    base = str(getattr(settings, "STYRKORT_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else path


def period_name(period: m.Period) -> str:
    return f"{period.title} ({period.label})" if period.label else period.title


def message_for(period: m.Period, owner: Owner, kind: str) -> EmailMessage:
    assert owner.deadline is not None
    due = owner.deadline.due
    name = period_name(period)
    subject = (
        f"Påminnelse: {name} – sista dag {due.isoformat()}"
        if kind == "before"
        else f"Försenad: {name} – sista dag var {due.isoformat()}"
    )
    lines = [
        f"Hej {owner.user.get_full_name() or owner.username},",
        "",
        (
            f"sista dag att lämna in utfallen för {period.organisation.name}, {name}, "
            f"är {due.isoformat()}."
            if kind == "before"
            else f"sista dag att lämna in utfallen för {period.organisation.name}, {name}, "
            f"var {due.isoformat()}, och vi har ännu inte fått din inlämning."
        ),
        "",
    ]
    if owner.missing:
        lines.append(f"Dessa {len(owner.missing)} indikatorer saknar fortfarande värde:")
        lines += [f"- {i.text}" for i in owner.missing]
    else:
        lines.append("Alla dina indikatorer har värden; kvar är att lämna in dem.")
    lines += [
        "",
        "Fyll i dem på en gång i snabbinmatningen:",
        _link(reverse("styrkort:owner_grid", args=[period.pk])),
        "",
        "Lämna sedan in på periodens översikt. Har du frågor, svara på detta brev eller skriv i "
        "indikatorns kommentarstråd.",
        "",
        "Hälsningar",
        "Styrkort",
    ]
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
    )


def send_due(
    today: dt.date | None = None,
    periods: Iterable[m.Period] | None = None,
    *,
    dry_run: bool = False,
) -> Outcome:
    """Send every reminder that is due ``today`` (default: the local date) for the open periods
    with a deadline. Each is sent once; an owner without an e-mail address is skipped and named."""
    from styrkort.web.views import assessed

    today = today or timezone.localdate()
    if periods is None:
        periods = m.Period.objects.filter(
            state=m.PeriodState.OPEN, deadlines__isnull=False
        ).distinct()
    sent: list[tuple[m.Period, str, str]] = []
    skipped: list[tuple[m.Period, str, str]] = []
    for period in periods:
        if period.state != m.PeriodState.OPEN:
            continue
        results = assessed(period, report=False).indicators
        for owner in owners(period, today, results):
            kind = reminder_kind(owner)
            if kind is None or not owner.indicators or owner.deadline is None:
                continue
            due = owner.deadline.due
            if m.Reminder.objects.filter(
                period=period, user=owner.user, kind=kind, due=due
            ).exists():
                continue
            if not owner.email:
                skipped.append((period, owner.username, "saknar e-postadress"))
                continue
            if dry_run:
                sent.append((period, owner.username, kind))
                continue
            try:
                with transaction.atomic():
                    # The row first: a second run at the same time fails here, not by mailing twice.
                    m.Reminder.objects.create(
                        period=period, user=owner.user, kind=kind, due=due, email=owner.email
                    )
                    message_for(period, owner, kind).send(fail_silently=False)
                    audit(
                        None,
                        period.organisation,
                        period,
                        "påminnelse",
                        f"användare {owner.username}",
                        "påminnelse",
                        "",
                        "före sista dag" if kind == "before" else "försenad",
                        note=f"e-post till {owner.email}, sista dag {due.isoformat()}",
                    )
            except IntegrityError:
                continue  # sent by a run at the same time
            except (OSError, smtplib.SMTPException) as exc:
                # The mail server refused or is unreachable: nothing is recorded, so the next
                # run tries again; the others are still sent.
                skipped.append((period, owner.username, f"e-posten kunde inte skickas ({exc})"))
                continue
            sent.append((period, owner.username, kind))
    return Outcome(sent, skipped)

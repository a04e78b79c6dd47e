"""Activities, council assignments and internal control: database rows ⇄ core values.

Called from ``web/mapping.py`` with one-line hooks: ``followup_of(period)`` when a workspace is
built from the database, ``store_followup(period, ws.followup)`` when a workspace is stored.
Every value carries a ``web:<screen>/<key>/<field>`` source (``mapping.web_source``), so a
finding names the screen and field to fix: ``aktivitet``, ``uppdrag``, ``kontroll``, ``risk``.
"""

from __future__ import annotations

from typing import Any

from styrkort.core.activities import (
    DEFAULT_COUNTS_AS,
    Activity,
    ActivityRule,
    ActivityStatus,
    GoalBasis,
)
from styrkort.core.assignments import Assignment, AssignmentStatus, Decision
from styrkort.core.followup import FollowUp
from styrkort.core.goals import Status
from styrkort.core.internal_control import (
    Control,
    ControlResult,
    Deviation,
    InternalControlPlan,
    Process,
    Risk,
    RiskLevel,
    RiskScale,
)
from styrkort.web import models as m

NOT_COUNTED = "räknas inte"


def _src(screen: str, key: str = "", field: str = "") -> Any:
    from styrkort.web.mapping import web_source  # mapping imports this module

    return web_source(screen, key, field)


def _rule(data: Any) -> ActivityRule:
    counts: dict[ActivityStatus, Status | None] = dict(DEFAULT_COUNTS_AS)
    if isinstance(data, dict):
        for k, v in data.items():
            status = ActivityStatus.parse(str(k))
            if status is not None:
                counts[status] = None if v == NOT_COUNTED else Status.parse(str(v))
    return ActivityRule(counts)


def _scale(data: Any) -> RiskScale:
    if not isinstance(data, dict) or not data:
        return RiskScale()
    return RiskScale(
        tuple(data["probability"]),
        tuple(data["consequence"]),
        tuple(RiskLevel(str(n), int(v)) for n, v in data["levels"]),
        int(data["control_from"]),
    )


def activity_value(row: m.Activity) -> Activity:
    src = _src("aktivitet", row.key)
    return Activity(
        id=row.key,
        title=row.title,
        parent=row.parent_key,
        status=ActivityStatus.parse(row.status) or ActivityStatus.NOT_STARTED,
        owner=row.owner,
        completion=row.completion,
        deadline=row.deadline,
        comment=row.comment,
        source=src,
        sources={f: _src("aktivitet", row.key, f) for f in ("status", "completion", "comment")},
    )


def _control(row: m.Control) -> Control:
    return Control(
        id=row.key,
        title=row.title,
        method=row.method,
        frequency=row.frequency,
        owner=row.owner,
        result=ControlResult.parse(row.result) if row.result else None,
        comment=row.comment,
        deviations=tuple(
            Deviation(
                d.text, d.action, d.owner, d.deadline, _src("kontroll", row.key, f"avvikelse {i}")
            )
            for i, d in enumerate(row.deviations.all(), 1)
        ),
        source=_src("kontroll", row.key),
        sources={f: _src("kontroll", row.key, f) for f in ("result", "comment")},
    )


def followup_of(period: m.Period) -> FollowUp:
    """The period's activities, assignments and plan; one query when it has none."""
    try:  # no query when the period was read with select_related("followup_settings")
        settings = period.followup_settings
    except m.FollowUpSettings.DoesNotExist:
        return FollowUp()
    activities = tuple(activity_value(a) for a in period.activities.all())
    bases = {
        k: b
        for k, v in (settings.goal_bases or {}).items()
        if (b := GoalBasis.parse(v)) is not None
    }
    assignments = tuple(
        Assignment(
            id=a.key,
            text=a.text,
            status=AssignmentStatus.parse(a.status) or AssignmentStatus.NOT_STARTED,
            decision=Decision(a.decision_body, a.decision_date, a.decision_paragraph),
            board=a.board,
            deadline=a.deadline,
            comment=a.comment,
            source=_src("uppdrag", a.key),
            sources={f: _src("uppdrag", a.key, f) for f in ("status", "deadline", "comment")},
        )
        for a in period.assignments.all()
    )
    processes = tuple(
        Process(
            p.key,
            p.title,
            p.owner,
            tuple(
                Risk(
                    r.key,
                    r.title,
                    r.probability,
                    r.consequence,
                    tuple(_control(c) for c in r.controls.all()),
                    r.comment,
                    _src("risk", r.key),
                )
                for r in p.risks.all()
            ),
            _src("internkontroll", p.key),
        )
        for p in period.control_processes.prefetch_related("risks__controls__deviations")
    )
    plan = InternalControlPlan(
        _scale(settings.risk_scale), processes, settings.control_adopted, _src("internkontroll")
    )
    return FollowUp(activities, bases, _rule(settings.activity_rule), assignments, plan)


def store_followup(period: m.Period, f: FollowUp) -> None:
    """Store the follow-up of a workspace read from a folder (inside the import's transaction)."""
    if f.is_empty and not f.bases and dict(f.activity_rule.counts_as) == dict(DEFAULT_COUNTS_AS):
        return
    scale = f.internal_control.scale
    m.FollowUpSettings.objects.create(
        period=period,
        goal_bases={k: v.value for k, v in f.bases.items()},
        activity_rule=(
            {}
            if dict(f.activity_rule.counts_as) == dict(DEFAULT_COUNTS_AS)
            else {
                a.value: (s.value if s is not None else NOT_COUNTED)
                for a, s in f.activity_rule.counts_as.items()
            }
        ),
        control_adopted=f.internal_control.adopted,
        risk_scale=(
            {}
            if scale == RiskScale()
            else {
                "probability": list(scale.probability),
                "consequence": list(scale.consequence),
                "levels": [[lvl.name, lvl.minimum] for lvl in scale.levels],
                "control_from": scale.control_from,
            }
        ),
    )
    m.Activity.objects.bulk_create(
        m.Activity(
            period=period,
            parent_key=a.parent,
            key=a.id,
            title=a.title,
            owner=a.owner,
            status=a.status.value,
            completion=a.completion,
            deadline=a.deadline,
            comment=a.comment,
            position=i,
        )
        for i, a in enumerate(f.activities)
    )
    m.Assignment.objects.bulk_create(
        m.Assignment(
            period=period,
            key=a.id,
            text=a.text,
            decision_body=a.decision.body,
            decision_date=a.decision.date,
            decision_paragraph=a.decision.paragraph,
            board=a.board,
            deadline=a.deadline,
            status=a.status.value,
            comment=a.comment,
            position=i,
        )
        for i, a in enumerate(f.assignments)
    )
    for pi, p in enumerate(f.internal_control.processes):
        proc = m.ControlProcess.objects.create(
            period=period, key=p.id, title=p.title, owner=p.owner, position=pi
        )
        for ri, r in enumerate(p.risks):
            risk = m.ControlRisk.objects.create(
                process=proc,
                period=period,
                key=r.id,
                title=r.title,
                probability=r.probability,
                consequence=r.consequence,
                comment=r.comment,
                position=ri,
            )
            for ci, c in enumerate(r.controls):
                ctrl = m.Control.objects.create(
                    risk=risk,
                    period=period,
                    key=c.id,
                    title=c.title,
                    method=c.method,
                    frequency=c.frequency,
                    owner=c.owner,
                    result=c.result.value if c.result else "",
                    comment=c.comment,
                    position=ci,
                )
                m.ControlDeviation.objects.bulk_create(
                    m.ControlDeviation(
                        control=ctrl,
                        text=d.text,
                        action=d.action,
                        owner=d.owner,
                        deadline=d.deadline,
                        position=di,
                    )
                    for di, d in enumerate(c.deviations)
                )

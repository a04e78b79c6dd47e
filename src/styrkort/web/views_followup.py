"""Screens for activities, council assignments and internal control (Swedish: /period/<id>/uppfoljning/).

Owners enter the status of their activities and the results of their controls; controllers enter
everything and approve and lock the period as for indicators (``services.ensure_editable``). The
statuses shown come from the core pipeline (``views.assessed``), never computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from styrkort.core.activities import ActivityStatus
from styrkort.core.assignments import AssignmentStatus
from styrkort.core.findings import SCREEN_NAMES as ALL_SCREENS
from styrkort.core.internal_control import ControlResult, risk_matrix
from styrkort.web import models as m
from styrkort.web import services_followup as sf
from styrkort.web.errors import NotFound
from styrkort.web.mapping import screen_of
from styrkort.web.views import _ctx, _version, assessed, load_period

#: this module's screens (their names are core.findings.SCREEN_NAMES)
SCREEN_NAMES = {
    k: ALL_SCREENS[k] for k in ("aktivitet", "uppdrag", "kontroll", "risk", "internkontroll")
}
SCREENS = set(SCREEN_NAMES)


def finding_url(period: m.Period, screen: str, key: str) -> str:
    """Where the findings screen links a finding of these screens: the row's anchor."""
    base = reverse("styrkort:followup", args=[period.pk])
    return f"{base}#{screen}-{key}" if key else base


@require_GET
def followup(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a = assessed(period, report=False)
    assert a.result.assessed is not None
    ws = a.result.assessed.workspace
    f = ws.followup
    rows = {r.key: r for r in period.activities.all()}
    goal_titles = {g.id: g.title for g in ws.goals} | {c.id: c.title for c in ws.council_goals}
    goals = []
    open_ = period.state == m.PeriodState.OPEN

    def acts_of(parent: str) -> list[dict[str, Any]]:
        return [
            {"row": rows[x.id], "act": x, "edit": open_ and sf.may_edit(access, rows[x.id])}
            for x in f.activities
            if x.parent == parent and x.id in rows
        ]

    for g in a.result.assessed.goals:
        acts = acts_of(g.goal.id)
        if acts:
            goals.append({"title": g.goal.title, "result": g, "activities": acts})
    for c in ws.council_goals:
        acts = acts_of(c.id)
        if acts:
            goals.append({"title": f"KF-mål: {c.title}", "result": None, "activities": acts})
    controls = {c.key: c for c in period.controls.prefetch_related("deviations")}
    plan = f.internal_control
    risks = [
        {
            "process": p,
            "risk": r,
            "level": plan.scale.level(r.value).name,
            "controls": [
                {
                    "row": controls[c.id],
                    "control": c,
                    "edit": open_ and sf.may_edit(access, controls[c.id]),
                }
                for c in r.controls
                if c.id in controls
            ],
        }
        for p in plan.processes
        for r in p.risks
    ]
    matrix = [
        {
            "label": f"{len(plan.scale.probability) - i} {plan.scale.probability[len(plan.scale.probability) - i - 1]}",
            "cells": [
                {
                    "level": plan.scale.level((len(plan.scale.probability) - i) * (j + 1)).name,
                    "risks": cell,
                }
                for j, cell in enumerate(row)
            ],
        }
        for i, row in enumerate(risk_matrix(plan))
    ]
    findings = [f for f in a.findings if (screen_of(f.source) or ("",))[0] in SCREENS]
    return render(
        request,
        "styrkort/followup.html",
        _ctx(
            period,
            access,
            "followup",
            goals=goals,
            goal_titles=goal_titles,
            assignments=[
                {"row": row, "assignment": x, "edit": open_ and sf.may_edit(access, row)}
                for row, x in zip(period.assignments.all(), f.assignments, strict=True)
            ],
            risks=risks,
            adopted=plan.adopted,
            matrix=matrix,
            consequences=plan.scale.consequence,
            scale_text=plan.scale.describe(),
            period_open=open_,
            activity_statuses=[s.value for s in ActivityStatus],
            assignment_statuses=[s.value for s in AssignmentStatus],
            control_results=[r.value for r in ControlResult],
            findings=findings,
        ),
    )


def _row(model: type[Any], period: m.Period, row_id: int, what: str) -> Any:
    row = model.objects.filter(pk=row_id, period=period).first()
    if row is None:
        raise NotFound(f"{what} finns inte.")
    return row


def _sent(request: HttpRequest, names: Mapping[str, str]) -> dict[str, str]:
    return {k: request.POST[k].strip() for k in names if k in request.POST}


@require_POST
def activity(request: HttpRequest, period_id: int, activity_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    row = _row(m.Activity, period, activity_id, "Aktiviteten")
    sf.update_activity(access, row.pk, _version(request), _sent(request, sf.ACTIVITY_FIELDS))
    messages.success(request, f"Aktiviteten ”{row.title}” har sparats.")
    return redirect(f"/period/{period.pk}/uppfoljning/#aktivitet-{row.key}")


@require_POST
def assignment(request: HttpRequest, period_id: int, assignment_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    row = _row(m.Assignment, period, assignment_id, "Uppdraget")
    sf.update_assignment(access, row.pk, _version(request), _sent(request, sf.ASSIGNMENT_FIELDS))
    messages.success(request, "Uppdraget har sparats.")
    return redirect(f"/period/{period.pk}/uppfoljning/#uppdrag-{row.key}")


@require_POST
def control(request: HttpRequest, period_id: int, control_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    row = _row(m.Control, period, control_id, "Kontrollen")
    if request.POST.get("form") == "avvikelse":
        sf.add_deviation(
            access,
            row.pk,
            request.POST.get("text", ""),
            request.POST.get("action", ""),
            request.POST.get("owner", ""),
        )
        messages.success(request, "Avvikelsen har lagts till.")
    else:
        sf.update_control(access, row.pk, _version(request), _sent(request, sf.CONTROL_FIELDS))
        messages.success(request, f"Kontrollen ”{row.title}” har sparats.")
    return redirect(f"/period/{period.pk}/uppfoljning/#kontroll-{row.key}")


def urls() -> list[URLPattern]:
    """The screens' URLs, added to ``web/urls.py`` with one line."""
    base = "period/<int:period_id>/uppfoljning/"
    return [
        path(base, followup, name="followup"),
        path(f"{base}aktivitet/<int:activity_id>/", activity, name="followup_activity"),
        path(f"{base}uppdrag/<int:assignment_id>/", assignment, name="followup_assignment"),
        path(f"{base}kontroll/<int:control_id>/", control, name="followup_control"),
    ]

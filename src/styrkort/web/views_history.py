"""The screen "Starta nästa period" (årsskifte): a controller rolls the period over to the
next year, as ``styrkort rollover`` does, after seeing what will happen."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from styrkort.web import history
from styrkort.web.access import Action
from styrkort.web.views import _ctx, load_period, run_period


@require_http_methods(["GET", "POST"])
def next_period(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    access.require(Action.START_NEXT_PERIOD, period)
    result = run_period(period)
    if request.method == "POST":
        try:
            new = history.start_next_period(period, result, request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("styrkort:next_period", period_id=period.pk)
        messages.success(
            request,
            f"{new.title} är skapad. Utfallen {period.year} finns nu i historiken; "
            f"{period.title} är oförändrad.",
        )
        return redirect("styrkort:overview", period_id=new.pk)
    preview = history.preview_next_period(result)
    # targets to rewrite; everything else the rollover says (the carried result) is a note
    found = preview.findings if preview else ()
    revise = [f for f in found if f.code == "rollover.baseline" and f.severity.value == "warning"]
    notes = [f for f in found if f not in revise]
    moved = (
        sum(1 for g in preview.workspace.goals for i in g.indicators if i.history) if preview else 0
    )
    return render(
        request,
        "styrkort/next_period.html",
        _ctx(
            period,
            access,
            "overview",
            next_year=period.year + 1,
            revise=revise,
            notes=notes,
            moved=moved,
        ),
    )

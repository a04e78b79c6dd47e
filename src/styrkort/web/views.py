"""The screens (Swedish). Views parse input, call ``services`` for every change and the pipeline
for every status: assessment is never computed here (``assessed()`` runs the core pipeline on the
workspace built from the database by ``mapping.workspace_of``).
"""

from __future__ import annotations

import csv
import importlib
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from styrkort.core.assess import GoalResult, IndicatorResult
from styrkort.core.findings import Finding, Severity
from styrkort.core.goals import Status
from styrkort.pipeline import PipelineResult, run_workspace
from styrkort.render import FORMATS, available_formats
from styrkort.render.html import render_html
from styrkort.report.narrative import Figure, substitute, to_blocks
from styrkort.sources.workspace_write import number_text
from styrkort.web import models as m
from styrkort.web import services
from styrkort.web.access import Access, organisations_for
from styrkort.web.errors import NotFound
from styrkort.web.forms import (
    AssessmentForm,
    GoalCommentForm,
    IndicatorForm,
    JustificationForm,
    MembershipForm,
    NarrativeForm,
    outcome_problem,
    parse_amount,
)
from styrkort.web.mapping import (
    INDICATOR_FIELDS,
    PeriodRows,
    load_rows,
    screen_of,
    web_source,
    workspace_of,
)

# --- helpers ----------------------------------------------------------------------------------


def load_period(request: HttpRequest, period_id: int) -> tuple[m.Period, Access]:
    try:
        period = m.Period.objects.select_related("organisation", "followup_settings").get(
            pk=period_id
        )
    except m.Period.DoesNotExist:
        raise NotFound("Perioden finns inte eller så har du inte behörighet till den.") from None
    access = Access(request.user, period.organisation)
    access.require_read()
    return period, access


def load_organisation(request: HttpRequest, org_id: int) -> tuple[m.Organisation, Access]:
    org = m.Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFound("Organisationen finns inte eller så har du inte behörighet till den.")
    access = Access(request.user, org)
    access.require_read()
    return org, access


@dataclass
class Assessment:
    """The core's assessment of a period, indexed for the screens."""

    result: PipelineResult
    goals: dict[str, GoalResult]
    indicators: dict[str, IndicatorResult]
    rows: PeriodRows

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


def assessed(period: m.Period, *, report: bool = True) -> Assessment:
    """The core's assessment of the period; ``report=False`` for screens that show no report-level findings."""
    rows = load_rows(period)
    result = run_workspace(workspace_of(period, rows), report=report)
    assert result.assessed is not None
    goals = {g.goal.id: g for g in result.assessed.goals}
    indicators = {r.indicator.id: r for g in result.assessed.goals for r in g.indicators}
    return Assessment(result, goals, indicators, rows)


def _ctx(period: m.Period, access: Access, active: str, **extra: Any) -> dict[str, Any]:
    return {
        "period": period,
        "org": period.organisation,
        "access": access,
        "active": active,
        "states": m.PeriodState,
        **extra,
    }


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


# --- start, overview --------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user)
    periods = list(m.Period.objects.filter(organisation__in=orgs).select_related("organisation"))
    if len(periods) == 1:
        return redirect("styrkort:overview", period_id=periods[0].pk)
    return render(request, "styrkort/home.html", {"periods": periods, "orgs": orgs})


@require_GET
def overview(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a = assessed(period)
    # The rows the pipeline was given: indicators and goals are not read a second time.
    by_key = {i.key: i for i in a.rows.indicators}
    # Links computed once per indicator (the page shows some indicators up to three times).
    urls = {i.pk: reverse("styrkort:indicator", args=[period.pk, i.pk]) for i in a.rows.indicators}
    rows = [
        {
            "goal": goal,
            "result": a.goals[goal.key],
            "indicators": [(by_key[r.indicator.id], r) for r in a.goals[goal.key].indicators],
        }
        for goal in a.rows.goals
    ]
    # what is missing, and from whom: the owners' user names and labels, no model instances
    owners_of: dict[str, list[str]] = defaultdict(list)
    owners = list(
        m.Membership.objects.filter(
            organisation=period.organisation, role=m.Role.OWNER
        ).values_list("user_id", f"user__{get_user_model().USERNAME_FIELD}", "owner_labels")
    )
    for _user_id, username, labels in owners:
        for label in m.owner_labels(labels):
            owners_of[label].append(username)
    missing: dict[str, list[m.Indicator]] = defaultdict(list)
    for key, r in a.indicators.items():
        if r.status is Status.NO_VALUE or (r.computed is Status.NO_VALUE and r.override is None):
            missing[by_key[key].owner or "Ingen ägare angiven"].append(by_key[key])
    missing_rows = [
        {"owner": owner, "users": owners_of.get(owner.casefold(), []), "indicators": inds}
        for owner, inds in sorted(missing.items())
    ]
    submitted = {s.user_id: s for s in period.submissions.all()}
    owner_states = [
        {
            "user_id": user_id,
            "username": username,
            "labels": labels,
            "submission": submitted.get(user_id),
        }
        for user_id, username, labels in owners
    ]
    my_submission = submitted.get(request.user.pk) if access.is_owner else None
    # An owner's to-do list: their indicators, those without an outcome first.
    todo = sorted(
        ((ind, a.indicators[ind.key]) for ind in by_key.values() if access.owns(ind)),
        key=lambda pair: (
            pair[1].computed is not Status.NO_VALUE,
            pair[0].goal.position,
            pair[0].position,
        ),
    )
    counts = [(s, a.result.assessed.summary.count(s)) for s in Status] if a.result.assessed else []
    errors = sum(1 for f in a.findings if f.severity is Severity.ERROR)
    return render(
        request,
        "styrkort/overview.html",
        _ctx(
            period,
            access,
            "overview",
            rows=rows,
            urls=urls,
            missing=missing_rows,
            owner_states=owner_states,
            my_submission=my_submission,
            is_controller=access.is_controller,
            period_open=period.state == m.PeriodState.OPEN,
            todo=todo,
            summary=a.result.assessed.summary if a.result.assessed else None,
            counts=counts,
            errors=errors,
            warnings=sum(1 for f in a.findings if f.severity is Severity.WARNING),
        ),
    )


# --- indicator --------------------------------------------------------------------------------


def _indicator(period: m.Period, indicator_id: int) -> m.Indicator:
    ind = m.Indicator.objects.select_related("goal").filter(pk=indicator_id, period=period).first()
    if ind is None:
        raise NotFound("Indikatorn finns inte.")
    return ind


@require_http_methods(["GET", "POST"])
def indicator(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a: Assessment | None = None
    if request.method == "POST":
        ind = _indicator(period, indicator_id)
    else:
        # The indicator is one of the rows the pipeline reads anyway: no query of its own.
        a = assessed(period, report=False)
        found = next((i for i in a.rows.indicators if i.pk == indicator_id), None)
        if found is None:
            raise NotFound("Indikatorn finns inte.")
        ind = found
    kwargs = {
        "indicator": ind,
        "controller": access.is_controller,
        "interim": period.kind == "interim",
    }
    if request.method == "POST":
        access.require_edit_outcome(ind)
        services.ensure_editable(period, access)
        # Fields the client did not send keep their stored value (also when the form is shown again).
        data = request.POST.copy()
        for name in IndicatorForm.base_fields:
            if name not in data and name != "version":
                data[name] = getattr(ind, name)
        form = IndicatorForm(data, **kwargs)
        sent = set(request.POST)
        if form.is_valid():
            changes = {k: v for k, v in form.changes().items() if k in sent}
            services.update_indicator(access, ind.pk, form.cleaned_data["version"], changes)
            messages.success(request, "Indikatorn har sparats.")
            return redirect("styrkort:indicator", period_id=period.pk, indicator_id=ind.pk)
        status = 422
    else:
        initial = {
            f: getattr(ind, f)
            for f in (
                "outcome",
                "forecast",
                "comment",
                "target",
                "baseline",
                "unit",
                "direction",
                "owner",
            )
        }
        form = IndicatorForm(initial={**initial, "version": ind.version}, **kwargs)
        status = 200
    if a is None:
        a = assessed(period, report=False)  # only this indicator's findings are shown
    history = m.AuditEntry.objects.filter(period=period, target=f"indikator {ind.key}")[:50]
    assess_form = AssessmentForm(
        initial={
            "version": ind.version,
            "status": ind.manual_status,
            "justification": ind.manual_justification,
        }
    )
    return render(
        request,
        "styrkort/indicator.html",
        _ctx(
            period,
            access,
            "overview",
            indicator=ind,
            result=a.indicators.get(ind.key),
            form=form,
            assess_form=assess_form,
            history=history,
            can_edit=access.can_edit_outcome(ind)
            and period.state == m.PeriodState.OPEN
            and not (access.is_owner and period.submissions.filter(user=request.user).exists()),
            findings=[
                f
                for f in a.findings
                if (screen_of(f.source) or ("", "", ""))[:2] == ("indikator", ind.key)
            ],
        ),
        status=status,
    )


@require_POST
def indicator_check(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    """HTMX: validate an outcome as it is typed (no change is saved)."""
    period, _access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    field = (
        "forecast" if "forecast" in request.POST and "outcome" not in request.POST else "outcome"
    )
    text = request.POST.get(field, "").strip()
    problem = (
        outcome_problem(text, ind, what="Prognosen" if field == "forecast" else "Utfallet")
        if text
        else None
    )
    return render(request, "styrkort/_check.html", {"problem": problem, "text": text})


@require_POST
def indicator_assess(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    access.require_controller()
    services.ensure_editable(period, access)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("styrkort:indicator", args=[period.pk, ind.pk]) + "#bedomning")
    services.assess_indicator(
        access,
        ind.pk,
        form.cleaned_data["version"],
        form.cleaned_data["status"],
        form.cleaned_data["justification"],
    )
    messages.success(request, "Bedömningen har sparats.")
    return redirect(reverse("styrkort:indicator", args=[period.pk, ind.pk]) + "#bedomning")


# --- goal -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, period_id: int, goal_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    g = m.Goal.objects.filter(pk=goal_id, period=period).first()
    if g is None:
        raise NotFound("Målet finns inte.")
    if request.method == "POST":
        access.require_controller()
        services.ensure_editable(period, access)
        if request.POST.get("form") == "bedomning":
            aform = AssessmentForm(request.POST)
            if aform.is_valid():
                services.assess_goal(
                    access,
                    g.pk,
                    aform.cleaned_data["version"],
                    aform.cleaned_data["status"],
                    aform.cleaned_data["justification"],
                )
                messages.success(request, "Bedömningen har sparats.")
            else:
                messages.error(request, " ".join(e for errs in aform.errors.values() for e in errs))
        else:
            cform = GoalCommentForm(request.POST)
            if cform.is_valid():
                services.update_goal_comment(
                    access, g.pk, cform.cleaned_data["version"], cform.cleaned_data["comment"]
                )
                messages.success(request, "Kommentaren har sparats.")
        return redirect("styrkort:goal", period_id=period.pk, goal_id=g.pk)
    a = assessed(period, report=False)
    return render(
        request,
        "styrkort/goal.html",
        _ctx(
            period,
            access,
            "overview",
            goal=g,
            result=a.goals.get(g.key),
            indicators={i.key: i for i in g.indicators.all()},
            comment_form=GoalCommentForm(initial={"version": g.version, "comment": g.comment}),
            assess_form=AssessmentForm(
                initial={
                    "version": g.version,
                    "status": g.manual_status,
                    "justification": g.manual_justification,
                }
            ),
            can_edit=access.is_controller and period.state == m.PeriodState.OPEN,
            history=m.AuditEntry.objects.filter(period=period, target=f"mål {g.key}")[:50],
        ),
    )


# --- finance ----------------------------------------------------------------------------------


FINANCE_LABELS = {
    "budget": "Budget",
    "outcome": "Utfall",
    "original_budget": "Ursprunglig budget",
    "forecast": "Prognos",
    "frame": "Ram",
    "earlier_outcome": "Tidigare års utfall",
}


@require_http_methods(["GET", "POST"])
def finance(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        access.require_controller()
        services.ensure_editable(period, access)
        values: dict[tuple[str, int, str], Decimal | None] = {}
        for name, text in request.POST.items():
            parts = name.split("-")
            if len(parts) != 3 or parts[0] not in services.FINANCE_TABLES:
                continue
            table, row_id, field = parts[0], parts[1], parts[2]
            try:
                values[(table, int(row_id), field)] = parse_amount(text)
            except ValueError as exc:
                errors[name] = str(exc)
        if not errors:
            changed = services.update_finance(access, period.pk, _version(request), values)
            messages.success(request, f"Ekonomin har sparats ({changed} ändrade belopp).")
            return redirect("styrkort:finance", period_id=period.pk)
    a = assessed(period, report=False)  # the page shows the statements, not the report
    # Deviations and what remains of frames come from the core's statements (same row order).
    computed: dict[str, list[Any]] = {"drift": [], "investeringar": [], "ramar": []}
    if a.result.assessed and a.result.assessed.operating:
        computed["drift"] = [r.deviation for r in a.result.assessed.operating.rows]
    if a.result.assessed and a.result.assessed.investments:
        computed["investeringar"] = [r.deviation for r in a.result.assessed.investments.rows]
        computed["ramar"] = [f.remaining for f in a.result.assessed.investments.frames]
    # the rows the assessment read (load_rows), not read again
    rows_of: dict[str, list[Any]] = {
        "drift": a.rows.operating,
        "investeringar": a.rows.investments,
        "ramar": a.rows.frames,
    }
    tables = []
    for table, (_model, fields) in services.FINANCE_TABLES.items():
        rows = rows_of[table]
        derived = computed[table] if len(computed[table]) == len(rows) else [None] * len(rows)
        shown = [
            f
            for f in fields
            if f not in ("original_budget", "forecast")
            or any(getattr(r, f) is not None for r in rows)
            or period.kind == "interim"
        ]
        tables.append(
            {
                "key": table,
                "title": {
                    "drift": "Driftredovisning",
                    "investeringar": "Investeringsredovisning",
                    "ramar": "Fleråriga ramar",
                }[table],
                "fields": [(f, FINANCE_LABELS[f]) for f in shown],
                "derived_label": "Kvar av ram"
                if table == "ramar"
                else "Avvikelse (budget − utfall)",
                "rows": [
                    {
                        "row": r,
                        "derived": _amount_text(derived[i]),
                        "label": getattr(r, "category", None)
                        or f"{r.project}{' – ' + r.member if r.member else ''}",
                        "cells": [
                            {
                                "name": f"{table}-{r.pk}-{f}",
                                "label": FINANCE_LABELS[f],
                                "value": request.POST.get(f"{table}-{r.pk}-{f}")
                                if request.method == "POST"
                                else _amount_text(getattr(r, f)),
                                "error": errors.get(f"{table}-{r.pk}-{f}", ""),
                            }
                            for f in shown
                        ],
                    }
                    for i, r in enumerate(rows)
                ],
            }
        )
    statement = a.result.assessed.operating if a.result.assessed else None
    return render(
        request,
        "styrkort/finance.html",
        _ctx(
            period,
            access,
            "finance",
            tables=tables,
            statement=statement,
            allocation=a.result.assessed.allocation if a.result.assessed else None,
            can_edit=access.is_controller and period.state == m.PeriodState.OPEN,
            errors=errors,
        ),
        status=422 if errors else 200,
    )


def _amount_text(value: Any) -> str:
    return "" if value is None else number_text(Decimal(value))


# --- narrative --------------------------------------------------------------------------------


@require_GET
def narrative_list(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    return render(
        request,
        "styrkort/narrative_list.html",
        _ctx(period, access, "narrative", sections=period.narrative.all()),
    )


@require_http_methods(["GET", "POST"])
def narrative(request: HttpRequest, period_id: int, section_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    sec = m.NarrativeSection.objects.filter(pk=section_id, period=period).first()
    if sec is None:
        raise NotFound("Texten finns inte.")
    if request.method == "POST":
        access.require_controller()
        services.ensure_editable(period, access)
        form = NarrativeForm(request.POST)
        if form.is_valid():
            services.update_narrative(
                access,
                sec.pk,
                form.cleaned_data["version"],
                form.cleaned_data["title"],
                form.cleaned_data["markdown"],
            )
            messages.success(request, "Texten har sparats.")
            return redirect("styrkort:narrative", period_id=period.pk, section_id=sec.pk)
    else:
        form = NarrativeForm(
            initial={"version": sec.version, "title": sec.title, "markdown": sec.markdown}
        )
    preview, findings = _narrative_preview(period, sec, sec.markdown)
    return render(
        request,
        "styrkort/narrative.html",
        _ctx(
            period,
            access,
            "narrative",
            section=sec,
            form=form,
            preview=preview,
            preview_findings=findings,
            can_edit=access.is_controller and period.state == m.PeriodState.OPEN,
            history=m.AuditEntry.objects.filter(period=period, target=f"berättelse {sec.key}")[:30],
        ),
    )


def _narrative_preview(
    period: m.Period, sec: m.NarrativeSection, markdown: str
) -> tuple[list[Any], list[Finding]]:
    result = run_workspace(workspace_of(period))
    figures = {k: Figure(v) for k, v in result.report.figures.items()} if result.report else {}
    text, findings = substitute(markdown, figures, web_source("berättelse", sec.key, line=1))
    return list(to_blocks(text)), findings


@require_POST
def narrative_preview(request: HttpRequest, period_id: int, section_id: int) -> HttpResponse:
    """HTMX: the Markdown with live figures, as it will read in the report (nothing is saved)."""
    period, _access = load_period(request, period_id)
    sec = m.NarrativeSection.objects.filter(pk=section_id, period=period).first()
    if sec is None:
        raise NotFound("Texten finns inte.")
    preview, findings = _narrative_preview(period, sec, request.POST.get("markdown", ""))
    return render(
        request, "styrkort/_preview.html", {"preview": preview, "preview_findings": findings}
    )


# --- findings, report ---------------------------------------------------------------------------

SCREENS = {
    "indikator": "Indikator",
    "mål": "Nämndmål",
    "ekonomi": "Ekonomi",
    "berättelse": "Verksamhetsberättelse",
    "organisation": "Organisation",
    "period": "Period",
    "kf-mål": "KF-mål",
}


def _finding_link(
    period: m.Period,
    f: Finding,
    ind_ids: dict[str, int],
    goal_ids: dict[str, int],
    narr_ids: dict[str, int],
) -> dict[str, Any]:
    from styrkort.web import views_followup  # it imports this module's helpers

    where = screen_of(f.source)
    screen, key, field = where or ("", "", "")
    url = ""
    if screen == "indikator" and key in ind_ids:
        url = reverse("styrkort:indicator", args=[period.pk, ind_ids[key]]) + (
            f"#falt-{_field_anchor(field)}" if field else ""
        )
    elif screen == "mål" and key in goal_ids:
        url = reverse("styrkort:goal", args=[period.pk, goal_ids[key]])
    elif screen == "ekonomi":
        url = reverse("styrkort:finance", args=[period.pk]) + f"#{key}"
    elif screen == "berättelse" and key in narr_ids:
        url = reverse("styrkort:narrative", args=[period.pk, narr_ids[key]])
    elif screen in views_followup.SCREEN_NAMES:
        url = views_followup.finding_url(period, screen, key)
    return {
        "finding": f,
        "screen": (SCREENS | views_followup.SCREEN_NAMES).get(screen, screen or f.source.file),
        "key": key,
        "field": field
        + (f", rad {f.source.line}" if screen == "berättelse" and f.source.line else ""),
        "url": url,
    }


# a finding's (Swedish) field name → the id of its form field, ``falt-<name>``
_FIELD_ANCHORS = {sv: en for en, sv in INDICATOR_FIELDS.items()} | {"bedömning": "status"}


def _field_anchor(field: str) -> str:
    return _FIELD_ANCHORS.get(field, field)


@require_GET
def findings(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a = assessed(period)
    ids = {i.key: i.pk for i in a.rows.indicators}
    gids = {g.key: g.pk for g in a.rows.goals}
    nids = {n.key: n.pk for n in a.rows.narrative}
    items = [_finding_link(period, f, ids, gids, nids) for f in a.findings]
    return render(request, "styrkort/findings.html", _ctx(period, access, "findings", items=items))


@require_GET
def report(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    result = run_workspace(workspace_of(period))
    fragment = render_html(result.report, standalone=False) if result.report else ""
    return render(
        request,
        "styrkort/report.html",
        _ctx(
            period,
            access,
            "report",
            fragment=fragment,
            formats=[(f, FORMATS[f][1]) for f in available_formats()],
        ),
    )


@require_GET
def download(request: HttpRequest, period_id: int, fmt: str) -> HttpResponse:
    period, _access = load_period(request, period_id)
    if fmt not in available_formats():
        raise NotFound(f"Formatet {fmt} finns inte i denna installation.")
    result = run_workspace(workspace_of(period))
    assert result.report is not None
    module = importlib.import_module(f"styrkort.render.{FORMATS[fmt][0]}")
    with tempfile.TemporaryDirectory(prefix="styrkort-") as tmp:
        path = Path(module.write(result.report, Path(tmp)))
        data = path.read_bytes()
    name = f"{period.organisation.name}-{period.title}".replace(" ", "-")
    resp = HttpResponse(data, content_type=_content_type(fmt))
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}{path.suffix}"
    return resp


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _content_type(fmt: str) -> str:
    return {
        "html": "text/html; charset=utf-8",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]


# --- workflow ---------------------------------------------------------------------------------


@require_POST
def submit(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    services.submit(access, period.pk)
    messages.success(request, "Dina indikatorer är inlämnade till controllern.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def return_submission(request: HttpRequest, period_id: int, user_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    services.return_submission(access, period.pk, user_id)
    messages.success(request, "Inlämningen är återlämnad; ägaren kan ändra igen.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def approve(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    services.approve(access, period.pk)
    messages.success(request, "Perioden är godkänd.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def lock(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    services.lock(access, period.pk)
    messages.success(request, "Perioden är låst. Inga ändringar kan göras.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, period_id: int) -> HttpResponse:
    """Reopen: a locked period by an administrator, an approved one by the controller; justified."""
    period, access = load_period(request, period_id)
    if period.state == m.PeriodState.LOCKED:
        access.require_admin()
    else:
        access.require_controller()
    form = JustificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if period.state == m.PeriodState.LOCKED:
            services.reopen(access, period.pk, form.cleaned_data["justification"])
        else:
            services.unapprove(access, period.pk, form.cleaned_data["justification"])
        messages.success(request, "Perioden är öppen igen. Åtgärden är loggad.")
        return redirect("styrkort:overview", period_id=period.pk)
    return render(
        request,
        "styrkort/reopen.html",
        _ctx(period, access, "overview", form=form),
        status=422 if request.method == "POST" else 200,
    )


# --- audit log --------------------------------------------------------------------------------

AUDIT_COLUMNS = (
    "tidpunkt",
    "användare",
    "händelse",
    "period",
    "vad",
    "fält",
    "från",
    "till",
    "motivering",
)


def _audit_rows(org: m.Organisation, request: HttpRequest) -> Any:
    qs = m.AuditEntry.objects.filter(organisation=org).select_related("period")
    period = request.GET.get("period", "")
    if period.isdigit():
        qs = qs.filter(period_id=int(period))
    return qs


@require_GET
def audit_log(request: HttpRequest, org_id: int) -> HttpResponse:
    org, access = load_organisation(request, org_id)
    access.require_audit()
    entries = list(_audit_rows(org, request)[:500])
    return render(
        request,
        "styrkort/audit.html",
        {
            "org": org,
            "access": access,
            "entries": entries,
            "active": "audit",
            "periods": org.periods.all(),
            "selected": request.GET.get("period", ""),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_csv(request: HttpRequest, org_id: int) -> StreamingHttpResponse:
    org, access = load_organisation(request, org_id)
    access.require_audit()
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(AUDIT_COLUMNS)
        for e in _audit_rows(org, request).iterator():
            yield writer.writerow(
                [
                    timezone.localtime(e.at).isoformat(timespec="seconds"),
                    e.username,
                    e.action,
                    e.period.title if e.period else "",
                    e.target,
                    e.field,
                    e.old,
                    e.new,
                    e.note,
                ]
            )

    resp = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="andringslogg-{org.pk}.csv"'
    return resp


# --- users and roles --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest, org_id: int) -> HttpResponse:
    org, access = load_organisation(request, org_id)
    access.require_admin()
    form = MembershipForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("ta_bort"):
        services.remove_membership(access, int(request.POST["ta_bort"]))
        messages.success(request, "Rollen har tagits bort.")
        return HttpResponseRedirect(reverse("styrkort:roles", args=[org.pk]))
    if request.method == "POST":
        if form.is_valid():
            user_model = get_user_model()
            data = form.cleaned_data
            user = user_model.objects.filter(username=data["username"]).first()
            if user is None:
                if not data["password"]:
                    form.add_error("password", "Ange ett lösenord för den nya användaren.")
                else:
                    from django.contrib.auth.password_validation import validate_password
                    from django.core.exceptions import ValidationError

                    try:
                        validate_password(data["password"])
                    except ValidationError as exc:
                        form.add_error("password", exc)
                    else:
                        user = user_model.objects.create_user(
                            data["username"], "", data["password"]
                        )
            if user is not None and not form.errors:
                services.set_membership(
                    access, user, data["role"], data["is_auditor"], data["owner_labels"]
                )
                messages.success(request, f"Rollen för {user.get_username()} har sparats.")
                return HttpResponseRedirect(reverse("styrkort:roles", args=[org.pk]))
        status = 422
    memberships = (
        m.Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("user__username")
    )
    return render(
        request,
        "styrkort/roles.html",
        {"org": org, "access": access, "form": form, "memberships": memberships, "active": "roles"},
        status=status,
    )

"""The screens (Swedish). Views parse input, call ``services`` for every change and the pipeline
for every status: assessment is never computed here (``assessed()`` runs the core pipeline on the
workspace built from the database by ``mapping.workspace_of``).
"""

from __future__ import annotations

import csv
import importlib
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from styrkort.core.assess import GoalResult, IndicatorResult
from styrkort.core.findings import SCREEN_NAMES, Finding, Severity, error
from styrkort.core.goals import Status
from styrkort.pipeline import PipelineResult, run_workspace
from styrkort.render import FORMATS, available_formats
from styrkort.render.html import render_html
from styrkort.report import format as fmt
from styrkort.report.history import trend_text
from styrkort.report.narrative import Figure, markdown_problems, substitute, to_blocks
from styrkort.web import assessment_cache, services, views_result
from styrkort.web import models as m
from styrkort.web.access import Access, Action, municipalities_for, organisations_for
from styrkort.web.datafiles import materialise, store_bytes
from styrkort.web.errors import Conflict, NotFound, Refusal
from styrkort.web.forms import (
    AssessmentForm,
    GoalCommentForm,
    IndicatorForm,
    JustificationForm,
    MembershipForm,
    NarrativeForm,
    db_int,
    parse_amount,
)
from styrkort.web.history import indicator_history
from styrkort.web.mapping import (
    INDICATOR_FIELDS,
    PeriodRows,
    screen_of,
    web_source,
    workspace_of,
)
from styrkort.web.report_charts import report_charts
from styrkort.web.rules import indicator_problems, missing_outcome_keys, plausibility_warnings
from styrkort.web.screen_findings import on_screen

# --- helpers ----------------------------------------------------------------------------------


def load_period(request: HttpRequest, period_id: int) -> tuple[m.Period, Access]:
    if db_int(period_id) is None:
        raise NotFound("Perioden finns inte eller så har du inte behörighet till den.")
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
    org = m.Organisation.objects.filter(pk=org_id).first() if db_int(org_id) is not None else None
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

    @cached_property
    def findings(self) -> list[Finding]:
        """The period's findings in the screens' words (screen_findings.on_screen)."""
        return [on_screen(f) for f in self.result.findings]


def run_period(
    period: m.Period, rows: PeriodRows | None = None, *, report: bool = True
) -> PipelineResult:
    """The pipeline over the period as its folder would run it: the metrics of computed
    indicators read the data files stored with the period (datafiles.materialise)."""
    rows = rows or assessment_cache.period_rows(period)
    computed = any(i.metric for i in rows.indicators)  # no query for a period without metrics
    if not computed:  # the same result while the period's content is the same
        return assessment_cache.run_period(period, rows, report=report)
    return run_workspace(workspace_of(period, rows), materialise(period), report=report)


def assessed(period: m.Period, *, report: bool = True) -> Assessment:
    """The core's assessment of the period; ``report=False`` for screens that show no report-level findings."""
    rows = assessment_cache.period_rows(period)
    result = run_period(period, rows, report=report)
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
    return db_int(request.POST.get("version", ""))


# --- start, overview --------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user)
    periods = list(m.Period.objects.filter(organisation__in=orgs).select_related("organisation"))
    if len(periods) == 1 and not municipalities_for(request.user):
        return redirect("styrkort:overview", period_id=periods[0].pk)
    return render(request, "styrkort/home.html", {"periods": periods, "orgs": orgs})


# A placeholder id in a reversed URL, replaced by each row's id (no real id is this large).
URL_SLOT = 2_147_483_647


@require_GET
def overview(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a = assessed(period)
    # The rows the pipeline was given: indicators and goals are not read a second time.
    by_key = {i.key: i for i in a.rows.indicators}
    # Links computed once per indicator (the page shows some indicators up to three times).
    # (one reverse(): per indicator it was a tenth of a 500-indicator page's time); the ids
    # are part of the content, so once per content
    url = reverse("styrkort:indicator", args=[period.pk, URL_SLOT])
    urls = assessment_cache.derived(
        a.result,
        "overview.urls",
        lambda: {i.pk: url.replace(str(URL_SLOT), str(i.pk)) for i in a.rows.indicators},
    )

    def goal_tables() -> str:
        rows = [
            {
                "goal": goal,
                "result": a.goals[goal.key],
                "indicators": [(by_key[r.indicator.id], r) for r in a.goals[goal.key].indicators],
            }
            for goal in a.rows.goals
        ]
        # the trend per indicator, as the report's goal tables print it (arrow and word)
        trends = {
            key: trend_text(r, period.year)
            for key, r in a.indicators.items()
            if r.indicator.history
        }
        context = {"period": period, "groups": perspective_groups(a, rows), "urls": urls}
        return render_to_string("styrkort/_goal_tables.html", {**context, "trends": trends})

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
    # exactly the indicator.no_outcome check's rule: the indicators its findings name
    missing: dict[str, list[m.Indicator]] = defaultdict(list)
    for key in missing_outcome_keys(a.findings):
        if key in by_key:
            missing[by_key[key].owner or "Ingen ägare angiven"].append(by_key[key])
    for inds in missing.values():
        inds.sort(key=lambda i: (i.goal.position, i.position))
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
    if access.is_owner:
        access.seed_submitted(period, my_submission is not None)
    # one query for every owner, submitted or not (the page's cost does not depend on it)
    returned = services.last_return(period, request.user) if access.is_owner else None

    def summary_section() -> str:
        goal_counts = []
        for goal in a.rows.goals:
            results = a.goals[goal.key].indicators
            goal_counts.append(
                {
                    "goal": goal,
                    "counts": [(s, sum(1 for r in results if r.status is s)) for s in Status],
                    "total": len(results),
                }
            )
        done = a.result.assessed
        context = {
            "period": period,
            "summary": done.summary if done else None,
            "counts": [(s, done.summary.count(s)) for s in Status] if done else [],
            "goal_counts": goal_counts,
            "errors": sum(1 for f in a.findings if f.severity is Severity.ERROR),
            "warnings": sum(1 for f in a.findings if f.severity is Severity.WARNING),
            "charts": report_charts(a.result.report),
        }
        return render_to_string("styrkort/_overview_summary.html", context)

    # An owner's to-do list: their indicators, those without an outcome first.
    todo = sorted(
        ((ind, a.indicators[ind.key]) for ind in by_key.values() if access.owns(ind)),
        key=lambda pair: (
            pair[1].computed is not Status.NO_VALUE,
            pair[0].goal.position,
            pair[0].position,
        ),
    )
    return render(
        request,
        "styrkort/overview.html",
        _ctx(
            period,
            access,
            "overview",
            # the same for every user while the period's content is the same: rendered once
            goal_tables=assessment_cache.derived(a.result, "overview.goal_tables", goal_tables),
            summary_section=assessment_cache.derived(a.result, "overview.summary", summary_section),
            urls=urls,
            missing=missing_rows,
            owner_states=owner_states,
            my_submission=my_submission,
            returned=returned,
            can=access.allowed(period),
            todo=todo,
        ),
    )


def perspective_groups(a: Assessment, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The overview's goal rows grouped as the report groups them: goals outside any declared
    perspective first, then one group per perspective with core's counts and verdict for it
    (``Assessed.perspectives``); one group without a heading when there are no perspectives."""
    ws, done = a.result.workspace, a.result.assessed
    perspectives = ws.perspectives if ws is not None else ()
    if not perspectives or done is None:
        return [{"perspective": None, "rows": rows}]
    summaries = {s.perspective: s for s in done.perspectives}
    known = {p.id for p in perspectives}
    groups: list[dict[str, Any]] = []
    loose = [r for r in rows if r["goal"].perspective not in known]
    if loose:
        groups.append({"perspective": None, "rows": loose})
    for p in perspectives:
        summary = summaries[p.id]
        groups.append(
            {
                "perspective": p,
                "summary": summary,
                "counts": [(s, summary.count(s)) for s in Status if summary.count(s)],
                "rows": [r for r in rows if r["goal"].perspective == p.id],
            }
        )
    return groups


# --- indicator --------------------------------------------------------------------------------


def _indicator(period: m.Period, indicator_id: int) -> m.Indicator:
    ind = (
        m.Indicator.objects.select_related("goal").filter(pk=indicator_id, period=period).first()
        if db_int(indicator_id) is not None
        else None
    )
    if ind is None:
        raise NotFound("Indikatorn finns inte.")
    return ind


INDICATOR_FORM_FIELDS = (
    "outcome",
    "forecast",
    "comment",
    "target",
    "baseline",
    "unit",
    "direction",
    "owner",
)


@require_http_methods(["GET", "POST"])
def indicator(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a: Assessment | None = None
    conflict: list[dict[str, str]] = []
    if request.method == "POST":
        ind = _indicator(period, indicator_id)
        # Permission before validation: what was sent must be the user's to change.
        sent = {k for k in request.POST if k in INDICATOR_FORM_FIELDS}
        access.require(Action.EDIT_OUTCOME, period, ind)
        access.require_fields(period, ind, sent)
    else:
        # The indicator is one of the rows the pipeline reads anyway: no query of its own.
        a = assessed(period, report=False)
        found = next((i for i in a.rows.indicators if i.pk == indicator_id), None)
        if found is None:
            raise NotFound("Indikatorn finns inte.")
        ind = found
    editable = access.editable_fields(period, ind)
    kwargs = {"indicator": ind, "editable": editable, "interim": period.kind == "interim"}
    status = 200
    if request.method == "POST":
        # Fields the client did not send keep their stored value (also when the form is shown again).
        data = request.POST.copy()
        for name in INDICATOR_FORM_FIELDS:
            if name not in data:
                data[name] = getattr(ind, name)
        form = IndicatorForm(data, **kwargs)
        if form.is_valid():
            changes = {k: v for k, v in form.changes().items() if k in sent}
            try:
                services.update_indicator(
                    access,
                    ind.pk,
                    form.cleaned_data["version"],
                    changes,
                    note=form.plausible_note(),
                )
            except Conflict as exc:
                # Nothing typed is lost: both versions side by side, the form keeps the user's
                # text with the saved version, so "save mine" overwrites knowingly.
                ind.refresh_from_db()
                conflict = [
                    {
                        "name": k,
                        "label": INDICATOR_FIELDS.get(k, k),
                        "mine": v,
                        "theirs": getattr(ind, k),
                    }
                    for k, v in changes.items()
                    if getattr(ind, k) != v
                ]
                data["version"] = str(ind.version)
                form = IndicatorForm(data, **kwargs)
                form.is_valid()
                messages.error(request, exc.message)
                status = 409
            else:
                messages.success(request, "Indikatorn har sparats.")
                return redirect("styrkort:indicator", period_id=period.pk, indicator_id=ind.pk)
        else:
            status = 422
    else:
        initial = {f: getattr(ind, f) for f in INDICATOR_FORM_FIELDS}
        form = IndicatorForm(initial={**initial, "version": ind.version}, **kwargs)
    if a is None:
        a = assessed(period, report=False)  # only this indicator's findings are shown
    return _indicator_page(request, period, access, ind, a, form, None, status, conflict)


def _indicator_page(
    request: HttpRequest,
    period: m.Period,
    access: Access,
    ind: m.Indicator,
    a: Assessment,
    form: IndicatorForm,
    assess_form: AssessmentForm | None,
    status: int,
    conflict: list[dict[str, str]] | None = None,
) -> HttpResponse:
    history = m.AuditEntry.objects.filter(period=period, target=f"indikator {ind.key}")[:50]
    if assess_form is None:
        assess_form = AssessmentForm(
            initial={
                "version": ind.version,
                "status": ind.manual_status,
                "justification": ind.manual_justification,
            }
        )
    result = a.indicators.get(ind.key)
    metric = a.result.assessed.computed.get(ind.key) if a.result.assessed else None
    past = indicator_history(a.result, ind.key)
    return render(
        request,
        "styrkort/indicator.html",
        _ctx(
            period,
            access,
            "overview",
            indicator=ind,
            result=result,
            metric=metric,
            data_files=list(m.DataFile.objects.filter(period=period).defer("content"))
            if ind.metric
            else [],
            form=form,
            assess_form=assess_form,
            history=history,
            past=past,
            can=access.allowed(period, ind),
            can_edit=bool(access.editable_fields(period, ind)),
            conflict=conflict or [],
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
    """HTMX: validate an outcome as it is typed (no change is saved); core decides."""
    period, _access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    field = (
        "forecast" if "forecast" in request.POST and "outcome" not in request.POST else "outcome"
    )
    text = request.POST.get(field, "").strip()
    problem = indicator_problems(ind, {field: text}).get(field) if text else None
    warning = None if problem or not text else plausibility_warnings(ind, {field: text}).get(field)
    return render(
        request, "styrkort/_check.html", {"problem": problem, "warning": warning, "text": text}
    )


@require_POST
def indicator_assess(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    access.require(Action.ASSESS, period, ind)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        # Shown inline at the field, with the chosen status kept (nothing typed is lost).
        editable = access.editable_fields(period, ind)
        iform = IndicatorForm(
            initial={**{f: getattr(ind, f) for f in INDICATOR_FORM_FIELDS}, "version": ind.version},
            indicator=ind,
            editable=editable,
            interim=period.kind == "interim",
        )
        return _indicator_page(
            request, period, access, ind, assessed(period, report=False), iform, form, 422
        )
    services.assess_indicator(
        access,
        ind.pk,
        form.cleaned_data["version"],
        form.cleaned_data["status"],
        form.cleaned_data["justification"],
    )
    messages.success(request, "Bedömningen har sparats.")
    return redirect(reverse("styrkort:indicator", args=[period.pk, ind.pk]) + "#bedomning")


# The largest data file a controller may upload (bytes); STYRKORT_MAX_DATA_FILE_BYTES.
MAX_DATA_FILE_BYTES = int(os.environ.get("STYRKORT_MAX_DATA_FILE_BYTES", str(50 * 1024 * 1024)))


@require_POST
def indicator_data(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    """Upload a new version of the data file a computed indicator's metric reads."""
    period, access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    access.require(Action.UPLOAD_DATA, period, ind)
    spec = (ind.metric or {}) if isinstance(ind.metric, dict) else {}
    path = str(spec.get("file") or "")
    upload = request.FILES.get("datafil")
    back = reverse("styrkort:indicator", args=[period.pk, ind.pk]) + "#datafiler"
    if not path:
        raise NotFound("Indikatorn beräknas inte från någon datafil.")
    if upload is None:
        messages.error(request, "Välj en fil att ladda upp.")
        return redirect(back)
    if upload.size is None or upload.size > MAX_DATA_FILE_BYTES:
        messages.error(
            request,
            f"Filen är för stor (högst {MAX_DATA_FILE_BYTES // (1024 * 1024)} MB).",
        )
        return redirect(back)
    data = upload.read()
    with transaction.atomic():
        row = store_bytes(period, path, data, request.user.get_username())
        services.audit(
            request.user,
            period.organisation,
            period,
            "ladda upp",
            f"indikator {ind.key}",
            "datafil",
            "",
            f"{path} ({row.size} byte, SHA-256 {row.sha256[:12]}…)",
        )
    messages.success(request, f"Datafilen {path} har laddats upp; utfallet är beräknat på nytt.")
    return redirect(back)


# --- goal -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def goal(request: HttpRequest, period_id: int, goal_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    g = m.Goal.objects.filter(pk=goal_id, period=period).first() if db_int(goal_id) else None
    if g is None:
        raise NotFound("Målet finns inte.")
    aform = cform = None
    if request.method == "POST":
        if request.POST.get("form") == "bedomning":
            access.require(Action.ASSESS, period, g)
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
                return redirect("styrkort:goal", period_id=period.pk, goal_id=g.pk)
        else:
            access.require(Action.EDIT_GOAL, period, g)
            cform = GoalCommentForm(request.POST)
            if cform.is_valid():
                services.update_goal_comment(
                    access, g.pk, cform.cleaned_data["version"], cform.cleaned_data["comment"]
                )
                messages.success(request, "Kommentaren har sparats.")
                return redirect("styrkort:goal", period_id=period.pk, goal_id=g.pk)
    a = assessed(period, report=False)
    result = a.goals.get(g.key)
    ws = a.result.workspace
    rule = ws.settings.rule if ws is not None else None
    return render(
        request,
        "styrkort/goal.html",
        _ctx(
            period,
            access,
            "overview",
            goal=g,
            result=result,
            # the rule in force for this goal, in core's own words (the report prints the same)
            rule_lines=rule.rule_for(result.goal).describe() if rule and result else [],
            tolerance=rule.tolerance if rule else None,
            indicators={i.key: i for i in g.indicators.all()},
            comment_form=cform
            or GoalCommentForm(initial={"version": g.version, "comment": g.comment}),
            assess_form=aform
            or AssessmentForm(
                initial={
                    "version": g.version,
                    "status": g.manual_status,
                    "justification": g.manual_justification,
                }
            ),
            can=access.allowed(period, g),
            error_form=aform if aform is not None and aform.errors else cform,
            history=m.AuditEntry.objects.filter(period=period, target=f"mål {g.key}")[:50],
        ),
        status=422 if request.method == "POST" else 200,
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
    conflict = False
    result_errors: dict[str, str] = {}  # the Resultat form (web/views_result.py)
    if request.method == "POST" and request.POST.get("form") == "resultat":
        result_errors = views_result.save(request, period, access)
        if not result_errors:
            return redirect("styrkort:finance", period_id=period.pk)
    elif request.method == "POST":
        access.require(Action.EDIT_FINANCE, period)
        values: dict[tuple[str, int, str], Decimal | None] = {}
        for name, text in request.POST.items():
            parts = name.split("-")
            if len(parts) != 3 or parts[0] not in services.FINANCE_TABLES:
                continue
            table, row_id, field = parts[0], parts[1], parts[2]
            if db_int(row_id) is None or field not in services.FINANCE_TABLES[table][1]:
                continue
            try:
                amount = parse_amount(text)
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            if amount is None and field in services.REQUIRED_AMOUNTS:
                errors[name] = "Beloppet måste anges; skriv 0 om inget."
                continue
            values[(table, int(row_id), field)] = amount
        conflict = False
        if not errors:
            try:
                changed = services.update_finance(access, period.pk, _version(request), values)
            except Conflict as exc:
                # the typed amounts stay in the form; saving again overwrites knowingly
                messages.error(request, exc.message + " Dina belopp står kvar i formuläret.")
                period.refresh_from_db()
                conflict = True
            else:
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
    members = dict(period.organisation.members.values_list("key", "name"))
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
                        or f"{r.project}{' – ' + members.get(r.member, r.member) if r.member else ''}",
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
            can_edit=access.may(Action.EDIT_FINANCE, period),
            errors=errors,
            **views_result.context(
                request,
                period,
                a.result.findings,
                a.result.assessed.board_result if a.result.assessed else None,
                result_errors,
            ),
        ),
        status=422 if errors or result_errors else 409 if conflict else 200,
    )


def _amount_text(value: Any) -> str:
    """Kronor as the report writes figures (report.format): ``−34 559 000``."""
    return "" if value is None else fmt.number(Decimal(value), keep=True)


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
    sec = (
        m.NarrativeSection.objects.filter(pk=section_id, period=period).first()
        if db_int(section_id)
        else None
    )
    if sec is None:
        raise NotFound("Texten finns inte.")
    if request.method == "POST":
        access.require(Action.EDIT_NARRATIVE, period, sec)
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
    shown = request.POST.get("markdown", "") if request.method == "POST" else sec.markdown
    preview, findings = _narrative_preview(period, sec, shown)
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
            can_edit=access.may(Action.EDIT_NARRATIVE, period, sec),
            history=m.AuditEntry.objects.filter(period=period, target=f"berättelse {sec.key}")[:30],
        ),
        status=422 if request.method == "POST" else 200,
    )


def _narrative_preview(
    period: m.Period, sec: m.NarrativeSection, markdown: str
) -> tuple[list[Any], list[Finding]]:
    result = run_period(period)
    figures = {k: Figure(v) for k, v in result.report.figures.items()} if result.report else {}
    text, found = substitute(markdown, figures, web_source("berättelse", sec.key, line=1))
    # what the folder only warns about, the editor refuses: one error per problem, not both
    findings = [on_screen(f) for f in found if f.code != "narrative.unsupported"]
    src = web_source("berättelse", sec.key, "text")
    findings += [
        error(src, "narrative.unsupported", problem, "Ändra texten; den sparas inte så här.")
        for problem in markdown_problems(markdown)
    ]
    return list(to_blocks(text)), findings


@require_POST
def narrative_preview(request: HttpRequest, period_id: int, section_id: int) -> HttpResponse:
    """HTMX: the Markdown with live figures, as it will read in the report (nothing is saved)."""
    period, _access = load_period(request, period_id)
    sec = (
        m.NarrativeSection.objects.filter(pk=section_id, period=period).first()
        if db_int(section_id)
        else None
    )
    if sec is None:
        raise NotFound("Texten finns inte.")
    preview, findings = _narrative_preview(period, sec, request.POST.get("markdown", ""))
    return render(
        request, "styrkort/_preview.html", {"preview": preview, "preview_findings": findings}
    )


# --- findings, report ---------------------------------------------------------------------------


def _finding_link(
    period: m.Period,
    f: Finding,
    ind_ids: dict[str, int],
    goal_ids: dict[str, int],
    narr_ids: dict[str, int],
    labels: dict[tuple[str, str], str],
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
        "screen": SCREEN_NAMES.get(screen, screen or f.source.file),
        "key": labels.get((screen, key), key),
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
    labels = (
        {("indikator", i.key): i.text for i in a.rows.indicators}
        | {("mål", g.key): g.title for g in a.rows.goals}
        | {("berättelse", n.key): n.title for n in a.rows.narrative}
    )
    items = [_finding_link(period, f, ids, gids, nids, labels) for f in a.findings]
    return render(request, "styrkort/findings.html", _ctx(period, access, "findings", items=items))


@require_GET
def report(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    result = run_period(period)
    # the checks' findings are on their own screen, located by screen and field (the report's
    # list would show internal web: sources)
    fragment = (
        render_html(result.report, standalone=False, show_findings=False) if result.report else ""
    )
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
    result = run_period(period)
    assert result.assessed is not None
    ws = result.assessed.workspace
    assert result.report is not None
    module = importlib.import_module(f"styrkort.render.{FORMATS[fmt][0]}")
    with tempfile.TemporaryDirectory(prefix="styrkort-") as tmp:
        if fmt == "docx" and ws.word_template in ws.assets:
            # the municipality's own Word template, stored on import (publication.word_template)
            template = Path(tmp) / "mall.docx"
            template.write_bytes(ws.assets[ws.word_template])
            try:
                path = Path(module.write(result.report, Path(tmp) / "ut", template=template))
            except module.TemplateError as exc:
                raise Refusal(
                    "Word-mallen kunde inte användas: " + " ".join(f.message for f in exc.findings),
                    "Rätta mallen i arbetsytan och läs in den igen.",
                ) from exc
        else:
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


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("bekrafta") == "ja"


def _confirm_page(
    request: HttpRequest,
    period: m.Period,
    access: Access,
    *,
    title: str,
    text: str,
    button: str,
    action: str,
    blockers: list[str] | None = None,
    reason: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """A confirmation step before an action that is hard to undo (nothing has changed yet)."""
    return render(
        request,
        "styrkort/confirm.html",
        _ctx(
            period,
            access,
            "overview",
            title=title,
            text=text,
            button=button,
            action=action,
            blockers=blockers or [],
            reason=reason,
            reason_value=request.POST.get(reason["name"], "") if reason else "",
            error=error,
        ),
        status=status,
    )


@require_POST
def submit(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    access.require(Action.SUBMIT, period)
    if not _confirmed(request):
        return _confirm_page(
            request,
            period,
            access,
            title="Lämna in dina indikatorer?",
            text="Efter inlämningen kan du inte ändra dina indikatorer, om inte controllern återlämnar inlämningen.",
            button="Ja, lämna in",
            action=reverse("styrkort:submit", args=[period.pk]),
        )
    services.submit(access, period.pk)
    messages.success(request, "Dina indikatorer är inlämnade till controllern.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def return_submission(request: HttpRequest, period_id: int, user_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    access.require(Action.RETURN_SUBMISSION, period)
    user = get_user_model().objects.filter(pk=user_id).first() if db_int(user_id) else None
    if user is None:
        raise NotFound("Användaren finns inte.")
    name = user.get_username()
    reason = request.POST.get("motivering", "").strip()
    if not _confirmed(request) or not reason:
        return _confirm_page(
            request,
            period,
            access,
            title=f"Återlämna inlämningen till {name}?",
            text=f"{name} kan då ändra sina indikatorer igen. Skriv vad som ska rättas; {name} ser motiveringen på översikten.",
            button="Återlämna",
            action=reverse("styrkort:return_submission", args=[period.pk, user_id]),
            reason={"name": "motivering", "label": "Vad ska rättas (obligatorisk)"},
            error="Skriv vad som ska rättas." if _confirmed(request) else "",
            status=422 if _confirmed(request) else 200,
        )
    services.return_submission(access, period.pk, user_id, reason)
    messages.success(request, "Inlämningen är återlämnad; ägaren kan ändra igen.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def approve(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    access.require(Action.APPROVE, period)
    a = assessed(period, report=False)
    blockers = services.approval_blockers(
        period, sum(1 for f in a.findings if f.severity is Severity.ERROR)
    )
    override = request.POST.get("motivering", "").strip()
    if not _confirmed(request) or (blockers and not override):
        return _confirm_page(
            request,
            period,
            access,
            title="Godkänn perioden?",
            text="Efter godkännandet kan inget ändras förrän perioden återöppnas.",
            button="Godkänn ändå" if blockers else "Ja, godkänn",
            action=reverse("styrkort:approve", args=[period.pk]),
            blockers=blockers,
            reason={
                "name": "motivering",
                "label": "Varför godkänns perioden trots detta (obligatorisk)",
            }
            if blockers
            else None,
            error="Skriv varför perioden godkänns trots fel eller saknade inlämningar."
            if _confirmed(request)
            else "",
            status=422 if _confirmed(request) else 200,
        )
    services.approve(access, period.pk, blockers, override)
    messages.success(request, "Perioden är godkänd.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_POST
def lock(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    access.require(Action.LOCK, period)
    if not _confirmed(request):
        return _confirm_page(
            request,
            period,
            access,
            title="Lås perioden?",
            text="En låst period kan inte ändras; bara en administratör kan låsa upp den.",
            button="Ja, lås",
            action=reverse("styrkort:lock", args=[period.pk]),
        )
    services.lock(access, period.pk)
    messages.success(request, "Perioden är låst. Inga ändringar kan göras.")
    return redirect("styrkort:overview", period_id=period.pk)


@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, period_id: int) -> HttpResponse:
    """Reopen: a locked period by an administrator, an approved one by the controller; justified."""
    period, access = load_period(request, period_id)
    locked = period.state == m.PeriodState.LOCKED
    access.require(Action.REOPEN if locked else Action.UNAPPROVE, period)
    form = JustificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if locked:
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
    if db_int(period) is not None:
        qs = qs.filter(period_id=int(period))
    return qs


_TARGET_KINDS = {
    "indikator": "Indikator",
    "mål": "Nämndmål",
    "berättelse": "Text",
    "period": "Period",
    "användare": "Användare",
    "drift": "Driftredovisning",
    "investeringar": "Investeringsredovisning",
    "ramar": "Flerårig ram",
}


def _target_labels(org: m.Organisation) -> dict[tuple[int, str, str], str]:
    """(period id, kind, key) → the name a person reads, for the audit log's ``target``."""
    out: dict[tuple[int, str, str], str] = {}
    for model, kind, attr in (
        (m.Indicator, "indikator", "text"),
        (m.Goal, "mål", "title"),
        (m.NarrativeSection, "berättelse", "title"),
    ):
        for pid, key, label in model.objects.filter(period__organisation=org).values_list(
            "period_id", "key", attr
        ):
            out[(pid, kind, key)] = label
    return out


def target_label(entry: m.AuditEntry, labels: dict[tuple[int, str, str], str]) -> str:
    """``indikator akut-30min`` → ``Indikator: Andel akuta incidenter …`` (the key as a last resort)."""
    kind, _, key = entry.target.partition(" ")
    label = labels.get((entry.period_id or 0, kind, key), key)
    return f"{_TARGET_KINDS.get(kind, kind.capitalize())}: {label}" if key else entry.target


# A cell that a spreadsheet would read as a formula (or a command) starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A text cell for CSV export that no spreadsheet runs as a formula: a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_START) else value


@require_GET
def audit_log(request: HttpRequest, org_id: int) -> HttpResponse:
    org, access = load_organisation(request, org_id)
    access.require(Action.READ_AUDIT)
    entries = list(_audit_rows(org, request)[:500])
    labels = _target_labels(org)
    for e in entries:
        e.label = target_label(e, labels)
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
    """The audit log as CSV for Swedish Excel: ``;``, UTF-8 with BOM, labels instead of keys,
    and no cell that Excel would run as a formula."""
    org, access = load_organisation(request, org_id)
    access.require(Action.READ_AUDIT)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    labels = _target_labels(org)

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(AUDIT_COLUMNS)
        for e in _audit_rows(org, request).iterator():
            yield writer.writerow(
                [
                    neutralise(str(v))
                    for v in (
                        timezone.localtime(e.at).isoformat(timespec="seconds"),
                        e.username,
                        e.action,
                        e.period.title if e.period else "",
                        target_label(e, labels),
                        e.field,
                        e.old,
                        e.new,
                        e.note,
                    )
                ]
            )

    resp = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="andringslogg-{org.pk}.csv"'
    return resp


# --- users and roles --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest, org_id: int) -> HttpResponse:
    org, access = load_organisation(request, org_id)
    access.require(Action.MANAGE_ROLES)
    form = MembershipForm(request.POST or None)
    status = 200
    if request.method == "POST" and request.POST.get("ta_bort"):
        ms_id = request.POST["ta_bort"]
        ms = (
            m.Membership.objects.filter(pk=db_int(ms_id), organisation=org)
            .select_related("user")
            .first()
            if db_int(ms_id) is not None
            else None
        )
        if ms is None:
            raise NotFound("Rollen finns inte.")
        if not _confirmed(request):
            return render(
                request,
                "styrkort/confirm.html",
                {
                    "org": org,
                    "access": access,
                    "active": "roles",
                    "title": f"Ta bort rollen för {ms.user.get_username()}?",
                    "text": f"{ms.user.get_username()} förlorar då sin behörighet i {org.name} ({services.role_text(ms)}).",
                    "button": "Ja, ta bort rollen",
                    "action": reverse("styrkort:roles", args=[org.pk]),
                    "hidden": {"ta_bort": ms.pk},
                },
            )
        services.remove_membership(access, ms.pk)
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

"""Screens of the municipality (Swedish: /kommun/…): the list of municipalities, the overview of a
municipality's boards, its report, and its management (configuration, boards, roles).

Who may do what is asked of the one access policy (``Access.for_municipality``, web/access.py);
every figure comes from ``web/municipality.py``, which runs each board's period through the same
pipeline as the board's own screens.
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from styrkort.core.findings import Severity
from styrkort.render import FORMATS, available_formats
from styrkort.render.html import render_html
from styrkort.report import format as fmt
from styrkort.web import models as m
from styrkort.web import municipality as mu
from styrkort.web.access import Access, Action, municipalities_for
from styrkort.web.errors import NotFound, StateConflict
from styrkort.web.forms import db_int
from styrkort.web.templatetags.styrkort_tags import status
from styrkort.web.views import _content_type, _quote


def urls() -> list[URLPattern]:
    return [
        path("kommun/", municipality_list, name="municipality_list"),
        path("kommun/ny/", municipality_new, name="municipality_new"),
        path("kommun/<int:municipality_id>/", municipality_overview, name="municipality"),
        path(
            "kommun/<int:municipality_id>/hantera/",
            municipality_manage,
            name="municipality_manage",
        ),
        path(
            "kommun/<int:municipality_id>/rapport/",
            municipality_report,
            name="municipality_report",
        ),
        path(
            "kommun/<int:municipality_id>/rapport/<str:fmt>/",
            municipality_download,
            name="municipality_download",
        ),
        path(
            "kommun/<int:municipality_id>/kontrollera/",
            municipality_check,
            name="municipality_check",
        ),
    ]


def load_municipality(request: HttpRequest, municipality_id: int) -> tuple[m.Municipality, Access]:
    """The municipality and the user's access to it; 404 for someone without a role in it."""
    found = (
        m.Municipality.objects.filter(pk=municipality_id).first()
        if db_int(municipality_id) is not None
        else None
    )
    if found is None:
        raise NotFound("Kommunen finns inte eller så har du inte behörighet till den.")
    access = Access.for_municipality(request.user, found)
    access.require(Action.READ_MUNICIPALITY)
    return found, access


def _ctx(
    municipality: m.Municipality | None, access: Access, active: str, **extra: Any
) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "access": access,
        "active": active,
        "can": access.allowed(),
        **extra,
    }


# --- forms ------------------------------------------------------------------------------------


class MunicipalityForm(forms.Form):
    name = forms.CharField(
        label="Kommunens namn",
        max_length=200,
        widget=forms.TextInput(attrs={"id": "falt-namn", "autocomplete": "organization"}),
    )
    config = forms.CharField(
        label="Konfiguration (styrkort.yaml)",
        required=False,
        help_text=(
            "Samma innehåll som styrkort.yaml i en kommunmapp: kind: municipality, kommunens "
            "namn, rapportens titel, period, nämnderna (id och namn) med mera (docs/workspace.md)."
        ),
        widget=forms.Textarea(
            attrs={"id": "falt-konfiguration", "rows": 16, "spellcheck": "false"}
        ),
    )

    def clean_config(self) -> str:
        """A configuration with errors is not saved; the form shows it again with the errors
        (nothing typed is lost). Warnings are shown on the screens, and do not stop a save."""
        text: str = self.cleaned_data["config"]
        errors = mu.config_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text


class LinkForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Nämnd",
        coerce=int,
        widget=forms.Select(attrs={"id": "falt-namnd"}),
    )
    board_id = forms.CharField(
        label="Nämndens id i konfigurationen",
        max_length=100,
        help_text="Som i konfigurationens boards-lista, t.ex. ks.",
        widget=forms.TextInput(attrs={"id": "falt-namnd-id"}),
    )

    def __init__(self, *args: Any, organisations: list[m.Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class RoleForm(forms.Form):
    username = forms.CharField(
        label="Användarnamn",
        max_length=150,
        widget=forms.TextInput(attrs={"id": "falt-anvandare"}),
    )
    role = forms.ChoiceField(
        label="Roll i kommunen",
        choices=m.MunicipalityRole.choices,
        initial=m.MunicipalityRole.READER,  # least privilege unless chosen otherwise
        widget=forms.Select(attrs={"id": "falt-kommunroll"}),
    )


# --- screens ----------------------------------------------------------------------------------


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    access = Access.for_municipality(request.user, None)
    return render(
        request,
        "styrkort/municipality_list.html",
        _ctx(None, access, "municipalities", municipalities=municipalities_for(request.user)),
    )


@require_http_methods(["GET", "POST"])
def municipality_new(request: HttpRequest) -> HttpResponse:
    access = Access.for_municipality(request.user, None)
    access.require(Action.CREATE_MUNICIPALITY)
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = mu.create_municipality(
            access, form.cleaned_data["name"], form.cleaned_data["config"]
        )
        messages.success(request, f"{created.name} är skapad. Koppla nu kommunens nämnder.")
        return HttpResponseRedirect(reverse("styrkort:municipality_manage", args=[created.pk]))
    return render(
        request,
        "styrkort/municipality_new.html",
        _ctx(None, access, "municipalities", form=form),
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def municipality_overview(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality, access = load_municipality(request, municipality_id)
    ov = mu.overview(municipality)
    return render(
        request,
        "styrkort/municipality_overview.html",
        _ctx(
            municipality,
            access,
            "municipality",
            ov=ov,
            rows=[_row(r, ov.year, ov.balance_columns) for r in ov.rows],
            totals=_money(ov.totals) if ov.totals else None,
        ),
    )


def _money(r: Any) -> dict[str, str]:
    """A board's (or the totals') figures in tkr as the report prints them; the balanskrav
    columns "—" for a board that states no adjustment."""
    return {
        key: "—" if getattr(r, key) is None else fmt.tkr(getattr(r, key))
        for key, _label in _MONEY_COLUMNS + _BALANCE_COLUMNS
    }


_MONEY_COLUMNS = (
    ("contribution", "Nämndbidrag"),
    ("revenues", "Intäkter"),
    ("costs", "Kostnader"),
    ("result", "Resultat"),
    ("budget_result", "Budgeterat resultat"),
    ("deviation", "Avvikelse"),
)


_BALANCE_COLUMNS = (
    ("balance_adjustment", "Justering balanskrav"),
    ("balance_result", "Balanskravsresultat"),
)


def _row(row: mu.BoardRow, year: int | None, balance: bool) -> SafeString:
    """One board's row of the overview table. Written here rather than in the template: with
    30 boards the template's lookups per cell were most of the page's time (as for the board
    overview's ``status`` filter, docs/performance.md)."""
    period, figures, state, name = row.period, row.figures, row.state, row.organisation.name
    head = (
        format_html(
            '<a href="{}">{}</a> <span class="sub">{}</span>',
            reverse("styrkort:overview", args=[period.pk]),
            name,
            period.title,
        )
        if period
        else name
    )
    state_html = format_html(
        '<span class="board-state board-state-{}"><span class="symbol" aria-hidden="true">{}'
        "</span> {}</span>",
        state.css,
        state.symbol,
        state.label,
    )
    verdict = status(figures.verdict) if figures else "—"
    if row.result is not None:
        money = _money(row.result)
        cells = format_html_join(
            "",
            '<td data-label="{}" class="num">{}</td>',
            (
                (label, money[key])
                for key, label in _MONEY_COLUMNS + (_BALANCE_COLUMNS if balance else ())
            ),
        )
    else:
        empty = "Ingen driftredovisning" if period else f"Ingen period för {year or 'året'}"
        cells = format_html(
            '<td data-label="Resultat" colspan="{}">{}</td>', 8 if balance else 6, empty
        )
    checks = (
        format_html(
            '<a href="{}">{} fel, {} varningar<span class="visually-hidden"> för {}</span></a>',
            reverse("styrkort:findings", args=[period.pk]),
            figures.errors,
            figures.warnings,
            name,
        )
        if figures and period
        else "—"
    )
    return format_html(
        '<tr id="namnd-{}"><th scope="row">{}</th><td data-label="Läge">{}</td>'
        '<td data-label="Samlad bedömning">{}</td>{}'
        '<td data-label="Kontroller" class="checks">{}</td></tr>',
        row.link.board_id,
        head,
        state_html,
        verdict,
        cells,
        checks,
    )


@require_POST
def municipality_check(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """HTMX: the configuration text's findings as the user types (nothing is saved)."""
    municipality, access = load_municipality(request, municipality_id)
    access.require(Action.MANAGE_MUNICIPALITY)
    config, findings = mu.read_config(request.POST.get("config", ""))
    problems = mu.config_problems(config, findings, mu.links_of(municipality))
    return render(
        request,
        "styrkort/municipality_check.html",
        {"problems": problems, "config": config},
    )


@require_http_methods(["GET", "POST"])
def municipality_manage(request: HttpRequest, municipality_id: int) -> HttpResponse:
    municipality, access = load_municipality(request, municipality_id)
    access.require(Action.MANAGE_MUNICIPALITY)
    here = reverse("styrkort:municipality_manage", args=[municipality.pk])
    what = request.POST.get("gor", "")
    form = MunicipalityForm(
        request.POST if what == "spara" else None,
        initial={"name": municipality.name, "config": municipality.config},
    )
    linkable = mu.linkable_organisations(access)
    link_form = LinkForm(request.POST if what == "koppla" else None, organisations=linkable)
    role_form = RoleForm(request.POST if what == "roll" else None)
    status = 200
    if what == "spara":
        if form.is_valid():
            mu.update_municipality(
                access,
                form.cleaned_data["name"],
                form.cleaned_data["config"],
                db_int(request.POST.get("version", "")),
            )
            messages.success(request, "Kommunens uppgifter är sparade.")
            return HttpResponseRedirect(here)
        status = 422
    elif what == "koppla":
        if form_ok := link_form.is_valid():
            org = next(
                (o for o in linkable if o.pk == link_form.cleaned_data["organisation"]), None
            )
            if org is None:
                link_form.add_error("organisation", "Välj en nämnd i listan.")
                form_ok = False
            else:
                mu.link_board(access, org, link_form.cleaned_data["board_id"])
                messages.success(request, f"{org.name} är kopplad till {municipality.name}.")
                return HttpResponseRedirect(here)
        status = 422 if not form_ok else status
    elif what == "koppla_fran":
        link_id = db_int(request.POST.get("koppling", ""))
        if link_id is None:
            raise NotFound("Nämnden är inte kopplad till kommunen.")
        mu.unlink_board(access, link_id)
        messages.success(request, "Nämnden är inte längre kopplad till kommunen.")
        return HttpResponseRedirect(here)
    elif what == "roll":
        access.require(Action.MANAGE_MUNICIPALITY_ROLES)
        if role_form.is_valid():
            user = (
                get_user_model().objects.filter(username=role_form.cleaned_data["username"]).first()
            )
            if user is None:
                role_form.add_error(
                    "username",
                    "Användaren finns inte. En administratör skapar användare under "
                    "Användare och roller i en nämnd, eller i Django admin.",
                )
                status = 422
            else:
                mu.set_municipality_role(access, user, role_form.cleaned_data["role"])
                messages.success(request, f"{user.get_username()} har fått sin roll i kommunen.")
                return HttpResponseRedirect(here)
        else:
            status = 422
    elif what == "ta_bort_roll":
        ms_id = db_int(request.POST.get("roll_id", ""))
        if ms_id is None:
            raise NotFound("Rollen finns inte.")
        mu.remove_municipality_role(access, ms_id)
        messages.success(request, "Rollen i kommunen har tagits bort.")
        return HttpResponseRedirect(here)
    config, findings = mu.read_config(municipality.config)
    links = mu.links_of(municipality)
    memberships = (
        list(municipality.memberships.select_related("user").order_by("user__username"))
        if access.may(Action.MANAGE_MUNICIPALITY_ROLES)
        else []
    )
    return render(
        request,
        "styrkort/municipality_manage.html",
        _ctx(
            municipality,
            access,
            "municipality_manage",
            form=form,
            link_form=link_form,
            role_form=role_form,
            links=links,
            linkable=linkable,
            memberships=memberships,
            problems=mu.config_problems(config, findings, links),
            config=config,
        ),
        status=status,
    )


@require_GET
def municipality_report(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """The municipality's report from the boards' approved periods, or which boards it waits for."""
    municipality, access = load_municipality(request, municipality_id)
    build = mu.build_report(municipality)
    fragment = render_html(build.report, standalone=False) if build.report is not None else ""
    findings = build.findings
    return render(
        request,
        "styrkort/municipality_report.html",
        _ctx(
            municipality,
            access,
            "municipality_report",
            build=build,
            fragment=fragment,
            errors=sum(1 for f in findings if f.severity is Severity.ERROR),
            warnings=sum(1 for f in findings if f.severity is Severity.WARNING),
            error_findings=[f for f in findings if f.severity is Severity.ERROR][:50],
            formats=[(f, FORMATS[f][1]) for f in available_formats()],
        ),
    )


@require_GET
def municipality_download(request: HttpRequest, municipality_id: int, fmt: str) -> HttpResponse:
    municipality, _access = load_municipality(request, municipality_id)
    if fmt not in available_formats():
        raise NotFound(f"Formatet {fmt} finns inte i denna installation.")
    build = mu.build_report(municipality)
    if build.report is None:
        raise StateConflict(
            "Kommunens rapport kan inte byggas än: alla nämnder måste vara godkända.",
            "Se Kommunens rapport för vilka nämnder som saknas.",
        )
    module = importlib.import_module(f"styrkort.render.{FORMATS[fmt][0]}")
    with tempfile.TemporaryDirectory(prefix="styrkort-") as tmp:
        written = Path(module.write(build.report, Path(tmp)))
        data = written.read_bytes()
    name = f"{municipality.name}-{build.overview.config.title if build.overview.config else ''}"
    resp = HttpResponse(data, content_type=_content_type(fmt))
    resp["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{_quote(name.strip('-').replace(' ', '-'))}{written.suffix}"
    )
    return resp

"""The owners' tools and self-service screens (issue 15, deliverables 5 and 6), in Swedish.

Permissions: ``web.owner_access`` (on top of ``web.access``). Changes: ``owner_services``,
``attachments``, ``selfservice`` and, for outcomes, ``web.services.update_indicator`` with the
single-indicator form (``forms.IndicatorForm``) for validation, so the grid has no rules of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from styrkort.web import attachments as att
from styrkort.web import models as m
from styrkort.web import owner_access as policy
from styrkort.web import reminders, selfservice, services
from styrkort.web.access import Access, Action
from styrkort.web.errors import Conflict, NotFound
from styrkort.web.forms import IndicatorForm
from styrkort.web.owner_services import post_comment, set_deadline
from styrkort.web.views import _ctx, assessed, load_organisation, load_period

# --- deadlines and who is late ----------------------------------------------------------------


class DeadlineForm(forms.Form):
    due = forms.DateField(
        label="Sista dag",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Lämna tomt för att ta bort tidsfristen.",
    )
    remind_days_before = forms.IntegerField(
        label="Påminn så många dagar före", min_value=0, max_value=60, initial=3
    )


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise services.Invalid(
            f"Datumet ”{text}” kan inte tolkas.", "Skriv datumet som ÅÅÅÅ-MM-DD."
        ) from None


@require_http_methods(["GET", "POST"])
def deadlines(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    policy.require_deadlines(access)
    today = timezone.localdate()
    period_deadline = m.Deadline.objects.filter(period=period, user=None).first()
    form = DeadlineForm(
        initial={
            "due": period_deadline.due if period_deadline else None,
            "remind_days_before": period_deadline.remind_days_before if period_deadline else 3,
        },
        auto_id="tidsfrist-%s",
    )
    status = 200
    if request.method == "POST":
        what = request.POST.get("form")
        if what == "period":
            form = DeadlineForm(request.POST, auto_id="tidsfrist-%s")
            if form.is_valid():
                set_deadline(
                    access,
                    period,
                    form.cleaned_data["due"],
                    form.cleaned_data["remind_days_before"],
                )
                messages.success(request, "Periodens sista dag är sparad.")
                return redirect("styrkort:owner_deadlines", period_id=period.pk)
            status = 422
        elif what == "owner":
            user_id = request.POST.get("user", "")
            user = (
                get_user_model().objects.filter(pk=int(user_id)).first()
                if user_id.isdigit()
                else None
            )
            if user is None:
                raise NotFound("Användaren finns inte.")
            due = _parse_date(request.POST.get("due", ""))
            days = period_deadline.remind_days_before if period_deadline else 3
            set_deadline(access, period, due, days, user=user)
            messages.success(
                request,
                f"Egen sista dag för {user.get_username()} är "
                + (f"{due.isoformat()}." if due else "borttagen; periodens gäller."),
            )
            return redirect("styrkort:owner_deadlines", period_id=period.pk)
        elif what == "send":
            result = reminders.send_due(today, [period])
            names = ", ".join(u for _p, u, _k in result.sent)
            n = len(result.sent)
            messages.success(
                request,
                f"{n} {'påminnelse' if n == 1 else 'påminnelser'} skickades"
                + (f" ({names})." if names else "."),
            )
            for _p, user_name, reason in result.skipped:
                messages.warning(request, f"Ingen påminnelse till {user_name}: {reason}.")
            return redirect("styrkort:owner_deadlines", period_id=period.pk)
    owners = reminders.owners(period, today, assessed(period, report=False).indicators)
    return render(
        request,
        "styrkort/owner_deadlines.html",
        _ctx(
            period,
            access,
            "deadlines",
            form=form,
            period_deadline=period_deadline,
            owners=owners,
            late=[o for o in owners if o.state is reminders.OwnerState.LATE],
            today=today,
        ),
        status=status,
    )


# --- comment thread and attachments -----------------------------------------------------------


def _indicator(period: m.Period, indicator_id: int) -> m.Indicator:
    ind = (
        m.Indicator.objects.select_related("goal", "period", "period__organisation")
        .filter(pk=indicator_id, period=period)
        .first()
    )
    if ind is None:
        raise NotFound("Indikatorn finns inte.")
    return ind


def _thread_page(
    request: HttpRequest,
    period: m.Period,
    access: Access,
    ind: m.Indicator,
    *,
    comment_error: str = "",
    comment_text: str = "",
    upload_error: str = "",
    status: int = 200,
) -> HttpResponse:
    can_thread = policy.can_read_thread(access, ind)
    return render(
        request,
        "styrkort/owner_thread.html",
        _ctx(
            period,
            access,
            "overview",
            indicator=ind,
            can_thread=can_thread,
            comments=list(ind.thread.all()) if can_thread else [],
            can_comment=can_thread and period.state != m.PeriodState.LOCKED,
            attachments=list(ind.attachments.all()),
            can_upload=policy.can_upload(access, ind) and period.state == m.PeriodState.OPEN,
            can_remove={
                a.pk for a in ind.attachments.all() if policy.can_remove_attachment(access, a)
            }
            if period.state == m.PeriodState.OPEN
            else set(),
            comment_error=comment_error,
            comment_text=comment_text,
            upload_error=upload_error,
            accept=",".join(f".{e}" for e in att.allowed_endings()),
            endings=", ".join(att.allowed_endings()),
            max_mb=f"{att.max_bytes() / 1_000_000:.0f}",
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            post_comment(access, ind, text)
        except services.Invalid as exc:
            return _thread_page(
                request,
                period,
                access,
                ind,
                comment_error=exc.message,
                comment_text=text,
                status=422,
            )
        messages.success(request, "Kommentaren är publicerad.")
        return redirect(reverse("styrkort:owner_thread", args=[period.pk, ind.pk]) + "#trad")
    return _thread_page(request, period, access, ind)


@require_POST
def attachment_upload(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    ind = _indicator(period, indicator_id)
    upload = request.FILES.get("fil")
    if upload is None:
        return _thread_page(
            request, period, access, ind, upload_error="Välj en fil att ladda upp.", status=422
        )
    try:
        att.store(access, ind, upload)
    except att.AttachmentRefused as exc:
        return _thread_page(
            request, period, access, ind, upload_error=f"{exc.message} {exc.hint}", status=422
        )
    messages.success(request, f"Bilagan ”{upload.name}” är uppladdad.")
    return redirect(reverse("styrkort:owner_thread", args=[period.pk, ind.pk]) + "#bilagor")


def _attachment(period: m.Period, attachment_id: int) -> m.Attachment:
    row = (
        m.Attachment.objects.select_related("indicator", "indicator__period")
        .filter(pk=attachment_id, indicator__period=period)
        .first()
    )
    if row is None:
        raise NotFound("Bilagan finns inte.")
    return row


@require_GET
def attachment_download(request: HttpRequest, period_id: int, attachment_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    if not policy.can_read_attachments(access):
        raise NotFound("Bilagan finns inte.")
    row = _attachment(period, attachment_id)
    path = att.path_of(row)
    if not path.is_file():
        raise NotFound("Bilagans fil saknas på servern.", "Be administratören återställa den.")
    resp = FileResponse(path.open("rb"), as_attachment=True, filename=row.name)
    # The type chosen at upload, never sniffed; nothing in it may run in the app's origin.
    resp["Content-Type"] = row.content_type
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp


@require_POST
def attachment_remove(request: HttpRequest, period_id: int, attachment_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    row = _attachment(period, attachment_id)
    att.remove(access, row)
    messages.success(request, f"Bilagan ”{row.name}” är borttagen.")
    return redirect(
        reverse("styrkort:owner_thread", args=[period.pk, row.indicator_id]) + "#bilagor"
    )


# --- bulk-entry grid --------------------------------------------------------------------------

GRID_FIELDS = ("outcome", "forecast", "comment")


@dataclass
class GridRow:
    indicator: m.Indicator
    form: IndicatorForm
    result: Any
    error: str = ""
    saved: bool = False
    comments: int = 0
    attachments: int = 0

    def value(self, name: str) -> str:
        return str(self.form.data.get(name, "")) if self.form.is_bound else ""

    @property
    def anchor(self) -> str:
        if "plausible" in self.form.errors and not self.form.errors.get("outcome"):
            return f"i{self.indicator.pk}-plausible"
        return f"i{self.indicator.pk}-outcome"


def _row_data(post: Any, ind: m.Indicator, interim: bool) -> dict[str, str]:
    prefix = f"i{ind.pk}-"
    data = {"version": post.get(prefix + "version", "")}
    for name in GRID_FIELDS:
        if name == "forecast" and not interim:
            continue
        data[name] = post.get(prefix + name, getattr(ind, name))
    # the reason for saving a value that looks wrong (forms.IndicatorForm.plausible)
    data["plausible"] = post.get(prefix + "plausible", "")
    return data


def _saved_text(n: int) -> str:
    return f"{n} {'indikator' if n == 1 else 'indikatorer'} sparades."


@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    a = assessed(period, report=False)
    label = request.GET.get("agare", "").strip() if access.is_controller else ""
    indicators = policy.grid_indicators(access, list(a.rows.indicators))
    if label:
        indicators = [i for i in indicators if i.owner.strip().casefold() == label.casefold()]
    interim = period.kind == "interim"
    editable = access.may(Action.EDIT_OUTCOME, period)
    rows: list[GridRow] = []
    status = 200
    kwargs = {"interim": interim}

    def grid_fields(ind: m.Indicator) -> set[str]:
        # the grid's fields that the one policy lets this user change on this indicator
        return access.editable_fields(period, ind) & set(GRID_FIELDS) or set(GRID_FIELDS)

    if request.method == "POST":
        access.require(Action.EDIT_OUTCOME, period)
        saved = 0
        for ind in indicators:
            if f"i{ind.pk}-version" not in request.POST:
                # not on the page the user saw (e.g. assigned since): shown, not touched
                data = {"version": str(ind.version), **{f: getattr(ind, f) for f in GRID_FIELDS}}
                rows.append(
                    GridRow(
                        ind,
                        IndicatorForm(data, indicator=ind, editable=grid_fields(ind), **kwargs),
                        None,
                    )
                )
                continue
            data = _row_data(request.POST, ind, interim)
            form = IndicatorForm(data, indicator=ind, editable=grid_fields(ind), **kwargs)
            row = GridRow(ind, form, a.indicators.get(ind.key))
            rows.append(row)
            if not form.is_valid():
                continue
            changes = form.changes()
            if all(getattr(ind, k) == v for k, v in changes.items()):
                continue
            try:
                services.update_indicator(
                    access,
                    ind.pk,
                    form.cleaned_data["version"],
                    changes,
                    note=form.plausible_note(),
                )
            except Conflict as exc:
                fresh = m.Indicator.objects.get(pk=ind.pk)
                # The typed text stays; the row now carries the saved version, so saving again
                # is a deliberate choice to replace it.
                data["version"] = str(fresh.version)
                row.error = (
                    f"{exc.message} Sparad version: ”{fresh.outcome or '—'}”. "
                    "Spara igen för att ersätta den med din text, eller ändra fältet."
                )
                continue
            row.saved = True
            saved += 1
        failed = [r for r in rows if r.error or r.form.errors]
        if not failed:
            messages.success(
                request,
                _saved_text(saved) if saved else "Inga ändringar att spara.",
            )
            return redirect(
                reverse("styrkort:owner_grid", args=[period.pk])
                + (f"?{urlencode({'agare': label})}" if label else "")
            )
        if saved:
            messages.success(request, _saved_text(saved))
        status = 422
        a = assessed(period, report=False)
        for r in rows:
            r.result = a.indicators.get(r.indicator.key)
            if r.saved:  # show the stored row with its new version
                fresh = m.Indicator.objects.get(pk=r.indicator.pk)
                r.form = IndicatorForm(
                    {"version": str(fresh.version), **{f: getattr(fresh, f) for f in GRID_FIELDS}},
                    indicator=fresh,
                    editable=grid_fields(fresh),
                    **kwargs,
                )
                r.indicator = fresh
    else:
        for ind in indicators:
            data = {"version": str(ind.version), **{f: getattr(ind, f) for f in GRID_FIELDS}}
            rows.append(
                GridRow(
                    ind,
                    IndicatorForm(data, indicator=ind, editable=grid_fields(ind), **kwargs),
                    a.indicators.get(ind.key),
                )
            )
    errors = (
        [
            (r, e)
            for r in rows
            for e in ([r.error] if r.error else [])
            + [f"{r.indicator.text}: {msg}" for msgs in r.form.errors.values() for msg in msgs]
        ]
        if request.method == "POST"
        else []
    )
    deadline = None
    if access.is_owner:
        deadline = (
            m.Deadline.objects.filter(period=period, user=request.user).first()
            or m.Deadline.objects.filter(period=period, user=None).first()
        )
    owner_labels = (
        sorted({i.owner for i in a.rows.indicators if i.owner}) if access.is_controller else []
    )
    shown = [r.indicator.pk for r in rows]
    comments = dict(
        m.IndicatorComment.objects.filter(indicator_id__in=shown)
        .values_list("indicator_id")
        .annotate(n=Count("pk"))
    )
    files = dict(
        m.Attachment.objects.filter(indicator_id__in=shown)
        .values_list("indicator_id")
        .annotate(n=Count("pk"))
    )
    for r in rows:
        r.comments, r.attachments = comments.get(r.indicator.pk, 0), files.get(r.indicator.pk, 0)
    return render(
        request,
        "styrkort/owner_grid.html",
        _ctx(
            period,
            access,
            "grid",
            rows=rows,
            errors=errors,
            editable=editable,
            interim=interim,
            deadline=deadline,
            days_left=(deadline.due - timezone.localdate()).days if deadline else None,
            label=label,
            owner_labels=owner_labels,
        ),
        status=status,
    )


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    excerpt: str
    url: str


def _excerpt(text: str, q: str, width: int = 80) -> str:
    i = text.casefold().find(q)
    if i < 0:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    start = max(0, i - width)
    return (
        ("…" if start else "")
        + text[start : i + len(q) + width]
        + ("…" if i + len(q) + width < len(text) else "")
    )


def search_period(access: Access, period: m.Period, query: str) -> list[Hit]:
    """Goals, indicators and thread comments of ``period`` that contain ``query`` (any case, å ä ö
    included: matched in Python, as SQLite's LIKE folds only ASCII)."""
    q = query.strip().casefold()
    if not q:
        return []
    hits: list[Hit] = []
    for g in period.goals.all():
        for text in (g.title, g.comment):
            if q in text.casefold():
                hits.append(
                    Hit(
                        "Mål",
                        g.title,
                        _excerpt(text, q),
                        reverse("styrkort:goal", args=[period.pk, g.pk]),
                    )
                )
                break
    indicators = list(period.indicators.all())
    for i in indicators:
        for text in (i.text, i.comment, i.outcome, i.target, i.owner):
            if text and q in text.casefold():
                hits.append(
                    Hit(
                        "Indikator",
                        i.text,
                        _excerpt(text, q),
                        reverse("styrkort:indicator", args=[period.pk, i.pk]),
                    )
                )
                break
    readable = {i.pk: i for i in indicators if policy.can_read_thread(access, i)}
    for c in m.IndicatorComment.objects.filter(indicator_id__in=list(readable)):
        if q in c.text.casefold():
            ind = readable[c.indicator_id]
            hits.append(
                Hit(
                    "Kommentar",
                    f"{c.username} om ”{ind.text}”",
                    _excerpt(c.text, q),
                    reverse("styrkort:owner_thread", args=[period.pk, ind.pk])
                    + f"#kommentar-{c.pk}",
                )
            )
    return hits


@require_GET
def search(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    query = request.GET.get("q", "")[:200]
    hits = search_period(access, period, query)
    return render(
        request,
        "styrkort/owner_search.html",
        _ctx(period, access, "search", query=query, hits=hits),
    )


# --- self-service: new period, import and export ----------------------------------------------


class NewPeriodForm(forms.Form):
    title = forms.CharField(
        label="Rapportens titel", max_length=300, help_text="T.ex. Årsredovisning 2021."
    )
    year = forms.IntegerField(label="År", min_value=1990, max_value=2100)
    kind = forms.ChoiceField(
        label="Periodtyp", choices=[("year", "Helår"), ("interim", "Delår (med helårsprognos)")]
    )
    label = forms.CharField(
        label="Benämning", required=False, max_length=100, help_text="T.ex. Delår april (valfritt)."
    )
    start = forms.DateField(
        label="Första dag", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Sista dag", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    copy_from = forms.ChoiceField(label="Kopiera mål och indikatorer från", required=False)

    def __init__(self, *args: Any, periods: list[m.Period], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ny-%s")
        super().__init__(*args, **kwargs)
        self.periods = {str(p.pk): p for p in periods}
        self.fields["copy_from"].choices = [("", "Ingen (tom period)")] + [
            (str(p.pk), p.title) for p in periods
        ]
        self.fields["copy_from"].help_text = (
            "Målvärden, enheter, ägare och definitioner följer med; utfall, kommentarer, "
            "bedömningar och belopp gör det inte."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "Sista dag ligger före första dag.")
        return data


@require_http_methods(["GET", "POST"])
def new_period(request: HttpRequest, org_id: int) -> HttpResponse:
    org, access = load_organisation(request, org_id)
    policy.require_self_service(access)
    periods = list(org.periods.all())
    form = NewPeriodForm(request.POST or None, periods=periods)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                period = selfservice.create_period(
                    access,
                    title=d["title"],
                    year=d["year"],
                    kind=d["kind"],
                    start=d["start"],
                    end=d["end"],
                    label=d["label"].strip(),
                    copy_from=form.periods.get(d["copy_from"] or ""),
                )
            except selfservice.ImportRefused as exc:
                form.add_error(None, f"{exc.message} {exc.hint}")
            else:
                messages.success(request, f"Perioden ”{period.title}” är skapad.")
                return redirect("styrkort:overview", period_id=period.pk)
        status = 422
    return render(
        request,
        "styrkort/owner_new_period.html",
        {"org": org, "access": access, "form": form, "active": "new_period"},
        status=status,
    )


class ImportForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation")
    zipfile = forms.FileField(
        label="Arbetsyta som zip-fil",
        help_text="Mappen med styrkort.yaml packad som .zip (t.ex. från ”Exportera arbetsytan”).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    replace = forms.BooleanField(
        label="Ersätt befintlig period med samma år och benämning",
        required=False,
        help_text="Den gamla periodens kommentarstrådar, bilagor och tidsfrister tas bort.",
    )

    def __init__(
        self, *args: Any, organisations: list[m.Organisation], superuser: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "import-%s")
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), o.name) for o in organisations]
        if superuser:
            choices.append(("ny", "Ny organisation (enligt arbetsytan)"))
        self.fields["organisation"].choices = choices


@require_http_methods(["GET", "POST"])
def import_zip(request: HttpRequest) -> HttpResponse:
    orgs = policy.self_service_organisations(request.user)
    if not orgs and not request.user.is_superuser:
        raise NotFound("Sidan finns inte eller så har du inte behörighet till den.")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        organisations=orgs,
        superuser=request.user.is_superuser,
    )
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            choice = form.cleaned_data["organisation"]
            org = next((o for o in orgs if str(o.pk) == choice), None)
            upload = form.cleaned_data["zipfile"]
            try:
                period, replaced = selfservice.import_zip(
                    lambda o: Access(request.user, o),
                    request.user,
                    upload.file,
                    org,
                    form.cleaned_data["replace"],
                )
            except selfservice.ImportRefused as exc:
                form.add_error("zipfile", f"{exc.message} {exc.hint}".strip())
                problems = exc.findings
            else:
                messages.success(
                    request,
                    f"{'Ersatte' if replaced else 'Läste in'} {period.organisation.name}: "
                    f"{period.title}.",
                )
                return redirect("styrkort:overview", period_id=period.pk)
        status = 422
    return render(
        request,
        "styrkort/owner_import.html",
        {"form": form, "problems": problems, "active": "import"},
        status=status,
    )


@require_GET
def export_zip(request: HttpRequest, period_id: int) -> HttpResponse:
    period, access = load_period(request, period_id)
    name, data = selfservice.export_zip(access, period)
    resp = HttpResponse(data, content_type="application/zip")
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


# --- my account: the e-mail address reminders and password resets go to ---------------------


class AccountForm(forms.Form):
    email = forms.EmailField(
        label="E-postadress",
        required=False,
        help_text="Hit skickas påminnelser och länkar för att återställa lösenordet.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm(request.POST or None, initial={"email": user.email}, auto_id="konto-%s")
    if request.method == "POST" and form.is_valid():
        old, new = user.email, form.cleaned_data["email"]
        if old != new:
            user.email = new
            user.save(update_fields=["email"])
            for org in {ms.organisation for ms in user.memberships.select_related("organisation")}:
                services.audit(
                    user, org, None, "konto", f"användare {user.get_username()}", "e-post", old, new
                )
        messages.success(request, "E-postadressen är sparad.")
        return redirect("styrkort:account")
    return render(
        request,
        "styrkort/owner_account.html",
        {"form": form, "active": "account"},
        status=422 if request.method == "POST" else 200,
    )

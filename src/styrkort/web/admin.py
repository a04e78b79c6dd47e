"""Django admin: users, organisations and roles, API tokens (the token text is shown once).

Changes to an organisation, its member municipalities and its roles made here are written
to the organisation's audit log, as every change made on the web's screens is: the log
stays complete (who, when, what, from, to), and what is keyed on it (the municipality's
figures per board, web/municipality.py) is made again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from styrkort.web import models as m


def _organisation(obj: Any) -> m.Organisation | None:
    if isinstance(obj, m.Organisation):
        return obj
    org = getattr(obj, "organisation", None)
    return org if isinstance(org, m.Organisation) else None


def _what(obj: Any) -> str:
    return f"{obj._meta.verbose_name} {obj}"[:300]


def _shown(form: Any, name: str, value: Any) -> Any:
    """A form's value as a person reads it: a chosen row (a user, an organisation) by its name,
    not its id."""
    field = form.fields.get(name) if form is not None else None
    if isinstance(field, forms.ModelChoiceField) and value not in (None, ""):
        if isinstance(value, field.queryset.model):
            return value
        return field.queryset.filter(pk=value).first() or value
    return value


def _log(
    request: HttpRequest,
    obj: Any,
    field: str = "",
    old: Any = "",
    new: Any = "",
    org: m.Organisation | None = None,
) -> None:
    from styrkort.web import services

    org = org or _organisation(obj)
    if org is not None and org.pk is not None:
        # the field by its Swedish name, as the audit log screen shows the others' fields
        label = str(obj._meta.get_field(field).verbose_name) if field else ""
        services.audit(request.user, org, None, "admin", _what(obj), label, old, new)


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletions (inline rows included) are audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            _log(request, obj, new="ny")
        for name in form.changed_data if change else ():
            old = _shown(form, name, form.initial.get(name))
            new = _shown(form, name, form.cleaned_data.get(name))
            _log(request, obj, name, old, new)
            if name == "organisation" and isinstance(old, m.Organisation):
                _log(request, obj, name, old, new, org=old)  # the one it left sees it too

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        org = _organisation(obj)
        super().delete_model(request, obj)
        if not isinstance(obj, m.Organisation):  # an organisation's log goes with it
            _log(request, obj, new="borttagen", org=org)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in list(queryset):
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        forms_of = {f.instance.pk: f for f in formset.forms if f.instance.pk is not None}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _log(request, obj, new="ny")
        for obj, names in formset.changed_objects:
            for name in names:
                row = forms_of.get(obj.pk)
                old = _shown(row, name, row.initial.get(name) if row is not None else "")
                _log(request, obj, name, old, _shown(row, name, getattr(obj, name)))
        for obj in formset.deleted_objects:
            _log(request, obj, new="borttagen", org=_organisation(form.instance))


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 1


class MemberInline(admin.TabularInline):
    model = m.Member
    extra = 0


@admin.register(m.Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "municipality", "kind")
    inlines = (MemberInline, MembershipInline)


@admin.register(m.Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organisation", "role", "is_auditor", "owner_labels")
    list_filter = ("organisation", "role", "is_auditor")


@admin.register(m.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never edited."""

    list_display = ("at", "username", "action", "target", "field", "old", "new")
    list_filter = ("organisation", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created", "last_used")
    fields = ("user", "name")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        row, token = m.ApiToken.issue(obj.user, obj.name)
        obj.pk = row.pk
        messages.warning(request, f"API-nyckeln (visas bara nu, spara den): {token}")


# --- the municipality (issue 14) ----------------------------------------------------------------


class MunicipalityBoardInline(admin.TabularInline):
    model = m.MunicipalityBoard
    extra = 1


class MunicipalityMembershipInline(admin.TabularInline):
    model = m.MunicipalityMembership
    extra = 1


class MunicipalityAdminForm(forms.ModelForm):
    class Meta:
        model = m.Municipality
        fields = ("name", "config")

    def clean_config(self) -> str:
        """The same check as the web's form: a configuration with errors is not saved."""
        from styrkort.web.municipality import config_errors

        text: str = self.cleaned_data["config"]
        errors = config_errors(text)
        if errors:
            raise forms.ValidationError(errors)
        return text


@admin.register(m.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """A municipality, its boards (with the ids its configuration names) and its roles. The
    configuration's warnings are shown on the municipality's own screens (/kommun/…)."""

    form = MunicipalityAdminForm
    list_display = ("name",)
    inlines = (MunicipalityBoardInline, MunicipalityMembershipInline)

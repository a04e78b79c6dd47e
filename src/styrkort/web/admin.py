"""Django admin: users, organisations and roles, API tokens (the token text is shown once)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from styrkort.web import models as m


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 1


class MemberInline(admin.TabularInline):
    model = m.Member
    extra = 0


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "kind")
    inlines = (MemberInline, MembershipInline)


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
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

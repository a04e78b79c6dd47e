"""URLs. Screens are Swedish paths under /period/<id>/; the REST API is under /api/ (docs/web.md)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

from styrkort.web import (
    api,
    api_followup,
    municipality_views,
    views,
    views_followup,
    views_history,
)
from styrkort.web.owner_urls import owner_screens

app_name = "styrkort"

screens = [
    path("", views.home, name="home"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(
            template_name="styrkort/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("period/<int:period_id>/", views.overview, name="overview"),
    path("period/<int:period_id>/indikator/<int:indicator_id>/", views.indicator, name="indicator"),
    path(
        "period/<int:period_id>/indikator/<int:indicator_id>/kontrollera/",
        views.indicator_check,
        name="indicator_check",
    ),
    path(
        "period/<int:period_id>/indikator/<int:indicator_id>/bedomning/",
        views.indicator_assess,
        name="indicator_assess",
    ),
    path(
        "period/<int:period_id>/indikator/<int:indicator_id>/datafil/",
        views.indicator_data,
        name="indicator_data",
    ),
    path("period/<int:period_id>/mal/<int:goal_id>/", views.goal, name="goal"),
    path("period/<int:period_id>/ekonomi/", views.finance, name="finance"),
    path("period/<int:period_id>/berattelse/", views.narrative_list, name="narrative_list"),
    path("period/<int:period_id>/berattelse/<int:section_id>/", views.narrative, name="narrative"),
    path(
        "period/<int:period_id>/berattelse/<int:section_id>/forhandsgranska/",
        views.narrative_preview,
        name="narrative_preview",
    ),
    path("period/<int:period_id>/fynd/", views.findings, name="findings"),
    *views_followup.urls(),
    path("period/<int:period_id>/rapport/", views.report, name="report"),
    path("period/<int:period_id>/rapport/<str:fmt>/", views.download, name="download"),
    path("period/<int:period_id>/lamna-in/", views.submit, name="submit"),
    path(
        "period/<int:period_id>/aterlamna/<int:user_id>/",
        views.return_submission,
        name="return_submission",
    ),
    path("period/<int:period_id>/godkann/", views.approve, name="approve"),
    path("period/<int:period_id>/las/", views.lock, name="lock"),
    path("period/<int:period_id>/nasta-period/", views_history.next_period, name="next_period"),
    path("period/<int:period_id>/oppna/", views.reopen, name="reopen"),
    path("organisation/<int:org_id>/logg/", views.audit_log, name="audit"),
    path("organisation/<int:org_id>/logg.csv", views.audit_csv, name="audit_csv"),
    path("organisation/<int:org_id>/roller/", views.roles, name="roles"),
    *owner_screens,
    *municipality_views.urls(),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/periods/", api.periods, name="api_periods"),
    path("api/periods/<int:period_id>/goals/", api.goals, name="api_goals"),
    path("api/periods/<int:period_id>/indicators/", api.indicators, name="api_indicators"),
    path("api/periods/<int:period_id>/indicators/<str:key>/", api.indicator, name="api_indicator"),
    path("api/periods/<int:period_id>/findings/", api.findings, name="api_findings"),
    *api_followup.urls(),
]

urlpatterns = [
    path("", include((screens, "styrkort"))),
    path("admin/", admin.site.urls),
    # The app serves its few static files itself (also with DEBUG off), so `styrkort serve` and a
    # bare gunicorn work; in production a web server in front may serve /static/ (docs/deploy.md).
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
]

handler404 = "styrkort.web.views_errors.not_found"
handler403 = "styrkort.web.views_errors.forbidden"

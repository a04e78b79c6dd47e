"""URLs of the owners' tools and self-service screens (included by ``web/urls.py``).

Password reset lives under /logga-in/ so that it is open without log-in (``errors.OPEN_PATHS``).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from styrkort.web import owner_views as ov

P = "period/<int:period_id>/"

owner_screens = [
    path(P + "tidsfrister/", ov.deadlines, name="owner_deadlines"),
    path(P + "snabbinmatning/", ov.grid, name="owner_grid"),
    path(P + "sok/", ov.search, name="owner_search"),
    path(P + "indikator/<int:indicator_id>/trad/", ov.thread, name="owner_thread"),
    path(
        P + "indikator/<int:indicator_id>/bilagor/",
        ov.attachment_upload,
        name="owner_attachment_upload",
    ),
    path(P + "bilaga/<int:attachment_id>/", ov.attachment_download, name="owner_attachment"),
    path(
        P + "bilaga/<int:attachment_id>/ta-bort/",
        ov.attachment_remove,
        name="owner_attachment_remove",
    ),
    path(P + "arbetsyta.zip", ov.export_zip, name="owner_export"),
    path("organisation/<int:org_id>/ny-period/", ov.new_period, name="owner_new_period"),
    path("importera/", ov.import_zip, name="owner_import"),
    path("mitt-konto/", ov.account, name="account"),
    path(
        "logga-in/glomt-losenord/",
        auth_views.PasswordResetView.as_view(
            template_name="styrkort/password_reset_form.html",
            email_template_name="styrkort/password_reset_email.txt",
            subject_template_name="styrkort/password_reset_subject.txt",
            success_url=reverse_lazy("styrkort:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "logga-in/glomt-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(template_name="styrkort/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "logga-in/nytt-losenord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="styrkort/password_reset_confirm.html",
            success_url=reverse_lazy("styrkort:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "logga-in/nytt-losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="styrkort/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

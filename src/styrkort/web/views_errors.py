"""Django's own 404/403 pages in the app's look (Swedish)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from styrkort.web.errors import Forbidden, NotFound, refusal_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refusal_response(request, NotFound("Sidan finns inte."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refusal_response(request, Forbidden("Du har inte behörighet till sidan."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return refusal_response(
        request,
        Forbidden(
            "Formuläret kunde inte skickas (säkerhetskontrollen CSRF misslyckades).",
            "Ladda om sidan och försök igen.",
        ),
    )

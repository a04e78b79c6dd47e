"""Refusals are exceptions; this module maps them to HTTP responses in one place.

A view (or a service it calls) raises ``Forbidden``, ``NotFound``,
``PeriodLocked``, ``Conflict`` …; ``RefusalMiddleware`` turns the exception
into an HTML page (or a JSON body for ``/api/``) with the status code and a
Swedish message. ``LoginRequiredMiddleware`` sends every request that is not
logged in to the log-in page, except the log-in page itself, static files and
API requests that carry a bearer token (the API checks those itself).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse


class Refusal(Exception):
    """A request the app refuses; ``status`` is the HTTP status, ``message`` Swedish for the user."""

    status = 400
    code = "refused"
    title = "Åtgärden kan inte utföras"

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Forbidden(Refusal):
    status = 403
    code = "forbidden"
    title = "Behörighet saknas"


class NotFound(Refusal):
    status = 404
    code = "not_found"
    title = "Finns inte"


class PeriodLocked(Refusal):
    status = 409
    code = "period_locked"
    title = "Perioden är låst"


class StateConflict(Refusal):
    """The period's workflow state does not allow the change (approved, already submitted …)."""

    status = 409
    code = "state"
    title = "Ändringen är inte tillåten just nu"


class Conflict(Refusal):
    """Optimistic locking: someone else saved the same thing since the form was opened."""

    status = 409
    code = "conflict"
    title = "Någon annan har ändrat samma sak"


class Unauthorized(Refusal):
    status = 401
    code = "unauthorized"
    title = "Inloggning krävs"


def refusal_response(request: HttpRequest, exc: Refusal) -> HttpResponse:
    if request.path.startswith("/api/"):
        resp: HttpResponse = JsonResponse(
            {"error": {"code": exc.code, "message": exc.message, "hint": exc.hint}},
            status=exc.status,
        )
        if exc.status == 401:
            resp["WWW-Authenticate"] = 'Bearer realm="styrkort"'
        return resp
    template = (
        "styrkort/refusal_fragment.html"
        if request.headers.get("HX-Request")
        else "styrkort/refusal.html"
    )
    resp = render(request, template, {"refusal": exc}, status=exc.status)
    if request.headers.get("HX-Request"):
        # HTMX does not swap error responses by default; show the message in the page's alert area.
        resp["HX-Retarget"] = "#meddelanden"
        resp["HX-Reswap"] = "innerHTML"
    return resp


class RefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A NUL character names no row and PostgreSQL refuses it in any text comparison
        # (a 500 otherwise): a path or query parameter holding one is no page.
        if "\x00" in request.path or any("\x00" in v for v in request.GET.values()):
            return refusal_response(request, NotFound("Sidan finns inte."))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Refusal):
            return refusal_response(request, exception)
        return None


OPEN_PATHS = ("/logga-in/", "/static/")


class LoginRequiredMiddleware:
    """No page or endpoint without log-in, except the log-in page (and static files)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if request.user.is_authenticated or path.startswith(OPEN_PATHS):
            return self.get_response(request)
        if path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Bearer "):
                return self.get_response(request)
            return refusal_response(
                request,
                Unauthorized("Logga in eller ange en API-nyckel (Authorization: Bearer <nyckel>)."),
            )
        if path.startswith("/admin/"):
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))

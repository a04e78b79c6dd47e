"""The REST API (JSON), described by ``/api/openapi.json`` (OpenAPI 3.1, written by hand below).

Reads: a logged-in session or a bearer token. Writes (an indicator's outcome,
forecast, comment): a bearer token only, ``Authorization: Bearer <token>``,
so ITSM or HR systems can push figures; tokens are per user and stored hashed
(``styrkort manage skapa_api_nyckel USER``, or the admin screen). The same
roles apply as on the screens. Errors are ``{"error": {"code", "message",
"hint"}}`` with the HTTP status (errors.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from styrkort.core.assess import IndicatorResult
from styrkort.sources import schema
from styrkort.web import models as m
from styrkort.web import services
from styrkort.web.access import INDICATOR_FIELD_ACTIONS, Access, Action, organisations_for
from styrkort.web.errors import Forbidden, NotFound, Refusal, Unauthorized
from styrkort.web.forms import db_int
from styrkort.web.mapping import screen_of
from styrkort.web.rules import indicator_problems, plausibility_warnings
from styrkort.web.views import assessed

View = Callable[..., HttpResponse]


class MethodNotAllowed(Refusal):
    status = 405
    code = "method_not_allowed"
    title = "Metoden stöds inte"


def _token_user(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = header[len("Bearer ") :].strip()
    row = m.ApiToken.objects.select_related("user").filter(key_hash=m.ApiToken.hash(token)).first()
    if row is None or not row.user.is_active:
        raise Unauthorized(
            "API-nyckeln är ogiltig eller återkallad.",
            "Skapa en ny nyckel: styrkort manage skapa_api_nyckel ANVÄNDARE.",
        )
    m.ApiToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
    return row.user


def api_view(*methods: str, write: tuple[str, ...] = ()) -> Callable[[View], View]:
    """Authenticate (token or session), allow ``methods``; ``write`` methods need a token."""

    def deco(fn: View) -> View:
        @csrf_exempt
        @wraps(fn)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                raise MethodNotAllowed(
                    f"{request.method} stöds inte här; använd {', '.join(methods)}."
                )
            user = _token_user(request)
            if user is None:
                if not request.user.is_authenticated:
                    raise Unauthorized(
                        "Logga in eller ange en API-nyckel (Authorization: Bearer <nyckel>)."
                    )
                if request.method in write:
                    raise Forbidden(
                        "Ändringar via API kräver en API-nyckel (Authorization: Bearer <nyckel>)."
                    )
                user = request.user
            request.api_user = user
            return fn(request, *args, **kwargs)

        return wrapper

    return deco


def _period(request: HttpRequest, period_id: int) -> tuple[m.Period, Access]:
    period = (
        m.Period.objects.select_related("organisation").filter(pk=period_id).first()
        if db_int(period_id) is not None
        else None
    )
    if period is None:
        raise NotFound("Perioden finns inte eller så har du inte behörighet till den.")
    access = Access(request.api_user, period.organisation)
    access.require_read()
    return period, access


def _fields(row: Any, section: str) -> dict[str, Any]:
    """The workspace fields of ``row`` that the API shows, as the schema declares them."""
    return {f.key: getattr(row, f.column) for f in schema.api_fields(section)}


def _period_json(p: m.Period) -> dict[str, Any]:
    return {
        "id": p.pk,
        "organisation": p.organisation.name,
        "title": p.title,
        **_fields(p, "period"),
        "state": p.state,
    }


def _status(s: Any) -> dict[str, str]:
    return {"value": s.value, "label": s.label, "symbol": s.symbol}


def _indicator_json(ind: m.Indicator, r: IndicatorResult | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ind.key,
        "goal": ind.goal.key,
        **_fields(ind, "indicator"),
        "version": ind.version,
        "manual_assessment": (
            {
                "status": ind.manual_status,
                "justification": ind.manual_justification,
                "by": ind.manual_by,
                "date": ind.manual_date,
            }
            if ind.manual_status
            else None
        ),
    }
    if r is not None:
        data["status"] = _status(r.status)
        data["computed_status"] = _status(r.computed)
    return data


@api_view("GET")
def periods(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.api_user)
    rows = m.Period.objects.filter(organisation__in=orgs).select_related("organisation")
    return JsonResponse({"periods": [_period_json(p) for p in rows]})


@api_view("GET")
def goals(request: HttpRequest, period_id: int) -> HttpResponse:
    period, _ = _period(request, period_id)
    a = assessed(period, report=False)  # statuses only; the rows it read are reused
    inds: dict[int, list[m.Indicator]] = {}
    for ind in a.rows.indicators:
        inds.setdefault(ind.goal_id, []).append(ind)
    council = [{"id": c.key, "title": c.title} for c in a.rows.council_goals]
    out = []
    for g in a.rows.goals:
        gr = a.goals[g.key]
        out.append(
            {
                "id": g.key,
                **_fields(g, "goal"),
                "status": _status(gr.status),
                "computed_status": _status(gr.computed),
                "version": g.version,
                "indicators": [
                    _indicator_json(i, a.indicators.get(i.key)) for i in inds.get(g.pk, [])
                ],
            }
        )
    summary = a.result.assessed.summary if a.result.assessed else None
    return JsonResponse(
        {
            "period": _period_json(period),
            "council_goals": council,
            "goals": out,
            "verdict": _status(summary.verdict) if summary else None,
        }
    )


@api_view("GET")
def indicators(request: HttpRequest, period_id: int) -> HttpResponse:
    period, _ = _period(request, period_id)
    a = assessed(period, report=False)  # statuses only; the rows it read are reused
    return JsonResponse(
        {"indicators": [_indicator_json(i, a.indicators.get(i.key)) for i in a.rows.indicators]}
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise services.Invalid(
            f"Innehållet är inte giltig JSON: {exc}.", 'Skicka t.ex. {"outcome": "67 %"}.'
        ) from exc
    if not isinstance(data, dict):
        raise services.Invalid(
            "Innehållet ska vara ett JSON-objekt.", 'Skicka t.ex. {"outcome": "67 %"}.'
        )
    return data


# The fields the API writes: an indicator's outcome fields as the policy names them.
OUTCOME_FIELDS = tuple(f for f, a in INDICATOR_FIELD_ACTIONS.items() if a is Action.EDIT_OUTCOME)


@api_view("GET", "PATCH", "PUT", "POST", write=("PATCH", "PUT", "POST"))
def indicator(request: HttpRequest, period_id: int, key: str) -> HttpResponse:
    period, access = _period(request, period_id)
    ind = m.Indicator.objects.select_related("goal").filter(period=period, key=key).first()
    if ind is None:
        raise NotFound(f"Indikatorn '{key}' finns inte i perioden.")
    if request.method != "GET":
        # Permission before validation: nothing about the indicator is revealed to someone
        # who may not change it.
        access.require(Action.EDIT_OUTCOME, period, ind)
        writable = OUTCOME_FIELDS
        data = _body(request)
        unknown = set(data) - {*writable, "version", "plausible"}
        if unknown:
            raise services.Invalid(
                f"Okända fält: {', '.join(sorted(map(str, unknown)))}.",
                f"Skrivbara fält: {', '.join(writable)} (och version, plausible).",
            )
        changes = {}
        for name in writable:
            if name in data:
                if not isinstance(data[name], str):
                    raise services.Invalid(f"'{name}' ska vara text, t.ex. \"67 %\".")
                if any("\ud800" <= ch <= "\udfff" for ch in data[name]):
                    raise services.Invalid(
                        f"'{name}' innehåller ett ensamt surrogattecken (ogiltig Unicode).",
                        "Skicka texten som giltig UTF-8.",
                    )
                changes[name] = services.text(data[name]).strip()
        if not changes:
            raise services.Invalid("Inget att ändra.", f"Ange något av {', '.join(writable)}.")
        version = data.get("version")
        if version is not None and (db_int(version) is None or not isinstance(version, int)):
            raise services.Invalid("'version' ska vara ett heltal.")
        problems = indicator_problems(ind, changes)
        if problems:
            raise services.Invalid(" ".join(problems.values()))
        # the form's rule: a value that looks wrong is saved only with a reason, which is logged
        changed = {k: v for k, v in changes.items() if v != getattr(ind, k)}
        warnings = plausibility_warnings(ind, changed)
        reason = data.get("plausible")
        reason = services.text(reason).strip() if isinstance(reason, str) else ""
        if warnings and not reason:
            raise services.Invalid(
                "Värdet ser orimligt ut: " + " ".join(warnings.values()),
                'Rätta värdet, eller skicka det igen med en motivering: "plausible": "varför det stämmer".',
            )
        note = f"Sparat trots varning ({' '.join(warnings.values())}): {reason}" if warnings else ""
        services.update_indicator(access, ind.pk, version, changes, note=note)
    a = assessed(period, report=False)  # read after the write: the row and its status
    row = next(i for i in a.rows.indicators if i.pk == ind.pk)
    return JsonResponse(_indicator_json(row, a.indicators.get(row.key)))


@api_view("GET")
def findings(request: HttpRequest, period_id: int) -> HttpResponse:
    period, _ = _period(request, period_id)
    a = assessed(period)
    out = []
    for f in a.findings:
        d = f.as_dict()
        where = screen_of(f.source)
        if where:
            d["screen"], d["key"], d["field"] = where
        out.append(json.loads(json.dumps(d, default=str)))
    return JsonResponse({"findings": out})


def _schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json(_schema_ref("Error"), "Inte inloggad, eller ogiltig API-nyckel"),
    "403": _json(_schema_ref("Error"), "Behörighet saknas"),
    "404": _json(_schema_ref("Error"), "Finns inte (eller ingen behörighet)"),
}
PERIOD_ID = {"name": "period_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Styrkort API",
        "version": "1",
        "description": "Läs målträdet, utfall och kontrollernas fynd; skriv utfall med en API-nyckel (Authorization: Bearer <nyckel>).",
    },
    "servers": [{"url": "/"}],
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/periods/": {
            "get": {
                "summary": "Perioder som användaren har tillgång till",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "periods": {"type": "array", "items": _schema_ref("Period")}
                            },
                        },
                        "Perioderna",
                    ),
                    **ERRORS,
                },
            }
        },
        "/api/periods/{period_id}/goals/": {
            "get": {
                "summary": "Målträdet med bedömningar (beräknade av kärnan)",
                "parameters": [PERIOD_ID],
                "responses": {"200": _json(_schema_ref("GoalTree"), "Målträdet"), **ERRORS},
            }
        },
        "/api/periods/{period_id}/indicators/": {
            "get": {
                "summary": "Alla indikatorer med utfall och bedömning",
                "parameters": [PERIOD_ID],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "indicators": {"type": "array", "items": _schema_ref("Indicator")}
                            },
                        },
                        "Indikatorerna",
                    ),
                    **ERRORS,
                },
            }
        },
        "/api/periods/{period_id}/indicators/{key}/": {
            "parameters": [
                PERIOD_ID,
                {
                    "name": "key",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "Indikatorns id (som i goals.yaml)",
                },
            ],
            "get": {
                "summary": "En indikator",
                "responses": {"200": _json(_schema_ref("Indicator"), "Indikatorn"), **ERRORS},
            },
            "patch": {
                "summary": "Skriv utfall, prognos eller kommentar (kräver API-nyckel)",
                "security": [{"bearer": []}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _schema_ref("OutcomeWrite")}},
                },
                "responses": {
                    "200": _json(
                        _schema_ref("Indicator"), "Sparad; bedömningen är beräknad på nytt"
                    ),
                    **ERRORS,
                    "409": _json(
                        _schema_ref("Error"),
                        "Perioden är låst eller godkänd, ägaren har lämnat in, eller versionen är inaktuell",
                    ),
                    "422": _json(
                        _schema_ref("Error"),
                        "Utfallet stämmer inte med indikatorns enhet eller måltyp",
                    ),
                },
            },
        },
        "/api/periods/{period_id}/findings/": {
            "get": {
                "summary": "Kontrollernas fynd; var (skärm och fält), vad och vad man gör",
                "parameters": [PERIOD_ID],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "findings": {"type": "array", "items": _schema_ref("Finding")}
                            },
                        },
                        "Fynden",
                    ),
                    **ERRORS,
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "API-nyckel per användare: styrkort manage skapa_api_nyckel ANVÄNDARE",
            },
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "sessionid",
                "description": "Inloggad webbsession (endast läsning)",
            },
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "hint": {"type": "string"},
                        },
                    }
                },
            },
            "Status": {
                "type": "object",
                "properties": {
                    "value": {
                        "type": "string",
                        "enum": [
                            "uppnått",
                            "delvis uppnått",
                            "ej uppnått",
                            "saknar värde",
                            "ej bedömt",
                        ],
                    },
                    "label": {"type": "string"},
                    "symbol": {"type": "string"},
                },
            },
            "Period": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "organisation": {"type": "string"},
                    "title": {"type": "string"},
                    **schema.openapi_properties("period"),
                    "state": {"type": "string", "enum": ["open", "approved", "locked"]},
                },
            },
            "Indicator": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "goal": {"type": "string"},
                    **schema.openapi_properties("indicator"),
                    "version": {"type": "integer"},
                    "manual_assessment": {"type": ["object", "null"]},
                    "status": _schema_ref("Status"),
                    "computed_status": _schema_ref("Status"),
                },
            },
            "Goal": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    **schema.openapi_properties("goal"),
                    "status": _schema_ref("Status"),
                    "computed_status": _schema_ref("Status"),
                    "version": {"type": "integer"},
                    "indicators": {"type": "array", "items": _schema_ref("Indicator")},
                },
            },
            "GoalTree": {
                "type": "object",
                "properties": {
                    "period": _schema_ref("Period"),
                    "council_goals": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
                        },
                    },
                    "goals": {"type": "array", "items": _schema_ref("Goal")},
                    "verdict": _schema_ref("Status"),
                },
            },
            "OutcomeWrite": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "outcome": {"type": "string", "examples": ["67 %", "21 st", "Ja", "—"]},
                    "forecast": {"type": "string"},
                    "comment": {"type": "string"},
                    "version": {
                        "type": "integer",
                        "description": "Versionen du läste; ger 409 om någon annan har ändrat sedan dess",
                    },
                    "plausible": {
                        "type": "string",
                        "description": "Motivering när värdet ser orimligt ut (andel utanför 0–100 %, negativt antal, decimalpunkt, långt från historiken); utan den ger ett sådant värde 422. Motiveringen loggas.",
                    },
                },
            },
            "Finding": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "severity": {"type": "string", "enum": ["error", "warning", "info"]},
                    "file": {"type": "string"},
                    "line": {"type": ["integer", "null"]},
                    "message": {"type": "string"},
                    "hint": {"type": "string"},
                    "screen": {"type": "string"},
                    "key": {"type": "string"},
                    "field": {"type": "string"},
                },
            },
        },
    },
}


@api_view("GET")
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(OPENAPI, json_dumps_params={"ensure_ascii": False})

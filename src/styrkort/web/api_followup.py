"""The REST API for activities, council assignments and internal control (docs/web.md).

``GET /api/periods/<id>/followup/`` reads all three with the core's statuses; ``PATCH`` on an
activity, an assignment or a control writes what the screens write, through
``services_followup`` (same roles, versions, audit log; a bearer token as for indicators).
The OpenAPI description of these paths is added to ``api.OPENAPI`` here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path

from styrkort.core.assignments import summary_sentence as assignment_sentence
from styrkort.core.internal_control import summary_sentence as control_sentence
from styrkort.web import api, services
from styrkort.web import models as m
from styrkort.web import services_followup as sf
from styrkort.web.errors import NotFound
from styrkort.web.views import assessed


def _opt_date(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def _data(period: m.Period) -> dict[str, Any]:
    a = assessed(period, report=False)
    assert a.result.assessed is not None
    ws = a.result.assessed.workspace
    f = ws.followup
    versions = {r.key: r.version for r in period.activities.all()}
    goal_status = {g.goal.id: api._status(g.status) for g in a.result.assessed.goals}
    plan = f.internal_control
    cversions = {c.key: c.version for c in period.controls.all()}
    aversions = {x.key: x.version for x in period.assignments.all()}
    return {
        "activities": [
            {
                "id": x.id,
                "parent": x.parent,
                "parent_status": goal_status.get(x.parent),
                "title": x.title,
                "owner": x.owner,
                "status": {
                    "value": x.status.value,
                    "label": x.status.label,
                    "symbol": x.status.symbol,
                },
                "completion": x.completion,
                "deadline": _opt_date(x.deadline),
                "comment": x.comment,
                "version": versions.get(x.id),
            }
            for x in f.activities
        ],
        "assignments": [
            {
                "id": x.id,
                "text": x.text,
                "decision": {
                    "body": x.decision.body,
                    "date": _opt_date(x.decision.date),
                    "paragraph": x.decision.paragraph,
                },
                "board": x.board,
                "deadline": _opt_date(x.deadline),
                "status": api._status(x.status),
                "comment": x.comment,
                "version": aversions.get(x.id),
            }
            for x in f.assignments
        ],
        "internal_control": {
            "adopted": plan.adopted,
            "scale": plan.scale.describe(),
            "risks": [
                {
                    "id": r.id,
                    "process": p.title,
                    "title": r.title,
                    "probability": r.probability,
                    "consequence": r.consequence,
                    "value": r.value,
                    "level": plan.scale.level(r.value).name,
                    "controls": [
                        {
                            "id": c.id,
                            "title": c.title,
                            "method": c.method,
                            "frequency": c.frequency,
                            "owner": c.owner,
                            "result": (
                                {
                                    "value": c.result.value,
                                    "label": c.result.label,
                                    "symbol": c.result.symbol,
                                    "light": c.result.light,
                                }
                                if c.result
                                else None
                            ),
                            "comment": c.comment,
                            "deviations": [
                                {"text": d.text, "action": d.action, "owner": d.owner}
                                for d in c.deviations
                            ],
                            "version": cversions.get(c.id),
                        }
                        for c in r.controls
                    ],
                }
                for p in plan.processes
                for r in p.risks
            ],
        },
        "summary": {
            "assignments": assignment_sentence(f.assignments),
            "internal_control": control_sentence(plan),
        },
    }


@api.api_view("GET")
def followup(request: HttpRequest, period_id: int) -> HttpResponse:
    period, _ = api._period(request, period_id)
    return JsonResponse(_data(period))


def _patch(request: HttpRequest, fields: dict[str, str]) -> tuple[int | None, dict[str, Any]]:
    data = api._body(request)
    unknown = set(data) - {*fields, "version"}
    if unknown:
        raise services.Invalid(
            f"Okända fält: {', '.join(sorted(unknown))}.",
            f"Skrivbara fält: {', '.join(fields)} (och version).",
        )
    version = data.pop("version", None)
    if version is not None and not isinstance(version, int):
        raise services.Invalid("'version' ska vara ett heltal.")
    if not data:
        raise services.Invalid("Inget att ändra.", f"Ange något av {', '.join(fields)}.")
    return version, data


def _one(model: type[Any], period: m.Period, key: str, what: str) -> Any:
    row = model.objects.filter(period=period, key=key).first()
    if row is None:
        raise NotFound(f"{what} '{key}' finns inte i perioden.")
    return row


@api.api_view("PATCH", write=("PATCH",))
def activity(request: HttpRequest, period_id: int, key: str) -> HttpResponse:
    period, access = api._period(request, period_id)
    row = _one(m.Activity, period, key, "Aktiviteten")
    version, data = _patch(request, sf.ACTIVITY_FIELDS)
    sf.update_activity(access, row.pk, version, data)
    return JsonResponse(_data(period))


@api.api_view("PATCH", write=("PATCH",))
def assignment(request: HttpRequest, period_id: int, key: str) -> HttpResponse:
    period, access = api._period(request, period_id)
    row = _one(m.Assignment, period, key, "Uppdraget")
    version, data = _patch(request, sf.ASSIGNMENT_FIELDS)
    sf.update_assignment(access, row.pk, version, data)
    return JsonResponse(_data(period))


@api.api_view("PATCH", write=("PATCH",))
def control(request: HttpRequest, period_id: int, key: str) -> HttpResponse:
    period, access = api._period(request, period_id)
    row = _one(m.Control, period, key, "Kontrollen")
    version, data = _patch(request, sf.CONTROL_FIELDS)
    sf.update_control(access, row.pk, version, data)
    return JsonResponse(_data(period))


def urls() -> list[URLPattern]:
    base = "api/periods/<int:period_id>/"
    return [
        path(f"{base}followup/", followup, name="api_followup"),
        path(f"{base}activities/<str:key>/", activity, name="api_activity"),
        path(f"{base}assignments/<str:key>/", assignment, name="api_assignment"),
        path(f"{base}controls/<str:key>/", control, name="api_control"),
    ]


def _patch_op(summary: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            **{
                                k: {"type": ["string", "integer", "null"], "description": v}
                                for k, v in fields.items()
                            },
                            "version": {"type": "integer"},
                        },
                    }
                }
            }
        },
        "responses": {"200": {"description": "Uppföljningen efter ändringen"}},
    }


_PERIOD = [{"name": "period_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_KEY = [*_PERIOD, {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}]

PATHS: dict[str, Any] = {
    "/api/periods/{period_id}/followup/": {
        "get": {
            "summary": "Aktiviteter, uppdrag från fullmäktige och intern kontroll med status",
            "parameters": _PERIOD,
            "responses": {"200": {"description": "Uppföljningen"}},
        }
    },
    "/api/periods/{period_id}/activities/{key}/": {
        "patch": {
            **_patch_op("Ändra en aktivitets status, färdiggrad och kommentar", sf.ACTIVITY_FIELDS),
            "parameters": _KEY,
        }
    },
    "/api/periods/{period_id}/assignments/{key}/": {
        "patch": {
            **_patch_op("Ändra ett uppdrags status och kommentar", sf.ASSIGNMENT_FIELDS),
            "parameters": _KEY,
        }
    },
    "/api/periods/{period_id}/controls/{key}/": {
        "patch": {
            **_patch_op("Ange en kontrolls resultat och kommentar", sf.CONTROL_FIELDS),
            "parameters": _KEY,
        }
    },
}
api.OPENAPI["paths"].update(PATHS)

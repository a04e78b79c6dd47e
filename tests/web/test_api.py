"""The REST API: OpenAPI description, bearer tokens, writing outcomes, errors."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver

from styrkort.web import models as m
from styrkort.web.api import OPENAPI

pytestmark = pytest.mark.django_db


def _patch(client: Client, period: m.Period, key: str, body: Any, token: str) -> Any:
    return client.patch(
        f"/api/periods/{period.pk}/indicators/{key}/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_openapi_describes_every_api_url(as_user: Any) -> None:
    data = as_user("reader").get("/api/openapi.json").json()
    assert data == json.loads(json.dumps(OPENAPI))
    assert data["openapi"] == "3.1.0"
    api_urls = set()
    for pattern in get_resolver().url_patterns[0].url_patterns:
        route = str(pattern.pattern)
        if route.startswith("api/") and route != "api/openapi.json":
            api_urls.add(
                "/" + route.replace("<int:period_id>", "{period_id}").replace("<str:key>", "{key}")
            )
    assert api_urls == set(data["paths"])


def test_token_is_stored_hashed_and_pushes_an_outcome(
    client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    row, token = m.ApiToken.issue(users["owner"], "itsm")
    assert token not in json.dumps(list(m.ApiToken.objects.values()), default=str)
    assert row.key_hash == m.ApiToken.hash(token)
    resp = _patch(
        client, example_period, "first-line", {"outcome": "58 %", "comment": "Från ITSM"}, token
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["outcome"] == "58 %"
    assert body["status"] == {"value": "uppnått", "label": "Uppnått", "symbol": "●"}
    entry = m.AuditEntry.objects.filter(action="ändra", field="utfall").get()
    assert entry.username == "owner"
    row.refresh_from_db()
    assert row.last_used is not None


def test_management_command_creates_a_working_token(
    client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    out = StringIO()
    call_command("skapa_api_nyckel", "controller", "--name", "hr", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("sk_")
    resp = client.get(
        f"/api/periods/{example_period.pk}/goals/", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200
    tree = resp.json()
    assert [g["id"] for g in tree["goals"]] == ["digitala-moten", "service", "samverkan"]
    assert tree["goals"][0]["status"]["value"] == "ej bedömt"
    assert len(tree["goals"][1]["indicators"]) == 7


def test_bad_token_is_401(client: Client, example_period: m.Period) -> None:
    resp = client.get(
        f"/api/periods/{example_period.pk}/goals/", headers={"Authorization": "Bearer sk_fel"}
    )
    assert resp.status_code == 401
    assert resp["WWW-Authenticate"].startswith("Bearer")
    assert resp.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "55 %"}, 422, "invalid"),  # the unit of HME is an index
        ({"outcome": 55}, 422, "invalid"),
        ({"target": "90 %"}, 422, "invalid"),
        ({}, 422, "invalid"),
        ({"outcome": "72", "version": 99}, 409, "conflict"),
    ],
)
def test_writes_are_validated(
    body: Any,
    status: int,
    code: str,
    client: Client,
    users: dict[str, Any],
    example_period: m.Period,
) -> None:
    _row, token = m.ApiToken.issue(users["other_owner"], "hr")
    resp = _patch(client, example_period, "hme", body, token)
    assert resp.status_code == status
    assert resp.json()["error"]["code"] == code
    assert example_period.indicators.get(key="hme").outcome == "55%"


def test_invalid_json_and_unknown_indicator(
    client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    _row, token = m.ApiToken.issue(users["controller"], "x")
    resp = client.patch(
        f"/api/periods/{example_period.pk}/indicators/hme/",
        data="{nej",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 422
    assert _patch(client, example_period, "finns-inte", {"outcome": "1"}, token).status_code == 404
    resp = client.delete(
        f"/api/periods/{example_period.pk}/indicators/hme/",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 405


def test_owner_token_cannot_write_someone_elses_indicator(
    client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    _row, token = m.ApiToken.issue(users["owner"], "itsm")
    resp = _patch(client, example_period, "hme", {"outcome": "72"}, token)
    assert resp.status_code == 403
    assert "tilldelade dig" in resp.json()["error"]["message"]


def test_implausible_outcome_needs_a_reason_as_in_the_form(
    client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    """Before: the API stored 150 % for a percentage indicator without a word (the form's
    plausibility rule was the form's own); now core's one rule refuses it unless a reason is
    sent, and the reason is logged."""
    _row, token = m.ApiToken.issue(users["owner"], "itsm")
    resp = _patch(client, example_period, "first-line", {"outcome": "150 %"}, token)
    assert resp.status_code == 422
    assert "utanför 0–100" in json.dumps(resp.json(), ensure_ascii=False)
    ind = m.Indicator.objects.get(period=example_period, key="first-line")
    assert ind.outcome != "150 %"
    resp = _patch(
        client,
        example_period,
        "first-line",
        {"outcome": "150 %", "plausible": "Räknat på två kanaler"},
        token,
    )
    assert resp.status_code == 200
    entry = m.AuditEntry.objects.filter(action="ändra", field="utfall").get()
    assert "Räknat på två kanaler" in entry.note

"""The authorization matrix: every role × every screen and API endpoint, allowed or refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from styrkort.web import models as m

pytestmark = pytest.mark.django_db

READ_ALL = {"admin", "controller", "owner", "other_owner", "reader", "auditor"}
CONTROL = {"admin", "controller"}
ROLES = ("admin", "controller", "owner", "other_owner", "reader", "auditor", "outsider")


@dataclass
class Endpoint:
    name: str
    method: str
    path: Callable[[dict[str, Any]], str]
    allowed: set[str]
    data: Callable[[dict[str, Any]], dict[str, Any]] = lambda ctx: {}
    state: str = "open"
    setup: Callable[[dict[str, Any]], None] | None = None
    json: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def P(ctx: dict[str, Any]) -> str:
    return f"/period/{ctx['period'].pk}"


def _submitted(ctx: dict[str, Any]) -> None:
    m.Submission.objects.create(period=ctx["period"], user=ctx["users"]["owner"])


ENDPOINTS = [
    Endpoint("overview", "GET", lambda c: f"{P(c)}/", READ_ALL),
    Endpoint("indicator", "GET", lambda c: f"{P(c)}/indikator/{c['ind'].pk}/", READ_ALL),
    Endpoint(
        "indicator-save",
        "POST",
        lambda c: f"{P(c)}/indikator/{c['ind'].pk}/",
        {"admin", "controller", "owner"},
        lambda c: {"version": c["ind"].version, "outcome": "91 %", "comment": "Analys"},
    ),
    Endpoint(
        "indicator-check",
        "POST",
        lambda c: f"{P(c)}/indikator/{c['ind'].pk}/kontrollera/",
        READ_ALL,
        lambda c: {"outcome": "91 %"},
    ),
    Endpoint(
        "indicator-assess",
        "POST",
        lambda c: f"{P(c)}/indikator/{c['ind'].pk}/bedomning/",
        CONTROL,
        lambda c: {
            "version": c["ind"].version,
            "status": "uppnått",
            "justification": "Tvådelad indikator",
        },
    ),
    Endpoint("goal", "GET", lambda c: f"{P(c)}/mal/{c['goal'].pk}/", READ_ALL),
    Endpoint(
        "goal-comment",
        "POST",
        lambda c: f"{P(c)}/mal/{c['goal'].pk}/",
        CONTROL,
        lambda c: {"form": "kommentar", "version": c["goal"].version, "comment": "Ny analys"},
    ),
    Endpoint(
        "goal-assess",
        "POST",
        lambda c: f"{P(c)}/mal/{c['goal'].pk}/",
        CONTROL,
        lambda c: {
            "form": "bedomning",
            "version": c["goal"].version,
            "status": "delvis uppnått",
            "justification": "Bedömt",
        },
    ),
    Endpoint("finance", "GET", lambda c: f"{P(c)}/ekonomi/", READ_ALL),
    Endpoint(
        "finance-save",
        "POST",
        lambda c: f"{P(c)}/ekonomi/",
        CONTROL,
        lambda c: {
            "version": c["period"].finance_version,
            f"drift-{c['period'].operating_rows.first().pk}-outcome": "-105000",
        },
    ),
    Endpoint("narrative-list", "GET", lambda c: f"{P(c)}/berattelse/", READ_ALL),
    Endpoint("narrative", "GET", lambda c: f"{P(c)}/berattelse/{c['narr'].pk}/", READ_ALL),
    Endpoint(
        "narrative-save",
        "POST",
        lambda c: f"{P(c)}/berattelse/{c['narr'].pk}/",
        CONTROL,
        lambda c: {"version": c["narr"].version, "title": "Rubrik", "markdown": "Text {{ år }}"},
    ),
    Endpoint(
        "narrative-preview",
        "POST",
        lambda c: f"{P(c)}/berattelse/{c['narr'].pk}/forhandsgranska/",
        READ_ALL,
        lambda c: {"markdown": "År {{ år }}"},
    ),
    Endpoint("findings", "GET", lambda c: f"{P(c)}/fynd/", READ_ALL),
    Endpoint("report", "GET", lambda c: f"{P(c)}/rapport/", READ_ALL),
    Endpoint("download-html", "GET", lambda c: f"{P(c)}/rapport/html/", READ_ALL),
    Endpoint(
        "submit",
        "POST",
        lambda c: f"{P(c)}/lamna-in/",
        {"owner", "other_owner"},
        lambda c: {"bekrafta": "ja"},
    ),
    Endpoint(
        "return",
        "POST",
        lambda c: f"{P(c)}/aterlamna/{c['users']['owner'].pk}/",
        CONTROL,
        lambda c: {"bekrafta": "ja", "motivering": "Rätta kommentaren"},
        setup=_submitted,
    ),
    Endpoint(
        "approve",
        "POST",
        lambda c: f"{P(c)}/godkann/",
        CONTROL,
        lambda c: {"bekrafta": "ja", "motivering": "Godkänd av nämnden"},
    ),
    Endpoint(
        "lock", "POST", lambda c: f"{P(c)}/las/", CONTROL, lambda c: {"bekrafta": "ja"}, "approved"
    ),
    Endpoint("unapprove-form", "GET", lambda c: f"{P(c)}/oppna/", CONTROL, state="approved"),
    Endpoint(
        "unapprove",
        "POST",
        lambda c: f"{P(c)}/oppna/",
        CONTROL,
        lambda c: {"justification": "Fel i utfall"},
        state="approved",
    ),
    Endpoint("reopen-form", "GET", lambda c: f"{P(c)}/oppna/", {"admin"}, state="locked"),
    Endpoint(
        "reopen",
        "POST",
        lambda c: f"{P(c)}/oppna/",
        {"admin"},
        lambda c: {"justification": "Rättelse efter revision"},
        state="locked",
    ),
    Endpoint(
        "audit",
        "GET",
        lambda c: f"/organisation/{c['org'].pk}/logg/",
        {"admin", "controller", "auditor"},
    ),
    Endpoint(
        "audit-csv",
        "GET",
        lambda c: f"/organisation/{c['org'].pk}/logg.csv",
        {"admin", "controller", "auditor"},
    ),
    Endpoint("roles", "GET", lambda c: f"/organisation/{c['org'].pk}/roller/", {"admin"}),
    Endpoint(
        "roles-save",
        "POST",
        lambda c: f"/organisation/{c['org'].pk}/roller/",
        {"admin"},
        lambda c: {"username": "ny", "role": "reader", "password": "ett-långt-lösenord-42"},
    ),
    Endpoint(
        "roles-remove",
        "POST",
        lambda c: f"/organisation/{c['org'].pk}/roller/",
        {"admin"},
        lambda c: {
            "ta_bort": m.Membership.objects.get(user=c["users"]["reader"]).pk,
            "bekrafta": "ja",
        },
    ),
    Endpoint("api-periods", "GET", lambda c: "/api/periods/", READ_ALL | {"outsider"}),
    Endpoint("api-openapi", "GET", lambda c: "/api/openapi.json", READ_ALL | {"outsider"}),
    Endpoint("api-goals", "GET", lambda c: f"/api/periods/{c['period'].pk}/goals/", READ_ALL),
    Endpoint(
        "api-indicators", "GET", lambda c: f"/api/periods/{c['period'].pk}/indicators/", READ_ALL
    ),
    Endpoint(
        "api-indicator",
        "GET",
        lambda c: f"/api/periods/{c['period'].pk}/indicators/normal-8h/",
        READ_ALL,
    ),
    Endpoint("api-findings", "GET", lambda c: f"/api/periods/{c['period'].pk}/findings/", READ_ALL),
    # Writes through the API need a token: a logged-in session is refused for every role.
    Endpoint(
        "api-write-session",
        "PATCH",
        lambda c: f"/api/periods/{c['period'].pk}/indicators/normal-8h/",
        set(),
        lambda c: {"outcome": "91 %"},
        json=True,
    ),
]


def _ctx(period: m.Period, users: dict[str, Any]) -> dict[str, Any]:
    return {
        "period": period,
        "org": period.organisation,
        "ind": period.indicators.get(key="normal-8h"),
        "goal": period.goals.get(key="service"),
        "narr": period.narrative.first(),
        "users": users,
    }


def _request(client: Client, ep: Endpoint, ctx: dict[str, Any]) -> Any:
    path = ep.path(ctx)
    data = ep.data(ctx)
    if ep.json:
        return client.generic(
            ep.method, path, data=__import__("json").dumps(data), content_type="application/json"
        )
    if ep.method == "GET":
        return client.get(path)
    return client.post(path, data)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_role_on_endpoint(
    ep: Endpoint, role: str, client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    m.Period.objects.filter(pk=example_period.pk).update(state=ep.state)
    example_period.refresh_from_db()
    ctx = _ctx(example_period, users)
    if ep.setup:
        ep.setup(ctx)
    client.force_login(users[role])
    before = m.AuditEntry.objects.count()
    resp = _request(client, ep, ctx)
    if role in ep.allowed:
        assert resp.status_code in (200, 302), (resp.status_code, resp.content[:600])
        if ep.method != "GET" and ep.name not in {"indicator-check", "narrative-preview"}:
            assert m.AuditEntry.objects.count() > before, "a change must be logged"
    else:
        expected = 404 if role == "outsider" and not ep.name.startswith("api-write") else 403
        assert resp.status_code == expected, (resp.status_code, resp.content[:600])
        assert m.AuditEntry.objects.count() == before, "a refused request must change nothing"


@pytest.mark.parametrize("ep", ENDPOINTS, ids=lambda e: e.name)
def test_anonymous_is_sent_to_login(
    ep: Endpoint, client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    ctx = _ctx(example_period, users)
    resp = _request(client, ep, ctx)
    if ep.path(ctx).startswith("/api/"):
        assert resp.status_code == 401
        assert resp.json()["error"]["code"] == "unauthorized"
    elif ep.method == "GET":
        assert resp.status_code == 302
        assert resp["Location"].startswith("/logga-in/?next=")
    else:
        # POST without a session: CSRF-protected and logged out; never accepted.
        assert resp.status_code in (302, 403)
    assert m.AuditEntry.objects.exclude(action="import").count() == 0


def test_login_page_is_the_only_open_page(client: Client) -> None:
    assert client.get("/logga-in/").status_code == 200
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("role", "allowed"), [(r, r in {"admin", "controller", "owner"}) for r in ROLES]
)
def test_api_write_with_token_per_role(
    role: str, allowed: bool, client: Client, users: dict[str, Any], example_period: m.Period
) -> None:
    _row, token = m.ApiToken.issue(users[role], "test")
    resp = client.patch(
        f"/api/periods/{example_period.pk}/indicators/normal-8h/",
        data='{"outcome": "91 %"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    if allowed:
        assert resp.status_code == 200, resp.content
        assert resp.json()["outcome"] == "91 %"
    else:
        assert resp.status_code == (404 if role == "outsider" else 403)
        assert example_period.indicators.get(key="normal-8h").outcome == ""

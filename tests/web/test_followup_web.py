"""Activities, council assignments and internal control in the web app: round trip, screens, API, permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from styrkort.pipeline import run, run_workspace
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import export_period, import_or_replace
from styrkort.web.mapping import workspace_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exempel-aktiviteter-2022"

pytestmark = pytest.mark.django_db


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_folder_import_export_keeps_every_new_field(tmp_path: Path) -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    export_period(period, tmp_path / "first")
    first = _files(tmp_path / "first")
    assert {"uppdrag.yaml", "internkontroll.yaml"} <= set(first)
    back = load_workspace(tmp_path / "first")
    assert back.ok, [f.format() for f in back.findings]
    assert back.workspace is not None
    f0, f1 = ws.followup, back.workspace.followup
    strip_a = [
        (a.id, a.title, a.parent, a.status, a.owner, a.completion, a.deadline, a.comment)
        for a in f0.activities
    ]
    assert strip_a == [
        (a.id, a.title, a.parent, a.status, a.owner, a.completion, a.deadline, a.comment)
        for a in f1.activities
    ]
    assert f0.bases == f1.bases and f0.activity_rule == f1.activity_rule
    assert [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f0.assignments
    ] == [
        (a.id, a.text, a.decision, a.board, a.deadline, a.status, a.comment) for a in f1.assignments
    ]
    p0, p1 = f0.internal_control, f1.internal_control
    assert (p0.adopted, p0.scale) == (p1.adopted, p1.scale)
    assert [(p.id, p.title, p.owner) for p in p0.processes] == [
        (p.id, p.title, p.owner) for p in p1.processes
    ]
    assert [(r.id, r.title, r.probability, r.consequence, r.comment) for r in p0.risks] == [
        (r.id, r.title, r.probability, r.consequence, r.comment) for r in p1.risks
    ]

    def ctrl(c: Any) -> object:
        devs = [(d.text, d.action, d.owner, d.deadline) for d in c.deviations]
        return (c.id, c.title, c.method, c.frequency, c.owner, c.result, c.comment, devs)

    assert [ctrl(c) for c in p0.controls] == [ctrl(c) for c in p1.controls]
    # and a second cycle gives the same bytes
    m.Organisation.objects.all().delete()
    period2, _ = import_or_replace(back.workspace)
    export_period(period2, tmp_path / "second")
    assert _files(tmp_path / "second") == first


def test_database_assesses_like_the_folder() -> None:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    from_folder, from_db = run(EXAMPLE), run_workspace(workspace_of(period))
    assert from_folder.assessed is not None and from_db.assessed is not None
    assert [g.status for g in from_db.assessed.goals] == [
        g.status for g in from_folder.assessed.goals
    ]
    assert sorted(f.code for f in from_db.findings) == sorted(f.code for f in from_folder.findings)
    overdue = next(f for f in from_db.findings if f.code == "assignment.overdue")
    assert str(overdue.source) == "web:uppdrag/kf-4/deadline"


# --- screens and permissions -------------------------------------------------------------------


@pytest.fixture
def fu_period() -> m.Period:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)
    return period


@pytest.fixture
def login(client: Any, fu_period: m.Period) -> Any:
    from django.contrib.auth import get_user_model

    org = fu_period.organisation
    spec = {
        "controller": ("controller", ""),
        "fritid": ("owner", "Fritidschef, Controller"),
        "bibliotek": ("owner", "Bibliotekschef"),
        "reader": ("reader", ""),
    }
    users = {}
    for name, (role, labels) in spec.items():
        user = get_user_model().objects.create_user(name, "", None)
        m.Membership.objects.create(user=user, organisation=org, role=role, owner_labels=labels)
        users[name] = user

    def as_(name: str) -> Any:
        client.force_login(users[name])
        return client

    return as_


def test_screen_shows_activities_assignments_and_internal_control(
    login: Any, fu_period: m.Period
) -> None:
    page = login("reader").get(f"/period/{fu_period.pk}/uppfoljning/").content.decode()
    assert "Läsfrämjande besök på alla grundskolor" in page
    assert "● Uppnått" in page.replace('<span class="symbol" aria-hidden="true">', "").replace(
        "</span> ", " "
    )
    assert "Se över taxor för uthyrning av lokaler" in page
    assert "Riskmatris" in page and "Hög" in page
    assert "Avvikelse (gul)" in page and "Ej genomförd (röd)" in page
    assert "skulle vara klart 2022-12-31" in page  # the overdue assignment's finding
    assert (
        "Spara aktiviteten" not in page and "Spara resultatet" not in page
    )  # a reader edits nothing


def test_owner_edits_own_activity_and_control_not_others(login: Any, fu_period: m.Period) -> None:
    mine = m.Activity.objects.get(period=fu_period, key="spontanidrott")
    other = m.Activity.objects.get(period=fu_period, key="meroppet")
    client = login("fritid")
    url = f"/period/{fu_period.pk}/uppfoljning/aktivitet/"
    resp = client.post(
        f"{url}{mine.pk}/",
        {
            "status": "pågår",
            "completion": "55",
            "comment": "Bygglovet klart.",
            "version": mine.version,
        },
    )
    assert resp.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.completion, mine.comment) == ("pågår", 55, "Bygglovet klart.")
    assert m.AuditEntry.objects.filter(
        target="aktivitet spontanidrott", field="färdiggrad"
    ).exists()
    assert client.post(f"{url}{other.pk}/", {"status": "pågår"}).status_code == 403
    # a control owned by "Controller" (label of this owner)
    ctrl = m.Control.objects.get(period=fu_period, key="k-bidrag-underlag")
    curl = f"/period/{fu_period.pk}/uppfoljning/kontroll/{ctrl.pk}/"
    assert (
        client.post(curl, {"result": "utan anmärkning"}).status_code == 403
    )  # owner is Fritidskonsulent
    own = m.Control.objects.get(period=fu_period, key="k-attest")
    ok = client.post(
        f"/period/{fu_period.pk}/uppfoljning/kontroll/{own.pk}/",
        {"result": "avvikelse", "comment": "Två fel"},
    )
    assert ok.status_code == 302
    own.refresh_from_db()
    assert own.result == "avvikelse"
    # the new result shows in the assessment: an avvikelse without a described deviation is flagged
    run_ = run_workspace(workspace_of(fu_period))
    assert any(
        f.code == "internal_control.deviation_action" and "kontroll/k-attest" in str(f.source)
        for f in run_.findings
    )
    client.post(
        f"/period/{fu_period.pk}/uppfoljning/kontroll/{own.pk}/",
        {
            "form": "avvikelse",
            "text": "Attest av fel person",
            "action": "Ny attestlista",
            "owner": "Controller",
        },
    )
    run_ = run_workspace(workspace_of(fu_period))
    assert not any(
        f.code == "internal_control.deviation_action" and "k-attest" in str(f.source)
        for f in run_.findings
    )


def test_bad_input_is_refused_with_a_message(login: Any, fu_period: m.Period) -> None:
    row = m.Activity.objects.get(period=fu_period, key="spontanidrott")
    resp = login("controller").post(
        f"/period/{fu_period.pk}/uppfoljning/aktivitet/{row.pk}/", {"completion": "140"}
    )
    assert resp.status_code == 422
    assert "0–100" in resp.content.decode()


def test_owner_sees_forms_only_for_own_rows(login: Any, fu_period: m.Period) -> None:
    page = login("bibliotek").get(f"/period/{fu_period.pk}/uppfoljning/").content.decode()
    assert page.count("Spara aktiviteten") == 2  # the Bibliotekschef's two activities
    assert "Spara uppdraget" not in page and "Spara resultatet" not in page


def test_controller_edits_assignment_reader_cannot(login: Any, fu_period: m.Period) -> None:
    row = m.Assignment.objects.get(period=fu_period, key="kf-4")
    url = f"/period/{fu_period.pk}/uppfoljning/uppdrag/{row.pk}/"
    assert login("reader").post(url, {"status": "pågår"}).status_code == 403
    assert login("fritid").post(url, {"status": "pågår"}).status_code == 403
    assert (
        login("controller").post(url, {"status": "pågår", "version": row.version}).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.status == "pågår"


def test_locked_period_refuses_changes(login: Any, fu_period: m.Period) -> None:
    fu_period.state = m.PeriodState.LOCKED
    fu_period.save()
    row = m.Activity.objects.get(period=fu_period, key="spontanidrott")
    resp = login("controller").post(
        f"/period/{fu_period.pk}/uppfoljning/aktivitet/{row.pk}/", {"status": "klar"}
    )
    assert resp.status_code == 409
    page = login("controller").get(f"/period/{fu_period.pk}/uppfoljning/").content.decode()
    assert "Spara aktiviteten" not in page


def test_report_of_the_period_has_the_new_sections(login: Any, fu_period: m.Period) -> None:
    page = login("reader").get(f"/period/{fu_period.pk}/rapport/").content.decode()
    assert "Uppdrag från fullmäktige" in page and "Intern kontroll" in page
    assert "Av 4 uppdrag från fullmäktige är 2 genomförda, 1 pågår och 1 är ej påbörjat." in page


# --- API -------------------------------------------------------------------------------------------


def test_api_reads_and_token_writes(client: Any, login: Any, fu_period: m.Period) -> None:
    from django.contrib.auth import get_user_model

    data = login("reader").get(f"/api/periods/{fu_period.pk}/followup/").json()
    acts = {a["id"]: a for a in data["activities"]}
    assert acts["meroppet"]["status"]["value"] == "klar"
    assert acts["meroppet"]["parent_status"]["value"] == "uppnått"
    assert data["summary"]["assignments"].startswith("Av 4 uppdrag")
    risk = next(r for r in data["internal_control"]["risks"] if r["id"] == "r-bidrag-underlag")
    assert (risk["value"], risk["level"]) == (12, "hög")
    assert risk["controls"][0]["result"]["light"] == "röd"
    # a session cannot write; a token of the activity's owner can
    url = f"/api/periods/{fu_period.pk}/activities/spontanidrott/"
    body = '{"status": "pågår", "completion": 60}'
    assert login("fritid").patch(url, body, content_type="application/json").status_code == 403
    _, token = m.ApiToken.issue(get_user_model().objects.get(username="fritid"), "test")
    client.logout()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    resp = client.patch(url, body, content_type="application/json", **auth)
    assert resp.status_code == 200, resp.content
    row = m.Activity.objects.get(period=fu_period, key="spontanidrott")
    assert (row.status, row.completion) == ("pågår", 60)
    bad = client.patch(url, '{"färg": "grön"}', content_type="application/json", **auth)
    assert bad.status_code == 422
    other = f"/api/periods/{fu_period.pk}/controls/k-bidrag-underlag/"
    refused = client.patch(
        other, '{"result": "utan anmärkning"}', content_type="application/json", **auth
    )
    assert refused.status_code == 403


def test_findings_screen_links_to_the_row(login: Any, fu_period: m.Period) -> None:
    page = login("reader").get(f"/period/{fu_period.pk}/fynd/").content.decode()
    assert f'href="/period/{fu_period.pk}/uppfoljning/#uppdrag-kf-4"' in page
    assert "Uppdrag från fullmäktige" in page


def test_screen_queries_are_bounded(login: Any, fu_period: m.Period) -> None:
    """The follow-up screen and the overview read the follow-up tables a fixed number of times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("controller")
    counts = {}
    for name, url in (("uppfoljning", "uppfoljning/"), ("oversikt", "")):
        with CaptureQueriesContext(connection) as q:
            assert client.get(f"/period/{fu_period.pk}/{url}").status_code == 200
        counts[name] = len(q)
    # more activities do not mean more queries
    m.Activity.objects.bulk_create(
        m.Activity(
            period=fu_period,
            parent_key="idrott",
            key=f"extra-{i}",
            title=f"Extra {i}",
            position=10 + i,
        )
        for i in range(20)
    )
    with CaptureQueriesContext(connection) as q:
        client.get(f"/period/{fu_period.pk}/uppfoljning/")
    assert len(q) == counts["uppfoljning"]
    # +1 each: the earlier periods of the organisation (history), one query for any number of years
    assert counts["uppfoljning"] <= 23 and counts["oversikt"] <= 21, counts


def test_goal_screen_says_an_activity_goal_is_judged_from_its_activities(
    login: Any, fu_period: m.Period
) -> None:
    goal = m.Goal.objects.get(period=fu_period, key="bibliotek")
    page = login("reader").get(f"/period/{fu_period.pk}/mal/{goal.pk}/").content.decode()
    assert "det bedöms efter sina aktiviteter" in page
    assert "det kan bara bedömas manuellt" not in page

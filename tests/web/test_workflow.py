"""The period workflow, locking, optimistic locking, validation and the audit log."""

from __future__ import annotations

import csv
import html
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from styrkort.web import models as m

pytestmark = pytest.mark.django_db


def _ind(period: m.Period, key: str = "normal-8h") -> m.Indicator:
    return period.indicators.get(key=key)


def _save(client: Client, period: m.Period, ind: m.Indicator, **data: Any) -> Any:
    return client.post(f"/period/{period.pk}/indikator/{ind.pk}/", {"version": ind.version, **data})


def _set_state(period: m.Period, state: str) -> None:
    m.Period.objects.filter(pk=period.pk).update(state=state)
    period.refresh_from_db()


def test_full_workflow_open_submit_approve_lock_reopen(
    as_user: Any, users: dict[str, Any], example_period: m.Period
) -> None:
    p = example_period
    owner = as_user("owner")
    assert _save(owner, p, _ind(p), outcome="91 %").status_code == 302
    # submitting asks for confirmation first; nothing changes until confirmed
    confirm = owner.post(f"/period/{p.pk}/lamna-in/")
    assert confirm.status_code == 200 and "Lämna in dina indikatorer?" in confirm.content.decode()
    assert not m.Submission.objects.filter(period=p, user=users["owner"]).exists()
    assert owner.post(f"/period/{p.pk}/lamna-in/", {"bekrafta": "ja"}).status_code == 302
    assert m.Submission.objects.filter(period=p, user=users["owner"]).exists()
    # after submitting, the owner cannot change any more
    resp = _save(owner, p, _ind(p), outcome="92 %")
    assert resp.status_code == 409
    assert "redan lämnat in" in resp.content.decode()
    page = owner.get(f"/period/{p.pk}/indikator/{_ind(p).pk}/").content.decode()
    assert "Spara indikatorn" not in page
    assert "återlämna" in page
    controller = as_user("controller")
    back = f"/period/{p.pk}/aterlamna/{users['owner'].pk}/"
    # returning needs a reason, which the owner sees
    assert controller.post(back, {"bekrafta": "ja"}).status_code == 422
    assert (
        controller.post(back, {"bekrafta": "ja", "motivering": "Kommentar saknas"}).status_code
        == 302
    )
    owner = as_user("owner")
    assert "Kommentar saknas" in owner.get(f"/period/{p.pk}/").content.decode()
    assert _save(owner, p, _ind(p), outcome="92 %").status_code == 302
    controller = as_user("controller")
    # approval lists the errors and missing submissions and needs an override with a reason
    page = controller.post(f"/period/{p.pk}/godkann/", {"bekrafta": "ja"})
    assert page.status_code == 422
    assert "Har inte lämnat in: other_owner, owner." in page.content.decode()
    p.refresh_from_db()
    assert p.state == m.PeriodState.OPEN
    assert (
        controller.post(
            f"/period/{p.pk}/godkann/", {"bekrafta": "ja", "motivering": "Beslut i nämnden"}
        ).status_code
        == 302
    )
    p.refresh_from_db()
    assert p.state == m.PeriodState.APPROVED
    assert "Beslut i nämnden" in m.AuditEntry.objects.get(action="godkänn").note
    assert controller.post(f"/period/{p.pk}/las/").status_code == 200  # the confirmation
    assert controller.post(f"/period/{p.pk}/las/", {"bekrafta": "ja"}).status_code == 302
    p.refresh_from_db()
    assert p.state == m.PeriodState.LOCKED
    # the controller cannot reopen a locked period; an administrator can, with a justification
    assert controller.post(f"/period/{p.pk}/oppna/", {"justification": "x"}).status_code == 403
    admin = as_user("admin")
    assert admin.post(f"/period/{p.pk}/oppna/", {"justification": ""}).status_code == 422
    assert (
        admin.post(
            f"/period/{p.pk}/oppna/", {"justification": "Rättelse efter revisionen"}
        ).status_code
        == 302
    )
    p.refresh_from_db()
    assert p.state == m.PeriodState.OPEN
    entry = m.AuditEntry.objects.get(action="lås upp")
    assert entry.username == "admin"
    assert entry.old == "Låst"
    assert entry.new == "Öppen"
    assert entry.note == "Rättelse efter revisionen"
    actions = list(
        m.AuditEntry.objects.filter(period=p).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions == [
        "import",
        "ändra",
        "lämna in",
        "återlämna",
        "ändra",
        "godkänn",
        "lås",
        "lås upp",
    ]


def _edits(p: m.Period) -> list[tuple[str, str, dict[str, Any]]]:
    ind = _ind(p)
    goal = p.goals.get(key="service")
    narr = p.narrative.first()
    assert narr is not None
    row = p.operating_rows.first()
    return [
        (
            "POST",
            f"/period/{p.pk}/indikator/{ind.pk}/",
            {"version": ind.version, "outcome": "91 %"},
        ),
        (
            "POST",
            f"/period/{p.pk}/indikator/{ind.pk}/bedomning/",
            {"version": ind.version, "status": "uppnått", "justification": "x"},
        ),
        (
            "POST",
            f"/period/{p.pk}/mal/{goal.pk}/",
            {"form": "kommentar", "version": goal.version, "comment": "x"},
        ),
        (
            "POST",
            f"/period/{p.pk}/mal/{goal.pk}/",
            {
                "form": "bedomning",
                "version": goal.version,
                "status": "uppnått",
                "justification": "x",
            },
        ),
        (
            "POST",
            f"/period/{p.pk}/ekonomi/",
            {"version": p.finance_version, f"drift-{row.pk}-outcome": "1"},
        ),
        (
            "POST",
            f"/period/{p.pk}/berattelse/{narr.pk}/",
            {"version": narr.version, "title": "t", "markdown": "x"},
        ),
        ("POST", f"/period/{p.pk}/godkann/", {}),
    ]


@pytest.mark.parametrize("index", range(7))
def test_locked_period_refuses_every_edit_with_409(
    index: int, as_user: Any, example_period: m.Period
) -> None:
    _set_state(example_period, m.PeriodState.LOCKED)
    client = as_user("controller")
    _method, url, data = _edits(example_period)[index]
    before = m.AuditEntry.objects.count()
    resp = client.post(url, data)
    assert resp.status_code == 409
    assert "är låst" in resp.content.decode()
    assert m.AuditEntry.objects.count() == before


def test_locked_period_refuses_api_writes_and_htmx_gets_the_message(
    users: dict[str, Any], client: Client, example_period: m.Period
) -> None:
    _set_state(example_period, m.PeriodState.LOCKED)
    _row, token = m.ApiToken.issue(users["owner"], "itsm")
    resp = client.patch(
        f"/api/periods/{example_period.pk}/indicators/normal-8h/",
        data='{"outcome": "91 %"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "period_locked"
    assert "låst" in resp.json()["error"]["message"]
    client.force_login(users["controller"])
    ind = _ind(example_period)
    resp = client.post(
        f"/period/{example_period.pk}/indikator/{ind.pk}/",
        {"version": 1, "outcome": "1 %"},
        headers={"HX-Request": "true"},
    )
    assert resp.status_code == 409
    assert resp["HX-Retarget"] == "#meddelanden"


def test_approved_period_refuses_edits(as_user: Any, example_period: m.Period) -> None:
    _set_state(example_period, m.PeriodState.APPROVED)
    resp = _save(as_user("controller"), example_period, _ind(example_period), outcome="91 %")
    assert resp.status_code == 409
    assert "godkänd" in resp.content.decode()


def test_two_users_editing_the_same_indicator_get_a_conflict(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    seen = _ind(p)  # both opened the form at this version
    assert (
        _save(as_user("owner"), p, seen, outcome="91 %", comment="Ägarens analys").status_code
        == 302
    )
    resp = _save(as_user("controller"), p, seen, outcome="50 %", comment="Controllerns analys")
    assert resp.status_code == 409
    text = resp.content.decode()
    assert "har ändrats av owner" in text
    assert "Dina ändringar har inte sparats" in text
    fresh = _ind(p)
    assert fresh.outcome == "91 %"
    assert fresh.comment == "Ägarens analys"
    assert fresh.version == seen.version + 1


def test_narrative_and_finance_are_versioned_too(as_user: Any, example_period: m.Period) -> None:
    p = example_period
    c = as_user("controller")
    narr = p.narrative.first()
    assert narr is not None
    assert (
        c.post(
            f"/period/{p.pk}/berattelse/{narr.pk}/",
            {"version": narr.version, "title": "A", "markdown": "a"},
        ).status_code
        == 302
    )
    assert (
        c.post(
            f"/period/{p.pk}/berattelse/{narr.pk}/",
            {"version": narr.version, "title": "B", "markdown": "b"},
        ).status_code
        == 409
    )
    row = p.operating_rows.first()
    v = p.finance_version
    assert (
        c.post(
            f"/period/{p.pk}/ekonomi/", {"version": v, f"drift-{row.pk}-outcome": "-1"}
        ).status_code
        == 302
    )
    assert (
        c.post(
            f"/period/{p.pk}/ekonomi/", {"version": v, f"drift-{row.pk}-outcome": "-2"}
        ).status_code
        == 409
    )
    row.refresh_from_db()
    assert row.outcome == -1


@pytest.mark.parametrize(
    ("key", "outcome", "message"),
    [
        # core's words (checks indicator.units and indicator.outcome), not a copy of its rules
        ("hme", "55 %", "indikatorn mäts i 'index'"),
        ("miljodiplomering", "12", "kan inte jämföras med målvärdet (Ja)"),
        ("normal-8h", "Ja", "indikatorn mäts i '%'"),
        ("normal-8h", "ungefär hälften", "kan inte tolkas"),
        ("handlaggningstid", "21 %", "indikatorn mäts i 'st'"),
    ],
)
def test_outcome_is_validated_against_unit_and_target_type(
    key: str, outcome: str, message: str, as_user: Any, example_period: m.Period
) -> None:
    ind = _ind(example_period, key)
    before = ind.outcome
    resp = _save(as_user("controller"), example_period, ind, outcome=outcome)
    assert resp.status_code == 422
    assert message in html.unescape(resp.content.decode())
    assert _ind(example_period, key).outcome == before


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        ("hme", "72,5"),
        ("miljodiplomering", "Nej"),
        ("normal-8h", "—"),
        ("normal-8h", "91,5 %"),
        ("handlaggningstid", "19 st"),
    ],
)
def test_valid_outcomes_are_saved(
    key: str, outcome: str, as_user: Any, example_period: m.Period
) -> None:
    ind = _ind(example_period, key)
    assert _save(as_user("controller"), example_period, ind, outcome=outcome).status_code == 302
    assert _ind(example_period, key).outcome == outcome


def test_status_comes_from_the_core_after_an_edit(as_user: Any, example_period: m.Period) -> None:
    c = as_user("owner")
    ind = _ind(example_period)
    assert _save(c, example_period, ind, outcome="91 %").status_code == 302
    data = c.get(f"/api/periods/{example_period.pk}/indicators/normal-8h/").json()
    assert data["status"]["value"] == "uppnått"
    assert _save(c, example_period, _ind(example_period), outcome="80 %").status_code == 302
    data = c.get(f"/api/periods/{example_period.pk}/indicators/normal-8h/").json()
    assert data["status"]["value"] == "delvis uppnått"  # 80 ≥ 0,8 × 90 by the example's tolerance


def test_manual_override_needs_a_justification_and_is_logged(
    as_user: Any, example_period: m.Period
) -> None:
    c = as_user("controller")
    ind = _ind(example_period, "samtal-20-60s")
    url = f"/period/{example_period.pk}/indikator/{ind.pk}/bedomning/"
    resp = c.post(
        url, {"version": ind.version, "status": "uppnått", "justification": "  "}, follow=True
    )
    assert "måste motiveras" in resp.content.decode()
    assert _ind(example_period, "samtal-20-60s").manual_status == ""
    c.post(
        url,
        {"version": ind.version, "status": "uppnått", "justification": "Servicenivå 2 är uppnådd"},
    )
    ind = _ind(example_period, "samtal-20-60s")
    assert ind.manual_status == "uppnått"
    assert ind.manual_by == "controller"
    entry = m.AuditEntry.objects.get(action="bedömning")
    assert (entry.old, entry.new, entry.note) == ("beräknad", "uppnått", "Servicenivå 2 är uppnådd")
    page = c.get(f"/period/{example_period.pk}/indikator/{ind.pk}/").content.decode()
    assert "Servicenivå 2 är uppnådd" in page
    assert "manuell; beräknad: Delvis uppnått" in page  # 67 % against 70 % with tolerance 0,8


def test_audit_log_records_who_what_from_to_and_exports_csv(
    as_user: Any, example_period: m.Period
) -> None:
    _save(as_user("owner"), example_period, _ind(example_period), outcome="91 %")
    entry = m.AuditEntry.objects.get(action="ändra")
    assert (entry.username, entry.target, entry.field, entry.old, entry.new) == (
        "owner",
        "indikator normal-8h",
        "utfall",
        "",
        "91 %",
    )
    assert entry.at is not None
    c = as_user("auditor")
    page = c.get(f"/organisation/{example_period.organisation.pk}/logg/").content.decode()
    text = example_period.indicators.get(key="normal-8h").text
    assert f"Indikator: {html.escape(text)}" in page  # the label, not the key
    resp = c.get(f"/organisation/{example_period.organisation.pk}/logg.csv")
    assert resp["Content-Type"].startswith("text/csv")
    body = b"".join(resp.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "tidpunkt",
        "användare",
        "händelse",
        "period",
        "vad",
        "fält",
        "från",
        "till",
        "motivering",
    ]
    assert [
        "owner",
        "ändra",
        "Årsredovisning 2020",
        f"Indikator: {text}",
        "utfall",
        "",
        "91 %",
        "",
    ] in [r[1:] for r in rows[1:]]


def test_overview_says_what_is_missing_and_from_whom(
    as_user: Any, example_period: m.Period
) -> None:
    page = as_user("controller").get(f"/period/{example_period.pk}/").content.decode()
    assert "Det här saknas" in page
    assert "Servicedeskchef" in page
    assert "owner" in page  # the user assigned to Servicedeskchef
    assert "Öka andelen akuta incidenter" in page
    # status by symbol and word, never colour alone
    assert '<span class="symbol" aria-hidden="true">' in page
    assert "Ej bedömt" in page


def test_findings_name_screen_and_field(as_user: Any, example_period: m.Period) -> None:
    page = as_user("reader").get(f"/period/{example_period.pk}/fynd/").content.decode()
    ind = _ind(example_period, "akut-30min")
    assert f'href="/period/{example_period.pk}/indikator/{ind.pk}/#falt-outcome"' in page
    assert "utfall" in page
    data = as_user("reader").get(f"/api/periods/{example_period.pk}/findings/").json()["findings"]
    f = next(f for f in data if f["code"] == "indicator.no_outcome" and f["key"] == "akut-30min")
    assert (f["screen"], f["field"], f["file"]) == (
        "indikator",
        "utfall",
        "web:indikator/akut-30min/utfall",
    )


def test_narrative_preview_fills_live_figures(as_user: Any, example_period: m.Period) -> None:
    narr = example_period.narrative.first()
    assert narr is not None
    resp = as_user("reader").post(
        f"/period/{example_period.pk}/berattelse/{narr.pk}/forhandsgranska/",
        {"markdown": "# Rubrik\n\nÅret {{ år }} och {{ finns.inte }}"},
    )
    text = resp.content.decode()
    assert "Året 2020" in text
    assert "<h3>Rubrik</h3>" in text
    assert "finns.inte" in text
    assert "rad 3" in text


def test_report_preview_and_download(as_user: Any, example_period: m.Period) -> None:
    c = as_user("reader")
    page = c.get(f"/period/{example_period.pk}/rapport/").content.decode()
    assert "Måluppfyllelse" in page
    resp = c.get(f"/period/{example_period.pk}/rapport/html/")
    assert resp.status_code == 200
    assert "attachment" in resp["Content-Disposition"]
    assert b"<html" in resp.content
    assert c.get(f"/period/{example_period.pk}/rapport/exe/").status_code == 404


class _Labels(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.html_lang: str | None = None
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "a" and a.get("href") == "#innehall":
            self.skip = True
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"] or "")
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.fields.append(a)


@pytest.mark.parametrize(
    "page",
    [
        "overview",
        "indicator",
        "goal",
        "finance",
        "narrative",
        "findings",
        "report",
        "audit",
        "roles",
        "login",
    ],
)
def test_pages_are_labelled_swedish_and_skippable(
    page: str, as_user: Any, client: Client, example_period: m.Period
) -> None:
    p = example_period
    urls = {
        "overview": f"/period/{p.pk}/",
        "indicator": f"/period/{p.pk}/indikator/{_ind(p).pk}/",
        "goal": f"/period/{p.pk}/mal/{p.goals.get(key='service').pk}/",
        "finance": f"/period/{p.pk}/ekonomi/",
        "narrative": f"/period/{p.pk}/berattelse/{p.narrative.first().pk}/",  # type: ignore[union-attr]
        "findings": f"/period/{p.pk}/fynd/",
        "report": f"/period/{p.pk}/rapport/",
        "audit": f"/organisation/{p.organisation.pk}/logg/",
        "roles": f"/organisation/{p.organisation.pk}/roller/",
        "login": "/logga-in/",
    }
    c = client if page == "login" else as_user("admin")
    resp = c.get(urls[page])
    assert resp.status_code == 200
    parser = _Labels()
    parser.feed(resp.content.decode())
    assert parser.html_lang == "sv"
    assert parser.skip
    unlabelled = [
        f for f in parser.fields if f.get("id") not in parser.labels and not f.get("aria-label")
    ]
    assert not unlabelled
    if page in {"indicator", "finance", "narrative", "roles"}:
        assert parser.fields, "the page should have form fields"


def test_finance_screen_shows_core_deviations_and_refuses_bad_amounts(
    as_user: Any, example_period: m.Period
) -> None:
    c = as_user("controller")
    page = c.get(f"/period/{example_period.pk}/ekonomi/").content.decode()
    assert "Avvikelse (budget − utfall)" in page
    # TJÄNSTER: 1 015 000 − 4 985 000, computed by the core, written as the report writes figures
    assert "\u22123\u00a0970\u00a0000" in page
    assert "Kvar av ram" in page
    row = example_period.operating_rows.first()
    resp = c.post(
        f"/period/{example_period.pk}/ekonomi/",
        {"version": example_period.finance_version, f"drift-{row.pk}-budget": "tolv"},
    )
    assert resp.status_code == 422
    assert "är inget belopp" in resp.content.decode()
    row.refresh_from_db()
    assert row.budget == 0


def test_administrator_removes_a_role_but_not_their_own(
    as_user: Any, users: dict[str, Any], example_period: m.Period
) -> None:
    c = as_user("admin")
    org = example_period.organisation
    reader = m.Membership.objects.get(user=users["reader"])
    url = f"/organisation/{org.pk}/roller/"
    assert c.post(url, {"ta_bort": reader.pk}).status_code == 200  # asks for confirmation
    assert m.Membership.objects.filter(pk=reader.pk).exists()
    assert c.post(url, {"ta_bort": reader.pk, "bekrafta": "ja"}).status_code == 302
    assert not m.Membership.objects.filter(pk=reader.pk).exists()
    own = m.Membership.objects.get(user=users["admin"])
    assert c.post(url, {"ta_bort": own.pk, "bekrafta": "ja"}).status_code == 409
    assert m.AuditEntry.objects.filter(action="roll", target="användare reader", new="").exists()
    # the removed reader no longer sees the organisation
    assert as_user("reader").get(f"/period/{example_period.pk}/").status_code == 404


def test_owner_sees_a_to_do_list_of_their_indicators(
    as_user: Any, example_period: m.Period
) -> None:
    page = as_user("other_owner").get(f"/period/{example_period.pk}/").content.decode()
    start = page.index("Att göra: mina indikatorer")
    todo = page[start : page.index("</section>", start)]
    assert "Sjukfrånvaro" in todo
    assert "Medarbetarengagemang" in todo
    assert "Öka andelen akuta incidenter" not in todo  # Servicedeskchef's, not HR's
    page = as_user("owner").get(f"/period/{example_period.pk}/").content.decode()
    start = page.index("Att göra: mina indikatorer")
    todo = page[start : page.index("</section>", start)]
    assert todo.index("akuta incidenter") < todo.index(
        "Minska genomsnittlig"
    )  # missing outcomes first
    assert "utfall saknas" in todo


def test_the_downloaded_kontrollresultat_names_screens_not_web_sources(
    as_user: Any, example_period: m.Period
) -> None:
    import io

    import openpyxl

    c = as_user("reader")
    resp = c.get(f"/period/{example_period.pk}/rapport/xlsx/")
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content))["Kontrollresultat"]
    where = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]]
    assert where, "the example period has findings"
    assert not [w for w in where if str(w).startswith("web:")], where
    assert any(str(w).startswith("skärmen ") for w in where), where

"""The municipality in the web app (issue 14): models, the access policy for every role × screen,
the overview's figures against each board's own report, and approval feeding the report."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client

from styrkort.municipality import build_municipality, load_municipality
from styrkort.report import format as fmt
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web import municipality as mu
from styrkort.web import services
from styrkort.web.access import Access, Action, municipalities_for, organisations_for
from styrkort.web.errors import Forbidden, NotFound
from styrkort.web.municipality_import import import_municipality
from styrkort.web.views import run_period

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KOMMUN = EXAMPLES / "exempel-kommun"
CONFIG = (KOMMUN / "styrkort.yaml").read_text(encoding="utf-8")
BOARD_IDS = ("ks", "bun", "sn", "tn", "kfn", "bmn", "ofn", "vn")

MUNICIPALITY_ROLES = {
    "k_admin": m.MunicipalityRole.ADMIN,
    "k_controller": m.MunicipalityRole.CONTROLLER,
    "k_reader": m.MunicipalityRole.READER,
}
ROLES = ("superuser", *MUNICIPALITY_ROLES, "ks_controller", "tn_owner", "outsider")


def _import(folder: Path, name: str) -> m.Period:
    load = load_workspace(folder)
    assert load.workspace is not None
    ws = load.workspace
    ws = replace(ws, organisation=replace(ws.organisation, name=name))
    return services.import_workspace(ws)


@pytest.fixture
def kommun(db: Any) -> dict[str, Any]:
    """The generated Exempelby kommun (eight boards) imported from its folder: Kommunstyrelsen
    approved, Barn- och utbildningsnämnden locked, Tekniska nämnden open with every owner
    handed in, the rest open; a board outside it, and a user per role."""
    users = {
        name: get_user_model().objects.create_user(name, "", None, is_superuser=name == "superuser")
        for name in ROLES
    }
    imported = import_municipality(KOMMUN)
    assert imported.municipality is not None, [f.format() for f in imported.findings]
    municipality = imported.municipality
    periods = {
        link.board_id: link.organisation.periods.get() for link in municipality.board_links.all()
    }
    for board_id, state in (("ks", "approved"), ("bun", "locked")):
        periods[board_id].state = state
        periods[board_id].save(update_fields=["state"])
    outside = _import(EXAMPLES / "sydnarke-it-2020", "Grannkommunens nämnd")
    for name, role in MUNICIPALITY_ROLES.items():
        m.MunicipalityMembership.objects.create(
            user=users[name], municipality=municipality, role=role
        )
    m.Membership.objects.create(
        user=users["ks_controller"],
        organisation=periods["ks"].organisation,
        role=m.Role.CONTROLLER,
    )
    m.Membership.objects.create(
        user=users["tn_owner"],
        organisation=periods["tn"].organisation,
        role=m.Role.OWNER,
        owner_labels="Controller",
    )
    m.Submission.objects.create(period=periods["tn"], user=users["tn_owner"])
    mu.clear_cache()
    return {"municipality": municipality, "periods": periods, "users": users, "outside": outside}


def _client(kommun: dict[str, Any], role: str) -> Client:
    c = Client()
    c.force_login(kommun["users"][role])
    return c


# --- models -----------------------------------------------------------------------------------


def test_a_board_id_and_a_board_are_linked_once_per_municipality(kommun: dict[str, Any]) -> None:
    municipality, periods = kommun["municipality"], kommun["periods"]
    with pytest.raises(IntegrityError), transaction.atomic():
        m.MunicipalityBoard.objects.create(
            municipality=municipality, organisation=periods["ks"].organisation, board_id="ks2"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        m.MunicipalityBoard.objects.create(
            municipality=municipality, organisation=kommun["outside"].organisation, board_id="ks"
        )
    assert list(municipality.boards.order_by("municipality_links__position")) == [
        p.organisation for p in periods.values()
    ]


def test_deleting_a_board_removes_its_link_not_the_municipality(kommun: dict[str, Any]) -> None:
    kommun["periods"]["kfn"].organisation.delete()
    municipality = m.Municipality.objects.get()
    assert [link.board_id for link in municipality.board_links.all()] == [
        b for b in BOARD_IDS if b != "kfn"
    ]


# --- access -----------------------------------------------------------------------------------


MUNICIPALITY_READERS = {"superuser", *MUNICIPALITY_ROLES}
MUNICIPALITY_MANAGERS = {"superuser", "k_admin", "k_controller"}


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_per_role(kommun: dict[str, Any], role: str) -> None:
    user = kommun["users"][role]
    access = Access.for_municipality(user, kommun["municipality"])
    assert access.may(Action.READ_MUNICIPALITY) == (role in MUNICIPALITY_READERS)
    assert access.may(Action.MANAGE_MUNICIPALITY) == (role in MUNICIPALITY_MANAGERS)
    assert access.may(Action.MANAGE_MUNICIPALITY_ROLES) == (role in {"superuser", "k_admin"})
    assert access.may(Action.CREATE_MUNICIPALITY) == (role == "superuser")
    # every board of the municipality is read by the municipality's roles, never edited
    for board_id, period in kommun["periods"].items():
        board = Access(user, period.organisation)
        own = (role == "ks_controller" and board_id == "ks") or (
            role == "tn_owner" and board_id == "tn"
        )
        assert board.may(Action.READ) == (role in MUNICIPALITY_READERS or own)
        if role in MUNICIPALITY_ROLES:
            assert board.role == m.Role.READER
            assert not board.may(Action.EDIT_FINANCE)
            assert not board.may(Action.APPROVE)
            assert not board.may(Action.READ_AUDIT)
    # a board outside the municipality stays closed
    outside = Access(user, kommun["outside"].organisation)
    assert outside.may(Action.READ) == (role == "superuser")


def test_a_refused_municipality_does_not_reveal_itself(kommun: dict[str, Any]) -> None:
    access = Access.for_municipality(kommun["users"]["ks_controller"], kommun["municipality"])
    assert isinstance(access.check(Action.READ_MUNICIPALITY), NotFound)
    reader = Access.for_municipality(kommun["users"]["k_reader"], kommun["municipality"])
    assert isinstance(reader.check(Action.MANAGE_MUNICIPALITY), Forbidden)


def test_linking_a_board_needs_control_of_the_board(kommun: dict[str, Any]) -> None:
    """Otherwise linking a board would be a way to read it."""
    outside = kommun["outside"].organisation
    controller = Access.for_municipality(kommun["users"]["k_controller"], kommun["municipality"])
    assert not controller.may(Action.LINK_BOARD, None, outside)
    with pytest.raises(Forbidden):
        mu.link_board(controller, outside, "gn")
    m.Membership.objects.create(
        user=kommun["users"]["k_controller"], organisation=outside, role=m.Role.CONTROLLER
    )
    assert controller.may(Action.LINK_BOARD, None, outside)
    assert outside in mu.linkable_organisations(controller)
    link = mu.link_board(controller, outside, "gn")
    assert link.position == 8  # after the eight boards (0–7)
    entry = m.AuditEntry.objects.filter(organisation=outside).first()
    assert entry is not None and entry.action == "koppla till kommun" and entry.new == "gn"


def test_organisations_and_municipalities_for_a_user(kommun: dict[str, Any]) -> None:
    users, periods = kommun["users"], kommun["periods"]
    boards = {p.organisation for p in periods.values()}
    assert set(organisations_for(users["k_reader"])) == boards
    assert organisations_for(users["ks_controller"]) == [periods["ks"].organisation]
    assert municipalities_for(users["k_reader"]) == [kommun["municipality"]]
    assert municipalities_for(users["ks_controller"]) == []


# --- screens: every role × screen ------------------------------------------------------------


def _screens(kommun: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], set[str]]]:
    k = kommun["municipality"].pk
    ks, outside = kommun["periods"]["ks"], kommun["outside"]
    return [
        ("list", "get", "/kommun/", {}, set(ROLES)),
        ("new", "get", "/kommun/ny/", {}, {"superuser"}),
        ("overview", "get", f"/kommun/{k}/", {}, MUNICIPALITY_READERS),
        ("manage", "get", f"/kommun/{k}/hantera/", {}, MUNICIPALITY_MANAGERS),
        ("municipality report", "get", f"/kommun/{k}/rapport/", {}, MUNICIPALITY_READERS),
        ("check", "post", f"/kommun/{k}/kontrollera/", {"config": CONFIG}, MUNICIPALITY_MANAGERS),
        (
            "board overview",
            "get",
            f"/period/{ks.pk}/",
            {},
            MUNICIPALITY_READERS | {"ks_controller"},
        ),
        (
            "board report",
            "get",
            f"/period/{ks.pk}/rapport/",
            {},
            MUNICIPALITY_READERS | {"ks_controller"},
        ),
        (
            "board audit",
            "get",
            f"/organisation/{ks.organisation.pk}/logg/",
            {},
            {"superuser", "ks_controller"},
        ),
        ("outside board", "get", f"/period/{outside.pk}/", {}, {"superuser"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_per_role(kommun: dict[str, Any], role: str) -> None:
    client = _client(kommun, role)
    for name, method, url, data, allowed in _screens(kommun):
        resp = getattr(client, method)(url, data)
        if role in allowed:
            assert resp.status_code == 200, f"{role} on {name}: {resp.status_code}"
        else:
            assert resp.status_code in (403, 404), f"{role} on {name}: {resp.status_code}"
    # the report's download: not built while boards wait (409), not revealed to others (404)
    resp = client.get(f"/kommun/{kommun['municipality'].pk}/rapport/xlsx/")
    assert resp.status_code == (409 if role in MUNICIPALITY_READERS else 404)


@pytest.mark.parametrize("role", [*MUNICIPALITY_ROLES])
def test_a_municipality_role_cannot_change_a_board(kommun: dict[str, Any], role: str) -> None:
    tn = kommun["periods"]["tn"]
    indicator = tn.indicators.first()
    client = _client(kommun, role)
    resp = client.post(f"/period/{tn.pk}/indikator/{indicator.pk}/", {"outcome": "99 %"})
    assert resp.status_code == 403
    assert client.post(f"/period/{tn.pk}/godkann/", {"bekrafta": "ja"}).status_code == 403
    indicator.refresh_from_db()
    assert indicator.outcome != "99 %"


def test_a_board_controller_sees_their_board_but_not_the_municipality(
    kommun: dict[str, Any],
) -> None:
    client = _client(kommun, "ks_controller")
    home = client.get("/").content.decode()
    assert "Exempelby kommun" not in home
    assert client.get(f"/kommun/{kommun['municipality'].pk}/").status_code == 404
    for board_id, period in kommun["periods"].items():
        status = client.get(f"/period/{period.pk}/").status_code
        assert status == (200 if board_id == "ks" else 404)


def test_the_municipality_controller_reads_the_board_as_municipality_role(
    kommun: dict[str, Any],
) -> None:
    client = _client(kommun, "k_controller")
    page = client.get(f"/period/{kommun['periods']['tn'].pk}/").content.decode()
    assert "Kommunens controller" in page
    assert "Godkänn perioden" not in page
    home = client.get("/").content.decode()
    assert "Exempelby kommun: nämndernas läge" in home


# --- the overview's figures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def from_folder() -> Any:
    """The municipality's report built from its folder, as ``styrkort build`` builds it."""
    load = load_municipality(KOMMUN)
    assert load.config is not None
    return build_municipality(load.config, load.boards, load.root)


def test_overview_states_verdicts_and_results_equal_each_boards_own(
    kommun: dict[str, Any], from_folder: Any
) -> None:
    ov = mu.overview(kommun["municipality"])
    assert ov.year == 2022
    states = {r.link.board_id: r.state for r in ov.rows}
    assert states == {
        "ks": mu.BoardState.APPROVED,
        "bun": mu.BoardState.LOCKED,
        "tn": mu.BoardState.SUBMITTED,
        **dict.fromkeys(("sn", "kfn", "bmn", "ofn", "vn"), mu.BoardState.OPEN),
    }
    folder_rows = {ref.id: br for ref, br in from_folder.board_rows}
    for row in ov.rows:
        own = run_period(row.period)  # the board's own report
        assert own.assessed is not None and own.report is not None
        assert row.figures is not None
        assert row.figures.verdict is own.assessed.summary.verdict
        assert row.result == own.assessed.board_result
        # and the row the municipality's report prints for the board, built from the folder
        assert row.result is not None
        assert row.result.result == folder_rows[row.link.board_id].result
        assert row.result.contribution == folder_rows[row.link.board_id].contribution
    assert ov.totals == from_folder.assessed.operating.boards_total


def test_a_board_without_a_period_of_the_year_is_shown_as_such(kommun: dict[str, Any]) -> None:
    outside = kommun["outside"].organisation  # its period is 2020, the municipality's 2022
    m.MunicipalityBoard.objects.create(
        municipality=kommun["municipality"], organisation=outside, board_id="gn", position=9
    )
    ov = mu.overview(kommun["municipality"])
    row = ov.rows[-1]
    assert row.state is mu.BoardState.NO_PERIOD and row.figures is None
    assert row in ov.missing
    page = _client(kommun, "k_reader").get(f"/kommun/{kommun['municipality'].pk}/")
    assert "Ingen period för 2022" in page.content.decode()


def test_the_overview_screen_prints_the_boards_figures_and_totals(kommun: dict[str, Any]) -> None:
    page = _client(kommun, "k_reader").get(f"/kommun/{kommun['municipality'].pk}/")
    html = page.content.decode()
    ov = mu.overview(kommun["municipality"])
    for row in ov.rows:
        assert row.organisation.name in html
        assert row.state.label in html
        assert f'href="/period/{row.period.pk}/"' in html
        assert fmt.tkr(row.result.result) in html
    assert "Summa nämnder" in html
    assert ov.totals is not None
    assert fmt.tkr(ov.totals.result) in html
    assert fmt.tkr(ov.totals.costs) in html
    # Kommunstyrelsen states a balanskrav adjustment: the two columns are shown, as the
    # municipality's operating statement prints them
    assert ov.balance_columns and "Balanskravsresultat" in html
    ks = next(r for r in ov.rows if r.link.board_id == "ks")
    assert ks.result is not None and ks.result.balance_result is not None
    assert fmt.tkr(ks.result.balance_result) in html
    assert fmt.tkr(ov.totals.balance_result) in html
    # which boards the report lacks is said, not hidden
    assert "2 av 8 nämnder är med" in html
    assert "Saknas i rapporten" in html


def _approve_all(kommun: dict[str, Any]) -> None:
    """Each open board's controller approves its period (the checks' errors overridden)."""
    for board_id, period in kommun["periods"].items():
        period.refresh_from_db()
        if period.state != m.PeriodState.OPEN:
            continue
        user = get_user_model().objects.create_user(f"{board_id}_ctl", "", None)
        m.Membership.objects.create(
            user=user, organisation=period.organisation, role=m.Role.CONTROLLER
        )
        services.approve(Access(user, period.organisation), period.pk, ["fel"], "Beslutat")


def test_approval_feeds_the_report(kommun: dict[str, Any], from_folder: Any) -> None:
    """A board enters the municipality's report when its controller approves the period; the
    report waits for every board and names those it waits for."""
    municipality = kommun["municipality"]
    before = mu.build_report(municipality)
    assert before.report is None
    assert {r.link.board_id for r in before.waiting} == {"sn", "tn", "kfn", "bmn", "ofn", "vn"}
    page = _client(kommun, "k_reader").get(f"/kommun/{municipality.pk}/rapport/").content.decode()
    assert "Rapporten väntar på nämnderna" in page and "Socialnämnden" in page
    assert (
        _client(kommun, "k_reader").get(f"/kommun/{municipality.pk}/rapport/html/").status_code
        == 409
    )
    _approve_all(kommun)
    after = mu.build_report(municipality)
    assert not after.waiting and after.report is not None and after.result is not None
    assert [(ref.id, br.result) for ref, br in after.result.board_rows] == [
        (ref.id, br.result) for ref, br in from_folder.board_rows
    ]
    assert (
        after.result.assessed.operating.boards_total == from_folder.assessed.operating.boards_total
    )
    client = _client(kommun, "k_reader")
    page = client.get(f"/kommun/{municipality.pk}/rapport/").content.decode()
    assert "Summa nämnder" in page and "Ladda ned" in page
    html = client.get(f"/kommun/{municipality.pk}/rapport/html/")
    assert html.status_code == 200 and "Kommunstyrelsen" in html.content.decode()
    xlsx = client.get(f"/kommun/{municipality.pk}/rapport/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # reopening a board takes it out of the report again
    ks = kommun["periods"]["ks"]
    ks.state = m.PeriodState.OPEN
    ks.save(update_fields=["state"])
    again = mu.build_report(municipality)
    assert again.report is None and [r.link.board_id for r in again.waiting] == ["ks"]


def test_figures_are_cached_until_the_period_changes(kommun: dict[str, Any]) -> None:
    ks = kommun["periods"]["ks"]
    first = mu.board_figures(ks)
    assert mu.board_figures(ks) is first
    services.audit(None, ks.organisation, ks, "lås upp", "period")  # any audited change
    assert mu.board_figures(ks) is not first
    # an open period: an outcome entered through the services shows at once
    tn = kommun["periods"]["tn"]
    before = mu.board_figures(tn)
    assert mu.board_figures(tn) is before
    controller = get_user_model().objects.create_user("tn_controller", "", None)
    m.Membership.objects.create(
        user=controller, organisation=tn.organisation, role=m.Role.CONTROLLER
    )
    for ind in tn.indicators.all():
        services.update_indicator(
            Access(controller, tn.organisation), ind.pk, ind.version, {"outcome": ""}
        )
    after = mu.board_figures(tn)
    assert (after.verdict, after.errors) != (before.verdict, before.errors)
    mu.clear_cache()
    assert mu.board_figures(tn) == after  # what a fresh computation gives


# --- configuration and management --------------------------------------------------------------


def test_config_problems_name_unlinked_and_unknown_boards(kommun: dict[str, Any]) -> None:
    municipality = kommun["municipality"]
    config, findings = mu.read_config(CONFIG.replace("id: kfn\n", "id: kf\n"))
    problems = mu.config_problems(config, findings, mu.links_of(municipality))
    texts = " ".join(p.message for p in problems)
    assert "”kfn” finns inte i konfigurationens boards-lista" in texts
    assert "(kf) är inte kopplad" in texts


def test_unreadable_config_is_a_located_finding(kommun: dict[str, Any]) -> None:
    config, findings = mu.read_config("kind: municipality\nboards: [\n")
    problems = mu.config_problems(config, findings, [])
    assert config is None
    assert problems and problems[0].error and "styrkort.yaml" in problems[0].where


def test_manage_screen_saves_links_and_sets_roles(kommun: dict[str, Any]) -> None:
    municipality = kommun["municipality"]
    client = _client(kommun, "k_admin")
    url = f"/kommun/{municipality.pk}/hantera/"
    resp = client.post(
        url,
        {"gor": "spara", "name": "Exempelby", "config": CONFIG, "version": municipality.version},
    )
    assert resp.status_code == 302
    municipality.refresh_from_db()
    assert municipality.name == "Exempelby" and municipality.version == 2
    # a stale form is refused, not silently overwritten
    stale = client.post(url, {"gor": "spara", "name": "X", "config": "", "version": 1})
    assert stale.status_code == 409
    link = municipality.board_links.get(board_id="kfn")
    assert client.post(url, {"gor": "koppla_fran", "koppling": link.pk}).status_code == 302
    assert not municipality.board_links.filter(board_id="kfn").exists()
    resp = client.post(url, {"gor": "roll", "username": "ks_controller", "role": "reader"})
    assert resp.status_code == 302
    assert Access.for_municipality(kommun["users"]["ks_controller"], municipality).may(
        Action.READ_MUNICIPALITY
    )
    # the controller manages the municipality but not its roles
    ctl = _client(kommun, "k_controller")
    assert (
        ctl.post(url, {"gor": "roll", "username": "outsider", "role": "admin"}).status_code == 403
    )


def test_create_municipality_makes_the_creator_its_administrator(kommun: dict[str, Any]) -> None:
    client = _client(kommun, "superuser")
    resp = client.post("/kommun/ny/", {"name": "Nyby kommun", "config": ""})
    assert resp.status_code == 302
    created = m.Municipality.objects.get(name="Nyby kommun")
    assert created.memberships.get().role == m.MunicipalityRole.ADMIN
    assert _client(kommun, "k_admin").post("/kommun/ny/", {"name": "X"}).status_code == 403


def test_the_htmx_check_shows_the_configurations_problems(kommun: dict[str, Any]) -> None:
    client = _client(kommun, "k_controller")
    resp = client.post(
        f"/kommun/{kommun['municipality'].pk}/kontrollera/",
        {"config": CONFIG.replace("id: tn", "id: tekn")},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200
    assert "”tn” finns inte" in resp.content.decode()


def test_a_configuration_with_errors_is_not_saved_and_nothing_typed_is_lost(
    kommun: dict[str, Any],
) -> None:
    municipality = kommun["municipality"]
    broken = CONFIG.replace("period: {year: 2022, kind: year}", "period: {year: tjugo}")
    resp = _client(kommun, "k_controller").post(
        f"/kommun/{municipality.pk}/hantera/",
        {"gor": "spara", "name": municipality.name, "config": broken, "version": 1},
    )
    assert resp.status_code == 422
    page = resp.content.decode()
    assert "styrkort.yaml:" in page  # the error says where
    assert "tjugo" in page  # the text is shown again
    municipality.refresh_from_db()
    assert municipality.config == CONFIG


def test_the_admin_form_refuses_a_configuration_with_errors(kommun: dict[str, Any]) -> None:
    from styrkort.web.admin import MunicipalityAdminForm

    bad = MunicipalityAdminForm(data={"name": "X", "config": "kind: municipality\nboards: ["})
    assert not bad.is_valid() and "config" in bad.errors
    good = MunicipalityAdminForm(data={"name": "X", "config": CONFIG})
    assert good.is_valid(), good.errors


class _FormValues(HTMLParser):
    """The values a browser would post from a page's form (inputs, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def test_changes_in_the_django_admin_are_audited_and_renew_the_figures(
    kommun: dict[str, Any],
) -> None:
    ks = kommun["periods"]["ks"]
    org = ks.organisation
    first = mu.board_figures(ks)
    assert mu.board_figures(ks) is first
    staff = get_user_model().objects.create_user("it_admin", "", None, is_staff=True)
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    url = f"/admin/styrkort/organisation/{org.pk}/change/"
    form = _FormValues()
    form.feed(client.get(url).content.decode())
    assert form.values["name"] == org.name
    role_field = next(k for k in form.values if k.startswith("memberships-0-role"))
    old_role = form.values[role_field]
    form.values["name"] = "Kommunstyrelsen (ny)"
    form.values[role_field] = "admin" if old_role != "admin" else "controller"
    resp = client.post(url, form.values)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    entries = list(m.AuditEntry.objects.filter(organisation=org, action="admin").order_by("pk"))
    assert [(e.username, e.field, e.old, e.new) for e in entries] == [
        ("it_admin", "namn", org.name, "Kommunstyrelsen (ny)"),
        ("it_admin", "roll", old_role, form.values[role_field]),
    ]
    assert all(e.period is None for e in entries)
    # the figures of the organisation's period are made again, not served from before
    assert mu.board_figures(ks) is not first
    # a role moved to another user and another board on its own page: both boards' logs say
    # so, by the users' and the boards' names (not their ids)
    membership = m.Membership.objects.filter(organisation=org).first()
    assert membership is not None
    other_org = kommun["periods"]["tn"].organisation
    page = f"/admin/styrkort/membership/{membership.pk}/change/"
    form = _FormValues()
    form.feed(client.get(page).content.decode())
    old_user = membership.user.username
    form.values["user"] = str(staff.pk)
    form.values["organisation"] = str(other_org.pk)
    assert client.post(page, form.values).status_code == 302
    org.refresh_from_db()  # renamed above
    moved = {
        (e.organisation_id, e.field, e.old, e.new)
        for e in m.AuditEntry.objects.filter(
            action="admin", field__in=["användare", "organisation"]
        )
    }
    assert moved == {
        (other_org.pk, "användare", old_user, "it_admin"),
        (other_org.pk, "organisation", org.name, other_org.name),
        (org.pk, "organisation", org.name, other_org.name),
    }
    # a membership removed on its own page is audited too
    delete = f"/admin/styrkort/membership/{membership.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 302
    last = m.AuditEntry.objects.filter(organisation=other_org).order_by("-pk").first()
    assert last is not None and (last.action, last.new) == ("admin", "borttagen")

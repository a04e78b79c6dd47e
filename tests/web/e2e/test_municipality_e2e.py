"""End to end, in chromium against the real app: the municipality's overview with per-role access
(issue 14, "done when": the web app shows the municipality overview with per-role access).

The module's server gets the generated Exempelby kommun (``examples/exempel-kommun``: eight
boards, two approved) beside the Sydnärke example. The municipality's controller sees every
board, follows a link into a board and reads it without edit buttons, and sees which boards the
municipality's report waits for; Sydnärke's board controller is refused the municipality and its
boards and sees only their own. Every screen is checked
with axe-core at 1280 and 390 px, without sideways page scroll at 390 px.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from e2e_support import assert_accessible, login_reusing_session

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
PASSWORD = "Kommun-Lösen-2026"

# Run with ``styrkort manage shell -c`` on the module server's database.
SETUP = """
import json
from pathlib import Path
from django.contrib.auth import get_user_model
from styrkort.web import models as m
from styrkort.web.municipality_import import import_municipality
k = import_municipality(Path({folder!r})).municipality
periods = {{link.board_id: link.organisation.periods.get() for link in k.board_links.all()}}
for board_id in ("ks", "bun"):
    periods[board_id].state = "approved"
    periods[board_id].save(update_fields=["state"])
user = get_user_model().objects.create_user("kommunctl", "", {password!r})
m.MunicipalityMembership.objects.create(user=user, municipality=k, role="controller")
print("E2E-KOMMUN=" + json.dumps({{
    "municipality": k.pk,
    "periods": {{b: p.pk for b, p in periods.items()}},
    "names": {{b: p.organisation.name for b, p in periods.items()}},
}}))
"""
KOMMUN = REPO / "examples" / "exempel-kommun"
CONFIG = (KOMMUN / "styrkort.yaml").read_text(encoding="utf-8")


# Sets every board's period to a state (the report test approves all, then restores).
STATES = """
from styrkort.web import models as m
k = m.Municipality.objects.get(pk={municipality})
for link in k.board_links.all():
    p = link.organisation.periods.get()
    p.state = {states!r}.get(link.board_id, "open")
    p.save(update_fields=["state"])
"""


def styrkort_exe() -> str:
    exe = Path(sys.executable).with_name("styrkort")
    return str(exe) if exe.exists() else "styrkort"


def manage_shell(app: Any, script: str) -> str:
    """Run ``script`` with ``styrkort manage shell`` on the module server's database."""
    env = dict(app.env)  # the module server's own database: SQLite or PostgreSQL
    proc = subprocess.run(
        [styrkort_exe(), "manage", "shell", "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def kommun(app: Any) -> dict[str, Any]:
    """Exempelby kommun in the module server's database (the server reads it on each request)."""
    out = manage_shell(app, SETUP.format(folder=str(KOMMUN), password=PASSWORD))
    line = next(ln for ln in out.splitlines() if ln.startswith("E2E-KOMMUN="))
    ids: dict[str, Any] = json.loads(line.removeprefix("E2E-KOMMUN="))
    return ids


def login_kommun(page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    page.goto(app.path("login"))
    page.get_by_label("Användarnamn").fill("kommunctl")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Inloggad som kommunctl")).to_be_visible()


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_municipality_controller_sees_every_board(
    app: Any, kommun: dict[str, Any], page: Any, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    login_kommun(page, app)
    # the start page leads to the municipality
    page.goto(app.path("home"))
    page.get_by_role("link", name="Exempelby kommun: nämndernas läge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exempelby kommun")
    table = page.locator("#namnder-tabellen")
    for board_id, name in kommun["names"].items():
        row = table.locator(f"#namnd-{board_id}")
        expect(row.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(table.locator("#namnd-bun")).to_contain_text("Godkänd")
    expect(table.locator("#namnd-ks")).to_contain_text("Godkänd")
    expect(table.locator("#namnd-tn")).to_contain_text("Öppen")
    expect(table.locator("#summa-namnder")).to_contain_text("Summa nämnder")
    expect(page.locator("#rapporten")).to_be_visible()
    expect(page.get_by_text("2 av 8 nämnder är med")).to_be_visible()
    assert_accessible(page)
    if width == 390:
        no_sideways_scroll(page)
    # the municipality's report waits for the boards not approved, and names them
    page.get_by_role("link", name="Till kommunens rapport").click()
    expect(page.get_by_role("heading", name="Rapporten väntar på nämnderna")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text(kommun["names"]["sn"])
    assert_accessible(page)
    if width == 390:
        no_sideways_scroll(page)
    page.go_back()
    # into a board: read, never edit
    table.locator("#namnd-tn").get_by_role("link", name=kommun["names"]["tn"], exact=True).click()
    expect(page.get_by_text("Kommunens controller")).to_be_visible()
    expect(page.locator("#period-state")).to_have_text("Öppen")
    expect(page.get_by_role("button", name="Godkänn perioden")).to_have_count(0)
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_municipality_is_managed_with_a_live_configuration_check(
    app: Any, kommun: dict[str, Any], page: Any, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    login_kommun(page, app)
    page.goto(f"{app.url}/kommun/{kommun['municipality']}/hantera/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hantera kommunen")
    check = page.locator("#konfigurationens-kontroll")
    expect(check).to_contain_text("stämmer överens")
    assert_accessible(page)
    if width == 390:
        no_sideways_scroll(page)
    # HTMX: the configuration is checked as it is typed, nothing saved
    field = page.get_by_label("Konfiguration (styrkort.yaml)")
    field.fill(CONFIG.replace("id: tn", "id: tekn"))
    field.press("End")
    expect(check).to_contain_text("”tn” finns inte i konfigurationens boards-lista")
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_board_controller_is_refused_the_municipality_and_sees_only_theirs(
    app: Any, kommun: dict[str, Any], page: Any, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("home"))
    expect(page.get_by_text("nämndernas läge")).to_have_count(0)
    resp = page.goto(f"{app.url}/kommun/{kommun['municipality']}/")
    assert resp is not None and resp.status == 404
    expect(page.get_by_text("finns inte eller så har du inte behörighet")).to_be_visible()
    assert_accessible(page)
    resp = page.goto(f"{app.url}/period/{kommun['periods']['tn']}/")
    assert resp is not None and resp.status == 404
    resp = page.goto(app.path("overview"))  # their own board, outside the municipality
    assert resp is not None and resp.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sydnärkes IT-nämnd")
    if width == 390:
        no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_once_every_board_is_approved(
    app: Any, kommun: dict[str, Any], page: Any, width: int
) -> None:
    """Approval feeds the municipality's report: with every board approved it is built, shown
    and downloadable; the page passes axe at both widths."""
    from playwright.sync_api import expect

    every = dict.fromkeys(kommun["periods"], "approved")
    manage_shell(app, STATES.format(municipality=kommun["municipality"], states=every))
    try:
        page.set_viewport_size({"width": width, "height": 900})
        login_kommun(page, app)
        # eight boards' reports and the municipality's are built: slow on a loaded machine
        page.goto(f"{app.url}/kommun/{kommun['municipality']}/rapport/", timeout=120_000)
        expect(page.get_by_role("heading", name="Ladda ned")).to_be_visible()
        preview = page.locator(".report-preview")
        expect(preview).to_contain_text("Summa nämnder")
        for name in kommun["names"].values():
            expect(preview).to_contain_text(name)
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert_accessible(page)
        if width == 390:
            no_sideways_scroll(page)
    finally:
        manage_shell(
            app,
            STATES.format(
                municipality=kommun["municipality"], states={"ks": "approved", "bun": "approved"}
            ),
        )

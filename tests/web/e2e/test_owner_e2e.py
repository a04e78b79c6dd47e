"""End to end, in chromium against the real app: the owners' tools and self-service.

The issue's "done when": a controller imports (zip) a workspace where one owner has 15
indicators and sets a deadline; the owner gives an e-mail address, is reminded by e-mail before
the deadline (the default console e-mail backend writes the message into the server's log,
which this test reads), enters all 15 in the grid (one mistyped first: refused at its row, the
error summary takes the focus, nothing typed is lost), attaches evidence and comments. Every new
screen is checked with axe-core at 1280 and 390 px, without sideways page scroll at 390 px.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from e2e_support import assert_accessible, login, login_reusing_session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from owner_workspace import EXTRA, owner_workspace, zipped

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EMAIL = "servicedesk@example.se"


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "w => [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > w)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)",
        page.viewport_size["width"],
    )
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide: {wide}"


@pytest.mark.core_loop
def test_owner_with_15_indicators_grid_evidence_comment_and_reminder(
    chromium: Any, app: Any, page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # the controller imports the workspace as a zip and sets a deadline in two days
    login(page, app, "kontroller")
    page.goto(app.url + "/importera/")
    page.get_by_label("Arbetsyta som zip-fil").set_input_files(
        {
            "name": "arbetsyta.zip",
            "mimeType": "application/zip",
            "buffer": zipped(owner_workspace(tmp_path)),
        }
    )
    page.get_by_role("button", name="Läs in").click()
    expect(page.get_by_text("Läste in Sydnärkes IT-nämnd")).to_be_visible()
    match = re.search(r"/period/(\d+)/$", page.url)
    assert match, page.url
    base = f"{app.url}/period/{match.group(1)}"
    due = dt.date.today() + dt.timedelta(days=2)
    page.goto(base + "/tidsfrister/")
    page.get_by_label("Sista dag", exact=True).fill(due.isoformat())
    page.get_by_role("button", name="Spara periodens sista dag").click()
    expect(page.get_by_text("Periodens sista dag är sparad.")).to_be_visible()

    # the owner gives the address reminders go to
    owner_context = chromium.browser.new_context(
        locale="sv-SE", viewport={"width": 390, "height": 844}
    )
    try:
        owner = owner_context.new_page()
        login(owner, app, "servicedesk")
        owner.get_by_role("link", name="Mitt konto").click()
        owner.get_by_label("E-postadress").fill(EMAIL)
        owner.get_by_role("button", name="Spara").click()
        expect(owner.get_by_text("E-postadressen är sparad.")).to_be_visible()

        # reminded before the deadline (the controller sends today's reminders)
        page.reload()
        expect(page.get_by_role("cell", name=EMAIL)).to_be_visible()
        page.get_by_role("button", name="Skicka dagens påminnelser").click()
        expect(page.get_by_text("1 påminnelse skickades (servicedesk).")).to_be_visible()
        log = app.log.read_text(encoding="utf-8", errors="replace")
        assert f"To: {EMAIL}" in log
        assert f"/period/{match.group(1)}/snabbinmatning/" in log

        # the grid, on a phone: 15 indicators, one mistyped
        owner.goto(base + "/snabbinmatning/")
        rows = owner.locator("fieldset.grid-row")
        expect(rows).to_have_count(7 + EXTRA)
        no_sideways_scroll(owner)
        for n in range(rows.count()):
            row = rows.nth(n)
            unit = (
                "st"
                if "(st)"
                in row.get_by_label(re.compile("^Utfall")).evaluate(
                    "el => el.labels[0].textContent"
                )
                else "%"
            )
            row.get_by_label(re.compile("^Utfall")).fill(f"{80 + n} {unit}")
            row.get_by_label("Kommentar och analys").fill(f"Analys {n}")
        wrong = rows.last.get_by_label(re.compile("^Utfall"))
        wrong.fill("87 st")
        owner.get_by_role("button", name="Spara alla").click()
        summary = owner.locator("#felsammanfattning")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("1 rad kunde inte sparas")
        wrong = owner.locator("fieldset.grid-row").last.get_by_label(re.compile("^Utfall"))
        expect(wrong).to_have_value("87 st")
        expect(wrong).to_have_attribute("aria-invalid", "true")
        assert_accessible(owner)
        summary.get_by_role("link").click()
        expect(wrong).to_be_focused()
        wrong.fill("87 %")
        owner.get_by_role("button", name="Spara alla").click()
        expect(owner.get_by_text("1 indikator sparades.")).to_be_visible()
        expect(
            owner.locator("fieldset.grid-row").last.get_by_label(re.compile("^Utfall"))
        ).to_have_value("87 %")

        # evidence and a comment on the first indicator
        owner.locator("fieldset.grid-row").first.get_by_role(
            "link", name=re.compile(r"Kommentarer \(0\) och bilagor \(0\)")
        ).click()
        owner.get_by_label("Ladda upp en bilaga").set_input_files(
            {"name": "underlag.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        owner.get_by_role("button", name="Ladda upp", exact=True).click()
        expect(owner.get_by_text("Bilagan ”underlag.pdf” är uppladdad.")).to_be_visible()
        owner.get_by_label("Ny kommentar").fill("Siffran kommer från ITSM-exporten.")
        owner.get_by_role("button", name="Skicka kommentaren").click()
        expect(owner.get_by_text("Siffran kommer från ITSM-exporten.")).to_be_visible()
        no_sideways_scroll(owner)
        assert_accessible(owner)
        with owner.expect_download() as download:
            owner.get_by_role("link", name="underlag.pdf").click()
        assert Path(download.value.path()).read_bytes() == PDF
    finally:
        owner_context.close()

    # the controller reads the thread; the grid's values are in the period
    page.goto(base + "/sok/?q=ITSM-exporten")
    expect(page.get_by_text("1 träff för")).to_be_visible()
    page.get_by_role("link", name=re.compile("servicedesk om")).click()
    expect(page.get_by_text("Siffran kommer från ITSM-exporten.")).to_be_visible()
    page.goto(base + "/tidsfrister/")
    expect(page.get_by_text("Ingen är försenad")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("servicedesk"))).to_contain_text("0 av 15")


# The new screens, as (test id, path under the example period or the site, user).
SCREENS = [
    ("snabbinmatning", "/period/{p}/snabbinmatning/", "servicedesk"),
    ("snabbinmatning-controller", "/period/{p}/snabbinmatning/", "kontroller"),
    ("tidsfrister", "/period/{p}/tidsfrister/", "kontroller"),
    ("trad", "/period/{p}/indikator/{i}/trad/", "servicedesk"),
    ("sok", "/period/{p}/sok/?q=incidenter", "kontroller"),
    ("perioder-och-arbetsytor", "/importera/", "kontroller"),
    ("ny-period", "/organisation/{o}/ny-period/", "kontroller"),
    ("mitt-konto", "/mitt-konto/", "hr"),
    ("glomt-losenord", "/logga-in/glomt-losenord/", None),
]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(("path", "user"), [s[1:] for s in SCREENS], ids=[s[0] for s in SCREENS])
def test_new_screens_are_accessible(
    app: Any, page: Any, path: str, user: str | None, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    if user is not None:
        login_reusing_session(page, app, user)
    url = app.url + path.format(
        p=app.ids["period"], o=app.ids["organisation"], i=app.ids["indicators"]["normal-8h"]
    )
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if width == 390:
        no_sideways_scroll(page)
    assert_accessible(page)

"""Accessibility of the main screens: axe-core (WCAG 2.1 A and AA), Swedish page language, and
the log-in and outcome entry done with the keyboard alone (Tab, typing, Enter)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_support import USERS, assert_accessible, login, login_reusing_session

pytestmark = pytest.mark.browser

# The screens, as (test id, screen in AppServer.path, key of the indicator/goal/text, user).
# The list first (log-in, overview, an indicator, findings, report preview, audit
# log), then the other screens, and the controller's and an owner's view where they differ.
PAGES = [
    ("inloggning", "login", None, None),
    ("oversikt", "overview", None, "kontroller"),
    ("indikator", "indicator", "normal-8h", "kontroller"),
    ("kontroller", "findings", None, "kontroller"),
    ("rapport", "report", None, "kontroller"),
    ("andringslogg", "audit", None, "kontroller"),
    ("oversikt-agare", "overview", None, "servicedesk"),
    ("indikator-agare", "indicator", "normal-8h", "servicedesk"),
    ("indikator-ja-nej", "indicator", "miljodiplomering", "kontroller"),
    ("mal", "goal", "service", "kontroller"),
    ("mal-utan-indikatorer", "goal", "digitala-moten", "kontroller"),
    ("ekonomi", "finance", None, "kontroller"),
    ("berattelser", "narrative_list", None, "kontroller"),
    ("berattelse", "narrative", "verksamhetsberattelse", "kontroller"),
    ("roller", "roles", None, "forvaltare"),
]


# Desktop and phone width (WCAG 1.4.10 reflow: 320 CSS px is the rule; 390 px is a
# common phone). At phone width no screen may scroll sideways: tables reflow or scroll in
# their own container.
WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("screen", "key", "user"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_page_has_no_wcag_violations(
    app: Any, page: Any, screen: str, key: str | None, user: str | None, width: int
) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    if user is not None:
        login_reusing_session(page, app, user)
    response = page.goto(app.path(screen, key=key))
    assert response is not None
    assert response.status == 200, f"{page.url} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    # One h1 is good practice, not a WCAG rule: the report preview embeds the report's own h1.
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    # The style sheet is loaded, so that colour contrast is checked on the real colours.
    assert page.evaluate("[...document.styleSheets].some(s => s.cssRules.length > 0)")
    assert_accessible(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px"
    if width < 600:
        # the status of every indicator is visible without scrolling sideways (tables that
        # reflow; others scroll inside their own container)
        for status in page.locator("table.reflow td .status").all()[:40]:
            if status.is_visible():
                box = status.bounding_box()
                assert box is not None and box["x"] + box["width"] <= width + 1, status.inner_text()


def focused(locator: Any) -> bool:
    return bool(locator.evaluate("el => el === document.activeElement"))


def tab_to(page: Any, locator: Any, max_tabs: int = 40) -> None:
    """Press Tab until ``locator`` has the focus; fail if the keyboard never gets there."""
    for _ in range(max_tabs):
        if focused(locator):
            return
        page.keyboard.press("Tab")
    assert focused(locator), f"{locator} cannot be reached with Tab in {max_tabs} presses"


def test_login_with_the_keyboard_only(app: Any, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(app.path("login"))
    tab_to(page, page.get_by_label("Användarnamn"))
    page.keyboard.type("servicedesk")
    page.keyboard.press("Tab")
    assert focused(page.get_by_label("Lösenord"))
    page.keyboard.type(USERS["servicedesk"][0])
    page.keyboard.press("Enter")
    expect(page.get_by_text("Inloggad som servicedesk")).to_be_visible()
    expect(page).to_have_url(app.path("overview"))


def test_outcome_entry_with_the_keyboard_only(app: Any, page: Any) -> None:
    from playwright.sync_api import expect

    login(page, app, "servicedesk")
    page.goto(app.path("overview"))
    # From the top of the overview, Tab to the indicator's link and follow it with Enter.
    link = page.get_by_role("rowheader").get_by_role(
        "link", name="Öka andelen ärenden som åtgärdas av Servicebureau (1st line)"
    )
    tab_to(page, link, max_tabs=80)
    page.keyboard.press("Enter")
    expect(page).to_have_url(app.path("indicator", key="first-line"))

    outcome = page.get_by_role("textbox", name=re.compile(r"^Utfall\b"))
    tab_to(page, outcome)
    page.keyboard.type("58 %")
    save = page.get_by_role("button", name="Spara indikatorn")
    tab_to(page, save)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Indikatorn har sparats.")).to_be_visible()
    expect(page.locator("#bedomning-nu")).to_contain_text("Uppnått")
    expect(outcome).to_have_value("58 %")


def test_outcome_is_checked_as_it_is_typed(app: Any, page: Any) -> None:
    """HTMX checks the outcome against the indicator's unit while typing, without saving, and
    says what is wrong in a live region that a screen reader reads out."""
    from playwright.sync_api import expect

    login(page, app, "servicedesk")
    page.goto(app.path("indicator", key="normal-8h"))
    outcome = page.get_by_role("textbox", name=re.compile(r"^Utfall\b"))
    outcome.press_sequentially("ungefär nittio")
    live = page.locator("#utfall-kontroll")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("kan inte tolkas")
    assert_accessible(page)
    page.reload()
    expect(outcome).to_have_value("")


@pytest.mark.parametrize("width", WIDTHS)
def test_overview_charts_are_the_reports_and_scale(app: Any, page: Any, width: int) -> None:
    """The overview shows the report's charts (images with the figures in their alt text) and
    they fit the screen at phone width."""
    page.set_viewport_size({"width": width, "height": 900})
    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("overview"))
    charts = page.locator("figure.report-chart img")
    assert charts.count() >= 1
    for n in range(charts.count()):
        img = charts.nth(n)
        alt = img.get_attribute("alt") or ""
        assert alt.startswith("Stapeldiagram") and re.search(r"\d", alt), alt
        box = img.bounding_box()
        assert box is not None and box["width"] <= width and box["x"] >= 0, (width, box)
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")

"""Error states at desktop and phone width (issue 15.2, 15.9): a refused form (error summary at
the top, focused, linking to inline errors), the conflict screen, the approval-override screen,
the owner's grid with an error, the Ekonomi form with an empty amount and a narrative the
report cannot render. Each is axe-core WCAG 2.1 A/AA clean at 1280 and 390 px, does not scroll
sideways, and every ``aria-invalid`` field names an existing error text in ``aria-describedby``.

This module changes nothing the other modules see (its own server, conftest ``app``); nothing
here approves or locks the period.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_support import assert_accessible, login_reusing_session

pytestmark = [pytest.mark.browser, pytest.mark.core_loop]

WIDTHS = (1280, 390)


def outcome_field(page: Any) -> Any:
    return page.get_by_role("textbox", name=re.compile(r"^Utfall\b"))


def assert_error_screen(page: Any, width: int) -> None:
    """What every error state must be: accessible, no sideways page scroll, inline errors
    described by texts that exist."""
    assert_accessible(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px at {width} px"
    broken = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
            el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)
              .filter(id => !document.getElementById(id)).map(id => (el.id || el.name) + ' → ' + id))"""
    )
    assert not broken, f"aria-describedby names ids that do not exist: {broken}"
    undescribed = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')]
            .filter(el => !(el.getAttribute('aria-describedby') || '').split(/\\s+/)
                .some(id => document.getElementById(id)?.classList.contains('error')))
            .map(el => el.id || el.name)"""
    )
    assert not undescribed, f"invalid fields without an error text: {undescribed}"


def assert_summary_links_to_invalid_field(page: Any) -> None:
    from playwright.sync_api import expect

    summary = page.locator("#felsammanfattning")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    assert target and target.startswith("#"), target
    field = page.locator(target)
    expect(field).to_have_attribute("aria-invalid", "true")
    link.click()
    expect(field).to_be_focused()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request: pytest.FixtureRequest, page: Any) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return int(request.param)


def test_refused_outcome_shows_the_summary_and_the_inline_error(
    app: Any, page: Any, width: int
) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "servicedesk")
    page.goto(app.path("indicator", key="normal-8h"))
    outcome_field(page).fill("ungefär nittio")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.locator("#felsammanfattning")).to_contain_text("inget har sparats")
    expect(outcome_field(page)).to_have_value("ungefär nittio")  # nothing typed is lost
    assert_summary_links_to_invalid_field(page)
    assert_error_screen(page, width)


def test_implausible_value_asks_for_a_reason(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "servicedesk")
    page.goto(app.path("indicator", key="normal-8h"))
    outcome_field(page).fill("150 %")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.locator("#felsammanfattning")).to_contain_text("utanför 0–100")
    expect(page.get_by_label("Spara ändå – motivering")).to_be_visible()
    assert_error_screen(page, width)


def test_refused_manual_assessment(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("indicator", key="normal-8h"))
    page.locator("#falt-status").select_option(label="Uppnått")
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.locator("#felsammanfattning")).to_be_focused()
    expect(page.locator("#falt-status")).to_have_value(re.compile(".+"))
    assert_summary_links_to_invalid_field(page)
    assert_error_screen(page, width)


def test_conflict_screen(chromium: Any, app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    url = app.path("indicator", key="samtal-20-60s")
    login_reusing_session(page, app, "servicedesk")
    page.goto(url)
    other_context = chromium.browser.new_context(locale="sv-SE")
    try:
        other = other_context.new_page()
        login_reusing_session(other, app, "kontroller")
        other.goto(url)
        outcome_field(other).fill(f"{60 + width % 7} %")
        other.get_by_role("button", name="Spara indikatorn").click()
        expect(other.get_by_text("Indikatorn har sparats.")).to_be_visible()
    finally:
        other_context.close()
    outcome_field(page).fill("71 %")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as response:
        page.get_by_role("button", name="Spara indikatorn").click()
    assert response.value.status == 409
    expect(page.locator("#konflikt")).to_be_visible()
    expect(outcome_field(page)).to_have_value("71 %")
    assert_error_screen(page, width)


def test_approval_override_screen(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("overview"))
    page.get_by_role("button", name="Godkänn perioden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Godkänn perioden?")
    assert_error_screen(page, width)
    page.get_by_role("button", name="Godkänn ändå").click()
    assert_summary_links_to_invalid_field(page)
    assert_error_screen(page, width)
    page.goto(app.path("overview"))
    expect(page.locator("#period-state")).to_have_text("Öppen")


def test_grid_with_an_error(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "servicedesk")
    page.goto(app.url + f"/period/{app.ids['period']}/snabbinmatning/")
    row = page.locator("fieldset.grid-row").filter(has_text="återkopplingen är <=8h")
    row.get_by_label(re.compile("^Utfall")).fill("87 st")
    page.get_by_role("button", name="Spara alla").click()
    expect(page.locator("#felsammanfattning")).to_contain_text("kunde inte sparas")
    assert_summary_links_to_invalid_field(page)
    assert_error_screen(page, width)


def test_finance_with_an_empty_amount(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("finance"))
    amount = page.locator("#ekonomi-formular input[inputmode=decimal]").first
    amount.fill("")
    page.get_by_role("button", name="Spara ekonomin").click()
    expect(amount).to_have_attribute("aria-invalid", "true")
    assert_error_screen(page, width)


def test_narrative_the_report_cannot_render(app: Any, page: Any, width: int) -> None:
    from playwright.sync_api import expect

    login_reusing_session(page, app, "kontroller")
    page.goto(app.path("narrative", key="verksamhetsberattelse"))
    text = page.locator("#falt-text")
    text.fill("> Ett citat\n\n---\n")
    page.get_by_role("button", name="Spara texten").click()
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_value(re.compile("Ett citat"))
    assert_error_screen(page, width)


def test_grid_implausible_value_asks_for_a_reason_at_its_row(
    app: Any, page: Any, width: int
) -> None:
    """Before: the grid refused 150 % with an error on a reason field it did not show."""
    from playwright.sync_api import expect

    login_reusing_session(page, app, "servicedesk")
    page.goto(app.url + f"/period/{app.ids['period']}/snabbinmatning/")
    row = page.locator("fieldset.grid-row").filter(has_text="akuta incidenter")
    value = f"{100 + width % 97} %"  # over 100 %, different at each width
    row.get_by_label(re.compile("^Utfall")).fill(value)
    page.get_by_role("button", name="Spara alla").click()
    expect(page.locator("#felsammanfattning")).to_contain_text("utanför 0–100")
    assert_summary_links_to_invalid_field(page)
    assert_error_screen(page, width)
    row = page.locator("fieldset.grid-row").filter(has_text="akuta incidenter")
    expect(row.get_by_label(re.compile("^Utfall"))).to_have_value(value)
    row.get_by_label("Spara ändå – motivering").fill("Två mätpunkter")
    page.get_by_role("button", name="Spara alla").click()
    expect(page.get_by_text("1 indikator sparades.")).to_be_visible()

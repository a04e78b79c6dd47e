"""End to end, in chromium against the real app: the period's workflow and the log-in throttle.

An owner enters an outcome and sees the status change; the controller approves and locks the
period; the owner's next save is refused with the Swedish 409 message. Each test module gets
its own server and database copy (conftest ``app``), so the lock does not leak elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_support import AXES_FAILURE_LIMIT, USERS, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.core_loop]

# examples/sydnarke-it-2020/goals.yaml: target 90 %, no outcome, owner Servicedeskchef.
INDICATOR = "Öka andelen normalprioriterade incidenter där återkopplingen är <=8h"


def outcome_field(page: Any) -> Any:
    """The outcome input, found by its label as a screen reader announces it ("Utfall (%)")."""
    return page.get_by_role("textbox", name=re.compile(r"^Utfall\b"))


def indicator_row(page: Any) -> Any:
    """The indicator's row in its goal's table on the overview (not the "missing" table)."""
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=INDICATOR, exact=True)
    )


def test_two_people_saving_the_same_indicator_the_second_is_told(
    chromium: Any, app: Any, page: Any
) -> None:
    """Optimistic locking in the browser: no silent lost update; the second person sees both
    versions side by side and keeps what they typed (issue 15.2).
    (Runs before the period is locked below: the module's tests share one server.)"""
    from playwright.sync_api import expect

    url = app.path("indicator", key="samtal-20-60s")
    login(page, app, "servicedesk")
    page.goto(url)
    expect(outcome_field(page)).to_have_value("67%")

    other_context = chromium.browser.new_context(locale="sv-SE")
    try:
        other = other_context.new_page()
        login(other, app, "kontroller")
        other.goto(url)
        outcome_field(other).fill("68 %")
        other.get_by_role("button", name="Spara indikatorn").click()
        expect(other.get_by_text("Indikatorn har sparats.")).to_be_visible()
    finally:
        other_context.close()

    outcome_field(page).fill("71 %")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == url) as response:
        page.get_by_role("button", name="Spara indikatorn").click()
    assert response.value.status == 409
    conflict = page.locator("#konflikt")
    expect(conflict).to_contain_text("Någon annan har sparat indikatorn medan du skrev")
    expect(conflict.get_by_role("cell", name="71 %")).to_be_visible()  # mine
    expect(conflict.get_by_role("cell", name="68 %")).to_be_visible()  # theirs
    expect(outcome_field(page)).to_have_value("71 %")  # nothing typed is lost
    assert_accessible(page)
    page.get_by_role("button", name="Spara min version").click()
    expect(page.get_by_text("Indikatorn har sparats.")).to_be_visible()
    expect(outcome_field(page)).to_have_value("71 %")


def test_owner_enters_outcome_controller_locks_owner_is_refused(
    chromium: Any, app: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    # The owner logs in and lands on the period overview; the indicator has no value yet.
    login(page, app, "servicedesk")
    expect(page).to_have_url(app.path("overview"))
    expect(indicator_row(page)).to_contain_text("Saknar värde")

    # … opens the indicator, enters an outcome that meets the target, and sees the status change.
    page.get_by_role("link", name=INDICATOR, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INDICATOR)
    status = page.locator("#bedomning-nu")
    expect(status).to_contain_text("Saknar värde")
    outcome_field(page).fill("93 %")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.get_by_text("Indikatorn har sparats.")).to_be_visible()
    expect(status).to_contain_text("Uppnått")
    expect(outcome_field(page)).to_have_value("93 %")
    page.get_by_role("link", name="Översikt", exact=True).first.click()
    expect(indicator_row(page)).to_contain_text("93 %")
    expect(indicator_row(page)).to_contain_text("Uppnått")

    # The owner opens the indicator again and leaves the form open (in another tab).
    page.get_by_role("link", name=INDICATOR, exact=True).first.click()
    expect(page.get_by_role("button", name="Spara indikatorn")).to_be_visible()

    # The controller, in their own browser session, approves and locks the period.
    controller_context = chromium.browser.new_context(locale="sv-SE")
    try:
        ctl = controller_context.new_page()
        login(ctl, app, "kontroller")
        ctl.goto(app.path("overview"))
        state = ctl.locator("#period-state")
        expect(state).to_have_text("Öppen")
        ctl.get_by_role("button", name="Godkänn perioden").click()
        # approval lists what speaks against it and needs a reason to go ahead
        expect(ctl.get_by_role("heading", level=1)).to_have_text("Godkänn perioden?")
        expect(ctl.locator("#hinder")).to_contain_text("Har inte lämnat in")
        assert_accessible(ctl)
        ctl.get_by_role("button", name="Godkänn ändå").click()
        expect(ctl.locator("#felsammanfattning")).to_be_focused()
        ctl.get_by_label("Varför godkänns perioden trots detta").fill("Nämndens beslut")
        ctl.get_by_role("button", name="Godkänn ändå").click()
        expect(ctl.get_by_text("Perioden är godkänd.")).to_be_visible()
        expect(state).to_have_text("Godkänd")
        ctl.get_by_role("button", name="Lås perioden").click()
        expect(ctl.get_by_role("heading", level=1)).to_have_text("Lås perioden?")
        ctl.get_by_role("button", name="Ja, lås").click()
        expect(ctl.get_by_text("Perioden är låst. Inga ändringar kan göras.")).to_be_visible()
        expect(state).to_have_text("Låst")
        expect(ctl.get_by_role("button", name="Godkänn perioden")).to_have_count(0)
    finally:
        controller_context.close()

    # The owner now tries to save a new outcome from the open form: 409, in Swedish.
    outcome_field(page).fill("95 %")
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url == app.path("indicator", key="normal-8h")
    ) as response:
        page.get_by_role("button", name="Spara indikatorn").click()
    assert response.value.status == 409
    expect(page.get_by_role("heading", level=1)).to_have_text("Perioden är låst")
    title = app.ids["period_title"]
    expect(
        page.get_by_text(f"Perioden ”{title}” är låst. Inga ändringar kan göras.")
    ).to_be_visible()
    assert_accessible(page)  # the refusal page, too

    # Nothing was saved, and the indicator page no longer offers the form.
    page.goto(app.path("indicator", key="normal-8h"))
    expect(page.get_by_text("Perioden är låst; inga ändringar kan göras.")).to_be_visible()
    expect(page.get_by_role("button", name="Spara indikatorn")).to_have_count(0)
    expect(page.locator("#bedomning-nu")).to_contain_text("Uppnått")
    expect(page.locator("dl.facts").first).to_contain_text(re.compile(r"93\s%"))


def test_failed_logins_are_throttled(chromium: Any, app: Any, page: Any) -> None:
    """django-axes: after repeated wrong passwords even the right one is refused for a while,
    for that user name from that address; another user can still log in."""
    from playwright.sync_api import expect

    limit = AXES_FAILURE_LIMIT
    page.goto(app.path("login"))
    for attempt in range(1, limit + 1):
        page.get_by_label("Användarnamn").fill("itchef")
        page.get_by_label("Lösenord").fill(f"fel-lösenord-{attempt}")
        page.get_by_role("button", name="Logga in").click()
        if attempt < limit:
            expect(page.get_by_role("alert")).to_contain_text(
                "Användarnamnet eller lösenordet stämmer inte."
            )
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen är spärrad")

    # The right password does not help now.
    page.goto(app.path("login"))
    page.get_by_label("Användarnamn").fill("itchef")
    page.get_by_label("Lösenord").fill(USERS["itchef"][0])
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Logga in").click()
    assert response.value.status in (403, 429)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen är spärrad")
    expect(page.get_by_role("alert")).to_contain_text("För många misslyckade inloggningsförsök")
    assert_accessible(page)  # the lock-out page, too
    page.goto(app.path("overview"))
    expect(page).to_have_url(re.compile(r"/logga-in/"))

    # The lock is per user name and address: another user logs in as usual.
    other = chromium.browser.new_context(locale="sv-SE")
    try:
        login(other.new_page(), app, "hr")
    finally:
        other.close()

"""End to end in chromium (issue 14, the net-budget model): the controller states the carried
result on the Ekonomi screen's Resultat form, core's check names a stated utgående that does
not add up, and the report prints the Resultatöverföring table."""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_support import assert_accessible, login

pytestmark = pytest.mark.browser


def test_controller_states_the_carried_result(app: Any, page: Any) -> None:
    from playwright.sync_api import expect

    login(page, app, "kontroller")
    page.goto(app.path("overview") + "ekonomi/")
    form = page.locator("#resultat-formular")
    expect(form).to_be_visible()
    form.get_by_role("textbox", name="Ingående redovisat resultat").fill("1 000 000")
    form.get_by_role("textbox", name="Disposition").fill("200 000")
    form.get_by_role("textbox", name="Utgående redovisat resultat").fill("1")
    form.get_by_role("button", name="Spara resultatet").click()
    expect(page.get_by_text(re.compile(r"Resultatet har sparats \(3 ändrade"))).to_be_visible()
    # core's check, in the screen's words
    expect(
        page.get_by_text("Utgående redovisat resultat anges till 1 kr", exact=False)
    ).to_be_visible()
    assert_accessible(page)

    # an unreadable amount: the error summary links to the field, nothing is saved
    page.locator("#resultat-formular").get_by_role("textbox", name="Disposition").fill("två")
    page.locator("#resultat-formular").get_by_role("button", name="Spara resultatet").click()
    summary = page.locator("#resultat-fel")
    expect(summary).to_contain_text("”två” är inget belopp")
    assert_accessible(page)

    page.goto(app.path("overview") + "rapport/")
    expect(page.get_by_text(re.compile(r"Resultatöverföring 2020"))).to_be_visible()
    expect(page.get_by_role("columnheader", name="Utgående redovisat resultat")).to_be_visible()

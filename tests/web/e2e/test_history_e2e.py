"""End to end in chromium (issue "years, not a year"): the controller starts the next period
from the reference example, an owner enters a 2021 outcome, and the indicator page and the
report show 2019–2021 with the trend, as the command line's rollover does."""

from __future__ import annotations

import re
from typing import Any

import pytest
from e2e_support import assert_accessible, login

pytestmark = pytest.mark.browser


def test_controller_rolls_over_and_the_years_are_shown(app: Any, page: Any) -> None:
    from playwright.sync_api import expect

    login(page, app, "kontroller")
    page.goto(app.path("overview"))
    page.get_by_role("link", name="Starta nästa period (2021)").click()
    expect(page.get_by_role("heading", name="Starta perioden 2021")).to_be_visible()
    # the targets that quote 2019's values are listed for revision
    expect(page.get_by_text("Öka från 71,13", exact=False).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Starta perioden 2021").click()
    expect(page.get_by_text("Årsredovisning 2021 är skapad", exact=False)).to_be_visible()
    new_overview = page.url
    assert re.search(r"/period/\d+/$", new_overview) and new_overview != app.path("overview")

    # the owner of the sick-leave indicator enters 2021's outcome in the new period
    page.context.clear_cookies()
    login(page, app, "hr")
    page.goto(new_overview)
    page.get_by_role("link", name="Sjukfrånvaro", exact=True).first.click()
    page.get_by_role("textbox", name=re.compile(r"^Utfall\b")).fill("6,1 %")
    page.get_by_role("button", name="Spara indikatorn").click()
    expect(page.get_by_text("Indikatorn har sparats.")).to_be_visible()

    history = page.get_by_role("region", name="Utveckling över åren", exact=True)
    expect(history).to_be_visible()
    for year, value in (("2019", "7 %"), ("2020", "6,58 %"), ("2021 (denna period)", "6,1 %")):
        row = history.get_by_role("row").filter(has=page.get_by_role("rowheader", name=year))
        expect(row).to_contain_text(value.replace(" ", "\u00a0"))
    expect(history).to_contain_text("Förbättring")
    chart = history.get_by_role("img")
    expect(chart).to_have_attribute("alt", re.compile(r"2019: 7; 2020: 6,58; 2021: 6,1"))
    assert_accessible(page)

    # the report of the new period prints the earlier years beside 2021
    page.goto(new_overview + "rapport/")
    expect(page.get_by_role("columnheader", name="Utfall 2019").first).to_be_visible()
    expect(page.get_by_role("columnheader", name="Utfall 2020").first).to_be_visible()
    expect(page.get_by_role("columnheader", name="Trend").first).to_be_visible()

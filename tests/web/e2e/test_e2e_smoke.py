"""The browser harness itself: chromium starts, loads a local page, axe-core runs in it."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import axe_violations, format_violations

pytestmark = pytest.mark.browser


def test_chromium_loads_a_local_page(page: Any, static_site: str) -> None:
    from playwright.sync_api import expect

    page.goto(static_site)
    expect(page).to_have_title("Röktest")
    expect(page.get_by_role("heading", level=1)).to_have_text("Styrkort röktest")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_axe_runs_and_reports_a_planted_violation(page: Any, static_site: str) -> None:
    page.goto(static_site)
    assert axe_violations(page) == [], format_violations(axe_violations(page))
    # An image without alt text is a WCAG 2.1 A violation; axe must say so.
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'x.png';"
        " document.querySelector('main').append(i); }"
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert "image-alt" in ids

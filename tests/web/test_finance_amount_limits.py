"""Issue 18, High 1: a finance amount the database cannot hold exactly never reaches it.

Before the fix, 12345678901234567 typed on Ekonomi was saved, and from then on every
screen and API call of the period answered HTTP 500 and `styrkort export` crashed.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.mapping import UnstorableAmount, store_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


@pytest.mark.django_db
def test_finance_form_refuses_17_digits_and_the_period_stays_usable(
    as_user: Any, example_period: m.Period, tmp_path: Path
) -> None:
    c = as_user("controller")
    row = example_period.operating_rows.first()
    before = row.budget
    resp = c.post(
        f"/period/{example_period.pk}/ekonomi/",
        {"version": example_period.finance_version, f"drift-{row.pk}-budget": "12345678901234567"},
    )
    assert resp.status_code == 422
    assert "17 siffror" in resp.content.decode()
    row.refresh_from_db()
    assert row.budget == before
    for path in ("", "ekonomi/", "fynd/", "rapport/"):
        assert c.get(f"/period/{example_period.pk}/{path}").status_code == 200, path
    assert c.get(f"/api/periods/{example_period.pk}/indicators/").status_code == 200

    from styrkort.web.commands import export_period

    assert export_period(example_period, tmp_path / "ut")


@pytest.mark.django_db
def test_service_refuses_what_the_form_would_refuse(users: Any, example_period: m.Period) -> None:
    """The service is the gate for every web entry (form, API, later screens)."""
    from styrkort.web.access import Access
    from styrkort.web.services import Invalid, update_finance

    access = Access(users["controller"], example_period.organisation)
    row = example_period.operating_rows.first()
    with pytest.raises(Invalid, match="17 siffror"):
        update_finance(
            access,
            example_period.pk,
            example_period.finance_version,
            {("drift", row.pk, "outcome"): Decimal("12345678901234567")},
        )


@pytest.mark.django_db
def test_import_refuses_unstorable_ledger_sums_and_stores_nothing() -> None:
    load = load_workspace(EXAMPLE)
    assert load.workspace is not None
    ws = load.workspace
    huge = replace(ws.operating[0], outcome=Decimal(10) ** 17)
    bad = replace(ws, operating=(huge, *ws.operating[1:]))
    periods = m.Period.objects.count()
    with pytest.raises(UnstorableAmount, match="18 siffror"):
        store_workspace(bad)
    assert m.Period.objects.count() == periods

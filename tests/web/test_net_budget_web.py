"""The net-budget model in the web app: stored and read back, the Ekonomi screen's Resultat
form (the report's words, core's checks), and "Starta nästa period" carrying the result."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from styrkort.core.finance import BudgetModel
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace
from styrkort.web.mapping import workspace_of

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
NET = REPO / "tests" / "data" / "nettoram-2022"


def _import() -> m.Period:
    ws = load_workspace(NET).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=NET)
    assert period is not None
    return period


def _member(period: m.Period, name: str, role: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(name, "", None)
    m.Membership.objects.create(user=user, organisation=period.organisation, role=role)
    return user


def _plain(rs: Any) -> Any:
    return replace(
        rs, source=None, sources={}, parts=tuple(replace(p, source=None) for p in rs.parts)
    )


def test_the_database_keeps_the_result_settings() -> None:
    ws = load_workspace(NET).workspace
    assert ws is not None
    period = _import()
    assert period.finance_model == "net" and period.opening_result == D(2_300_000)
    assert _plain(workspace_of(period).result_settings) == _plain(ws.result_settings)


def test_the_ekonomi_screen_shows_the_form_in_the_reports_words(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "ctrl", "controller"))
    page = client.get(f"/period/{period.pk}/ekonomi/").content.decode()
    for word in (
        "Kommunbidrag",
        "Budgeterat resultat",
        "Justering balanskrav",
        "Balanskravsresultat",
        "Ingående redovisat resultat",
        "Disposition",
        "Utgående redovisat resultat",
    ):
        assert f">{word}" in page, word
    assert 'name="contribution" id="r-contribution" value="24\u00a0000\u00a0000"' in page
    assert 'id="r-model-net" value="net" checked' in page
    assert 'value="varav vatten och avlopp"' in page
    # what core computes from them
    assert "<dt>Utgående redovisat resultat</dt><dd>1\u00a0900\u00a0000 kr</dd>" in page


def _form(period: m.Period, **changes: str) -> dict[str, str]:
    data = {
        "form": "resultat",
        "version": str(period.finance_version),
        "model": "net",
        "contribution": "24 000 000",
        "budget_result": "-500 000",
        "balance_adjustment": "-150 000",
        "balance_adjustment_text": "Realisationsvinster",
        "balance_result": "",
        "opening_result": "2 300 000",
        "disposition": "300 000",
        "closing_result": "",
        "part-0-label": "varav vatten och avlopp",
        "part-0-contribution": "0",
        "part-0-revenues": "5 000 000",
        "part-0-costs": "4 850 000",
        "part-0-budget_result": "0",
        "part-1-label": "",
    }
    data.update(changes)
    return data


def test_saving_the_form_stores_and_core_checks_the_relations(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "ctrl", "controller"))
    resp = client.post(
        f"/period/{period.pk}/ekonomi/",
        _form(period, closing_result="2 000 000", **{"part-1-label": "varav hamnen"}),
    )
    assert resp.status_code == 302
    period.refresh_from_db()
    assert period.stated_closing_result == D(2_000_000)
    assert [p[0] for p in period.result_parts] == ["varav vatten och avlopp", "varav hamnen"]
    assert m.AuditEntry.objects.filter(period=period, field="stated_closing_result").exists()
    page = client.get(f"/period/{period.pk}/ekonomi/").content.decode()
    assert "Utgående redovisat resultat anges till 2\u00a0000\u00a0000 kr" in page


def test_an_unreadable_amount_is_refused_and_nothing_is_saved(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "ctrl", "controller"))
    resp = client.post(f"/period/{period.pk}/ekonomi/", _form(period, disposition="tre"))
    assert resp.status_code == 422
    page = resp.content.decode()
    assert 'href="#r-disposition"' in page and "”tre” är inget belopp" in page
    assert 'value="tre"' in page  # what was typed stays
    period.refresh_from_db()
    assert period.disposition == D(300_000)


def test_a_reader_cannot_change_the_result(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "läsare", "reader"))
    assert client.post(f"/period/{period.pk}/ekonomi/", _form(period)).status_code == 403
    page = client.get(f"/period/{period.pk}/ekonomi/").content.decode()
    assert 'id="resultat-formular"' not in page and "Ingående redovisat resultat" in page


def test_the_gross_model_ignores_contribution_and_budgeted_result(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "ctrl", "controller"))
    client.post(f"/period/{period.pk}/ekonomi/", _form(period, model="gross"))
    rs = workspace_of(m.Period.objects.get(pk=period.pk)).result_settings
    assert rs.model is BudgetModel.GROSS and rs.contribution is None and rs.budget_result == 0


def test_the_next_period_carries_the_result(client: Any) -> None:
    period = _import()
    client.force_login(_member(period, "ctrl", "controller"))
    preview = client.get(f"/period/{period.pk}/nasta-period/").content.decode()
    assert "Utgående redovisat resultat 2022, 1\u00a0900\u00a0000 kr, är ingående" in preview
    assert client.post(f"/period/{period.pk}/nasta-period/").status_code == 302
    new = m.Period.objects.get(organisation=period.organisation, year=2023)
    assert new.opening_result == D(1_900_000)
    assert new.disposition is None and new.stated_closing_result is None
    assert new.contribution is None and new.finance_model == "net"
    period.refresh_from_db()
    assert period.opening_result == D(2_300_000)  # the old period is unchanged


def test_targets_to_revise_are_listed_as_such(client: Any, example_period: m.Period) -> None:
    """views_history compared the severity with "varning" (its value is "warning"), so the
    targets to revise were listed among the notes."""
    client.force_login(_member(example_period, "ctrl", "controller"))
    page = client.get(f"/period/{example_period.pk}/nasta-period/").content.decode()
    assert "Målvärden att se över" in page


def test_the_findings_page_links_a_result_finding_to_its_field(client: Any) -> None:
    period = _import()
    period.stated_closing_result = D(2_000_000)
    period.save()
    client.force_login(_member(period, "ctrl", "controller"))
    page = client.get(f"/period/{period.pk}/fynd/").content.decode()
    assert f'href="/period/{period.pk}/ekonomi/#resultat"' in page
    assert "Utgående redovisat resultat" in page

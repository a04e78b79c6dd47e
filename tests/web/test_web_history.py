"""History in the web app (issue "years, not a year"): the indicator page's history table and
chart, the trend on the overview, earlier periods read from the database, and "Starta nästa
period" for the controller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
FIVE = REPO / "tests" / "data" / "fem-ar-2020"


def _import(path: Path) -> m.Period:
    from styrkort.pipeline import resolve_history

    ws = load_workspace(path).workspace
    assert ws is not None
    ws, _ = resolve_history(ws, path)
    period, _ = import_or_replace(ws, root=path)
    assert period is not None
    return period


def _member(period: m.Period, name: str, role: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(name, "", None)
    m.Membership.objects.create(
        user=user, organisation=period.organisation, role=role, owner_labels="HR"
    )
    return user


def test_indicator_page_and_overview_show_history_and_trend(client: Any) -> None:
    period = _import(FIVE)
    client.force_login(_member(period, "ctrl", "controller"))
    overview = client.get(f"/period/{period.pk}/").content.decode()
    assert '<th scope="col">Trend</th>' in overview
    assert "↘ Förbättring" in overview and "↘ Försämring" in overview
    ind = period.indicators.get(key="sjukfranvaro")
    page = client.get(f"/period/{period.pk}/indikator/{ind.pk}/").content.decode()
    assert "Utveckling över åren" in page
    for year, text in (("2016", "8,2"), ("2019", "7,1"), ("2020 (denna period)", "6,8")):
        assert f"{year}</th><td>{text}" in page
    assert 'src="data:image/png;base64,' in page
    # the Kolada comparison the report's goal table prints
    assert "Jämförelse (Kolada): Riket 7,3 (2019)." in page
    # the figures are in the alternative text: the chart is no picture only
    assert "2016: 8,2; 2017: 7,9; 2018: 7,4; 2019: 7,1; 2020: 6,8" in page


def test_controller_starts_the_next_period_and_the_old_one_is_unchanged(client: Any) -> None:
    period = _import(FIVE)
    before = sorted(period.indicators.values_list("key", "outcome", "history"))
    client.force_login(_member(period, "ctrl", "controller"))
    preview = client.get(f"/period/{period.pk}/nasta-period/")
    assert preview.status_code == 200
    assert "Starta perioden 2021" in preview.content.decode()
    resp = client.post(f"/period/{period.pk}/nasta-period/")
    assert resp.status_code == 302
    new = m.Period.objects.get(organisation=period.organisation, year=2021)
    assert resp["Location"] == f"/period/{new.pk}/"
    sick = new.indicators.get(key="sjukfranvaro")
    assert sick.outcome == ""
    assert [h[:2] for h in sick.history][-2:] == [[2019, "7,1 %"], [2020, "6,8 %"]]
    assert sorted(period.indicators.values_list("key", "outcome", "history")) == before
    assert m.AuditEntry.objects.filter(period=new, action="starta period").exists()
    # not twice
    again = client.post(f"/period/{period.pk}/nasta-period/", follow=True)
    assert "har redan en period för 2021" in again.content.decode()


def test_an_owner_cannot_start_the_next_period(client: Any) -> None:
    period = _import(FIVE)
    client.force_login(_member(period, "hr", "owner"))
    assert client.get(f"/period/{period.pk}/nasta-period/").status_code == 403
    assert client.post(f"/period/{period.pk}/nasta-period/").status_code == 403
    assert not m.Period.objects.filter(year=2021).exists()


def test_earlier_periods_in_the_database_are_history_with_constant_queries(client: Any) -> None:
    from styrkort.web.mapping import workspace_of

    first = _import(FIVE)
    user = _member(first, "ctrl", "controller")
    client.force_login(user)
    client.post(f"/period/{first.pk}/nasta-period/")
    p2021 = m.Period.objects.get(year=2021)
    # the 2021 outcome is typed in the database; a 2022 period is started from it
    m.Indicator.objects.filter(period=p2021, key="sjukfranvaro").update(outcome="6,5 %")
    m.Indicator.objects.filter(period=p2021, key="sjukfranvaro").update(history=[])
    ws = workspace_of(p2021)
    sick = next(i for g in ws.goals for i in g.indicators if i.id == "sjukfranvaro")
    # with its own history emptied, the earlier period in the database still gives 2020
    assert (2020, "6,8 %") in [(p.year, p.text) for p in sick.history]
    with CaptureQueriesContext(connection) as one_year:
        assert client.get(f"/period/{p2021.pk}/").status_code == 200
    client.post(f"/period/{p2021.pk}/nasta-period/")
    p2022 = m.Period.objects.get(year=2022)
    with CaptureQueriesContext(connection) as two_years:
        assert client.get(f"/period/{p2022.pk}/").status_code == 200
    assert len(two_years) == len(one_year)

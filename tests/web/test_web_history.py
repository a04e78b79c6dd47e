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
    assert 'src="data:image/svg+xml;base64,' in page
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


def _years(client: Any, first: m.Period, last_year: int) -> dict[int, m.Period]:
    """``first`` rolled over year by year up to ``last_year`` ("Starta nästa period"), with a
    sick-leave outcome typed in each year, as the controller does."""
    periods = {first.year: first}
    p = first
    for year in range(first.year + 1, last_year + 1):
        assert client.post(f"/period/{p.pk}/nasta-period/").status_code == 302
        p = m.Period.objects.get(organisation=first.organisation, year=year)
        m.Indicator.objects.filter(period=p, key="sjukfranvaro").update(
            outcome=f"{year - 2015},1 %"
        )
        periods[year] = p
    return periods


def test_overview_and_indicator_page_queries_do_not_grow_from_two_to_six_earlier_periods(
    client: Any,
) -> None:
    first = _import(FIVE)
    client.force_login(_member(first, "ctrl", "controller"))
    periods = _years(client, first, 2026)

    def counts(p: m.Period) -> tuple[int, int]:
        ind = p.indicators.get(key="sjukfranvaro")
        out = []
        for url in (f"/period/{p.pk}/", f"/period/{p.pk}/indikator/{ind.pk}/"):
            with CaptureQueriesContext(connection) as q:
                page = client.get(url)
            assert page.status_code == 200
            out.append(len(q))
        return out[0], out[1]

    two, six = periods[2022], periods[2026]  # 2020–2021 and 2020–2025 before them
    assert counts(two) == counts(six)
    page = client.get(f"/period/{six.pk}/indikator/{six.indicators.get(key='sjukfranvaro').pk}/")
    # the history comes from the earlier periods in the database (2021–2025 typed there)
    for year in range(2021, 2026):
        assert f"{year}</th><td>{year - 2015},1" in page.content.decode()


def test_the_screens_show_a_change_made_by_any_path_at_once(client: Any) -> None:
    """The assessed period is reused while its content is the same (web/assessment_cache):
    a change written past the services (an import, the admin, a shell), in the period or in
    an earlier one, shows at once."""
    first = _import(FIVE)
    client.force_login(_member(first, "ctrl", "controller"))
    periods = _years(client, first, 2022)
    p = periods[2022]
    ind = p.indicators.get(key="sjukfranvaro")
    page_url = f"/period/{p.pk}/indikator/{ind.pk}/"
    assert "7,1 %" in client.get(page_url).content.decode()  # 2022: the typed outcome
    client.get(f"/period/{p.pk}/")
    m.Indicator.objects.filter(pk=ind.pk).update(outcome="4,4 %")
    assert "4,4\u00a0%" in client.get(f"/period/{p.pk}/").content.decode()
    # an earlier period's outcome (the indicator's own history has no 2021, so the earlier
    # period in the database gives it)
    m.Indicator.objects.filter(pk=ind.pk).update(history=[[2020, "6,8 %", ""]])
    assert "2021</th><td>6,1" in client.get(page_url).content.decode()
    m.Indicator.objects.filter(period=periods[2021], key="sjukfranvaro").update(outcome="5,5 %")
    page = client.get(page_url).content.decode()
    assert "2021</th><td>5,5" in page
    assert "2021: 5,5" in page  # the chart's alternative text too


def test_the_assessment_cache_keeps_a_few_periods_and_what_screens_derive_from_them() -> None:
    from styrkort.web import assessment_cache as cache

    cache.clear()
    results = [object() for _ in range(cache.SIZE + 1)]
    for i, r in enumerate(results[: cache.SIZE]):
        assert cache.get_or_run(("p", i), lambda r=r: r) is r
    assert cache.get_or_run(("p", 0), lambda: pytest.fail("not run again")) is results[0]
    built: list[int] = []
    assert cache.derived(results[1], "x", lambda: built.append(1) or "html") == "html"
    assert cache.derived(results[1], "x", lambda: "other") == "html"
    # one more period: the least recently used (1, since 0 was just used) goes, with its parts
    cache.get_or_run(("p", cache.SIZE), lambda: results[-1])
    assert cache.derived(results[1], "x", lambda: "again") == "again"
    # a result that is not cached is never remembered
    loose = object()
    assert cache.derived(loose, "x", lambda: "a") == "a"
    assert cache.derived(loose, "x", lambda: "b") == "b"
    cache.clear()


def test_the_workspace_is_built_from_the_cache_key_alone(client: Any) -> None:
    """web/assessment_cache keys on the period, its rows, its follow-up value and the earlier
    periods' outcomes: building the workspace from those reads nothing else. A new query in
    mapping.workspace_of fails here until its rows join the key (or it would show stale data)."""
    from styrkort.web.history import earlier_outcomes, earlier_rows
    from styrkort.web.mapping import load_rows, workspace_of
    from styrkort.web.mapping_followup import followup_of

    first = _import(FIVE)
    client.force_login(_member(first, "ctrl", "controller"))
    p = _years(client, first, 2021)[2021]
    period = m.Period.objects.select_related("organisation", "followup_settings").get(pk=p.pk)
    rows, earlier, followup = load_rows(period), earlier_rows(period), followup_of(period)
    past = earlier_outcomes(period, earlier)
    with CaptureQueriesContext(connection) as q:
        workspace_of(period, rows, earlier=past, followup=followup)
    assert [x["sql"] for x in q.captured_queries] == []


def test_the_rows_a_screen_gets_are_its_own_and_equal_what_the_database_holds(
    client: Any,
) -> None:
    """web/assessment_cache.period_rows builds model instances once per content and hands out
    copies: a screen changing its rows changes neither the remembered ones nor the next
    request's, and the copies equal a fresh read (load_rows), goal included, with no query."""
    from styrkort.web import assessment_cache as cache
    from styrkort.web.mapping import load_rows

    def values(rows: Any) -> list[list[dict[str, Any]]]:
        return [
            [{f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields} for r in table]
            for table in (
                rows.members,
                rows.goals,
                rows.indicators,
                rows.council_goals,
                rows.operating,
                rows.investments,
                rows.frames,
                rows.narrative,
            )
        ]

    cache.clear()
    first = _import(FIVE)
    client.force_login(_member(first, "ctrl", "controller"))
    p = _years(client, first, 2021)[2021]
    fresh = values(load_rows(p))
    mine = cache.period_rows(p)  # built
    sick = next(i for i in mine.indicators if i.key == "sjukfranvaro")
    assert sick.history  # a JSON column with a value: copied, not shared
    sick.outcome = "99 %"
    sick.history.append([1999, "1 %", ""])
    sick.goal.title = "ändrad"
    again = cache.period_rows(p)  # remembered: a copy
    assert again.content == mine.content
    assert again.indicators[0] is not mine.indicators[0]
    assert values(again) == fresh
    with CaptureQueriesContext(connection) as q:
        titles = [i.goal.title for i in again.indicators]
    assert q.captured_queries == []
    assert titles == [i.goal.title for i in p.indicators.select_related("goal")]
    assert all(
        i.goal is next(g for g in again.goals if g.pk == i.goal_id) for i in again.indicators
    )
    # a change in the database is new content: built again
    m.Indicator.objects.filter(pk=sick.pk).update(comment="ny")
    assert next(i for i in cache.period_rows(p).indicators if i.pk == sick.pk).comment == "ny"
    cache.clear()


def test_no_table_of_the_content_key_has_a_binary_column() -> None:
    """The rows' content is compared as ``repr`` of the database's values: a binary column's
    value (a memoryview on PostgreSQL) would be compared by its address, not its bytes."""
    from django.db import models

    from styrkort.web.mapping import ROW_TABLES

    for model, _column in ROW_TABLES:
        assert not [f for f in model._meta.concrete_fields if isinstance(f, models.BinaryField)]


def test_an_interim_periods_history_takes_the_earlier_periods_forecasts(client: Any) -> None:
    """The earlier periods' rows (one plain SELECT) carry the forecast for an interim period
    only: there it is the history's figure when given, elsewhere the outcome is."""
    from styrkort.web.history import earlier_outcomes

    first = _import(FIVE)
    client.force_login(_member(first, "ctrl", "controller"))
    p = _years(client, first, 2021)[2021]
    m.Indicator.objects.filter(period=first, key="sjukfranvaro").update(forecast="5,5 %")
    annual = earlier_outcomes(p)["sjukfranvaro"]
    assert [(x.year, x.text) for x in annual] == [(2020, "6,8 %")]
    m.Period.objects.filter(pk__in=[first.pk, p.pk]).update(kind="interim")
    p.refresh_from_db()
    interim = earlier_outcomes(p)["sjukfranvaro"]
    assert [(x.year, x.text) for x in interim] == [(2020, "5,5 %")]

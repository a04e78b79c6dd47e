"""The busiest screens (bench/web.py): what they show stays the pipeline's, at a bounded cost.

The overview and the indicator page read each table of the period once (``mapping.load_rows``)
and reuse those rows; the number of queries does not grow with the number of users or owners.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from styrkort.core.goals import Status
from styrkort.web import models as m
from styrkort.web.mapping import load_rows
from styrkort.web.templatetags.styrkort_tags import status

# Session, user, period, role, the period's eight tables, owners, submissions, and for an
# owner the latest return of their submission (its reason is shown).
OVERVIEW_QUERIES = (
    16  # +1: the earlier periods of the organisation (history), one query for any number of years
)
# Session, user, period, role, the period's eight tables, submitted?, history.
INDICATOR_QUERIES = 15  # +1: the earlier periods (history)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as q:
        resp = client.get(url)
    assert resp.status_code == 200
    return len(q)


def test_overview_finding_counts_equal_the_findings_screen(
    as_user: Any, example_period: m.Period
) -> None:
    p = example_period
    # A report-level finding too: a narrative quoting a figure that does not exist.
    sec = p.narrative.first()
    assert sec is not None
    sec.markdown += "\n\nSiffran {{ finns.inte }}."
    sec.save()
    page = as_user("owner").get(f"/period/{p.pk}/").content.decode()
    shown = re.search(r"Kontroller: (\d+) fel, (\d+) varningar", page)
    assert shown is not None
    data = as_user("reader").get(f"/api/periods/{p.pk}/findings/").json()["findings"]
    assert any("finns.inte" in f["message"] for f in data)
    errors = sum(1 for f in data if f["severity"] == "error")
    warnings = sum(1 for f in data if f["severity"] == "warning")
    assert (int(shown[1]), int(shown[2])) == (errors, warnings)
    findings_page = as_user("reader").get(f"/period/{p.pk}/fynd/").content.decode()
    assert findings_page.count('<tr class="finding-error">') == errors
    assert findings_page.count('<tr class="finding-warning">') == warnings


def test_overview_queries_do_not_grow_with_owners(
    as_user: Any, users: dict[str, Any], example_period: m.Period
) -> None:
    p = example_period
    url = f"/period/{p.pk}/"
    client = as_user("owner")
    before = _queries(client, url)
    assert before <= OVERVIEW_QUERIES
    new = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"agare{i:02d}") for i in range(30)]
    )
    m.Membership.objects.bulk_create(
        m.Membership(user=u, organisation=p.organisation, role=m.Role.OWNER, owner_labels="HR")
        for u in new
    )
    sub = m.Submission.objects.create(period=p, user=new[0])
    m.Submission.objects.filter(pk=sub.pk).update(
        at=dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC)
    )
    m.Submission.objects.create(period=p, user=users["owner"])
    assert _queries(client, url) == before
    page = client.get(url).content.decode()
    assert "agare29" in page
    assert "Du lämnade in" in page  # the owner's own submission
    controller = as_user("controller").get(url).content.decode()
    assert f'action="/period/{p.pk}/aterlamna/{new[0].pk}/"' in controller
    assert "Återlämna till agare00" in controller
    assert "Återlämna till agare01" not in controller  # not submitted
    assert "Ja, 2026-02-01 00:30" in controller  # in the app's time zone (Europe/Stockholm)


def test_indicator_page_queries_are_bounded(as_user: Any, example_period: m.Period) -> None:
    p = example_period
    ind = p.indicators.get(key="first-line")
    client = as_user("owner")
    assert _queries(client, f"/period/{p.pk}/indikator/{ind.pk}/") <= INDICATOR_QUERIES
    page = client.get(f"/period/{p.pk}/indikator/{ind.pk}/").content.decode()
    assert ind.goal.title in page  # the breadcrumb: the goal comes with the rows
    missing = max(p.indicators.values_list("pk", flat=True)) + 1
    assert client.get(f"/period/{p.pk}/indikator/{missing}/").status_code == 404


def _values(rows: Any) -> list[dict[str, Any]]:
    return [{f.attname: getattr(r, f.attname) for f in r._meta.concrete_fields} for r in rows]


def test_rows_equal_the_orms_in_the_models_order(example_period: m.Period) -> None:
    """``load_rows`` reads with plain SELECTs: the same rows, values and types as the ORM's."""
    p = example_period
    # A JSON column with a value, and a weight: conversions that a plain SELECT must keep.
    m.Indicator.objects.filter(pk=p.indicators.first().pk).update(  # type: ignore[union-attr]
        metric={"name": "andel", "params": [["a", "1"]]}
    )
    rows = load_rows(p)
    assert any(isinstance(i.metric, dict) for i in rows.indicators)
    assert rows.indicators and rows.operating and rows.narrative and rows.members
    for mine, orm in (
        (rows.members, p.organisation.members.all()),
        (rows.goals, p.goals.all()),
        (rows.indicators, p.indicators.all()),
        (rows.council_goals, p.council_goals.all()),
        (rows.operating, p.operating_rows.all()),
        (rows.investments, p.investment_rows.all()),
        (rows.frames, p.frame_parts.all()),
        (rows.narrative, p.narrative.all()),
    ):
        expected = _values(orm)
        assert _values(mine) == expected
        assert [type(v) for r in _values(mine) for v in r.values()] == [
            type(v) for r in expected for v in r.values()
        ]
    # each indicator's goal is the goal row already read: no query, the ORM's goal
    with CaptureQueriesContext(connection) as q:
        titles = [i.goal.title for i in rows.indicators]
    assert len(q.captured_queries) == 0
    assert titles == [i.goal.title for i in p.indicators.select_related("goal")]


def test_status_filter_shows_symbol_and_word() -> None:
    html = str(status(Status.PARTLY))
    assert html == (
        '<span class="status status-partly"><span class="symbol" aria-hidden="true">◐</span>'
        " Delvis uppnått</span>"
    )

"""The web shows perspectives and the rule in force as the report does (issue 12, items 4–5),
from a period imported from the example that uses perspectives, a band rule and a rule per goal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from styrkort.core.goals import Status
from styrkort.pipeline import run
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "exempel-perspektiv-2022"

pytestmark = pytest.mark.django_db


@pytest.fixture
def period_and_client(client: Client) -> tuple[m.Period, Client]:
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=EXAMPLE)
    assert period is not None
    user = get_user_model().objects.create_user("controller", "", None)
    m.Membership.objects.create(user=user, organisation=period.organisation, role="controller")
    client.force_login(user)
    return period, client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_overview_groups_goals_under_their_perspectives_with_cores_counts(
    period_and_client: tuple[m.Period, Client],
) -> None:
    period, client = period_and_client
    page = client.get(f"/period/{period.pk}/").content.decode()
    folder = run(EXAMPLE)
    ws, done = folder.workspace, folder.assessed
    assert ws is not None and done is not None and ws.perspectives
    text = _text(page)
    positions = []
    for p, summary in zip(ws.perspectives, done.perspectives, strict=True):
        assert summary.perspective == p.id
        heading = f'<h3 id="perspektiv-{p.id}">Perspektivet {p.title}</h3>'
        assert heading in page
        positions.append(page.index(heading))
        goals = [g for g in ws.goals if g.perspective == p.id]
        if goals:
            counts = ", ".join(
                f"{s.symbol} {s.label} {summary.count(s)}" for s in Status if summary.count(s)
            )
            assert (
                f"{summary.goals} nämndmål, {summary.indicators} indikatorer: {counts}. "
                f"Perspektivets samlade bedömning: {summary.verdict.symbol} {summary.verdict.label}"
            ) in text
        for g in goals:  # each goal's table stands under its own perspective's heading
            at = page.index(f">{g.title}</a>")
            assert max(x for x in positions if x < at) == positions[-1]
    assert positions == sorted(positions)


def test_goal_screen_shows_the_rule_in_force_for_that_goal(
    period_and_client: tuple[m.Period, Client],
) -> None:
    period, client = period_and_client
    ws = run(EXAMPLE).workspace
    assert ws is not None
    rule = ws.settings.rule
    own = next(g for g in ws.goals if g.rule)
    plain = next(g for g in ws.goals if not g.rule)
    for g in (own, plain):
        row = m.Goal.objects.get(period=period, key=g.id)
        page = _text(client.get(f"/period/{period.pk}/mal/{row.pk}/").content.decode())
        assert "Bedömningsregel" in page
        for line in rule.rule_for(g).describe():
            assert _text(line) in page, line
        for line in rule.tolerance.lines():
            assert _text(line) in page, line
    assert rule.rule_for(own) != rule.rule_for(plain)

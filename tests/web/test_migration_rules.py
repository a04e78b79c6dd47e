"""Migration 0007_rules: a period stored with the four columns of the majority rule keeps its
rule, now one document on ``Period.rule`` read by the workspace reader."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from styrkort.core.assess import GoalRule, Tolerance, ToleranceKind
from styrkort.core.goals import Status
from styrkort.web.mapping import _settings

BEFORE = [("styrkort", "0006_followup_activities_assignments_internal_control")]
AFTER = [("styrkort", "0007_rules")]


@pytest.mark.django_db(transaction=True)
def test_the_majority_rule_columns_become_the_rule_document() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("styrkort", "Organisation").objects.create(name="Nämnden")
    old.get_model("styrkort", "Period").objects.create(
        organisation=org,
        title="Årsredovisning 2020",
        year=2020,
        tolerance_kind="progress",
        tolerance_ratio=Decimal("0.75"),
        goal_rule_positive="uppnått",
        goal_rule_majority="2/3",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    stored = new.get_model("styrkort", "Period").objects.get()
    rule = _settings(stored).rule
    assert rule.tolerance == Tolerance(ToleranceKind.PROGRESS, Decimal("0.75"))
    assert rule.goal_rule == GoalRule(frozenset({Status.MET}), Fraction(2, 3))
    # and back
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("styrkort", "Period").objects.get()
    assert (back.tolerance_kind, back.tolerance_ratio, back.goal_rule_positive) == (
        "progress",
        Decimal("0.75"),
        "uppnått",
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

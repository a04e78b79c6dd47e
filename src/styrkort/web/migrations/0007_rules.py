# ruff: noqa: RUF012  (Django's Migration classes take lists by design)
"""Issue 12's workspace fields in the database: the whole assessment rule, perspectives and
the published verdict on the period; a goal's perspective and rule.

The four columns of the majority rule (tolerance kind and ratio, positive statuses, majority)
become the period's ``rule`` document, written as ``workspace_write.rule_settings`` writes it,
and are then removed: one copy of the rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django.db import migrations, models


def _number(value: Any) -> str:
    d = Decimal(value)
    text = str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")
    return text.replace(".", ",")


def columns_to_rule(apps: Any, schema_editor: Any) -> None:
    period_model = apps.get_model("styrkort", "Period")
    for p in period_model.objects.all():
        tolerance: dict[str, Any] = {"kind": p.tolerance_kind}
        if p.tolerance_kind != "bands":
            tolerance["ratio"] = _number(p.tolerance_ratio)
        p.rule = yaml.safe_dump(
            {
                "tolerance": tolerance,
                "goal_rule": {
                    "positive": [s for s in p.goal_rule_positive.split(",") if s],
                    "majority": p.goal_rule_majority,
                },
            },
            allow_unicode=True,
            sort_keys=False,
        )
        p.save(update_fields=["rule"])


def rule_to_columns(apps: Any, schema_editor: Any) -> None:
    period_model = apps.get_model("styrkort", "Period")
    for p in period_model.objects.all():
        rule = yaml.safe_load(p.rule or "{}") or {}
        tolerance = rule.get("tolerance", {})
        goal_rule = rule.get("goal_rule", {})
        p.tolerance_kind = tolerance.get("kind", "ratio")
        p.tolerance_ratio = Decimal(str(tolerance.get("ratio", "0,8")).replace(",", "."))
        p.goal_rule_positive = ",".join(goal_rule.get("positive", ["uppnått", "delvis uppnått"]))
        p.goal_rule_majority = goal_rule.get("majority", "1/2")
        p.save()


class Migration(migrations.Migration):
    dependencies = [("styrkort", "0006_followup_activities_assignments_internal_control")]

    operations = [
        migrations.AddField(
            model_name="period",
            name="rule",
            field=models.TextField(blank=True, verbose_name="bedömningsregel"),
        ),
        migrations.AddField(
            model_name="period",
            name="perspectives",
            field=models.JSONField(blank=True, default=list, verbose_name="perspektiv"),
        ),
        migrations.AddField(
            model_name="period",
            name="published_verdict",
            field=models.TextField(blank=True, verbose_name="publicerad dom"),
        ),
        migrations.AddField(
            model_name="period",
            name="published_goals",
            field=models.JSONField(blank=True, default=list, verbose_name="publicerat antal mål"),
        ),
        migrations.AddField(
            model_name="goal",
            name="perspective",
            field=models.CharField(blank=True, max_length=100, verbose_name="perspektiv (id)"),
        ),
        migrations.AddField(
            model_name="goal",
            name="rule",
            field=models.CharField(blank=True, max_length=100, verbose_name="målregel (namn)"),
        ),
        migrations.RunPython(columns_to_rule, rule_to_columns),
        migrations.RemoveField(model_name="period", name="tolerance_kind"),
        migrations.RemoveField(model_name="period", name="tolerance_ratio"),
        migrations.RemoveField(model_name="period", name="goal_rule_positive"),
        migrations.RemoveField(model_name="period", name="goal_rule_majority"),
    ]

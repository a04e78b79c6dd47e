# ruff: noqa: RUF012  (Django's Meta classes take lists by design)
"""Tables for what a board follows up beyond indicators (core/followup.py): activities, council
assignments and the internal-control plan with its follow-up. Imported at the end of
``web/models.py``; ``web/mapping_followup.py`` is the one place that turns these rows into core
values. Texts and statuses are kept as the core writes them (``klar``, ``genomfört``, ``avvikelse``).
"""

from __future__ import annotations

from django.db import models

from styrkort.web.models import Period


class FollowUpSettings(models.Model):
    """Per period: what each goal is judged from, the activity rule, and the plan's decision and scale."""

    period = models.OneToOneField(
        Period, on_delete=models.CASCADE, related_name="followup_settings"
    )
    goal_bases = models.JSONField("bedöms efter (mål-id → grund)", default=dict, blank=True)
    activity_rule = models.JSONField(
        "aktivitetsregel (status → räknas som)", default=dict, blank=True
    )
    control_adopted = models.CharField("internkontrollplanen antagen", max_length=300, blank=True)
    risk_scale = models.JSONField("riskskala", default=dict, blank=True)


class Activity(models.Model):
    """An activity (aktivitet) under a goal or a council goal (``parent_key``)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="activities")
    parent_key = models.CharField("mål-id", max_length=100)
    key = models.CharField("id", max_length=100)
    title = models.TextField("aktivitet")
    owner = models.CharField("ansvarig", max_length=200, blank=True)
    status = models.CharField("status", max_length=30, default="ej påbörjad")
    completion = models.PositiveSmallIntegerField("färdiggrad (%)", null=True, blank=True)
    deadline = models.DateField("klart senast", null=True, blank=True)
    comment = models.TextField("kommentar", blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="activity_key_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """A council assignment (uppdrag från fullmäktige)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="assignments")
    key = models.CharField("id", max_length=100)
    text = models.TextField("uppdrag")
    decision_body = models.CharField("beslutande organ", max_length=200, blank=True)
    decision_date = models.DateField("beslutsdatum", null=True, blank=True)
    decision_paragraph = models.CharField("paragraf", max_length=50, blank=True)
    board = models.CharField("ansvarig nämnd", max_length=300, blank=True)
    deadline = models.DateField("klart senast", null=True, blank=True)
    status = models.CharField("status", max_length=30, default="ej påbörjat")
    comment = models.TextField("kommentar", blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="assignment_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class ControlProcess(models.Model):
    """A process of the internal-control plan."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="control_processes")
    key = models.CharField("id", max_length=100)
    title = models.CharField("process", max_length=300)
    owner = models.CharField("ansvarig", max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")


class ControlRisk(models.Model):
    """A risk of a process, scored probability × consequence."""

    process = models.ForeignKey(ControlProcess, on_delete=models.CASCADE, related_name="risks")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="control_risks")
    key = models.CharField("id", max_length=100)
    title = models.TextField("risk")
    probability = models.PositiveSmallIntegerField("sannolikhet")
    consequence = models.PositiveSmallIntegerField("konsekvens")
    comment = models.TextField("kommentar", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")


class Control(models.Model):
    """A control of a risk and its result in the follow-up."""

    risk = models.ForeignKey(ControlRisk, on_delete=models.CASCADE, related_name="controls")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="controls")
    key = models.CharField("id", max_length=100)
    title = models.TextField("kontroll")
    method = models.TextField("metod", blank=True)
    frequency = models.CharField("frekvens", max_length=200, blank=True)
    owner = models.CharField("ansvarig", max_length=200, blank=True)
    result = models.CharField("resultat", max_length=30, blank=True)
    comment = models.TextField("kommentar", blank=True)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.title


class ControlDeviation(models.Model):
    """A deviation a control found, with the action taken."""

    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="deviations")
    text = models.TextField("avvikelse")
    action = models.TextField("åtgärd", blank=True)
    owner = models.CharField("ansvarig", max_length=200, blank=True)
    deadline = models.DateField("klart senast", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "pk")

# ruff: noqa: RUF012  (Django's Meta classes take lists by design)
"""Tables of the municipality (kommun, issue 14): the municipality that groups the boards of the
web app, its configuration as the YAML text a municipality folder's ``styrkort.yaml`` holds, the
boards linked to it (each with the board id its configuration names) and the municipality-level
roles. Imported at the end of ``web/models.py``; ``web/municipality.py`` reads them.

The configuration is kept as written (text, not JSON), like the period's rule: it is validated by
the same reader as the folder's file (``sources.municipality.read_municipality_config``) and its
order (boards, council goals) is part of the report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from styrkort.web.models import Organisation


class Municipality(models.Model):
    """A municipality (kommun) whose report gathers the boards linked to it."""

    name = models.CharField("namn", max_length=200)
    config = models.TextField(
        "konfiguration (YAML)",
        blank=True,
        help_text="Samma innehåll som styrkort.yaml i en kommunmapp (kind: municipality).",
    )
    boards = models.ManyToManyField(
        Organisation,
        through="MunicipalityBoard",
        related_name="municipalities",
        verbose_name="nämnder",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class MunicipalityBoard(models.Model):
    """A board (an organisation of the web app) in a municipality, under the id its
    configuration's ``boards`` list gives it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="board_links"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="municipality_links",
        verbose_name="nämnd",
    )
    board_id = models.CharField(
        "nämndens id",
        max_length=100,
        help_text="Som i konfigurationens boards-lista, t.ex. ks.",
    )
    position = models.PositiveIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "nämnd i kommunen"
        verbose_name_plural = "nämnder i kommunen"
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "organisation"], name="municipality_board_unique"
            ),
            models.UniqueConstraint(
                fields=["municipality", "board_id"], name="municipality_board_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board_id}: {self.organisation.name}"


class MunicipalityRole(models.TextChoices):
    ADMIN = "admin", "Kommunens administratör"
    CONTROLLER = "controller", "Kommunens controller"
    READER = "reader", "Kommunens läsare"


class MunicipalityMembership(models.Model):
    """A user's role in a municipality: it reads every board linked to the municipality (never
    edits them) and the municipality's overview and report; see web/access.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="municipality_memberships",
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("roll", max_length=20, choices=MunicipalityRole.choices)

    class Meta:
        verbose_name = "roll i kommunen"
        verbose_name_plural = "roller i kommunen"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"], name="municipality_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.municipality})"

"""``styrkort manage importera_kommun MAPP``: a municipality folder into the database (docs/web.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.web.municipality_import import import_municipality


class Command(BaseCommand):
    help = (
        "Läs in en kommuns mapp (styrkort.yaml med kind: municipality): varje nämnds arbetsyta "
        "som en period, kommunen med sin konfiguration och nämnderna kopplade under sina id. "
        "En nämnd som redan har periodens år behåller den, om inte --ersatt anges."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("mapp", help="kommunens mapp")
        parser.add_argument(
            "--ersatt",
            action="store_true",
            help="ersätt nämndernas befintliga öppna perioder av samma år och slag",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["mapp"])
        result = import_municipality(root, replace=options["ersatt"])
        for f in result.findings:
            self.stderr.write(f.format())
        if result.municipality is None:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())

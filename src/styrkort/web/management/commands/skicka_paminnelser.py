"""``styrkort manage skicka_paminnelser``: send the reminder e-mails that are due (docs/web.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.web import models as m
from styrkort.web.reminders import period_name, send_due


class Command(BaseCommand):
    help = (
        "Skicka de påminnelser som ska ut i dag: till indikatorägare som inte har lämnat in, "
        "några dagar före sista dag och en gång efter den. Varje påminnelse skickas en gång. "
        "Kör dagligen (t.ex. med cron eller en systemd-timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--datum", help="räkna som om i dag vore detta datum (ÅÅÅÅ-MM-DD), t.ex. för test"
        )
        parser.add_argument("--period", type=int, help="bara denna period (id)")
        parser.add_argument(
            "--torrkorning",
            action="store_true",
            help="skriv bara ut vilka som skulle få en påminnelse; inget skickas",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["datum"]:
            try:
                today = dt.date.fromisoformat(options["datum"])
            except ValueError:
                raise CommandError(
                    f"Datumet ”{options['datum']}” kan inte tolkas; skriv ÅÅÅÅ-MM-DD."
                ) from None
        periods = None
        if options["period"] is not None:
            periods = list(m.Period.objects.filter(pk=options["period"]))
            if not periods:
                raise CommandError(f"Perioden {options['period']} finns inte.")
        result = send_due(today, periods, dry_run=options["torrkorning"])
        verb = "skulle skicka" if options["torrkorning"] else "skickade"
        for period, username, kind in result.sent:
            what = "före sista dag" if kind == "before" else "försenad"
            self.stdout.write(f"{verb} påminnelse ({what}) till {username}: {period_name(period)}")
        for period, username, reason in result.skipped:
            hint = (
                "ange användarens e-postadress"
                if reason == "saknar e-postadress"
                else "kontrollera e-postinställningarna (docs/web.md); nästa körning försöker igen"
            )
            self.stderr.write(
                f"ingen påminnelse till {username} ({period_name(period)}): {reason}; {hint}."
            )
        done = "skulle skickas" if options["torrkorning"] else "skickades"
        n = len(result.sent)
        self.stdout.write(f"{n} {'påminnelse' if n == 1 else 'påminnelser'} {done}.")

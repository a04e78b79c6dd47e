"""``styrkort manage skapa_api_nyckel USER [--name NAME]``: a bearer token for the REST API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from styrkort.web.models import ApiToken


class Command(BaseCommand):
    help = (
        "Skapa en API-nyckel för en användare; nyckeln skrivs ut en gång och lagras bara som hash."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="vad nyckeln används till, t.ex. itsm")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Användaren {options['username']} finns inte.")
        _row, token = ApiToken.issue(user, options["name"])
        self.stdout.write(token)

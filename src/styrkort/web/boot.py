"""Start Django from the CLI (``styrkort serve``, ``import``, ``export``, ``manage``)."""

from __future__ import annotations

import os
import secrets
import sys
from typing import TextIO


def setup(*, migrate: bool = True, stream: TextIO | None = None) -> None:
    """Configure Django with styrkort.web.settings, create the data folder and migrate the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.web.settings")
    from styrkort.web.settings import data_dir, database_url

    if database_url().startswith("sqlite"):
        data_dir().mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0, stdout=stream or sys.stderr)


def ensure_admin(stream: TextIO) -> None:
    """On the first run, create the administrator ``admin`` and say how to log in (once)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if user_model.objects.filter(is_superuser=True).exists():
        return
    password = os.environ.get("STYRKORT_ADMIN_PASSWORD", "").strip()
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    user_model.objects.create_superuser("admin", "", password)
    print("Styrkort: administratören 'admin' har skapats.", file=stream)
    if generated:
        print(f"  Lösenord (visas bara nu, spara det): {password}", file=stream)
    else:
        print("  Lösenord: värdet i STYRKORT_ADMIN_PASSWORD.", file=stream)

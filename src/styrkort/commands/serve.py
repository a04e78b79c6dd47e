"""``styrkort serve``: the web app on this machine (SQLite by default, migrated automatically).

Also ``styrkort manage …``: Django's management commands with Styrkort's settings
(e.g. ``styrkort manage skapa_api_nyckel anna --name itsm``).
"""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve", help="starta webbappen lokalt (databas: STYRKORT_DATABASE_URL, standard SQLite)"
    )
    p.add_argument(
        "--host",
        metavar="HOST",
        default="127.0.0.1",
        help="adress att lyssna på (standard 127.0.0.1)",
    )
    p.add_argument("--port", metavar="PORT", type=int, default=8000, help="port (standard 8000)")
    p.set_defaults(handler=handle)
    m = sub.add_parser(
        "manage", help="kör ett Django-hanteringskommando med Styrkorts inställningar"
    )
    m.add_argument(
        "args", metavar="ARGS", nargs=argparse.REMAINDER, help="kommandot och dess argument"
    )
    m.set_defaults(handler=handle_manage)


def handle(args: argparse.Namespace) -> int:
    # Plain HTTP on this machine: no HTTPS redirect or secure-only cookies (docs/deploy.md for production).
    if args.host in {"127.0.0.1", "localhost", "::1"}:
        os.environ.setdefault("STYRKORT_LOCAL_HTTP", "1")
    from styrkort.web import boot

    boot.setup(stream=sys.stdout)
    boot.ensure_admin(sys.stdout)
    from django.conf import settings
    from django.core.management import call_command

    print(
        f"Databas: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} {settings.DATABASES['default']['NAME']}"
    )
    print(f"Öppna http://{args.host}:{args.port}/ och logga in. Avsluta med Ctrl-C.")
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    return 0


def handle_manage(args: argparse.Namespace) -> int:
    from styrkort.web import boot

    boot.setup(stream=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["styrkort manage", *args.args])
    return 0

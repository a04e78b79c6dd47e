"""``styrkort import WORKSPACE`` and ``styrkort export DIR``: the workspace folder ⇄ the database.

The database is the one of the web app (``STYRKORT_DATABASE_URL``, default the
SQLite file in the data folder). ``export`` writes the canonical folder format;
export → import → export gives identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="läs in en arbetsyta (mapp) i webbappens databas")
    p.add_argument(
        "workspace",
        metavar="WORKSPACE",
        type=Path,
        help="arbetsytan (mappen med styrkort.yaml); en kommuns mapp (kind: municipality) läser "
        "in varje nämnds period och kommunen med nämnderna kopplade",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="ersätt en befintlig period med samma organisation, år och benämning",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="med --replace: ersätt även en godkänd eller låst period (skrivs i ändringsloggen)",
    )
    p.set_defaults(handler=handle_import)
    e = sub.add_parser("export", help="skriv en period ur databasen till en arbetsyta (mapp)")
    e.add_argument(
        "dir", metavar="DIR", type=Path, help="utmapp (skapas; ska vara tom eller saknas)"
    )
    e.add_argument(
        "--period",
        metavar="ID",
        type=int,
        help="periodens id (se listan som skrivs ut när flera finns)",
    )
    e.set_defaults(handler=handle_export)


def handle_import(args: argparse.Namespace) -> int:
    from styrkort.commands.check import print_findings
    from styrkort.core.findings import Severity
    from styrkort.sources.municipality import is_municipality
    from styrkort.sources.workspace import load_workspace

    if is_municipality(args.workspace):
        return _import_municipality(args)

    load = load_workspace(args.workspace)
    errors = [f for f in load.findings if f.severity is Severity.ERROR]
    if load.workspace is None or not load.ok or errors:
        print_findings(load.findings, args.workspace, sys.stderr)
        print(
            "styrkort: arbetsytan har fel; inget lästes in. Rätta felen och försök igen.",
            file=sys.stderr,
        )
        return 1
    from styrkort.web import boot

    boot.setup()
    from django.db import transaction

    from styrkort.pipeline import located, resolve_history
    from styrkort.web.commands import import_or_replace
    from styrkort.web.errors import Refusal
    from styrkort.web.mapping import UnstorableAmount

    # Earlier periods' workspaces and data files are read now: the database keeps their
    # values in the indicators' history, not the folders.
    assert load.workspace is not None  # refused above
    ws, history_findings = resolve_history(load.workspace, args.workspace)
    for f in history_findings:
        print(located(f, args.workspace).format(), file=sys.stderr)
    try:
        with transaction.atomic():
            period, replaced = import_or_replace(
                ws, replace=args.replace, force=args.force, root=args.workspace
            )
    except UnstorableAmount as exc:
        print(f"styrkort: {exc} Inget lästes in. Rätta beloppet och försök igen.", file=sys.stderr)
        return 1
    except Refusal as exc:
        print(f"styrkort: {exc.message} {exc.hint}".rstrip(), file=sys.stderr)
        return 1
    if period is None:
        print(
            f"styrkort: {ws.organisation.name} har redan perioden {ws.period.title}; använd --replace för att ersätta den.",
            file=sys.stderr,
        )
        return 1
    print(
        f"{'ersatte' if replaced else 'läste in'} {ws.organisation.name} {period.title} (period {period.pk})"
    )
    return 0


def _import_municipality(args: argparse.Namespace) -> int:
    """A municipality's folder: every board's period, the municipality and its links
    (web/municipality_import.py; ``styrkort manage importera_kommun`` does the same)."""
    from styrkort.commands.check import print_findings
    from styrkort.web import boot

    boot.setup()
    from styrkort.web.municipality_import import import_municipality

    result = import_municipality(args.workspace, replace=args.replace)
    if result.findings:
        print_findings(result.findings, args.workspace, sys.stderr)
    if result.municipality is None:
        print(f"styrkort: {result.summary()}", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def handle_export(args: argparse.Namespace) -> int:
    from styrkort.web import boot

    boot.setup()
    from styrkort.web.commands import export_period
    from styrkort.web.models import Period

    periods = list(Period.objects.select_related("organisation").order_by("pk"))
    if args.period is not None:
        periods = [p for p in periods if p.pk == args.period]
    if len(periods) != 1:
        print(
            "styrkort: ange --period med ett av:"
            if periods
            else "styrkort: ingen sådan period i databasen.",
            file=sys.stderr,
        )
        for p in periods:
            print(f"  {p.pk}: {p.organisation.name}, {p.title}", file=sys.stderr)
        return 2
    out: Path = args.dir
    if out.exists() and any(out.iterdir()):
        print(f"styrkort: {out} är inte tom; ange en ny eller tom mapp.", file=sys.stderr)
        return 2
    for path in export_period(periods[0], out):
        print(f"skrev {path}")
    return 0

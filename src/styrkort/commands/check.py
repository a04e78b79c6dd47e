"""``styrkort check WORKSPACE [--json]``: only the checks; exit 1 on any error-level finding."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from styrkort.core.findings import Finding, Severity


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="kontrollera arbetsytan; avslutar med kod 1 vid fel")
    p.add_argument(
        "workspace", metavar="WORKSPACE", type=Path, help="arbetsytan (mappen med styrkort.yaml)"
    )
    p.add_argument(
        "--json", action="store_true", help='skriv resultatet som JSON: {"ok": …, "findings": […]}'
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="visa ingen förloppsindikator (en kommuns kontroll visar den annars på en terminal)",
    )
    p.add_argument(
        "--allow-outside",
        dest="allow_outside",
        action="store_true",
        help="läs filer som arbetsytan pekar ut utanför sin mapp (bara för arbetsytor du litar på)",
    )
    p.set_defaults(handler=handle)


def print_findings(findings: Iterable[Finding], root: Path, stream: object = None) -> None:
    from styrkort.pipeline import located

    out = stream or sys.stdout
    items = list(findings)
    for f in items:
        print(located(f, root).format(), file=out)  # type: ignore[arg-type]
    counts = Counter(f.severity for f in items)
    print(
        f"{counts[Severity.ERROR]} fel, {counts[Severity.WARNING]} varningar, {counts[Severity.INFO]} info",
        file=out,  # type: ignore[arg-type]
    )


def handle(args: argparse.Namespace) -> int:
    from styrkort.commands._municipality import BoardProgress, run_municipality
    from styrkort.commands._output import envelope, exit_code, print_json
    from styrkort.pipeline import located, run
    from styrkort.sources.municipality import is_municipality

    if is_municipality(args.workspace):
        # a municipality: every board's checks and the municipality's own
        with BoardProgress(quiet=args.quiet) as bar:
            _report, findings = run_municipality(args, bar)
    else:
        findings = run(args.workspace, allow_outside=args.allow_outside).findings
    if args.json:
        print_json(envelope(located(f, args.workspace) for f in findings))
    else:
        print_findings(findings, args.workspace)
    return exit_code(findings)

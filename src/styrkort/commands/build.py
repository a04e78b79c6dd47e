"""``styrkort build WORKSPACE``: the report in every format, and the findings printed."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# format → module in styrkort.render with ``write(report, out_dir) -> Path``
FORMATS = {"html": "html", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx"}


def available_formats() -> list[str]:
    out = []
    for name, module in FORMATS.items():
        try:
            importlib.import_module(f"styrkort.render.{module}")
        except ImportError:
            continue
        out.append(name)
    return out


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build", help="bygg rapporten (HTML, PDF, Word, Excel) och skriv ut kontrollernas fynd"
    )
    p.add_argument("workspace", type=Path, help="arbetsytan (mappen med styrkort.yaml)")
    p.add_argument("--out", type=Path, help="utmapp (standard: build/ i arbetsytan)")
    p.add_argument(
        "--format", default="", help="kommaseparerade format: html,pdf,docx,xlsx (standard: alla)"
    )
    p.add_argument(
        "--strict", action="store_true", help="avsluta med kod 1 om kontrollerna ger fel"
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from styrkort.commands.check import print_findings
    from styrkort.pipeline import run

    formats = [f.strip() for f in args.format.split(",") if f.strip()] or available_formats()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        print(
            f"styrkort: okänt format {', '.join(unknown)}; välj bland {', '.join(FORMATS)}",
            file=sys.stderr,
        )
        return 2
    result = run(args.workspace)
    print_findings(result.findings, args.workspace)
    if result.report is None:
        print("styrkort: arbetsytan kunde inte läsas; ingen rapport byggdes.", file=sys.stderr)
        return 1
    out_dir: Path = args.out or (args.workspace / "build")
    for name in formats:
        try:
            module = importlib.import_module(f"styrkort.render.{FORMATS[name]}")
        except ImportError as exc:
            print(f"styrkort: formatet {name} är inte tillgängligt ({exc})", file=sys.stderr)
            return 1
        path = module.write(result.report, out_dir)
        print(f"skrev {path}")
    return 1 if args.strict and result.has_errors else 0

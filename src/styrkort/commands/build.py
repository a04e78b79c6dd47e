"""``styrkort build WORKSPACE``: the report in every format, and the findings printed."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from styrkort.render import FORMATS, available_formats


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build", help="bygg rapporten (HTML, PDF, Word, Excel) och skriv ut kontrollernas fynd"
    )
    p.add_argument(
        "workspace", metavar="WORKSPACE", type=Path, help="arbetsytan (mappen med styrkort.yaml)"
    )
    p.add_argument("--out", metavar="DIR", type=Path, help="utmapp (standard: build/ i arbetsytan)")
    p.add_argument(
        "--format",
        metavar="FORMATS",
        default="",
        help="kommaseparerade format: html,pdf,docx,xlsx (standard: alla)",
    )
    p.add_argument(
        "--word-template",
        metavar="FILE",
        type=Path,
        help="kommunens egen Word-mall (.docx med platshållare); standard: publication.word_template i styrkort.yaml",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="avsluta med kod 1 om kontrollerna ger fel (utan: kod 0 när rapporten är byggd)",
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
    failed = False
    pending = {}
    if "pdf" in formats and len(formats) > 1:
        # The PDF is laid out in the background while the other formats are written.
        pending["pdf"] = importlib.import_module("styrkort.render.pdf").start(
            result.report, out_dir
        )
    for name in formats:
        if name in pending:
            continue
        try:
            module = importlib.import_module(f"styrkort.render.{FORMATS[name][0]}")
        except ImportError as exc:
            print(f"styrkort: formatet {name} är inte tillgängligt ({exc})", file=sys.stderr)
            return 1
        if name == "docx":
            ws = result.workspace
            template = args.word_template or (
                args.workspace / ws.word_template if ws and ws.word_template else None
            )
            try:
                path = module.write(result.report, out_dir, template=template)
            except module.TemplateError as exc:
                print_findings(exc.findings, Path("."))
                print(
                    "styrkort: Word-mallen kunde inte användas; ingen .docx skrevs.",
                    file=sys.stderr,
                )
                failed = True
                continue
        else:
            path = module.write(result.report, out_dir)
        print(f"skrev {path}")
    for wait in pending.values():
        try:
            print(f"skrev {wait()}")
        except RuntimeError as exc:
            print(f"styrkort: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed or (args.strict and result.has_errors) else 0

"""``styrkort build WORKSPACE``: the report in every format, and the findings printed."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from styrkort.render import FORMATS, available_formats

if TYPE_CHECKING:
    from styrkort.report.model import Report


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
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="visa ingen förloppsindikator (en kommuns bygge visar den annars på en terminal)",
    )
    p.add_argument(
        "--allow-outside",
        dest="allow_outside",
        action="store_true",
        help="läs filer som arbetsytan pekar ut utanför sin mapp (bara för arbetsytor du litar på)",
    )
    p.set_defaults(handler=handle)


def _terminate(signum: int, frame: FrameType | None) -> None:
    # SIGTERM ends the build like Ctrl-C: the staging folder is removed and the
    # previous report set stays as it was (render/outdir.py)
    raise SystemExit(128 + signum)


def handle(args: argparse.Namespace) -> int:
    from styrkort.commands.check import print_findings
    from styrkort.core.findings import has_errors
    from styrkort.pipeline import run

    formats = [f.strip() for f in args.format.split(",") if f.strip()] or available_formats()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        print(
            f"styrkort: okänt format {', '.join(unknown)}; välj bland {', '.join(FORMATS)}",
            file=sys.stderr,
        )
        return 2
    from styrkort.render import outdir

    out_dir: Path = args.out or (args.workspace / "build")
    try:
        outdir.check_target(out_dir, explicit=args.out is not None)
    except outdir.OutputRefused as exc:
        print(f"styrkort: {exc}", file=sys.stderr)
        return 1
    from styrkort.commands._municipality import BoardProgress, run_municipality
    from styrkort.sources.municipality import is_municipality

    bar = BoardProgress(quiet=args.quiet)
    template: Path | None = args.word_template
    if is_municipality(args.workspace):
        # a municipality: every board's workspace through the pipeline, one report
        with bar:
            report, findings = run_municipality(args, bar)
    else:
        result = run(args.workspace, allow_outside=args.allow_outside)
        report, findings = result.report, result.findings
        ws = result.workspace
        if template is None and ws is not None and ws.word_template:
            template = args.workspace / ws.word_template
    print_findings(findings, args.workspace)
    if report is None:
        print("styrkort: arbetsytan kunde inte läsas; ingen rapport byggdes.", file=sys.stderr)
        return 1
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with outdir.staging(out_dir) as stage:
            written = _write_all(report, template, formats, stage)
            if written is None:
                print(
                    f"styrkort: bygget misslyckades; rapporten i {out_dir} är orörd.",
                    file=sys.stderr,
                )
                return 1
            outdir.publish(stage, out_dir)
    except outdir.OutputRefused as exc:
        print(f"styrkort: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit) as exc:
        code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 130
        print(f"styrkort: bygget avbröts; rapporten i {out_dir} är orörd.", file=sys.stderr)
        return code
    finally:
        signal.signal(signal.SIGTERM, previous)
    for name in written:
        print(f"skrev {out_dir / name}")
    return 1 if args.strict and has_errors(findings) else 0


def _write_all(
    report: Report, template: Path | None, formats: list[str], out_dir: Path
) -> list[str] | None:
    """Every format into ``out_dir`` (Word with ``template`` when given); the file names, or
    None when any failed."""
    from styrkort.commands.check import print_findings

    failed = False
    names: list[str] = []
    pending: dict[str, Callable[[], Path]] = {}
    if "pdf" in formats and len(formats) > 1:
        # The PDF is laid out in the background while the other formats are written.
        pending["pdf"] = importlib.import_module("styrkort.render.pdf").start(report, out_dir)
    for name in formats:
        if name in pending:
            continue
        try:
            module = importlib.import_module(f"styrkort.render.{FORMATS[name][0]}")
        except ImportError as exc:
            print(f"styrkort: formatet {name} är inte tillgängligt ({exc})", file=sys.stderr)
            return None
        if name == "docx":
            try:
                path = module.write(report, out_dir, template=template)
            except module.TemplateError as exc:
                print_findings(exc.findings, Path("."))
                print(
                    "styrkort: Word-mallen kunde inte användas; ingen .docx skrevs.",
                    file=sys.stderr,
                )
                failed = True
                continue
        else:
            path = module.write(report, out_dir)
        names.append(path.name)
    for wait in pending.values():
        try:
            names.append(wait().name)
        except RuntimeError as exc:
            print(f"styrkort: {exc}", file=sys.stderr)
            failed = True
    return None if failed else names

"""``styrkort rollover WORKSPACE --year 2021 --out DIR``: start the next period (årsskifte).

Writes a new workspace folder; the old one is only read. Prints what the controller must
revise (targets that quote an old baseline, removed baselines) and exits 1 when the old
workspace cannot be read.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "rollover",
        help="starta nästa period: kopiera mål, indikatorer och definitioner, flytta årets utfall till historiken",
    )
    p.add_argument("workspace", type=Path, metavar="WORKSPACE")
    p.add_argument("--year", type=int, required=True, metavar="YEAR", help="den nya periodens år")
    p.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="mapp för den nya arbetsytan"
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from styrkort.commands.check import print_findings
    from styrkort.core.findings import Severity
    from styrkort.core.rollover import roll_over
    from styrkort.pipeline import run
    from styrkort.sources.workspace_write import write_workspace

    src: Path = args.workspace
    out: Path = args.out
    result = run(src)
    assessed = result.assessed
    if assessed is None:
        print_findings(result.findings, src, sys.stderr)
        print("styrkort: arbetsytan kan inte läsas; ingen ny period skapades.", file=sys.stderr)
        return 1
    old_year = assessed.workspace.period.year
    if args.year <= old_year:
        print(
            f"styrkort: --year {args.year} måste vara senare än periodens år {old_year}.",
            file=sys.stderr,
        )
        return 2
    try:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            print(
                f"styrkort: {out} finns redan och är inte en tom mapp; välj en ny mapp med --out.",
                file=sys.stderr,
            )
            return 2
        if out.resolve() == src.resolve() or out.resolve().is_relative_to(src.resolve()):
            print(
                "styrkort: den nya perioden skrivs inte in i den gamla arbetsytan; välj en annan mapp.",
                file=sys.stderr,
            )
            return 2
    except OSError as exc:
        print(f"styrkort: {out} kan inte användas: {exc.strerror}.", file=sys.stderr)
        return 2
    ws = assessed.workspace  # history already completed by the pipeline
    outcomes = assessed.outcome_texts()
    rolled = roll_over(ws, args.year, outcomes)
    out.mkdir(parents=True, exist_ok=True)
    write_workspace(rolled.workspace, out)
    if ws.word_template and (src / ws.word_template).is_file():
        target = out / ws.word_template
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / ws.word_template, target)
    if rolled.findings:
        print_findings(rolled.findings, src)
    moved = sum(1 for v in outcomes.values() if v.strip())
    print(
        f"styrkort: {ws.organisation.name} {args.year} skapad i {out}: {moved} utfall för "
        f"{old_year} flyttade till historiken; utfall, kommentarer och bedömningar tömda. "
        f"{src} är oförändrad."
    )
    revise = [
        f
        for f in rolled.findings
        if f.severity is Severity.WARNING and f.code == "rollover.baseline"
    ]
    if revise:
        word = "målvärde" if len(revise) == 1 else "målvärden"
        print(f"styrkort: {len(revise)} {word} att se över (se ovan).")
    return 0

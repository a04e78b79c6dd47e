"""The ``styrkort`` command: thin argument parsing over the pipeline and readers."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from styrkort import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="styrkort",
        description="Styrkort: uppföljning och årsredovisning för nämnder – bedömd, kontrollerad, publicerbar.",
    )
    parser.add_argument("--version", action="version", version=f"styrkort {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue  # helpers shared by commands (_output.py, _progress.py), not commands
        module = importlib.import_module(f"styrkort.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        result: int = args.handler(args)
    except BrokenPipeError:
        # whoever read the output stopped early (`styrkort … | head`): not a failure to
        # report with a traceback; stdout goes nowhere so the interpreter's final flush is quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())

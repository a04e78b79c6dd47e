"""The ``styrkort`` command: thin argument parsing over the pipeline and readers."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from styrkort import __version__, commands


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone when it names one.

    A command's module (and what it imports at the top) loads only when the parser
    needs it: ``styrkort sie summary`` does not import the other commands (``kolada``'s
    ``urllib`` and the like cost a few hundredths of a second of every run), while
    ``styrkort --help`` and an unknown command still list them all.
    """
    parser = argparse.ArgumentParser(
        prog="styrkort",
        description="Styrkort: uppföljning och årsredovisning för nämnder – bedömd, kontrollerad, publicerbar.",
    )
    parser.add_argument("--version", action="version", version=f"styrkort {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [
        info.name
        for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name)
        # helpers shared by commands (_output.py, _progress.py) are not commands
        if not info.name.startswith("_")
    ]
    if command in names:
        importlib.import_module(f"styrkort.commands.{command}").register(sub)
        if command in sub.choices:  # the module of that name registers that command
            return parser
        names.remove(command)
    for name in names:
        importlib.import_module(f"styrkort.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # the command is the first word that is not an option (the top level's options take no value)
    command = next((w for w in words if not w.startswith("-")), None)
    parser = build_parser(command)
    args = parser.parse_args(words)
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

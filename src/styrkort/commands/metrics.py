"""``styrkort metrics``: compute an indicator from a ticket, call, sick-leave or survey file.

``styrkort metrics run --profile NAME FILE --metric NAME [--param k=v ...]
[--period 2020 | 2020-01..2020-08] [--json]`` prints the figure and its
definition; ``styrkort metrics list`` shows the metrics, profiles and their
parameters. Exit status 1 when the input cannot be read or the computation
cannot be made (value missing because of an error finding), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = "beräkna ett nyckeltal ur en ärendelogg, samtalslogg, sjukfrånvaro- eller HME-fil"

DESCRIPTION = """\
Beräknar ett nyckeltal (t.ex. andel ärenden med första återkoppling inom 30 min,
servicenivå i telefonin, sjukfrånvaro, HME) ur en exportfil och skriver värdet
tillsammans med definitionen: formeln med varje parameters värde. Se
docs/metrics.md för definitionerna och `styrkort metrics list` för mått, profiler
och parametrar.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="metrics_command", metavar="SUBCOMMAND")
    run_parser = sub.add_parser("run", help="beräkna ett mått ur en fil")
    run_parser.add_argument(
        "file", metavar="FILE", type=Path, help="loggfil (CSV, CSV.gz, XLSX eller Parquet)"
    )
    run_parser.add_argument(
        "--profile", required=True, metavar="PROFILE", help="filens format, t.ex. servicenow"
    )
    run_parser.add_argument(
        "--metric", required=True, metavar="METRIC", help="måttets namn, t.ex. service-level"
    )
    run_parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="parameter (kan upprepas), t.ex. --param priorities=1 --param limit=30min",
    )
    run_parser.add_argument(
        "--period", metavar="PERIOD", help="2020, 2020-03 eller 2020-01..2020-08"
    )
    run_parser.add_argument(
        "--json",
        action="store_true",
        help='skriv resultatet som JSON: {"ok": …, "findings": […], …}',
    )
    run_parser.set_defaults(handler=run)
    list_parser = sub.add_parser("list", help="visa mått, profiler och parametrar")
    list_parser.add_argument(
        "--json", action="store_true", help='skriv listan som JSON: {"ok": …, "findings": […], …}'
    )
    list_parser.set_defaults(handler=list_metrics)
    parser.set_defaults(handler=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run(args: argparse.Namespace) -> int:
    from styrkort.commands._output import envelope, print_json
    from styrkort.core.findings import sort_findings
    from styrkort.metrics import compute
    from styrkort.metrics._common import parse_period

    params: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            print(f"styrkort metrics: --param {item!r} ska skrivas KEY=VALUE", file=sys.stderr)
            return 2
        params[key.strip()] = value.strip()
    period = None
    if args.period:
        try:
            period = parse_period(args.period)
        except ValueError as exc:
            print(f"styrkort metrics: {exc}", file=sys.stderr)
            return 2
    result = compute(args.metric, args.file, profile=args.profile, params=params, period=period)
    # no value is a failure even when every finding is only a warning (say, every row
    # malformed): a script must not take "inget värde" for success
    failed = result.value is None
    if args.json:
        data = result.as_dict()
        print_json(
            envelope(
                result.findings, ok=not failed, **{k: v for k, v in data.items() if k != "findings"}
            )
        )
    else:
        print(_format_value(result))
        print(f"Definition: {result.definition}")
        if result.details:
            print("Detaljer: " + ", ".join(f"{k}={_plain(v)}" for k, v in result.details.items()))
        for finding in sort_findings(result.findings):
            print(finding.format(), file=sys.stderr)
    return 1 if failed else 0


def _plain(value: Any) -> str:
    if value is None:
        return "–"
    from decimal import Decimal

    d = Decimal(value)
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return f"{d:.4f}".rstrip("0").rstrip(".")


def _format_value(result: Any) -> str:
    from decimal import Decimal

    from styrkort.metrics._common import format_number

    if result.value is None:
        return f"{result.metric}: inget värde"
    if result.unit == "%":
        shown = f"{format_number(result.value * 100, 1)} %"
    elif result.unit == "index":
        shown = format_number(result.value, 1)
    else:
        shown = f"{format_number(Decimal(result.value), 1)} {result.unit}"
    return f"{result.metric}: {shown}"


def list_metrics(args: argparse.Namespace) -> int:
    from styrkort.commands._output import print_json
    from styrkort.metrics import METRICS, PROFILES
    from styrkort.sources.logs import profile_param_names

    if args.json:
        data = {
            "ok": True,
            "findings": [],
            "metrics": [
                {
                    "name": m.name,
                    "kind": m.kind,
                    "unit": m.unit,
                    "description": m.description,
                    "params": [
                        {"name": p.name, "default": p.default, "description": p.description}
                        for p in m.params
                    ],
                }
                for m in METRICS.values()
            ],
            "profiles": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "description": p.description,
                    "columns": dict(p.columns),
                    "params": sorted(profile_param_names(p)),
                }
                for p in PROFILES.values()
            ],
        }
        print_json(data)
        return 0
    print("Mått:")
    for m in METRICS.values():
        print(f"\n  {m.name}  [{m.kind}, enhet {m.unit}]\n    {m.description}")
        for p in m.params:
            default = p.default if p.default else "(tomt)"
            print(f"    {p.name}={default}\n        {p.description}")
    print("\nProfiler:")
    for prof in PROFILES.values():
        print(f"\n  {prof.name}  [{prof.kind}]\n    {prof.description}")
        cols = ", ".join(f"{k}={v}" for k, v in prof.columns.items())
        print(f"    kolumner (ändras med col.NAMN=RUBRIK eller mapping=FIL.yaml): {cols}")
        for name, text in prof.params.items():
            print(f"    {name}: {text}")
    return 0

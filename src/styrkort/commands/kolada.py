"""``styrkort kolada fetch WORKSPACE``: fetch the Kolada values the workspace's indicators
compare with, into ``kolada/<KPI>.json`` (the API's own ``values`` format, so the file is
exactly what Kolada answered and the workspace reads it as any saved response).

Needs the network; where there is none, save the files from Kolada by hand. Which values:
for every indicator with ``kolada: {kpi: …}``, its own municipality (the ``municipality``
code, else the host member's code) and every ``compare`` code, for the period's year and
the four years before it.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_BASE = "https://api.kolada.se/v2"
YEARS = 5
MAX_PAGES = 50
TIMEOUT_S = 30.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("kolada", help="jämförelsevärden från Kolada")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    f = verbs.add_parser("fetch", help="hämta indikatorernas Kolada-värden till arbetsytan")
    f.add_argument("workspace", type=Path, metavar="WORKSPACE")
    f.add_argument(
        "--kpi",
        action="append",
        default=[],
        metavar="ID",
        help="bara detta nyckeltal (kan upprepas)",
    )
    f.add_argument(
        "--base-url",
        default=DEFAULT_BASE,
        metavar="URL",
        help=f"Koladas API (standard {DEFAULT_BASE})",
    )
    f.set_defaults(handler=handle_fetch)


def wanted(workspace: Path, only: list[str]) -> tuple[dict[str, set[str]], list[int], list[str]]:
    """``{kpi: municipality codes}``, the years, and problems (Swedish) from the workspace."""
    from styrkort.sources.workspace import load_workspace

    load = load_workspace(workspace)
    ws = load.workspace
    if ws is None:
        return {}, [], ["Arbetsytan kan inte läsas; kör styrkort check och rätta felen."]
    org = ws.organisation
    host = org.member(org.host) if org.host else None
    own = host.code if host is not None else ""
    out: dict[str, set[str]] = {}
    for g in ws.goals:
        for ind in g.indicators:
            spec = ind.kolada
            if spec is None or (only and spec.kpi not in only):
                continue
            codes = out.setdefault(spec.kpi, set())
            if spec.municipality or own:
                codes.add(spec.municipality or own)
            codes.update(code for code, _ in spec.compare)
    years = list(range(ws.period.year - YEARS + 1, ws.period.year + 1))
    return out, years, []


def fetch_values(base: str, kpi: str, codes: set[str], years: list[int]) -> dict[str, Any]:
    """Every page of ``/data/kpi/<kpi>/municipality/<codes>/year/<years>``, as one document."""
    path = (
        f"/data/kpi/{urllib.parse.quote(kpi)}/municipality/"
        f"{','.join(sorted(urllib.parse.quote(c) for c in codes))}/year/{','.join(map(str, years))}"
    )
    url: str | None = base.rstrip("/") + path
    values: list[Any] = []
    for _ in range(MAX_PAGES):
        if not url:
            break
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:
            doc = json.loads(resp.read().decode("utf-8"))
        page = doc.get("values") if isinstance(doc, dict) else None
        if not isinstance(page, list):
            raise ValueError("svaret saknar listan 'values'")
        values.extend(page)
        url = doc.get("next_page") or None
    return {"values": values, "count": len(values)}


def handle_fetch(args: argparse.Namespace) -> int:
    base: str = args.base_url
    if urllib.parse.urlparse(base).scheme not in {"http", "https"}:
        print("styrkort: --base-url ska börja med https:// (eller http://).", file=sys.stderr)
        return 2
    targets, years, problems = wanted(args.workspace, args.kpi)
    for p in problems:
        print(f"styrkort: {p}", file=sys.stderr)
    if problems:
        return 1
    if not targets:
        print("styrkort: ingen indikator anger kolada: {kpi: …}; inget att hämta.")
        return 0
    folder = args.workspace / "kolada"
    folder.mkdir(exist_ok=True)
    failed = 0
    for kpi, codes in sorted(targets.items()):
        if not codes:
            print(f"styrkort: {kpi}: ingen kommunkod att hämta (ange municipality eller compare).")
            continue
        try:
            doc = fetch_values(base, kpi, codes, years)
        except (urllib.error.URLError, OSError, ValueError, json.JSONDecodeError) as exc:
            failed += 1
            reason = getattr(exc, "reason", exc)
            print(
                f"styrkort: {kpi} kunde inte hämtas ({reason}); spara Koladas svar som "
                f"kolada/{kpi}.json för hand om nätet inte når Kolada.",
                file=sys.stderr,
            )
            continue
        path = folder / f"{kpi}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)
        n = sum(len(e.get("values") or []) for e in doc["values"] if isinstance(e, dict))
        print(f"styrkort: {kpi}: {n} värden ({years[0]}–{years[-1]}) sparade i {path}.")
    return 1 if failed else 0

"""``styrkort audit TABELL...``: recompute the totals and relations of published tables.

Exit status 1 when any table has a real error (a break beyond rounding, an
unreadable file, a declaration that names rows that do not exist); 0 when
there are only rounding breaks or nothing at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HELP = "granska en publicerad tabell (CSV/XLSX): summor, avvikelser, varav-rader, avrundning"

DESCRIPTION = """\
Räknar om varje summa och varje relation mellan kolumner i en tabell som den
publicerats (gjord i Excel, Word eller av en annan nämnd) och rapporterar varje
brott: rad, kolumn, tryckt värde, beräknat värde och differens. En differens som
avrundning av de tryckta talen kan förklara är en varning; större differenser är
fel, och då blir slutstatus 1.

Hur tabellen är byggd (vilka rader som är summor av vilka, hur kolumner hänger
ihop) står i rader som börjar med # i tabellen, eller i en fil bredvid den
(drift.csv.yaml eller drift.yaml). Utan deklaration gäller standardreglerna:
rader som börjar med Totalt/Summa summerar raderna sedan föregående summa,
Netto/Resultat summerar delsummorna, varav-rader räknas inte med, och
Avvikelse = Budget - Utfall (eller Utfall - Budget) härleds. Utan deklaration
läses också talen: summor tryckta ovanför sina rader eller utan summaord,
relationer mellan två till fyra kolumner som stämmer på nästan alla rader.
Det härledda skrivs ut som deklarationsrader att kopiera, och när en enda
felskriven cell förklarar flera brott pekas den ut. Se docs/audit.md.

Är argumentet en katalog granskas arbetsytans egen drift- och
investeringsredovisning som de presenteras (avrundade till tkr).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help=HELP,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "tables",
        nargs="+",
        metavar="TABLE",
        help="tabell i CSV- eller XLSX-format, eller en arbetsytas katalog",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='skriv resultatet som JSON: {"ok": …, "findings": […], …}',
    )
    parser.add_argument(
        "--declaration",
        "--deklaration",
        dest="deklaration",
        metavar="FILE",
        type=Path,
        help="deklarationsfil (YAML) i stället för TABLE.yaml bredvid tabellen",
    )
    parser.add_argument(
        "--sheet",
        "--blad",
        dest="blad",
        metavar="NAME",
        help="vilket blad i en XLSX-fil (annars det aktiva)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from styrkort.core.audit import audit
    from styrkort.core.findings import has_errors
    from styrkort.sources.table import read_table

    results: list[tuple[dict[str, Any], list[Any]]] = []
    for name in args.tables:
        path = Path(name)
        if path.is_dir():
            results += _audit_workspace(path)
            continue
        read = read_table(path, sheet=args.blad, declaration_path=args.deklaration, name=name)
        findings = list(read.findings)
        summary: dict[str, Any] = {"table": name, "declaration_files": list(read.declaration_files)}
        if read.table is not None:
            report = audit(read.table, read.declaration)
            findings += report.findings
            summary.update(_summary(read.table, report))
        results.append(_counted(summary, findings))
    every = [f for _, findings in results for f in findings]
    if args.json:
        from styrkort.commands._output import envelope, print_json

        print_json(envelope(every, tables=[summary for summary, _ in results]))
    else:
        try:
            for summary, findings in results:
                for finding in findings:
                    print(finding.format())
                print(_summary_line(summary))
                for line in _structure_lines(summary):
                    print(line)
        except BrokenPipeError:  # `styrkort audit t.csv | head`
            sys.stderr.close()
    return 1 if has_errors(every) else 0


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _counted(summary: dict[str, Any], findings: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """The table's findings top to bottom (as an auditor reads it), and their counts in the summary."""
    ordered = sorted(
        findings,
        key=lambda f: (
            f.source.file != summary["table"],
            f.source.file,
            f.source.line or 0,
            _SEVERITY_ORDER[f.severity.value],
            f.code,
        ),
    )
    summary["errors"] = sum(1 for f in ordered if f.severity.value == "error")
    summary["warnings"] = sum(1 for f in ordered if f.severity.value == "warning")
    return summary, ordered


def audit_workspace(root: Path) -> list[tuple[Any, Any, list[Any]]]:
    """Audit the operating and investment statements of the workspace at ``root`` as presented.

    Runs the pipeline and audits the report model's statement tables as printed
    (rounded to tkr), as ``styrkort.core.audit.audit_statement`` does. Returns (table, report, findings) per statement; when the
    workspace cannot be built, one entry (None, None, findings) says why.
    """
    from styrkort.core.audit import audit, presented_table
    from styrkort.core.findings import Severity, Source, error
    from styrkort.pipeline import AUDITED_KINDS, table_declaration
    from styrkort.pipeline import run as run_pipeline

    result = run_pipeline(root)
    if result.report is None:
        problems = [f for f in result.findings if f.severity is Severity.ERROR]
        problems.append(
            error(
                Source(str(root)),
                "audit.workspace",
                "Arbetsytans rapport kunde inte byggas, så dess tabeller kan inte granskas.",
                f"Rätta felen ovan (styrkort check {root}) och granska igen.",
            )
        )
        return [(None, None, problems)]
    out: list[tuple[Any, Any, list[Any]]] = []
    tables = [t for t in result.report.tables() if t.kind in AUDITED_KINDS]
    for table in tables:
        name = f"{root}[{table.id}]"
        published = presented_table(table, file=name)
        out.append((published, audit(published, table_declaration(table, name)), []))
    if not tables:
        out.append(
            (
                None,
                None,
                [
                    error(
                        Source(str(root)),
                        "audit.workspace",
                        "Arbetsytan har ingen drift- eller investeringsredovisning att granska.",
                        "Ange finance.operating och finance.investments i styrkort.yaml.",
                    )
                ],
            )
        )
    return out


def _audit_workspace(path: Path) -> list[tuple[dict[str, Any], list[Any]]]:
    results: list[tuple[dict[str, Any], list[Any]]] = []
    for table, report, extra in audit_workspace(path):
        found = list(extra) + list(report.findings if report else [])
        summary: dict[str, Any] = {
            "table": table.name if table else str(path),
            "declaration_files": [],
        }
        if table is not None and report is not None:
            summary.update(_summary(table, report))
        results.append(_counted(summary, found))
    return results


def _summary(table: Any, report: Any) -> dict[str, Any]:
    return {
        "unit": report.unit,
        "rows": len(table.rows),
        "columns": list(table.columns),
        "summed_columns": list(report.summed_columns),
        "sums": [
            {
                "row": table.rows[s.total].label,
                "line": table.rows[s.total].source.line,
                "reading": s.reading,
                "parts": [("-" if sign < 0 else "+") + table.rows[p].label for sign, p in s.parts],
            }
            for s in report.sums
        ],
        "relations": [str(r) for r in report.relations],
        "inferred_relations": [
            {"relation": str(r), "holds_on": matches, "rows": evaluated}
            for r, (matches, evaluated) in zip(
                report.inferred_relations, report.relation_support, strict=False
            )
        ],
        "read_as_rows": [table.rows[i].label for i in report.rows_read_as_rows],
        "inferred_declaration": report.inferred_declaration(table),
        "misprints": [
            {
                "row": table.rows[m.cell[0]].label,
                "line": table.rows[m.cell[0]].source.line,
                "column": table.columns[m.cell[1]],
                "printed": m.printed,
                "implied": m.implied,
                "cause": m.cause,
            }
            for m in report.misprints
        ],
        "checked": report.checked_cells,
    }


def _summary_line(summary: dict[str, Any]) -> str:
    name = summary["table"]
    if "checked" not in summary:
        return f"{name}: kunde inte granskas."
    count = len(summary["sums"])
    parts = [f"{count} {'summa' if count == 1 else 'summor'}"]
    relations = summary["relations"] + [
        f"{r['relation']} (härledd)" for r in summary["inferred_relations"]
    ]
    if relations:
        parts.append("relation " + "; ".join(relations))
    verdict = (
        "inga brott"
        if not summary["errors"] and not summary["warnings"]
        else f"{summary['errors']} fel, {summary['warnings']} "
        + ("varning" if summary["warnings"] == 1 else "varningar")
    )
    return f"{name}: {', '.join(parts)}; {summary['checked']} tal kontrollerade: {verdict}."


STRUCTURE_LINES = 40
"""The most lines of inferred structure printed as text (--json has them all)."""


def _structure_lines(summary: dict[str, Any]) -> list[str]:
    """What was inferred, as declaration lines a user can copy into the table's header."""
    lines = summary.get("inferred_declaration") or []
    if not lines:
        return []
    out = ["  Härledd struktur (kopiera till tabellens huvud för att deklarera den):"]
    out += [f"  # {line}" for line in lines[:STRUCTURE_LINES]]
    if len(lines) > STRUCTURE_LINES:
        out.append(f"  … och {len(lines) - STRUCTURE_LINES} rader till (se --json).")
    return out

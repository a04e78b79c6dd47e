"""Operating and investment statement rows computed from a SIE ledger (SPEC §5).

The workspace can name a SIE file instead of (or beside) the category totals
in operating.csv::

    finance:
      ledger:
        file: ledger/huvudbok.se        # SIE 4E/4I, read streaming (sum_sie)
        accounts: ledger/accounts.csv   # account → category (sources/accountmap.py);
                                        # without it the Kommun-Bas default, with an info finding
        ansvar: ["4100"]                # the board's responsibility codes (objects of the ansvar
                                        # dimension); empty or absent = the whole ledger
        ansvar_dimension: 1             # default 1
        project_dimension: 6            # default 6 (SIE's "projekt")
        budget: sie                     # #PBUDGET rows (default), or a CSV: category,budget
        investment_accounts: ["11", "12"]   # account prefixes of investment expenditure
        projects:                       # investment projects: object of the project dimension
          - {object: "9101", name: IT INVEST LEKEBERG, member: lekeberg}

Outcome is the sum of the vouchers' #TRANS rows in the period's months (the
whole year, or the months of an interim period). Budget from #PBUDGET takes,
for a board with ansvar codes, the rows whose object list is exactly
``{ansvar_dimension code}``, and otherwise the whole-account rows ``{}``: rows
for the whole account and rows per object are never added together.

The functions here are pure over a parsed ledger (``LedgerSums``) and an
``AccountMap``; :func:`workspace_finance` is the one call the workspace reader makes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.core.finance import InvestmentRow, OperatingRow, amount_problem
from styrkort.core.findings import Finding, Source, error, has_errors, info, warning
from styrkort.core.numbers import parse_decimal
from styrkort.sources.accountmap import AccountMap, default_kommunbas, read_account_map
from styrkort.sources.sie import LedgerSums, sum_sie
from styrkort.sources.table import read_records

ZERO = Decimal(0)


def months_between(first: dt.date, last: dt.date) -> tuple[str, ...]:
    """The months ``YYYYMM`` from ``first`` to ``last`` inclusive."""
    out: list[str] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Project:
    """An investment project: an object of the project dimension, its name in the report and member."""

    object: str
    name: str
    member: str = ""


@dataclass(frozen=True, slots=True)
class Scope:
    """What part of the ledger a statement covers."""

    months: tuple[str, ...]
    ansvar: tuple[str, ...] = ()
    ansvar_dimension: str = "1"
    project_dimension: str = "6"

    @property
    def dimensions(self) -> tuple[str, str]:
        """The dimensions :func:`sum_sie` must keep for this scope, in this order."""
        return (self.ansvar_dimension, self.project_dimension)


def _in_ansvar(scope: Scope, ansvar_object: str | None) -> bool:
    return not scope.ansvar or ansvar_object in scope.ansvar


def operating_rows(
    ledger: LedgerSums,
    mapping: AccountMap,
    scope: Scope,
    *,
    file: str,
    budget: Mapping[str, Decimal] | None = None,
) -> tuple[tuple[OperatingRow, ...], list[Finding]]:
    """One operating row per category of ``mapping`` (in its order): budget and outcome.

    ``ledger`` must have been summed with ``dimensions=scope.dimensions`` and
    by month. ``budget`` (category → kronor) replaces the ledger's #PBUDGET.
    """
    assert ledger.dimensions == scope.dimensions and ledger.by_period
    months = set(scope.months)
    outcome: dict[str, Decimal] = {}
    used: dict[str, Source] = {}
    for (account, (ansvar_obj, _project), period), amount in ledger.sums.items():
        if period in months and _in_ansvar(scope, ansvar_obj):
            outcome[account] = outcome.get(account, ZERO) + amount
            used.setdefault(account, Source(file, ledger.account_lines.get(account)))
    budget_by_account: dict[str, Decimal] = {}
    if budget is None:
        wanted = (
            {((scope.ansvar_dimension, code),) for code in scope.ansvar} if scope.ansvar else {()}
        )
        for p in ledger.period_balances:
            if p.kind == "PBUDGET" and p.year == 0 and p.period in months and p.objects in wanted:
                budget_by_account[p.account] = budget_by_account.get(p.account, ZERO) + p.amount
                used.setdefault(p.account, Source(file, p.line))
    categories, findings = mapping.categorise(used)
    totals: dict[str, list[Decimal]] = {c: [ZERO, ZERO] for c in mapping.categories}
    for account, amount in outcome.items():
        cat = categories.get(account)
        if cat is not None:
            totals[cat][1] += amount
    for account, amount in budget_by_account.items():
        cat = categories.get(account)
        if cat is not None:
            totals[cat][0] += amount
    if budget is not None:
        for cat, amount in budget.items():
            if cat not in totals:
                findings.append(
                    warning(
                        Source(file),
                        "ledger.budget_category",
                        f"Budgeten har kategorin {cat!r} som kontoplansmappningen inte känner till.",
                        "Använd samma kategorinamn i budgeten som i kontoplansmappningen.",
                    )
                )
                continue
            totals[cat][0] = amount
    rows = tuple(
        OperatingRow(cat, mapping.kind_of(cat), b, o, source=Source(file))
        for cat, (b, o) in totals.items()
    )
    return rows, findings


def investment_rows(
    ledger: LedgerSums,
    projects: Sequence[Project],
    scope: Scope,
    *,
    file: str,
    investment_accounts: Sequence[str] = ("1",),
) -> tuple[tuple[InvestmentRow, ...], list[Finding]]:
    """One investment row per project: #TRANS on investment accounts with the project's object.

    Budget is the #PBUDGET rows of those accounts whose object list is exactly
    ``{project_dimension object}``.
    """
    assert ledger.dimensions == scope.dimensions and ledger.by_period
    months = set(scope.months)
    wanted = {p.object for p in projects}

    def investment(account: str) -> bool:
        return any(account.startswith(prefix) for prefix in investment_accounts)

    outcome: dict[str, Decimal] = {}
    for (account, (ansvar_obj, project_obj), period), amount in ledger.sums.items():
        if (
            project_obj in wanted
            and period in months
            and investment(account)
            and _in_ansvar(scope, ansvar_obj)
        ):
            assert project_obj is not None
            outcome[project_obj] = outcome.get(project_obj, ZERO) + amount
    budget: dict[str, Decimal] = {}
    for pb in ledger.period_balances:
        if (
            pb.kind == "PBUDGET"
            and pb.year == 0
            and pb.period in months
            and investment(pb.account)
            and len(pb.objects) == 1
            and pb.objects[0][0] == scope.project_dimension
            and pb.objects[0][1] in wanted
        ):
            obj = pb.objects[0][1]
            budget[obj] = budget.get(obj, ZERO) + pb.amount
    findings: list[Finding] = []
    declared = ledger.header.objects
    for p in projects:
        if (scope.project_dimension, p.object) not in declared:
            findings.append(
                warning(
                    Source(file),
                    "ledger.project",
                    f"Projektet {p.name!r} (objekt {p.object} i dimension {scope.project_dimension}) "
                    "finns inte i SIE-filen.",
                    "Kontrollera objektkoden under finance: ledger: projects i styrkort.yaml.",
                )
            )
    rows = tuple(
        InvestmentRow(
            p.name,
            budget.get(p.object, ZERO),
            outcome.get(p.object, ZERO),
            p.member,
            Source(file),
        )
        for p in projects
    )
    return rows, findings


# ------------------------------------------------------------------ workspace configuration


@dataclass(frozen=True, slots=True)
class LedgerFinance:
    """What the ledger gives the workspace: operating rows, investment rows (None: keep the CSV)."""

    operating: tuple[OperatingRow, ...] | None
    investments: tuple[InvestmentRow, ...] | None
    findings: list[Finding]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(_text(v) for v in value if _text(v))
    return (_text(value),) if _text(value) else ()


def _read_budget_table(path: Path, rel: str) -> tuple[dict[str, Decimal] | None, list[Finding]]:
    table = read_records(path, name=rel, code="ledger.budget")
    if table.header is None:
        return None, list(table.findings)
    if not table.header:
        return None, [
            error(
                Source(rel, 1),
                "ledger.budget",
                "Budgettabellen är tom.",
                "Skriv category,budget och en rad per kategori.",
            )
        ]
    if "category" not in table.header or "budget" not in table.header:
        return None, [
            error(
                Source(rel, table.header_line),
                "ledger.budget",
                "Budgettabellen saknar kolumnerna category och budget.",
                "Första raden ska vara category,budget.",
            )
        ]
    out: dict[str, Decimal] = {}
    findings: list[Finding] = []
    for record in table.rows:
        line, row = record.line, record.values
        value = parse_decimal(row.get("budget", ""))
        if value is not None and (problem := amount_problem(value)) is not None:
            findings.append(
                error(
                    Source(rel, line),
                    "ledger.budget",
                    f"{row.get('budget', '')!r}: {problem}",
                    "Kontrollera beloppet (i kronor, utan extra siffror) och rätta det.",
                )
            )
            continue
        if value is None:
            findings.append(
                error(
                    Source(rel, line),
                    "ledger.budget",
                    f"{row.get('budget', '')!r} är inget belopp.",
                    "Skriv budgeten i kronor med huvudbokens tecken (kostnader positiva, intäkter negativa).",
                )
            )
            continue
        out[row.get("category", "")] = value
    return (None if findings else out), findings


def workspace_finance(
    root: Path,
    config: Any,
    period_first: dt.date,
    period_last: dt.date,
    progress: Callable[[int, int | None], None] | None = None,
) -> LedgerFinance:
    """Read ``finance: ledger:`` of styrkort.yaml: the SIE file, the mapping and the scope.

    ``config`` is the mapping under ``ledger:``. Never raises on bad content;
    when the ledger cannot be used, the rows are None and the findings say why.
    ``progress`` is handed to :func:`sum_sie` (bytes read, file size), for a progress bar.
    """
    where = Source("styrkort.yaml", getattr(config, "line", None))
    if not isinstance(config, dict):
        return LedgerFinance(
            None,
            None,
            [
                error(
                    where,
                    "ledger.config",
                    "finance: ledger ska vara en mappning med minst file.",
                    "Se docs/sie.md.",
                )
            ],
        )
    rel = _text(config.get("file"))
    if not rel:
        return LedgerFinance(
            None,
            None,
            [
                error(
                    where,
                    "ledger.config",
                    "finance: ledger saknar file (SIE-filen).",
                    "Skriv t.ex. file: ledger/huvudbok.se.",
                )
            ],
        )
    findings: list[Finding] = []
    if _text(config.get("accounts")):
        mapping, found = read_account_map(
            root / _text(config.get("accounts")), name=_text(config.get("accounts"))
        )
    else:
        default, found = default_kommunbas()
        mapping = default
    findings += found
    scope = Scope(
        months=months_between(period_first, period_last),
        ansvar=_texts(config.get("ansvar")),
        ansvar_dimension=_text(config.get("ansvar_dimension")) or "1",
        project_dimension=_text(config.get("project_dimension")) or "6",
    )
    result = sum_sie(root / rel, dimensions=scope.dimensions, name=rel, progress=progress)
    findings += result.findings
    ledger = result.sums
    if ledger is None or mapping is None:
        return LedgerFinance(None, None, findings)
    year0 = ledger.header.year(0)
    if year0 is not None and not (year0.start <= period_first and period_last <= year0.end):
        findings.append(
            error(
                Source(rel),
                "ledger.year",
                f"SIE-filens räkenskapsår ({year0.start.isoformat()}–{year0.end.isoformat()}) täcker inte "
                f"perioden {period_first.isoformat()}–{period_last.isoformat()}.",
                "Exportera SIE-filen för rätt räkenskapsår, eller rätta period i styrkort.yaml.",
            )
        )
        return LedgerFinance(None, None, findings)
    budget_table: dict[str, Decimal] | None = None
    budget_kind = _text(config.get("budget")) or "sie"
    if budget_kind.lower() not in ("sie", "pbudget"):
        budget_table, found = _read_budget_table(root / budget_kind, budget_kind)
        findings += found
        if budget_table is None:
            return LedgerFinance(None, None, findings)
    operating, found = operating_rows(ledger, mapping, scope, file=rel, budget=budget_table)
    findings += found
    investments: tuple[InvestmentRow, ...] | None = None
    project_items = config.get("projects")
    if project_items:
        projects = [
            Project(
                _text(p.get("object")),
                _text(p.get("name")) or _text(p.get("object")),
                _text(p.get("member")),
            )
            for p in project_items
            if isinstance(p, dict) and _text(p.get("object"))
        ]
        prefixes = _texts(config.get("investment_accounts")) or ("1",)
        investments, found = investment_rows(
            ledger, projects, scope, file=rel, investment_accounts=prefixes
        )
        findings += found
    if has_errors(findings):
        return LedgerFinance(None, None, findings)
    findings.append(
        info(
            Source(rel),
            "ledger.used",
            f"Driftredovisningen{' och investeringsredovisningen' if investments is not None else ''} "
            f"räknas fram ur huvudboken {rel} ({ledger.vouchers} verifikationer, "
            f"{len(scope.months)} månader{', ansvar ' + ', '.join(scope.ansvar) if scope.ansvar else ''}).",
            "Inget att göra; siffrorna kommer direkt ur bokföringen.",
        )
    )
    return LedgerFinance(operating, investments, findings)


__all__ = [
    "LedgerFinance",
    "Project",
    "Scope",
    "investment_rows",
    "months_between",
    "operating_rows",
    "workspace_finance",
]

"""The pipeline: read a workspace → compute metrics → assess → check → report model.

What beancount's loader is to beancount: the one place that ties the layers
together. Pure apart from reading the workspace and the metric source files.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from styrkort.core.assessed import Assessed, ComputedOutcome, assess_workspace
from styrkort.core.audit import (
    Declaration,
    audit,
    is_varav_label,
    parse_declaration,
    presented_table,
)
from styrkort.core.checks import run_checks
from styrkort.core.findings import Finding, Source, error, has_errors, sort_findings
from styrkort.core.goals import Indicator, MetricSpec
from styrkort.core.history import PastAmount, PastOutcome, merge_history
from styrkort.core.model import Period, Workspace
from styrkort.report.build import build_report, finding_views
from styrkort.report.model import Report, Table
from styrkort.sources.workspace import LoadResult, load_workspace


@dataclass
class PipelineResult:
    root: Path
    load: LoadResult
    assessed: Assessed | None = None
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def workspace(self) -> Workspace | None:
        return self.load.workspace

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def _metric_period(spec: MetricSpec, period: Period) -> tuple[dt.date, dt.date] | None:
    """The dates a metric counts: its own ``period`` (as the CLI's ``--period`` reads it),
    the workspace's period when none is written, None for ``all``. ValueError (Swedish)
    when the text is no period."""
    from styrkort.metrics._common import parse_period

    text = spec.period.strip()
    if not text:
        return period.first_day, period.last_day
    if text in {"all", "alla"}:
        return None
    return parse_period(text)


def _outcome_text(value: Decimal, unit: str) -> str:
    """The computed outcome as the goal table shows it, rounded half up as the report rounds."""
    if unit == "%":
        shown = (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{shown} %".replace(".", ",")
    places = {"h": Decimal("0.01"), "index": Decimal("0.01"), "s": Decimal("0.1")}.get(unit)
    shown = value.quantize(places, rounding=ROUND_HALF_UP) if places else value
    text = format(shown, "f").replace(".", ",")
    return f"{text} {unit}" if unit and unit != "index" else text


def _metric_paths(
    spec: MetricSpec, root: Path, allow_outside: bool
) -> tuple[Path | None, list[Finding]]:
    """The data file (and a ``mapping`` parameter) of a metric, confined to the workspace."""
    from styrkort.core.limits import MAX_LOG_BYTES
    from styrkort.sources import confine

    try:
        path = confine.resolve(
            root,
            spec.file,
            spec.source,
            limit=MAX_LOG_BYTES,
            allow_outside=allow_outside,
            must_exist=False,
        )
        mapping = dict(spec.params).get("mapping")
        if mapping:
            # a relative mapping is read beside the data file (sources/logs.expand_mapping)
            base = Path(spec.file).parent
            rel = mapping if Path(mapping).is_absolute() else str(base / mapping)
            confine.resolve(root, rel, spec.source, allow_outside=allow_outside)
    except confine.Refused as exc:
        return None, [exc.finding]
    return path, []


def compute_metrics(
    ws: Workspace, root: Path, *, allow_outside: bool = False
) -> tuple[dict[str, ComputedOutcome], list[Finding]]:
    """Outcomes of the indicators that name a metric, computed from their source files.

    All requests go to the metrics layer at once, so a log that several
    indicators read is scanned once. Source files must lie in the workspace
    (sources/confine.py) unless ``allow_outside``.
    """
    out: dict[str, ComputedOutcome] = {}
    findings: list[Finding] = []
    wanted: list[tuple[Indicator, MetricSpec, Path, tuple[dt.date, dt.date] | None]] = []
    for goal in ws.goals:
        for ind in goal.indicators:
            spec = ind.metric
            if spec is None:
                continue
            checked, refused = _metric_paths(spec, root, allow_outside)
            if checked is None:
                findings.extend(refused)
                continue
            path = checked
            if not path.exists():
                findings.append(
                    error(
                        spec.source,
                        "metric.missing_file",
                        f"Datakällan '{spec.file}' för '{ind.text}' finns inte.",
                        "Rätta sökvägen (relativ till arbetsytan) eller lägg filen på plats.",
                    )
                )
                continue
            try:
                dates = _metric_period(spec, ws.period)
            except ValueError as exc:
                findings.append(
                    error(
                        spec.source,
                        "metric.bad_period",
                        f"'{ind.text}': {exc}",
                        "Skriv period: 2020, 2020-03 eller 2020-01..2020-08, eller all för hela "
                        "filen; utan period räknas arbetsytans period.",
                    )
                )
                continue
            wanted.append((ind, spec, path, dates))
    if not wanted:
        return out, findings
    # The metrics layer (DuckDB, the log profiles) is imported only when a metric runs: a
    # workspace without computed indicators does not pay its start-up.
    from styrkort.metrics import MetricRequest, compute_many

    requests = [
        MetricRequest(spec.name, path, spec.profile, dict(spec.params), dates)
        for _, spec, path, dates in wanted
    ]
    for (ind, spec, path, _dates), result in zip(wanted, compute_many(requests), strict=True):
        for f in result.findings:
            # Findings about the data file keep its name (relative to the workspace);
            # the rest point at the indicator's metric in the goal tree.
            if not f.source.file:
                f = f._replace(source=spec.source)
            elif f.source.file == path.name:
                f = f._replace(source=f.source._replace(file=spec.file))
            elif Path(f.source.file).resolve().is_relative_to(root.resolve()):
                rel = Path(f.source.file).resolve().relative_to(root.resolve())
                f = f._replace(source=f.source._replace(file=str(rel)))
            findings.append(f)
        if result.value is None:
            findings.append(
                error(
                    spec.source,
                    "metric.no_value",
                    f"Beräkningen '{spec.name}' för '{ind.text}' gav inget värde.",
                    "Se övriga fynd för beräkningen och kontrollera parametrar och datakälla.",
                )
            )
            continue
        if ind.outcome.strip():
            findings.append(
                error(
                    ind.where("outcome"),
                    "metric.outcome_written",
                    f"'{ind.text}' har både ett skrivet utfall och en beräkning; beräkningen används.",
                    "Ta bort det skrivna utfallet.",
                )
            )
        out[ind.id] = ComputedOutcome(
            _outcome_text(Decimal(result.value), result.unit), result.definition
        )
    return out, findings


MAX_HISTORY_DEPTH = 10


def _earlier_dates(period: Period, year: int) -> tuple[dt.date, dt.date]:
    """The same span of an earlier year (an interim period's months, or the whole year)."""
    first, last = period.first_day, period.last_day

    def moved(d: dt.date) -> dt.date:
        try:
            return d.replace(year=d.year - (period.year - year))
        except ValueError:  # 29 February
            return d.replace(year=d.year - (period.year - year), day=28)

    return moved(first), moved(last)


def resolve_history(ws: Workspace, root: Path, depth: int = 0) -> tuple[Workspace, list[Finding]]:
    """The workspace with its history completed: earlier periods' workspaces (inside this
    one) and computed indicators' earlier data files give earlier outcomes; a value typed in
    the indicator's own ``history`` wins over both (core.history.merge_history)."""
    findings: list[Finding] = []
    from_workspaces: dict[str, list[PastOutcome]] = {}
    operating = list(ws.history.operating)
    investments = list(ws.history.investments)
    typed_op = {(p.key, p.year) for p in operating}
    typed_inv = {(p.key, p.year) for p in investments}
    for rel in ws.history.workspaces:
        if depth >= MAX_HISTORY_DEPTH:
            break
        earlier = run(root / rel, report=False, depth=depth + 1)
        ews, assessed = earlier.workspace, earlier.assessed
        if ews is None or assessed is None:
            findings.append(
                error(
                    ws.history.source,
                    "history.workspace",
                    f"Den tidigare arbetsytan '{rel}' kunde inte läsas, så dess utfall saknas i "
                    "historiken.",
                    f"Kör styrkort check {rel} och rätta felen där.",
                )
            )
            continue
        if ews.period.year >= ws.period.year:
            findings.append(
                error(
                    ws.history.source,
                    "history.workspace",
                    f"Den tidigare arbetsytan '{rel}' avser {ews.period.year}, inte ett år före "
                    f"{ws.period.year}.",
                    "Ange arbetsytor för tidigare perioder i history.workspaces.",
                )
            )
            continue
        year = ews.period.year
        shown = assessed.outcome_texts()
        for r in assessed.indicator_results():
            ind = r.indicator
            past = [*ind.history, PastOutcome(year, shown[ind.id], ind.where("outcome"), rel)]
            from_workspaces.setdefault(ind.id, []).extend(past)
        for row in ews.operating:
            if (row.category, year) not in typed_op:
                operating.append(PastAmount(row.category, year, row.outcome, row.source))
        for inv in ews.investments:
            if (inv.project, year) not in typed_inv:
                investments.append(PastAmount(inv.project, year, inv.outcome, inv.source))
        for p in ews.history.operating:
            if (p.key, p.year) not in typed_op:
                operating.append(p)
    # computed indicators: the same metric over each earlier year's data file
    wanted: list[tuple[Indicator, MetricSpec, int, str]] = []
    for goal in ws.goals:
        for ind in goal.indicators:
            spec = ind.metric
            known = {p.year for p in ind.history}  # typed, or computed at import and stored
            for year, file in spec.history if spec is not None else ():
                if year in known:
                    continue
                if not (root / file).is_file():
                    findings.append(
                        error(
                            spec.source,  # type: ignore[union-attr]
                            "metric.missing_file",
                            f"Datakällan '{file}' för '{ind.text}' {year} finns inte.",
                            "Rätta sökvägen under metric.history eller lägg filen på plats.",
                        )
                    )
                    continue
                wanted.append((ind, spec, year, file))  # type: ignore[arg-type]
    computed: dict[str, list[PastOutcome]] = {}
    if wanted:
        from styrkort.metrics import MetricRequest, compute_many  # only when a metric has history

        requests = [
            MetricRequest(
                spec.name,
                root / file,
                spec.profile,
                dict(spec.params),
                _earlier_dates(ws.period, year),
            )
            for _, spec, year, file in wanted
        ]
        for (ind, spec, year, file), result in zip(wanted, compute_many(requests), strict=True):
            if result.value is None:
                findings.append(
                    error(
                        spec.source,
                        "metric.no_value",
                        f"Beräkningen '{spec.name}' för '{ind.text}' gav inget värde för {year} "
                        f"({file}).",
                        "Kontrollera datakällan för det året.",
                    )
                )
                continue
            text = _outcome_text(Decimal(result.value), result.unit)
            computed.setdefault(ind.id, []).append(PastOutcome(year, text, spec.source, "metric"))
    if not from_workspaces and not computed and len(operating) == len(ws.history.operating):
        return ws, findings

    def completed(ind: Indicator) -> Indicator:
        merged = merge_history(
            from_workspaces.get(ind.id, ()), computed.get(ind.id, ()), ind.history
        )
        return replace(ind, history=merged) if merged != ind.history else ind

    goals = tuple(
        replace(g, indicators=tuple(completed(i) for i in g.indicators)) for g in ws.goals
    )
    history = replace(ws.history, operating=tuple(operating), investments=tuple(investments))
    return replace(ws, goals=goals, history=history), findings


class _Steps:
    """Seconds per step of one run, into ``timings`` (step name in Swedish → seconds) when given:
    a build of many boards names its slowest step (commands/_municipality.py)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.at = time.perf_counter()

    def done(self, step: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[step] = self.timings.get(step, 0.0) + now - self.at
            self.at = now


def run(
    root: Path | str,
    *,
    report: bool = True,
    depth: int = 0,
    allow_outside: bool = False,
    timings: dict[str, float] | None = None,
) -> PipelineResult:
    """Read, compute, assess, check and build the report model of the workspace at ``root``.

    Files outside ``root`` are refused (findings) unless ``allow_outside``. ``timings``
    collects the seconds each step took.
    """
    root = Path(root)
    steps = _Steps(timings)
    load = load_workspace(root, allow_outside=allow_outside)
    steps.done("läsa arbetsytan")
    if load.workspace is None or not load.ok:
        return PipelineResult(root, load, findings=sort_findings(load.findings))
    return run_workspace(
        load.workspace,
        root,
        load.findings,
        load,
        report=report,
        depth=depth,
        allow_outside=allow_outside,
        timings=timings,
    )


def run_workspace(
    ws: Workspace,
    root: Path | None = None,
    read_findings: list[Finding] | None = None,
    load: LoadResult | None = None,
    *,
    report: bool = True,
    depth: int = 0,
    allow_outside: bool = False,
    timings: dict[str, float] | None = None,
) -> PipelineResult:
    """The same pipeline for a workspace that is already a value (the web app builds it from the database).

    ``root`` is where metric source files are looked up; without it, indicators
    that name a metric get a finding instead of a value.
    """
    base = root or Path(".")
    steps = _Steps(timings)
    load = load or LoadResult(ws, list(read_findings or []), root)
    history_findings: list[Finding] = []
    if root is not None:
        ws, history_findings = resolve_history(ws, root, depth)
        steps.done("historik")
    computed, metric_findings = (
        compute_metrics(ws, base, allow_outside=allow_outside) if root is not None else ({}, [])
    )
    steps.done("beräkna indikatorer")
    assessed = assess_workspace(ws, computed)
    checked = run_checks(assessed)
    steps.done("bedöma och kontrollera")
    pre = [*(read_findings or []), *history_findings, *metric_findings, *checked]
    if not report:
        # Screens that show only assessments: no report model, no audit of printed tables.
        return PipelineResult(base, load, assessed, None, sort_findings(pre))
    built, report_findings = build_report(assessed, pre)
    audited = audit_presented_tables(built)
    steps.done("bygga rapporten")
    findings = sort_findings([*pre, *report_findings, *audited])
    if audited:
        built = replace(built, findings=tuple(finding_views(findings)))
    return PipelineResult(base, load, assessed, built, findings)


MUNICIPALITY_KINDS = (
    "municipality_operating",
    "municipality_carried",
    "municipality_investments",
    "level_counts",
    "joint_split",
)
"""The municipality's tables (report/municipality.py): audited with the relations they declare
(``Table.relations``, stated once in core/municipality.py) and nothing inferred; a "varav" row
is part of the row above it, never summed."""

AUDITED_KINDS = ("operating", "investments", "result", *MUNICIPALITY_KINDS)
"""The kinds of report table the pipeline audits as printed (report.model.Table.kind)."""


def audit_presented_tables(report: Report, kinds: Collection[str] = AUDITED_KINDS) -> list[Finding]:
    """Audit the statements as printed (in tkr), like any published table.

    Totals computed from exact amounts can still show a visible rounding break
    in the printed table; the table audit reports it with the rows involved. A table's
    own relations (``Table.relations``) are checked on its printed figures.
    """
    findings: list[Finding] = []
    for table in report.tables():
        if table.kind not in kinds:
            continue
        name = f"rapport[{table.id}]"
        sources = [row.source for row in table.rows]  # each row says where it comes from
        printed = presented_table(table, file=name, row_sources=sources)
        declaration = table_declaration(table, name)
        if table.kind in MUNICIPALITY_KINDS:
            rows = tuple(
                replace(r, kind="varav") if is_varav_label(r.label) else r for r in printed.rows
            )
            printed = replace(printed, rows=rows)
            if not table.relations:
                declaration = Declaration(no_relations=True)
        findings.extend(audit(printed, declaration).findings)
    return findings


def table_declaration(table: Table, name: str) -> Declaration:
    """A report table's own relations (the result transfer's) as the table audit reads a
    declaration (``relation: A = B + C``); the empty declaration when it states none."""
    declaration, _ = parse_declaration((Source(name, 1), f"relation: {r}") for r in table.relations)
    return declaration


def located(finding: Finding, root: Path) -> Finding:
    """The finding with its file given relative to the current folder (for printing)."""
    file = finding.source.file
    if not file or file.startswith(("web:", "/")) or Path(file).is_absolute():
        return finding
    return finding._replace(source=Source(str(root / file), finding.source.line))

"""The municipality's pipeline (issue 14): every board through the ordinary pipeline, then the
municipality's figures, checks and one report model.

What ``pipeline.py`` is to a board, this is to a municipality: it ties the reader
(``sources/municipality.py``), the boards' pipelines, the core aggregation
(``core/municipality.py``) and the report model (``report/municipality.py``)
together. The web calls :func:`build_municipality` with the boards' periods from the
database; the CLI calls :func:`load_municipality` on a folder first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from styrkort.core.assessed import Assessed
from styrkort.core.finance import BoardResult
from styrkort.core.findings import Finding, Source, error, has_errors, sort_findings
from styrkort.core.municipality import (
    BoardRef,
    CouncilGoalResult,
    MunicipalityAssessed,
    MunicipalityConfig,
    assess_municipality,
)
from styrkort.pipeline import MUNICIPALITY_KINDS, PipelineResult, audit_presented_tables, run
from styrkort.report.build import finding_views
from styrkort.report.model import Report
from styrkort.report.municipality import municipality_report
from styrkort.sources.municipality import board_folder, is_municipality, read_municipality

__all__ = [
    "BoardStep",
    "MunicipalityLoad",
    "MunicipalityResult",
    "build_municipality",
    "is_municipality",
    "load_municipality",
]


@dataclass(frozen=True, slots=True)
class BoardStep:
    """Progress of a load: board ``index`` of ``total`` is done, with its steps' seconds."""

    index: int
    total: int
    board: BoardRef
    timings: dict[str, float]
    seconds: float


@dataclass
class MunicipalityLoad:
    root: Path
    config: MunicipalityConfig | None
    boards: list[tuple[BoardRef, PipelineResult]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Reading the municipality's own file and finding the boards' folders."""

    @property
    def ok(self) -> bool:
        return self.config is not None and not has_errors(self.findings)


def _run_board(folder: str, allow_outside: bool) -> tuple[PipelineResult, dict[str, float], float]:
    """One board through the pipeline, with its steps' seconds (in a worker process, or here)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    result = run(Path(folder), allow_outside=allow_outside, timings=timings)
    return result, timings, time.perf_counter() - started


def load_municipality(
    root: Path | str,
    *,
    allow_outside: bool = False,
    progress: Callable[[BoardStep], None] | None = None,
    workers: int = 1,
) -> MunicipalityLoad:
    """The municipality's configuration and every board folder through ``pipeline.run``.

    With ``workers`` > 1 the boards are run in that many processes (a board's pipeline is
    independent of the others'); the results come back in the configuration's order.
    """
    root = Path(root)
    config, findings = read_municipality(root)
    load = MunicipalityLoad(root, config, findings=list(findings))
    if config is None:
        return load
    todo: list[tuple[BoardRef, Path]] = []
    for ref in config.boards:
        folder, problems = board_folder(root, ref, allow_outside=allow_outside)
        load.findings += problems
        if folder is not None:
            todo.append((ref, folder))
    total = len(config.boards)
    done: dict[str, PipelineResult] = {}

    def finished(
        n: int, ref: BoardRef, got: tuple[PipelineResult, dict[str, float], float]
    ) -> None:
        result, timings, seconds = got
        done[ref.id] = result
        if progress is not None:
            progress(BoardStep(n, total, ref, timings, seconds))

    if workers > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed
        from concurrent.futures.process import BrokenProcessPool

        # Not fork: the caller may hold threads (DuckDB's pool, a web server's, a test
        # runner's), and a forked copy of a threaded process can crash (it did, in the GC
        # while pickling a result). The fork server starts clean and forks from there.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        try:
            with ProcessPoolExecutor(
                max_workers=min(workers, len(todo)), mp_context=context
            ) as pool:
                futures = {
                    pool.submit(_run_board, str(folder), allow_outside): ref for ref, folder in todo
                }
                for future in as_completed(futures):
                    finished(len(done) + 1, futures[future], future.result())
        except BrokenProcessPool:
            pass  # a worker died (killed, out of memory): the boards it left run here
    for ref, folder in todo:
        if ref.id not in done:
            finished(len(done) + 1, ref, _run_board(str(folder), allow_outside))
    load.boards = [(ref, done[ref.id]) for ref, _ in todo]
    return load


@dataclass(frozen=True, slots=True)
class MunicipalityResult:
    """The municipality's report model (None when a board could not be built), its findings,
    every board's row and the council goals' verdicts."""

    report: Report | None
    findings: list[Finding]
    board_rows: tuple[tuple[BoardRef, BoardResult], ...] = ()
    council_goals: tuple[CouncilGoalResult, ...] = ()
    assessed: MunicipalityAssessed | None = None

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def board_findings(ref: BoardRef, findings: Sequence[Finding]) -> list[Finding]:
    """A board's findings located in the municipality: files under the board's folder."""
    out = []
    for f in findings:
        file = f.source.file
        if file and ref.workspace and not file.startswith(("web:", "/", "rapport[")):
            f = f._replace(source=Source(str(Path(ref.workspace) / file), f.source.line))
        elif file.startswith("rapport["):
            f = f._replace(source=Source(f"{ref.workspace or ref.id}:{file}", f.source.line))
        out.append(f)
    return out


def build_municipality(
    config: MunicipalityConfig,
    boards: Sequence[tuple[BoardRef, PipelineResult]],
    root: Path | None = None,
) -> MunicipalityResult:
    """The municipality's report from its boards' pipeline results.

    A board whose workspace could not be read or built stops the report (never half a
    municipality): the findings say which and why. ``root`` is the municipality's folder
    (None from the database); board findings are located under each board's folder.
    """
    findings: list[Finding] = []
    ready: list[tuple[BoardRef, Assessed, BoardResult | None]] = []
    reports: list[tuple[BoardRef, Report]] = []
    for ref, result in boards:
        findings += board_findings(ref, result.findings)
        if result.assessed is None or result.report is None:
            findings.append(
                error(
                    ref.where("workspace"),
                    "municipality.board_workspace",
                    f"{ref.name}s arbetsyta kunde inte läsas, så kommunens rapport byggs inte.",
                    f"Rätta felen i {ref.workspace or ref.name} (se fynden ovan) och bygg igen.",
                )
            )
            continue
        ready.append((ref, result.assessed, result.assessed.board_result))
        reports.append((ref, result.report))
    given = {ref.id for ref, _ in boards}
    for ref in config.boards:
        if ref.id not in given:
            findings.append(
                error(
                    ref.where("workspace"),
                    "municipality.board_workspace",
                    f"{ref.name} saknas bland nämnderna som byggdes, så kommunens rapport byggs "
                    "inte.",
                    f"Ge {ref.name} en arbetsyta (workspace) eller koppla nämndens period.",
                )
            )
    if len(given) < len(config.boards) or len(ready) < len(boards):
        return MunicipalityResult(None, sort_findings(findings))
    m = assess_municipality(config, ready)
    findings += m.findings
    report = municipality_report(m, reports, sort_findings(findings))
    audited = audit_presented_tables(report, kinds=MUNICIPALITY_KINDS)
    findings = sort_findings([*findings, *audited])
    if audited:
        report = replace(report, findings=tuple(finding_views(findings)))
    return MunicipalityResult(report, findings, m.board_rows, m.council_goals, m)

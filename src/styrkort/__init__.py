"""Styrkort: assessed, checked, publication-ready follow-up reports for Swedish municipal boards.

The public Python API (docs/api.md, whose examples run as tests)::

    import styrkort

    result = styrkort.run("examples/sydnarke-it-2020")   # read, assess, check, build
    styrkort.render_report(result.report, "html", "build")  # one of styrkort.FORMATS

Everything named in ``__all__`` is kept stable; the modules below it are not.
Each function imports what it needs when called, so ``import styrkort`` is cheap. No
name here is also a subpackage's (``styrkort.render`` is the renderers' package, so the
function is ``render_report``): importing the subpackage would replace the function.
Readers never raise on bad input: they return values plus findings.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

__version__ = "0.1.0"

if TYPE_CHECKING:
    import datetime as dt

    from styrkort.core.audit import AuditReport, PublishedTable
    from styrkort.core.findings import Finding
    from styrkort.core.model import Workspace
    from styrkort.metrics import MetricResult
    from styrkort.pipeline import PipelineResult
    from styrkort.report.model import Report
    from styrkort.sources.sie import SieResult, SumsResult
    from styrkort.sources.workspace import LoadResult

__all__ = [
    "FORMATS",
    "Finding",
    "PipelineResult",
    "Report",
    "Severity",
    "Source",
    "TableAudit",
    "Workspace",
    "__version__",
    "audit_table",
    "compute_metric",
    "load_workspace",
    "read_sie",
    "render_report",
    "run",
    "run_workspace",
    "sum_sie",
]

FORMATS = ("html", "pdf", "docx", "xlsx")
"""The output formats :func:`render_report` writes (PDF needs WeasyPrint, Word python-docx)."""

# Types re-exported lazily: name -> module.
_TYPES = {
    "Finding": "styrkort.core.findings",
    "Severity": "styrkort.core.findings",
    "Source": "styrkort.core.findings",
    "Workspace": "styrkort.core.model",
    "Report": "styrkort.report.model",
    "PipelineResult": "styrkort.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _TYPES:
        return getattr(importlib.import_module(_TYPES[name]), name)
    raise AttributeError(f"module 'styrkort' has no attribute {name!r}")


def load_workspace(root: str | Path) -> LoadResult:
    """Read the workspace folder ``root`` (docs/workspace.md): ``.workspace`` and ``.findings``."""
    from styrkort.sources.workspace import load_workspace as load

    return load(root)


def run(root: str | Path) -> PipelineResult:
    """Read, compute metrics, assess, check and build the report model of the folder ``root``.

    ``.report`` is None when the workspace could not be read; ``.findings`` says why.
    """
    from styrkort.pipeline import run as pipeline_run

    return pipeline_run(root)


def run_workspace(ws: Workspace, root: str | Path | None = None) -> PipelineResult:
    """The pipeline for a workspace that is already a value (``root``: where metric files are)."""
    from styrkort.pipeline import run_workspace as pipeline_run_workspace

    return pipeline_run_workspace(ws, Path(root) if root is not None else None)


def render_report(
    report: Report, fmt: str, out_dir: str | Path, *, template: str | Path | None = None
) -> Path:
    """Write ``report`` as ``fmt`` (one of :data:`FORMATS`) into ``out_dir``; returns the file.

    ``template`` is a municipality's Word template (only for ``docx``).
    """
    from styrkort.render import FORMATS as modules

    if fmt not in modules:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"styrkort.render.{modules[fmt][0]}")
    if template is not None:
        if fmt != "docx":
            raise ValueError("a template is only for docx")
        return Path(module.write(report, Path(out_dir), template=Path(template)))
    return Path(module.write(report, Path(out_dir)))


def read_sie(path: str | Path) -> SieResult:
    """Read a SIE 1–4 file with every voucher (docs/sie.md): ``.ledger`` and ``.findings``."""
    from styrkort.sources.sie import read_sie as read

    return read(Path(path))


def sum_sie(path: str | Path, dimensions: Sequence[str] = ()) -> SumsResult:
    """Stream a SIE file into sums per account × dimensions × month (docs/sie.md)."""
    from styrkort.sources.sie import sum_sie as sums

    return sums(Path(path), dimensions=tuple(dimensions))


def compute_metric(
    metric: str,
    path: str | Path,
    *,
    profile: str,
    params: Mapping[str, str] | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> MetricResult:
    """Compute a named indicator (docs/metrics.md) over a data file read with ``profile``."""
    from styrkort.metrics import compute

    return compute(metric, Path(path), profile=profile, params=params, period=period)


class TableAudit(NamedTuple):
    """What :func:`audit_table` found: the table as read (None when unreadable), the audit
    (None when there was no table) and every finding, reading and audit alike."""

    table: PublishedTable | None
    report: AuditReport | None
    findings: list[Finding]


def audit_table(
    path: str | Path, *, sheet: str | None = None, declaration: str | Path | None = None
) -> TableAudit:
    """Audit a published table (CSV or XLSX, docs/audit.md): recompute its sums and relations."""
    from styrkort.core.audit import audit
    from styrkort.sources.table import read_table

    read = read_table(
        Path(path),
        sheet=sheet,
        declaration_path=Path(declaration) if declaration is not None else None,
    )
    if read.table is None:
        return TableAudit(None, None, list(read.findings))
    report = audit(read.table, read.declaration)
    return TableAudit(read.table, report, [*read.findings, *report.findings])

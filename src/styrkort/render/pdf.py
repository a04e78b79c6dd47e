"""Report model → tagged PDF (PDF/UA-1) with WeasyPrint.

The PDF is the HTML rendering with the print stylesheet (``templates/print.css``):
a cover, a table of contents whose page numbers come from CSS
``target-counter``, a running header (organisation, report) and footer
("Sida X av Y"), table header rows repeated on every page and rows never split.
Headings become the PDF's bookmarks; ``<html lang="sv">``, ``<title>`` and
``<meta name="author">`` become the document language, title and author.

The findings appendix (Kontrollresultat) is for the people preparing the
report and is never part of the published PDF.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from styrkort.render.html import render_html
from styrkort.report.model import Report

PDF_VARIANT = "pdf/ua-1"
FILENAME = "rapport.pdf"


def print_html(report: Report) -> str:
    """The HTML that is laid out as the PDF (print stylesheet, no findings)."""
    return render_html(report, show_findings=False, for_print=True)


def html_to_pdf(html: str) -> bytes:
    """Lay out print HTML as a PDF/UA-1 document (WeasyPrint)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(Path.cwd()))
    data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False)
    assert data is not None
    return bytes(data)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    return html_to_pdf(print_html(report))


def write(report: Report, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_bytes(render_pdf(report))
    return path


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by kill -9."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before prctl: nobody will ever send the HTML
        os._exit(1)


def _lay_out_in_child(
    html_in: Connection,
    done: Connection,
    path: str,
    parent: int,
    parent_ends: tuple[Connection, ...],
) -> None:
    _die_with_parent(parent)
    for end in parent_ends:
        # the forked child holds copies of the parent's ends; closed, a parent that dies
        # before sending is seen as end-of-file instead of a wait forever
        end.close()
    try:
        import weasyprint  # noqa: F401  (imported while the parent draws the charts)

        html = html_in.recv()
        Path(path).write_bytes(html_to_pdf(html))
        done.send((True, ""))
    except BaseException as exc:  # reported to the parent, which raises it
        done.send((False, f"{type(exc).__name__}: {exc}"))


def start(report: Report, out_dir: Path) -> Callable[[], Path]:
    """Begin writing the PDF beside other work; call the returned function to wait for the path.

    Most of a build's time is WeasyPrint (import and layout) and matplotlib
    (import and charts). On Linux a forked process imports WeasyPrint while
    this one draws the charts and builds the HTML, then lays the PDF out while
    this one writes the other formats: on two cores the build takes about the
    time of the PDF alone. Elsewhere (no fork) the PDF is written right here.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    if not sys.platform.startswith("linux"):
        write(report, out_dir)
        return lambda: path
    ctx = multiprocessing.get_context("fork")
    html_out, html_in = ctx.Pipe()
    done_out, done_in = ctx.Pipe()
    child = ctx.Process(
        target=_lay_out_in_child,
        args=(html_out, done_in, str(path), os.getpid(), (html_in, done_out)),
        daemon=True,
    )
    # the child must never garbage-collect what it inherits: in a process where other
    # libraries run threads (DuckDB, arrow), finalising their objects in the child can
    # crash it. Frozen objects are left alone by the child's collector.
    gc.freeze()
    try:
        child.start()
    finally:
        gc.unfreeze()
    done_in.close()  # the child holds its own end: a crash is seen as end-of-file
    html_out.close()
    try:
        html_in.send(print_html(report))
    except BaseException:
        child.kill()
        raise

    def wait() -> Path:
        try:
            ok, message = done_out.recv()
        except EOFError:
            # the child died without a word (a crash, not an error in the report): lay the
            # PDF out here instead, so a build never fails for the parallelism's sake
            child.join()
            write(report, out_dir)
            return path
        child.join()
        if not ok:
            raise RuntimeError(f"PDF:en kunde inte skrivas: {message}")
        return path

    return wait

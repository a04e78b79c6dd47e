"""Fixtures for the publication outputs: the example is built once per session, in every format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from styrkort.report.model import Report

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.fixture(scope="session")
def report() -> Report:
    from styrkort.pipeline import run

    result = run(EXAMPLE)
    assert result.report is not None
    return result.report


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``styrkort build`` of the example in all four formats (the default), once per session."""
    from styrkort.cli import main

    out = tmp_path_factory.mktemp("built")
    assert main(["build", str(EXAMPLE), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def pdf_path(built: Path) -> Path:
    return built / "rapport.pdf"


@pytest.fixture(scope="session")
def pdf_pages_text(pdf_path: Path) -> list[str]:
    """The text of each page as pypdf extracts it (keeps U+00A0 and U+2212)."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf_path).pages]


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not installed; scripts/setup.sh --test installs it")
    return path


@pytest.fixture(scope="session")
def pdf_layout_pages(pdf_path: Path) -> list[str]:
    """The text of each page as poppler's pdftotext lays it out (what a reader sees, line by line)."""
    tool = need_tool("pdftotext")
    text = subprocess.run(
        [tool, "-layout", "-enc", "UTF-8", str(pdf_path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.fixture(scope="session")
def pdf_images(pdf_path: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The first three pages rendered to PNG with pdftoppm (as a reader sees them)."""
    tool = need_tool("pdftoppm")
    out = tmp_path_factory.mktemp("pages")
    subprocess.run(
        [tool, "-r", "60", "-png", "-f", "1", "-l", "3", str(pdf_path), str(out / "page")],
        check=True,
    )
    return sorted(out.glob("page-*.png"))

"""Shared test helpers: golden files and the shared real data folder."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (*.expected.json) from the current output instead of comparing",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare data with a golden JSON file; only --update-golden rewrites it."""
    update = request.config.getoption("--update-golden")

    def check(path: Path, data: Any) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(
                f"golden file {path} is missing; create it with pytest --update-golden and review it"
            )
        expected = path.read_text(encoding="utf-8")
        if expected != text:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    str(path),
                    "actual",
                    n=2,
                )
            )
            pytest.fail(
                f"output differs from golden file {path} (rerun with --update-golden if intended):\n{diff[:6000]}"
            )

    return check


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data folder {SHARED_DATA} is absent (it lies beside the checkout as ../shared/data)"
        )
    return SHARED_DATA

"""Django for the web tests only: other test folders must not need Django.

The database is STYRKORT_DATABASE_URL (SQLite in memory for the test database by
default; scripts/test.sh runs these tests again on PostgreSQL).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.web.settings")
os.environ.setdefault("STYRKORT_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("STYRKORT_LOCAL_HTTP", "1")
if not os.environ.get("STYRKORT_DATABASE_URL"):
    os.environ.setdefault(
        "STYRKORT_DATA_DIR", str(Path(tempfile.gettempdir()) / "styrkort-test-data")
    )

import django

django.setup()

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


@pytest.fixture
def example_period(db):  # type: ignore[no-untyped-def]
    """The Sydnärke 2020 example imported into the test database."""
    from styrkort.sources.workspace import load_workspace
    from styrkort.web.services import import_workspace

    load = load_workspace(EXAMPLE)
    assert load.workspace is not None
    return import_workspace(load.workspace)

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


ROLES = ("admin", "controller", "owner", "other_owner", "reader", "auditor", "outsider")


@pytest.fixture
def users(example_period):  # type: ignore[no-untyped-def]
    """One user per role in the example's organisation, plus one outside it.

    ``owner`` owns the Servicedeskchef indicators, ``other_owner`` the HR ones;
    ``auditor`` is a reader with the auditor flag.
    """
    from django.contrib.auth import get_user_model

    from styrkort.web.models import Membership

    org = example_period.organisation
    spec = {
        "admin": ("admin", False, ""),
        "controller": ("controller", False, ""),
        "owner": ("owner", False, "Servicedeskchef"),
        "other_owner": ("owner", False, "HR"),
        "reader": ("reader", False, ""),
        "auditor": ("reader", True, ""),
    }
    out = {}
    for name in ROLES:
        user = get_user_model().objects.create_user(
            name, "", None
        )  # no hashing: tests log in with force_login
        if name in spec:
            role, auditor, labels = spec[name]
            Membership.objects.create(
                user=user, organisation=org, role=role, is_auditor=auditor, owner_labels=labels
            )
        out[name] = user
    return out


@pytest.fixture
def as_user(client, users):  # type: ignore[no-untyped-def]
    """Log the client in as one of ``users`` by role name."""

    def login(name: str):  # type: ignore[no-untyped-def]
        client.force_login(users[name])
        return client

    return login

"""Settings from the environment, production hardening, log-in throttling, the first run."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def _settings(env: dict[str, str], expr: str, tmp_path: Path) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith("STYRKORT_")}
    full.update(
        {
            "DJANGO_SETTINGS_MODULE": "styrkort.web.settings",
            "STYRKORT_DATA_DIR": str(tmp_path),
            **env,
        }
    )
    code = f"import django; django.setup(); from django.conf import settings as s; print(({expr}))"
    return subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_database_url_and_data_dir(tmp_path: Path) -> None:
    assert _settings({}, "s.DATABASES['default']['NAME']", tmp_path) == str(
        tmp_path / "styrkort.sqlite3"
    )
    out = _settings(
        {"STYRKORT_DATABASE_URL": "postgresql://u:p@db.example:5432/styrkort"},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST']",
        tmp_path,
    )
    assert out == "('django.db.backends.postgresql', 'db.example')"
    # the secret key is generated once and kept in the data folder
    first = _settings({}, "s.SECRET_KEY", tmp_path)
    assert first == _settings({}, "s.SECRET_KEY", tmp_path)
    assert (tmp_path / "secret_key").read_text(encoding="utf-8") == first


@pytest.mark.parametrize("env", [{"STYRKORT_PRODUCTION": "1", "STYRKORT_LOCAL_HTTP": "1"}, {}])
def test_production_hardening(env: dict[str, str], tmp_path: Path) -> None:
    out = _settings(
        {"STYRKORT_SECRET_KEY": "k", **env},
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY",
        tmp_path,
    )
    assert out == "(True, True, True, 31536000, True)"


def test_local_http_and_debug_are_not_hardened(tmp_path: Path) -> None:
    for env in ({"STYRKORT_LOCAL_HTTP": "1"}, {"STYRKORT_DEBUG": "1"}):
        out = _settings(
            {"STYRKORT_SECRET_KEY": "k", **env},
            "getattr(s, 'SESSION_COOKIE_SECURE', False), getattr(s, 'SECURE_SSL_REDIRECT', False)",
            tmp_path,
        )
        assert out == "(False, False)"


def test_login_and_throttling(client: Client) -> None:
    get_user_model().objects.create_user("anna", "", "rätt-lösenord-123")
    page = client.get("/logga-in/").content.decode()
    assert 'for="id_username"' in page
    assert 'for="id_password"' in page
    for _ in range(4):
        resp = client.post("/logga-in/", {"username": "anna", "password": "fel"})
        assert resp.status_code == 200
        assert "stämmer inte" in resp.content.decode()
    # the fifth failure locks the user name from this address, even for the right password
    assert client.post("/logga-in/", {"username": "anna", "password": "fel"}).status_code == 429
    resp = client.post("/logga-in/", {"username": "anna", "password": "rätt-lösenord-123"})
    assert resp.status_code == 429
    assert "spärrad" in resp.content.decode()


def test_login_succeeds_and_logout_is_a_post(client: Client) -> None:
    get_user_model().objects.create_user("anna", "", "rätt-lösenord-123")
    resp = client.post("/logga-in/", {"username": "anna", "password": "rätt-lösenord-123"})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/logga-ut/").status_code == 405
    assert client.post("/logga-ut/").status_code == 302
    assert client.get("/").status_code == 302


def test_csrf_is_enforced() -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    get_user_model().objects.create_user("anna", "", "rätt-lösenord-123")
    resp = csrf_client.post("/logga-in/", {"username": "anna", "password": "rätt-lösenord-123"})
    assert resp.status_code == 403
    assert "CSRF" in resp.content.decode()


def test_first_run_creates_an_administrator_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from styrkort.web.boot import ensure_admin

    monkeypatch.delenv("STYRKORT_ADMIN_PASSWORD", raising=False)
    out = io.StringIO()
    ensure_admin(out)
    text = out.getvalue()
    assert "'admin'" in text
    password = text.split("spara det): ")[1].strip()
    assert get_user_model().objects.get(username="admin").check_password(password)
    again = io.StringIO()
    ensure_admin(again)
    assert again.getvalue() == ""


def test_first_run_uses_the_given_password(monkeypatch: pytest.MonkeyPatch) -> None:
    from styrkort.web.boot import ensure_admin

    monkeypatch.setenv("STYRKORT_ADMIN_PASSWORD", "given-password-xyz")
    out = io.StringIO()
    ensure_admin(out)
    assert "given-password-xyz" not in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password("given-password-xyz")


def test_migrations_are_complete() -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("makemigrations", "styrkort", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_roles_screen_creates_a_user_with_a_role(as_user: Any, example_period: Any) -> None:
    from styrkort.web.models import AuditEntry, Membership

    c = as_user("admin")
    org = example_period.organisation
    resp = c.post(
        f"/organisation/{org.pk}/roller/",
        {"username": "revisor1", "role": "reader", "is_auditor": "on", "password": "kort"},
    )
    assert resp.status_code == 422
    resp = c.post(
        f"/organisation/{org.pk}/roller/",
        {
            "username": "revisor1",
            "role": "reader",
            "is_auditor": "on",
            "password": "ett-långt-lösenord-42",
        },
    )
    assert resp.status_code == 302
    ms = Membership.objects.get(user__username="revisor1")
    assert (ms.role, ms.is_auditor) == ("reader", True)
    assert AuditEntry.objects.filter(action="roll", target="användare revisor1").exists()


def test_serve_creates_the_administrator_and_runs_the_server(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import django.core.management

    from styrkort.cli import main

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("styrkort.web.boot.setup", lambda **_: None)
    monkeypatch.setattr(django.core.management, "call_command", lambda *a, **k: calls.append(a))
    monkeypatch.setenv("STYRKORT_ADMIN_PASSWORD", "given-password-xyz")
    assert main(["serve", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert "administratören 'admin' har skapats" in out
    assert "http://127.0.0.1:8123/" in out
    assert calls == [("runserver", "127.0.0.1:8123")]


def test_sqlite_file_is_created_owner_only(tmp_path: Path) -> None:
    """Before: the database file was created with the umask, readable by all users."""
    import stat

    db = tmp_path / "data" / "styrkort.sqlite3"
    out = _settings(
        {"STYRKORT_SECRET_KEY": "k", "STYRKORT_DATABASE_URL": f"sqlite:///{db}"},
        "s.DATABASES['default']['NAME']",
        tmp_path,
    )
    assert out == str(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    db.chmod(0o644)  # an older, world-readable file is narrowed
    _settings(
        {"STYRKORT_SECRET_KEY": "k", "STYRKORT_DATABASE_URL": f"sqlite:///{db}"}, "1", tmp_path
    )
    assert stat.S_IMODE(db.stat().st_mode) == 0o600

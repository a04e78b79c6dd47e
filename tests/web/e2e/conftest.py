"""Fixtures for the browser tests: Debian's chromium through Playwright, the app in a subprocess.

Every test here is marked ``@pytest.mark.browser`` and is skipped, with the reason, when
/usr/bin/chromium is absent (``scripts/setup.sh --test`` installs it). Playwright's own
browser download is not used: the tests drive the system chromium.

Run them with ``.venv/bin/pytest tests/web/e2e`` (or ``-m browser``). Each test module gets its
own ``styrkort serve`` on 127.0.0.1 and a free port, on a copy of one SQLite database prepared
per session (``styrkort import examples/sydnarke-it-2020`` plus the users in
``e2e_support.USERS``). When ``STYRKORT_DATABASE_URL`` names PostgreSQL (scripts/test.sh's
second pass), each server gets its own database made from a template database instead. axe-core comes from npm (``npm ci``; package.json). When a test fails,
a screenshot of its page and the end of the server's log are written next to its tmp_path and
named in the report.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# pytest runs with --import-mode=importlib, which leaves sys.path alone: make the helpers in
# this folder importable by name (for this conftest and the test modules).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_support import AXES_FAILURE_LIMIT, USERS, free_port, wait_for_http

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
# Playwright's own waits (expect, clicks) give up after this long.
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "core_loop: the browser tests that also run on PostgreSQL in scripts/test.sh (the core "
        "loop: enter, submit, approve, lock; and the error states)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests, saying why, on a machine without Debian's chromium."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is absent: install Debian's chromium (scripts/setup.sh --test)"
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents and item.get_closest_marker("browser"):
            item.add_marker(skip)


class Chromium:
    """One chromium for the whole session, launched on first use.

    Playwright's sync API leaves its asyncio loop marked as running on the main thread
    while it is started, and Django's ORM then refuses to run in the same thread
    (SynchronousOnlyOperation). So the browser is stopped as soon as the run leaves this
    folder (see ``pytest_runtest_teardown``), and relaunched should a browser test follow.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    @property
    def browser(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(Exception):
                self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


_CHROMIUM = Chromium()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The session's chromium (launched lazily, once)."""
    yield _CHROMIUM
    _CHROMIUM.stop()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # trylast: after the test's own fixtures (its page and context) are torn down.
    here = Path(__file__).parent
    if nextitem is None or here not in Path(str(nextitem.path)).parents:
        _CHROMIUM.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(chromium: Chromium, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, Swedish locale. On failure, a
    screenshot (and the server's log, when the test used the app) are kept for the report."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = chromium.browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    if request.node.stash.get(_FAILED, False):
        with contextlib.suppress(Exception):
            shot = tmp_path / "failure.png"
            pg.screenshot(path=str(shot), full_page=True)
            request.node.add_report_section("teardown", "screenshot", f"{pg.url}: {shot}")
        if "app" in request.fixturenames:
            log: Path = request.getfixturevalue("app").log
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            request.node.add_report_section("teardown", "server log (end)", tail)
    context.close()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A tiny static page served by Python's http.server on 127.0.0.1 (smoke test)."""
    root = tmp_path_factory.mktemp("static")
    (root / "index.html").write_text(
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Röktest</title></head>'
        '<body><main><h1>Styrkort röktest</h1><form><label for="q">Sök</label>'
        '<input id="q" name="q"><button type="submit">Sök</button></form></main></body></html>',
        encoding="utf-8",
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# Run with ``styrkort manage shell -c``: the users and their roles, then the ids the tests need.
SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from styrkort.web import models as m
users = json.loads({users!r})
org = m.Organisation.objects.get()
period = m.Period.objects.get()
for name, (password, role, labels, auditor) in users.items():
    user = get_user_model().objects.create_user(name, "", password)
    m.Membership.objects.create(
        user=user, organisation=org, role=role, owner_labels=labels, is_auditor=auditor
    )
ids = {{
    "organisation": org.pk,
    "period": period.pk,
    "period_title": period.title,
    "indicators": {{i.key: i.pk for i in period.indicators.all()}},
    "goals": {{g.key: g.pk for g in period.goals.all()}},
    "narrative": {{n.key: n.pk for n in period.narrative.all()}},
}}
print("E2E-IDS=" + json.dumps(ids))
"""


# PostgreSQL when the run is on it (scripts/test.sh's second pass sets STYRKORT_DATABASE_URL to
# the throwaway cluster of scripts/pg.sh): each server then gets its own database, created from
# a template database prepared once per session, as the SQLite file is copied.
PG_URL = os.environ.get("STYRKORT_DATABASE_URL", "").strip()
if not PG_URL.startswith(("postgres://", "postgresql://")):
    PG_URL = ""


def pg_url(name: str) -> str:
    """The cluster's URL with the database ``name``."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_admin(*statements: str) -> None:
    """Run CREATE/DROP DATABASE on the cluster (outside a transaction)."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


def app_env(data_dir: Path, database: str | None = None) -> dict[str, str]:
    """The environment of the app: its own database (an SQLite file in ``data_dir``, or the
    PostgreSQL database ``database``), plain local HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STYRKORT_", "DJANGO_"))}
    env.update(
        STYRKORT_DATA_DIR=str(data_dir),
        STYRKORT_DATABASE_URL=(
            pg_url(database) if database else f"sqlite:///{data_dir / 'styrkort.sqlite3'}"
        ),
        STYRKORT_SECRET_KEY="e2e-tests-only-not-a-secret",
        STYRKORT_LOCAL_HTTP="1",
        STYRKORT_AXES_FAILURE_LIMIT=str(AXES_FAILURE_LIMIT),
        # `styrkort serve` creates the administrator on first run; no password printed.
        STYRKORT_ADMIN_PASSWORD="Admin-Lösen-2026",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_checked(cmd: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def styrkort_exe() -> str:
    exe = Path(sys.executable).with_name("styrkort")
    return str(exe) if exe.exists() else shutil.which("styrkort") or "styrkort"


@dataclass(frozen=True)
class Prepared:
    """A migrated database with the example imported and the users created: an SQLite file,
    or (on PostgreSQL) the name of a template database."""

    database: Path
    ids: dict[str, Any]
    pg_template: str = ""


@pytest.fixture(scope="session")
def prepared_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    """Built once per session (``styrkort import`` + users); each server gets a copy."""
    data = tmp_path_factory.mktemp("app-template")
    template = f"styrkort_e2e_{os.getpid()}_mall" if PG_URL else ""
    if template:
        pg_admin(f'DROP DATABASE IF EXISTS "{template}"', f'CREATE DATABASE "{template}"')
    env = app_env(data, template or None)
    try:
        run_checked([styrkort_exe(), "import", str(EXAMPLE)], env, "styrkort import")
        script = SETUP_SCRIPT.format(users=json.dumps(USERS))
        out = run_checked([styrkort_exe(), "manage", "shell", "-c", script], env, "creating users")
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("E2E-IDS=")]
        assert lines, f"the setup script printed no ids:\n{out.stdout}\n{out.stderr}"
        ids = json.loads(lines[-1].removeprefix("E2E-IDS="))
        yield Prepared(data / "styrkort.sqlite3", ids, template)
    finally:
        if template:
            pg_admin(f'DROP DATABASE IF EXISTS "{template}"')


@dataclass
class AppServer:
    """The real app in a subprocess on 127.0.0.1, on its own copy of the prepared database."""

    url: str
    ids: dict[str, Any]
    proc: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    """The server's environment (its database): for a ``styrkort manage`` beside it."""

    def path(self, name: str, **kw: Any) -> str:
        """URL of a screen (paths as in src/styrkort/web/urls.py)."""
        period, org = self.ids["period"], self.ids["organisation"]
        paths = {
            "login": "/logga-in/",
            "overview": f"/period/{period}/",
            "indicator": f"/period/{period}/indikator/{self.ids['indicators'].get(kw.get('key'))}/",
            "findings": f"/period/{period}/fynd/",
            "report": f"/period/{period}/rapport/",
            "audit": f"/organisation/{org}/logg/",
            "goal": f"/period/{period}/mal/{self.ids['goals'].get(kw.get('key'))}/",
            "finance": f"/period/{period}/ekonomi/",
            "narrative_list": f"/period/{period}/berattelse/",
            "narrative": f"/period/{period}/berattelse/{self.ids['narrative'].get(kw.get('key'))}/",
            "roles": f"/organisation/{org}/roller/",
            "home": "/",
        }
        return self.url + paths[name]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def app(
    prepared_database: Prepared, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """``styrkort serve`` on 127.0.0.1, a fresh server per test module, so that one module's
    changes (a locked period) do not leak into another's."""
    data = tmp_path_factory.mktemp("app")
    database = ""
    if prepared_database.pg_template:
        database = f"styrkort_e2e_{os.getpid()}_{data.name.replace('-', '_')}"
        pg_admin(
            f'DROP DATABASE IF EXISTS "{database}"',
            f'CREATE DATABASE "{database}" TEMPLATE "{prepared_database.pg_template}"',
        )
    else:
        shutil.copy2(prepared_database.database, data / "styrkort.sqlite3")
    env = app_env(data, database or None)
    port = free_port()
    log = data / "server.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [styrkort_exe(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    server = AppServer(f"http://127.0.0.1:{port}", prepared_database.ids, proc, log, env)
    try:
        wait_for_http(server.url + "/logga-in/", proc, log, seconds=60)
        css = server.url + "/static/styrkort/app.css"
        with urllib.request.urlopen(css, timeout=10) as resp:
            assert resp.status == 200, f"{css}: HTTP {resp.status} (static files not served)"
        yield server
    finally:
        server.stop()
        if database:
            pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

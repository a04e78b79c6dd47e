"""Fixtures for the browser tests: Debian's chromium through Playwright, the app in a subprocess.

Every test here is marked ``@pytest.mark.browser`` and is skipped, with the reason, when
/usr/bin/chromium is absent (``scripts/setup.sh --test`` installs it). Playwright's own
browser download is not used: the tests drive the system chromium.
"""

from __future__ import annotations

import contextlib
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture
def page(chromium: Chromium) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page, Swedish locale."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = chromium.browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    yield pg
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


@dataclass
class AppServer:
    """The real app running in a subprocess on 127.0.0.1."""

    url: str
    env: dict[str, str]
    log: Path
    users: dict[str, tuple[str, str]] = field(default_factory=dict)

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a Django management command against the same database."""
        return run_checked(
            [sys.executable, "-m", "django", *args], self.env, f"django {' '.join(args)}"
        )


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

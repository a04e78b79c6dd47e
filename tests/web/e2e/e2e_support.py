"""Helpers for the browser tests (imported by conftest and the tests; no fixtures here)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Users created in the test database: name → (password, role, owner labels, auditor).
# django-axes: failed log-ins before a user name is locked out from an address (set for the
# test server through STYRKORT_AXES_FAILURE_LIMIT, so the test does not depend on a default).
AXES_FAILURE_LIMIT = 5

USERS = {
    "forvaltare": ("Admin-Lösen-2026", "admin", "", False),
    "kontroller": ("Kontroll-Lösen-2026", "controller", "", False),
    "servicedesk": ("Service-Lösen-2026", "owner", "Servicedeskchef", False),
    "hr": ("Personal-Lösen-2026", "owner", "HR", False),
    "itchef": ("Chef-Lösen-2026", "owner", "IT-chef", False),
}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core into the page and return its WCAG 2.1 A/AA violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` in the repository (package.json)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule, impact, help, and the offending nodes."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(
    url: str, proc: subprocess.Popen[bytes] | None, log: Path, seconds: float
) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail with the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(
        f"server at {url} did not answer in {seconds:.0f} s:\n"
        f"{log.read_text(errors='replace')[-4000:]}"
    )


def login(page: Any, app: Any, username: str, password: str | None = None) -> None:
    """Log in through the log-in form and wait until the app has let the user in."""
    from playwright.sync_api import expect

    page.goto(app.path("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password if password is not None else USERS[username][0])
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text(f"Inloggad som {username}")).to_be_visible()


_SESSIONS: dict[tuple[str, str], list[Any]] = {}


def login_reusing_session(page: Any, app: Any, username: str) -> None:
    """Log in once per server and user, then reuse that session's cookies in new contexts
    (each log-in hashes the password: about half a second of CPU)."""
    key = (app.url, username)
    if key in _SESSIONS:
        page.context.add_cookies(_SESSIONS[key])
        return
    login(page, app, username)
    _SESSIONS[key] = page.context.cookies()

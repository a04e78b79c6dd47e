"""Log-in lock-out behind a reverse proxy (issue 18, item 11).

Unit level: the client address that django-axes keys on (clientip.client_address).
Behind a real proxy: gunicorn serving the app, a reverse proxy on 127.0.0.1 that adds
``X-Forwarded-For`` as nginx does (``$proxy_add_x_forwarded_for``), and two clients on
their own loopback addresses (127.0.0.2 and 127.0.0.3). Five wrong passwords from one
client must not lock the other out.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from styrkort.web.clientip import client_address, trusted_proxies

REPO = Path(__file__).resolve().parents[2]
PROXIES = trusted_proxies("127.0.0.1, 10.0.0.0/24")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", "", "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from a proxy: header ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged left part is ignored
        ("127.0.0.1", "198.51.100.1, 10.0.0.5", "198.51.100.1"),  # two trusted hops
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "[2001:db8::1]:4711", "2001:db8::1"),
    ],
)
def test_client_address(remote: str, forwarded: str, expected: str) -> None:
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, PROXIES) == expected


def test_no_trusted_proxy_keeps_remote_addr() -> None:
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert client_address(meta, ()) == "127.0.0.1"


def test_a_malformed_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="STYRKORT_TRUSTED_PROXIES"):
        trusted_proxies("127.0.0.1, proxy.example")


@pytest.mark.django_db
def test_lockout_is_per_forwarded_client_in_django() -> None:
    get_user_model().objects.create_user("anna", "", "rätt-lösenord-123")
    with override_settings(STYRKORT_TRUSTED_PROXIES=PROXIES):
        attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
        for _ in range(5):
            attacker.post("/logga-in/", {"username": "anna", "password": "fel"})
        assert (
            attacker.post("/logga-in/", {"username": "anna", "password": "fel"}).status_code == 429
        )
        anna = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
        resp = anna.post("/logga-in/", {"username": "anna", "password": "rätt-lösenord-123"})
        assert resp.status_code == 302


# --- behind a real proxy -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Proxy(BaseHTTPRequestHandler):
    upstream = 0

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        prior = self.headers.get("X-Forwarded-For")
        client = self.client_address[0]
        headers["X-Forwarded-For"] = f"{prior}, {client}" if prior else client
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream, timeout=30)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = _forward
    do_POST = _forward

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Browser:
    """A client on its own loopback address, keeping cookies, as a person's browser would."""

    def __init__(self, source: str, port: int) -> None:
        self.source, self.port, self.cookies = source, port, {}  # type: ignore[var-annotated]

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
        )
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/logga-in/"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = resp.read().decode("utf-8", "replace")
        conn.close()
        return resp.status, text

    def login(self, username: str, password: str) -> int:
        _status, page = self._request("GET", "/logga-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        data = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        status, _ = self._request("POST", "/logga-in/", urlencode(data))
        return status


@pytest.fixture
def behind_proxy(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("gunicorn is not installed")
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("no second loopback address")

    def start(trusted: str) -> tuple[int, Any]:
        data = tmp_path / f"data-{trusted or 'none'}".replace("/", "_").replace(",", "_")
        data.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STYRKORT_", "DJANGO_"))}
        env.update(
            STYRKORT_DATA_DIR=str(data),
            STYRKORT_DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
            STYRKORT_SECRET_KEY="proxy-test-only",
            STYRKORT_LOCAL_HTTP="1",
            STYRKORT_AXES_FAILURE_LIMIT="5",
            STYRKORT_TRUSTED_PROXIES=trusted,
            PYTHONPATH=str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", ""),
        )
        py = sys.executable
        subprocess.run(
            [py, "-m", "styrkort", "manage", "shell", "-c",
             "from django.contrib.auth import get_user_model as g; "
             "g().objects.create_user('anna', '', 'rätt-lösenord-123')"],
            env=env, check=True, capture_output=True, timeout=120, cwd=REPO,
        )  # fmt: skip
        port = _free_port()
        log = (data / "gunicorn.log").open("wb")
        proc = subprocess.Popen(
            [str(Path(py).with_name("gunicorn")), "styrkort.web.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        request.addfinalizer(lambda: (proc.terminate(), proc.wait(10), log.close()))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        handler = type("Proxy", (_Proxy,), {"upstream": port})
        proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        request.addfinalizer(proxy.shutdown)
        return int(proxy.server_address[1]), proc

    return start


def _attack_then_login(port: int) -> int:
    attacker, anna = _Browser("127.0.0.2", port), _Browser("127.0.0.3", port)
    for _ in range(5):
        attacker.login("anna", "fel")
    assert attacker.login("anna", "fel") == 429
    return anna.login("anna", "rätt-lösenord-123")


def test_behind_a_proxy_one_client_cannot_lock_out_another(behind_proxy: Any) -> None:
    port, _proc = behind_proxy("127.0.0.1")
    assert _attack_then_login(port) == 302


def test_behind_a_proxy_without_the_setting_everyone_shares_the_proxys_address(
    behind_proxy: Any,
) -> None:
    """The defect as it was (and still is without STYRKORT_TRUSTED_PROXIES)."""
    port, _proc = behind_proxy("")
    assert _attack_then_login(port) == 429

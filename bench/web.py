"""Load benchmark of the web app: 50 simulated users against gunicorn on 127.0.0.1.

    .venv/bin/python bench/web.py                 # ~2 minutes, 50 users
    .venv/bin/python bench/web.py --seconds 30 --users 20

What it does, all on this machine:
1. a fresh SQLite database in a temporary folder: migrations, the example
   (examples/sydnarke-it-2020) imported, one controller and a few indicator owners;
2. gunicorn with several workers serving the app on 127.0.0.1 and a free port;
3. N user threads log in, then loop for the given time over the period overview, an
   indicator page and an outcome entry (GET the form, POST it with its CSRF token and
   version), with a think time between requests. An optimistic-locking conflict (HTTP 409,
   two users saving the same indicator) is an expected answer, counted apart, not an error;
4. the baseline, measured in the same run under the same load: the login page fetched
   without a session (no database work beyond the request itself);
5. p50/p95/p99 per endpoint, the error count, and each endpoint's p95 as a ratio of the
   baseline's; the targets (p95 ≤ 100 ms for the overview and for outcome entry, 0 errors)
   are checked and printed. ``--strict`` makes a missed target exit 1.

Requests go to 127.0.0.1 only; every loop is bounded by the deadline and the server is
stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
HOST = "127.0.0.1"
TARGET_P95_MS = 100.0
PASSWORD = "bench-Lösenord-2026"


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], env: dict[str, str], what: str) -> str:
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.exit(f"bench/web.py: {what} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def venv_bin(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    return str(exe) if exe.exists() else shutil.which(name) or name


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_until_up(url: str, server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            sys.exit(f"bench/web.py: gunicorn exited:\n{server.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    server.stop()
    sys.exit(f"bench/web.py: no answer from {url} in {seconds:.0f} s")


# --- one simulated user -------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Each request is measured on its own: redirects are returned, not followed."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Sample:
    endpoint: str
    ms: float
    status: int


@dataclass
class Stats:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, ms: float, status: int) -> None:
        with self.lock:
            self.samples.append(Sample(endpoint, ms, status))

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def conflict(self) -> None:
        with self.lock:
            self.conflicts += 1


class Client:
    """A browser-like HTTP client: its own cookies (session, CSRF), no redirects followed."""

    def __init__(self, base: str, stats: Stats) -> None:
        if urllib.parse.urlsplit(base).hostname != HOST:
            raise ValueError(f"only {HOST} may be targeted, not {base}")
        self.base = base.rstrip("/")
        self.stats = stats
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self,
        endpoint: str,
        path: str,
        data: dict[str, str] | None = None,
        expected: tuple[int, ...] = (200,),
    ) -> tuple[int, str, str]:
        """Do one request, record its time; returns (status, body, Location)."""
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            # Django checks Referer/Origin on HTTPS only, but a browser sends Origin anyway.
            req.add_header("Origin", self.base)
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as resp:
                status, text, location = (
                    resp.status,
                    resp.read().decode("utf-8", "replace"),
                    resp.headers.get("Location", ""),
                )
        except urllib.error.HTTPError as e:
            status, text, location = (
                e.code,
                e.read().decode("utf-8", "replace"),
                e.headers.get("Location", "") if e.headers else "",
            )
        except OSError as e:
            self.stats.error(f"{endpoint}: {type(e).__name__}: {e}")
            return 0, "", ""
        ms = (time.perf_counter() - t0) * 1000
        self.stats.add(endpoint, ms, status)
        if status not in expected:
            self.stats.error(f"{endpoint}: HTTP {status} for {path}")
        return status, text, location


INPUT_RE = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)
ATTR_RE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def form_fields(page: str) -> dict[str, str]:
    """The named inputs of the first form on a page with their values (hidden ones included)."""
    start = page.find("<form")
    end = page.find("</form>", start)
    fields: dict[str, str] = {}
    for tag in INPUT_RE.findall(page[start:end] if start >= 0 else page):
        attrs = {k.lower(): html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        if "name" in attrs and attrs.get("type", "text") not in ("submit", "button", "checkbox"):
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


# --- app-specific: URLs and form fields ---------------------------------------------------
# Filled in from src/styrkort/web (urls.py, forms, templates).

LOGIN_PATH = "/login/"


def prepare(tmp: Path, n_owners: int) -> tuple[dict[str, str], list[str]]:
    """Database, example and users; returns the server's environment and the owners' names."""
    raise NotImplementedError("the web app's setup is not known yet")


def user_loop(client: Client, username: str, deadline: float, think: float) -> None:
    raise NotImplementedError


# --- running and reporting ----------------------------------------------------------------


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return float("nan")
    k = max(0, min(len(sorted_ms) - 1, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[k]


def summarise(stats: Stats, seconds: float) -> dict[str, dict[str, float]]:
    by: dict[str, list[float]] = defaultdict(list)
    for s in stats.samples:
        by[s.endpoint].append(s.ms)
    out: dict[str, dict[str, float]] = {}
    for endpoint, values in sorted(by.items()):
        values.sort()
        out[endpoint] = {
            "n": len(values),
            "per_s": len(values) / seconds,
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "mean": statistics.fmean(values),
            "max": values[-1],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="load duration (default 120)")
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean think time between requests, s (default 1)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="styrkort-bench-") as tmpdir:
        tmp = Path(tmpdir)
        t0 = time.monotonic()
        env, owners = prepare(tmp, n_owners=min(args.users, 10))
        setup_s = time.monotonic() - t0
        port = free_port()
        log = tmp / "gunicorn.log"
        with log.open("wb") as log_fh:
            proc = subprocess.Popen(
                [
                    venv_bin("gunicorn"),
                    "styrkort.web.wsgi:application",
                    "--bind",
                    f"{HOST}:{port}",
                    "--workers",
                    str(args.workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "4",
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=REPO,
                stdout=log_fh,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://{HOST}:{port}", proc, log)
        try:
            wait_until_up(server.url + LOGIN_PATH, server)
            stats = Stats()
            start = time.monotonic()
            deadline = start + args.seconds
            threads = []
            for i in range(args.users):
                client = Client(server.url, stats)
                username = owners[i % len(owners)]
                t = threading.Thread(
                    target=guarded_loop,
                    args=(client, username, deadline, args.think, stats),
                    daemon=True,
                )
                threads.append(t)
                t.start()
            for t in threads:
                t.join(timeout=max(0.0, deadline - time.monotonic()) + 60)
            elapsed = time.monotonic() - start
        finally:
            server.stop()

    return report(args, stats, elapsed, setup_s)


def guarded_loop(
    client: Client, username: str, deadline: float, think: float, stats: Stats
) -> None:
    try:
        user_loop(client, username, deadline, think)
    except Exception as e:  # a broken page must show up as an error, not kill the run
        stats.error(f"{username}: {type(e).__name__}: {e}")


def report(args: argparse.Namespace, stats: Stats, elapsed: float, setup_s: float) -> int:
    figures = summarise(stats, elapsed)
    base = figures.get("baseline", {}).get("p95", float("nan"))
    print(
        f"bench/web.py: {args.users} users, {args.workers} gunicorn workers, "
        f"{elapsed:.0f} s of load, think time ~{args.think:g} s, SQLite; setup {setup_s:.0f} s; "
        f"{os.cpu_count()} CPUs (shared)"
    )
    print(
        f"{'endpoint':<16}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'p95/base':>10}"
    )
    for name, f in figures.items():
        print(
            f"{name:<16}{f['n']:>7.0f}{f['per_s']:>8.1f}{f['p50']:>9.1f}{f['p95']:>9.1f}"
            f"{f['p99']:>9.1f}{f['max']:>9.1f}{f['p95'] / base:>10.1f}"
        )
    print(
        f"errors: {len(stats.errors)}; optimistic-locking conflicts (expected): {stats.conflicts}"
    )
    for message in sorted(set(stats.errors))[:10]:
        print(f"  {message}")
    ok = not stats.errors
    for name in ("overview", "outcome_post"):
        p95 = figures.get(name, {}).get("p95", float("inf"))
        met = p95 <= TARGET_P95_MS
        ok &= met
        print(
            f"target {name} p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if met else 'MISSED'} ({p95:.1f} ms)"
        )
    print(f"target 0 errors: {'met' if not stats.errors else 'MISSED'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "users": args.users,
            "workers": args.workers,
            "seconds": elapsed,
            "think": args.think,
            "errors": len(stats.errors),
            "conflicts": stats.conflicts,
            "endpoints": figures,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())

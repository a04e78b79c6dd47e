"""Load benchmark of the web app: 50 simulated users against gunicorn on 127.0.0.1.

    .venv/bin/python bench/web.py                 # ~2 minutes, 50 users
    .venv/bin/python bench/web.py --seconds 30 --users 20
    .venv/bin/python bench/web.py --history 10    # 10 years × 500 indicators, reading

What it does, all on this machine:
1. a fresh SQLite database in a temporary folder: migrations, the example
   (examples/sydnarke-it-2020) imported, one controller and a few indicator owners;
2. gunicorn as docs/deploy.md runs it in production (2 × cores + 1 sync workers; the
   ``--workers``, ``--worker-class`` and ``--threads`` options compare others) serving
   the app on 127.0.0.1 and a free port. Each simulated user opens a new connection per
   request, as nginx does towards gunicorn by default;
3. N user threads log in, then loop for the given time over the period overview, an
   indicator page and an outcome entry (GET the form, POST it with its CSRF token and
   version), with a think time between requests. An optimistic-locking conflict (HTTP 409,
   two users saving the same indicator) is an expected answer, counted apart, not an error;
4. the baseline, measured in the same run under the same load: the login page fetched
   without a session (no database work beyond the request itself);
5. p50/p95/p99 per endpoint, the error count, and each endpoint's p95 as a ratio of the
   baseline's; the targets (p95 ≤ 100 ms for the overview and for outcome entry, 0 errors)
   are checked and printed. ``--strict`` makes a missed target exit 1. Also the CPU
   time the server (master and workers, from /proc) and this load generator used
   during the load phase, per request: the two share the machine's cores.

``--history 10`` (issue "years, not a year") measures history instead: one organisation with
10 periods × ``--indicators`` (500) indicators, stored as that organisation's years so each
indicator's history comes from the earlier periods in the database; each owner answers for one
unit's goals (20 indicators). The users read the newest period: the overview and a random
indicator's page (history table and trend chart), with the baseline as above. The setup also
counts the queries of both screens for the first period (no earlier years) and the newest (nine
earlier years) through Django's test client; the targets are p95 ≤ 100 ms for both screens and
equal query counts.

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
import random
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
# Measured during the load phase; the log-in rows come from before it.
LOAD_ENDPOINTS = ("baseline", "overview", "indicator", "outcome_post", "outcome_conflict")
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


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a process and its children so far, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError, ValueError):
        return None
    for child in children:
        sub = cpu_seconds(int(child))
        total += sub or 0.0
    return total


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
        labels: dict[int, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, str, str]:
        """Do one request, record its time (under ``labels[status]`` if given, else
        ``endpoint``); returns (status, body, Location)."""
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            # Django checks Referer/Origin on HTTPS only, but a browser sends Origin anyway.
            req.add_header("Origin", self.base)
        t0 = time.perf_counter()
        try:
            with self.opener.open(req, timeout=timeout) as resp:
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
        self.stats.add((labels or {}).get(status, endpoint), ms, status)
        if status not in expected:
            self.stats.error(f"{endpoint}: HTTP {status} for {path}")
        return status, text, location


INPUT_RE = re.compile(r"<input\b[^>]*>", re.IGNORECASE | re.DOTALL)
ATTR_RE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def form_fields(page: str, marker: str) -> dict[str, str]:
    """The named inputs of the form whose tag contains ``marker``, with their values."""
    at = page.find(marker)
    start = page.rfind("<form", 0, at) if at >= 0 else -1
    end = page.find("</form>", start)
    fields: dict[str, str] = {}
    for tag in INPUT_RE.findall(page[start:end] if start >= 0 else page):
        attrs = {k.lower(): html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        if "name" in attrs and attrs.get("type", "text") not in ("submit", "button", "checkbox"):
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


# --- the app: setup, URLs and forms (src/styrkort/web: urls.py, forms.py, templates) -------

LOGIN_PATH = "/logga-in/"
# Percent indicators of the example with a target, editable by their owners; the simulated
# users share them (optimistic-locking conflicts are then expected, and counted).
PERCENT_INDICATORS = (
    "normal-8h",
    "first-line",
    "bestallningar-2d",
    "samtal-20-60s",
    "sjukfranvaro",
)
OWNER_LABELS = "Servicedeskchef, HR"

SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from styrkort.web import models as m
names, password, labels = json.loads({args!r})
org = m.Organisation.objects.get()
period = m.Period.objects.get()
hashed = make_password(password)  # hashed once: 50 users in a second, same log-in cost
users = get_user_model().objects.bulk_create(
    [get_user_model()(username=n, password=hashed) for n in names]
)
m.Membership.objects.bulk_create(
    [m.Membership(user=u, organisation=org, role="owner", owner_labels=labels) for u in users]
)
ids = {{i.key: i.pk for i in period.indicators.all()}}
print("BENCH-IDS=" + json.dumps({{"period": period.pk, "indicators": ids}}))
"""


# --history: one organisation, YEARS periods of GOALS × PER_GOAL indicators, linked as one
# organisation's years (the web reads an indicator's history from the earlier periods).
HISTORY_SETUP_SCRIPT = """
import dataclasses, datetime as dt, json, time
from pathlib import Path
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from styrkort.core.goals import Goal, Indicator
from styrkort.core.values import Direction
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.mapping import store_workspace
example, names, password, years, n_goals, per_goal = json.loads({args!r})
n_units = min(len(names), n_goals)
base = load_workspace(Path(example)).workspace
council = base.goals[1].council_goal

def workspace(year):
    goals = []
    for g in range(n_goals):
        inds = []
        for k in range(per_goal):
            n = g * per_goal + k
            up = n % 3 != 0
            inds.append(Indicator(
                f"ind-{{n:03d}}", f"Indikator {{n}}: andel som ska {{'öka' if up else 'minska'}}",
                unit="%", direction=Direction.INCREASE if up else Direction.DECREASE,
                target=f"{{'minst' if up else 'högst'}} {{40 + n % 50}} %",
                outcome=f"{{30 + (n * 7 + year * 3) % 60}} %", owner=f"Enhet {{g % n_units}}",
                comment=f"Kommentar {{year}} till indikator {{n}}.",
            ))
        goals.append(Goal(f"mal-{{g:02d}}", f"Nämndmål {{g}}", council, tuple(inds)))
    period = dataclasses.replace(base.period, year=year, start=None, end=None, label="")
    return dataclasses.replace(base, period=period, goals=tuple(goals), title=f"Årsredovisning {{year}}")

t0 = time.monotonic()
org = None
periods = []
for year in years:
    with transaction.atomic():
        p = store_workspace(workspace(year), org)
    org = p.organisation
    periods.append(p)
hashed = make_password(password)
users = get_user_model().objects.bulk_create(
    [get_user_model()(username=n, password=hashed) for n in names]
)
# each owner answers for one unit's goals (20 indicators each), as in an organisation of
# this size; nobody owns all of them
m.Membership.objects.bulk_create(
    [m.Membership(user=u, organisation=org, role="owner", owner_labels=f"Enhet {{i % n_units}}")
     for i, u in enumerate(users)]
)
seeded = time.monotonic() - t0
# Queries per screen for the first period (no earlier years) and the last (all earlier years
# in the database), through Django's test client in this process: the count does not depend
# on the server; the timings come from the load phase.
setup_test_environment()
client = Client()
client.force_login(users[0])
counts = {{}}
for label, p in (("first", periods[0]), ("last", periods[-1])):
    ind = p.indicators.order_by("pk").first()
    for screen, url in (("overview", f"/period/{{p.pk}}/"),
                        ("indicator", f"/period/{{p.pk}}/indikator/{{ind.pk}}/")):
        client.get(url)  # warm: imports and caches, as the server's warm-up does
        with CaptureQueriesContext(connection) as q:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        counts[f"{{screen}}_{{label}}"] = len(q)
last = periods[-1]
ids = list(last.indicators.order_by("pk").values_list("pk", flat=True))
print("BENCH-IDS=" + json.dumps({{"period": last.pk, "indicators": ids, "counts": counts,
      "seeded_s": seeded, "years": [p.year for p in periods]}}))
"""


def prepare_history(tmp: Path, n_users: int, years: int, indicators: int) -> Setup:
    """A fresh SQLite database with one organisation of ``years`` periods × ``indicators``
    indicators (the example's organisation and finance, generated goals), and owners."""
    env = app_env(tmp)
    run([venv_bin("styrkort"), "manage", "migrate", "--noinput"], env, "migrate")
    per_goal = 20
    n_goals = max(1, indicators // per_goal)
    names = [f"anvandare{i:02d}" for i in range(1, n_users + 1)]
    first = 2021 - years
    args = [str(EXAMPLE), names, PASSWORD, list(range(first, 2021)), n_goals, per_goal]
    script = HISTORY_SETUP_SCRIPT.format(args=json.dumps(args))
    out = run([venv_bin("styrkort"), "manage", "shell", "-c", script], env, "seeding history")
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH-IDS="))
    ids = json.loads(line.removeprefix("BENCH-IDS="))
    return Setup(env, names, ids["period"], ids["indicators"], ids["counts"], ids["years"])


def app_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STYRKORT_", "DJANGO_"))}
    env.update(
        STYRKORT_DATA_DIR=str(tmp),
        STYRKORT_DATABASE_URL=f"sqlite:///{tmp / 'styrkort.sqlite3'}",
        STYRKORT_SECRET_KEY="bench-only-not-a-secret",
        STYRKORT_LOCAL_HTTP="1",
        DJANGO_SETTINGS_MODULE="styrkort.web.settings",
    )
    return env


@dataclass(frozen=True)
class Setup:
    env: dict[str, str]
    users: list[str]
    period: int
    indicators: list[int]
    # --history: queries per screen, first (no earlier years) and last period; the years
    query_counts: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)


def prepare(tmp: Path, n_users: int) -> Setup:
    """A fresh SQLite database with the example imported and one owner per simulated user."""
    env = app_env(tmp)
    run([venv_bin("styrkort"), "import", str(EXAMPLE)], env, "styrkort import")
    names = [f"anvandare{i:02d}" for i in range(1, n_users + 1)]
    script = SETUP_SCRIPT.format(args=json.dumps([names, PASSWORD, OWNER_LABELS]))
    out = run([venv_bin("styrkort"), "manage", "shell", "-c", script], env, "creating users")
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH-IDS="))
    ids = json.loads(line.removeprefix("BENCH-IDS="))
    return Setup(env, names, ids["period"], [ids["indicators"][k] for k in PERCENT_INDICATORS])


def log_in(client: Client, username: str) -> None:
    # Log-ins hash the password (CPU-heavy) and all users log in at once before the load
    # phase: on a busy machine they queue for long, which is not what is measured.
    _, page, _ = client.request("login_page", LOGIN_PATH, timeout=300)
    fields = form_fields(page, 'action="/logga-in/"')
    fields.update(username=username, password=PASSWORD)
    status, _, location = client.request("login", LOGIN_PATH, fields, expected=(302,), timeout=300)
    if status != 302 or LOGIN_PATH in location:
        raise RuntimeError(f"log-in as {username} failed (HTTP {status})")


def user_loop(
    client: Client, anon: Client, rng: random.Random, period: int, indicator: int, run_: Run
) -> None:
    """Until the deadline: baseline, overview, indicator page, outcome entry; think in between."""
    overview = f"/period/{period}/"
    page_path = f"/period/{period}/indikator/{indicator}/"
    while run_.go():
        anon.request("baseline", LOGIN_PATH)
        run_.think(rng)
        if not run_.go():
            break
        client.request("overview", overview)
        run_.think(rng)
        if not run_.go():
            break
        _, page, _ = client.request("indicator", page_path)
        # Typing the value takes a moment; a fresh version is then posted with the CSRF token.
        run_.think(rng, 0.3)
        fields = form_fields(page, 'id="indikator-formular"')
        if "version" not in fields:
            client.stats.error(f"indicator: no outcome form on {page_path}")
            continue
        data = {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "version": fields["version"],
            "outcome": f"{rng.randint(50, 99)} %",
        }
        status, _, _ = client.request(
            "outcome_post",
            page_path,
            data,
            expected=(302, 409),
            labels={409: "outcome_conflict"},
        )
        if status == 409:
            client.stats.conflict()
        run_.think(rng)


def history_loop(
    client: Client, anon: Client, rng: random.Random, period: int, indicators: list[int], run_: Run
) -> None:
    """--history: reading only, as a board member or owner looks back over the years: the
    overview and a random indicator's page (its history table and trend chart)."""
    overview = f"/period/{period}/"
    while run_.go():
        anon.request("baseline", LOGIN_PATH)
        run_.think(rng)
        if not run_.go():
            break
        client.request("overview", overview)
        run_.think(rng)
        if not run_.go():
            break
        page = f"/period/{period}/indikator/{rng.choice(indicators)}/"
        _, text, _ = client.request("indicator", page)
        if text and "Utveckling över åren" not in text:
            client.stats.error(f"indicator: no history on {page}")
        run_.think(rng)


@dataclass
class Run:
    """The load phase: starts when every user has logged in, ends at the deadline."""

    seconds: float
    think_s: float
    started: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0

    def start(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.started.set()

    def go(self) -> bool:
        return time.monotonic() < self.deadline

    def think(self, rng: random.Random, scale: float = 1.0) -> None:
        pause = rng.uniform(0.5, 1.5) * self.think_s * scale
        time.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))


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
    by.pop("warmup", None)
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
    # The production configuration of docs/deploy.md: 2 × cores + 1 sync workers (gunicorn's
    # advice). The requests are CPU-bound Python; a sync worker accepts a connection only when it
    # is free, so the kernel hands each request to an idle worker (one shared queue), while a
    # gthread worker accepts eagerly and queues requests behind its own busy threads, and its
    # threads share one GIL.
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (default 2 × cores + 1)",
    )
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=("sync", "gthread"),
        help="gunicorn worker class (default sync)",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gthread worker (default 1)"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean think time between requests, s (default 1)"
    )
    parser.add_argument(
        "--history",
        type=int,
        metavar="YEARS",
        help="one organisation with YEARS linked periods (e.g. 10) of --indicators indicators; "
        "the users read the newest period's overview and indicator pages",
    )
    parser.add_argument(
        "--indicators", type=int, default=500, help="indicators per period with --history"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="styrkort-bench-") as tmpdir:
        tmp = Path(tmpdir)
        t0 = time.monotonic()
        setup = (
            prepare_history(tmp, args.users, args.history, args.indicators)
            if args.history
            else prepare(tmp, args.users)
        )
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
                    args.worker_class,
                    "--threads",
                    str(args.threads),
                    # as docs/deploy.md runs it: the time-out for report downloads and an
                    # access log line per request (into the kept log, not the terminal)
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ],
                env=setup.env,
                cwd=REPO,
                stdout=log_fh,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://{HOST}:{port}", proc, log)
        stats = Stats()
        run_ = Run(args.seconds, args.think)
        logged_in = threading.Semaphore(0)
        try:
            wait_until_up(server.url + LOGIN_PATH, server)
            threads = [
                threading.Thread(
                    target=simulated_user,
                    args=(server.url, setup, i, stats, run_, logged_in),
                    daemon=True,
                )
                for i in range(args.users)
            ]
            for t in threads:
                t.start()
            # The load phase starts once everyone is in (log-ins hash passwords: CPU-heavy).
            login_deadline = time.monotonic() + 300
            for _ in threads:
                logged_in.acquire(timeout=max(0.0, login_deadline - time.monotonic()))
            load_before = os.getloadavg()[0]
            # CPU used during the load phase, by the server (master and workers) and by this
            # load generator: what the two share of the machine's cores.
            server_cpu0, client_cpu0 = cpu_seconds(proc.pid), time.process_time()
            run_.start()
            for t in threads:
                t.join(timeout=max(0.0, run_.deadline - time.monotonic()) + 60)
            server_cpu1, client_cpu1 = cpu_seconds(proc.pid), time.process_time()
            elapsed = args.seconds
            load_after = os.getloadavg()[0]
            cpu = (
                None if server_cpu0 is None or server_cpu1 is None else server_cpu1 - server_cpu0,
                client_cpu1 - client_cpu0,
            )
        finally:
            run_.deadline = 0.0  # any thread still running stops at its next check
            server.stop()
        # The server's log is kept in bench/out/ (git-ignored) for the tracebacks of any 500.
        kept = REPO / "bench" / "out" / "web-gunicorn.log"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, kept)
        server_errors = [
            ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("Traceback")
        ]

    return report(
        args, stats, elapsed, setup_s, server_errors, (load_before, load_after), cpu, setup
    )


def simulated_user(
    base: str, setup: Setup, i: int, stats: Stats, run_: Run, logged_in: threading.Semaphore
) -> None:
    """Log in, wait for the start, then loop; any failure is an error in the results."""
    username = setup.users[i]
    try:
        client, anon = Client(base, stats), Client(base, stats)
        try:
            log_in(client, username)
            # Warm-up, not measured in the results: each worker imports and caches lazily.
            period, indicator = setup.period, setup.indicators[i % len(setup.indicators)]
            client.request("warmup", f"/period/{period}/", timeout=300)
            client.request("warmup", f"/period/{period}/indikator/{indicator}/", timeout=300)
        finally:
            logged_in.release()
        run_.started.wait(timeout=600)
        rng = random.Random(i)
        if setup.years:
            history_loop(client, anon, rng, setup.period, setup.indicators, run_)
        else:
            user_loop(
                client, anon, rng, setup.period, setup.indicators[i % len(setup.indicators)], run_
            )
    except Exception as e:  # a broken page must show up as an error, not kill the run
        stats.error(f"{username}: {type(e).__name__}: {e}")


def report(
    args: argparse.Namespace,
    stats: Stats,
    elapsed: float,
    setup_s: float,
    server_errors: list[str],
    loadavg: tuple[float, float],
    cpu: tuple[float | None, float],
    setup: Setup,
) -> int:
    figures = summarise(stats, elapsed)
    base = figures.get("baseline", {}).get("p95", float("nan"))
    base50 = figures.get("baseline", {}).get("p50", float("nan"))
    print(
        f"bench/web.py: {args.users} users, gunicorn {args.workers} {args.worker_class} workers"
        f"{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''}, "
        f"{elapsed:.0f} s of load, think time ~{args.think:g} s, SQLite; setup {setup_s:.0f} s; "
        f"{os.cpu_count()} CPUs shared with other work (load average {loadavg[0]:.1f} at the "
        f"start, {loadavg[1]:.1f} at the end)"
    )
    print(
        f"{'endpoint':<18}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'p50/base':>10}{'p95/base':>10}"
    )
    load = [e for e in LOAD_ENDPOINTS if e in figures]
    before = [e for e in figures if e not in LOAD_ENDPOINTS]
    for name in load + before:
        f = figures[name]
        rate = f"{f['per_s']:>8.1f}" if name in LOAD_ENDPOINTS else f"{'(setup)':>8}"
        print(
            f"{name:<18}{f['n']:>7.0f}{rate}{f['p50']:>9.1f}{f['p95']:>9.1f}"
            f"{f['p99']:>9.1f}{f['max']:>9.1f}{f['p50'] / base50:>10.1f}{f['p95'] / base:>10.1f}"
        )
    n_load = sum(int(figures[e]["n"]) for e in load)
    server_cpu, client_cpu = cpu
    print(
        f"CPU in the load phase ({os.cpu_count()} CPUs × {elapsed:.0f} s): server "
        + (
            f"{server_cpu:.1f} s ({server_cpu / n_load * 1000:.1f} ms per request)"
            if server_cpu is not None
            else "unknown"
        )
        + f", load generator {client_cpu:.1f} s ({client_cpu / n_load * 1000:.1f} ms per request)"
    )
    print(
        f"errors: {len(stats.errors)}; optimistic-locking conflicts (expected, HTTP 409): "
        f"{stats.conflicts}; log-ins (before the load phase) are not in the targets"
    )
    for message in sorted(set(stats.errors))[:10]:
        print(f"  {message}")
    if server_errors:
        print(f"server log: {len(server_errors)} traceback(s), see bench/out/web-gunicorn.log")
    errors = len(stats.errors)
    ok = not errors
    if setup.years:
        q = setup.query_counts
        print(
            f"history: {len(setup.years)} periods ({setup.years[0]}–{setup.years[-1]}) × "
            f"{len(setup.indicators)} indicators, one organisation; the users read "
            f"{setup.years[-1]}"
        )
        for screen in ("overview", "indicator"):
            first, last = q[f"{screen}_first"], q[f"{screen}_last"]
            same = first == last
            ok &= same
            print(
                f"target {screen} queries independent of the years: "
                f"{'met' if same else 'MISSED'} ({first} with 1 year, {last} with "
                f"{len(setup.years)} years)"
            )
    for name in ("overview", "indicator") if setup.years else ("overview", "outcome_post"):
        p95 = figures.get(name, {}).get("p95", float("inf"))
        met = p95 <= TARGET_P95_MS
        ok &= met
        print(
            f"target {name} p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if met else 'MISSED'} ({p95:.1f} ms)"
        )
    print(f"target 0 errors: {'met' if not errors else 'MISSED'} ({errors})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "users": args.users,
            "workers": args.workers,
            "seconds": elapsed,
            "think": args.think,
            "loadavg": loadavg,
            "cpu_s": {"server": cpu[0], "load_generator": cpu[1]},
            "worker_class": args.worker_class,
            "threads": args.threads,
            "errors": errors,
            "conflicts": stats.conflicts,
            "endpoints": figures,
            "history": {"years": setup.years, "queries": setup.query_counts}
            if setup.years
            else None,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())

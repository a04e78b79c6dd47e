"""Load benchmark of the municipality overview (issue 14): 50 users against gunicorn on 127.0.0.1.

    .venv/bin/python bench/web_municipality.py                 # ~2 minutes, 50 users, 30 boards
    .venv/bin/python bench/web_municipality.py --seconds 30 --users 20 --boards 8

What it does, all on this machine (the machinery is bench/web.py's):
1. a fresh SQLite database in a temporary folder: migrations, then the benchmark's municipality
   (``bench/gen_kommun.py --scaled``: 30 boards × 10 goals × 5 indicators, 3 years of history)
   imported with ``styrkort manage importera_kommun``, and N municipality readers. The boards'
   ledgers are generated small (``--rows``, 2 000 by default): the database stores each board's
   operating statement, not its ledger, so the overview's cost does not depend on the ledger;
2. gunicorn with 2 × cores + 1 sync workers, as docs/deploy.md runs it;
3. N user threads log in, then loop over the municipality overview with a think time between
   requests, beside the log-in page without a session as the baseline; one more thread is a
   board controller who enters an outcome on a board every few seconds (an open period changes,
   so the overview computes that board again);
4. p50/p95/p99 per endpoint, the errors, and the target (overview p95 ≤ 150 ms, 0 errors).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web as wb

REPO = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 150.0
LOAD_ENDPOINTS = ("baseline", "municipality", "outcome_post", "outcome_conflict")

SETUP_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from styrkort.web import models as m
names, password = json.loads({args!r})
k = m.Municipality.objects.get()
hashed = make_password(password)
users = get_user_model().objects.bulk_create(
    [get_user_model()(username=n, password=hashed) for n in names]
)
m.MunicipalityMembership.objects.bulk_create(
    [m.MunicipalityMembership(user=u, municipality=k, role="reader") for u in users]
)
editor = get_user_model().objects.create(username="redaktor", password=hashed)
indicators = []
for link in k.board_links.select_related("organisation"):
    m.Membership.objects.create(user=editor, organisation=link.organisation, role="controller")
    period = link.organisation.periods.get()
    ind = period.indicators.exclude(outcome="").first()
    if ind is not None:
        indicators.append([period.pk, ind.pk, ind.outcome])
print("BENCH-IDS=" + json.dumps({{"municipality": k.pk, "indicators": indicators}}))
"""


def prepare(tmp: Path, users: int, boards: int, rows: int) -> tuple[dict[str, str], dict]:
    env = wb.app_env(tmp)
    folder = tmp / "kommun"
    wb.run(
        [
            sys.executable,
            str(REPO / "bench" / "gen_kommun.py"),
            str(folder),
            "--scaled",
            "--boards",
            str(boards),
            "--rows",
            str(rows),
        ],
        env,
        "bench/gen_kommun.py",
    )
    wb.run([wb.venv_bin("styrkort"), "manage", "migrate", "-v0"], env, "migrate")
    out = wb.run(
        [wb.venv_bin("styrkort"), "manage", "importera_kommun", str(folder)],
        env,
        "importera_kommun",
    )
    print(out.strip())
    names = [f"kommunlasare{i:02d}" for i in range(1, users + 1)]
    script = SETUP_SCRIPT.format(args=json.dumps([names, wb.PASSWORD]))
    out = wb.run([wb.venv_bin("styrkort"), "manage", "shell", "-c", script], env, "users")
    line = next(ln for ln in out.splitlines() if ln.startswith("BENCH-IDS="))
    ids = json.loads(line.removeprefix("BENCH-IDS="))
    ids["users"] = names
    return env, ids


def reader(
    base: str, name: str, ids: dict, stats: wb.Stats, run_: wb.Run, ready: threading.Semaphore
) -> None:
    try:
        client, anon = wb.Client(base, stats), wb.Client(base, stats)
        try:
            wb.log_in(client, name)
            client.request("warmup", f"/kommun/{ids['municipality']}/")
        finally:
            ready.release()
        run_.started.wait(timeout=600)
        rng = random.Random(name)
        while run_.go():
            anon.request("baseline", wb.LOGIN_PATH)
            run_.think(rng)
            if not run_.go():
                break
            client.request("municipality", f"/kommun/{ids['municipality']}/")
            run_.think(rng)
    except Exception as e:
        stats.error(f"{name}: {type(e).__name__}: {e}")


def editor(base: str, ids: dict, stats: wb.Stats, run_: wb.Run, ready: threading.Semaphore) -> None:
    """A board controller who enters an outcome (the same text again) on one board after
    another: each save is audited, so that board's figures are computed again."""
    try:
        client = wb.Client(base, stats)
        try:
            wb.log_in(client, "redaktor")
        finally:
            ready.release()
        run_.started.wait(timeout=600)
        rng = random.Random(0)
        i = 0
        while run_.go() and ids["indicators"]:
            period, indicator, outcome = ids["indicators"][i % len(ids["indicators"])]
            i += 1
            path = f"/period/{period}/indikator/{indicator}/"
            _, page, _ = client.request("warmup", path)
            fields = wb.form_fields(page, 'id="indikator-formular"')
            if "version" in fields:
                client.request(
                    "outcome_post",
                    path,
                    {
                        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                        "version": fields["version"],
                        "outcome": outcome,
                        "comment": f"Uppdaterad {i}",
                    },
                    expected=(302, 409),
                    labels={409: "outcome_conflict"},
                )
            run_.think(rng, 3.0)
    except Exception as e:
        stats.error(f"redaktor: {type(e).__name__}: {e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--boards", type=int, default=30)
    parser.add_argument("--rows", type=int, default=2000, help="ledger rows per board")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="styrkort-bench-") as tmpdir:
        tmp = Path(tmpdir)
        t0 = time.monotonic()
        env, ids = prepare(tmp, args.users, args.boards, args.rows)
        setup_s = time.monotonic() - t0
        port = wb.free_port()
        log = tmp / "gunicorn.log"
        with log.open("wb") as fh:
            proc = subprocess.Popen(
                [
                    wb.venv_bin("gunicorn"),
                    "styrkort.web.wsgi:application",
                    "--bind",
                    f"{wb.HOST}:{port}",
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=REPO,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        server = wb.Server(f"http://{wb.HOST}:{port}", proc, log)
        stats = wb.Stats()
        run_ = wb.Run(args.seconds, args.think)
        ready = threading.Semaphore(0)
        try:
            wb.wait_until_up(server.url + wb.LOGIN_PATH, server)
            t = time.perf_counter()
            threads = [
                threading.Thread(
                    target=reader, args=(server.url, n, ids, stats, run_, ready), daemon=True
                )
                for n in ids["users"]
            ]
            threads.append(
                threading.Thread(
                    target=editor, args=(server.url, ids, stats, run_, ready), daemon=True
                )
            )
            for th in threads:
                th.start()
            for _ in threads:
                ready.acquire(timeout=300)
            warm_s = time.perf_counter() - t
            load_before = os.getloadavg()[0]
            cpu0 = wb.cpu_seconds(proc.pid)
            run_.start()
            for th in threads:
                th.join(timeout=max(0.0, run_.deadline - time.monotonic()) + 60)
            cpu1 = wb.cpu_seconds(proc.pid)
            load_after = os.getloadavg()[0]
        finally:
            run_.deadline = 0.0
            server.stop()
        tracebacks = log.read_text(errors="replace").count("Traceback")
    figures = wb.summarise(stats, args.seconds)
    figures.pop("login_page", None)
    print(
        f"bench/web_municipality.py: {args.users} municipality readers + 1 board controller, "
        f"{args.boards} boards, gunicorn {args.workers} sync workers, {args.seconds:.0f} s of "
        f"load, think ~{args.think:g} s, SQLite; setup {setup_s:.0f} s, log-ins and warm-up "
        f"{warm_s:.0f} s; {os.cpu_count()} CPUs shared with other work (load average "
        f"{load_before:.1f} at the start, {load_after:.1f} at the end)"
    )
    print(f"{'endpoint':<18}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, f in figures.items():
        print(
            f"{name:<18}{f['n']:>7.0f}{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}"
            f"{f['max']:>9.1f}"
        )
    if cpu0 is not None and cpu1 is not None:
        n = sum(int(figures[e]["n"]) for e in LOAD_ENDPOINTS if e in figures)
        print(
            f"server CPU in the load phase: {cpu1 - cpu0:.1f} s ({(cpu1 - cpu0) / n * 1000:.1f} ms per request)"
        )
    print(f"errors: {len(stats.errors)}; server tracebacks: {tracebacks}")
    for message in sorted(set(stats.errors))[:10]:
        print(f"  {message}")
    p95 = figures.get("municipality", {}).get("p95", float("inf"))
    met = p95 <= TARGET_P95_MS and not stats.errors
    print(
        f"target municipality overview p95 ≤ {TARGET_P95_MS:.0f} ms and 0 errors: "
        f"{'met' if met else 'MISSED'} ({p95:.1f} ms)"
    )
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())

"""``styrkort kolada fetch`` against a local HTTP server that replays recorded responses."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from styrkort.cli import main
from styrkort.pipeline import run

REPO = Path(__file__).resolve().parents[2]
FIVE = REPO / "tests" / "data" / "fem-ar-2020"
REPLAY = REPO / "tests" / "data" / "kolada-replay"


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Replay(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            if self.path.startswith(
                "/v2/data/kpi/N99999/municipality/0000/year/2016,2017,2018,2019,2020"
            ):
                body = (REPLAY / "page1.json").read_text(encoding="utf-8")
                body = body.replace("NEXT", f"http://127.0.0.1:{self.server.server_port}/v2/page2")
            elif self.path == "/v2/page2":
                body = (REPLAY / "page2.json").read_text(encoding="utf-8")
            else:
                self.send_error(404)
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/v2", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetch_saves_every_page_and_the_report_uses_it(
    tmp_path: Path, server: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(FIVE, ws)
    shutil.rmtree(ws / "kolada")
    main_file = ws / "styrkort.yaml"
    main_file.write_text(
        main_file.read_text(encoding="utf-8").replace("  kolada: [kolada/N99999.json]\n", ""),
        encoding="utf-8",
    )
    before = run(ws)
    assert "kolada.missing" in [f.code for f in before.findings]
    base, requests = server
    assert main(["kolada", "fetch", str(ws), "--base-url", base]) == 0
    assert "5 värden" in capsys.readouterr().out
    assert len(requests) == 2  # the second page was followed
    assert (ws / "kolada" / "N99999.json").is_file()
    after = run(ws)
    assert "kolada.missing" not in [f.code for f in after.findings]
    goal = next(t for t in after.report.tables() if t.kind == "goal")  # type: ignore[union-attr]
    sick = next(r for r in goal.rows if r.cells[0].text == "Sjukfrånvaro")
    assert sick.cells[-1].text == "7,3 (2019)"


def test_fetch_without_network_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(FIVE, ws)
    # a port nothing listens on: refused at once, as a closed network answers
    code = main(["kolada", "fetch", str(ws), "--base-url", "http://127.0.0.1:9/v2"])
    assert code == 1
    err = capsys.readouterr().err
    assert "kunde inte hämtas" in err and "för hand" in err
    assert (ws / "kolada" / "N99999.json").read_bytes() == (
        FIVE / "kolada" / "N99999.json"
    ).read_bytes()


def test_fetch_refuses_other_schemes(tmp_path: Path) -> None:
    assert main(["kolada", "fetch", str(FIVE), "--base-url", "file:///etc/passwd"]) == 2

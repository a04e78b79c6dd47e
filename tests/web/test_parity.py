"""Parity (issue 15.1): a period in the database assesses, checks and reports exactly as its
folder does, computed indicators included. Every example runs through both paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.pipeline import run
from styrkort.report.model import to_data
from styrkort.sources.municipality import is_municipality
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import export_period, import_or_replace
from styrkort.web.views import run_period

pytestmark = pytest.mark.django_db
EXAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "examples").iterdir()
    # a municipality's folder (exempel-kommun) is no board workspace: tests/municipality/
    if (p / "styrkort.yaml").is_file() and not is_municipality(p)
)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_folder_and_database_give_the_same_report(example: Path) -> None:
    """Before: exempel-delar-2021's 8 computed indicators were "Saknar värde" in the database
    and its checks gave 8 errors that the folder did not."""
    folder = run(example)
    assert folder.report is not None
    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=example)
    assert period is not None
    db = run_period(period)
    assert db.report is not None
    assert to_data(db.report.sections) == to_data(folder.report.sections)
    assert sorted(f.code for f in db.findings) == sorted(f.code for f in folder.findings)
    assert db.assessed is not None and folder.assessed is not None
    assert db.assessed.computed.keys() == folder.assessed.computed.keys()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_data_files_are_stored_with_hash_and_size_and_exported(
    example: Path, tmp_path: Path
) -> None:
    import hashlib

    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=example)
    assert period is not None
    metric_files = {i.metric.file for g in ws.goals for i in g.indicators if i.metric}
    stored = {f.path: f for f in period.data_files.all()}
    assert metric_files <= set(stored)
    for path, row in stored.items():
        data = (example / path).read_bytes()
        assert row.size == len(data)
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.uploaded is not None
    export_period(period, tmp_path / "ut")
    for path in stored:
        assert (tmp_path / "ut" / path).read_bytes() == (example / path).read_bytes()
    # the exported folder computes as the original does
    again = run(tmp_path / "ut")
    assert again.assessed is not None
    assert again.assessed.computed.keys() == (run(example).assessed.computed.keys())  # type: ignore[union-attr]


def test_a_period_without_its_data_files_says_so(tmp_path: Path) -> None:
    """Before: a computed indicator without its data was silently "Saknar värde"."""
    example = next(e for e in EXAMPLES if (e / "data").is_dir())
    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws)  # no folder: no data files
    assert period is not None
    assert not m.DataFile.objects.filter(period=period).exists()
    codes = [f.code for f in run_period(period).findings]
    assert "metric.missing_file" in codes


@pytest.fixture
def interim(db: None) -> m.Period:
    example = next(e for e in EXAMPLES if e.name == "exempel-delar-2021")
    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=example)
    assert period is not None
    return period


def _staff(period: m.Period) -> dict[str, object]:
    from django.contrib.auth import get_user_model

    out = {}
    for name, role, labels in (("c", "controller", ""), ("o", "owner", "IT-chef")):
        user = get_user_model().objects.create_user(name, "", None)
        m.Membership.objects.create(
            user=user, organisation=period.organisation, role=role, owner_labels=labels
        )
        out[name] = user
    return out


def test_interim_screens_show_the_forecast_that_decides_the_status(
    interim: m.Period, client: object
) -> None:
    """Before: "Nej | Ja | ● Uppnått" — the outcome shown, the forecast that decided hidden."""
    import html

    from django.test import Client

    assert isinstance(client, Client)
    users = _staff(interim)
    client.force_login(users["c"])  # type: ignore[arg-type]
    page = html.unescape(client.get(f"/period/{interim.pk}/").content.decode())
    assert "Prognos (avgör bedömningen)" in page
    row = page[page.index("Förvaltningen är miljödiplomerad") :][:900]
    assert "Nej" in row and "Ja" in row and "Uppnått" in row
    assert row.index("Nej") < row.index("Ja<") < row.index("Uppnått")
    # a computed indicator: its figure and definition
    ind = interim.indicators.get(key="hme")
    detail = html.unescape(client.get(f"/period/{interim.pk}/indikator/{ind.pk}/").content.decode())
    assert "Beräkning och datafiler" in detail and "data/hme.csv" in detail
    assert "Datafilen saknas" not in detail


def test_controller_uploads_a_new_data_file_and_the_owner_cannot(
    interim: m.Period, client: object
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    assert isinstance(client, Client)
    users = _staff(interim)
    ind = interim.indicators.get(key="hme")
    url = f"/period/{interim.pk}/indikator/{ind.pk}/datafil/"
    old = interim.data_files.get(path="data/hme.csv")
    client.force_login(users["o"])  # type: ignore[arg-type]
    assert client.post(url, {"datafil": SimpleUploadedFile("hme.csv", b"x")}).status_code == 403
    client.force_login(users["c"])  # type: ignore[arg-type]
    new = bytes(old.content).replace(b"\n", b"\r\n")
    resp = client.post(url, {"datafil": SimpleUploadedFile("hme.csv", new)})
    assert resp.status_code == 302
    row = interim.data_files.get(path="data/hme.csv")
    assert row.size == len(new) and row.sha256 != old.sha256
    assert m.AuditEntry.objects.filter(action="ladda upp", field="datafil").exists()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_overview_shows_the_reports_goal_charts_with_their_alt_text(
    example: Path, client: object
) -> None:
    """Before: the overview drew its own bars (a second drawing) and none of the report's
    charts; now it shows the report's goal-attainment charts, the very same PNGs, with the
    report's alternative text (the figures in words)."""
    import base64
    import html
    import re

    from django.contrib.auth import get_user_model
    from django.test import Client

    from styrkort.render import charts
    from styrkort.report.model import Chart

    assert isinstance(client, Client)
    folder = run(example)
    assert folder.report is not None
    expected = [
        b
        for s in folder.report.walk()
        if s.id == "maluppfyllelse"
        for b in s.blocks
        if isinstance(b, Chart) and b.kind in ("status_distribution", "indicator_vs_target")
    ]
    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=example)
    assert period is not None
    user = get_user_model().objects.create_user("granskare", password="x")
    m.Membership.objects.create(user=user, organisation=period.organisation, role=m.Role.READER)
    client.force_login(user)
    page = client.get(f"/period/{period.pk}/").content.decode()
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)"', page)
    assert [html.unescape(alt) for _, alt in images] == [c.alt for c in expected]
    assert [base64.b64decode(data) for data, _ in images] == [charts.png(c) for c in expected]
    assert 'class="bar ' not in page

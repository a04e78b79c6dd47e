"""A municipality folder into the database: ``styrkort import`` on a municipality's folder and
``styrkort manage importera_kommun`` (web/municipality_import.py)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from styrkort.commands.importexport import handle_import
from styrkort.web import models as m
from styrkort.web.municipality_import import import_municipality

pytestmark = pytest.mark.django_db

KOMMUN = Path(__file__).resolve().parents[2] / "examples" / "exempel-kommun"


def test_every_board_becomes_a_period_linked_under_its_id() -> None:
    result = import_municipality(KOMMUN)
    assert result.municipality is not None, [f.format() for f in result.findings]
    k = result.municipality
    assert k.config == (KOMMUN / "styrkort.yaml").read_text(encoding="utf-8")
    links = list(k.board_links.select_related("organisation"))
    assert [link.board_id for link in links] == ["ks", "bun", "sn", "tn", "kfn", "bmn", "ofn", "vn"]
    assert links[0].organisation.name == "Kommunstyrelsen"
    assert all(link.organisation.periods.get().year == 2022 for link in links)
    assert len(result.imported) == 8 and not result.kept


def test_importing_again_keeps_the_boards_periods_and_the_municipality() -> None:
    first = import_municipality(KOMMUN)
    assert first.municipality is not None
    period = first.imported[0]
    period.state = m.PeriodState.APPROVED
    period.save(update_fields=["state"])
    again = import_municipality(KOMMUN)
    assert again.municipality == first.municipality
    assert len(again.kept) == 8 and not again.imported
    period.refresh_from_db()
    assert period.state == m.PeriodState.APPROVED  # an approval is never undone by an import
    assert m.Municipality.objects.count() == 1 and m.Period.objects.count() == 8


def test_a_board_with_errors_stores_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "kommun"
    shutil.copytree(KOMMUN, folder)
    (folder / "namnder" / "valnamnden" / "styrkort.yaml").write_text(
        "organisation: [\n", encoding="utf-8"
    )
    result = import_municipality(folder)
    assert result.municipality is None
    assert any("namnder/valnamnden" in str(f.source) for f in result.findings)
    assert not m.Municipality.objects.exists() and not m.Period.objects.exists()
    with pytest.raises(CommandError, match="inget lästes in"):
        call_command("importera_kommun", str(folder))


def test_styrkort_import_dispatches_on_a_municipality_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = argparse.Namespace(workspace=KOMMUN, replace=False, force=False)
    assert handle_import(args) == 0
    assert "läste in Exempelby kommun" in capsys.readouterr().out
    assert m.MunicipalityBoard.objects.count() == 8

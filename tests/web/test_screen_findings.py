"""Findings in the screen's words (issue 15.7): a period kept in the database has no folder,
so no finding shown on a web screen sends its user to docs/, a YAML key or a workspace file;
it says where on the screens to fix it (web/screen_findings.py)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from styrkort.core.findings import Source, error
from styrkort.sources.municipality import is_municipality
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace
from styrkort.web.screen_findings import FOLDER_WORDS, on_screen

pytestmark = pytest.mark.django_db
EXAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "examples").iterdir()
    # a municipality's folder is no board workspace (tests/municipality/); its boards are
    if (p / "styrkort.yaml").is_file() and not is_municipality(p)
)
FOLDER_NAMES = re.compile(r"docs/|\b[\w./-]+\.(?:ya?ml|csv)\b")


def _controller(client: Client, period: m.Period) -> Client:
    user = get_user_model().objects.create_user("kontroller", "", None)
    m.Membership.objects.create(user=user, organisation=period.organisation, role="controller")
    client.force_login(user)
    return client


def _finding_texts(page: str) -> list[str]:
    """The text of every finding list on a page: the findings table, the indicator's and the
    follow-up screens' lists, the narrative preview's."""
    text = html.unescape(page)
    parts = re.findall(r'<table class="findings">(.*?)</table>', text, re.S)
    parts += re.findall(r'<li class="finding[^"]*">(.*?)</li>', text, re.S)
    return parts


def _data_files(period: m.Period) -> set[str]:
    """The data files the indicators' pages list under Beräkning och datafiler (their names
    are the screen's words: the user uploads them there)."""
    out = set()
    for ind in period.indicators.exclude(metric=None):
        metric = ind.metric or {}
        out.add(str(metric.get("file", "")))
        out |= {str(v) for _k, v in metric.get("params", []) if "." in str(v)}
        out |= {str(f) for _y, f in metric.get("history", [])}
    return out - {""}


def _without(text: str, names: set[str]) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


def _broken_period(example: Path) -> m.Period:
    """The example in the database, with what makes the folder-worded hints appear: an unknown
    live figure in a narrative, an indicator without outcome, a computed indicator whose data
    file is gone."""
    ws = load_workspace(example).workspace
    assert ws is not None
    period, _ = import_or_replace(ws, root=example)
    assert period is not None
    sec = period.narrative.first()
    if sec is not None:
        sec.markdown += "\n\nÅrets siffra är {{ okänd_uppgift }}.\n"
        sec.save()
    ind = period.indicators.filter(metric__isnull=True).first() or period.indicators.first()
    if ind is not None and not ind.metric:
        ind.outcome = ""
        ind.save()
    m.DataFile.objects.filter(period=period).delete()
    return period


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_no_finding_on_a_screen_names_docs_or_workspace_files(
    example: Path, client: Client
) -> None:
    """Before: "Rätta namnet (se docs/workspace.md)", "Datakällan 'data/arenden.csv' … Rätta
    sökvägen (relativ till arbetsytan)", "Ange utfallet … i indikatorns history" on the web."""
    period = _broken_period(example)
    c = _controller(client, period)
    data_files = _data_files(period)
    pages = [f"/period/{period.pk}/", f"/period/{period.pk}/fynd/", f"/period/{period.pk}/rapport/"]
    pages += [f"/period/{period.pk}/indikator/{i.pk}/" for i in period.indicators.all()]
    pages += [f"/period/{period.pk}/mal/{g.pk}/" for g in period.goals.all()]
    shown = 0
    for url in pages:
        resp = c.get(url)
        if resp.status_code == 404:
            continue
        assert resp.status_code == 200, url
        page = resp.content.decode()
        for text in _finding_texts(page):
            shown += 1
            assert not FOLDER_NAMES.search(_without(text, data_files)), (url, text)
        assert "web:" not in html.unescape(page), url
    assert shown
    for sec in period.narrative.all():
        resp = c.post(
            f"/period/{period.pk}/berattelse/{sec.pk}/forhandsgranska/",
            {"markdown": sec.markdown},
        )
        for text in _finding_texts(resp.content.decode()):
            assert not FOLDER_NAMES.search(_without(text, data_files)), text
    data = json.loads(c.get(f"/api/periods/{period.pk}/findings/").content)
    for f in data["findings"]:
        assert not FOLDER_NAMES.search(_without(f["message"] + " " + f["hint"], data_files)), f


def test_rewritten_hints_say_the_screen_and_field() -> None:
    src = Source("web:indikator/hme/utfall")
    f = on_screen(
        error(
            src,
            "metric.missing_file",
            "Datakällan 'data/hme.csv' för 'HME' finns inte.",
            "Rätta sökvägen (relativ till arbetsytan) eller lägg filen på plats.",
        )
    )
    assert f.message == "Datafilen 'data/hme.csv' för 'HME' finns inte."
    assert "Beräkning och datafiler" in f.hint
    n = on_screen(
        error(
            Source("web:berättelse/drift", 3),
            "narrative.unknown_figure",
            "Texten bäddar in 'resulat', som inte är någon känd uppgift.",
            "Rätta namnet, t.ex. resultat (se docs/workspace.md).",
        )
    )
    assert n.hint == "Rätta namnet, t.ex. resultat (i fältet Text på berättelsens sida)."
    # a hint no rewrite knows that still names a folder's words: the screen and field instead
    g = on_screen(error(src, "some.code", "Fel.", "Se docs/workspace.md och ange history.kolada."))
    assert g.hint == "Rätta det på skärmen indikator, fältet utfall."
    assert not FOLDER_WORDS.search(g.hint)
    # a folder's finding is the folder's: unchanged
    h = error(Source("goals.yaml", 3), "some.code", "Fel.", "Se docs/workspace.md.")
    assert on_screen(h) == h

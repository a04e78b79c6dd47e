"""The report model is built in one pass, and its finance rows say where they come from
(issue 11): the audit of the printed tables matches rows by their source, not by position."""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.core.assessed import assess_workspace
from styrkort.pipeline import run
from styrkort.report import build
from styrkort.report.model import Paragraph
from styrkort.sources.workspace import load_workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


def test_each_section_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, int] = {}
    for name in ("section_finance", "section_goals", "section_narrative", "operating_table"):
        original = getattr(build._Builder, name)

        def counted(self: build._Builder, *args: object, _n: str = name, _f=original) -> object:  # type: ignore[no-untyped-def]
            calls[_n] = calls.get(_n, 0) + 1
            return _f(self, *args)

        monkeypatch.setattr(build._Builder, name, counted)
    ws = load_workspace(EXAMPLE).workspace
    assert ws is not None
    report, _ = build.build_report(assess_workspace(ws))
    assert calls == {
        "section_finance": 1,
        "section_goals": 1,
        "section_narrative": 1,
        "operating_table": 1,
    }
    # no placeholder survives, and the narrative's live figures are filled in
    paragraphs = [b for s in report.walk() for b in s.blocks if isinstance(b, Paragraph)]
    assert not [p for p in paragraphs if (p.key or "").startswith("narrative:")]
    assert any("tkr" in p.text and not p.generated for p in paragraphs)


def test_finance_rows_carry_their_workspace_row() -> None:
    result = run(EXAMPLE)
    assert result.report is not None and result.workspace is not None
    ws = result.workspace
    tables = {t.kind: t for t in result.report.tables()}
    operating = tables["operating"]
    by_label = {row.cells[0].text: row.source for row in operating.rows}
    for r in ws.operating:
        assert by_label[r.category] == r.source
    assert by_label["TOTALT INTÄKTER"] is None and by_label["NETTORESULTAT"] is None
    investments = tables["investments"]
    assert [row.source for row in investments.rows] == [
        *(r.source for r in ws.investments),
        ws.investment_total_label_source,
    ]

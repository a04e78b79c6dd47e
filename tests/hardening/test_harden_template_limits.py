"""A Word template cannot hang a build or fill the memory (issue 18: nothing a file can send
hangs): loops in loops are stopped by ``max_template_seconds``, and ``*``, ``**``, size
arguments of filters and format widths by ``max_template_items``, each a ``limit.*`` finding.

Before: ``{% for a in range(99999) %}{% for b in range(99999) %}…`` ran for hours, and
``{{ 10 ** 100000000 }}`` hung already in the check (a plain Jinja environment folds
constants while it compiles)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from styrkort.render import docx

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sydnarke-it-2020"


@pytest.fixture(scope="module")
def report() -> Any:
    from styrkort.pipeline import run

    return run(EXAMPLE).report


def template(tmp_path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.add_paragraph("{{p rapport }}")
    path = tmp_path / "mall.docx"
    doc.save(str(path))
    return path


def codes(report: Any, path: Path, seconds: float = 60) -> list[str]:
    try:
        docx.render_template(report, path, seconds=seconds)
    except docx.TemplateError as exc:
        return sorted({f.code for f in exc.findings})
    return []


@pytest.mark.parametrize(
    "text",
    [
        "{{ 10 ** 100000000 }}",
        "{{ ('x' * 999999999)|length }}",
        "{{ ([1] * 999999999)|length }}",
        "{{ titel|center(2000000000) }}",
        "{{ '%999999999d'|format(1) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ [1]|batch(999999999)|list|length }}",
    ],
)
def test_a_huge_value_is_a_limit_finding(report: Any, tmp_path: Path, text: str) -> None:
    started = time.monotonic()
    assert codes(report, template(tmp_path, text)) == ["limit.max_template_items"]
    assert time.monotonic() - started < 30


def test_a_loop_in_a_loop_is_stopped_in_time(report: Any, tmp_path: Path) -> None:
    text = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    assert codes(report, template(tmp_path, text), seconds=1) == ["limit.max_template_seconds"]
    assert time.monotonic() - started < 30


def test_ordinary_arithmetic_and_filters_still_work(report: Any, tmp_path: Path) -> None:
    text = "{{ titel * 2 }} {{ ar ** 2 }} {{ titel|center(80) }} {{ '%05d'|format(ar) }}"
    assert codes(report, template(tmp_path, text)) == []


def test_the_deadline_leaves_nothing_pending(report: Any, tmp_path: Path) -> None:
    """After a stopped render the thread goes on normally (no stray exception later)."""
    text = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
    codes(report, template(tmp_path, text), seconds=0.5)
    total = 0
    for i in range(200_000):
        total += i
    assert total == sum(range(200_000))
    assert codes(report, template(tmp_path, "{{ titel }}")) == []


@pytest.mark.parametrize("part", ["/word/styles.xml", "/word/settings.xml"])
def test_a_package_part_of_the_wrong_content_type_is_an_unreadable_template(
    tmp_path: Path, report: Any, part: str
) -> None:
    """Found by bench/fuzz.py (word-template, a whole .docx with a mutated part): a styles or
    settings part whose content type python-docx does not know was read as a plain part,
    and writing the report raised AttributeError out of render_template."""
    import re
    import zipfile

    good = template(tmp_path, "{{ titel }}")
    bad = tmp_path / "trasig.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            blob = src.read(name)
            if name == "[Content_Types].xml":
                blob = re.sub(
                    rb'(PartName="' + re.escape(part.encode()) + rb'" ContentType=")[^"]*',
                    rb"\1application/vnd.openxmlformats-officedocument.wordproces",
                    blob,
                )
            dst.writestr(name, blob)
    assert [f.code for f in docx.check_template(bad)] == ["word_template.unreadable"]
    assert codes(report, bad) == ["word_template.unreadable"]
    assert codes(report, good) == []

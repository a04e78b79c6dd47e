"""Issue 18, High 2: a Word template is rendered in a sandbox and can run no code.

Before the fix docxtpl rendered with a plain Jinja environment, so a template (which
comes with a workspace, perhaps from someone else) reached ``os.system`` through
``cycler.__init__.__globals__`` or ``__subclasses__()``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from styrkort.report.model import Report


def _template(tmp_path: Path, *paragraphs: str) -> Path:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    path = tmp_path / "mall.docx"
    doc.save(str(path))
    return path


ATTACKS = [
    # the classic escape through a Jinja global's module globals
    "{{ cycler.__init__.__globals__.os.system('touch CANARY') }}",
    # through the report's own values
    "{{ titel.__class__.__mro__[1].__subclasses__() }}",
    "{% for c in titel.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
    "{{ c(['touch', 'CANARY']) }}{% endif %}{% endfor %}",
    # str.format reaching attributes
    "{{ '{0.__class__.__mro__}'.format(titel) }}",
    # changing the report's values
    "{{ figurer.clear() }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_template_that_reaches_beyond_the_values_is_a_finding_and_runs_nothing(
    report: Report, tmp_path: Path, attack: str
) -> None:
    from styrkort.render import docx

    canary = tmp_path / "pwned"
    path = _template(tmp_path, attack.replace("CANARY", str(canary)), "{{p rapport }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.unsafe", finding
    assert "mallen användes inte" in finding.message
    assert not canary.exists()
    assert not (tmp_path / "out" / "rapport.docx").exists()


def test_an_ordinary_template_still_fills(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(
        tmp_path,
        "{{ titel }} {{ ar }} {{ figurer | length > 0 }}",
        "{% for k, v in meningar.items() %}{% endfor %}",
        "{{p rapport }}",
    )
    out = docx.write(report, tmp_path / "out", template=path)
    assert out.stat().st_size > 0


def test_an_expression_that_fails_is_a_finding(report: Report, tmp_path: Path) -> None:
    from styrkort.render import docx

    path = _template(tmp_path, "{{ titel + 1 }}", "{{p rapport }}")
    with pytest.raises(docx.TemplateError) as info:
        docx.write(report, tmp_path / "out", template=path)
    [finding] = info.value.findings
    assert finding.code == "word_template.render"

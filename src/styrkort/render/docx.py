"""Report model → Word (DOCX) with python-docx, or into a municipality's own Word template (docxtpl).

What a Word user relies on is real structure: Word's own heading styles
(Heading 1/2/3, so that Word's table of contents and navigation pane work),
real tables whose header row repeats on every page (``w:tblHeader``) and whose
rows never split (``w:cantSplit``), a table-of-contents field that Word fills in
when the document is opened (``w:updateFields``), charts as pictures with
alternative text (``wp:docPr/@descr``), the document language sv-SE and the
core properties title and author.

A municipality's template is a .docx with Jinja tags that docxtpl understands;
the placeholders are listed in ``PLACEHOLDERS`` and documented in
docs/publication.md. A template that lacks the report's body or asks for
something the data cannot fill is reported as findings (``TemplateError``),
never as a crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import math
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from styrkort.core.findings import Finding, Source, error
from styrkort.core.limits import MAX_TEMPLATE_ITEMS, MAX_TEMPLATE_SECONDS, Limit, exceeded
from styrkort.render.textsafe import xml_safe
from styrkort.report.model import (
    Block,
    BulletList,
    Cell,
    Chart,
    Paragraph,
    Report,
    RichList,
    RichParagraph,
    Section,
    Span,
    SubHeading,
    Table,
)

FILENAME = "rapport.docx"
LANG = "sv-SE"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
NUMERIC = ("amount", "value", "target")
# The placeholders a Word template may use (docs/publication.md lists them with examples).
PLACEHOLDERS: dict[str, str] = {
    "titel": "rapportens titel (Årsredovisning 2020)",
    "organisation": "nämndens namn",
    "kommun": "kommunen (värdkommunen)",
    "period": "periodens namn",
    "ar": "rapportens år",
    "rapport": "hela rapportens innehåll: rubriker, text, tabeller och diagram (skrivs {{p rapport }})",
    "avsnitt": "ett avsnitt för sig, efter id: {{p avsnitt.maluppfyllelse }}, {{p avsnitt.ekonomi }} …",
    "figurer": "levande siffror efter namn: {{ figurer['resultat'] }}",
    "meningar": "genererade meningar efter nyckel: {{ meningar['result'] }}",
    "innehallsforteckning": "ett innehållsförteckningsfält (skrivs {{p innehallsforteckning }})",
}
BODY_PLACEHOLDERS = ("rapport", "avsnitt")


class TemplateError(Exception):
    """The Word template cannot be used; ``findings`` say why and what to do."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


# --- low-level OOXML helpers -----------------------------------------------------------


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _el(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_qn(key), value)
    return el


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    """A complex field (TOC, PAGE, NUMPAGES) in ``paragraph``."""
    run = paragraph.add_run()
    run._r.append(_el("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    instr = _el("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "separate"}))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(_el("w:fldChar", **{"w:fldCharType": "end"}))


def _ensure_style(doc: Any, name: str, base: str | None = None, outline: int | None = None) -> str:
    """The style's name; created (minimal) when a template lacks it, so headings still reach the TOC."""
    from docx.enum.style import WD_STYLE_TYPE

    styles = doc.styles
    try:
        styles[name]
        return name
    except KeyError:
        pass
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        with contextlib.suppress(KeyError):
            style.base_style = styles[base]
    if outline is not None:
        ppr = style.element.get_or_add_pPr()
        ppr.append(_el("w:outlineLvl", **{"w:val": str(outline)}))
        style.font.bold = True
    return name


def _set_language(doc: Any) -> None:
    """sv-SE as the language of the document defaults (spell checking, hyphenation, screen readers)."""
    styles_el = doc.styles.element
    defaults = styles_el.find(_qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles_el.insert(0, defaults)
    rpr_default = defaults.find(_qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(_qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rpr.append(lang)
    lang.set(_qn("w:val"), LANG)
    lang.set(_qn("w:eastAsia"), LANG)
    lang.set(_qn("w:bidi"), "ar-SA")


def _update_fields_on_open(doc: Any) -> None:
    settings = doc.settings.element
    existing = settings.find(_qn("w:updateFields"))
    if existing is None:
        existing = _el("w:updateFields")
        settings.append(existing)
    existing.set(_qn("w:val"), "true")


def _property(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _set_core(doc: Any, report: Report) -> None:
    props = doc.core_properties
    # Word's document properties hold at most 255 characters (python-docx raises past that)
    props.title = _property(f"{report.title} – {report.organisation}")
    props.author = _property(report.organisation)
    props.subject = _property(report.period)
    props.language = LANG
    props.keywords = "Styrkort"
    props.comments = "Byggd med Styrkort ur nämndens uppföljningsdata."


# --- the body --------------------------------------------------------------------------


class _Writer:
    """Writes report blocks into a python-docx document or a docxtpl subdocument."""

    def __init__(self, doc: Any, styles_doc: Any) -> None:
        self.doc = doc
        self.styles_doc = styles_doc
        self.heading_styles = {
            n: _ensure_style(styles_doc, f"Heading {n}", "Normal", n - 1) for n in range(1, 5)
        }
        self.caption_style = _ensure_style(styles_doc, "Caption", "Normal")
        self.bullet_style = _ensure_style(styles_doc, "List Bullet", "Normal")
        self.number_style = _ensure_style(styles_doc, "List Number", "Normal")
        try:
            styles_doc.styles["Table Grid"]
            self.table_style: str | None = "Table Grid"
        except KeyError:
            self.table_style = None

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(text, style=self.heading_styles[min(level, 4)])

    def section(self, s: Section) -> None:
        self.heading(f"{s.number} {s.title}", s.level)
        for block in s.blocks:
            self.block(block, s.level)
        for child in s.children:
            self.section(child)

    def block(self, b: Block, level: int) -> None:
        if isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Paragraph):
            self.doc.add_paragraph(b.text)
        elif isinstance(b, BulletList):
            for item in b.items:
                self.doc.add_paragraph(item, style=self.bullet_style)
        elif isinstance(b, RichParagraph):
            self.spans(self.doc.add_paragraph(), b.spans)
        elif isinstance(b, RichList):
            style = self.number_style if b.ordered else self.bullet_style
            numbered = b.ordered and self.restart_numbering(None)
            for n, spans in enumerate(b.items, 1):
                para = self.doc.add_paragraph(style=style)
                if numbered:
                    self.number_paragraph(para)
                elif b.ordered:  # a template whose list style has no numbers: write them
                    para.add_run(f"{n}. ")
                self.spans(para, spans)
        elif isinstance(b, SubHeading):
            self.heading(b.text, level + 1)
        elif isinstance(b, Chart):
            self.chart(b)

    def spans(self, para: Any, spans: tuple[Span, ...]) -> None:
        """Runs with bold and italic; a link is a real hyperlink (blue, underlined)."""
        for sp in spans:
            if sp.href:
                _hyperlink(para, sp.text, sp.href, bold=sp.strong, italic=sp.em)
            else:
                run = para.add_run(sp.text)
                run.bold = sp.strong or None
                run.italic = sp.em or None

    def _style_num_id(self, name: str) -> int | None:
        element = self.doc.styles[name].element
        ppr = element.pPr
        if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
            return None
        return int(ppr.numPr.numId.val)

    def restart_numbering(self, _para: Any) -> bool:
        """Each numbered list starts at 1: a new numbering instance of the style's list.
        False when the style has no numbering (a template without "List Number")."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        num_id = self._style_num_id(self.number_style)
        if num_id is None:
            return False
        try:
            numbering = self.doc.part.numbering_part.element
            abstract = numbering.num_having_numId(num_id).abstractNumId.val
            num = numbering.add_num(abstract)
            override = OxmlElement("w:lvlOverride")
            override.set(qn("w:ilvl"), "0")
            start = OxmlElement("w:startOverride")
            start.set(qn("w:val"), "1")
            override.append(start)
            num.append(override)
            self._list_num = num.numId
        except (AttributeError, KeyError, NotImplementedError):
            self._list_num = None
        return True

    def number_paragraph(self, para: Any) -> None:
        if getattr(self, "_list_num", None) is not None:
            num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = self._list_num

    def _cell_text(self, c: Cell) -> str:
        text = f"{c.symbol} {c.text}" if c.kind == "status" and c.symbol else c.text
        return f"{text} ({c.note})" if c.note else text

    def table(self, t: Table) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        caption = t.caption + (f" ({t.unit})" if t.unit else "")
        cap = self.doc.add_paragraph(caption, style=self.caption_style)
        cap.paragraph_format.keep_with_next = True
        table = self.doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
        if self.table_style:
            table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        tbl_pr = table._tbl.tblPr
        tbl_pr.append(_el("w:tblCaption", **{"w:val": caption}))
        tbl_pr.append(
            _el("w:tblDescription", **{"w:val": f"Tabell: {caption}, {len(t.rows)} rader."})
        )
        header = table.rows[0]
        trpr = header._tr.get_or_add_trPr()
        trpr.append(_el("w:cantSplit"))
        trpr.append(_el("w:tblHeader"))
        for i, col in enumerate(t.columns):
            cell = header.cells[i]
            cell.text = ""
            run = cell.paragraphs[0].add_run(col.label)
            run.bold = True
            if col.kind in NUMERIC:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            cell._tc.get_or_add_tcPr().append(
                _el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": "EEF2F6"})
            )
        for r_index, row in enumerate(t.rows, 1):
            doc_row = table.rows[r_index]
            doc_row._tr.get_or_add_trPr().append(_el("w:cantSplit"))
            bold = row.kind in ("subtotal", "total", "goal")
            for i, c in enumerate(row.cells):
                cell = doc_row.cells[i]
                para = cell.paragraphs[0]
                run = para.add_run(self._cell_text(c))
                run.bold = bold
                run.font.size = Pt(9)
                if c.kind in NUMERIC:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for note in t.notes:
            p = self.doc.add_paragraph(note)
            for run in p.runs:
                run.font.size = Pt(8)
        if not t.notes:
            self.doc.add_paragraph()

    def chart(self, chart: Chart) -> None:
        from docx.shared import Cm

        from styrkort.render import charts

        para = self.doc.add_paragraph()
        para.paragraph_format.keep_with_next = True
        shape = para.add_run().add_picture(io.BytesIO(charts.png(chart)), width=Cm(16))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", chart.alt)
        doc_pr.set("title", chart.title)
        self.doc.add_paragraph(chart.title, style=self.caption_style)


def _header_footer(doc: Any, report: Report) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    section.different_first_page_header_footer = True
    head = section.header.paragraphs[0]
    head.text = f"{report.organisation} – {report.title}"
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run("Sida ")
    _field(foot, "PAGE", "1")
    foot.add_run(" av ")
    _field(foot, "NUMPAGES", "1")


def _toc(doc: Any) -> None:
    doc.add_paragraph("Innehållsförteckning", style=_ensure_style(doc, "TOC Heading", "Normal"))
    _field(
        doc.add_paragraph(),
        TOC_INSTRUCTION,
        "Innehållsförteckningen fylls i när dokumentet öppnas (eller högerklicka och välj Uppdatera fält).",
    )


def build_document(report: Report) -> Any:
    """The report as a python-docx ``Document`` (Styrkort's own layout)."""
    report = xml_safe(report)
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    _set_language(doc)
    _set_core(doc, report)
    _update_fields_on_open(doc)
    for name in ("Normal",):
        doc.styles[name].font.name = "Liberation Sans"
    kicker = report.title + (f" för {report.municipality}" if report.municipality else "")
    doc.add_paragraph(kicker, style="Subtitle")
    doc.add_paragraph(report.organisation, style="Title")
    doc.add_paragraph(f"Period: {report.period}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _toc(doc)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    writer = _Writer(doc, doc)
    for s in report.sections:
        writer.section(s)
    _header_footer(doc, report)
    return doc


def render_docx(report: Report) -> bytes:
    buf = io.BytesIO()
    build_document(report).save(buf)
    return buf.getvalue()


# --- a municipality's own template (docxtpl) -----------------------------------------


def _subdoc(tpl: Any, sections: Iterable[Section]) -> Any:
    sd = tpl.new_subdoc()
    writer = _Writer(sd, tpl.get_docx())
    for s in sections:
        writer.section(s)
    return sd


def _toc_subdoc(tpl: Any) -> Any:
    sd = tpl.new_subdoc()
    _toc(_SubdocProxy(sd, tpl.get_docx()))
    return sd


class _SubdocProxy:
    """A subdocument that looks up styles in the template (where they live)."""

    def __init__(self, sd: Any, styles_doc: Any) -> None:
        self.sd = sd
        self.styles = styles_doc.styles

    def add_paragraph(self, text: str = "", style: str | None = None) -> Any:
        return self.sd.add_paragraph(text, style=style)


def template_context(report: Report, tpl: Any, used: set[str] | None = None) -> dict[str, Any]:
    """The values a template's placeholders are filled with (see ``PLACEHOLDERS``).

    Subdocuments are built only for the placeholders the template ``used``
    (their pictures would otherwise be stored in the file unused).
    """
    wanted = set(PLACEHOLDERS) if used is None else used
    context: dict[str, Any] = {
        "titel": report.title,
        "organisation": report.organisation,
        "kommun": report.municipality,
        "period": report.period,
        "ar": report.year,
        "figurer": dict(report.figures),
        "meningar": dict(report.sentences),
    }
    if "rapport" in wanted:
        context["rapport"] = _subdoc(tpl, report.sections)
    if "avsnitt" in wanted:
        context["avsnitt"] = {s.id: _subdoc(tpl, [s]) for s in report.walk()}
    if "innehallsforteckning" in wanted:
        context["innehallsforteckning"] = _toc_subdoc(tpl)
    return context


def _template_finding(template: Path, code: str, message: str, hint: str) -> Finding:
    return error(Source(str(template)), code, message, hint)


def check_template(template: Path) -> list[Finding]:
    """Findings about a Word template before it is filled: readable, has the body, no unknown placeholders."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    if not template.is_file():
        return [
            _template_finding(
                template,
                "word_template.missing",
                f"Word-mallen '{template}' finns inte.",
                "Rätta sökvägen till mallen (publication.word_template i styrkort.yaml eller --word-template).",
            )
        ]
    try:
        tpl = DocxTemplate(str(template))
        # the sandbox parses too: a plain environment folds constants while it compiles, and
        # {{ 10 ** 100000000 }} would then take hours before anything could stop it
        variables = tpl.get_undeclared_template_variables(jinja_env=template_environment())
        _package_parts(tpl.get_docx())
    except TemplateSyntaxError as exc:
        return [
            _template_finding(
                template,
                "word_template.syntax",
                f"Word-mallen har en trasig platshållare: {exc.message}.",
                "Skriv platshållare som {{ namn }} och {{p rapport }}, hela i en och samma formatering (Word delar annars upp dem).",
            )
        ]
    except Exception as exc:  # a .docx that is not one: zip or XML errors of many kinds
        return [
            _template_finding(
                template,
                "word_template.unreadable",
                f"Word-mallen kunde inte läsas som .docx ({type(exc).__name__}: {exc}).",
                "Spara mallen i Word som Word-dokument (.docx) och försök igen.",
            )
        ]
    findings = []
    unknown = sorted(v for v in variables if v not in PLACEHOLDERS)
    for name in unknown:
        findings.append(
            _template_finding(
                template,
                "word_template.unknown_placeholder",
                f"Word-mallen har platshållaren {{{{ {name} }}}} som rapportens data inte kan fylla.",
                f"Ta bort den eller byt till en av: {', '.join(sorted(PLACEHOLDERS))} (se docs/publication.md).",
            )
        )
    if not any(p in variables for p in BODY_PLACEHOLDERS):
        findings.append(
            _template_finding(
                template,
                "word_template.no_body",
                "Word-mallen saknar platshållaren för rapportens innehåll, så rapporten skulle bli tom.",
                "Lägg in ett eget stycke med {{p rapport }} där rapporten ska stå (eller {{p avsnitt.<id> }} per avsnitt).",
            )
        )
    return findings


def _package_parts(doc: Any) -> None:
    """Touch the package parts the report is written with (styles, numbering, settings,
    properties): a part of the wrong content type is found here as an exception, not later
    while the report is written (bench/fuzz.py found a styles part read as a plain part)."""
    doc.styles.element  # noqa: B018
    doc.settings.element  # noqa: B018
    doc.core_properties.title  # noqa: B018
    # none, or not one: the writer's lists go without (as restart_numbering does)
    with contextlib.suppress(AttributeError, KeyError, NotImplementedError):
        doc.part.numbering_part.element  # noqa: B018


class TemplateLimit(Exception):
    """A template went over ``MAX_TEMPLATE_ITEMS`` or ``MAX_TEMPLATE_SECONDS``."""

    def __init__(self, limit: Limit, actual: int | None = None) -> None:
        super().__init__(limit.name)
        self.limit = limit
        self.actual = actual


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


_BIG_WIDTH = re.compile(r"[%{:][^%{}]*?\d{7,}")  # a format width of millions: '%999999999d'


def _check_arguments(values: Iterable[Any]) -> None:
    """An argument that would make a filter or a call build something huge
    (``center(10**9)``, ``indent(...)``, ``'%999999999d'|format``, ``'{:>999999999}'.format``)."""
    most = MAX_TEMPLATE_ITEMS.value
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > most:
            raise TemplateLimit(MAX_TEMPLATE_ITEMS, int(min(abs(value), 10**18)))
        if isinstance(value, str) and _BIG_WIDTH.search(value):
            raise TemplateLimit(MAX_TEMPLATE_ITEMS)


def _bounded_filter(func: Any) -> Any:
    @functools.wraps(func)  # keeps jinja's pass_context/pass_eval_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_arguments([*args, *kwargs.values()])
        return func(*args, **kwargs)

    return bounded


def template_environment() -> Any:
    """The Jinja environment a Word template is filled in (also what bench/fuzz.py fuzzes).

    A template comes with a workspace, perhaps from another organisation: it is code we did
    not write. The sandbox lets it read the report's values and nothing else (no attributes
    starting with "_", no method that changes a value, no str.format escape), and ``*`` and
    ``**`` may not make a value over ``MAX_TEMPLATE_ITEMS`` (``'x' * 10**10`` would take
    10 GB). Time is bounded by ``render_template`` (``MAX_TEMPLATE_SECONDS``)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Bounded(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
            bound = getattr(getattr(obj, "__wrapped__", obj), "__self__", None)  # str.format's
            _check_arguments([bound, *args, *kwargs.values()])
            return super().call(context, obj, *args, **kwargs)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            most = MAX_TEMPLATE_ITEMS.value
            if operator == "*":
                for seq, n in ((left, right), (right, left)):
                    size = _size(seq)
                    if size is not None and isinstance(n, int) and size * n > most:
                        raise TemplateLimit(MAX_TEMPLATE_ITEMS, size * n)
            elif (
                isinstance(left, int | float)
                and isinstance(right, int | float)
                and abs(left) > 1
                and right > 0
                and right * math.log10(abs(left)) > 300  # more digits than any figure has
            ):
                raise TemplateLimit(MAX_TEMPLATE_ITEMS)
            return super().call_binop(context, operator, left, right)

    from jinja2 import StrictUndefined

    env = Bounded(undefined=StrictUndefined, autoescape=True)
    env.filters = {name: _bounded_filter(f) for name, f in env.filters.items()}
    return env


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the code in this thread after ``seconds`` with ``TemplateLimit`` (a Jinja loop
    runs Python code, so an exception set from a watchdog thread reaches it; works in any
    thread, unlike an alarm signal)."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}
    stop = threading.Event()

    def watch() -> None:
        if stop.wait(seconds):
            return
        with lock:
            if not state["finished"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(_TemplateTimeout)
                )

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        with lock:
            state["finished"] = True
        watcher.join()
        if state["fired"]:
            # the exception may still be pending: clear it, and say so in one place
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            raise TemplateLimit(MAX_TEMPLATE_SECONDS)


class _TemplateTimeout(TemplateLimit):
    """Raised in the rendering thread by the watchdog (made without arguments)."""

    def __init__(self) -> None:
        super().__init__(MAX_TEMPLATE_SECONDS)


def render_template(report: Report, template: Path, *, seconds: float | None = None) -> bytes:
    """The report filled into a municipality's Word template; raises ``TemplateError`` with findings.

    ``seconds``: the time limit (``MAX_TEMPLATE_SECONDS`` when None)."""
    report = xml_safe(report)
    from docxtpl import DocxTemplate
    from jinja2 import UndefinedError
    from jinja2.exceptions import SecurityError

    findings = check_template(template)
    if findings:
        raise TemplateError(findings)
    try:
        tpl = DocxTemplate(str(template))
        used = set(tpl.get_undeclared_template_variables(jinja_env=template_environment()))
        context = template_context(report, tpl, used)
    except Exception as exc:  # a package part check_template's reading did not touch
        raise TemplateError(
            [
                _template_finding(
                    template,
                    "word_template.unreadable",
                    f"Word-mallen kunde inte läsas som .docx ({type(exc).__name__}: {exc}).",
                    "Spara mallen i Word som Word-dokument (.docx) och försök igen.",
                )
            ]
        ) from exc
    env = template_environment()  # the sandbox: the report's values and nothing else
    try:
        with _deadline(seconds if seconds is not None else MAX_TEMPLATE_SECONDS.value):
            tpl.render(context, jinja_env=env)
    except TemplateLimit as exc:
        raise TemplateError(
            [
                exceeded(
                    exc.limit,
                    Source(str(template)),
                    exc.actual,
                    "Word-mallen",
                    "mallen användes inte",
                )
            ]
        ) from exc
    except SecurityError as exc:
        raise TemplateError(
            [
                _template_finding(
                    template,
                    "word_template.unsafe",
                    f"Word-mallen försöker nå något annat än rapportens värden ({exc}); mallen användes inte.",
                    "Använd bara platshållarna i docs/publication.md, t.ex. {{ titel }} och {{p rapport }}; ta bort uttryck med understreck eller metodanrop.",
                )
            ]
        ) from exc
    except UndefinedError as exc:
        raise TemplateError(
            [
                _template_finding(
                    template,
                    "word_template.unknown_value",
                    f"Word-mallen frågar efter något som rapportens data inte har: {exc.message}.",
                    "Rätta namnet; figurer och meningar finns listade i docs/publication.md (styrkort build skriver dem också i rapport.xlsx).",
                )
            ]
        ) from exc
    except Exception as exc:  # an expression that fails on the values (a sum of texts …)
        raise TemplateError(
            [
                _template_finding(
                    template,
                    "word_template.render",
                    f"Word-mallen kunde inte fyllas i ({type(exc).__name__}: {exc}).",
                    "Förenkla platshållaren till ett namn ur docs/publication.md, t.ex. {{ titel }}.",
                )
            ]
        ) from exc
    doc = tpl.docx
    _set_language(doc)
    _set_core(doc, report)
    _update_fields_on_open(doc)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def write(report: Report, out_dir: Path, template: Path | None = None) -> Path:
    """Write ``rapport.docx``: Styrkort's own layout, or ``template`` filled in (``TemplateError`` when unusable)."""
    data = render_template(report, template) if template is not None else render_docx(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_bytes(data)
    return path


def _hyperlink(para: Any, text: str, url: str, *, bold: bool = False, italic: bool = False) -> None:
    """A clickable link in a Word paragraph (python-docx has no API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = para.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0B4F9C")
    props.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    if bold:
        props.append(OxmlElement("w:b"))
    if italic:
        props.append(OxmlElement("w:i"))
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    para._p.append(link)

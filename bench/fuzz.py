"""Fuzz every reader with mutated inputs and count crashes and hangs: ``python bench/fuzz.py``.

Each reader takes bytes (a mutated copy of a real input) and must return its
values and findings: any exception is a crash, a run over ``--hang`` seconds a
hang (a SIGALRM stops it; a worker that dies — an abort in C code, or an input
stuck in C code past six times ``--hang``, which faulthandler ends — counts as
one crash or hang and the worker is replaced). Inputs are made in the worker
process by mutating seed corpora in memory; nothing is started per input.
``--jobs`` workers (default 2) share each reader's inputs; files a reader needs
are written to a folder per worker on /dev/shm (tmpfs), reused for every input.

Readers, each called exactly as the product calls it:

- ``workspace``: ``load_workspace`` on a small workspace (styrkort.yaml,
  goals.yaml, operating.csv, investments.csv, frames.csv, one narrative file)
  with one of its files mutated (YAML, CSV, limits, confinement);
- ``yaml``: ``yamlloc.load`` on mutated YAML (depth and alias limits);
- ``table-csv`` and ``table-xlsx``: the table audit's reader
  (``sources.table.read_table``); for XLSX one XML part of a small workbook
  (mostly the sheet, also shared strings, styles, workbook, relations) is mutated
  inside an in-memory zip, one input in ten has its zip bytes mutated instead;
- ``log``: the log reader (``sources.logs._files.read_table``, every row consumed),
  one input in five gzipped;
- ``target``: ``core.targets.parse_target`` on mutated Swedish target texts;
- ``narrative``: ``report.narrative.substitute`` and ``to_blocks``;
- ``word-template``: the template text through the steps of
  ``render.docx.render_template``: docxtpl's XML patching, the check's parse and
  placeholder check (``check_template``), the sandboxed environment of
  ``render.docx.template_environment`` with the report's values
  (``template_context``) and docxtpl's table and id fixes; every failure is
  classified as ``render_template`` classifies it (a ``TemplateError`` finding).
  One input in a hundred (``--whole``) is instead a whole ``.docx`` (the text in
  a real template, or one of its zip parts mutated) given to ``render_template``
  itself, through saving the filled document;
- ``sie``: ``bench/fuzz_sie.py`` (``read_sie`` and ``sum_sie``, each fast and
  ``reference=True``): crashes, hangs and disagreements between the four reads.

``-n`` inputs per reader (default 1 000 000; the issue's depth), ``--seed``,
``--readers a,b``, ``--hang`` seconds, ``--jobs``, ``--save DIR`` (each failing
input, reproducible alone: ``--replay FILE --readers NAME``), ``--json FILE``.
Prints per reader: inputs, crashes, hangs, disagreements, inputs per second, the
outcomes (what the readers answered: clean, findings by code) and the first
failing input with its exception. Exit status 1 when any reader crashed, hung or
disagreed. tests/hardening/test_harden_fuzz.py runs the same readers briefly under
hypothesis in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import faulthandler
import gzip
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import FrameType
from typing import Any
from xml.sax.saxutils import escape

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"
SCRATCH_ENV = "STYRKORT_FUZZ_SCRATCH"
MEMORY_LIMIT = 4 << 30  # address space of a worker: a reader that grows past it is a crash

TOKENS = [
    b'"', b"'", b"&a ", b"*a", b"[", b"]", b"{", b"}", b":", b"- ", b"\n", b"\r", b"\x00",
    b"\x0b", b"\t", b";", b",", b"#", b"..", b"/", b"../../etc/passwd", b"/proc/self/environ",
    b"99999999999999999999", b"0,125", b"1e9999", b"-", b"\xe2\x88\x92", b"\xc2\xa0", b"%",
    b"{{", b"}}", b"{%", b"%}", b"__class__", b"<div>", b"2018-13-01", b"0000", b"\xff\xfe",
    b"+14:00", b"Z", b"\x1b", b"&", b"<!DOCTYPE", b"!!python/object", b"? ", b"|", b">",
    b'r="XFD1048576"', b"<c>", b"</row>", b't="s"', b't="inlineStr"', b"<v>", b"<f>",
    b"{%p ", b"{%tr ", b"{{p ", b"{{r ", b"range(99999)", b"|join", b"|e", b"loop.",
]  # fmt: skip


class Hang(Exception):
    pass


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits: flip, insert a token, delete, duplicate or truncate."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op in (1, 2):
            buf[pos:pos] = rng.choice(TOKENS)
        elif op == 3 and buf:
            end = min(len(buf), pos + rng.randint(1, 64))
            del buf[pos:end]
        elif op == 4 and buf:
            end = min(len(buf), pos + rng.randint(1, 256))
            buf[pos:pos] = buf[pos:end] * rng.randint(1, 8)
        else:
            del buf[pos:]
    return bytes(buf)


# --- the small workspace ---------------------------------------------------------------

SMALL_GOALS = """\
goals:
  - id: service
    title: Ge god service och IT-drift av hög kvalitet
    indicators:
      - id: akut-30min
        text: Öka andelen akuta incidenter där återkopplingen är <=30min
        unit: "%"
        direction: increase
        outcome: 91%
        target: 90%
        owner: Servicedeskchef
      - id: handlaggningstid
        text: Minska genomsnittlig ärendehanteringstid
        unit: st
        direction: decrease
        outcome: 21 st
        target: högst 20 st
  - id: samverkan
    title: Ökad samverkan över kommungränserna
    indicators:
      - id: hme
        text: Medarbetarengagemang (HME)
        unit: index
        direction: increase
        outcome: 55%
        target: Öka från 71,13
        history: {2019: "71,13"}
      - id: miljodiplomering
        text: Miljödiplomering
        unit: ja/nej
        outcome: Ja
        target: Ja
      - id: budgetram
        text: Nämnderna håller sin budgetram
        kind: budget
        unit: tkr
        direction: increase
        outcome: -823 tkr
        target: 0 tkr
"""


def small_workspace() -> dict[str, bytes]:
    """The files of the fuzzed workspace: the example's, goals and narrative cut short."""
    files = {
        name: (EXAMPLE / name).read_bytes()
        for name in ("styrkort.yaml", "operating.csv", "investments.csv", "frames.csv")
    }
    main = files["styrkort.yaml"].decode("utf-8")
    main = re.sub(r"narrative:\n(  - .*\n)+", "", main)
    # comments out: the whole-workspace read is YAML-bound (pure Python, about 0.1 ms a line)
    main = "".join(
        line for line in main.splitlines(keepends=True) if not line.lstrip().startswith("#")
    )
    main += "narrative:\n  - {file: narrative/drift.md, placement: drift}\n"
    files["styrkort.yaml"] = main.encode("utf-8")
    files["goals.yaml"] = SMALL_GOALS.encode("utf-8")
    files["narrative/drift.md"] = (EXAMPLE / "narrative" / "drift.md").read_bytes()[:1500]
    return files


# --- a small workbook --------------------------------------------------------------------


def _xlsx_of(rows: list[list[Any]], formula: bool = False) -> bytes:
    """A workbook as Excel saves one (shared strings, styles), without theme and properties."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    if formula:
        ws.append(["Summa", "=SUM(B3:B5)", "=SUM(C3:C5)"])
    ws["B3"].number_format = "# ##0"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name.startswith("docProps/") or "theme" in name:
                continue
            part = src.read(name)
            if name.endswith(".rels") or name == "[Content_Types].xml":
                part = re.sub(rb"<(Override|Relationship)\b[^>]*(docProps|theme)[^>]*/>", b"", part)
            dst.writestr(name, part)
    return out.getvalue()


def _table_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [["Driftredovisning 2020 (tkr)"], ["Kategori", "Budget", "Utfall"]]
    lines = (EXAMPLE / "operating.csv").read_text(encoding="utf-8").splitlines()[4:9]
    for category, _kind, budget, outcome in csv.reader(lines):
        rows.append([category, int(budget) // 1000, f"{int(outcome) / 1000:.1f}"])
    return rows


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate one XML part of a zip (xlsx, docx), or one time in ten the zip bytes themselves."""
    if rng.random() < 0.1:
        return mutate(data, rng)
    try:
        return _mutate_part(data, rng)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
        KeyError,
        NotImplementedError,
        RuntimeError,
    ):
        return mutate(data, rng)  # a mutant that is no longer a zip: mutate its bytes


XML_VALUES = [
    b"A1", b"XFD1048576", b"A1:XFD1048576", b"ZZZZ9", b"B0", b"0", b"-1", b"1E+308", b"1e-400",
    b"NaN", b"inf", b"s", b"n", b"b", b"e", b"str", b"inlineStr", b"d", b"99999", b"1",
    b"2020-13-01T00:00:00", b"", b"#,##0", b"0.00%", b"yyyy-mm-dd", b"[h]:mm", b"=1/0",
    b"SUM(B3:B5)", b"#REF!", b"rId9", b"/xl/worksheets/sheet9.xml", b"../../etc/passwd",
    b"preserve", b"true", b"4294967296", b"1.5", b"\xe2\x88\x92500", b"12345678901234567",
    b"{{ titel }}", b"{{p rapport }}", b"{%p if 1 %}", b"{%p endif %}", b"{{ figurer }}",
]  # fmt: skip
_ATTR = re.compile(rb'\s((?!xmlns)(?!version=)(?!encoding=)(?!standalone=)[\w:]+)="([^"]*)"')
_TEXT = re.compile(rb">([^<]+)<")
_ELEMENT = re.compile(
    rb"<(c|row|si|w:p|w:r|numFmt|xf|sheet|Relationship)\b[^>]*?(?:/>|>.*?</\1>)", re.S
)


def _mutate_xml(part: bytes, rng: random.Random) -> bytes:
    """Edits that keep the XML well formed most of the time (so the reader gets past its
    parser): an attribute value or a text replaced, an element duplicated, moved or removed;
    one edit in ten on the bytes."""
    for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
        op = rng.random()
        if op < 0.1:
            return mutate(part, rng)
        if op < 0.5:
            found = list(_ATTR.finditer(part))
        elif op < 0.75:
            found = list(_TEXT.finditer(part))
        else:
            found = list(_ELEMENT.finditer(part))
        if not found:
            continue
        m = rng.choice(found)
        if op < 0.75:
            group = 2 if op < 0.5 else 1  # an attribute's value (not its name), or a text
            if rng.random() < 0.5:
                new = rng.choice(XML_VALUES)
            else:
                new = mutate(m.group(group), rng).replace(b"&", b"&amp;").replace(b"<", b"&lt;")
                new = new.replace(b'"', b"&quot;")
            part = part[: m.start(group)] + new + part[m.end(group) :]
        else:
            element = m.group(0)
            kind = rng.random()
            if kind < 0.4:
                part = part[: m.end()] + element * rng.randint(1, 3) + part[m.end() :]
            elif kind < 0.7:
                part = part[: m.start()] + part[m.end() :]
            else:
                other = rng.choice(found)
                if other.start() >= m.end():
                    part = (
                        part[: m.start()]
                        + other.group(0)
                        + part[m.end() : other.start()]
                        + element
                        + part[other.end() :]
                    )
    return part


def _mutate_part(data: bytes, rng: random.Random) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    main = [n for n in names if n.startswith(("xl/worksheets/", "word/document"))]
    if main and rng.random() < 0.8:
        target = rng.choice(main)
    else:
        target = rng.choice(names)
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if rng.random() < 0.7 else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as dst:
        for n in names:
            part = src.read(n)
            dst.writestr(n, _mutate_xml(part, rng) if n == target else part)
    return out.getvalue()


def _split(data: bytes) -> tuple[str, bytes]:
    """``name NUL content``: the workspace file an input stands for, and its content."""
    name, sep, content = data.partition(b"\x00")
    if not sep:
        return "styrkort.yaml", data
    return name.decode("utf-8", errors="replace"), content


def _mutate_named(data: bytes, rng: random.Random) -> bytes:
    name, content = _split(data)
    return name.encode() + b"\x00" + mutate(content, rng)


WORD_MARK = "FUZZTEXT"
WORD_SECONDS = 5.0  # the render deadline in the text stage (the product's is 60 s)


class Readers:
    """Each reader: a seed corpus, a mutator and a function from bytes to an outcome
    (a short text: ``ok`` or the finding codes; raising is a crash)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.ws = scratch / "ws"
        self._ws_files = small_workspace()
        for name, content in self._ws_files.items():
            (self.ws / name).parent.mkdir(parents=True, exist_ok=True)
            (self.ws / name).write_bytes(content)
        self._word: dict[str, Any] | None = None

    # --- corpora -------------------------------------------------------------

    def seeds(self, name: str) -> list[bytes]:
        ws = EXAMPLE
        if name == "workspace":
            return [n.encode() + b"\x00" + c for n, c in sorted(self._ws_files.items())]
        if name == "yaml":
            return [(ws / "styrkort.yaml").read_bytes(), (ws / "goals.yaml").read_bytes()]
        if name == "table-csv":
            return [p.read_bytes() for p in sorted((REPO / "tests" / "audit_cases").glob("*.csv"))]
        if name == "table-xlsx":
            rows = _table_rows()
            return [_xlsx_of(rows), _xlsx_of(rows, formula=True)]
        if name == "log":
            return [
                b"id,opened_at,responded_at,resolved_at,priority,category\n"
                b"1,2020-01-02 08:00,2020-01-02 08:20,2020-01-02 10:00,1,Dator\n"
                b"2,2020-01-03T09:00:00+01:00,2020-01-03T12:00:00Z,,2,Telefoni\n"
            ]
        if name == "target":
            return [t.encode() for t in ("90%", "minst 80 %", "Öka från 71,13", "70–80 %", "Ja")]
        if name == "narrative":
            return [p.read_bytes() for p in sorted((ws / "narrative").glob("*.md"))]
        if name == "sie":
            return list(_fuzz_sie().small_seeds())
        if name == "word-template":
            return [
                b"{{ titel }} {{ ar }}",
                b"{% for k, v in figurer.items() %}{{ k }}: {{ v }}{% endfor %}",
                b"{{ organisation }}, {{ kommun }} {{ period }} {{ meningar|length }}",
                b"{%p if ar > 2019 %}{{ titel|upper }}{%p endif %} {{ figurer['drift.resultat'] }}",
            ]
        raise KeyError(name)

    def mutator(self, name: str) -> Callable[[bytes, random.Random], bytes]:
        if name == "table-xlsx":
            return _mutate_zip
        if name == "workspace":
            return _mutate_named
        if name == "sie":
            return _fuzz_sie().mutate  # type: ignore[no-any-return]
        return mutate

    # --- readers -------------------------------------------------------------

    def workspace(self, data: bytes, rng: random.Random) -> str:
        from styrkort.sources.workspace import load_workspace

        name, content = _split(data)
        if name not in self._ws_files:
            name = "styrkort.yaml"
        path = self.ws / name
        path.write_bytes(content)
        try:
            result = load_workspace(self.ws)
        finally:
            path.write_bytes(self._ws_files[name])
        return _codes(result.findings)

    def yaml(self, data: bytes, rng: random.Random) -> str:
        from styrkort.sources.yamlloc import YamlError, load

        try:
            load(data.decode("utf-8", errors="replace"))
        except YamlError:
            return "YamlError"
        return "ok"

    def table_csv(self, data: bytes, rng: random.Random) -> str:
        from styrkort.sources.table import read_table

        path = self.scratch / "tabell.csv"
        path.write_bytes(data)
        return _codes(read_table(path).findings)

    def table_xlsx(self, data: bytes, rng: random.Random) -> str:
        from styrkort.sources.table import read_table

        path = self.scratch / "tabell.xlsx"
        path.write_bytes(data)
        return _codes(read_table(path).findings)

    def log(self, data: bytes, rng: random.Random) -> str:
        from styrkort.sources.logs._files import UnreadableInput, read_table

        path = self.scratch / ("logg.csv.gz" if rng.random() < 0.2 else "logg.csv")
        if path.suffix == ".gz":
            data = gzip.compress(data) if rng.random() < 0.7 else mutate(gzip.compress(data), rng)
        path.write_bytes(data)
        try:
            table = read_table(path)
            for _ in table.rows:
                pass
        except UnreadableInput:
            return "UnreadableInput"
        return "ok"

    def target(self, data: bytes, rng: random.Random) -> str:
        from styrkort.core.targets import parse_target
        from styrkort.core.values import Direction

        text = data.decode("utf-8", errors="replace")
        parse_target(text, rng.choice([Direction.INCREASE, Direction.DECREASE, None]))
        return "ok"

    def narrative(self, data: bytes, rng: random.Random) -> str:
        from styrkort.core.findings import Source
        from styrkort.report.narrative import Figure, substitute, to_blocks

        text, findings = substitute(
            data.decode("utf-8", errors="replace"),
            {"drift.resultat": Figure("−823 tkr")},
            Source("n.md", 1),
        )
        to_blocks(text)
        return _codes(findings)

    # --- Word templates ------------------------------------------------------

    def _word_setup(self) -> dict[str, Any]:
        """Once per worker: the small workspace's report, a real template with a marker
        paragraph, its body XML, and the values a template is filled with."""
        if self._word is None:
            from docx import Document
            from docxtpl import DocxTemplate

            from styrkort.pipeline import run
            from styrkort.render import docx
            from styrkort.render.textsafe import xml_safe

            report = run(self.ws).report
            doc = Document()
            doc.add_paragraph(WORD_MARK)
            doc.add_paragraph("{{p rapport }}")
            buf = io.BytesIO()
            doc.save(buf)
            template = buf.getvalue()
            tpl = DocxTemplate(io.BytesIO(template))
            tpl.render_init()
            self._word = {
                "report": report,
                "template": template,
                "tpl": tpl,
                "body": tpl.get_xml(),
                "context": docx.template_context(xml_safe(report), tpl),
                "path": self.scratch / "mall.docx",
            }
        return self._word

    def word_template(self, data: bytes, rng: random.Random, whole: float = 0.01) -> str:
        """The template text through render_template's steps; ``whole`` of the inputs as a
        whole .docx through render_template itself."""
        if rng.random() < whole:
            return self.word_document(data, rng)
        from docxtpl import DocxTemplate  # noqa: F401  (the same docxtpl the product uses)
        from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
        from jinja2.exceptions import SecurityError

        from styrkort.render import docx

        w = self._word_setup()
        tpl = w["tpl"]
        text = escape(data.decode("utf-8", errors="replace"))
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text):
            return "unreadable"  # no such .docx: XML cannot hold these (word_document tries)
        xml = tpl.patch_xml(w["body"].replace(WORD_MARK, text))
        # check_template: get_undeclared_template_variables, parsed in the sandbox
        try:
            variables = meta.find_undeclared_variables(docx.template_environment().parse(xml))
        except TemplateSyntaxError:
            return "word_template.syntax"
        except Exception:
            return "word_template.unreadable"
        if any(v not in docx.PLACEHOLDERS for v in variables):
            return "word_template.unknown_placeholder"
        if not any(p in variables for p in docx.BODY_PLACEHOLDERS):
            return "word_template.no_body"
        env = docx.template_environment()
        assert isinstance(env.undefined, type) and issubclass(env.undefined, StrictUndefined)
        try:
            with docx._deadline(WORD_SECONDS):  # render_template's deadline, shorter here
                out = tpl.render_xml_part(xml, tpl.docx._part, w["context"], env)
                tree = tpl.fix_tables(out)
                tpl.fix_docpr_ids(tree)
        except docx.TemplateLimit as exc:
            return f"limit.{exc.limit.name}"
        except SecurityError:
            return "word_template.unsafe"
        except UndefinedError:
            return "word_template.unknown_value"
        except Exception as exc:  # what render_template turns into word_template.render
            return f"word_template.render:{type(exc).__name__}"
        return "ok"

    def word_document(self, data: bytes, rng: random.Random) -> str:
        """A whole .docx given to ``render_template``: the text in the template's document,
        or (one in three) one of the template's zip parts mutated."""
        from styrkort.render import docx

        w = self._word_setup()
        template: bytes = w["template"]
        if rng.random() < 1 / 3:
            blob = _mutate_zip(template, rng)
        else:
            text = escape(data.decode("utf-8", errors="replace")).encode("utf-8")
            blob = _replace_part(template, "word/document.xml", WORD_MARK.encode(), text)
        w["path"].write_bytes(blob)
        try:
            docx.render_template(w["report"], w["path"])
        except docx.TemplateError as exc:
            return "docx:" + _codes(exc.findings)
        return "docx:ok"

    # --- SIE -----------------------------------------------------------------

    def sie(self, data: bytes, rng: random.Random) -> str:
        """One input read four ways (bench/fuzz_sie.py); a disagreement raises ``Disagree``."""
        problems = _fuzz_sie().check(data, 64 if rng.random() < 0.1 else 4096)
        if any(p.startswith("crash") for p in problems):
            raise Crash("; ".join(problems))
        if problems:
            raise Disagree("; ".join(problems))
        return "ok"


class Crash(Exception):
    pass


class Disagree(Exception):
    pass


def _fuzz_sie() -> Any:
    sys.path.insert(0, str(BENCH))
    import fuzz_sie

    return fuzz_sie


def _replace_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for n in src.namelist():
            blob = src.read(n)
            dst.writestr(n, blob.replace(old, new) if n == part else blob)
    return out.getvalue()


def _codes(findings: Any) -> str:
    codes = sorted({f.code for f in findings if getattr(f, "severity", None) != "info"})
    return ",".join(codes[:3]) + ("…" if len(codes) > 3 else "") if codes else "ok"


READERS = {
    "workspace": "workspace",
    "yaml": "yaml",
    "table-csv": "table_csv",
    "table-xlsx": "table_xlsx",
    "log": "log",
    "target": "target",
    "narrative": "narrative",
    "word-template": "word_template",
    "sie": "sie",
}


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


_READERS: Readers | None = None


def _worker_readers() -> Readers:
    """The worker's readers, made once per process, with a scratch folder on /dev/shm."""
    global _READERS
    if _READERS is None:
        base = os.environ.get(SCRATCH_ENV) or ("/dev/shm" if Path("/dev/shm").is_dir() else None)
        scratch = Path(tempfile.mkdtemp(prefix=f"styrkort-fuzz-{os.getpid()}-", dir=base))
        _READERS = Readers(scratch)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        import atexit

        atexit.register(shutil.rmtree, scratch, True)
    return _READERS


def run_reader(
    name: str,
    n: int,
    seed: str,
    hang_s: float,
    *,
    report_every: float = 60.0,
    save: Path | None = None,
    whole: float = 0.01,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Feed ``n`` mutated inputs to one reader in this process (fewer when ``seconds`` run
    out first); counts and the first failure."""
    readers = _worker_readers()
    rng = random.Random(f"{seed}:{name}")
    func: Callable[..., str] = getattr(readers, READERS[name])
    if name == "word-template":
        func = lambda data, rng: readers.word_template(data, rng, whole)  # noqa: E731
    seeds, mutator = readers.seeds(name), readers.mutator(name)
    # warm up untimed: imports, the report a Word template is filled with (the pipeline),
    # caches; under load that first call can take longer than --hang and is no hang
    with contextlib.suppress(Exception):
        func(seeds[0], random.Random(0))
    crashes = hangs = disagreements = 0
    outcomes: Counter[str] = Counter()
    first: str | None = None
    started = last = time.monotonic()
    cpu = time.process_time()
    signal.signal(signal.SIGALRM, _alarm)
    corpus = list(seeds)
    stop = started + seconds if seconds else None
    done = 0
    for i in range(n):
        data = mutator(rng.choice(corpus), rng) if i >= len(seeds) else seeds[i]
        failure = None
        outcome = ""
        faulthandler.dump_traceback_later(hang_s * 6, exit=True)
        signal.setitimer(signal.ITIMER_REAL, hang_s)
        try:
            outcome = func(data, rng)
            outcomes[outcome] += 1
        except Hang:
            hangs += 1
            failure = f"hang over {hang_s} s"
        except Disagree as exc:
            disagreements += 1
            failure = f"disagreement: {exc}"
        except Exception as exc:  # a reader must never raise on bad input
            crashes += 1
            failure = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            faulthandler.cancel_dump_traceback_later()
        if failure is not None:
            first = first or f"{failure} <- {data[:300]!r}"
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                (save / f"{name}-{seed}-{i}.bin").write_bytes(data)
        if len(corpus) < 64 and failure is None:
            # keep mutants that did something rare (an outcome seen few times), and a few
            # that read cleanly: deeper mutations over time, not a corpus of files that are
            # refused at the first byte
            seen = outcomes[outcome]
            if (
                seen <= 3
                or (seen < 200 and rng.random() < 0.05)
                or (outcome == "ok" and rng.random() < 0.005)
            ):
                corpus.append(data)
        done = i + 1
        now = time.monotonic()
        if stop is not None and now > stop:
            break
        if now - last > report_every:
            last = now
            print(
                f"  {name} [{seed}]: {i + 1}/{n} ({(i + 1) / (now - started):.0f}/s) "
                f"crashes {crashes} hangs {hangs} disagreements {disagreements}",
                file=sys.stderr,
                flush=True,
            )
    return {
        "reader": name,
        "inputs": done,
        "crashes": crashes,
        "hangs": hangs,
        "disagreements": disagreements,
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": time.process_time() - cpu,
        "outcomes": dict(outcomes.most_common()),
        "first": first,
    }


def run_parallel(
    name: str, n: int, seed: int, hang_s: float, jobs: int, **kw: Any
) -> dict[str, Any]:
    """One reader's ``n`` inputs shared by ``jobs`` worker processes (seeds differ per share)."""
    started = time.monotonic()
    shares = [n // jobs + (1 if i < n % jobs else 0) for i in range(jobs)]
    parts: list[dict[str, Any]] = []
    died = 0
    if jobs == 1:
        parts.append(run_reader(name, n, f"{seed}", hang_s, **kw))
    else:
        pending = list(enumerate(shares))
        while pending:
            try:
                with ProcessPoolExecutor(len(pending)) as pool:
                    futures = [
                        (i, k, pool.submit(run_reader, name, k, f"{seed}.{i}", hang_s, **kw))
                        for i, k in pending
                    ]
                    done = []
                    for i, _k, future in futures:
                        with contextlib.suppress(BrokenProcessPool):
                            parts.append(future.result())
                            done.append(i)
                    pending = [(i, k) for i, k, _ in futures if i not in done]
                    if pending:
                        raise BrokenProcessPool
            except BrokenProcessPool:
                # a worker died (abort, or stuck in C code past the hard limit): counted
                # once; its share is run again with another seed (its inputs are unknown)
                died += 1
                pending = [(i + 100, k) for i, k in pending]
                if died > 5:
                    break
    total: dict[str, Any] = {
        "reader": name,
        "inputs": sum(p["inputs"] for p in parts),
        "crashes": sum(p["crashes"] for p in parts) + died,
        "hangs": sum(p["hangs"] for p in parts),
        "disagreements": sum(p["disagreements"] for p in parts),
        "workers_died": died,
        "jobs": jobs,
        "seconds": round(time.monotonic() - started, 1),
    }
    total["per_second"] = round(total["inputs"] / total["seconds"], 1) if total["seconds"] else 0
    # CPU time per input does not depend on how busy the machine is: what a million costs
    cpu = sum(p["cpu_seconds"] for p in parts)
    total["cpu_ms_per_input"] = round(1000 * cpu / total["inputs"], 3) if total["inputs"] else 0
    total["million_on_free_cores_min"] = round(total["cpu_ms_per_input"] * 1000 / jobs / 60, 1)
    outcomes: Counter[str] = Counter()
    for p in parts:
        outcomes.update(p["outcomes"])
    total["outcomes"] = dict(outcomes.most_common(12))
    total["first"] = next((p["first"] for p in parts if p["first"]), None)
    total["load"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return total


def replay(name: str, path: Path) -> int:
    """Run one saved input through a reader and show what happens (a traceback on a crash)."""
    readers = _worker_readers()
    data = path.read_bytes()
    print(getattr(readers, READERS[name])(data, random.Random(0)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="inputs per reader")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--readers", default=",".join(READERS))
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--hang", type=float, default=10.0, help="seconds before a hang")
    parser.add_argument(
        "--whole", type=float, default=0.01, help="share of Word inputs as a whole .docx"
    )
    parser.add_argument("--save", type=Path, help="write each failing input into this folder")
    parser.add_argument("--replay", type=Path, help="run this one saved input (with --readers)")
    parser.add_argument("--json", type=Path, help="append each reader's result (JSON lines)")
    parser.add_argument(
        "--seconds", type=float, help="stop a reader after this many seconds (fewer inputs)"
    )
    args = parser.parse_args(argv)
    names = [r.strip() for r in args.readers.split(",") if r.strip()]
    # the workers' scratch folders go into one folder of this run, removed at the end (a
    # pool's worker ends without running atexit)
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    run_dir = tempfile.mkdtemp(prefix="styrkort-fuzz-run-", dir=shm)
    os.environ[SCRATCH_ENV] = run_dir
    try:
        return _main(args, names)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _main(args: argparse.Namespace, names: list[str]) -> int:
    if args.replay:
        return replay(names[0], args.replay)
    results = []
    for name in names:
        result = run_parallel(
            name,
            args.n,
            args.seed,
            args.hang,
            args.jobs,
            save=args.save,
            whole=args.whole,
            seconds=args.seconds,
        )
        results.append(result)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.json:
            with args.json.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    print(
        f"{'reader':<14} {'inputs':>9} {'crashes':>8} {'hangs':>6} {'disagree':>8} {'per s':>8} "
        f"{'cpu ms':>7}"
    )
    for r in results:
        print(
            f"{r['reader']:<14} {r['inputs']:>9} {r['crashes']:>8} {r['hangs']:>6} "
            f"{r['disagreements']:>8} {r['per_second']:>8} {r['cpu_ms_per_input']:>7}"
        )
    failed = any(r["crashes"] or r["hangs"] or r["disagreements"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz every reader with mutated inputs and count crashes and hangs: ``python bench/fuzz.py``.

Each reader takes bytes (a mutated copy of a real input) and must return its
values and findings: any exception is a crash, a run over ``--hang`` seconds a
hang (a SIGALRM stops it). Readers:

- ``workspace``: styrkort.yaml / goals.yaml / operating.csv of the example,
  one of them mutated, read by ``load_workspace`` (YAML, CSV, limits, confinement);
- ``yaml``: ``yamlloc.load`` on mutated YAML (depth and alias limits);
- ``table-csv`` and ``table-xlsx``: the table audit's reader (``sources.table.read_table``);
- ``log``: the log reader (``sources.logs._files.read_table``, every row consumed);
- ``target``: ``core.targets.parse_target`` on mutated Swedish target texts;
- ``narrative``: ``report.narrative.substitute`` and ``to_blocks``;
- ``word-template``: a Word template whose text is mutated, filled in by
  ``render.docx.render_template`` (a refusal is a ``TemplateError``, not a crash);
- ``sie``: the ``sie`` work's ``fuzz_sie(n, seed)`` when it exists
  (``styrkort.sources.sie.fuzz_sie``), which also compares the reference and fast
  readers; otherwise reported as not available.

``-n`` inputs per reader (default 1 000 000; the issue's depth), ``--seed``,
``--readers a,b``, ``--hang`` seconds. Prints per reader: inputs, crashes, hangs,
inputs per second, and the first crashing input (repr, cut) with its exception.
Exit status 1 when any reader crashed or hung. tests/hardening/test_harden_fuzz.py runs
the same readers briefly under hypothesis in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import random
import shutil
import signal
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "sydnarke-it-2020"

TOKENS = [
    b'"', b"'", b"&a ", b"*a", b"[", b"]", b"{", b"}", b":", b"- ", b"\n", b"\r", b"\x00",
    b"\x0b", b"\t", b";", b",", b"#", b"..", b"/", b"../../etc/passwd", b"/proc/self/environ",
    b"99999999999999999999", b"0,125", b"1e9999", b"-", b"\xe2\x88\x92", b"\xc2\xa0", b"%",
    b"{{", b"}}", b"{%", b"%}", b"__class__", b"<div>", b"2018-13-01", b"0000", b"\xff\xfe",
    b"+14:00", b"Z", b"\x1b", b"&", b"<!DOCTYPE", b"!!python/object", b"? ", b"|", b">",
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


class Readers:
    """Each reader: a seed corpus and a function from bytes to nothing (raising = crash)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.ws = scratch / "ws"
        shutil.copytree(EXAMPLE, self.ws)
        self._report = None

    # --- corpora -------------------------------------------------------------

    def seeds(self, name: str) -> list[bytes]:
        ws = EXAMPLE
        if name == "workspace":
            return [(ws / n).read_bytes() for n in ("styrkort.yaml", "goals.yaml", "operating.csv")]
        if name == "yaml":
            return [(ws / "styrkort.yaml").read_bytes(), (ws / "goals.yaml").read_bytes()]
        if name == "table-csv":
            return [p.read_bytes() for p in sorted((REPO / "tests" / "audit_cases").glob("*.csv"))]
        if name == "table-xlsx":
            return [_xlsx_of((ws / "operating.csv").read_text(encoding="utf-8"))]
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
        if name == "word-template":
            return [
                b"{{ titel }} {{ ar }}",
                b"{% for k, v in figurer.items() %}{{ k }}{% endfor %}",
            ]
        raise KeyError(name)

    # --- readers -------------------------------------------------------------

    def workspace(self, data: bytes, rng: random.Random) -> None:
        from styrkort.sources.workspace import load_workspace

        name = _workspace_file(data)
        for fresh in ("styrkort.yaml", "goals.yaml", "operating.csv"):
            shutil.copyfile(EXAMPLE / fresh, self.ws / fresh)
        (self.ws / name).write_bytes(data)
        load_workspace(self.ws)

    def yaml(self, data: bytes, rng: random.Random) -> None:
        from styrkort.sources.yamlloc import YamlError, load

        with contextlib.suppress(YamlError):
            load(data.decode("utf-8", errors="replace"))

    def table_csv(self, data: bytes, rng: random.Random) -> None:
        from styrkort.sources.table import read_table

        path = self.scratch / "tabell.csv"
        path.write_bytes(data)
        read_table(path)

    def table_xlsx(self, data: bytes, rng: random.Random) -> None:
        from styrkort.sources.table import read_table

        path = self.scratch / "tabell.xlsx"
        path.write_bytes(data)
        read_table(path)

    def log(self, data: bytes, rng: random.Random) -> None:
        from styrkort.sources.logs._files import UnreadableInput, read_table

        path = self.scratch / ("logg.csv.gz" if rng.random() < 0.2 else "logg.csv")
        if path.suffix == ".gz":
            import gzip

            data = gzip.compress(data) if rng.random() < 0.7 else mutate(gzip.compress(data), rng)
        path.write_bytes(data)
        with contextlib.suppress(UnreadableInput):
            table = read_table(path)
            for _ in table.rows:
                pass

    def target(self, data: bytes, rng: random.Random) -> None:
        from styrkort.core.targets import parse_target
        from styrkort.core.values import Direction

        text = data.decode("utf-8", errors="replace")
        parse_target(text, rng.choice([Direction.INCREASE, Direction.DECREASE, None]))

    def narrative(self, data: bytes, rng: random.Random) -> None:
        from styrkort.core.findings import Source
        from styrkort.report.narrative import Figure, substitute, to_blocks

        text, _ = substitute(
            data.decode("utf-8", errors="replace"),
            {"drift.resultat": Figure("−823 tkr")},
            Source("n.md", 1),
        )
        to_blocks(text)

    def word_template(self, data: bytes, rng: random.Random) -> None:
        from docx import Document

        from styrkort.render import docx

        if self._report is None:
            from styrkort.pipeline import run

            self._report = run(EXAMPLE).report
        doc = Document()
        doc.add_paragraph(_xml_text(data.decode("utf-8", errors="replace")))
        doc.add_paragraph("{{p rapport }}")
        path = self.scratch / "mall.docx"
        doc.save(str(path))
        with contextlib.suppress(docx.TemplateError):
            docx.render_template(self._report, path)


def _workspace_file(data: bytes) -> str:
    """Which workspace file a (mutated) input stands for, from its content, so that a saved
    crashing input reproduces by itself."""
    head = data[:2000]
    if b"indicators" in head or b"council_goals" in head:
        return "goals.yaml"
    if b"category" in head and head.count(b",") > head.count(b":"):
        return "operating.csv"
    return "styrkort.yaml"


def _xml_text(text: str) -> str:
    from styrkort.render.textsafe import clean_text

    return clean_text(text)  # python-docx itself refuses control characters in a template


def _xlsx_of(csv_text: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for line in csv_text.splitlines():
        if line and not line.startswith("#"):
            ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate one part of the workbook (mostly the sheet), or the zip bytes themselves."""
    if rng.random() < 0.1:
        return mutate(data, rng)
    try:
        return _mutate_part(data, rng)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        return mutate(data, rng)  # a mutant that is no longer a zip: mutate its bytes


def _mutate_part(data: bytes, rng: random.Random) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    sheet = [n for n in names if n.startswith("xl/worksheets/")]
    target = rng.choice(sheet) if sheet and rng.random() < 0.8 else rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in names:
            part = src.read(n)
            dst.writestr(n, mutate(part, rng) if n == target else part)
    return out.getvalue()


READERS = {
    "workspace": "workspace",
    "yaml": "yaml",
    "table-csv": "table_csv",
    "table-xlsx": "table_xlsx",
    "log": "log",
    "target": "target",
    "narrative": "narrative",
    "word-template": "word_template",
}


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def run_reader(
    readers: Readers,
    name: str,
    n: int,
    seed: int,
    hang_s: float,
    report_every: float = 30.0,
    save: Path | None = None,
) -> dict[str, object]:
    """Feed ``n`` mutated inputs to one reader; counts and the first crash."""
    rng = random.Random(f"{seed}:{name}")
    func: Callable[[bytes, random.Random], None] = getattr(readers, READERS[name])
    seeds = readers.seeds(name)
    crashes = hangs = 0
    first: str | None = None
    started = last = time.monotonic()
    signal.signal(signal.SIGALRM, _alarm)
    corpus = list(seeds)
    mutator = _mutate_zip if name == "table-xlsx" else mutate
    for i in range(n):
        data = mutator(rng.choice(corpus), rng) if i else seeds[0]
        signal.setitimer(signal.ITIMER_REAL, hang_s)
        try:
            func(data, rng)
        except Hang:
            hangs += 1
            first = first or f"hang: {data[:200]!r}"
        except Exception as exc:  # a reader must never raise on bad input
            crashes += 1
            first = first or f"{type(exc).__name__}: {exc} <- {data[:200]!r}"
            if save is not None:
                (save / f"{name}-{i}.bin").write_bytes(data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if rng.random() < 0.01 and len(corpus) < 64:
            corpus.append(data)  # keep some mutants: deeper mutations over time
        now = time.monotonic()
        if now - last > report_every:
            last = now
            print(f"  {name}: {i + 1}/{n} ({(i + 1) / (now - started):.0f}/s)", file=sys.stderr)
    elapsed = time.monotonic() - started
    return {
        "reader": name,
        "inputs": n,
        "crashes": crashes,
        "hangs": hangs,
        "per_second": round(n / elapsed, 1) if elapsed else None,
        "first": first,
    }


def run_sie(n: int, seed: int) -> dict[str, object]:
    """The SIE readers' own fuzzing (``fuzz_sie(n, seed)`` from the sie work), when present."""
    for module in ("styrkort.sources.sie", "styrkort.sources.sie.fuzz"):
        with contextlib.suppress(ImportError):
            fuzz_sie = getattr(importlib.import_module(module), "fuzz_sie", None)
            if fuzz_sie is not None:
                result = fuzz_sie(n, seed)
                return {
                    "reader": "sie",
                    **(result if isinstance(result, dict) else {"result": result}),
                }
    return {"reader": "sie", "inputs": 0, "note": "fuzz_sie(n, seed) not available in this build"}


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="styrkort-fuzz-", dir=base) as tmp:
        yield Path(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="inputs per reader")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--readers", default=",".join([*READERS, "sie"]))
    parser.add_argument(
        "--hang", type=float, default=10.0, help="seconds before an input is a hang"
    )
    parser.add_argument("--save", type=Path, help="write each crashing input into this folder")
    args = parser.parse_args(argv)
    results = []
    with _scratch() as scratch:
        readers = Readers(scratch)
        for name in [r.strip() for r in args.readers.split(",") if r.strip()]:
            if name == "sie":
                results.append(run_sie(args.n, args.seed))
            else:
                results.append(
                    run_reader(readers, name, args.n, args.seed, args.hang, save=args.save)
                )
            print(results[-1], flush=True)
    failed = any(r.get("crashes") or r.get("hangs") for r in results)
    print(f"{'reader':<14} {'inputs':>9} {'crashes':>8} {'hangs':>6} {'per s':>8}")
    for r in results:
        print(
            f"{r['reader']!s:<14} {r.get('inputs', 0)!s:>9} {r.get('crashes', '-')!s:>8} "
            f"{r.get('hangs', '-')!s:>6} {r.get('per_second', '-')!s:>8}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzzing the SIE readers: ``.venv/bin/python bench/fuzz_sie.py -n 1000000 --jobs 2``.

Each input is a small SIE file mutated from a seed (the test cases, a synthetic
municipal file, the real files in ../shared/data/sie when present): bytes
flipped, inserted or deleted, lines duplicated, swapped or replaced by a record
from a list of the shapes real and broken files have (corrections, escapes,
object lists, period balances, odd quoting, tabs, CR, other encodings).

Every input is read four ways — ``read_sie`` and ``sum_sie``, each with the
vectorised reader and with ``reference=True`` — and counted as:

- a crash: an exception out of a reader, or the finding ``sie.internal``;
- a hang: a read longer than ``--timeout`` seconds (interrupted by an alarm);
- a disagreement: the fast and the reference reader differ (findings, ledger,
  sums, counts), or ``read_sie`` and ``sum_sie`` differ (findings, and the
  ledger's sums against the streamed sums).

:func:`fuzz_sie` is what ``bench/fuzz.py`` (the lead's) can call;
:func:`check` is also run by the hypothesis test tests/sources/test_sie_fuzz.py.
``--show N`` prints the first N failing inputs (as Python bytes literals).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CASES = ROOT / "tests" / "sources" / "sie_cases"
DATA = ROOT.parent / "shared" / "data" / "sie"
SMALL = 2000  # bytes of a seed kept by small_seeds

RECORDS = [
    b"#VER A 3 20200301 text",
    b'#VER "A" "4" 20200302 "a \\"b\\" c" 20200303 sign',
    b"#VER B 1 20201231",
    b"#VER A 2 20210101",
    b"#VER A 1 20200230",
    b"{",
    b"}",
    b"\t#TRANS 1930 {} 100.00",
    b'#TRANS 1930 {} -100.00 20200115 "x" 2 sign',
    b'#TRANS 5010 {1 "100" 6 "P1"} 50.50 20200120 "t"',
    b"#TRANS 5010 {1 100} -50.5",
    b"#TRANS 3010 {6} 1",
    b"#TRANS 3010 {} 0.00 00000000",  # a date that is no day, in a voucher still balanced
    b"#TRANS 3010 {} 1e3",
    b"#TRANS 3010 {} 12345678901234567890123456789.01",
    b"#TRANS 3010 {} -12345678901234567890123456789.01",
    b"#TRANS 3010 {} 1,50",
    b'#TRANS 3010 {1 "a\\"b"} 1.00 "" "q\\"',
    b"#RTRANS 1930 {} 100.00",
    b"#BTRANS 1930 {} 100.00 20200115",
    b"#PSALDO 0 202001 3010 {1 100} -500.00 3",
    b"#PBUDGET 0 202013 3010 {} 1.00",
    b'#PBUDGET -1 201912 3010 {1 "100" 5 x} 7.00',
    b"#PSALDO 5 202001 3010 {} 1",
    b"#IB 0 1930 1000.00",
    b"#UB 0 1930 x",
    b"#OIB 0 1930 {1 100} 10",
    b"#RAR 0 20200101 20201231",
    b"#RAR 0 20201231 20200101",
    b'#KONTO 9999 "Nytt"',
    b'#OBJEKT 1 999 "Nytt"',
    b"#DIM 7 Ny",
    b"#KSUMMA",
    b"#KSUMMA 12345",
    b"#FORMAT UTF8",
    b"#SIETYP 9",
    b"#ver a 1 20200101",
    b"stray text",
    b"",
    b"   ",
    b"#TRANS 1930 {} 100.00 \x94\x86 \xc3\xa5",
]
TOKENS = [
    b" ",
    b"\t",
    b'"',
    b'\\"',
    b"{",
    b"}",
    b"\r",
    b"\n",
    b"\r\n",
    b"0",
    b"-",
    b".",
    b"#TRANS ",
    b"#VER ",
    b"20200101",
    b"00000000",  # a date that is no day (a numeric "no date" once mistook it for none)
    b"-1",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\x94",
]


def seeds() -> list[bytes]:
    from styrkort.sources.sie.synthetic import write_kommunbas_sie, write_variety_sie

    out = [p.read_bytes() for p in sorted(CASES.glob("*.se"))]
    buffer = io.BytesIO()
    write_kommunbas_sie(buffer, vouchers=12, combinations=5)
    out.append(buffer.getvalue())
    buffer = io.BytesIO()
    write_variety_sie(buffer, size=1, features={"corrections", "row_fields", "tabs", "quoting"})
    out.append(buffer.getvalue()[:6000])
    if DATA.is_dir():
        for p in sorted(DATA.iterdir()):
            data = p.read_bytes()
            out.append(data[:4000] + data[-2000:] if len(data) > 8000 else data)
    return out


def small_seeds(limit: int = SMALL) -> list[bytes]:
    """The seeds cut to at most ``limit`` bytes at a line end (head and, for long files, the
    tail): a mutation then lands on a record that matters far more often, and the four reads
    of an input take about 2 ms instead of 10 (what lets a million inputs run in an hour)."""
    out = []
    for data in seeds():
        if len(data) <= limit:
            out.append(data)
            continue
        head = data[: data.rfind(b"\n", 0, limit * 2 // 3) + 1]
        tail = data[len(data) - limit // 3 :]
        out.append(head + tail[tail.find(b"\n") + 1 :])
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits of ``data``, at byte and at line level."""
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.45:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            op = rng.random()
            if op < 0.5:
                lines[i] = rng.choice(RECORDS) + (b"\r" if lines[i].endswith(b"\r") else b"")
            elif op < 0.65:
                lines.insert(i, rng.choice(RECORDS))
            elif op < 0.8:
                j = rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
            elif op < 0.9:
                lines.insert(i, lines[i])
            else:
                del lines[i]
            data = b"\n".join(lines)
        elif kind < 0.7 and data:
            i = rng.randrange(len(data))
            data = data[:i] + rng.choice(TOKENS) + data[i:]
        elif kind < 0.85 and data:
            i = rng.randrange(len(data))
            data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        elif data:
            i = rng.randrange(len(data))
            data = data[:i] + data[i + rng.randint(1, 40) :]
    return data


def _sums_view(result: Any) -> Any:
    s = result.sums
    if s is None:
        return None
    return (
        {k: str(v) for k, v in s.sums.items()},
        dict(s.account_lines),
        s.vouchers,
        s.transactions,
        s.balances,
        s.object_balances,
        s.period_balances,
        s.header,
    )


def check(data: bytes, chunk_size: int = 4096) -> list[str]:
    """What is wrong when ``data`` is read the four ways (empty: nothing)."""
    from styrkort.sources.sie import read_sie, sum_sie

    problems: list[str] = []
    dims = ("1", "6")
    results: dict[str, Any] = {}
    for label, run in (
        ("tree", lambda: read_sie(data, name="f.se")),
        ("tree-ref", lambda: read_sie(data, name="f.se", reference=True)),
        ("sums", lambda: sum_sie(data, name="f.se", dimensions=dims, chunk_size=chunk_size)),
        (
            "sums-ref",
            lambda: sum_sie(
                data, name="f.se", dimensions=dims, chunk_size=chunk_size, reference=True
            ),
        ),
    ):
        try:
            results[label] = run()
        except Exception as exc:  # the readers must never raise
            problems.append(f"crash {label}: {type(exc).__name__}: {exc}")
            return problems
        if any(f.code == "sie.internal" for f in results[label].findings):
            problems.append(f"crash {label}: {results[label].findings[-1].message}")
    if problems:
        return problems
    tree, tree_ref, sums, sums_ref = (results[k] for k in ("tree", "tree-ref", "sums", "sums-ref"))
    if tree.findings != tree_ref.findings or tree.ledger != tree_ref.ledger:
        problems.append("disagree tree: fast ≠ reference")
    if sums.findings != sums_ref.findings or _sums_view(sums) != _sums_view(sums_ref):
        problems.append("disagree sums: fast ≠ reference")
    if tree_ref.findings != sums_ref.findings:
        problems.append("disagree read_sie ≠ sum_sie: findings")
    elif (
        tree_ref.ledger is not None
        and sums_ref.sums is not None
        and tree_ref.ledger.sums(dims) != dict(sums_ref.sums.sums)
    ):
        problems.append("disagree read_sie ≠ sum_sie: sums")
    return problems


class _Hang(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Hang


def inputs(n: int, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    pool = small_seeds()
    whole = seeds()
    for i in range(n):
        # one input in fifty from a whole seed (up to 6 KB), the rest from the cut seeds
        yield mutate(rng.choice(whole if i % 50 == 49 else pool), rng)


def fuzz_sie(n: int, seed: int, *, timeout: float = 5.0, show: int = 0) -> dict[str, Any]:
    """Read ``n`` mutated inputs four ways; counts of crashes, hangs and disagreements."""
    counts: dict[str, Any] = {"inputs": 0, "crashes": 0, "hangs": 0, "disagreements": 0}
    kinds: dict[str, int] = {}
    examples: list[tuple[bytes, list[str]]] = []
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    try:
        for i, data in enumerate(inputs(n, seed)):
            chunk = 64 if i % 10 == 0 else 4096  # tiny chunks: records split across reads
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, timeout)
                problems = check(data, chunk)
            except _Hang:
                problems = ["hang"]
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            counts["inputs"] += 1
            if problems:
                for p in problems:
                    kind = p.split(":")[0]
                    kinds[kind] = kinds.get(kind, 0) + 1
                if any(p.startswith("crash") for p in problems):
                    counts["crashes"] += 1
                elif problems == ["hang"]:
                    counts["hangs"] += 1
                else:
                    counts["disagreements"] += 1
                if len(examples) < show:
                    examples.append((data, problems))
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, previous)
    counts["kinds"] = kinds
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["examples"] = examples
    return counts


def _worker(args: tuple[int, int, float, int]) -> dict[str, Any]:
    n, seed, timeout, show = args
    return fuzz_sie(n, seed, timeout=timeout, show=show)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="inputs (default 10 000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a hang")
    parser.add_argument("--show", type=int, default=0, help="print this many failing inputs")
    args = parser.parse_args()
    if args.jobs > 1:
        from multiprocessing import Pool

        share = [
            args.n // args.jobs + (1 if i < args.n % args.jobs else 0) for i in range(args.jobs)
        ]
        with Pool(args.jobs) as pool:
            parts = pool.map(
                _worker,
                [(k, args.seed * 1000 + i, args.timeout, args.show) for i, k in enumerate(share)],
            )
    else:
        parts = [fuzz_sie(args.n, args.seed, timeout=args.timeout, show=args.show)]
    total: dict[str, Any] = {"inputs": 0, "crashes": 0, "hangs": 0, "disagreements": 0}
    kinds: dict[str, int] = {}
    for part in parts:
        for key in total:
            total[key] += part[key]
        for kind, k in part["kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + k
    print(
        f"{total['inputs']} inputs, seed {args.seed}, {args.jobs} jobs, "
        f"{max(p['seconds'] for p in parts)} s: {total['crashes']} crashes, "
        f"{total['hangs']} hangs, {total['disagreements']} disagreements {kinds or ''}; "
        f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    shown = 0
    for part in parts:
        for data, problems in part["examples"]:
            if shown < args.show:
                print(problems, data)
                shown += 1
    return 1 if total["crashes"] or total["hangs"] or total["disagreements"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""The data files of computed indicators, stored with their period (issue 15, parity).

A workspace folder holds the files its metrics read (``metric.file`` and files named in
``metric.params``, such as a column mapping next to the data file). On import they are
stored in the database (``DataFile``: bytes, SHA-256, size, upload time); the screens run
the metrics from a private copy of them (``materialise``), so a period in the database
assesses, checks and reports exactly as its folder does; export writes them back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from styrkort.core.model import Workspace
from styrkort.web import models as m


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def named_files(ws: Workspace, root: Path) -> list[str]:
    """The files under ``root`` that the workspace's metrics read, relative to ``root``:
    each metric's ``file`` and its earlier years' files (``metric.history``), and every
    parameter that names a file beside it or in ``root``.
    A path outside the workspace is never included."""
    out: set[str] = set()
    for goal in ws.goals:
        for ind in goal.indicators:
            spec = ind.metric
            if spec is None:
                continue
            data = root / spec.file
            # this year's file and the earlier years' files of the metric's history
            for file in (spec.file, *(f for _year, f in spec.history)):
                path = root / file
                if path.is_file() and _inside(path, root):
                    out.add(path.resolve().relative_to(root.resolve()).as_posix())
            for _name, value in spec.params:
                if not value or len(value) > 300:
                    continue
                for candidate in (data.parent / value, root / value):
                    if candidate.is_file() and _inside(candidate, root):
                        out.add(candidate.resolve().relative_to(root.resolve()).as_posix())
                        break
    return sorted(out)


def store_files(period: m.Period, root: Path, paths: list[str], user: Any = None) -> int:
    """Store ``paths`` (relative to ``root``) with ``period``; returns how many."""
    name = str(user.get_username()) if getattr(user, "is_authenticated", False) else "system"
    for rel in paths:
        data = (root / rel).read_bytes()
        store_bytes(period, rel, data, name)
    return len(paths)


def store_bytes(period: m.Period, rel: str, data: bytes, username: str = "system") -> m.DataFile:
    """Store (or replace) one data file of ``period``."""
    row, _ = m.DataFile.objects.update_or_create(
        period=period,
        path=rel,
        defaults={
            "content": data,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "uploaded_by": username,
        },
    )
    return row


def _cache_root() -> Path:
    from styrkort.web.settings import data_dir

    return data_dir() / "datafiler"


def materialise(period: m.Period) -> Path:
    """A private folder with the period's data files at their workspace paths (an empty one
    when none are stored: a metric then reports its missing file instead of no value).

    Named by the files' hashes, so it is written once and a changed file gives a new folder;
    written beside and renamed into place, so a reader never sees half a folder."""
    rows = list(m.DataFile.objects.filter(period=period).values_list("path", "sha256"))
    if not rows:
        empty = _cache_root() / "tom"
        empty.mkdir(parents=True, exist_ok=True, mode=0o700)
        return empty
    digest = hashlib.sha256("\n".join(f"{p}\t{h}" for p, h in rows).encode()).hexdigest()[:24]
    base = _cache_root()
    target = base / f"period-{period.pk}-{digest}"
    if target.is_dir():
        return target
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = Path(tempfile.mkdtemp(prefix=f".period-{period.pk}-", dir=base))
    for row in m.DataFile.objects.filter(period=period):
        dest = tmp / row.path
        if not _inside(dest, tmp):
            continue  # stored paths are relative; never write outside the folder
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(bytes(row.content))
    try:
        os.rename(tmp, target)
    except OSError:  # another worker was first: use its folder
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def export_files(period: m.Period, out_dir: Path) -> list[Path]:
    """Write the period's data files into the exported workspace folder."""
    written = []
    for row in m.DataFile.objects.filter(period=period):
        dest = out_dir / row.path
        if not _inside(dest, out_dir):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(bytes(row.content))
        written.append(dest)
    return written

"""The output folder, written as one set: staged beside it, then swapped into place.

A build writes every format into a fresh folder next to the output folder
(``.build.ny-XXXX``) and, only when all of them succeeded, exchanges it with
the output folder in one step (``renameat2(RENAME_EXCHANGE)`` on Linux; two
renames elsewhere). A failed, interrupted or killed build therefore leaves the
previous report set exactly as it was — never new HTML beside a stale PDF.
When the output folder holds other things too (``--out .``), only the report
files are replaced, each in one step, right after all of them are finished;
report files of formats not built this time are removed, so the folder never
shows a mixed set.

The output folder is never redirected by the input: a ``build`` that is a
symbolic link (a workspace could ship one pointing anywhere) is refused unless
the user named the folder with ``--out``, and an ``--out`` that is a file is a
refusal with a message, not a traceback.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPORT_FILES = frozenset({"rapport.html", "rapport.pdf", "rapport.docx", "rapport.xlsx"})


class OutputRefused(Exception):
    """The output folder cannot be used; the message (Swedish) says why and what to do."""


def check_target(out_dir: Path, *, explicit: bool) -> None:
    """Raise ``OutputRefused`` when ``out_dir`` must not be written."""
    if out_dir.is_symlink() and not explicit:
        raise OutputRefused(
            f"Utmappen {out_dir} är en symbolisk länk (till {os.readlink(out_dir)}); en arbetsyta "
            "får inte styra vart rapporten skrivs. Ta bort länken eller ange utmappen med --out."
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputRefused(
            f"Utmappen {out_dir} är en fil, inte en mapp. Ange en mapp med --out "
            "(den skapas om den inte finns)."
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A new, empty folder beside ``out_dir`` (same file system); removed unless published."""
    real = out_dir.resolve() if out_dir.is_symlink() else out_dir
    parent = real.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.ny-", dir=parent))
    except OSError as exc:
        raise OutputRefused(
            f"Utmappen {out_dir} kan inte skapas ({exc.strerror or exc}). Ange en annan med --out."
        ) from exc
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def publish(tmp: Path, out_dir: Path) -> None:
    """Put the finished set in ``tmp`` in place of ``out_dir``'s report set."""
    real = out_dir.resolve() if out_dir.is_symlink() else out_dir
    if not real.exists():
        os.rename(tmp, real)
        return
    if {e.name for e in real.iterdir()} <= REPORT_FILES:
        # a folder that holds only a report set: swap the whole folder in one step
        if _exchange(tmp, real):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old set
            return
        old = Path(tempfile.mkdtemp(prefix=f".{real.name}.gammal-", dir=real.parent))
        os.rmdir(old)
        os.rename(real, old)
        os.rename(tmp, real)
        shutil.rmtree(old, ignore_errors=True)
        return
    # a folder with other things in it (--out .): replace the report files one by one,
    # each atomically, and remove report files this build did not make
    for name in sorted(REPORT_FILES):
        new, target = tmp / name, real / name
        if new.exists():
            os.replace(new, target)
        elif target.exists() or target.is_symlink():
            target.unlink()

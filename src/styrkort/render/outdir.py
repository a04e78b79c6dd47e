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

A build killed outright (``kill -9``, a power cut) cannot remove its staging
folder. The next build into the same output folder removes such leftovers, and
only those: folders named by this module's pattern (``.<ut>.ny-<pid>-XXXX``, or
``.<ut>.gammal-<pid>-XXXX`` while an old set is moved aside) whose build is
gone. A build holds an exclusive lock (``flock``) on ``<folder>.lock`` beside its
staging folder for as long as it runs; the kernel releases it when the process
dies, however it dies, so a lock that can be taken means a dead owner (the pid
in the name is for people, and a check when the lock file is missing). Symbolic
links, other names and the folder of a build that is still running are left
alone; an ``.gammal-`` folder (an old set moved aside) only goes when the output
folder itself is there.

The output folder is never redirected by the input: a ``build`` that is a
symbolic link (a workspace could ship one pointing anywhere) is refused unless
the user named the folder with ``--out``, and an ``--out`` that is a file is a
refusal with a message, not a traceback.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import stat
import tempfile
import time
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


LEGACY_AGE_S = 3600.0
"""A staging folder named before builds put their pid in it (``.ut.ny-XXXX``) is a leftover
when it is older than this."""


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.(ny|gammal)-(?:(\d+)-)?[A-Za-z0-9_]+")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OSError:
        return True
    return True


def _owner_gone(folder: Path, pid: int | None) -> bool:
    """Whether the build that made ``folder`` has ended (its lock free, or it has no lock
    and no live pid; a folder from before pids were recorded: when it is old)."""
    lock = folder.with_name(folder.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        if pid is not None:
            return pid != os.getpid() and not _pid_alive(pid)
        try:
            return time.time() - folder.lstat().st_mtime > LEGACY_AGE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        os.close(fd)
        return False  # held: the build is running (or no locks here: leave it)
    os.close(fd)  # free: its owner has died; nobody else takes a lock on a finished name
    return True


def remove_stale(real: Path) -> list[Path]:
    """Remove the staging folders of earlier builds into ``real`` that died; returns them."""
    parent, pattern = real.parent, _pattern(real.name)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    names = {entry.name for entry in entries}
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None:
            lock = pattern.fullmatch(entry.name.removesuffix(".lock"))
            if (
                lock is not None
                and entry.name.endswith(".lock")
                and entry.name.removesuffix(".lock") not in names
                and entry.is_file(follow_symlinks=False)
                and _owner_gone(Path(entry.path).with_suffix(""), None)
            ):
                with _suppress_missing():
                    os.unlink(entry.path)  # the lock of a build killed after its folder went
            continue
        try:
            if not stat.S_ISDIR(os.lstat(entry.path).st_mode):
                continue  # a symbolic link or a file with the name: not ours to remove
        except OSError:
            continue
        folder = Path(entry.path)
        if m.group(1) == "gammal" and not real.is_dir():
            continue  # an old set moved aside while the output folder is missing: keep it
        pid = int(m.group(2)) if m.group(2) else None
        if not _owner_gone(folder, pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        with _suppress_missing():
            os.unlink(folder.with_name(folder.name + ".lock"))
        if not folder.exists():
            removed.append(folder)
    return removed


@contextmanager
def _suppress_missing() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise


def _locked(tmp: Path) -> int | None:
    """Create and hold ``<tmp>.lock`` (released by the kernel when this process ends)."""
    try:
        import fcntl

        fd = os.open(tmp.with_name(tmp.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except (ImportError, OSError):
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


@contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A new, empty folder beside ``out_dir`` (same file system); removed unless published.

    Leftovers of earlier builds that were killed are removed first (``remove_stale``)."""
    real = out_dir.resolve() if out_dir.is_symlink() else out_dir
    parent = real.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_stale(real)
        tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.ny-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise OutputRefused(
            f"Utmappen {out_dir} kan inte skapas ({exc.strerror or exc}). Ange en annan med --out."
        ) from exc
    lock = _locked(tmp)
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if lock is not None:
            with _suppress_missing():
                os.unlink(tmp.with_name(tmp.name + ".lock"))
            os.close(lock)


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
        old = Path(tempfile.mkdtemp(prefix=f".{real.name}.gammal-{os.getpid()}-", dir=real.parent))
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

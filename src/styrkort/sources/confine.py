"""Workspace confinement and bounded reading: what a workspace names stays inside it.

A workspace may come from another organisation. Every path it names (goals,
finance tables, narrative, the Word template, the ledger, metric sources and
their mappings) must resolve — symlinks included — to a regular file inside
the workspace folder, no larger than ``core.limits.MAX_FILE_BYTES`` (logs:
``MAX_LOG_BYTES``). Anything else is a finding, and the file is not opened:
``../../etc/passwd``, ``/proc/self/environ``, a symlink out of the folder,
``/dev/zero`` or a FIFO. ``allow_outside=True`` (the CLI's
``--allow-outside``) is the explicit way to read files outside a trusted
workspace; size limits hold even then.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from styrkort.core.findings import Finding, Source, error
from styrkort.core.limits import MAX_FILE_BYTES, Limit, exceeded

OUTSIDE_CODE = "workspace.outside"
NOT_A_FILE_CODE = "workspace.not_a_file"


class Refused(Exception):
    """A path or file that may not be read; ``finding`` says why (source filled in by the caller)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def inside(root: Path, target: Path) -> bool:
    """Whether ``target`` (resolved, symlinks followed) lies in ``root`` (resolved)."""
    try:
        return target.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def resolve(
    root: Path,
    rel: str,
    where: Source,
    *,
    limit: Limit = MAX_FILE_BYTES,
    allow_outside: bool = False,
    must_exist: bool = True,
) -> Path:
    """The path ``rel`` names in the workspace ``root``, checked. Raises ``Refused``.

    ``where`` is the place that names the path (for the finding). A path that
    does not exist raises only with ``must_exist`` (callers that report a
    missing file in their own words pass False and check ``exists()``).
    """
    path = Path(rel)
    full = path if path.is_absolute() else root / path
    if not allow_outside and (path.is_absolute() or not inside(root, full)):
        raise Refused(
            error(
                where,
                OUTSIDE_CODE,
                f"Sökvägen '{rel}' pekar utanför arbetsytan; filen läses inte.",
                "Lägg filen i arbetsytans mapp och ange en relativ sökväg utan '..' och utan "
                "symboliska länkar ut ur mappen (eller kör med --allow-outside om du litar "
                "på arbetsytan).",
            )
        )
    try:
        st = os.stat(full)
    except OSError:
        if must_exist:
            raise Refused(
                error(
                    where,
                    "workspace.missing_file",
                    f"Filen '{rel}' finns inte.",
                    "Skapa filen eller rätta sökvägen.",
                )
            ) from None
        return full
    if not stat.S_ISREG(st.st_mode):
        raise Refused(
            error(
                where,
                NOT_A_FILE_CODE,
                f"'{rel}' är ingen vanlig fil (en mapp, en enhet eller en namngiven pipe); "
                "den läses inte.",
                "Ange en vanlig fil i arbetsytan.",
            )
        )
    if st.st_size > limit.value:
        raise Refused(exceeded(limit, where, st.st_size, what=rel))
    return full


def check_file(path: Path, where: Source, limit: Limit = MAX_FILE_BYTES) -> None:
    """Raise ``Refused`` unless ``path`` is a regular file of at most ``limit`` bytes."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Refused(
            error(
                where,
                "workspace.missing_file",
                f"Filen '{path.name}' kan inte läsas ({exc.strerror or exc}).",
                "Kontrollera sökvägen.",
            )
        ) from exc
    if not stat.S_ISREG(st.st_mode):
        raise Refused(
            error(
                where,
                NOT_A_FILE_CODE,
                f"'{path.name}' är ingen vanlig fil; den läses inte.",
                "Ange en vanlig fil.",
            )
        )
    if st.st_size > limit.value:
        raise Refused(exceeded(limit, where, st.st_size, what=path.name))


def read_bytes(path: Path, where: Source, limit: Limit = MAX_FILE_BYTES) -> bytes:
    """At most ``limit`` bytes of a regular file; raises ``Refused`` for more or for a non-file.

    The size is checked again while reading: a file that grows, or a device
    that reports size 0, is never read past the limit.
    """
    check_file(path, where, limit)
    st = os.stat(path)
    with open(path, "rb") as fh:
        data = fh.read(limit.value + 1)
    if len(data) > limit.value:
        raise Refused(exceeded(limit, where, max(st.st_size, len(data)), what=path.name))
    return data

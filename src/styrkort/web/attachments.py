"""Attachments per indicator: the evidence behind an outcome (issue 15, deliverable 5).

The bytes are a file under ``STYRKORT_MEDIA_ROOT`` with a random name (never the uploaded
name, never inside the web root); the ``Attachment`` row keeps the uploaded name, type, size and
SHA-256. Limits are settings: ``STYRKORT_ATTACHMENT_MAX_BYTES`` and
``STYRKORT_ATTACHMENT_TYPES`` (file name endings). A file must also look like what its ending
says (PDF, PNG, JPEG, an Office/OpenDocument zip, or UTF-8 text without markup), so an HTML page
or a program renamed to ``.pdf`` is refused. Downloads are always sent as attachments
(``Content-Disposition: attachment``) with the type chosen here, never the browser's guess.
"""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from styrkort.web import models as m
from styrkort.web.access import Access, Action
from styrkort.web.errors import Refusal
from styrkort.web.owner_access import require_remove_attachment, require_upload
from styrkort.web.owner_services import lock_period
from styrkort.web.services import audit

# file ending → the content type it is served with
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
_ZIPPED = {"xlsx", "docx", "pptx", "odt", "ods"}
_TEXT = {"csv", "txt"}


class AttachmentRefused(Refusal):
    status = 422
    code = "attachment"
    title = "Bilagan kan inte sparas"


def media_root() -> Path:
    return Path(settings.STYRKORT_MEDIA_ROOT)


def max_bytes() -> int:
    return int(settings.STYRKORT_ATTACHMENT_MAX_BYTES)


def allowed_endings() -> list[str]:
    return [e for e in settings.STYRKORT_ATTACHMENT_TYPES if e in CONTENT_TYPES]


def ending(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(kind: str, head: bytes, path: Path) -> bool:
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if kind in _ZIPPED:
        return zipfile.is_zipfile(path)
    if kind in _TEXT:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        lowered = text[:4096].lower()
        return "\x00" not in text and not any(
            t in lowered for t in ("<html", "<script", "<!doctype", "<svg")
        )
    return False


def problem(name: str, size: int) -> str | None:
    """Why an upload of ``name`` with ``size`` bytes is refused before it is read, or None."""
    kind = ending(name)
    if kind not in allowed_endings():
        return (
            f"Filen ”{name}” har en typ som inte tas emot. Tillåtna typer: "
            f"{', '.join(allowed_endings())}."
        )
    if size > max_bytes():
        return (
            f"Filen ”{name}” är {size / 1_000_000:.1f} MB; största tillåtna storlek är "
            f"{max_bytes() / 1_000_000:.1f} MB. Dela upp eller komprimera den."
        )
    if size == 0:
        return f"Filen ”{name}” är tom."
    return None


def _clean_name(name: str) -> str:
    # Only the last part of a path a browser may send, without control characters.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable()).strip()[:255] or "bilaga"


def store(access: Access, indicator: m.Indicator, upload: Any) -> m.Attachment:
    """Save an uploaded file (a Django ``UploadedFile``) as an attachment of ``indicator``.

    The file is written first and removed again if anything after it fails, so no row points at
    a missing file and no file is left without a row."""
    require_upload(access, indicator)
    name = _clean_name(upload.name or "")
    refused = problem(name, int(upload.size or 0))
    if refused:
        raise AttachmentRefused(refused)
    kind = ending(name)
    rel = Path(
        str(indicator.period.organisation_id), str(indicator.period_id), secrets.token_hex(16)
    )
    path = media_root() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("xb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > max_bytes():
                    raise AttachmentRefused(
                        f"Filen ”{name}” är större än {max_bytes() / 1_000_000:.1f} MB."
                    )
                digest.update(chunk)
                out.write(chunk)
        with path.open("rb") as fh:
            head = fh.read(16)
        if not _looks_like(kind, head, path):
            raise AttachmentRefused(
                f"Filen ”{name}” ser inte ut att vara en {kind.upper()}-fil.",
                "Ladda upp filen i det format som dess filändelse anger.",
            )
        with transaction.atomic():
            period = lock_period(indicator.period_id)
            access.require(Action.EDIT_OUTCOME, period, indicator)
            row = m.Attachment.objects.create(
                indicator=indicator,
                user=access.user if getattr(access.user, "is_authenticated", False) else None,
                username=access.user.get_username(),
                name=name,
                stored=rel.as_posix(),
                content_type=CONTENT_TYPES[kind],
                size=size,
                sha256=digest.hexdigest(),
            )
            audit(
                access.user,
                period.organisation,
                period,
                "bilaga",
                f"indikator {indicator.key}",
                "bilaga",
                "",
                name,
                note=f"{size} byte, SHA-256 {digest.hexdigest()[:16]}…",
            )
        return row
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def remove(access: Access, attachment: m.Attachment) -> None:
    require_remove_attachment(access, attachment)
    indicator = attachment.indicator
    with transaction.atomic():
        period = lock_period(indicator.period_id)
        access.require(Action.EDIT_OUTCOME, period, indicator)
        attachment.delete()
        audit(
            access.user,
            period.organisation,
            period,
            "bilaga",
            f"indikator {indicator.key}",
            "bilaga",
            attachment.name,
            "",
            note="borttagen",
        )
        # the file is removed after the commit (models._remove_attachment_file)


def path_of(attachment: m.Attachment) -> Path:
    root = media_root().resolve()
    path = (root / attachment.stored).resolve()
    if root not in path.parents:  # a row can only hold our own relative names; be sure
        raise Refusal("Bilagans fil finns inte.")
    return path

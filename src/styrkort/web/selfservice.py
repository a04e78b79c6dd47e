"""Self-service: create a period, import a workspace folder as a zip, export one as a zip
(issue 15, deliverable 6). The import and export are the CLI's (``web.commands``); this module
only unpacks and packs the zip, safely:

- no member may leave the folder (absolute paths, ``..``, drive letters), none may be a
  symbolic link or another special file, none may be encrypted;
- the upload, the unpacked total and the number of files are limited by settings
  (``STYRKORT_IMPORT_MAX_BYTES``, ``STYRKORT_IMPORT_MAX_UNPACKED``, ``STYRKORT_IMPORT_MAX_FILES``),
  and the unpacked size is counted while writing, not trusted from the zip's directory;
- the workspace is read with the same reader as ``styrkort import``; any error and nothing is
  stored; the import itself runs in one transaction (never half-imported).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from styrkort.core.findings import Finding, Severity, Source
from styrkort.core.model import Organisation, Period, PeriodKind, Workspace
from styrkort.sources.workspace import MAIN_FILE, load_workspace
from styrkort.web import models as m
from styrkort.web.access import Access
from styrkort.web.commands import export_period, import_or_replace
from styrkort.web.errors import Refusal
from styrkort.web.mapping import workspace_of
from styrkort.web.owner_access import require_self_service
from styrkort.web.services import audit, import_workspace


class ImportRefused(Refusal):
    status = 422
    code = "import"
    title = "Arbetsytan kan inte läsas in"

    def __init__(self, message: str, hint: str = "", findings: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.findings = findings or []


def _limit(name: str) -> int:
    return int(getattr(settings, name))


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return f"”{info.filename}” pekar utanför mappen."
    if info.flag_bits & 0x1:
        return f"”{info.filename}” är krypterad."
    # Unix file type bits (zero when the zip was made without them, e.g. on Windows)
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return f"”{info.filename}” är en symbolisk länk."
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return f"”{info.filename}” är ingen vanlig fil."
    return None


def safe_unzip(data: IO[bytes], dest: Path) -> None:
    """Unpack the zip ``data`` into the empty folder ``dest``, or raise ``ImportRefused``."""
    try:
        archive = zipfile.ZipFile(data)
    except zipfile.BadZipFile:
        raise ImportRefused(
            "Filen är ingen zip-fil.", "Packa arbetsytans mapp som .zip och försök igen."
        ) from None
    with archive:
        members = [
            i
            for i in archive.infolist()
            if not i.filename.replace("\\", "/").startswith("__MACOSX/")
        ]
        if len(members) > _limit("STYRKORT_IMPORT_MAX_FILES"):
            raise ImportRefused(
                f"Zip-filen har {len(members)} filer; högst {_limit('STYRKORT_IMPORT_MAX_FILES')} "
                "tas emot."
            )
        problems = [p for p in map(_member_problem, members) if p]
        if problems:
            raise ImportRefused(
                "Zip-filen innehåller filer som inte kan packas upp säkert; inget lästes in.",
                "Packa bara arbetsytans vanliga filer (inga länkar).",
                problems,
            )
        budget = _limit("STYRKORT_IMPORT_MAX_UNPACKED")
        root = dest.resolve()
        for info in members:
            target = (root / info.filename.replace("\\", "/")).resolve()
            if target != root and root not in target.parents:
                raise ImportRefused(f"”{info.filename}” pekar utanför mappen.")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, target.open("xb") as out:
                while chunk := src.read(1 << 16):
                    budget -= len(chunk)
                    if budget < 0:
                        raise ImportRefused(
                            "Arbetsytan blir för stor när den packas upp; högst "
                            f"{_limit('STYRKORT_IMPORT_MAX_UNPACKED') / 1_000_000:.0f} MB tas emot."
                        )
                    out.write(chunk)


def workspace_root(folder: Path) -> Path:
    """The folder with styrkort.yaml: the zip's top, or its one top-level folder."""
    if (folder / MAIN_FILE).is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and (p / MAIN_FILE).is_file()]
    if len(subs) == 1:
        return subs[0]
    raise ImportRefused(
        f"Zip-filen har ingen {MAIN_FILE} (eller flera arbetsytor).",
        f"Packa en arbetsyta: mappen med {MAIN_FILE}, eller dess innehåll.",
    )


def _shown(f: Finding, root: Path) -> str:
    """A finding with its file relative to the unpacked folder (no temporary paths)."""
    file = f.source.file
    prefix = str(root) + "/"
    if file.startswith(prefix):
        file = file[len(prefix) :]
    return f._replace(source=Source(file, f.source.line)).format()


def import_zip(
    access_for: Any, user: Any, data: IO[bytes], organisation: m.Organisation | None, replace: bool
) -> tuple[m.Period, bool]:
    """Import a zipped workspace into ``organisation`` (None: a new organisation, superusers only).

    ``access_for(org)`` gives the user's ``Access`` in an organisation. Returns the period and
    whether an existing one was replaced."""
    if organisation is not None:
        require_self_service(access_for(organisation))
    elif not user.is_superuser:
        raise ImportRefused("Bara en administratör av hela systemet kan skapa en ny organisation.")
    size = data.seek(0, io.SEEK_END)
    data.seek(0)
    if size > _limit("STYRKORT_IMPORT_MAX_BYTES"):
        raise ImportRefused(
            f"Zip-filen är {size / 1_000_000:.1f} MB; högst "
            f"{_limit('STYRKORT_IMPORT_MAX_BYTES') / 1_000_000:.0f} MB tas emot."
        )
    with tempfile.TemporaryDirectory(prefix="styrkort-import-") as tmp:
        safe_unzip(data, Path(tmp))
        root = workspace_root(Path(tmp))
        load = load_workspace(root)
        errors = [f for f in load.findings if f.severity is Severity.ERROR]
        ws = load.workspace
        if ws is None or not load.ok or errors:
            raise ImportRefused(
                "Arbetsytan har fel; inget lästes in. Rätta felen och försök igen.",
                "",
                [_shown(f, root) for f in errors or load.findings],
            )
        if organisation is not None and ws.organisation.name != organisation.name:
            raise ImportRefused(
                f"Arbetsytan gäller ”{ws.organisation.name}”, inte ”{organisation.name}”.",
                "Välj rätt organisation, eller rätta organisationens namn i styrkort.yaml.",
            )
        if (
            organisation is None
            and m.Organisation.objects.filter(name=ws.organisation.name).exists()
        ):
            raise ImportRefused(
                f"Organisationen ”{ws.organisation.name}” finns redan.",
                "Välj den organisationen i listan i stället för en ny.",
            )
        with transaction.atomic():
            period, replaced = import_or_replace(ws, replace=replace, user=user)
            if period is None:
                raise ImportRefused(
                    f"{ws.organisation.name} har redan perioden {ws.period.title}"
                    + (" och den är låst." if replace else "."),
                    "Kryssa i ”Ersätt befintlig period” för att ersätta den."
                    if not replace
                    else "En låst period kan inte ersättas; öppna den först.",
                )
            if organisation is not None and period.organisation_id != organisation.pk:
                raise ImportRefused(
                    f"Det finns flera organisationer med namnet ”{organisation.name}”.",
                    "Byt namn på en av dem i administrationen.",
                )
        return period, replaced


def export_zip(access: Access, period: m.Period) -> tuple[str, bytes]:
    """The period as a zipped workspace folder: (file name, bytes). Logged."""
    require_self_service(access)
    folder = _slug(f"{period.organisation.name}-{period.title}")
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="styrkort-export-") as tmp:
        out = Path(tmp) / folder
        files = export_period(period, out)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(files):
                archive.write(path, f"{folder}/{path.relative_to(out).as_posix()}")
    audit(access.user, period.organisation, period, "export", f"period {period.title}", note="zip")
    return f"{folder}.zip", buf.getvalue()


def _slug(text: str) -> str:
    table = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")
    out = "".join(c if c.isalnum() else "-" for c in text.translate(table).lower())
    return "-".join(p for p in out.split("-") if p)[:80] or "arbetsyta"


def create_period(
    access: Access,
    *,
    title: str,
    year: int,
    kind: str,
    start: dt.date | None,
    end: dt.date | None,
    label: str,
    copy_from: m.Period | None,
) -> m.Period:
    """A new period of ``access.organisation``: empty, or with the goals, indicators (targets,
    units, owners, definitions) and narrative headings of ``copy_from`` and no outcomes,
    comments, assessments or amounts."""
    require_self_service(access)
    org = access.organisation
    if m.Period.objects.filter(organisation=org, year=year, kind=kind, label=label).exists():
        raise ImportRefused(
            f"{org.name} har redan en period för {year}"
            + (f" med benämningen ”{label}”." if label else "."),
            "Ange en benämning (t.ex. ”Delår april”) eller ett annat år.",
        )
    period = Period(year=year, kind=PeriodKind(kind), start=start, end=end, label=label)
    if copy_from is not None and copy_from.organisation_id != org.pk:
        raise ImportRefused("Perioden att kopiera hör till en annan organisation.")
    # The organisation's members and allocation key come from its latest period: storing a
    # workspace sets them, and an empty one must not clear them.
    latest = copy_from or org.periods.order_by("-year", "-pk").first()
    if latest is None:
        ws = Workspace(
            organisation=Organisation(
                name=org.name, municipality=org.municipality, kind=org.kind, host=org.host
            ),
            period=period,
            title=title,
        )
    else:
        base = workspace_of(latest)
        ws = Workspace(organisation=base.organisation, period=period, title=title)
        if copy_from is not None:
            ws = dataclasses.replace(
                ws,
                settings=base.settings,
                council_goals=base.council_goals,
                goals=tuple(
                    dataclasses.replace(
                        g,
                        comment="",
                        manual=None,
                        indicators=tuple(
                            dataclasses.replace(i, outcome="", forecast="", comment="", manual=None)
                            for i in g.indicators
                        ),
                    )
                    for g in base.goals
                ),
                narrative=tuple(dataclasses.replace(s, markdown="") for s in base.narrative),
                investment_total_label=base.investment_total_label,
                word_template=base.word_template,
            )
    with transaction.atomic():
        return import_workspace(ws, access.user, org)

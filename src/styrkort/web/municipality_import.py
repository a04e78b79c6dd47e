"""A municipality folder into the database (issue 14): every board's workspace as a period (as
``styrkort import`` stores one), the municipality with its ``styrkort.yaml`` as the configuration
text, and each board linked under the id the configuration gives it.

Used by ``styrkort manage importera_kommun MAPP`` and the tests. Nothing is stored when the
configuration or a board's workspace has errors: the findings say what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from styrkort.core.findings import Finding, Severity, has_errors
from styrkort.core.model import Workspace
from styrkort.municipality import board_findings
from styrkort.pipeline import resolve_history
from styrkort.sources.municipality import MAIN_FILE, board_folder, read_municipality
from styrkort.sources.workspace import load_workspace
from styrkort.web import models as m
from styrkort.web.commands import import_or_replace


@dataclass
class MunicipalityImport:
    municipality: m.Municipality | None
    imported: list[m.Period] = field(default_factory=list)
    """Periods stored by this import (a board whose period existed keeps it: ``kept``)."""
    kept: list[m.Period] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> str:
        """What was read, in Swedish (the CLI and the management command print it)."""
        k = self.municipality
        if k is None:
            return "kommunen har fel; inget lästes in. Rätta felen och försök igen."
        return (
            f"läste in {k.name} (kommun {k.pk}): {len(self.imported)} nämnders perioder "
            f"inlästa, {len(self.kept)} fanns redan; {k.board_links.count()} nämnder kopplade"
        )


def import_municipality(root: Path | str, *, replace: bool = False) -> MunicipalityImport:
    """Store the municipality folder ``root``: its boards (a board's existing period of the same
    year and kind is kept unless ``replace``), then the municipality and its links (an existing
    municipality of the same name gets the new configuration and links)."""
    root = Path(root)
    config, findings = read_municipality(root)
    out = MunicipalityImport(None, findings=list(findings))
    if config is None or has_errors(findings):
        return out
    boards: list[tuple[str, Path, Workspace]] = []
    for ref in config.boards:
        folder, problems = board_folder(root, ref)
        out.findings += problems
        if folder is None:
            continue
        load = load_workspace(folder)
        out.findings += board_findings(
            ref, [f for f in load.findings if f.severity is Severity.ERROR]
        )
        if load.workspace is None or not load.ok:
            continue
        ws, history = resolve_history(load.workspace, folder)
        out.findings += board_findings(ref, history)
        boards.append((ref.id, folder, ws))
    if has_errors(out.findings):
        return out
    text = (root / MAIN_FILE).read_bytes().decode("utf-8-sig", errors="replace")
    with transaction.atomic():
        links: list[tuple[str, m.Organisation]] = []
        for board_id, folder, ws in boards:
            period, _replaced = import_or_replace(ws, replace=replace, root=folder)
            if period is None:  # the board already has this period: keep it
                period = (
                    m.Period.objects.filter(
                        organisation__name=ws.organisation.name,
                        year=ws.period.year,
                        kind=ws.period.kind.value,
                        label=ws.period.label,
                    )
                    .order_by("pk")
                    .first()
                )
                assert period is not None
                out.kept.append(period)
            else:
                out.imported.append(period)
            links.append((board_id, period.organisation))
        municipality = m.Municipality.objects.filter(name=config.name).order_by("pk").first()
        if municipality is None:
            municipality = m.Municipality.objects.create(name=config.name, config=text)
        else:
            municipality.config = text
            municipality.version += 1
            municipality.save(update_fields=["config", "version"])
            municipality.board_links.all().delete()
        for position, (board_id, org) in enumerate(links):
            m.MunicipalityBoard.objects.create(
                municipality=municipality, organisation=org, board_id=board_id, position=position
            )
    out.municipality = municipality
    return out

"""Limits on what a file or a person may send: one place, pure values.

Every reader that takes input from outside (a workspace someone sent, an
uploaded file, an owner's text) checks it against one of these limits before
it spends memory or time on it, and reports ``exceeded(...)`` — a finding with
the code ``limit.<name>`` — instead of reading on. docs/security.md lists
them (a test keeps that list complete) and says how each is tested.

The values are generous for real data: the largest real ticket log
(ServiceNow, 2 MB gzip) unpacks to 39 MB; a board's workspace is a few
hundred KB; Excel itself stops at 1 048 576 rows and 16 384 columns.
"""

from __future__ import annotations

from typing import NamedTuple

from styrkort.core.findings import Finding, Source, error
from styrkort.core.model import Workspace


class Limit(NamedTuple):
    """One limit: ``name`` is the setting (and the finding code ``limit.<name>``)."""

    name: str
    value: int
    unit: str
    """Swedish unit for the message: "byte", "tecken", "nivåer", "celler" …"""
    what: str
    """Swedish: what is measured, for the message ("filens storlek")."""
    hint: str
    """Swedish: what the user can do."""

    @property
    def code(self) -> str:
        return f"limit.{self.name}"


MiB = 1024 * 1024

MAX_FILE_BYTES = Limit(
    "max_file_bytes",
    20 * MiB,
    "byte",
    "filens storlek",
    "En arbetsytas filer (YAML, CSV, Markdown, tabeller, mappningar) är normalt några hundra KB; "
    "kontrollera att rätt fil är angiven.",
)
MAX_LOG_BYTES = Limit(
    "max_log_bytes",
    1024 * MiB,
    "byte",
    "loggfilens storlek",
    "Dela upp loggen per period eller exportera bara de kolumner som behövs.",
)
MAX_DECOMPRESSED_BYTES = Limit(
    "max_decompressed_bytes",
    512 * MiB,
    "byte",
    "den uppackade storleken",
    "Filen packas upp till mer än gränsen; exportera en mindre fil (t.ex. en period i taget).",
)
MAX_XLSX_CELLS = Limit(
    "max_xlsx_cells",
    3_000_000,
    "celler",
    "kalkylbladets storlek (rader × kolumner)",
    "Spara bara det använda området (ta bort tomma rader och kolumner längst ned och till höger) "
    "eller spara bladet som CSV.",
)
MAX_TABLE_CELLS = Limit(
    "max_table_cells",
    200_000,
    "celler",
    "tabellens storlek (rader × kolumner)",
    "En publicerad tabell har sällan mer än några tusen celler; granska tabellen för sig "
    "(ta bort andra blad och tomma områden), eller dela upp den.",
)
MAX_XLSX_ROWS = Limit(
    "max_xlsx_rows",
    1_048_576,
    "rader",
    "antalet rader i kalkylbladet",
    "Excel tillåter högst 1 048 576 rader; filen är inte sparad av ett kalkylprogram.",
)
MAX_XLSX_COLUMNS = Limit(
    "max_xlsx_columns",
    16_384,
    "kolumner",
    "antalet kolumner i kalkylbladet",
    "Excel tillåter högst 16 384 kolumner; filen är inte sparad av ett kalkylprogram.",
)
MAX_YAML_DEPTH = Limit(
    "max_yaml_depth",
    40,
    "nivåer",
    "YAML-filens inkapslingsdjup",
    "En arbetsyta behöver bara några få nivåer; kontrollera indrag och hakparenteser.",
)
MAX_YAML_NODES = Limit(
    "max_yaml_nodes",
    200_000,
    "värden",
    "antalet värden i YAML-filen (alias & och * inräknade)",
    "Ta bort alias (&namn, *namn) som upprepar stora delar, eller dela upp filen.",
)
MAX_TEXT_CHARS = Limit(
    "max_text_chars",
    20_000,
    "tecken",
    "textens längd",
    "Korta texten, eller lägg längre text i en berättelsefil (narrative).",
)
MAX_TITLE_CHARS = Limit(
    "max_title_chars",
    500,
    "tecken",
    "rubrikens längd",
    "Korta rubriken; längre förklaringar hör hemma i kommentaren.",
)
MAX_NARRATIVE_CHARS = Limit(
    "max_narrative_chars",
    500_000,
    "tecken",
    "berättelsefilens längd",
    "Dela upp texten i flera berättelsefiler.",
)
MAX_TEMPLATE_SECONDS = Limit(
    "max_template_seconds",
    60,
    "sekunder",
    "tiden för att fylla i mallen",
    "Ta bort loopar i loopar ({% for %} inuti {% for %}) och range(...) ur mallen; "
    "platshållarna i docs/publication.md behöver inga loopar.",
)
MAX_TEMPLATE_ITEMS = Limit(
    "max_template_items",
    1_000_000,
    "tecken eller element",
    "storleken på ett värde som mallen räknar fram",
    "Ta bort multiplikationen eller upphöjningen ur mallen ({{ 'x' * 1000000 }}, 10 ** 1000).",
)

ALL: tuple[Limit, ...] = (
    MAX_FILE_BYTES,
    MAX_LOG_BYTES,
    MAX_DECOMPRESSED_BYTES,
    MAX_XLSX_CELLS,
    MAX_TABLE_CELLS,
    MAX_XLSX_ROWS,
    MAX_XLSX_COLUMNS,
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_NARRATIVE_CHARS,
    MAX_TEMPLATE_SECONDS,
    MAX_TEMPLATE_ITEMS,
)
BY_NAME: dict[str, Limit] = {limit.name: limit for limit in ALL}


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def exceeded(
    limit: Limit,
    source: Source,
    actual: int | None = None,
    what: str = "",
    consequence: str = "filen läses inte",
) -> Finding:
    """The finding for input over ``limit`` (``actual`` when known; ``what`` names the thing)."""
    subject = f"{what}: " if what else ""
    measured = f" ({_number(actual)} {limit.unit})" if actual is not None else ""
    return error(
        source,
        limit.code,
        f"{subject}{limit.what.capitalize()} är över gränsen {_number(limit.value)} "
        f"{limit.unit}{measured}; {consequence}.",
        limit.hint,
        limit=limit.name,
        limit_value=limit.value,
    )


def text_over(limit: Limit, text: str) -> bool:
    return len(text) > limit.value


def text_findings(ws: Workspace) -> list[Finding]:
    """Texts of a workspace over ``MAX_TITLE_CHARS``, ``MAX_TEXT_CHARS`` or ``MAX_NARRATIVE_CHARS``."""
    out: list[Finding] = []

    def over(limit: Limit, text: str, source: Source, what: str) -> None:
        if len(text) > limit.value:
            out.append(exceeded(limit, source, len(text), what, "texten kan inte användas"))

    over(MAX_TITLE_CHARS, ws.title, Source("styrkort.yaml"), "title")
    for cg in ws.council_goals:
        over(MAX_TITLE_CHARS, cg.title, cg.source, "KF-målets title")
    for goal in ws.goals:
        over(MAX_TITLE_CHARS, goal.title, goal.source, "nämndmålets title")
        over(MAX_TEXT_CHARS, goal.comment, goal.source, "nämndmålets comment")
        for ind in goal.indicators:
            over(MAX_TITLE_CHARS, ind.text, ind.source, "indikatorns text")
            for name in ("baseline", "target", "outcome", "forecast", "owner", "unit", "kind"):
                over(MAX_TITLE_CHARS, getattr(ind, name) or "", ind.where(name), name)
            over(MAX_TEXT_CHARS, ind.comment, ind.where("comment"), "indikatorns comment")
    for section in ws.narrative:
        over(MAX_TITLE_CHARS, section.title, section.source, "berättelsens rubrik")
        over(MAX_NARRATIVE_CHARS, section.markdown, section.source, "berättelsen")
    return out

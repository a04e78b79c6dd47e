"""Findings in the screen's words: a period kept in the database has no folder, so a hint that
sends its user to docs/workspace.md, a YAML key (``metric.history``, ``history.kolada``) or a
file path says nothing to them. The web shows every finding of a database period through
``on_screen``, which says the same thing with the screens and fields a user sees; where a
finding is (screen and field) comes from its ``web:`` source (``mapping.screen_of``).

The texts are the checks' own (core, pipeline); only what names files, keys and commands is
said again here, per finding code, so a new check's hint is shown unchanged until it needs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from styrkort.core.findings import Finding
from styrkort.web.mapping import screen_of

# Where a user fixes it, in the words of the screens (headings and field labels).
INDICATOR_DATA = "under Beräkning och datafiler på indikatorns sida"

Rewrite = Callable[[Finding], Finding]


def _sub(pattern: str, replacement: str, *, message: bool = False) -> Rewrite:
    rx = re.compile(pattern)

    def rewrite(f: Finding) -> Finding:
        if message:
            return f._replace(message=rx.sub(replacement, f.message))
        return f._replace(hint=rx.sub(replacement, f.hint))

    return rewrite


def _hint(text: str) -> Rewrite:
    return lambda f: f._replace(hint=text)


REWRITES: dict[str, tuple[Rewrite, ...]] = {
    "narrative.unknown_figure": (
        _sub(r" \(se docs/workspace\.md\)", " (i fältet Text på berättelsens sida)"),
    ),
    "indicator.no_outcome": (_sub(r"\(metric\)", f"({INDICATOR_DATA})"),),
    "history.gap": (
        _sub(
            r"Ange utfallet (\d{4}) i indikatorns history\.",
            r"Lägg in perioden \1 i Styrkort (Ny period eller Importera), så blir dess utfall "
            r"historik; eller skriv målvärdet med sitt utgångsvärde (t.ex. Öka från 71,13) "
            r"i fältet Målvärde på indikatorns sida.",
        ),
    ),
    "kolada.missing": (
        _hint(
            "Koladas värden kan inte anges på en skärm: be administratören importera perioden "
            "igen med Koladas värden, eller ta bort jämförelsen."
        ),
    ),
    # a data file's name is the screen's word: the indicator's page lists the files by it
    "metric.missing_file": (
        _sub(r"Datakällan '", "Datafilen '", message=True),
        _hint(f"Ladda upp datafilen {INDICATOR_DATA}."),
    ),
    "workspace.missing_file": (_hint(f"Ladda upp filen {INDICATOR_DATA}."),),
    "metric.no_value": (
        _sub(r" \([^()]*\.(?:csv|xlsx|txt|json)\)\.$", ".", message=True),
        _hint(f"Kontrollera datafilen och beräkningens parametrar {INDICATOR_DATA}."),
    ),
    "metric.bad_period": (
        _hint(
            "Rätta beräkningens period (t.ex. 2020, 2020-03 eller 2020-01..2020-08) "
            f"{INDICATOR_DATA}; utan period räknas periodens år."
        ),
    ),
    "metric.outcome_written": (_hint("Töm fältet Utfall på indikatorns sida."),),
}

# Names a person in the web never sees: documentation paths, workspace files, YAML keys.
FOLDER_WORDS = re.compile(
    r"docs/|\b[\w./-]+\.(?:ya?ml|csv|md)\b|\b(?:history|metric|settings)\.\w+"
)


def on_screen(f: Finding) -> Finding:
    """``f`` as a web user reads it: hints that name files, keys or documentation say where on
    the screens to fix it instead (a finding with a file source, from an uploaded data file,
    keeps it: that file is what the user uploaded)."""
    where = screen_of(f.source)
    if where is None:
        return f
    for rewrite in REWRITES.get(f.code, ()):
        f = rewrite(f)
    if FOLDER_WORDS.search(f.hint):
        screen, _key, field = where
        f = f._replace(
            hint=f"Rätta det på skärmen {screen}" + (f", fältet {field}" if field else "") + "."
        )
    return f

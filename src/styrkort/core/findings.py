"""Diagnostics as values: a finding says where, what is wrong and what to do."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple


class Severity(enum.Enum):
    """How serious a finding is."""

    ERROR = "error"
    """The report must not be published as it stands."""
    WARNING = "warning"
    """Probably wrong; a person should look before publishing."""
    INFO = "info"
    """Worth knowing; nothing needs to be done."""

    @property
    def swedish(self) -> str:
        return {"error": "fel", "warning": "varning", "info": "info"}[self.value]


class Source(NamedTuple):
    """Where a value came from: a file and line, or a screen and field ("web:indikator 7/utfall")."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    @property
    def place(self) -> str:
        """Where, for a reader: ``file:line``, or for a value entered in the web app the
        screen, the row and the field in Swedish (``skärmen Indikator, I3, fält utfall``)."""
        if not self.file.startswith(WEB):
            return str(self)
        screen, _, rest = self.file[len(WEB) :].partition("/")
        key, _, field = rest.partition("/")
        parts = [f"skärmen {SCREEN_NAMES.get(screen, screen)}"]
        if key:
            parts.append(key)
        if field:
            parts.append(f"fält {field}")
        if self.line is not None:
            parts.append(f"rad {self.line}")
        return ", ".join(parts)


#: The prefix of a value entered in the web app: ``web:<screen>/<key>/<field>``.
WEB = "web:"

#: The web app's screens by the name a ``web:`` source gives them (one table for the
#: web app's findings screen and every report format's Kontrollresultat).
SCREEN_NAMES: dict[str, str] = {
    "indikator": "Indikator",
    "mål": "Nämndmål",
    "ekonomi": "Ekonomi",
    "berättelse": "Verksamhetsberättelse",
    "organisation": "Organisation",
    "period": "Period",
    "kf-mål": "KF-mål",
    "perspektiv": "Perspektiv",
    "aktivitet": "Aktivitet",
    "uppdrag": "Uppdrag från fullmäktige",
    "kontroll": "Intern kontroll: kontroll",
    "risk": "Intern kontroll: risk",
    "internkontroll": "Intern kontroll",
}


NOWHERE = Source("")


class Finding(NamedTuple):
    """One diagnostic.

    ``message`` says, in Swedish, what is wrong; ``hint`` says what to do.
    ``details`` carries machine-readable extras (row, column, printed and
    computed values of an audited table, for example).
    """

    source: Source
    code: str
    severity: Severity
    message: str
    hint: str = ""
    details: Mapping[str, Any] | None = None

    def format(self) -> str:
        """hledger-style one-liner: ``file:line: fel [code] message Åtgärd: hint``."""
        where = f"{self.source}: " if self.source.file else ""
        text = f"{where}{self.severity.swedish} [{self.code}] {self.message}"
        if self.hint:
            text += f" Åtgärd: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.source.file,
            "line": self.source.line,
            "message": self.message,
            "hint": self.hint,
        }
        if self.details:
            data.update(self.details)
        return data


def error(source: Source, code: str, message: str, hint: str = "", **details: Any) -> Finding:
    return Finding(source, code, Severity.ERROR, message, hint, details or None)


def warning(source: Source, code: str, message: str, hint: str = "", **details: Any) -> Finding:
    return Finding(source, code, Severity.WARNING, message, hint, details or None)


def info(source: Source, code: str, message: str, hint: str = "", **details: Any) -> Finding:
    return Finding(source, code, Severity.INFO, message, hint, details or None)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(
        findings,
        key=lambda f: (order[f.severity], f.source.file, f.source.line or 0, f.code),
    )

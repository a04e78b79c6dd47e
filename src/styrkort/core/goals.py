"""The goal tree: council goals (KF-mål) → board goals (nämndmål) → indicators."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from styrkort.core.findings import NOWHERE, Source
from styrkort.core.history import KoladaSpec, PastOutcome
from styrkort.core.values import Direction


class Status(enum.Enum):
    """An assessment (bedömning) of an indicator or a goal."""

    MET = "uppnått"
    """The target is met."""
    PARTLY = "delvis uppnått"
    """Not met, but within the organisation's tolerance."""
    NOT_MET = "ej uppnått"
    """Not met and outside the tolerance."""
    NO_VALUE = "saknar värde"
    """No outcome: counts against the goal."""
    NOT_ASSESSED = "ej bedömt"
    """Cannot be assessed by the rule (no target, a tie, no indicators): a person must decide."""

    @property
    def symbol(self) -> str:
        """A shape per status, so that status never depends on colour alone."""
        return {
            Status.MET: "●",
            Status.PARTLY: "◐",
            Status.NOT_MET: "○",
            Status.NO_VALUE: "–",
            Status.NOT_ASSESSED: "?",
        }[self]

    @property
    def label(self) -> str:
        """Capitalised Swedish word for tables."""
        return self.value[0].upper() + self.value[1:]

    @classmethod
    def parse(cls, text: str) -> Status | None:
        t = " ".join(text.strip().lower().replace("_", " ").split())
        aliases = {
            "uppnått": cls.MET,
            "uppnådd": cls.MET,
            "met": cls.MET,
            "delvis uppnått": cls.PARTLY,
            "delvis": cls.PARTLY,
            "partly": cls.PARTLY,
            "ej uppnått": cls.NOT_MET,
            "inte uppnått": cls.NOT_MET,
            "not met": cls.NOT_MET,
            "saknar värde": cls.NO_VALUE,
            "ej bedömt": cls.NOT_ASSESSED,
            "not assessed": cls.NOT_ASSESSED,
        }
        return aliases.get(t)


# Swedish agreement of a status with what it counts: "1 indikator bedöms uppnådd",
# "2 bedöms uppnådda", "1 mål är uppnått". (singular common, singular neuter, plural)
_FORMS: dict[Status, tuple[str, str, str]] = {
    Status.MET: ("uppnådd", "uppnått", "uppnådda"),
    Status.PARTLY: ("delvis uppnådd", "delvis uppnått", "delvis uppnådda"),
    Status.NOT_MET: ("ej uppnådd", "ej uppnått", "ej uppnådda"),
    Status.NO_VALUE: ("saknar värde", "saknar värde", "saknar värde"),
    Status.NOT_ASSESSED: ("ej bedömd", "ej bedömt", "ej bedömda"),
}


def status_word(status: Status, count: int, *, neuter: bool = False) -> str:
    """The status as a predicate agreeing with ``count`` things (neuter: mål; common: indikator)."""
    singular_common, singular_neuter, plural = _FORMS[status]
    if count == 1:
        return singular_neuter if neuter else singular_common
    return plural


_VERDICT_WORDS: tuple[tuple[str, Status], ...] = (
    ("uppnås delvis", Status.PARTLY),
    ("delvis uppnådda", Status.PARTLY),
    ("delvis uppnått", Status.PARTLY),
    ("uppnås inte", Status.NOT_MET),
    ("inte uppnås", Status.NOT_MET),
    ("uppnås ej", Status.NOT_MET),
    ("ej uppnått", Status.NOT_MET),
    ("inte uppnått", Status.NOT_MET),
    ("ej bedöm", Status.NOT_ASSESSED),
    ("inte bedömas", Status.NOT_ASSESSED),
    ("uppnås", Status.MET),
    ("uppnått", Status.MET),
    ("uppnådda", Status.MET),
)


def read_verdict(sentence: str) -> Status | None:
    """The verdict a printed sentence states ("Vilket gör att nämndmålen uppnås delvis." → delvis)."""
    low = " ".join(sentence.lower().split())
    for words, status in _VERDICT_WORDS:
        if words in low:
            return status
    return Status.parse(low.rstrip("."))


def counted(count: int, singular: str, plural: str) -> str:
    """``1 indikator``, ``0 indikatorer``, ``13 indikatorer``."""
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True, slots=True)
class ManualAssessment:
    """A person's override of a computed status; the justification is mandatory."""

    status: Status
    justification: str
    by: str = ""
    date: str = ""
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """An indicator whose outcome is computed from a data source by a named metric."""

    name: str
    file: str
    profile: str
    params: tuple[tuple[str, str], ...] = ()
    period: str = ""
    source: Source = NOWHERE
    history: tuple[tuple[int, str], ...] = ()
    """Earlier years' data files, ``(year, file)``: the metric is computed from each for the
    indicator's history, with the same definition and parameters."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator (indikator) as written in the workspace: texts kept as written."""

    id: str
    text: str
    unit: str | None = None
    direction: Direction | None = None
    baseline: str = ""
    target: str = ""
    outcome: str = ""
    forecast: str = ""
    owner: str = ""
    comment: str = ""
    kind: str = ""
    manual: ManualAssessment | None = None
    metric: MetricSpec | None = None
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)
    history: tuple[PastOutcome, ...] = ()
    """Earlier periods' outcomes, oldest first (see core/history.py)."""
    kolada: KoladaSpec | None = None
    """The Kolada key figure to compare with, when there is one."""

    def where(self, field_name: str) -> Source:
        """The file and line of one field, falling back to the indicator's own line."""
        return self.sources.get(field_name, self.source)


@dataclass(frozen=True, slots=True)
class Goal:
    """A board goal (nämndmål)."""

    id: str
    title: str
    council_goal: str = ""
    indicators: tuple[Indicator, ...] = ()
    comment: str = ""
    manual: ManualAssessment | None = None
    source: Source = NOWHERE
    perspective: str = ""
    """The id of the perspective the goal belongs to (optional level, e.g. Medarbetare)."""
    rule: str = ""
    """The name of the goal rule that assesses this goal; empty for the organisation's default."""


@dataclass(frozen=True, slots=True)
class Perspective:
    """A perspective (e.g. balanced-scorecard Invånare, Verksamhet, Medarbetare, Ekonomi):
    an optional level between the council goals and the board goals."""

    id: str
    title: str
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class CouncilGoal:
    """A goal set by the municipal council (övergripande mål, KF-mål)."""

    id: str
    title: str
    source: Source = NOWHERE

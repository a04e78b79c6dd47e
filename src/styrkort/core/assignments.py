"""Council assignments (uppdrag från fullmäktige, KF-uppdrag) and the sentence that sums them up.

The council's budget gives each board assignments with a deadline; the annual
report states for each whether it is done, in progress or not started, and why.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from styrkort.core.findings import NOWHERE, Source


class AssignmentStatus(enum.Enum):
    """Where an assignment stands at the end of the period."""

    DONE = "genomfört"
    """Carried out."""
    ONGOING = "pågår"
    """Begun, not finished."""
    NOT_STARTED = "ej påbörjat"
    """Not begun."""

    @property
    def symbol(self) -> str:
        """A shape per status, so that status never depends on colour alone."""
        return {
            AssignmentStatus.DONE: "●",
            AssignmentStatus.ONGOING: "◐",
            AssignmentStatus.NOT_STARTED: "○",
        }[self]

    @property
    def label(self) -> str:
        return self.value[0].upper() + self.value[1:]

    @classmethod
    def parse(cls, text: str) -> AssignmentStatus | None:
        t = " ".join(text.strip().lower().replace("_", " ").split())
        aliases = {
            "genomfört": cls.DONE,
            "genomförd": cls.DONE,
            "klart": cls.DONE,
            "klar": cls.DONE,
            "done": cls.DONE,
            "pågår": cls.ONGOING,
            "pågående": cls.ONGOING,
            "ongoing": cls.ONGOING,
            "ej påbörjat": cls.NOT_STARTED,
            "ej påbörjad": cls.NOT_STARTED,
            "inte påbörjat": cls.NOT_STARTED,
            "not started": cls.NOT_STARTED,
        }
        return aliases.get(t)


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision that gave the assignment: body (kommunfullmäktige), date and paragraph (§)."""

    body: str = ""
    date: dt.date | None = None
    paragraph: str = ""

    def describe(self) -> str:
        """``Kommunfullmäktige 2020-11-23 § 145``; empty when nothing is known."""
        parts = [self.body, self.date.isoformat() if self.date else "", self.paragraph]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One council assignment as written in the workspace."""

    id: str
    text: str
    status: AssignmentStatus = AssignmentStatus.NOT_STARTED
    decision: Decision = field(default_factory=Decision)
    board: str = ""
    """The responsible board (ansvarig nämnd); empty means this board."""
    deadline: dt.date | None = None
    comment: str = ""
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)

    def where(self, field_name: str) -> Source:
        return self.sources.get(field_name, self.source)


def is_overdue(assignment: Assignment, today: dt.date) -> bool:
    """Not done and its deadline has come by ``today`` (the period's last day)."""
    return (
        assignment.status is not AssignmentStatus.DONE
        and assignment.deadline is not None
        and assignment.deadline <= today
    )


def counts(assignments: Sequence[Assignment]) -> dict[AssignmentStatus, int]:
    return {s: sum(1 for a in assignments if a.status is s) for s in AssignmentStatus}


def _clause(status: AssignmentStatus, n: int, first: bool) -> str:
    """One part of the summary; ``first`` puts the verb before the number (Swedish V2 order)."""
    if status is AssignmentStatus.ONGOING:
        return f"pågår {n}" if first else f"{n} pågår"
    word = {
        AssignmentStatus.DONE: ("genomfört", "genomförda"),
        AssignmentStatus.NOT_STARTED: ("ej påbörjat", "ej påbörjade"),
    }[status][0 if n == 1 else 1]
    return f"är {n} {word}" if first else f"{n} är {word}"


def summary_sentence(assignments: Sequence[Assignment]) -> str:
    """``Av 12 uppdrag är 8 genomförda, 3 pågår och 1 är ej påbörjat.`` with Swedish agreement for 0, 1 and many."""
    n = len(assignments)
    if n == 0:
        return "Nämnden har inga uppdrag från fullmäktige att redovisa för perioden."
    c = counts(assignments)
    present = [(s, k) for s, k in c.items() if k]
    if n == 1:
        only = present[0][0]
        verb = "pågår" if only is AssignmentStatus.ONGOING else f"är {only.value}"
        return f"Nämndens enda uppdrag från fullmäktige {verb}."
    if len(present) == 1:
        only = present[0][0]
        who = "Båda uppdragen" if n == 2 else f"Alla {n} uppdrag"
        verb = {
            AssignmentStatus.DONE: "är genomförda",
            AssignmentStatus.ONGOING: "pågår",
            AssignmentStatus.NOT_STARTED: "är ej påbörjade",
        }[only]
        return f"{who} från fullmäktige {verb}."
    clauses = [_clause(s, k, i == 0) for i, (s, k) in enumerate(present)]
    body = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + " och " + clauses[-1]
    return f"Av {n} uppdrag från fullmäktige {body}."

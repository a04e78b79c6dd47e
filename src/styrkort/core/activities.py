"""Activities (aktiviteter) under goals, and how a goal is judged from them.

Many boards follow a goal through activities with a status, a degree of
completion (färdiggrad) and a comment, and judge the goal from them. Here the
judgement reuses the goal rule (``styrkort.core.assess.combine``): each
activity counts as one part, with the status it counts as given by
``ActivityRule.counts_as`` (data, not code):

    klar → uppnått, pågår → delvis uppnått (på väg), ej påbörjad, försenad,
    avbruten → ej uppnått.

So with the default goal rule: all activities done → the goal is met; more
than half done or in progress → partly met; more than half not started, late
or cancelled → not met; exactly half → not assessed, a person decides. A goal
judged from both indicators and activities pools them: each indicator and each
activity counts as one part under the same rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from styrkort.core.assess import AnyGoalRule, AssessmentRule, GoalResult, GoalRule, Reason, combine
from styrkort.core.findings import NOWHERE, Source
from styrkort.core.goals import Goal, Status


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


class ActivityStatus(enum.Enum):
    """The status of an activity."""

    NOT_STARTED = "ej påbörjad"
    """The work has not begun."""
    ONGOING = "pågår"
    """In progress and on track."""
    DONE = "klar"
    """Carried out in full."""
    LATE = "försenad"
    """In progress or not started, but behind its plan or past its deadline."""
    CANCELLED = "avbruten"
    """Stopped before it was done; the comment says why."""

    @property
    def symbol(self) -> str:
        """A shape per status, so that status never depends on colour alone."""
        return {
            ActivityStatus.NOT_STARTED: "○",
            ActivityStatus.ONGOING: "◐",
            ActivityStatus.DONE: "●",
            ActivityStatus.LATE: "◔",
            ActivityStatus.CANCELLED: "✕",
        }[self]

    @property
    def label(self) -> str:
        """Capitalised Swedish word for tables."""
        return self.value[0].upper() + self.value[1:]

    @property
    def plural(self) -> str:
        """The word for several activities (``klara``, ``försenade``), for the printed rule."""
        return {
            ActivityStatus.NOT_STARTED: "ej påbörjade",
            ActivityStatus.ONGOING: "pågår",
            ActivityStatus.DONE: "klara",
            ActivityStatus.LATE: "försenade",
            ActivityStatus.CANCELLED: "avbrutna",
        }[self]

    @property
    def finished(self) -> bool:
        """Done or cancelled: nothing more will happen."""
        return self in (ActivityStatus.DONE, ActivityStatus.CANCELLED)

    @classmethod
    def parse(cls, text: str) -> ActivityStatus | None:
        aliases = {
            "ej påbörjad": cls.NOT_STARTED,
            "inte påbörjad": cls.NOT_STARTED,
            "ej startad": cls.NOT_STARTED,
            "not started": cls.NOT_STARTED,
            "pågår": cls.ONGOING,
            "pågående": cls.ONGOING,
            "ongoing": cls.ONGOING,
            "klar": cls.DONE,
            "genomförd": cls.DONE,
            "avslutad": cls.DONE,
            "done": cls.DONE,
            "försenad": cls.LATE,
            "late": cls.LATE,
            "avbruten": cls.CANCELLED,
            "cancelled": cls.CANCELLED,
        }
        return aliases.get(_norm(text))


class GoalBasis(enum.Enum):
    """What a goal is judged from."""

    INDICATORS = "indikatorer"
    """Its indicators only (activities are shown but do not count)."""
    ACTIVITIES = "aktiviteter"
    """Its activities only (indicators are shown but do not count)."""
    BOTH = "indikatorer och aktiviteter"
    """Indicators and activities pooled: each counts as one part under the goal rule."""

    @classmethod
    def parse(cls, text: str) -> GoalBasis | None:
        aliases = {
            "indikatorer": cls.INDICATORS,
            "indicators": cls.INDICATORS,
            "aktiviteter": cls.ACTIVITIES,
            "activities": cls.ACTIVITIES,
            "båda": cls.BOTH,
            "both": cls.BOTH,
            "indikatorer och aktiviteter": cls.BOTH,
        }
        return aliases.get(_norm(text))


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity (aktivitet) under a board goal or a council goal; texts kept as written."""

    id: str
    title: str
    parent: str
    """The id of the goal (or council goal) it belongs to."""
    status: ActivityStatus = ActivityStatus.NOT_STARTED
    owner: str = ""
    completion: int | None = None
    """Degree of completion (färdiggrad) in percent, 0–100; None when not given."""
    deadline: dt.date | None = None
    comment: str = ""
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)

    def where(self, field_name: str) -> Source:
        """The file and line of one field, falling back to the activity's own line."""
        return self.sources.get(field_name, self.source)


DEFAULT_COUNTS_AS: Mapping[ActivityStatus, Status | None] = {
    ActivityStatus.DONE: Status.MET,
    ActivityStatus.ONGOING: Status.PARTLY,
    ActivityStatus.NOT_STARTED: Status.NOT_MET,
    ActivityStatus.LATE: Status.NOT_MET,
    ActivityStatus.CANCELLED: Status.NOT_MET,
}


@dataclass(frozen=True, slots=True)
class ActivityRule:
    """How activities count in the goal rule: the status each activity status counts as.

    ``None`` leaves activities with that status out of the count (e.g. an
    organisation that does not count cancelled activities against a goal).
    """

    counts_as: Mapping[ActivityStatus, Status | None] = field(
        default_factory=lambda: dict(DEFAULT_COUNTS_AS)
    )

    def status_of(self, activity: Activity) -> Status | None:
        return self.counts_as.get(activity.status, Status.NOT_MET)

    def describe(self, goal_rule: GoalRule) -> list[str]:
        """The rule in Swedish, printed beside the indicator rule."""
        share = "hälften" if goal_rule.majority == Fraction(1, 2) else f"{goal_rule.majority} av"

        def words(statuses: Iterable[Status | None]) -> str:
            wanted = set(statuses)
            names = [a.plural for a in _DISPLAY_ORDER if self.counts_as.get(a) in wanted]
            return _or(names)

        met = words([Status.MET])
        positive = words(goal_rule.positive)
        negative = words(s for s in Status if s not in goal_rule.positive)
        lines = [
            f"Alla aktiviteter {met} = Nämndmål uppnås",
            f"Mer än {share} av aktiviteterna {positive} = Nämndmål uppnås delvis",
            f"Mer än {share} av aktiviteterna {negative} = Nämndmål uppnås ej",
            f"Exakt {share} = ej bedömt, en person bedömer manuellt",
        ]
        left_out = [
            a.plural for a in _DISPLAY_ORDER if self.counts_as.get(a, Status.NOT_MET) is None
        ]
        if left_out:
            lines.append(f"Aktiviteter som är {_or(left_out)} räknas inte")
        return lines


_DISPLAY_ORDER = (
    ActivityStatus.DONE,
    ActivityStatus.ONGOING,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.LATE,
    ActivityStatus.CANCELLED,
)


def _or(names: Sequence[str]) -> str:
    if not names:
        return "—"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " eller " + names[-1]


def activities_of(activities: Iterable[Activity], parent: str) -> tuple[Activity, ...]:
    return tuple(a for a in activities if a.parent == parent)


def basis_of(goal: Goal, activities: Sequence[Activity], chosen: GoalBasis | None) -> GoalBasis:
    """What a goal is judged from: the chosen basis, or what it has (activities only → activities)."""
    if chosen is not None:
        return chosen
    if activities and goal.indicators:
        return GoalBasis.BOTH
    if activities:
        return GoalBasis.ACTIVITIES
    return GoalBasis.INDICATORS


def judge_goal(
    result: GoalResult,
    activities: Sequence[Activity],
    basis: GoalBasis,
    rule: ActivityRule,
    goal_rule: AnyGoalRule,
) -> GoalResult:
    """The goal result recomputed from its activities (and indicators) by the goal rule; a manual override still wins."""
    if basis is GoalBasis.INDICATORS:
        return result
    parts = [s for s in (rule.status_of(a) for a in activities) if s is not None]
    if basis is GoalBasis.BOTH:
        parts = [r.status for r in result.indicators] + parts
    computed, reason = combine(parts, goal_rule)
    if result.override is not None:
        return replace(result, computed=computed)
    return replace(result, computed=computed, status=computed, reason=reason)


def judge_goals(
    results: Sequence[GoalResult],
    activities: Sequence[Activity],
    bases: Mapping[str, GoalBasis],
    rule: ActivityRule,
    assessment_rule: AssessmentRule,
) -> tuple[GoalResult, ...]:
    """Every goal result judged by its basis (goals without activities stay as they are), each
    by the goal rule in force for it (a rule per goal, issue 12)."""
    out = []
    for r in results:
        own = activities_of(activities, r.goal.id)
        basis = basis_of(r.goal, own, bases.get(r.goal.id))
        out.append(judge_goal(r, own, basis, rule, assessment_rule.rule_for(r.goal)))
    return tuple(out)


def counted_parts(result: GoalResult, activities: Sequence[Activity], basis: GoalBasis) -> int:
    """How many parts the goal rule counted (for a tie's message)."""
    n_act = len(activities) if basis is not GoalBasis.INDICATORS else 0
    n_ind = len(result.indicators) if basis is not GoalBasis.ACTIVITIES else 0
    return n_act + n_ind


# --- words in comments that say an activity was not carried out ------------------------

NOT_CARRIED_OUT: tuple[str, ...] = (
    "kunde inte genomföras",
    "kunde ej genomföras",
    "har inte kunnat genomföras",
    "har ej kunnat genomföras",
    "har inte genomförts",
    "har ej genomförts",
    "inte genomförd",
    "ej genomförd",
    "inte genomfört",
    "ej genomfört",
    "inte påbörjad",
    "inte påbörjat",
    "ej påbörjat",
    "ej påbörjad",
    "inte påbörjats",
    "ej påbörjats",
    "inte slutförd",
    "ej slutförd",
    "blev inte av",
    "ställdes in",
    "har skjutits upp",
    "sköts upp",
)
"""Swedish phrases that say an activity was not carried out (docs/workspace.md lists them).

A comment containing one of them contradicts the status ``klar``. The list is
short on purpose: it catches the usual wordings of published reports without
flagging comments that merely mention a delay that was caught up.
"""

_NOT_CARRIED_OUT = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(p) for p in NOT_CARRIED_OUT) + r")(?!\w)", re.IGNORECASE
)


def says_not_carried_out(comment: str) -> str | None:
    """The phrase of ``NOT_CARRIED_OUT`` that the comment contains, or None."""
    m = _NOT_CARRIED_OUT.search(" ".join(comment.split()))
    return m.group(1) if m else None


def is_late(activity: Activity, today: dt.date) -> bool:
    """Marked late, or past its deadline on ``today`` (the period's last day) without being finished."""
    if activity.status is ActivityStatus.LATE:
        return True
    return (
        activity.deadline is not None and activity.deadline < today and not activity.status.finished
    )


def reason_words(reason: Reason) -> str:
    """Why an activity-judged goal was left open, for the goal table."""
    if reason is Reason.TIE:
        return " (lika många för som emot)"
    if reason is Reason.EMPTY:
        return " (inga indikatorer eller aktiviteter)"
    return ""

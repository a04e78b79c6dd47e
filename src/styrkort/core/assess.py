"""Assessment (bedömning) of indicators and goals, SPEC §4. The rule is data."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from styrkort.core.goals import Goal, Indicator, ManualAssessment, Status
from styrkort.core.numbers import parse_decimal
from styrkort.core.targets import (
    Change,
    Equals,
    Maintain,
    Range,
    Target,
    TargetProblem,
    Threshold,
    is_met,
    parse_target,
    reference_value,
    target_unit,
)
from styrkort.core.values import Direction, Missing, Quantity, Value, YesNo, parse_value


class ToleranceKind(enum.Enum):
    """How "delvis uppnått" (partly met) is decided for an indicator that misses its target."""

    RATIO = "ratio"
    """Partly met when the outcome reaches a share of the target (e.g. 80 % of it)."""
    PROGRESS = "progress"
    """Partly met when the outcome moved from the baseline in the right direction."""
    NONE = "none"
    """Never partly met: met or not met."""


@dataclass(frozen=True, slots=True)
class Tolerance:
    kind: ToleranceKind = ToleranceKind.RATIO
    ratio: Decimal = Decimal("0.8")

    def describe(self) -> str:
        if self.kind is ToleranceKind.RATIO:
            pct = format((self.ratio * 100).normalize(), "f").replace(".", ",")
            return f"utfallet når minst {pct} % av målvärdet"
        if self.kind is ToleranceKind.PROGRESS:
            return "utfallet har förbättrats från utgångsvärdet"
        return "ingen tolerans: målet nås eller nås inte"


@dataclass(frozen=True, slots=True)
class GoalRule:
    """The rule that turns indicator statuses into a goal status (and goal statuses into the board's verdict).

    Defaults are the rule printed in the reference report:
    all indicators met → met; more than ``majority`` of them in ``positive`` →
    partly met; more than ``majority`` outside ``positive`` → not met. Exactly
    ``majority`` (a tie) and an empty goal are left open: not assessed.
    """

    positive: frozenset[Status] = frozenset({Status.MET, Status.PARTLY})
    majority: Fraction = Fraction(1, 2)

    def describe(self) -> list[str]:
        share = "hälften" if self.majority == Fraction(1, 2) else f"{self.majority} av"
        return [
            "Alla indikatorer uppnådda = Nämndmål uppnås",
            f"Mer än {share} av indikatorerna uppnådda eller delvis uppnådda = Nämndmål uppnås delvis",
            f"Mer än {share} av indikatorerna uppnås inte eller saknar värde = Nämndmål uppnås ej",
            f"Exakt {share} eller inga indikatorer = ej bedömt, en person bedömer manuellt",
        ]


@dataclass(frozen=True, slots=True)
class AssessmentRule:
    tolerance: Tolerance = field(default_factory=Tolerance)
    goal_rule: GoalRule = field(default_factory=GoalRule)


class Reason(enum.Enum):
    """Why an assessment came out as it did, when a check needs to know."""

    COMPUTED = "computed"
    """By the rule from outcome and target."""
    MANUAL = "manual"
    """A person's override with justification."""
    NO_OUTCOME = "no_outcome"
    """No outcome entered or computed."""
    NO_TARGET = "no_target"
    """No target: cannot be assessed."""
    BAD_TARGET = "bad_target"
    """The target text could not be read."""
    BAD_OUTCOME = "bad_outcome"
    """The outcome text could not be read."""
    INCOMPARABLE = "incomparable"
    """Outcome and target are of different kinds (yes/no against a number)."""
    UNIT_MISMATCH = "unit_mismatch"
    """Outcome and target (or the indicator) are in different units, e.g. a percentage against an index."""
    TIE = "tie"
    """Exactly as many for as against: the rule leaves it open."""
    EMPTY = "empty"
    """A goal without indicators."""


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator: Indicator
    outcome: Value | None
    target: Target | None
    target_problem: TargetProblem | None
    computed: Status
    status: Status
    reason: Reason
    override: ManualAssessment | None = None
    metric_note: str = ""


@dataclass(frozen=True, slots=True)
class GoalResult:
    goal: Goal
    indicators: tuple[IndicatorResult, ...]
    computed: Status
    status: Status
    reason: Reason
    override: ManualAssessment | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """The board's summary: counts of indicator and goal statuses, and the verdict one level up."""

    indicator_counts: tuple[tuple[Status, int], ...]
    goal_counts: tuple[tuple[Status, int], ...]
    verdict: Status
    verdict_reason: Reason
    indicators: int = 0
    goals: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def count(self, status: Status, *, goals: bool = False) -> int:
        pairs = self.goal_counts if goals else self.indicator_counts
        return dict(pairs).get(status, 0)


def _baseline(indicator: Indicator) -> Decimal | None:
    """The written baseline, else last year's recorded outcome (``Öka``, ``Bibehålla`` and
    "jämfört med föregående år" are read against history when no number is written)."""
    if not indicator.baseline.strip():
        last = indicator.history[-1].value if indicator.history else None
        return last.value if isinstance(last, Quantity) else None
    value = parse_value(indicator.baseline)
    if isinstance(value, Quantity):
        return value.value
    return parse_decimal(indicator.baseline)


def indicator_target(indicator: Indicator) -> Target | TargetProblem | None:
    return parse_target(indicator.target, indicator.direction, _baseline(indicator))


def _partly(
    target: Target,
    outcome: Quantity,
    direction: Direction | None,
    tolerance: Tolerance,
    baseline: Decimal | None,
) -> bool:
    if isinstance(target, Equals | Range):
        return False
    if tolerance.kind is ToleranceKind.NONE:
        return False
    eff_dir = direction
    if isinstance(target, Change):
        eff_dir = target.direction
    elif isinstance(target, Threshold):
        eff_dir = Direction.INCREASE if target.bound.value == ">=" else Direction.DECREASE
    if eff_dir is None:
        return False
    if tolerance.kind is ToleranceKind.PROGRESS:
        base = target.baseline if isinstance(target, Change | Maintain) else baseline
        if base is None or isinstance(target, Change):
            # For "Öka från X" moving from the baseline is the target itself.
            return False
        return outcome.value > base if eff_dir is Direction.INCREASE else outcome.value < base
    ref = reference_value(target)
    if ref is None or ref <= 0 or outcome.value < 0:
        return False
    if eff_dir is Direction.INCREASE:
        return outcome.value >= ref * tolerance.ratio
    return outcome.value * tolerance.ratio <= ref


def assess_indicator(
    indicator: Indicator,
    rule: AssessmentRule,
    *,
    outcome_text: str | None = None,
    metric_note: str = "",
) -> IndicatorResult:
    """The status of one indicator from its outcome and target (SPEC §4).

    ``outcome_text`` replaces the written outcome (the forecast in an interim
    period, or a computed metric's value).
    """
    written = indicator.outcome if outcome_text is None else outcome_text
    outcome = parse_value(written)
    parsed = indicator_target(indicator)
    target = parsed if not isinstance(parsed, TargetProblem) and parsed is not None else None
    problem = parsed if isinstance(parsed, TargetProblem) else None

    computed: Status
    if outcome is None:
        computed, reason = Status.NOT_ASSESSED, Reason.BAD_OUTCOME
    elif isinstance(outcome, Missing):
        computed, reason = Status.NO_VALUE, Reason.NO_OUTCOME
    elif problem is not None:
        computed, reason = Status.NOT_ASSESSED, Reason.BAD_TARGET
    elif target is None:
        computed, reason = Status.NOT_ASSESSED, Reason.NO_TARGET
    elif _unit_clash(indicator, outcome, target):
        computed, reason = Status.NOT_ASSESSED, Reason.UNIT_MISMATCH
    else:
        met = is_met(target, outcome, indicator.direction)
        if met is None:
            computed, reason = Status.NOT_ASSESSED, Reason.INCOMPARABLE
        elif met:
            computed, reason = Status.MET, Reason.COMPUTED
        elif isinstance(outcome, Quantity) and _partly(
            target, outcome, indicator.direction, rule.tolerance, _baseline(indicator)
        ):
            computed, reason = Status.PARTLY, Reason.COMPUTED
        else:
            computed, reason = Status.NOT_MET, Reason.COMPUTED

    status, final_reason, override = computed, reason, None
    if indicator.manual is not None and indicator.manual.justification.strip():
        status, final_reason, override = indicator.manual.status, Reason.MANUAL, indicator.manual
    return IndicatorResult(
        indicator, outcome, target, problem, computed, status, final_reason, override, metric_note
    )


def _unit_clash(indicator: Indicator, outcome: Value, target: Target) -> bool:
    """True when outcome, target and indicator name different units (an unnamed unit agrees with any)."""
    units = {
        indicator.unit,
        outcome.unit if isinstance(outcome, Quantity) else None,
        target_unit(target),
    }
    units.discard(None)
    units.discard("ja/nej")
    return len(units) > 1


def combine(statuses: Sequence[Status], rule: GoalRule) -> tuple[Status, Reason]:
    """The goal rule over a list of statuses (used for goals and, one level up, for the board)."""
    n = len(statuses)
    if n == 0:
        return Status.NOT_ASSESSED, Reason.EMPTY
    if all(s is Status.MET for s in statuses):
        return Status.MET, Reason.COMPUTED
    positive = sum(1 for s in statuses if s in rule.positive)
    negative = n - positive
    if Fraction(positive, n) > rule.majority:
        return Status.PARTLY, Reason.COMPUTED
    if Fraction(negative, n) > rule.majority:
        return Status.NOT_MET, Reason.COMPUTED
    return Status.NOT_ASSESSED, Reason.TIE


def assess_goal(goal: Goal, results: Iterable[IndicatorResult], rule: AssessmentRule) -> GoalResult:
    items = tuple(results)
    computed, reason = combine([r.status for r in items], rule.goal_rule)
    status, override = computed, None
    if goal.manual is not None and goal.manual.justification.strip():
        status, reason, override = goal.manual.status, Reason.MANUAL, goal.manual
    return GoalResult(goal, items, computed, status, reason, override)


def summarize(goals: Sequence[GoalResult], rule: AssessmentRule) -> Summary:
    """Counts of statuses and the board's verdict, by the same rule one level up."""
    ind = Counter(r.status for g in goals for r in g.indicators)
    gl = Counter(g.status for g in goals)
    verdict, reason = combine([g.status for g in goals], rule.goal_rule)
    order = list(Status)
    return Summary(
        indicator_counts=tuple((s, ind[s]) for s in order),
        goal_counts=tuple((s, gl[s]) for s in order),
        verdict=verdict,
        verdict_reason=reason,
        indicators=sum(ind.values()),
        goals=len(goals),
    )


def units_of(result: IndicatorResult) -> tuple[str | None, str | None, str | None]:
    """(indicator unit, outcome unit, target unit) for the unit-agreement check."""
    outcome_unit = result.outcome.unit if isinstance(result.outcome, Quantity) else None
    t_unit = target_unit(result.target) if result.target is not None else None
    if isinstance(result.outcome, YesNo):
        outcome_unit = "ja/nej"
    return result.indicator.unit, outcome_unit, t_unit

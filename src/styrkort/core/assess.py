"""Assessment (bedömning) of indicators and goals, SPEC §4. The rule is data."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from styrkort.core.goals import Goal, Indicator, ManualAssessment, Status
from styrkort.core.numbers import parse_decimal
from styrkort.core.targets import (
    Change,
    Target,
    TargetProblem,
    Threshold,
    is_met,
    parse_target,
    target_unit,
    worsened,
)
from styrkort.core.values import (
    DEFAULT_SCALES,
    Direction,
    Missing,
    Quantity,
    Scale,
    Value,
    YesNo,
    parse_value,
)


class ToleranceKind(enum.Enum):
    """How "delvis uppnått" (partly met) is decided for an indicator that misses its target."""

    RATIO = "ratio"
    """Partly met when the outcome reaches a share of the target (e.g. 80 % of it)."""
    PROGRESS = "progress"
    """Partly met when the outcome moved from the baseline in the right direction."""
    BANDS = "bands"
    """The outcome's share of the target (in per cent) falls in a band that names the status."""
    NONE = "none"
    """Never partly met: met or not met."""


@dataclass(frozen=True, slots=True)
class Band:
    """From ``lower`` (per cent; None = from the bottom) up to the next band's lower edge: ``status``."""

    status: Status
    lower: Decimal | None = None
    inclusive: bool = True
    """Whether ``lower`` itself belongs to this band (``från 80``) or to the band below (``över 80``)."""


def _pct(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",") + " %"


@dataclass(frozen=True, slots=True)
class Bands:
    """Statuses by a share in per cent. Each band reaches up to the next band's edge, so no value
    falls between two bands (95,5 % cannot be lost between "≤ 95" and "96–99")."""

    bands: tuple[Band, ...]
    """Ascending by ``lower``; the first band has ``lower`` None."""

    def classify(self, share: Decimal) -> Status:
        status = self.bands[0].status
        for band in self.bands[1:]:
            assert band.lower is not None
            if share > band.lower or (share == band.lower and band.inclusive):
                status = band.status
        return status

    def lines(self, what: str) -> list[str]:
        """One line per band, the way the reference report prints its rule: ``… = status``."""
        out = []
        for i, band in enumerate(self.bands):
            nxt = self.bands[i + 1] if i + 1 < len(self.bands) else None
            parts = []
            if band.lower is not None:
                parts.append(("minst " if band.inclusive else "mer än ") + _pct(band.lower))
            if nxt is not None and nxt.lower is not None:
                parts.append(("under " if nxt.inclusive else "högst ") + _pct(nxt.lower))
            out.append(f"{what} {' och '.join(parts)} = {band.status.value}")
        return out


def bands_problem(bands: Sequence[Band]) -> str | None:
    """Why ``bands`` is no rule (in Swedish), or None: one bottom band, then strictly rising edges."""
    if not bands:
        return "inga intervall angivna"
    if bands[0].lower is not None or any(b.lower is None for b in bands[1:]):
        return "exakt ett intervall ska sakna nedre gräns (det lägsta)"
    edges = [b.lower for b in bands[1:] if b.lower is not None]
    if any(a >= b for a, b in pairwise(edges)):
        return "två intervall har samma nedre gräns"
    return None


def sorted_bands(bands: Sequence[Band]) -> tuple[Band, ...]:
    return tuple(sorted(bands, key=lambda b: (b.lower is not None, b.lower or Decimal(0))))


@dataclass(frozen=True, slots=True)
class Tolerance:
    kind: ToleranceKind = ToleranceKind.RATIO
    ratio: Decimal = Decimal("0.8")
    bands: Bands | None = None

    def describe(self) -> str:
        if self.kind is ToleranceKind.RATIO:
            pct = format((self.ratio * 100).normalize(), "f").replace(".", ",")
            return f"utfallet når minst {pct} % av målvärdet"
        if self.kind is ToleranceKind.PROGRESS:
            return "utfallet har förbättrats från utgångsvärdet"
        if self.kind is ToleranceKind.BANDS and self.bands is not None:
            return "utfallets andel av målvärdet hamnar i intervallet för delvis uppnått"
        return "ingen tolerans: målet nås eller nås inte"

    def lines(self) -> list[str]:
        """The tolerance as printed in the report."""
        if self.kind is ToleranceKind.BANDS and self.bands is not None:
            return self.bands.lines("Utfallet")
        return []


UNDECIDED_LINE = (
    "En indikator som inte kan bedömas räknas inte emot målet: beror bedömningen på den "
    "är målet ej bedömt tills en person avgjort den"
)


@dataclass(frozen=True, slots=True)
class GoalRule:
    """The majority rule of the reference report (the default; preset ``majoritet``).

    All indicators met → met; more than ``majority`` of them in ``positive`` →
    partly met; more than ``majority`` outside ``positive`` → not met. Exactly
    ``majority`` (a tie) and an empty goal are left open: not assessed.
    """

    positive: frozenset[Status] = frozenset({Status.MET, Status.PARTLY})
    majority: Fraction = Fraction(1, 2)

    def describe(self) -> list[str]:
        """The rule as the reference report prints it."""
        share = "hälften" if self.majority == Fraction(1, 2) else f"{self.majority} av"
        return [
            "Alla indikatorer uppnådda = Nämndmål uppnås",
            f"Mer än {share} av indikatorerna uppnådda eller delvis uppnådda = Nämndmål uppnås delvis",
            f"Mer än {share} av indikatorerna uppnås inte eller saknar värde = Nämndmål uppnås ej",
            f"Exakt {share} eller inga indikatorer = ej bedömt, en person bedömer manuellt",
            UNDECIDED_LINE,
        ]

    def decide(self, statuses: Sequence[Status]) -> tuple[Status, Reason]:
        n = len(statuses)
        if all(s is Status.MET for s in statuses):
            return Status.MET, Reason.COMPUTED
        positive = sum(1 for s in statuses if s in self.positive)
        negative = n - positive
        if Fraction(positive, n) > self.majority:
            return Status.PARTLY, Reason.COMPUTED
        if Fraction(negative, n) > self.majority:
            return Status.NOT_MET, Reason.COMPUTED
        return Status.NOT_ASSESSED, Reason.TIE


@dataclass(frozen=True, slots=True)
class PointsRule:
    """A "samlad bedömning" by points: each indicator status gives points, the goal's share of the
    maximum (in per cent) falls in a band. With ``uppnått: 1`` and nothing else it is the share of
    indicators met."""

    points: tuple[tuple[Status, Decimal], ...]
    bands: Bands

    def value(self, status: Status) -> Decimal:
        return dict(self.points).get(status, Decimal(0))

    def describe(self) -> list[str]:
        pts = ", ".join(
            f"{s.value} {format(p.normalize(), 'f').replace('.', ',')}" for s, p in self.points
        )
        return [
            f"Varje indikator ger poäng: {pts}, övriga 0",
            *self.bands.lines("Nämndmålets andel av möjliga poäng"),
            UNDECIDED_LINE,
        ]

    def decide(self, statuses: Sequence[Status]) -> tuple[Status, Reason]:
        top = max((p for _, p in self.points), default=Decimal(0))
        if top <= 0:
            return Status.NOT_ASSESSED, Reason.EMPTY
        got = sum((self.value(s) for s in statuses), Decimal(0))
        return self.bands.classify(got * 100 / (top * len(statuses))), Reason.COMPUTED


AnyGoalRule = GoalRule | PointsRule


@dataclass(frozen=True, slots=True)
class AssessmentRule:
    tolerance: Tolerance = field(default_factory=Tolerance)
    goal_rule: AnyGoalRule = field(default_factory=GoalRule)
    """The rule for goals, and one level up for the board's verdict."""
    goal_rules: tuple[tuple[str, AnyGoalRule], ...] = ()
    """Named rules a goal may choose (``rule:`` on the goal), for an organisation with a rule per goal."""
    preset: str = ""
    """The preset this rule came from, if any (``PRESETS``)."""
    scales: tuple[Scale, ...] = DEFAULT_SCALES
    """Named levels (the traffic light, or the organisation's own) that targets and outcomes may use."""

    def rule_for(self, goal: Goal) -> AnyGoalRule:
        return dict(self.goal_rules).get(goal.rule, self.goal_rule) if goal.rule else self.goal_rule


def _band(status: Status, lower: str | None = None, inclusive: bool = True) -> Band:
    return Band(status, Decimal(lower) if lower is not None else None, inclusive)


@dataclass(frozen=True, slots=True)
class Preset:
    """A rule as an organisation publishes it, with where it comes from."""

    rule: AssessmentRule
    title: str
    source: str


PRESETS: dict[str, Preset] = {
    "majoritet": Preset(
        AssessmentRule(preset="majoritet"),
        "Majoritetsregeln: alla uppnådda = uppnått, mer än hälften uppnådda eller delvis = delvis",
        "Sydnärkes IT-nämnd, Årsredovisning 2020 (Lekebergs kommun), avsnitt Måluppfyllelse",
    ),
    "andel-av-malvarde": Preset(
        AssessmentRule(
            Tolerance(
                ToleranceKind.BANDS,
                bands=Bands(
                    (
                        _band(Status.NOT_MET),
                        _band(Status.PARTLY, "80"),
                        _band(Status.MET, "100"),
                    )
                ),
            ),
            preset="andel-av-malvarde",
        ),
        "Andel av målvärdet: förväntad målnivå eller bättre = uppnått, minst 80 % = delvis, "
        "lägre än 80 % = ej uppnått",
        "Vansbro kommun, Årsredovisning 2019, Måluppfyllelse "
        "(https://finansiellinfo.se/Vansbro_2019/Maluppfyllelse.html)",
    ),
    "samlad-poang": Preset(
        AssessmentRule(
            goal_rule=PointsRule(
                ((Status.MET, Decimal(2)), (Status.PARTLY, Decimal(1))),
                Bands(
                    (
                        _band(Status.NOT_MET),
                        _band(Status.PARTLY, "50"),
                        _band(Status.MET, "100"),
                    )
                ),
            ),
            preset="samlad-poang",
        ),
        "Samlad bedömning med poäng: uppnått 2, delvis 1, ej 0; alla poäng = uppnått, "
        "minst hälften = delvis",
        "Principen (målområdets andel av möjliga indexpoäng mot en målnivå) från "
        "Samordningsförbundet Umeåregionen, Social redovisning 2022 (Impact Index); "
        "poängen och gränserna här är ett exempel som organisationen sätter själv",
    ),
}
"""Rules as organisations publish them (docs/workspace.md lists them with their sources)."""


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
    UNDECIDED = "undecided"
    """The result depends on parts that are not assessed: a person must decide them first."""
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
    perspective: str = ""
    """The perspective these counts are for; empty for the whole board."""

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


def indicator_target(
    indicator: Indicator, scales: tuple[Scale, ...] = DEFAULT_SCALES
) -> Target | TargetProblem | None:
    return parse_target(indicator.target, indicator.direction, _baseline(indicator), scales)


def _tolerated(share: Decimal, tolerance: Tolerance) -> Status:
    """The status of an outcome that reached ``share`` per cent of its target (or of the way to it)."""
    if tolerance.kind is ToleranceKind.BANDS and tolerance.bands is not None:
        return tolerance.bands.classify(share)
    if tolerance.kind is ToleranceKind.RATIO and share >= tolerance.ratio * 100:
        return Status.PARTLY
    return Status.NOT_MET


def _below_target(
    target: Target, outcome: Quantity, tolerance: Tolerance, baseline: Decimal | None
) -> Status:
    """The status of an outcome that does not meet its target (SPEC §4): never partly on a worsening.

    Tolerances apply to thresholds. A change target (Öka/Minska [från X]) is
    partly met only when it names a value to reach and the outcome covers the
    tolerance share of the way; Bibehålla, ranges, dates and levels are met or not.
    """
    v = outcome.value
    if tolerance.kind is ToleranceKind.NONE:
        return Status.NOT_MET
    if isinstance(target, Change):
        if target.goal is None or target.baseline is None or target.goal == target.baseline:
            return Status.NOT_MET
        progress = (v - target.baseline) / (target.goal - target.baseline)
        if progress <= 0:
            return Status.NOT_MET
        if tolerance.kind is ToleranceKind.PROGRESS:
            return Status.PARTLY
        return _tolerated(progress * 100, tolerance)
    if not isinstance(target, Threshold):
        return Status.NOT_MET
    direction = target.bound.direction
    if worsened(v, baseline, direction):
        return Status.NOT_MET
    if tolerance.kind is ToleranceKind.PROGRESS:
        improved = baseline is not None and v != baseline
        return Status.PARTLY if improved else Status.NOT_MET
    ref = target.value
    if ref <= 0 or v <= 0:
        return Status.NOT_MET
    share = v * 100 / ref if direction is Direction.INCREASE else ref * 100 / v
    status = _tolerated(share, tolerance)
    return Status.NOT_MET if status in (Status.NO_VALUE, Status.NOT_ASSESSED) else status


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
    outcome = parse_value(written, rule.scales)
    parsed = indicator_target(indicator, rule.scales)
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
        elif isinstance(outcome, Quantity):
            computed = _below_target(target, outcome, rule.tolerance, _baseline(indicator))
            reason = Reason.COMPUTED
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


_DECIDED = (Status.MET, Status.PARTLY, Status.NOT_MET, Status.NO_VALUE)


def combine(statuses: Sequence[Status], rule: AnyGoalRule) -> tuple[Status, Reason]:
    """The goal rule over a list of statuses (used for goals and, one level up, for the board).

    A part that is not assessed never counts against: the rule is applied with
    every way the undecided parts could be decided, and when the answers differ
    the whole is not assessed either (``Reason.UNDECIDED``) until a person
    decides them (SPEC §4).
    """
    if not statuses:
        return Status.NOT_ASSESSED, Reason.EMPTY
    decided = [s for s in statuses if s is not Status.NOT_ASSESSED]
    k = len(statuses) - len(decided)
    if k == 0:
        return rule.decide(statuses)
    # Both kinds of rule depend on one count (indicators in ``positive``, or points) that every
    # fill puts between the fills of one status throughout, and on intervals of it (a majority,
    # a band): so when the four uniform fills agree, every fill agrees (tests/core/test_assess.py
    # checks this against all fills).
    answers = {rule.decide([*decided, *([s] * k)]) for s in _DECIDED}
    if len(answers) == 1:
        return answers.pop()
    return Status.NOT_ASSESSED, Reason.UNDECIDED


def assess_goal(goal: Goal, results: Iterable[IndicatorResult], rule: AssessmentRule) -> GoalResult:
    items = tuple(results)
    computed, reason = combine([r.status for r in items], rule.rule_for(goal))
    status, override = computed, None
    if goal.manual is not None and goal.manual.justification.strip():
        status, reason, override = goal.manual.status, Reason.MANUAL, goal.manual
    return GoalResult(goal, items, computed, status, reason, override)


def summarize(goals: Sequence[GoalResult], rule: AssessmentRule, perspective: str = "") -> Summary:
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
        perspective=perspective,
    )


def units_of(result: IndicatorResult) -> tuple[str | None, str | None, str | None]:
    """(indicator unit, outcome unit, target unit) for the unit-agreement check."""
    outcome_unit = result.outcome.unit if isinstance(result.outcome, Quantity) else None
    t_unit = target_unit(result.target) if result.target is not None else None
    if isinstance(result.outcome, YesNo):
        outcome_unit = "ja/nej"
    return result.indicator.unit, outcome_unit, t_unit

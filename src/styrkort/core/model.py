"""The workspace as core values: everything one board's report for one period is built from."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from styrkort.core.allocation import AllocationKey
from styrkort.core.assess import AssessmentRule
from styrkort.core.finance import (
    FramePart,
    InvestmentRow,
    OperatingRow,
    ResultSettings,
    SignConvention,
)
from styrkort.core.findings import NOWHERE, Source
from styrkort.core.followup import FollowUp
from styrkort.core.goals import CouncilGoal, Goal, Perspective, Status
from styrkort.core.history import History


class PeriodKind(enum.Enum):
    """The kind of follow-up period."""

    YEAR = "year"
    """Helår: the annual report (årsredovisning / verksamhetsberättelse)."""
    INTERIM = "interim"
    """Delår, tertial or månad: outcomes so far plus a full-year forecast (prognos)."""


@dataclass(frozen=True, slots=True)
class Period:
    year: int
    kind: PeriodKind = PeriodKind.YEAR
    start: dt.date | None = None
    end: dt.date | None = None
    label: str = ""
    source: Source = NOWHERE

    @property
    def first_day(self) -> dt.date:
        return self.start or dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end or dt.date(self.year, 12, 31)

    @property
    def is_interim(self) -> bool:
        return self.kind is PeriodKind.INTERIM

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        if self.is_interim:
            return f"{self.first_day.isoformat()}–{self.last_day.isoformat()}"
        return str(self.year)


class RoundingPolicy(enum.Enum):
    """How a table in tkr is made to add up (SPEC §5)."""

    TOTALS_FROM_UNROUNDED = "totals_from_unrounded"
    """Each figure, totals included, is rounded from its exact value; a visible break is flagged."""
    LARGEST_REMAINDER = "largest_remainder"
    """Rows are rounded so that they sum exactly to the rounded total (largest remainder)."""


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    name: str
    code: str = ""
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    municipality: str = ""
    kind: str = ""
    host: str = ""
    members: tuple[Member, ...] = ()
    allocation_key: AllocationKey | None = None
    source: Source = NOWHERE

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)


@dataclass(frozen=True, slots=True)
class Settings:
    sign_convention: SignConvention = SignConvention.LEDGER
    rounding: RoundingPolicy = RoundingPolicy.TOTALS_FROM_UNROUNDED
    rule: AssessmentRule = field(default_factory=AssessmentRule)


@dataclass(frozen=True, slots=True)
class NarrativeSection:
    """A section written by people in Markdown; may embed live figures as ``{{ name }}``."""

    id: str
    title: str
    markdown: str
    placement: str = "verksamhetsberattelse"
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class PublishedClaims:
    """Figures as a published or draft text states them, to be checked against the data."""

    summary_met: int | None = None
    summary_partly: int | None = None
    source: Source = NOWHERE
    verdict_text: str = ""
    """The verdict sentence as printed ("Vilket gör att nämndmålen uppnås delvis.")."""
    goal_counts: tuple[tuple[Status, int], ...] = ()
    """Goal counts as printed, per status."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """One board, one period: the input of the pipeline."""

    organisation: Organisation
    period: Period
    title: str = ""
    settings: Settings = field(default_factory=Settings)
    council_goals: tuple[CouncilGoal, ...] = ()
    goals: tuple[Goal, ...] = ()
    perspectives: tuple[Perspective, ...] = ()
    """Optional level between council goals and board goals; goals name theirs by id."""
    operating: tuple[OperatingRow, ...] = ()
    investments: tuple[InvestmentRow, ...] = ()
    frames: tuple[FramePart, ...] = ()
    investment_total_label: str = ""
    investment_total_label_source: Source = NOWHERE
    frames_note: str = ""
    result_settings: ResultSettings = field(default_factory=ResultSettings)
    """The budget model (gross or net), balanskrav adjustment, carried-forward results and varav
    parts (styrkort.yaml finance:); core.finance.board_result turns them into the board's row."""
    word_template: str = ""
    """The municipality's own Word template, relative to the workspace folder."""
    narrative: tuple[NarrativeSection, ...] = ()
    claims: PublishedClaims = field(default_factory=PublishedClaims)
    files: dict[str, str] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)
    """Binary files the workspace names (the Word template): relative path → bytes, so that an
    imported workspace keeps them and the web can use them."""
    history: History = field(default_factory=History)
    """Earlier years: finance outcomes, Kolada values, how many years the tables print."""
    followup: FollowUp = field(default_factory=FollowUp)
    """Activities, council assignments and the internal-control plan (core/followup.py)."""

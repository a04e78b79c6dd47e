"""The internal-control plan (internkontrollplan) and its follow-up, kommunallagen 6 kap. 6 §.

A board must see that its internal control is adequate. Its plan has a risk
analysis (each risk scored by probability × consequence on the organisation's
scale and placed in a risk matrix), the controls chosen for the highest risks
(what is checked, how, how often, by whom), their results, the deviations found
and the actions taken. The follow-up is reported to the board with the annual
report, with a traffic-light summary by symbol and word (never colour alone).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from styrkort.core.findings import NOWHERE, Source


class ControlResult(enum.Enum):
    """The result of one control in the follow-up, with its traffic-light word."""

    NO_REMARK = "utan anmärkning"
    """Carried out; nothing to remark (grönt)."""
    DEVIATION = "avvikelse"
    """Carried out; deviations found (gult): each needs an action."""
    NOT_DONE = "ej genomförd"
    """The control was not carried out (rött)."""

    @property
    def symbol(self) -> str:
        """A shape per result, so that it never depends on colour alone."""
        return {
            ControlResult.NO_REMARK: "●",
            ControlResult.DEVIATION: "◐",
            ControlResult.NOT_DONE: "○",
        }[self]

    @property
    def light(self) -> str:
        """The traffic-light word auditors ask for."""
        return {
            ControlResult.NO_REMARK: "grön",
            ControlResult.DEVIATION: "gul",
            ControlResult.NOT_DONE: "röd",
        }[self]

    @property
    def label(self) -> str:
        return self.value[0].upper() + self.value[1:]

    @classmethod
    def parse(cls, text: str) -> ControlResult | None:
        t = " ".join(text.strip().lower().replace("_", " ").split())
        aliases = {
            "utan anmärkning": cls.NO_REMARK,
            "ingen anmärkning": cls.NO_REMARK,
            "ok": cls.NO_REMARK,
            "grön": cls.NO_REMARK,
            "avvikelse": cls.DEVIATION,
            "avvikelser": cls.DEVIATION,
            "gul": cls.DEVIATION,
            "ej genomförd": cls.NOT_DONE,
            "inte genomförd": cls.NOT_DONE,
            "röd": cls.NOT_DONE,
        }
        return aliases.get(t)


@dataclass(frozen=True, slots=True)
class RiskLevel:
    """A band of risk values (probability × consequence) with its name: ``hög`` from 9."""

    name: str
    minimum: int


@dataclass(frozen=True, slots=True)
class RiskScale:
    """The organisation's scale: labels of each step, the level bands and from which value a control is required."""

    probability: tuple[str, ...] = ("Osannolik", "Mindre sannolik", "Möjlig", "Sannolik")
    consequence: tuple[str, ...] = ("Lindrig", "Måttlig", "Kännbar", "Allvarlig")
    levels: tuple[RiskLevel, ...] = (
        RiskLevel("låg", 1),
        RiskLevel("medel", 5),
        RiskLevel("hög", 9),
    )
    control_from: int = 9
    """A risk valued at least this needs a control (the highest risks)."""

    def level(self, value: int) -> RiskLevel:
        chosen = self.levels[0]
        for lvl in sorted(self.levels, key=lambda x: x.minimum):
            if value >= lvl.minimum:
                chosen = lvl
        return chosen

    def describe(self) -> str:
        bands = sorted(self.levels, key=lambda x: x.minimum)
        top = len(self.probability) * len(self.consequence)
        parts = []
        for i, lvl in enumerate(bands):
            upper = bands[i + 1].minimum - 1 if i + 1 < len(bands) else top
            parts.append(f"{lvl.name} {lvl.minimum}–{upper}")
        return (
            f"Riskvärde = sannolikhet (1–{len(self.probability)}) × konsekvens "
            f"(1–{len(self.consequence)}); nivåer: {', '.join(parts)}. "
            f"Risker med värde {self.control_from} eller mer ska ha en kontroll."
        )


@dataclass(frozen=True, slots=True)
class Deviation:
    """A deviation found by a control, and the action taken (åtgärd) with its owner."""

    text: str
    action: str = ""
    owner: str = ""
    deadline: dt.date | None = None
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class Control:
    """A control (kontrollmoment): what is checked, how, how often and by whom; its result in the follow-up."""

    id: str
    title: str
    method: str = ""
    frequency: str = ""
    owner: str = ""
    result: ControlResult | None = None
    comment: str = ""
    deviations: tuple[Deviation, ...] = ()
    source: Source = NOWHERE
    sources: Mapping[str, Source] = field(default_factory=dict)

    def where(self, field_name: str) -> Source:
        return self.sources.get(field_name, self.source)


@dataclass(frozen=True, slots=True)
class Risk:
    """A risk of a process, scored on the organisation's scale."""

    id: str
    title: str
    probability: int
    consequence: int
    controls: tuple[Control, ...] = ()
    comment: str = ""
    source: Source = NOWHERE

    @property
    def value(self) -> int:
        return self.probability * self.consequence


@dataclass(frozen=True, slots=True)
class Process:
    """A process or area (rutin, process) whose risks are analysed."""

    id: str
    title: str
    owner: str = ""
    risks: tuple[Risk, ...] = ()
    source: Source = NOWHERE


@dataclass(frozen=True, slots=True)
class InternalControlPlan:
    """The board's plan for the period and its follow-up."""

    scale: RiskScale = field(default_factory=RiskScale)
    processes: tuple[Process, ...] = ()
    adopted: str = ""
    """The decision that adopted the plan (``Nämnden 2020-12-10 § 88``)."""
    source: Source = NOWHERE

    @property
    def risks(self) -> tuple[Risk, ...]:
        return tuple(r for p in self.processes for r in p.risks)

    @property
    def controls(self) -> tuple[Control, ...]:
        return tuple(c for r in self.risks for c in r.controls)

    @property
    def is_empty(self) -> bool:
        return not self.processes


def risk_matrix(plan: InternalControlPlan) -> list[list[tuple[Risk, ...]]]:
    """The risks per cell: rows by probability from highest to lowest, columns by consequence from lowest."""
    n_p, n_c = len(plan.scale.probability), len(plan.scale.consequence)
    cells: list[list[list[Risk]]] = [[[] for _ in range(n_c)] for _ in range(n_p)]
    for r in plan.risks:
        if 1 <= r.probability <= n_p and 1 <= r.consequence <= n_c:
            cells[n_p - r.probability][r.consequence - 1].append(r)
    return [[tuple(c) for c in row] for row in cells]


def result_counts(controls: Sequence[Control]) -> dict[ControlResult | None, int]:
    """How many controls have each result; ``None`` counts those without a result yet."""
    out: dict[ControlResult | None, int] = dict.fromkeys(ControlResult, 0)
    out[None] = 0
    for c in controls:
        out[c.result] += 1
    return out


def summary_sentence(plan: InternalControlPlan) -> str:
    """``Av 6 kontroller är 4 utan anmärkning, 1 med avvikelse och 1 ej genomförd.``"""
    controls = plan.controls
    n = len(controls)
    if n == 0:
        return "Internkontrollplanen har inga kontroller."
    c = result_counts(controls)
    parts = []
    if c[ControlResult.NO_REMARK]:
        parts.append(f"{c[ControlResult.NO_REMARK]} utan anmärkning")
    if c[ControlResult.DEVIATION]:
        parts.append(f"{c[ControlResult.DEVIATION]} med avvikelse")
    if c[ControlResult.NOT_DONE]:
        k = c[ControlResult.NOT_DONE]
        parts.append(f"{k} ej genomförd" + ("" if k == 1 else "a"))
    if c[None]:
        parts.append(f"{c[None]} utan redovisat resultat")
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    noun = "kontroll" if n == 1 else "kontroller"
    deviations = sum(len(ctrl.deviations) for ctrl in controls)
    tail = ""
    if deviations:
        with_action = sum(1 for ctrl in controls for d in ctrl.deviations if d.action.strip())
        word = "avvikelse" if deviations == 1 else "avvikelser"
        tail = f" {deviations} {word} har noterats; {with_action} av dem har en åtgärd."
    return f"Av {n} {noun} är {body}.{tail}"

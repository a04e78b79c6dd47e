"""The web asks core: is this outcome, forecast or target valid for this indicator, and is it
plausible? No rule is written here: validity is what core's assessment and checks
(``indicator.outcome``, ``indicator.units``, ``indicator.target``) say about the indicator
as edited; plausibility is core's rule (``core.plausibility``) over the edited indicator.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from styrkort.core.assess import (
    AssessmentRule,
    GoalResult,
    IndicatorResult,
    Reason,
    assess_indicator,
)
from styrkort.core.assessed import Assessed
from styrkort.core.checks import run_checks
from styrkort.core.goals import Status
from styrkort.core.plausibility import implausible
from styrkort.core.values import normalise_unit
from styrkort.web import models as m
from styrkort.web.mapping import indicator_value

# The checks whose findings refuse a value typed on the indicator screen or sent to the API.
VALUE_CHECKS = {"indicator.no_outcome", "indicator.unit_mismatch"}
# Codes that are not a problem of what was typed: an empty or missing value may be saved.
ALLOWED_CODES = {"indicator.no_outcome", "indicator.no_target"}
DEFINITION = ("unit", "direction", "baseline", "target")
WHAT = {"outcome": "Utfallet", "forecast": "Prognosen"}


def _edited(row: m.Indicator, edits: Mapping[str, str]) -> m.Indicator:
    ind = copy.copy(row)
    for name in (*DEFINITION, "outcome", "forecast"):
        if name in edits:
            setattr(ind, name, edits[name] or "")
    ind.unit = normalise_unit(ind.unit) or ""
    ind.manual_status = ""  # the typed value is checked, not a person's override
    return ind


def _result_checks(result: IndicatorResult) -> list[Any]:
    """Core's checks over one indicator result (they read only ``indicator_results``)."""
    goal = GoalResult(None, (result,), Status.NOT_ASSESSED, Status.NOT_ASSESSED, Reason.EMPTY)  # type: ignore[arg-type]
    a = Assessed(None, (goal,), None, None, None, None)  # type: ignore[arg-type]
    return run_checks(a, only=VALUE_CHECKS)


def indicator_problems(row: m.Indicator, edits: Mapping[str, str]) -> dict[str, str]:
    """Why the edited values cannot be saved, by field (``outcome``, ``forecast``, ``target``)."""
    ind = _edited(row, edits)
    core = indicator_value(ind)
    rule = AssessmentRule()
    out: dict[str, str] = {}
    first = assess_indicator(core, rule)
    if "target" in edits and (edits["target"] or "").strip() and first.target_problem:
        out["target"] = f"{first.target_problem.message} {first.target_problem.hint}".strip()
    for name in ("outcome", "forecast"):
        text = (edits.get(name) or "").strip()
        if name not in edits or not text:
            continue
        result = assess_indicator(core, rule, outcome_text=text)
        problems = [f for f in _result_checks(result) if f.code not in ALLOWED_CODES]
        if problems:
            f = problems[0]
            message = f.message if name == "outcome" else f"{WHAT[name]}: {f.message}"
            out[name] = f"{message} {f.hint}".strip()
    return out


def plausibility_warnings(row: m.Indicator, edits: Mapping[str, str]) -> dict[str, str]:
    """Values that can be saved but look wrong, by field: core's one rule
    (``core.plausibility.implausible``) over the indicator as edited, with the history typed
    on it (every entry is of an earlier year)."""
    ind = _edited(row, edits)
    core = indicator_value(ind)
    out: dict[str, str] = {}
    for name in ("outcome", "forecast"):
        if name not in edits:
            continue
        notes = implausible(
            edits.get(name) or "",
            ind.unit or None,
            what=WHAT[name],
            baseline=ind.baseline,
            history=core.history,
        )
        if notes:
            out[name] = " ".join(notes)
    return out


def missing_outcome_keys(findings: list[Any]) -> set[str]:
    """The indicators without an outcome by exactly the rule of the ``indicator.no_outcome``
    check: the keys its findings name."""
    from styrkort.web.mapping import screen_of

    keys = set()
    for f in findings:
        if f.code == "indicator.no_outcome":
            where = screen_of(f.source)
            if where:
                keys.add(where[1])
    return keys

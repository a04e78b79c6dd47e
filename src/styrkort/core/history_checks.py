"""Checks on history (SPEC §8, issue "years, not a year"): baselines against last year's
recorded outcome, gaps in the history a target needs, units, Kolada values.

Registered in core/checks.py's registry when that module is imported (it imports this one).
"""

from __future__ import annotations

from collections.abc import Iterator

from styrkort.core.assessed import Assessed
from styrkort.core.checks import check
from styrkort.core.findings import Finding, info, warning
from styrkort.core.history import in_unit, previous_value
from styrkort.core.numbers import format_amount
from styrkort.core.targets import Change, Maintain
from styrkort.core.values import Quantity, normalise_unit


@check("history.baseline")
def baselines_equal_last_year(a: Assessed) -> Iterator[Finding]:
    """A change target's baseline (Öka/Minska från X, Bibehålla X) equals last year's recorded
    outcome; a target written against an old value is pointed out with the difference."""
    year = a.workspace.period.year
    for r in a.indicator_results():
        ind, target = r.indicator, r.target
        if not isinstance(target, Change | Maintain) or target.baseline is None:
            continue
        last = previous_value(ind.history, year)
        if last is None:
            continue
        recorded = in_unit(last.value, ind.unit)
        if recorded is None or recorded == target.baseline:
            continue  # another unit is history.unit's finding
        diff = target.baseline - recorded
        yield warning(
            ind.where("target"),
            "history.baseline",
            f"'{ind.text}': målvärdet utgår från {format_amount(target.baseline)}, men utfallet "
            f"{last.year} var {format_amount(recorded)} (skillnad {format_amount(diff)}).",
            f"Skriv om målvärdet från utfallet {last.year}, eller rätta historiken om den är fel.",
        )


@check("history.gap")
def history_has_last_year(a: Assessed) -> Iterator[Finding]:
    """A target read against history (Öka, Bibehålla or "jämfört med föregående år" without a
    number) needs last year's outcome, not an older one."""
    year = a.workspace.period.year
    for r in a.indicator_results():
        ind = r.indicator
        if ind.baseline.strip() or not ind.history or not isinstance(r.target, Change | Maintain):
            continue
        if any(ch.isdigit() for ch in ind.target):
            continue  # the target names its own baseline
        if previous_value(ind.history, year) is None:
            latest = ind.history[-1].year
            yield warning(
                ind.where("target"),
                "history.gap",
                f"'{ind.text}': målvärdet jämförs med föregående år, men historiken har inget "
                f"utfall för {year - 1}; senaste är {latest}.",
                f"Ange utfallet {year - 1} i indikatorns history.",
            )


@check("history.unit")
def history_units_agree(a: Assessed) -> Iterator[Finding]:
    """Earlier outcomes are in the indicator's unit (a trend across units means nothing)."""
    for r in a.indicator_results():
        ind = r.indicator
        unit = normalise_unit(ind.unit)
        if not unit:
            continue
        for p in ind.history:
            value = p.value
            if isinstance(value, Quantity) and value.unit and normalise_unit(value.unit) != unit:
                yield warning(
                    p.source,
                    "history.unit",
                    f"'{ind.text}': utfallet {p.year} anges i '{value.unit}' men indikatorn mäts i "
                    f"'{unit}'; året jämförs inte.",
                    f"Ange {p.year} års utfall i '{unit}'.",
                )


@check("kolada.missing")
def kolada_values_present(a: Assessed) -> Iterator[Finding]:
    """An indicator that names a Kolada key figure has values for it in the workspace."""
    kolada = a.workspace.history.kolada
    for r in a.indicator_results():
        spec = r.indicator.kolada
        if spec is None:
            continue
        if not any(v.kpi == spec.kpi for v in kolada):
            yield info(
                spec.source,
                "kolada.missing",
                f"'{r.indicator.text}' jämförs med Koladas {spec.kpi}, men arbetsytan har inga "
                "värden för det nyckeltalet.",
                f"Hämta dem med styrkort kolada fetch --kpi {spec.kpi}, eller spara Koladas fil "
                "och ange den under history.kolada.",
            )

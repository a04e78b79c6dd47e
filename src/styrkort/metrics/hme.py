"""HME, hållbart medarbetarengagemang (SKR): nine questions on a 1–5 scale.

Question index = (mean answer − 1) × 25, over the respondents who answered
that question (0–100). Sub-indices are the means of their three question
indices: motivation (m1–m3), ledarskap (l1–l3), styrning (s1–s3). The total
index is the mean of the nine question indices.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from styrkort.core.findings import Source, warning
from styrkort.metrics._common import MetricResult, Param, format_number, parse_choice
from styrkort.sources.logs import LoadedLog
from styrkort.sources.logs.hr import QUESTIONS, Respondent

SUBS = {"motivation": QUESTIONS[0:3], "ledarskap": QUESTIONS[3:6], "styrning": QUESTIONS[6:9]}
PARTS = {"total": "total", **{s: s for s in SUBS}, **{q: q for q in QUESTIONS}}
PART_TEXT = {
    "total": "totalindex",
    "motivation": "delindex motivation",
    "ledarskap": "delindex ledarskap",
    "styrning": "delindex styrning",
}

PARAMS = (
    Param(
        "part",
        "total",
        "vilket index som blir värdet: total, motivation, ledarskap, styrning eller m1…s3",
    ),
)


def _mean(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0)) / len(values)


def hme(con: Any, loaded: LoadedLog, params: Mapping[str, str], period: Any) -> MetricResult:
    part = parse_choice("part", params["part"], PARTS)
    records: list[Respondent] = loaded.records
    respondents = [r for r in records if any(a is not None for a in r.answers)]
    details: dict[str, Decimal | None] = {}
    counts: dict[str, int] = {}
    sums: dict[str, int] = {}
    for i, q in enumerate(QUESTIONS):
        answers = [r.answers[i] for r in respondents if r.answers[i] is not None]
        counts[q] = len(answers)
        sums[q] = sum(a for a in answers if a is not None)
        details[q] = (Decimal(sums[q]) / len(answers) - 1) * 25 if answers else None
    for sub, qs in SUBS.items():
        details[sub] = _mean([details[q] for q in qs])
    details["total"] = _mean([details[q] for q in QUESTIONS])
    for q in QUESTIONS:
        details[f"responses_{q}"] = Decimal(counts[q])
    details["respondents"] = Decimal(len(respondents))
    findings = []
    missing = [q for q in QUESTIONS if counts[q] == 0]
    if missing:
        findings.append(
            warning(
                Source(loaded.file),
                "metric.hme_unanswered",
                f"Ingen har svarat på {', '.join(missing)}; index som bygger på dem kan inte beräknas.",
                "Kontrollera att rätt kolumner läses (col.m1=… osv.).",
            )
        )
    value = details[part]
    if part in QUESTIONS:
        formula = f"(medelvärde av svaren 1–5 på fråga {part} − 1) × 25"
        shown_count = f"{counts[part]} svar"
    elif part in SUBS:
        formula = f"medelvärdet av frågeindexen {', '.join(SUBS[part])}; frågeindex = (medelsvar 1–5 − 1) × 25"
        shown_count = f"{len(respondents)} svarande"
    else:
        formula = "medelvärdet av de nio frågeindexen (motivation, ledarskap, styrning); frågeindex = (medelsvar 1–5 − 1) × 25"
        shown_count = f"{len(respondents)} svarande"
    definition = (
        f"HME {PART_TEXT.get(part, 'fråga ' + part)} = {formula} ({shown_count}) = "
        f"{format_number(value, 1) if value is not None else 'ingen uppgift'}"
    )
    return MetricResult(
        metric="hme",
        value=value,
        unit="index",
        numerator=None,
        denominator=None,
        count=len(respondents),
        definition=definition,
        details=details,
        findings=tuple(findings),
    )

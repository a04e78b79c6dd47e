"""Write a core ``Workspace`` back to a folder in the canonical workspace format.

The inverse of ``sources.workspace.load_workspace`` (docs/workspace.md). The
output is canonical: fixed key order, empty fields left out, amounts in plain
kronor, the finance tables as ``operating.csv``, ``investments.csv`` and
``frames.csv`` and each narrative section as ``narrative/<id>.md``. Comments
in the files that were read do not survive, but writing what was read from a
written folder gives the same bytes again (``styrkort export`` relies on it).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from styrkort.core.activities import DEFAULT_COUNTS_AS, Activity
from styrkort.core.assess import AnyGoalRule, AssessmentRule, Bands, PointsRule, ToleranceKind
from styrkort.core.assignments import Assignment
from styrkort.core.finance import ResultSettings
from styrkort.core.followup import FollowUp
from styrkort.core.goals import (
    CouncilGoal,
    Goal,
    Indicator,
    ManualAssessment,
    Perspective,
    Status,
)
from styrkort.core.history import History
from styrkort.core.internal_control import Control, InternalControlPlan, RiskScale
from styrkort.core.model import Workspace
from styrkort.core.values import DEFAULT_SCALES
from styrkort.sources.followup import ASSIGNMENTS_FILE, INTERNAL_CONTROL_FILE, counts_as_text

OPERATING_FILE = "operating.csv"
INVESTMENTS_FILE = "investments.csv"
FRAMES_FILE = "frames.csv"
NARRATIVE_DIR = "narrative"


def amount_text(value: Decimal) -> str:
    """A kronor amount as plain text the reader takes back exactly: ``-34559000``, ``12.5``."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text


def number_text(value: Decimal) -> str:
    """A number for the YAML files, Swedish style (decimal comma): ``0,8``, ``11313``."""
    return amount_text(value).replace(".", ",")


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _manual(m: ManualAssessment) -> dict[str, str]:
    out = {"status": m.status.value, "justification": m.justification}
    if m.by:
        out["by"] = m.by
    if m.date:
        out["date"] = m.date
    return out


def _indicator(ind: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ind.id, "text": ind.text}
    optional = {
        "kind": ind.kind,
        "unit": ind.unit or "",
        "direction": ind.direction.value if ind.direction else "",
        "baseline": ind.baseline,
        "target": ind.target,
        "outcome": ind.outcome,
        "forecast": ind.forecast,
        "owner": ind.owner,
        "comment": ind.comment,
    }
    out.update({k: v for k, v in optional.items() if v})
    if ind.manual is not None:
        out["assessment"] = _manual(ind.manual)
    if ind.metric is not None:
        m = ind.metric
        metric: dict[str, Any] = {"name": m.name, "file": m.file}
        if m.profile:
            metric["profile"] = m.profile
        if m.params:
            metric["params"] = dict(m.params)
        if m.period:
            metric["period"] = m.period
        if m.history:
            metric["history"] = dict(m.history)
        out["metric"] = metric
    out.update(_indicator_history(ind))
    return out


def _indicator_history(ind: Indicator) -> dict[str, Any]:
    """The indicator's ``history`` and ``kolada`` keys (docs/workspace.md, Historik)."""
    out: dict[str, Any] = {}
    if ind.history:
        out["history"] = {p.year: p.text for p in ind.history}
    k = ind.kolada
    if k is not None:
        spec: dict[str, Any] = {"kpi": k.kpi}
        if k.municipality:
            spec["municipality"] = k.municipality
        if k.compare:
            spec["compare"] = dict(k.compare)
        if k.gender != "T":
            spec["gender"] = k.gender
        out["kolada"] = spec
    return out


def _goal(goal: Goal) -> dict[str, Any]:
    out: dict[str, Any] = {"id": goal.id, "title": goal.title}
    if goal.council_goal:
        out["council_goal"] = goal.council_goal
    if goal.perspective:
        out["perspective"] = goal.perspective
    if goal.rule:
        out["rule"] = goal.rule
    if goal.comment:
        out["comment"] = goal.comment
    if goal.manual is not None:
        out["assessment"] = _manual(goal.manual)
    out["indicators"] = [_indicator(i) for i in goal.indicators]
    return out


def goals_document(
    council_goals: tuple[CouncilGoal, ...],
    goals: tuple[Goal, ...],
    perspectives: tuple[Perspective, ...] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if perspectives:
        out["perspectives"] = perspectives_doc(perspectives)
    if council_goals:
        out["council_goals"] = [{"id": c.id, "title": c.title} for c in council_goals]
    out["goals"] = [_goal(g) for g in goals]
    return out


def main_document(ws: Workspace) -> dict[str, Any]:
    """The content of ``styrkort.yaml`` for ``ws``."""
    org = ws.organisation
    o: dict[str, Any] = {"name": org.name}
    for key in ("municipality", "kind", "host"):
        if getattr(org, key):
            o[key] = getattr(org, key)
    if org.members:
        o["members"] = [
            {"id": m.id, "name": m.name, **({"code": m.code} if m.code else {})}
            for m in org.members
        ]
    if org.allocation_key is not None:
        k = org.allocation_key
        alloc: dict[str, Any] = {"basis": k.basis}
        if k.reference_date:
            alloc["reference_date"] = k.reference_date
        if k.decision:
            alloc["decision"] = k.decision
        if k.weights:
            alloc["weights"] = {mid: number_text(w) for mid, w in k.weights}
        o["allocation_key"] = alloc
    p = ws.period
    period: dict[str, Any] = {"year": str(p.year), "kind": p.kind.value}
    if p.start:
        period["start"] = p.start.isoformat()
    if p.end:
        period["end"] = p.end.isoformat()
    if p.label:
        period["label"] = p.label
    s = ws.settings
    rule = s.rule
    settings: dict[str, Any] = {
        "sign_convention": s.sign_convention.value,
        "rounding": s.rounding.value,
        **rule_settings(rule),
    }
    doc: dict[str, Any] = {
        "kind": "board",
        "title": ws.title,
        "organisation": o,
        "period": period,
        "settings": settings,
    }
    claims = ws.claims
    if claims.summary_met is not None or claims.summary_partly is not None:
        doc["published"] = {
            k: str(v)
            for k, v in (
                ("summary_met", claims.summary_met),
                ("summary_partly", claims.summary_partly),
            )
            if v is not None
        }
    doc.setdefault("published", {}).update(published_verdict(ws))
    if not doc["published"]:
        del doc["published"]
    finance: dict[str, Any] = {}
    if ws.operating:
        finance["operating"] = OPERATING_FILE
    if ws.investments:
        finance["investments"] = INVESTMENTS_FILE
    if ws.frames:
        finance["frames"] = FRAMES_FILE
    if ws.investment_total_label:
        finance["investment_total_label"] = ws.investment_total_label
    if ws.frames_note:
        finance["frames_note"] = ws.frames_note
    finance.update(result_settings_doc(ws.result_settings))
    if finance:
        doc["finance"] = finance
    doc["goals"] = "goals.yaml"
    if ws.word_template:
        doc["publication"] = {"word_template": ws.word_template}
    if ws.narrative:
        doc["narrative"] = [
            {"file": f"{NARRATIVE_DIR}/{n.id}.md", "placement": n.placement} for n in ws.narrative
        ]
    history = _history_section(ws)
    if history:
        doc["history"] = history
    return doc


def result_settings_doc(r: ResultSettings) -> dict[str, Any]:
    """``finance:``'s keys for the budget model, balanskrav and carried results (only those set)."""
    doc: dict[str, Any] = {}
    if r.is_net:
        doc["model"] = r.model.value
        if r.contribution is not None:
            doc["contribution"] = amount_text(r.contribution)
        doc["budget_result"] = amount_text(r.budget_result)
    for key in (
        "balance_adjustment",
        "balance_adjustment_text",
        "balance_result",
        "opening_result",
        "disposition",
        "closing_result",
    ):
        value = getattr(r, key)
        if value not in (None, ""):
            doc[key] = value if isinstance(value, str) else amount_text(value)
    if r.parts:
        doc["parts"] = [
            {
                "label": p.label,
                "contribution": amount_text(p.contribution),
                "revenues": amount_text(p.revenues),
                "costs": amount_text(p.costs),
                "budget_result": amount_text(p.budget_result),
            }
            for p in r.parts
        ]
    return doc


OPERATING_HISTORY_FILE = "drift-historik.csv"
INVESTMENTS_HISTORY_FILE = "investeringar-historik.csv"
KOLADA_FILE = "kolada/varden.json"


def _history_section(ws: Workspace) -> dict[str, Any]:
    h = ws.history
    out: dict[str, Any] = {}
    if h.columns != History().columns:
        out["columns"] = h.columns
    if h.trend != History().trend:
        out["trend"] = h.trend
    if h.workspaces:
        out["workspaces"] = list(h.workspaces)
    if h.operating:
        out["operating"] = OPERATING_HISTORY_FILE
    if h.investments:
        out["investments"] = INVESTMENTS_HISTORY_FILE
    if h.kolada:
        out["kolada"] = [KOLADA_FILE]
    return out


def _history_files(ws: Workspace) -> dict[str, str]:
    h = ws.history
    files: dict[str, str] = {}
    for rel, key, rows in (
        (OPERATING_HISTORY_FILE, "category", h.operating),
        (INVESTMENTS_HISTORY_FILE, "project", h.investments),
    ):
        if rows:
            files[rel] = _csv(
                [key, "year", "outcome"],
                [[p.key, str(p.year), amount_text(p.outcome)] for p in rows],
            )
    if h.kolada:
        grouped: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
        for v in h.kolada:
            grouped.setdefault((v.kpi, v.municipality, v.year), []).append(
                {
                    "gender": v.gender,
                    "status": v.status,
                    "value": None if v.value is None else float(v.value),
                    "count": 1,
                }
            )
        doc = {
            "values": [
                {"kpi": kpi, "municipality": mun, "period": year, "values": values}
                for (kpi, mun, year), values in grouped.items()
            ],
            "count": len(grouped),
        }
        files[KOLADA_FILE] = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    return files


# --- fields of issue 12: rules, bands, points, a rule per goal, scales, perspectives,
# published verdicts (kept together for the declared schema) ---------------------------


def _bands_doc(bands: Bands) -> list[dict[str, str]]:
    out = []
    for b in bands.bands:
        item = {"status": b.status.value}
        if b.lower is not None:
            item["from" if b.inclusive else "above"] = number_text(b.lower)
        out.append(item)
    return out


def _goal_rule_doc(rule: AnyGoalRule) -> dict[str, Any]:
    if isinstance(rule, PointsRule):
        return {
            "kind": "points",
            "points": {st.value: number_text(p) for st, p in rule.points},
            "bands": _bands_doc(rule.bands),
        }
    return {
        "positive": [st.value for st in Status if st in rule.positive],
        "majority": fraction_text(rule.majority),
    }


def rule_settings(rule: AssessmentRule) -> dict[str, Any]:
    """The assessment rule's part of ``settings`` (tolerance, goal rule, named rules, scales)."""
    tol: dict[str, Any] = {"kind": rule.tolerance.kind.value}
    if rule.tolerance.kind is ToleranceKind.BANDS and rule.tolerance.bands is not None:
        tol["bands"] = _bands_doc(rule.tolerance.bands)
    else:
        tol["ratio"] = number_text(rule.tolerance.ratio)
    out: dict[str, Any] = {"preset": rule.preset} if rule.preset else {}
    out.update({"tolerance": tol, "goal_rule": _goal_rule_doc(rule.goal_rule)})
    if rule.goal_rules:
        out["goal_rules"] = {name: _goal_rule_doc(r) for name, r in rule.goal_rules}
    own = [sc for sc in rule.scales if sc not in DEFAULT_SCALES]
    if own:
        out["scales"] = {sc.name: list(sc.levels) for sc in own}
    return out


def published_verdict(ws: Workspace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ws.claims.verdict_text:
        out["verdict"] = ws.claims.verdict_text
    if ws.claims.goal_counts:
        out["goals"] = {st.value: str(n) for st, n in ws.claims.goal_counts}
    return out


def perspectives_doc(perspectives: tuple[Perspective, ...]) -> list[dict[str, str]]:
    return [{"id": p.id, "title": p.title} for p in perspectives]


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _opt(value: Decimal | None) -> str:
    return "" if value is None else amount_text(value)


def workspace_files(ws: Workspace) -> dict[str, str]:
    """Relative path → text of every file of the canonical folder for ``ws``."""
    files = {
        "styrkort.yaml": dump_yaml(main_document(ws)),
        "goals.yaml": dump_yaml(
            with_activities(
                goals_document(ws.council_goals, ws.goals, ws.perspectives), ws.followup
            )
        ),
        **followup_files(ws.followup),
    }
    if ws.operating:
        header = ["category", "kind", "budget", "outcome"]
        has_orig = any(r.original_budget is not None for r in ws.operating)
        has_fc = any(r.forecast is not None for r in ws.operating)
        header += ["original_budget"] * has_orig + ["forecast"] * has_fc
        rows = []
        for r in ws.operating:
            row = [r.category, r.kind.value, amount_text(r.budget), amount_text(r.outcome)]
            row += [_opt(r.original_budget)] * has_orig + [_opt(r.forecast)] * has_fc
            rows.append(row)
        files[OPERATING_FILE] = _csv(header, rows)
    if ws.investments:
        files[INVESTMENTS_FILE] = _csv(
            ["project", "member", "budget", "outcome"],
            [
                [r.project, r.member, amount_text(r.budget), amount_text(r.outcome)]
                for r in ws.investments
            ],
        )
    if ws.frames:
        files[FRAMES_FILE] = _csv(
            ["project", "member", "frame", "earlier_outcome", "outcome"],
            [
                [
                    f.project,
                    f.member,
                    amount_text(f.frame),
                    amount_text(f.earlier_outcome),
                    amount_text(f.outcome),
                ]
                for f in ws.frames
            ],
        )
    for n in ws.narrative:
        head = f"# {n.title}\n" if n.title else ""
        files[f"{NARRATIVE_DIR}/{n.id}.md"] = head + n.markdown + "\n"
    files.update(_history_files(ws))
    return files


def write_workspace(ws: Workspace, out_dir: Path | str) -> list[Path]:
    """Write ``ws`` into ``out_dir`` (created when missing); returns the files written."""
    out = Path(out_dir)
    written = []
    for rel, text in workspace_files(ws).items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    if ws.word_template and ws.word_template in ws.assets:
        path = out / ws.word_template
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ws.assets[ws.word_template])
        written.append(path)
    return written


# --- activities, council assignments, internal control (sources/followup.py reads them) -----


def _activity(a: Activity) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "title": a.title, "status": a.status.value}
    optional = {
        "owner": a.owner,
        "completion": "" if a.completion is None else str(a.completion),
        "deadline": a.deadline.isoformat() if a.deadline else "",
        "comment": a.comment,
    }
    out.update({k: v for k, v in optional.items() if v})
    return out


def with_activities(doc: dict[str, Any], f: FollowUp) -> dict[str, Any]:
    """``goals.yaml``'s document with each goal's ``judged_by`` and ``activities`` and the activity rule."""
    if dict(f.activity_rule.counts_as) != dict(DEFAULT_COUNTS_AS):
        doc = {"activity_rule": counts_as_text(f.activity_rule.counts_as), **doc}
    for item in [*doc.get("council_goals", []), *doc.get("goals", [])]:
        basis = f.bases.get(item["id"])
        acts = [_activity(a) for a in f.activities if a.parent == item["id"]]
        if basis is not None:
            item["judged_by"] = {"indikatorer och aktiviteter": "båda"}.get(
                basis.value, basis.value
            )
        if acts:
            item["activities"] = acts
    return doc


def _assignment(a: Assignment) -> dict[str, Any]:
    out: dict[str, Any] = {"id": a.id, "text": a.text, "status": a.status.value}
    d = a.decision
    decision = {
        k: v
        for k, v in (
            ("body", d.body),
            ("date", d.date.isoformat() if d.date else ""),
            ("paragraph", d.paragraph),
        )
        if v
    }
    if decision:
        out["decision"] = decision
    optional = {
        "board": a.board,
        "deadline": a.deadline.isoformat() if a.deadline else "",
        "comment": a.comment,
    }
    out.update({k: v for k, v in optional.items() if v})
    return out


def _control(c: Control) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id, "title": c.title}
    optional = {
        "method": c.method,
        "frequency": c.frequency,
        "owner": c.owner,
        "result": c.result.value if c.result else "",
        "comment": c.comment,
    }
    out.update({k: v for k, v in optional.items() if v})
    if c.deviations:
        out["deviations"] = [
            {
                k: v
                for k, v in (
                    ("text", d.text),
                    ("action", d.action),
                    ("owner", d.owner),
                    ("deadline", d.deadline.isoformat() if d.deadline else ""),
                )
                if v
            }
            for d in c.deviations
        ]
    return out


def internal_control_document(plan: InternalControlPlan) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if plan.adopted:
        doc["adopted"] = plan.adopted
    if plan.scale != RiskScale():
        sc = plan.scale
        doc["scale"] = {
            "probability": list(sc.probability),
            "consequence": list(sc.consequence),
            "levels": {lvl.name: str(lvl.minimum) for lvl in sc.levels},
            "control_from": str(sc.control_from),
        }
    doc["processes"] = [
        {
            "id": p.id,
            "title": p.title,
            **({"owner": p.owner} if p.owner else {}),
            "risks": [
                {
                    "id": r.id,
                    "title": r.title,
                    "probability": str(r.probability),
                    "consequence": str(r.consequence),
                    **({"comment": r.comment} if r.comment else {}),
                    "controls": [_control(c) for c in r.controls],
                }
                for r in p.risks
            ],
        }
        for p in plan.processes
    ]
    return doc


def followup_files(f: FollowUp) -> dict[str, str]:
    """``uppdrag.yaml`` and ``internkontroll.yaml`` when the workspace has assignments or a plan."""
    files: dict[str, str] = {}
    if f.assignments:
        files[ASSIGNMENTS_FILE] = dump_yaml(
            {"assignments": [_assignment(a) for a in f.assignments]}
        )
    if not f.internal_control.is_empty:
        files[INTERNAL_CONTROL_FILE] = dump_yaml(internal_control_document(f.internal_control))
    return files

"""Read what a board follows up beyond indicators (docs/workspace.md, "Aktiviteter, uppdrag och intern kontroll").

    goals.yaml          activities: under a goal or council goal; judged_by: per goal;
                        activity_rule: at the top (how each activity status counts)
    uppdrag.yaml        council assignments (uppdrag från fullmäktige)
    internkontroll.yaml the internal-control plan and its follow-up

Called by ``sources.workspace.load_workspace`` with its reading context; every
value keeps its file and line, bad input gives findings (``workspace.*``),
never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from styrkort.core.activities import (
    DEFAULT_COUNTS_AS,
    Activity,
    ActivityRule,
    ActivityStatus,
    GoalBasis,
)
from styrkort.core.assignments import Assignment, AssignmentStatus, Decision
from styrkort.core.findings import Source
from styrkort.core.followup import FollowUp
from styrkort.core.goals import CouncilGoal, Goal, Status
from styrkort.core.internal_control import (
    Control,
    ControlResult,
    Deviation,
    InternalControlPlan,
    Process,
    Risk,
    RiskLevel,
    RiskScale,
)
from styrkort.sources.yamlloc import LocDict, LocList, YamlError, load

ASSIGNMENTS_FILE = "uppdrag.yaml"
INTERNAL_CONTROL_FILE = "internkontroll.yaml"
GOAL_KEYS = frozenset({"activities", "judged_by"})
"""Keys a goal in goals.yaml may have besides the indicator ones (read here)."""
GOALS_TOP_KEYS = frozenset({"activity_rule"})
"""Keys at the top of goals.yaml read here."""
ACTIVITY_KEYS = frozenset({"id", "title", "owner", "status", "completion", "deadline", "comment"})
NOT_COUNTED = "räknas inte"


class Context(Protocol):
    """What the workspace reader's context offers (``sources.workspace._Ctx``)."""

    root: Any
    files: dict[str, str]

    def err(self, file: str, line: int | None, code: str, message: str, hint: str) -> None: ...

    def warn(self, file: str, line: int | None, code: str, message: str, hint: str) -> None: ...

    def yaml(self, rel: str, ref: tuple[str, int | None] | None = None) -> Any: ...


def _s(d: LocDict, key: str) -> str:
    v = d.get(key, "")
    return v.strip() if isinstance(v, str) else ""


def _line(d: LocDict, key: str) -> int:
    return d.lines.get(key, d.line)


def _slug(text: str) -> str:
    t = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:40]


def _items(ctx: Context, rel: str, d: LocDict, key: str, what: str) -> list[tuple[Any, int]]:
    """The list under ``key`` with each item's line; a finding when it is not a list."""
    v = d.get(key, "")
    if isinstance(v, LocList):
        return list(zip(v, v.lines, strict=True))
    if v != "":
        ctx.err(
            rel,
            _line(d, key),
            f"{what}_shape",
            f"{key} ska vara en lista.",
            "Se docs/workspace.md.",
        )
    return []


def _known(ctx: Context, rel: str, d: LocDict, allowed: Iterable[str], what: str) -> None:
    allowed = set(allowed)
    for key in d:
        if key not in allowed:
            ctx.warn(
                rel,
                d.key_lines.get(key, d.line),
                "unknown_key",
                f"Okänd nyckel '{key}' i {what}; den ignoreras.",
                f"Tillåtna nycklar: {', '.join(sorted(allowed))}.",
            )


def _date(ctx: Context, rel: str, d: LocDict, key: str) -> dt.date | None:
    text = _s(d, key)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        ctx.err(
            rel, _line(d, key), "date", f"'{text}' är inget datum.", "Skriv datum som ÅÅÅÅ-MM-DD."
        )
        return None


def _int(
    ctx: Context, rel: str, d: LocDict, key: str, low: int, high: int, hint: str
) -> int | None:
    text = _s(d, key).replace("%", "").strip()
    if not text:
        return None
    if not text.isdigit() or not (low <= int(text) <= high):
        ctx.err(
            rel,
            _line(d, key),
            key,
            f"'{_s(d, key)}' är inget heltal mellan {low} och {high}.",
            hint,
        )
        return None
    return int(text)


def _sources(rel: str, d: LocDict, keys: Iterable[str]) -> dict[str, Source]:
    out = {k: Source(rel, _line(d, k)) for k in d}
    for k in keys:
        out.setdefault(k, Source(rel, d.line))
    return out


def _unique_id(ctx: Context, rel: str, d: LocDict, named_by: str, used: set[str], hint: str) -> str:
    """The item's id (written, or made from its ``named_by`` text), noted in ``used``; one
    already used is a finding."""
    iid = _s(d, "id") or _slug(_s(d, named_by))
    if iid in used:
        ctx.err(rel, _line(d, "id"), "duplicate_id", f"Id '{iid}' används redan.", hint)
    used.add(iid)
    return iid


def _choice(
    ctx: Context,
    rel: str,
    d: LocDict,
    key: str,
    parse: Callable[[str], Any],
    code: str,
    message: str,
    hint: str,
) -> Any:
    """The value of ``key`` read with ``parse`` (None when it is empty, or unreadable: then
    the finding ``code`` with ``message``, its ``{}`` the text written)."""
    text = _s(d, key)
    if not text:
        return None
    value = parse(text)
    if value is None:
        ctx.err(rel, _line(d, key), code, message.format(text), hint)
    return value


# --- activities (goals.yaml) -------------------------------------------------------------


def _activity(
    ctx: Context, rel: str, d: Any, line: int, parent: str, used: set[str]
) -> Activity | None:
    if not isinstance(d, LocDict) or not _s(d, "title"):
        ctx.err(rel, line, "activity_shape", "En aktivitet ska ha title.", "Se docs/workspace.md.")
        return None
    _known(ctx, rel, d, ACTIVITY_KEYS, "aktiviteten")
    aid = _unique_id(ctx, rel, d, "title", used, "Ge varje aktivitet ett unikt id.")
    status = _choice(
        ctx,
        rel,
        d,
        "status",
        ActivityStatus.parse,
        code="activity_status",
        message="Okänd status '{}' för aktiviteten.",
        hint="Skriv ej påbörjad, pågår, klar, försenad eller avbruten.",
    )
    return Activity(
        id=aid,
        title=_s(d, "title"),
        parent=parent,
        status=ActivityStatus.NOT_STARTED if status is None else status,
        owner=_s(d, "owner"),
        completion=_int(ctx, rel, d, "completion", 0, 100, "Ange färdiggraden i procent, 0–100."),
        deadline=_date(ctx, rel, d, "deadline"),
        comment=_s(d, "comment"),
        source=Source(rel, d.line),
        sources=_sources(rel, d, ("status", "completion", "comment", "deadline")),
    )


def _activity_rule(ctx: Context, rel: str, d: Any) -> ActivityRule:
    if d in (None, ""):
        return ActivityRule()
    if not isinstance(d, LocDict):
        ctx.err(
            rel,
            None,
            "activity_rule",
            "activity_rule ska vara en mappning.",
            "Se docs/workspace.md.",
        )
        return ActivityRule()
    counts: dict[ActivityStatus, Status | None] = dict(DEFAULT_COUNTS_AS)
    for key, value in d.items():
        status = ActivityStatus.parse(key)
        text = value.strip().lower() if isinstance(value, str) else ""
        counted = None if text == NOT_COUNTED else Status.parse(text)
        if (
            status is None
            or (counted is None and text != NOT_COUNTED)
            or counted
            in (
                Status.NO_VALUE,
                Status.NOT_ASSESSED,
            )
        ):
            ctx.err(
                rel,
                d.key_lines.get(key, d.line),
                "activity_rule",
                f"activity_rule: '{key}: {value}' kan inte läsas.",
                "Skriv en aktivitetsstatus och vad den räknas som: uppnått, delvis uppnått, "
                f"ej uppnått eller {NOT_COUNTED}.",
            )
            continue
        counts[status] = counted
    return ActivityRule(counts)


def _read_activities(
    ctx: Context, rel: str, council: tuple[CouncilGoal, ...], goals: tuple[Goal, ...]
) -> tuple[tuple[Activity, ...], dict[str, GoalBasis], ActivityRule]:
    text = ctx.files.get(rel)
    if text is None or not any(f"{k}:" in text for k in (*GOAL_KEYS, *GOALS_TOP_KEYS)):
        return (), {}, ActivityRule()  # nothing to read
    # the workspace reader's own parse of goals.yaml (so the schema sees these keys read)
    data = getattr(ctx, "documents", {}).get(rel)
    if data is None:
        try:
            data, _ = load(text)
        except YamlError:
            return (), {}, ActivityRule()  # the workspace reader has said so already
    if not isinstance(data, LocDict):
        return (), {}, ActivityRule()
    used: set[str] = {g.id for g in goals} | {c.id for c in council}
    activities: list[Activity] = []
    bases: dict[str, GoalBasis] = {}
    parents = [(c.id, "council_goals") for c in council] + [(g.id, "goals") for g in goals]
    lists = {"council_goals": data.get("council_goals"), "goals": data.get("goals")}
    for key, items in lists.items():
        if not isinstance(items, LocList):
            continue
        ids = [pid for pid, k in parents if k == key]
        readable = [item for item in items if isinstance(item, LocDict) and _s(item, "title")]
        for item, pid in zip(readable, ids, strict=False):
            for a_item, a_line in _items(ctx, rel, item, "activities", "activities"):
                act = _activity(ctx, rel, a_item, a_line, pid, used)
                if act is not None:
                    activities.append(act)
            if _s(item, "judged_by"):
                basis = GoalBasis.parse(_s(item, "judged_by"))
                if basis is None:
                    ctx.err(
                        rel,
                        _line(item, "judged_by"),
                        "judged_by",
                        f"Okänt värde '{_s(item, 'judged_by')}' för judged_by.",
                        "Skriv indikatorer, aktiviteter eller båda.",
                    )
                else:
                    bases[pid] = basis
    return tuple(activities), bases, _activity_rule(ctx, rel, data.get("activity_rule"))


# --- council assignments (uppdrag.yaml) ------------------------------------------------------

ASSIGNMENT_KEYS = frozenset({"id", "text", "decision", "board", "deadline", "status", "comment"})


def _read_assignments(ctx: Context, rel: str) -> tuple[Assignment, ...]:
    data = ctx.yaml(rel)
    if data is None:
        return ()
    _known(ctx, rel, data, {"assignments"}, rel)
    out: list[Assignment] = []
    used: set[str] = set()
    for d, line in _items(ctx, rel, data, "assignments", "assignments"):
        if not isinstance(d, LocDict) or not _s(d, "text"):
            ctx.err(
                rel, line, "assignment_shape", "Ett uppdrag ska ha text.", "Se docs/workspace.md."
            )
            continue
        _known(ctx, rel, d, ASSIGNMENT_KEYS, "uppdraget")
        aid = _unique_id(ctx, rel, d, "text", used, "Ge varje uppdrag ett unikt id.")
        status = _choice(
            ctx,
            rel,
            d,
            "status",
            AssignmentStatus.parse,
            code="assignment_status",
            message="Okänd status '{}' för uppdraget.",
            hint="Skriv genomfört, pågår eller ej påbörjat.",
        )
        if status is None:
            status = AssignmentStatus.NOT_STARTED
        decision = Decision()
        dd = d.get("decision", "")
        if isinstance(dd, LocDict):
            _known(ctx, rel, dd, {"body", "date", "paragraph"}, "decision")
            decision = Decision(_s(dd, "body"), _date(ctx, rel, dd, "date"), _s(dd, "paragraph"))
        elif dd != "":
            ctx.err(
                rel,
                _line(d, "decision"),
                "decision",
                "decision ska vara en mappning (body, date, paragraph).",
                "Skriv t.ex. decision: {body: Kommunfullmäktige, date: 2021-11-22, paragraph: § 145}.",
            )
        out.append(
            Assignment(
                id=aid,
                text=_s(d, "text"),
                status=status,
                decision=decision,
                board=_s(d, "board"),
                deadline=_date(ctx, rel, d, "deadline"),
                comment=_s(d, "comment"),
                source=Source(rel, d.line),
                sources=_sources(rel, d, ("status", "deadline", "comment")),
            )
        )
    return tuple(out)


# --- internal control (internkontroll.yaml) --------------------------------------------------


def _labels(
    ctx: Context, rel: str, d: LocDict, key: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    v = d.get(key, "")
    if v == "":
        return default
    if not isinstance(v, LocList) or not v or not all(isinstance(x, str) and x.strip() for x in v):
        ctx.err(
            rel,
            _line(d, key),
            "risk_scale",
            f"scale.{key} ska vara en lista av benämningar.",
            "Skriv t.ex. [Låg, Medel, Hög, Mycket hög].",
        )
        return default
    return tuple(x.strip() for x in v)


def _scale(ctx: Context, rel: str, d: Any) -> RiskScale:
    if d in (None, ""):
        return RiskScale()
    if not isinstance(d, LocDict):
        ctx.err(rel, None, "risk_scale", "scale ska vara en mappning.", "Se docs/workspace.md.")
        return RiskScale()
    _known(ctx, rel, d, {"probability", "consequence", "levels", "control_from"}, "scale")
    default = RiskScale()
    prob = _labels(ctx, rel, d, "probability", default.probability)
    cons = _labels(ctx, rel, d, "consequence", default.consequence)
    top = len(prob) * len(cons)
    levels = default.levels
    lv = d.get("levels", "")
    if isinstance(lv, LocDict) and lv:
        parsed = []
        for name, value in lv.items():
            text = value.strip() if isinstance(value, str) else ""
            if not text.isdigit() or not (1 <= int(text) <= top):
                ctx.err(
                    rel,
                    lv.key_lines.get(name, lv.line),
                    "risk_scale",
                    f"scale.levels: '{name}: {value}' ska vara ett riskvärde mellan 1 och {top}.",
                    "Ange från vilket riskvärde nivån gäller, t.ex. hög: 9.",
                )
                continue
            parsed.append(RiskLevel(name, int(text)))
        if parsed:
            levels = tuple(sorted(parsed, key=lambda x: x.minimum))
    elif lv != "":
        ctx.err(
            rel,
            _line(d, "levels"),
            "risk_scale",
            "scale.levels ska vara en mappning nivå: från-värde.",
            "Skriv t.ex. levels: {låg: 1, medel: 5, hög: 9}.",
        )
    control_from = _int(
        ctx, rel, d, "control_from", 1, top, f"Ange ett riskvärde mellan 1 och {top}."
    )
    if control_from is None:
        control_from = levels[-1].minimum  # the highest level needs a control
    return RiskScale(prob, cons, levels, control_from)


CONTROL_KEYS = frozenset(
    {"id", "title", "method", "frequency", "owner", "result", "comment", "deviations"}
)


_IC_UNIQUE = "Ge varje process, risk och kontroll ett unikt id."


def _control(ctx: Context, rel: str, d: Any, line: int, used: set[str]) -> Control | None:
    if not isinstance(d, LocDict) or not _s(d, "title"):
        ctx.err(
            rel,
            line,
            "control_shape",
            "En kontroll ska ha title (vad som kontrolleras).",
            "Se docs/workspace.md.",
        )
        return None
    _known(ctx, rel, d, CONTROL_KEYS, "kontrollen")
    cid = _unique_id(ctx, rel, d, "title", used, _IC_UNIQUE)
    result = _choice(
        ctx,
        rel,
        d,
        "result",
        ControlResult.parse,
        code="control_result",
        message="Okänt resultat '{}' för kontrollen.",
        hint="Skriv utan anmärkning, avvikelse eller ej genomförd.",
    )
    deviations = []
    for dv, dv_line in _items(ctx, rel, d, "deviations", "deviations"):
        if not isinstance(dv, LocDict) or not _s(dv, "text"):
            ctx.err(
                rel,
                dv_line,
                "deviation_shape",
                "En avvikelse ska ha text.",
                "Se docs/workspace.md.",
            )
            continue
        _known(ctx, rel, dv, {"text", "action", "owner", "deadline"}, "avvikelsen")
        deviations.append(
            Deviation(
                _s(dv, "text"),
                _s(dv, "action"),
                _s(dv, "owner"),
                _date(ctx, rel, dv, "deadline"),
                Source(rel, dv.line),
            )
        )
    return Control(
        id=cid,
        title=_s(d, "title"),
        method=_s(d, "method"),
        frequency=_s(d, "frequency"),
        owner=_s(d, "owner"),
        result=result,
        comment=_s(d, "comment"),
        deviations=tuple(deviations),
        source=Source(rel, d.line),
        sources=_sources(rel, d, ("result", "comment")),
    )


def _risk(
    ctx: Context, rel: str, d: Any, line: int, scale: RiskScale, used: set[str]
) -> Risk | None:
    if not isinstance(d, LocDict) or not _s(d, "title"):
        ctx.err(rel, line, "risk_shape", "En risk ska ha title.", "Se docs/workspace.md.")
        return None
    _known(
        ctx, rel, d, {"id", "title", "probability", "consequence", "comment", "controls"}, "risken"
    )
    rid = _unique_id(ctx, rel, d, "title", used, _IC_UNIQUE)
    n_p, n_c = len(scale.probability), len(scale.consequence)
    p = _int(ctx, rel, d, "probability", 1, n_p, f"Ange sannolikheten på skalan 1–{n_p}.")
    c = _int(ctx, rel, d, "consequence", 1, n_c, f"Ange konsekvensen på skalan 1–{n_c}.")
    controls = []
    for cd, c_line in _items(ctx, rel, d, "controls", "controls"):
        ctrl = _control(ctx, rel, cd, c_line, used)
        if ctrl is not None:
            controls.append(ctrl)
    if p is None or c is None:
        if _s(d, "probability") == "" or _s(d, "consequence") == "":
            ctx.err(
                rel,
                d.line,
                "risk_score",
                f"Risken '{_s(d, 'title')}' saknar sannolikhet eller konsekvens.",
                f"Ange probability (1–{n_p}) och consequence (1–{n_c}).",
            )
        return None
    return Risk(rid, _s(d, "title"), p, c, tuple(controls), _s(d, "comment"), Source(rel, d.line))


def _read_internal_control(ctx: Context, rel: str) -> InternalControlPlan:
    data = ctx.yaml(rel)
    if data is None:
        return InternalControlPlan()
    _known(ctx, rel, data, {"adopted", "scale", "processes"}, rel)
    scale = _scale(ctx, rel, data.get("scale"))
    used: set[str] = set()
    processes = []
    for d, line in _items(ctx, rel, data, "processes", "processes"):
        if not isinstance(d, LocDict) or not _s(d, "title"):
            ctx.err(rel, line, "process_shape", "En process ska ha title.", "Se docs/workspace.md.")
            continue
        _known(ctx, rel, d, {"id", "title", "owner", "risks"}, "processen")
        pid = _unique_id(ctx, rel, d, "title", used, _IC_UNIQUE)
        risks = []
        for rd, r_line in _items(ctx, rel, d, "risks", "risks"):
            risk = _risk(ctx, rel, rd, r_line, scale, used)
            if risk is not None:
                risks.append(risk)
        processes.append(
            Process(pid, _s(d, "title"), _s(d, "owner"), tuple(risks), Source(rel, d.line))
        )
    return InternalControlPlan(scale, tuple(processes), _s(data, "adopted"), Source(rel, data.line))


def read_followup(
    ctx: Context, goals_rel: str, council: tuple[CouncilGoal, ...], goals: tuple[Goal, ...]
) -> FollowUp:
    """Activities from goals.yaml (already read by the workspace reader), uppdrag.yaml and internkontroll.yaml when present."""
    activities, bases, rule = _read_activities(ctx, goals_rel, council, goals)
    root = ctx.root
    assignments = (
        _read_assignments(ctx, ASSIGNMENTS_FILE) if (root / ASSIGNMENTS_FILE).exists() else ()
    )
    plan = (
        _read_internal_control(ctx, INTERNAL_CONTROL_FILE)
        if (root / INTERNAL_CONTROL_FILE).exists()
        else InternalControlPlan()
    )
    return FollowUp(activities, bases, rule, assignments, plan)


def counts_as_text(counts: Mapping[ActivityStatus, Status | None]) -> dict[str, str]:
    """The activity rule as written in goals.yaml (for the writer)."""
    return {a.value: (s.value if s is not None else NOT_COUNTED) for a, s in counts.items()}

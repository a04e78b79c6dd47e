"""Read a workspace folder into core values plus findings.

A workspace is one board's follow-up for one period (docs/workspace.md):

    styrkort.yaml      organisation, period, settings, finance files, narrative
    goals.yaml         council goals, board goals and their indicators
    operating.csv      budget and outcome per category (kronor, ledger signs)
    investments.csv    budget and outcome per project (kronor)
    frames.csv         multi-year frames per project and member (kronor)
    narrative/*.md     text written by people, with {{ live figures }}

Every value keeps its file and line. Bad input gives findings, never an
exception; findings with code ``workspace.*`` and severity error mean the
workspace could not be read completely, and no report should be built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from styrkort.core.allocation import AllocationKey
from styrkort.core.assess import (
    PRESETS,
    AnyGoalRule,
    AssessmentRule,
    Band,
    Bands,
    GoalRule,
    PointsRule,
    Tolerance,
    ToleranceKind,
    bands_problem,
    sorted_bands,
)
from styrkort.core.finance import (
    PART_AMOUNT_KEYS,
    RESULT_AMOUNT_KEYS,
    BudgetModel,
    FramePart,
    InvestmentRow,
    OperatingRow,
    ResultPart,
    ResultSettings,
    RowKind,
    SignConvention,
    amount_problem,
)
from styrkort.core.findings import Finding, Source, error, has_errors, warning
from styrkort.core.goals import (
    CouncilGoal,
    Goal,
    Indicator,
    ManualAssessment,
    MetricSpec,
    Perspective,
    Status,
)
from styrkort.core.limits import MAX_FILE_BYTES, MAX_LOG_BYTES, Limit, exceeded, text_findings
from styrkort.core.model import (
    Member,
    NarrativeSection,
    Organisation,
    Period,
    PeriodKind,
    PublishedClaims,
    RoundingPolicy,
    Settings,
    Workspace,
)
from styrkort.core.numbers import parse_decimal
from styrkort.core.values import DEFAULT_SCALES, Direction, Scale, normalise_unit
from styrkort.sources import confine, followup, schema
from styrkort.sources.accountmap import KINDS
from styrkort.sources.history import indicator_history, kolada_spec, read_history_section
from styrkort.sources.table import read_records
from styrkort.sources.yamlloc import LocDict, LocList, YamlError, load

MAIN_FILE = "styrkort.yaml"
GOALS_FILE = "goals.yaml"
PLACEMENTS = schema.PLACEMENTS


@dataclass
class LoadResult:
    workspace: Workspace | None
    findings: list[Finding] = field(default_factory=list)
    root: Path | None = None
    documents: dict[str, Any] = field(default_factory=dict)
    """The YAML files as read (file → ``LocDict``), each remembering the keys the reader read."""

    @property
    def ok(self) -> bool:
        """Read completely: every finding of reading (workspace, ledger, account map) is at most a warning.

        An error while reading means some figure could not be read, so no report is
        built from what was left (never half-imported).
        """
        return self.workspace is not None and not has_errors(self.findings)


class _Ctx:
    """Collects findings while one workspace is read."""

    def __init__(self, root: Path, allow_outside: bool = False) -> None:
        self.root = root
        self.allow_outside = allow_outside
        self.findings: list[Finding] = []
        self.files: dict[str, str] = {}
        self.documents: dict[str, LocDict] = {}
        self.assets: dict[str, bytes] = {}
        self.year: int | None = None  # the period's year, once read (history must be earlier)

    def checked_path(
        self, rel: str, where: Source, *, must_exist: bool = True, limit: Limit = MAX_FILE_BYTES
    ) -> Path | None:
        """``rel`` resolved inside the workspace (sources/confine.py), or None and a finding."""
        try:
            return confine.resolve(
                self.root,
                rel,
                where,
                limit=limit,
                allow_outside=self.allow_outside,
                must_exist=must_exist,
            )
        except confine.Refused as exc:
            self.findings.append(exc.finding)
            return None

    def err(self, file: str, line: int | None, code: str, message: str, hint: str) -> None:
        self.findings.append(error(Source(file, line), f"workspace.{code}", message, hint))

    def warn(self, file: str, line: int | None, code: str, message: str, hint: str) -> None:
        self.findings.append(warning(Source(file, line), f"workspace.{code}", message, hint))

    def read_text(self, rel: str, line_of_ref: tuple[str, int | None] | None = None) -> str | None:
        where = line_of_ref or (rel, None)
        path = self.checked_path(rel, Source(*where), must_exist=False)
        if path is None:
            return None
        if not path.is_file():
            self.err(
                where[0],
                where[1],
                "missing_file",
                f"Filen '{rel}' finns inte.",
                "Skapa filen eller rätta sökvägen.",
            )
            return None
        try:
            raw = confine.read_bytes(path, Source(rel))
        except confine.Refused as exc:
            self.findings.append(exc.finding)
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            self.warn(
                rel,
                None,
                "encoding",
                f"'{rel}' är inte UTF-8; läst som Windows-1252.",
                "Spara filen som UTF-8.",
            )
        self.files[rel] = text
        return text

    def yaml(self, rel: str, ref: tuple[str, int | None] | None = None) -> Any:
        text = self.read_text(rel, ref)
        if text is None:
            return None
        try:
            data, dups = load(text)
        except YamlError as exc:
            if exc.limit is not None:
                self.findings.append(exceeded(exc.limit, Source(rel, exc.line), exc.actual))
                return None
            self.err(
                rel,
                exc.line,
                "yaml",
                f"YAML-filen kan inte läsas: {exc}.",
                "Kontrollera indrag, kolon och citattecken på raden.",
            )
            return None
        for key, line in dups:
            self.err(
                rel,
                line,
                "duplicate_key",
                f"Nyckeln '{key}' förekommer två gånger.",
                "Ta bort eller byt namn på den ena.",
            )
        if not isinstance(data, LocDict):
            self.err(
                rel,
                1,
                "yaml_shape",
                f"'{rel}' ska innehålla nycklar och värden (en mappning).",
                "Se docs/workspace.md.",
            )
            return None
        self.documents[rel] = data
        return data


def _s(d: LocDict, key: str, default: str = "") -> str:
    v = d.get(key, default)
    return v.strip() if isinstance(v, str) else default


def _line(d: LocDict, key: str) -> int:
    return d.lines.get(key, d.line)


def _known_keys(ctx: _Ctx, rel: str, d: Any, section: str) -> None:
    """A warning per key of ``d`` that the schema does not declare for ``section``."""
    if not isinstance(d, LocDict):
        return
    allowed = schema.keys(section)
    what = schema.section(section).what
    for key in d:
        if key not in allowed:
            ctx.warn(
                rel,
                d.key_lines.get(key, d.line),
                "unknown_key",
                f"Okänd nyckel '{key}' i {what}; den ignoreras.",
                f"Tillåtna nycklar: {', '.join(sorted(allowed))}.",
            )


def _ignored_alternatives(ctx: _Ctx, rel: str, d: Any, section: str) -> None:
    """A warning per key of ``d`` that does not apply with the section's other values.

    Alternatives such as a tolerance's ``ratio`` and ``bands`` are declared in the schema
    (``Field.when``); the key is read (so it is known) and the user is told it is ignored.
    """
    if not isinstance(d, LocDict):
        return
    s = schema.section(section)
    for f in s.fields:
        if f.key in d and not f.applies(s, d):
            d.get(f.key)
            key, values = f.when[0], f.when[1:]
            ctx.warn(
                rel,
                d.key_lines.get(f.key, d.line),
                "ignored_key",
                f"Nyckeln '{f.key}' i {s.what} gäller bara när {key} är "
                f"{schema.either(values)}; den ignoreras.",
                f"Ta bort {f.key} eller ändra {key}.",
            )


def _manual(ctx: _Ctx, rel: str, d: Any, line: int) -> ManualAssessment | None:
    if d in ("", None):
        return None
    if not isinstance(d, LocDict):
        ctx.err(
            rel,
            line,
            "assessment",
            "assessment ska ha status och justification.",
            "Skriv t.ex. assessment: {status: uppnått, justification: …}.",
        )
        return None
    _known_keys(ctx, rel, d, "assessment")
    status = Status.parse(_s(d, "status"))
    if status is None:
        ctx.err(
            rel,
            _line(d, "status"),
            "assessment_status",
            f"Okänd bedömning '{_s(d, 'status')}'.",
            "Använd uppnått, delvis uppnått, ej uppnått, saknar värde eller ej bedömt.",
        )
        return None
    _date(ctx, d, "date", rel)  # a finding when it is no date
    return ManualAssessment(
        status, _s(d, "justification"), _s(d, "by"), _s(d, "date"), Source(rel, d.line)
    )


def _indicator(ctx: _Ctx, rel: str, d: Any, line: int, used_ids: set[str]) -> Indicator | None:
    if not isinstance(d, LocDict):
        ctx.err(
            rel,
            line,
            "indicator_shape",
            "En indikator ska vara en mappning med minst 'text'.",
            "Se docs/workspace.md.",
        )
        return None
    _known_keys(ctx, rel, d, "indicator")
    text = _s(d, "text")
    if not text:
        ctx.err(
            rel,
            d.line,
            "indicator_text",
            "Indikatorn saknar text.",
            "Ange text: med indikatorns namn.",
        )
        return None
    ind_id = _s(d, "id") or _slug(text)[:40]
    if ind_id in used_ids:
        ctx.err(
            rel,
            _line(d, "id"),
            "duplicate_id",
            f"Id '{ind_id}' används redan.",
            "Ge varje mål och indikator ett unikt id.",
        )
    used_ids.add(ind_id)
    direction = None
    dtext = _s(d, "direction").lower()
    if dtext:
        direction = {
            "increase": Direction.INCREASE, "öka": Direction.INCREASE, "higher": Direction.INCREASE,
            "decrease": Direction.DECREASE, "minska": Direction.DECREASE, "lower": Direction.DECREASE,
        }.get(dtext)  # fmt: skip
        if direction is None:
            ctx.err(
                rel,
                _line(d, "direction"),
                "direction",
                f"Okänd riktning '{dtext}'.",
                "Skriv increase (högre är bättre) eller decrease (lägre är bättre).",
            )
    metric = None
    md = d.get("metric")
    if isinstance(md, LocDict):
        _known_keys(ctx, rel, md, "metric")
        params = md.get("params", LocDict())
        if not isinstance(params, LocDict):
            params = LocDict()
        metric = MetricSpec(
            name=_s(md, "name"),
            file=_s(md, "file"),
            profile=_s(md, "profile"),
            params=tuple((k, str(v)) for k, v in params.items()),
            period=_s(md, "period"),
            source=Source(rel, md.line),
            history=tuple(
                (p.year, p.text)
                for p in indicator_history(
                    ctx, rel, md.get("history"), _line(md, "history"), ctx.year
                )
            ),
        )
        if not metric.name or not metric.file:
            ctx.err(
                rel,
                md.line,
                "metric",
                "metric ska ange name och file.",
                "Se docs/metrics.md för namn och parametrar.",
            )
            metric = None
    elif md not in (None, ""):
        ctx.err(
            rel,
            _line(d, "metric"),
            "metric",
            "metric ska vara en mappning (name, profile, file, params).",
            "Se docs/workspace.md.",
        )
    sources = {k: Source(rel, _line(d, k)) for k in d}
    for k in ("target", "outcome", "direction", "unit"):
        sources.setdefault(k, Source(rel, d.line))
    return Indicator(
        id=ind_id,
        text=text,
        unit=normalise_unit(_s(d, "unit")),
        direction=direction,
        baseline=_s(d, "baseline"),
        target=_s(d, "target"),
        outcome=_s(d, "outcome"),
        forecast=_s(d, "forecast"),
        owner=_s(d, "owner"),
        comment=_s(d, "comment"),
        kind=_s(d, "kind"),
        manual=_manual(ctx, rel, d.get("assessment"), _line(d, "assessment")),
        metric=metric,
        source=Source(rel, d.line),
        sources=sources,
        history=indicator_history(ctx, rel, d.get("history"), _line(d, "history"), ctx.year),
        kolada=kolada_spec(ctx, rel, d.get("kolada"), _line(d, "kolada")),
    )


def _slug(text: str) -> str:
    t = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def _read_goals(
    ctx: _Ctx, rel: str
) -> tuple[tuple[CouncilGoal, ...], tuple[Goal, ...], tuple[Perspective, ...]]:
    data = ctx.yaml(rel)
    if data is None:
        return (), (), ()
    perspectives = _perspectives(ctx, rel, data.get("perspectives"))
    _known_keys(ctx, rel, data, "goals_file")
    used: set[str] = set()
    council: list[CouncilGoal] = []
    cg_data = data.get("council_goals", LocList())
    if isinstance(cg_data, LocList):
        for item, line in zip(cg_data, cg_data.lines, strict=True):
            if isinstance(item, LocDict) and _s(item, "title"):
                _known_keys(ctx, rel, item, "council_goal")
                cid = _s(item, "id") or _slug(_s(item, "title"))
                council.append(CouncilGoal(cid, _s(item, "title"), Source(rel, line)))
            else:
                ctx.err(
                    rel,
                    line,
                    "council_goal",
                    "Ett KF-mål ska ha title (och gärna id).",
                    "Se docs/workspace.md.",
                )
    council_ids = {c.id for c in council}
    goals: list[Goal] = []
    g_data = data.get("goals", LocList())
    if not isinstance(g_data, LocList):
        ctx.err(
            rel,
            _line(data, "goals"),
            "goals_shape",
            "goals ska vara en lista av nämndmål.",
            "Se docs/workspace.md.",
        )
        return tuple(council), (), perspectives
    for item, line in zip(g_data, g_data.lines, strict=True):
        if not isinstance(item, LocDict) or not _s(item, "title"):
            ctx.err(rel, line, "goal_shape", "Ett nämndmål ska ha title.", "Se docs/workspace.md.")
            continue
        _known_keys(ctx, rel, item, "goal")
        gid = _s(item, "id") or _slug(_s(item, "title"))[:40]
        if gid in used:
            ctx.err(
                rel,
                _line(item, "id"),
                "duplicate_id",
                f"Id '{gid}' används redan.",
                "Ge varje mål och indikator ett unikt id.",
            )
        used.add(gid)
        cg = _s(item, "council_goal")
        if cg and cg not in council_ids:
            ctx.err(
                rel,
                _line(item, "council_goal"),
                "unknown_council_goal",
                f"KF-målet '{cg}' finns inte i council_goals.",
                "Rätta id:t eller lägg till KF-målet.",
            )
        inds: list[Indicator] = []
        i_data = item.get("indicators", LocList())
        if isinstance(i_data, LocList):
            for ind_item, ind_line in zip(i_data, i_data.lines, strict=True):
                ind = _indicator(ctx, rel, ind_item, ind_line, used)
                if ind is not None:
                    inds.append(ind)
        elif i_data != "":
            ctx.err(
                rel,
                _line(item, "indicators"),
                "indicators_shape",
                "indicators ska vara en lista.",
                "Se docs/workspace.md.",
            )
        goals.append(
            Goal(
                id=gid,
                title=_s(item, "title"),
                council_goal=cg,
                indicators=tuple(inds),
                comment=_s(item, "comment"),
                manual=_manual(ctx, rel, item.get("assessment"), _line(item, "assessment")),
                source=Source(rel, line),
                perspective=_s(item, "perspective"),
                rule=_s(item, "rule"),
            )
        )
    return tuple(council), tuple(goals), perspectives


def _check_goal_refs(
    ctx: _Ctx,
    rel: str,
    goals: tuple[Goal, ...],
    perspectives: tuple[Perspective, ...],
    rule: AssessmentRule,
) -> None:
    """A goal's perspective and rule name ones that exist."""
    known = {p.id for p in perspectives}
    names = {n for n, _ in rule.goal_rules}
    for g in goals:
        if g.perspective and g.perspective not in known:
            ctx.err(
                rel,
                g.source.line,
                "unknown_perspective",
                f"Perspektivet '{g.perspective}' finns inte i perspectives.",
                "Rätta id:t eller lägg till perspektivet i goals.yaml (perspectives).",
            )
        if g.rule and g.rule not in names:
            ctx.err(
                rel,
                g.source.line,
                "unknown_rule",
                f"Bedömningsregeln '{g.rule}' finns inte i settings.goal_rules.",
                f"Använd en av: {', '.join(sorted(names)) or '(inga angivna)'}, eller ta bort rule.",
            )


def _csv_rows(ctx: _Ctx, rel: str, section: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of the table ``rel`` (CSV or XLSX, sources/table.py) as (line, {column: text}).

    The columns are those ``section`` of the schema declares; '#' lines are comments.
    """
    required = schema.required_columns(section)
    checked = ctx.checked_path(rel, Source(MAIN_FILE), must_exist=False)
    if checked is None:
        return []  # outside the workspace, not a file, or over the size limit: a finding
    path = checked
    if not path.is_file():
        ctx.err(
            rel,
            None,
            "missing_file",
            f"Filen '{rel}' finns inte.",
            "Skapa filen eller rätta sökvägen.",
        )
        return []
    got = read_records(path, name=rel, code="workspace.table")
    ctx.findings.extend(got.findings)
    if got.encoding not in ("utf-8", ""):
        ctx.warn(
            rel,
            None,
            "encoding",
            f"'{rel}' är inte UTF-8; läst som Windows-1252.",
            "Spara filen som UTF-8.",
        )
    if got.text:
        ctx.files[rel] = got.text
    if got.header is None:
        return []
    if not got.header:
        ctx.err(
            rel,
            1,
            "csv_empty",
            f"'{rel}' saknar rubrikrad.",
            f"Första raden ska ange kolumnerna: {', '.join(sorted(required))}.",
        )
        return []
    missing = required - set(got.header)
    if missing:
        ctx.err(
            rel,
            got.header_line,
            "csv_columns",
            f"Kolumner saknas: {', '.join(sorted(missing))}.",
            f"Rubrikraden ska innehålla {', '.join(sorted(required))}.",
        )
        return []
    allowed = schema.keys(section)
    for column in got.header:
        if column and column not in allowed:
            ctx.warn(
                rel,
                got.header_line,
                "unknown_key",
                f"Okänd kolumn '{column}' i {rel}; den ignoreras.",
                f"Tillåtna kolumner: {', '.join(f.key for f in schema.section(section).fields)}.",
            )
    out = []
    for row in got.rows:
        if row.extra_cells:
            ctx.err(
                rel,
                row.line,
                "csv_cells",
                f"Raden har {len(got.header) + row.extra_cells} fält men rubriken {len(got.header)}.",
                "Kontrollera avgränsaren (';' eller ',') och citattecken.",
            )
            continue
        out.append((row.line, row.values))
    return out


def _amount(
    ctx: _Ctx, rel: str, line: int, column: str, text: str, *, required: bool = True
) -> Decimal | None:
    if not text.strip():
        if required:
            ctx.err(
                rel,
                line,
                "amount_missing",
                f"Beloppet i kolumnen '{column}' saknas.",
                "Ange beloppet i kronor (0 om inget).",
            )
        return None
    value = parse_decimal(text)
    if value is None:
        ctx.err(
            rel,
            line,
            "amount",
            f"'{text}' i kolumnen '{column}' är inget belopp.",
            "Skriv beloppet i kronor, t.ex. -34559000 eller -34 559 000,50.",
        )
        return None
    problem = amount_problem(value)
    if problem is not None:
        ctx.err(
            rel,
            line,
            "amount_range",
            f"'{text}' i kolumnen '{column}': {problem}",
            "Kontrollera beloppet (är det i kronor, utan extra siffror?) och rätta det.",
        )
        return None
    return value


def _read_operating(ctx: _Ctx, rel: str) -> tuple[OperatingRow, ...]:
    rows = []
    for line, r in _csv_rows(ctx, rel, "operating"):
        kind = KINDS.get(r["kind"].lower())
        if kind is None:
            ctx.err(
                rel,
                line,
                "row_kind",
                f"Okänd radtyp '{r['kind']}'.",
                "Skriv revenue (intäkt) eller cost (kostnad).",
            )
            continue
        budget = _amount(ctx, rel, line, "budget", r["budget"])
        outcome = _amount(ctx, rel, line, "outcome", r["outcome"])
        original = _amount(
            ctx, rel, line, "original_budget", r.get("original_budget", ""), required=False
        )
        forecast = _amount(ctx, rel, line, "forecast", r.get("forecast", ""), required=False)
        if budget is None or outcome is None or not r["category"]:
            if not r["category"]:
                ctx.err(rel, line, "category", "Kategorin saknar namn.", "Ange category.")
            continue
        if (kind is RowKind.REVENUE and outcome > 0) or (kind is RowKind.COST and outcome < 0):
            ctx.findings.append(
                warning(
                    Source(rel, line),
                    "workspace.sign",
                    f"'{r['category']}': utfallet {r['outcome']} har ovanligt tecken för en "
                    f"{'intäkt' if kind is RowKind.REVENUE else 'kostnad'} (huvudbokens tecken: kostnader positiva, intäkter negativa).",
                    "Kontrollera tecknet; belopp anges alltid med huvudbokens tecken.",
                )
            )
        rows.append(
            OperatingRow(
                r["category"], kind, budget, outcome, original, forecast, Source(rel, line)
            )
        )
    return tuple(rows)


def _read_investments(ctx: _Ctx, rel: str) -> tuple[InvestmentRow, ...]:
    rows = []
    for line, r in _csv_rows(ctx, rel, "investments"):
        budget = _amount(ctx, rel, line, "budget", r["budget"])
        outcome = _amount(ctx, rel, line, "outcome", r["outcome"])
        if budget is None or outcome is None:
            continue
        rows.append(
            InvestmentRow(r["project"], budget, outcome, r.get("member", ""), Source(rel, line))
        )
    return tuple(rows)


def _read_frames(ctx: _Ctx, rel: str, members: set[str]) -> tuple[FramePart, ...]:
    parts = []
    for line, r in _csv_rows(ctx, rel, "frames"):
        frame = _amount(ctx, rel, line, "frame", r["frame"])
        earlier = _amount(
            ctx, rel, line, "earlier_outcome", r.get("earlier_outcome", ""), required=False
        )
        outcome = _amount(ctx, rel, line, "outcome", r["outcome"])
        if frame is None or outcome is None:
            continue
        if members and r["member"] not in members:
            ctx.err(
                rel,
                line,
                "unknown_member",
                f"Medlemmen '{r['member']}' finns inte i organisationen.",
                f"Använd ett av: {', '.join(sorted(members))}.",
            )
            continue
        parts.append(
            FramePart(
                r["project"], r["member"], frame, earlier or Decimal(0), outcome, Source(rel, line)
            )
        )
    return tuple(parts)


def _read_narrative(ctx: _Ctx, main: LocDict) -> tuple[NarrativeSection, ...]:
    items = main.get("narrative", LocList())
    if not isinstance(items, LocList):
        ctx.err(
            MAIN_FILE,
            _line(main, "narrative"),
            "narrative",
            "narrative ska vara en lista av filer.",
            "Se docs/workspace.md.",
        )
        return ()
    out = []
    for item, line in zip(items, items.lines, strict=True):
        entry = item if isinstance(item, LocDict) else LocDict({"file": item})
        _known_keys(ctx, MAIN_FILE, entry, "narrative")
        rel = _s(entry, "file")
        placement = _s(entry, "placement") or "verksamhetsberattelse"
        if placement not in PLACEMENTS:
            ctx.err(
                MAIN_FILE,
                line,
                "placement",
                f"Okänd placering '{placement}'.",
                f"Använd en av: {', '.join(PLACEMENTS)}.",
            )
            continue
        text = ctx.read_text(rel, (MAIN_FILE, line))
        if text is None:
            continue
        title = ""
        body_lines = text.splitlines()
        first = 1
        if body_lines and body_lines[0].startswith("# "):
            title = body_lines[0][2:].strip()
            body_lines = body_lines[1:]
            first = 2
        out.append(
            NarrativeSection(
                _slug(Path(rel).stem), title, "\n".join(body_lines), placement, Source(rel, first)
            )
        )
    return tuple(out)


def _read_org(ctx: _Ctx, d: Any, line: int) -> Organisation | None:
    if not isinstance(d, LocDict) or not _s(d, "name"):
        ctx.err(
            MAIN_FILE,
            line,
            "organisation",
            "organisation ska ha minst name.",
            "Se docs/workspace.md.",
        )
        return None
    _known_keys(ctx, MAIN_FILE, d, "organisation")
    members = []
    m_data = d.get("members", LocList())
    if isinstance(m_data, LocList):
        for item, mline in zip(m_data, m_data.lines, strict=True):
            if isinstance(item, LocDict) and _s(item, "id"):
                _known_keys(ctx, MAIN_FILE, item, "member")
                members.append(
                    Member(
                        _s(item, "id"),
                        _s(item, "name") or _s(item, "id"),
                        _s(item, "code"),
                        Source(MAIN_FILE, mline),
                    )
                )
                code = _s(item, "code")
                if code and not re.fullmatch(r"\d{4}", code):
                    ctx.err(
                        MAIN_FILE,
                        mline,
                        "member_code",
                        f"Kommunkoden '{code}' ska vara fyra siffror (SCB/Kolada).",
                        "Ange t.ex. 1814 för Lekeberg.",
                    )
            else:
                ctx.err(
                    MAIN_FILE,
                    mline,
                    "member",
                    "En medlem ska ha id och name.",
                    "Se docs/workspace.md.",
                )
    key = None
    k_data = d.get("allocation_key")
    if isinstance(k_data, LocDict):
        _known_keys(ctx, MAIN_FILE, k_data, "allocation_key")
        weights = []
        w_data = k_data.get("weights", LocDict())
        if isinstance(w_data, LocDict):
            for mid, wtext in w_data.items():
                w = parse_decimal(str(wtext))
                if w is None or w < 0 or amount_problem(w) is not None:
                    ctx.err(
                        MAIN_FILE,
                        w_data.lines[mid],
                        "weight",
                        f"Vikten '{wtext}' för '{mid}' är inget icke-negativt tal.",
                        "Ange folkmängd eller andel som tal.",
                    )
                    continue
                weights.append((mid, w))
        if weights and sum(w for _, w in weights) == 0:
            ctx.err(
                MAIN_FILE,
                k_data.line,
                "weights_zero",
                "Fördelningsnyckelns vikter summerar till noll.",
                "Ange vikter större än noll.",
            )
            weights = []
        _date(ctx, k_data, "reference_date")  # a finding when it is no date
        key = AllocationKey(
            tuple(weights),
            _s(k_data, "basis") or "population",
            _s(k_data, "reference_date"),
            _s(k_data, "decision"),
            Source(MAIN_FILE, k_data.line),
        )
    host = _s(d, "host")
    if host and members and host not in {m.id for m in members}:
        ctx.err(
            MAIN_FILE,
            _line(d, "host"),
            "host",
            f"Värdkommunen '{host}' är inte en av medlemmarna.",
            "Ange värdkommunens medlems-id.",
        )
    return Organisation(
        _s(d, "name"),
        _s(d, "municipality"),
        _s(d, "kind"),
        host,
        tuple(members),
        key,
        Source(MAIN_FILE, d.line),
    )


def _date(ctx: _Ctx, d: LocDict, key: str, rel: str = MAIN_FILE) -> dt.date | None:
    text = _s(d, key)
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        ctx.err(
            rel,
            _line(d, key),
            "date",
            f"'{text}' är inget datum.",
            "Skriv datum som ÅÅÅÅ-MM-DD.",
        )
        return None


def _plausible_year(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", text)) and 1900 <= int(text) <= 2199


def _read_period(ctx: _Ctx, d: Any, line: int) -> Period | None:
    if not isinstance(d, LocDict) or not _plausible_year(_s(d, "year")):
        ctx.err(
            MAIN_FILE,
            _line(d, "year") if isinstance(d, LocDict) else line,
            "period",
            "period ska ha year (fyrsiffrigt år mellan 1900 och 2199).",
            "Skriv t.ex. period: {year: 2020, kind: year}.",
        )
        return None
    _known_keys(ctx, MAIN_FILE, d, "period")
    kind_text = _s(d, "kind") or "year"
    kind = {
        "year": PeriodKind.YEAR,
        "helår": PeriodKind.YEAR,
        "interim": PeriodKind.INTERIM,
        "delår": PeriodKind.INTERIM,
    }.get(kind_text)
    if kind is None:
        ctx.err(
            MAIN_FILE,
            _line(d, "kind"),
            "period_kind",
            f"Okänd periodtyp '{kind_text}'.",
            "Skriv year (helår) eller interim (delår).",
        )
        kind = PeriodKind.YEAR
    start, end = _date(ctx, d, "start"), _date(ctx, d, "end")
    year = int(_s(d, "year"))
    if kind is PeriodKind.INTERIM and end is None:
        ctx.err(
            MAIN_FILE,
            d.line,
            "period_end",
            "En delårsperiod måste ange end (periodens sista dag).",
            "Skriv t.ex. end: 2020-08-31.",
        )
    if start is not None and end is not None and start > end:
        ctx.err(
            MAIN_FILE,
            _line(d, "start"),
            "period_order",
            f"Periodens start {start} ligger efter dess slut {end}.",
            "Rätta start eller end.",
        )
        return None
    for which, date in (("start", start), ("end", end)):
        if date is not None and date.year != year:
            ctx.err(
                MAIN_FILE,
                _line(d, which),
                "period_year",
                f"{which} {date} ligger inte i år {year}.",
                "Rätta datumet eller året.",
            )
    return Period(year, kind, start, end, _s(d, "label"), Source(MAIN_FILE, d.line))


def _read_settings(ctx: _Ctx, d: Any) -> Settings:
    if not isinstance(d, LocDict):
        return Settings()
    _known_keys(ctx, MAIN_FILE, d, "settings")

    def choose(key: str, options: dict[str, Any], default: Any) -> Any:
        text = _s(d, key)
        if not text:
            return default
        if text not in options:
            ctx.err(
                MAIN_FILE,
                _line(d, key),
                "setting",
                f"Okänt värde '{text}' för {key}.",
                f"Använd en av: {', '.join(options)}.",
            )
            return default
        return options[text]

    sign = choose("sign_convention", {s.value: s for s in SignConvention}, SignConvention.LEDGER)
    rounding = choose(
        "rounding", {r.value: r for r in RoundingPolicy}, RoundingPolicy.TOTALS_FROM_UNROUNDED
    )
    return Settings(sign, rounding, _rule(ctx, d))


def read_rule(text: str) -> tuple[AssessmentRule, list[Finding]]:
    """The assessment rule of a ``settings`` mapping written as YAML, as
    ``workspace_write.rule_settings`` gives it (``preset``, ``tolerance``, ``goal_rule``,
    ``goal_rules``, ``scales``); the default rule for an empty text.

    The one reader of the rule: the workspace folder's ``settings`` and the database's
    ``Period.rule`` (web/mapping.py) both go through it. Findings name ``styrkort.yaml``.
    """
    ctx = _Ctx(Path("."))
    try:
        data, _duplicates = load(text)
    except YamlError as e:
        ctx.err(MAIN_FILE, e.line, "yaml", f"Bedömningsregeln kan inte läsas: {e}", "Rätta YAML.")
        data = None
    return _rule(ctx, data if isinstance(data, LocDict) else LocDict()), ctx.findings


def _rule(ctx: _Ctx, d: LocDict) -> AssessmentRule:
    base = _rule_preset(ctx, d)
    tolerance = base.tolerance
    t = d.get("tolerance")
    _known_keys(ctx, MAIN_FILE, t, "tolerance")
    _ignored_alternatives(ctx, MAIN_FILE, t, "tolerance")
    if isinstance(t, LocDict):
        kind = {k.value: k for k in ToleranceKind}.get(_s(t, "kind") or "ratio")
        ratio = parse_decimal(_s(t, "ratio") or "0,8")
        if kind is ToleranceKind.BANDS:
            bands = _bands(ctx, t.get("bands"), _line(t, "bands"))
            if bands is not None:
                tolerance = Tolerance(kind, bands=bands)
        elif kind is None or ratio is None or not (0 < ratio <= 1):
            ctx.err(
                MAIN_FILE,
                t.line,
                "tolerance",
                "tolerance ska ha kind (ratio, progress, bands, none) och ratio mellan 0 och 1.",
                "Skriv t.ex. tolerance: {kind: ratio, ratio: 0,8}.",
            )
        else:
            tolerance = Tolerance(kind, ratio)
    goal_rule = base.goal_rule
    g = d.get("goal_rule")
    if isinstance(g, LocDict):
        goal_rule = _goal_rule(ctx, g) or goal_rule
    return AssessmentRule(
        tolerance,
        goal_rule,
        _named_goal_rules(ctx, d.get("goal_rules")),
        base.preset,
        _scales(ctx, d.get("scales")),
    )


# --- assessment rules: presets, bands, points, a rule per goal, scales ------------------


def _rule_preset(ctx: _Ctx, d: LocDict) -> AssessmentRule:
    name = _s(d, "preset")
    if not name:
        return AssessmentRule()
    preset = PRESETS.get(name)
    if preset is None:
        ctx.err(
            MAIN_FILE,
            _line(d, "preset"),
            "setting",
            f"Okänd bedömningsregel '{name}'.",
            f"Använd en av: {', '.join(PRESETS)} (se docs/workspace.md).",
        )
        return AssessmentRule()
    return preset.rule


def _bands(ctx: _Ctx, data: Any, line: int) -> Bands | None:
    """``[{status: ej uppnått}, {from: 80, status: delvis uppnått}, {above: 95, status: …}]``."""
    hint = (
        "Skriv t.ex. bands: [{status: ej uppnått}, {from: 80, status: delvis uppnått}, "
        "{from: 100, status: uppnått}] – 'from' tar med gränsen, 'above' gör det inte."
    )
    if not isinstance(data, LocList) or not data:
        ctx.err(MAIN_FILE, line, "bands", "bands ska vara en lista av intervall.", hint)
        return None
    bands = []
    for item, item_line in zip(data, data.lines[-len(data) :], strict=True):
        status = Status.parse(_s(item, "status")) if isinstance(item, LocDict) else None
        if status is None or status in (Status.NO_VALUE, Status.NOT_ASSESSED):
            ctx.err(
                MAIN_FILE,
                item_line,
                "bands",
                "Varje intervall ska ha status uppnått, delvis uppnått eller ej uppnått.",
                hint,
            )
            return None
        assert isinstance(item, LocDict)
        edge_text, inclusive = (
            (_s(item, "from"), True) if "from" in item else (_s(item, "above"), False)
        )
        edge = parse_decimal(edge_text) if edge_text else None
        if edge_text and edge is None:
            ctx.err(MAIN_FILE, item_line, "bands", f"'{edge_text}' är inget tal.", hint)
            return None
        bands.append(Band(status, edge, inclusive or edge is None))
    ordered = sorted_bands(bands)
    problem = bands_problem(ordered)
    if problem:
        ctx.err(MAIN_FILE, line, "bands", f"Intervallen går inte ihop: {problem}.", hint)
        return None
    return Bands(ordered)


def _goal_rule(ctx: _Ctx, g: LocDict) -> AnyGoalRule | None:
    _known_keys(ctx, MAIN_FILE, g, "goal_rule")
    _ignored_alternatives(ctx, MAIN_FILE, g, "goal_rule")
    kind = _s(g, "kind") or "majority"
    if kind == "points":
        points_data = g.get("points")
        points: list[tuple[Status, Decimal]] = []
        if isinstance(points_data, LocDict):
            for key, value in points_data.items():
                status, number = Status.parse(key), parse_decimal(str(value))
                if status is None or number is None:
                    ctx.err(
                        MAIN_FILE,
                        points_data.lines.get(key, points_data.line),
                        "goal_rule",
                        f"Poängen '{key}: {value}' kan inte tolkas.",
                        "Skriv t.ex. points: {uppnått: 2, delvis uppnått: 1}.",
                    )
                    return None
                points.append((status, number))
        bands = _bands(ctx, g.get("bands"), _line(g, "bands"))
        if not points or bands is None:
            if not points:
                ctx.err(
                    MAIN_FILE,
                    g.line,
                    "goal_rule",
                    "En poängregel behöver points och bands.",
                    "Skriv t.ex. points: {uppnått: 2, delvis uppnått: 1}.",
                )
            return None
        return PointsRule(tuple(points), bands)
    if kind != "majority":
        ctx.err(
            MAIN_FILE,
            _line(g, "kind"),
            "goal_rule",
            f"Okänd regel '{kind}'.",
            "Använd kind: majority (referensrapportens regel) eller points.",
        )
        return None
    goal_rule = GoalRule()
    positive = g.get("positive")
    pos_set = goal_rule.positive
    if isinstance(positive, LocList):
        parsed = [Status.parse(str(p)) for p in positive]
        if any(p is None for p in parsed):
            ctx.err(
                MAIN_FILE,
                positive.line,
                "goal_rule",
                "goal_rule.positive innehåller en okänd bedömning.",
                "Använd uppnått, delvis uppnått, …",
            )
        else:
            pos_set = frozenset(p for p in parsed if p is not None)
    majority = goal_rule.majority
    mtext = _s(g, "majority")
    if mtext:
        try:
            majority = Fraction(mtext.replace(",", "."))
            if not 0 < majority < 1:
                raise ValueError(mtext)
        except (ValueError, ZeroDivisionError):
            majority = goal_rule.majority
            ctx.err(
                MAIN_FILE,
                _line(g, "majority"),
                "goal_rule",
                f"'{mtext}' är ingen andel mellan 0 och 1.",
                "Skriv t.ex. 1/2 (fler än hälften).",
            )
    return GoalRule(pos_set, majority)


def _named_goal_rules(ctx: _Ctx, data: Any) -> tuple[tuple[str, AnyGoalRule], ...]:
    if not isinstance(data, LocDict):
        return ()
    out = []
    for name, g in data.items():
        if isinstance(g, LocDict):
            rule = _goal_rule(ctx, g)
            if rule is not None:
                out.append((name, rule))
        elif g in PRESETS:
            out.append((name, PRESETS[g].rule.goal_rule))
        else:
            ctx.err(
                MAIN_FILE,
                data.lines.get(name, data.line),
                "goal_rule",
                f"Regeln '{name}' ska vara en mappning eller namnet på en förinställd regel.",
                f"Förinställda regler: {', '.join(PRESETS)}.",
            )
    return tuple(out)


def _scales(ctx: _Ctx, data: Any) -> tuple[Scale, ...]:
    """``scales: {kvalitet: [låg, medel, hög]}``: named levels, worst first, beside the traffic light."""
    if not isinstance(data, LocDict):
        return DEFAULT_SCALES
    out = list(DEFAULT_SCALES)
    for name, levels in data.items():
        if not isinstance(levels, LocList) or len(levels) < 2:
            ctx.err(
                MAIN_FILE,
                data.lines.get(name, data.line),
                "scales",
                f"Skalan '{name}' ska vara en lista med minst två nivåer, sämst först.",
                "Skriv t.ex. scales: {kvalitet: [låg, medel, hög]}.",
            )
            continue
        out.append(Scale(name, tuple(str(v) for v in levels)))
    return tuple(out)


def _perspectives(ctx: _Ctx, rel: str, data: Any) -> tuple[Perspective, ...]:
    """``perspectives: [{id: invanare, title: Invånare}, …]`` in goals.yaml."""
    if not isinstance(data, LocList):
        return ()
    out = []
    for item, line in zip(data, data.lines[-len(data) :], strict=True):
        if isinstance(item, LocDict) and _s(item, "title"):
            _known_keys(ctx, rel, item, "perspective")
            out.append(
                Perspective(
                    _s(item, "id") or _slug(_s(item, "title")), _s(item, "title"), Source(rel, line)
                )
            )
        else:
            ctx.err(
                rel,
                line,
                "perspective",
                "Ett perspektiv ska ha title (och gärna id).",
                "Se docs/workspace.md.",
            )
    return tuple(out)


def _published_verdict(ctx: _Ctx, d: LocDict) -> tuple[str, tuple[tuple[Status, int], ...]]:
    """``published: {verdict: "Vilket gör att …", goals: {uppnått: 1, …}}``."""
    counts = []
    goals = d.get("goals")
    if isinstance(goals, LocDict):
        for key, value in goals.items():
            status = Status.parse(key)
            if status is None or not str(value).isdigit():
                ctx.err(
                    MAIN_FILE,
                    goals.lines.get(key, goals.line),
                    "published",
                    f"'{key}: {value}' är ingen bedömning med ett antal.",
                    "Skriv t.ex. goals: {uppnått: 1, delvis uppnått: 2}.",
                )
                continue
            counts.append((status, int(str(value))))
    return _s(d, "verdict"), tuple(counts)


def _claims(ctx: _Ctx, d: Any) -> PublishedClaims:
    if not isinstance(d, LocDict):
        return PublishedClaims()
    _known_keys(ctx, MAIN_FILE, d, "published")

    def num(key: str) -> int | None:
        text = _s(d, key)
        if not text:
            return None
        if not text.isdigit():
            ctx.err(
                MAIN_FILE,
                _line(d, key),
                "published",
                f"'{text}' är inget antal.",
                "Ange ett heltal.",
            )
            return None
        return int(text)

    verdict, goal_counts = _published_verdict(ctx, d)
    return PublishedClaims(
        num("summary_met"), num("summary_partly"), Source(MAIN_FILE, d.line), verdict, goal_counts
    )


def _word_template(ctx: _Ctx, main: LocDict) -> str:
    """``publication: {word_template: …}``: the municipality's own Word template, relative to the workspace."""
    pub = main.get("publication")
    if not isinstance(pub, LocDict):
        return ""
    _known_keys(ctx, MAIN_FILE, pub, "publication")
    rel = _s(pub, "word_template")
    if rel and ctx.checked_path(rel, Source(MAIN_FILE, _line(pub, "word_template"))) is None:
        return ""
    if rel and not (ctx.root / rel).is_file():
        ctx.err(
            MAIN_FILE,
            _line(pub, "word_template"),
            "missing_file",
            f"Word-mallen '{rel}' finns inte.",
            "Rätta sökvägen (relativ till arbetsytan) eller ta bort nyckeln.",
        )
        return ""
    if rel:
        ctx.assets[rel] = (ctx.root / rel).read_bytes()
    return rel


BUDGET_MODELS = {
    "gross": BudgetModel.GROSS,
    "brutto": BudgetModel.GROSS,
    "bruttobudget": BudgetModel.GROSS,
    "net": BudgetModel.NET,
    "netto": BudgetModel.NET,
    "nettoram": BudgetModel.NET,
}


def _yaml_amount(ctx: _Ctx, d: LocDict, key: str, what: str) -> Decimal | None:
    """The amount (kronor) under ``key`` of ``d``, or None (absent, or a finding when unreadable)."""
    raw = d.get(key)
    if raw in (None, "") or isinstance(raw, bool | LocDict | LocList):
        if isinstance(raw, bool | LocDict | LocList):
            ctx.err(
                MAIN_FILE,
                _line(d, key),
                "amount",
                f"{key} i {what} ska vara ett belopp i kronor.",
                "Skriv beloppet i kronor, t.ex. 12500000 eller -500 000.",
            )
        return None
    text = str(raw).strip()
    value = parse_decimal(text)
    if value is None:
        ctx.err(
            MAIN_FILE,
            _line(d, key),
            "amount",
            f"'{text}' i {what}: {key} är inget belopp.",
            "Skriv beloppet i kronor, t.ex. 12500000 eller -500 000.",
        )
        return None
    problem = amount_problem(value)
    if problem is not None:
        ctx.err(
            MAIN_FILE,
            _line(d, key),
            "amount_range",
            f"'{text}' i {what}: {key}: {problem}",
            "Kontrollera beloppet (är det i kronor, utan extra siffror?) och rätta det.",
        )
        return None
    return value


def _result_parts(ctx: _Ctx, data: Any, line: int) -> tuple[ResultPart, ...]:
    """``finance: parts:`` — the varav rows (label and amounts; absent amounts are 0)."""
    if data in (None, ""):
        return ()
    if not isinstance(data, LocList):
        ctx.err(
            MAIN_FILE,
            line,
            "result_part",
            "finance: parts ska vara en lista av varav-rader.",
            "Skriv t.ex. parts: [{label: varav vatten och avlopp, revenues: 100, costs: 90}].",
        )
        return ()
    out = []
    for item, item_line in zip(data, data.lines, strict=False):
        if not isinstance(item, LocDict) or not _s(item, "label"):
            ctx.err(
                MAIN_FILE,
                item_line,
                "result_part",
                "En varav-rad under finance: parts saknar label.",
                "Ge raden en etikett, t.ex. label: varav vatten och avlopp, och dess belopp.",
            )
            continue
        _known_keys(ctx, MAIN_FILE, item, "result_part")
        amounts = {k: _yaml_amount(ctx, item, k, "varav-raden") for k in PART_AMOUNT_KEYS}
        out.append(
            ResultPart(
                _s(item, "label"),
                amounts["contribution"] or Decimal(0),
                amounts["revenues"] or Decimal(0),
                amounts["costs"] or Decimal(0),
                amounts["budget_result"] or Decimal(0),
                Source(MAIN_FILE, item_line or item.line),
            )
        )
    return tuple(out)


def _read_result_settings(ctx: _Ctx, finance: LocDict, line: int) -> ResultSettings:
    """The budget model, balanskrav adjustment, carried-forward results and varav parts of
    ``finance:`` (core.finance.ResultSettings)."""
    _ignored_alternatives(ctx, MAIN_FILE, finance, "finance")
    model_text = _s(finance, "model") or str(finance.get("model") or "")
    model = BudgetModel.GROSS
    if model_text:
        got = BUDGET_MODELS.get(model_text.lower())
        if got is None:
            ctx.err(
                MAIN_FILE,
                _line(finance, "model"),
                "finance_model",
                f"Budgetmodellen '{model_text}' är okänd.",
                "Skriv model: gross (bruttobudget) eller model: net (nettoram).",
            )
        else:
            model = got
    applies = schema.section("finance")
    amounts = {
        k: _yaml_amount(ctx, finance, k, "finance")
        for k in RESULT_AMOUNT_KEYS
        if k in finance and applies.field(k).applies(applies, {"model": model.value})
    }
    keys = ("model", *RESULT_AMOUNT_KEYS, "balance_adjustment_text", "parts")
    return ResultSettings(
        model=model,
        contribution=amounts.get("contribution"),
        budget_result=amounts.get("budget_result") or Decimal(0),
        balance_adjustment=amounts.get("balance_adjustment"),
        balance_adjustment_text=_s(finance, "balance_adjustment_text"),
        opening_result=amounts.get("opening_result"),
        disposition=amounts.get("disposition"),
        closing_result=amounts.get("closing_result"),
        balance_result=amounts.get("balance_result"),
        parts=_result_parts(ctx, finance.get("parts"), _line(finance, "parts")),
        source=Source(MAIN_FILE, line or None),
        sources={k: Source(MAIN_FILE, _line(finance, k)) for k in keys if k in finance},
    )


def _goals_present(ctx: _Ctx, main: LocDict, rel: str) -> bool:
    """A missing goals file is an error: silently "no goals" would publish an empty assessment."""
    if (ctx.root / rel).exists() or (ctx.root / rel).is_symlink():
        return True
    ctx.err(
        MAIN_FILE if "goals" in main else rel,
        _line(main, "goals") if "goals" in main else None,
        "missing_goals",
        f"Målfilen '{rel}' finns inte; utan den har rapporten inga mål att bedöma.",
        "Skapa filen (skriv goals: [] om nämnden inte har några mål för perioden) "
        "eller rätta goals: i styrkort.yaml.",
    )
    return False


def _ledger_paths_inside(ctx: _Ctx, config: Any) -> bool:
    """The files ``finance: ledger:`` names (file, accounts, a budget table) lie in the workspace."""
    if not isinstance(config, LocDict):
        return True  # the ledger reader reports the shape
    ok = True
    for key in ("file", "accounts", "budget"):
        rel = _s(config, key)
        if not rel or (key == "budget" and rel.lower() in ("sie", "pbudget")):
            continue
        where = Source(MAIN_FILE, _line(config, key))
        limit = MAX_LOG_BYTES if key == "file" else MAX_FILE_BYTES  # a ledger may be large
        ok = ctx.checked_path(rel, where, must_exist=False, limit=limit) is not None and ok
    return ok


def load_workspace(root: Path | str, *, allow_outside: bool = False) -> LoadResult:
    """Read the workspace folder ``root``. Never raises on bad content.

    Every file it names must lie inside ``root`` unless ``allow_outside``
    (sources/confine.py).
    """
    root = Path(root)
    ctx = _Ctx(root, allow_outside)
    if not root.is_dir():
        ctx.err(
            str(root),
            None,
            "not_a_folder",
            f"'{root}' är ingen mapp.",
            "Ange sökvägen till en arbetsyta (mappen med styrkort.yaml).",
        )
        return LoadResult(None, ctx.findings, root)
    main = ctx.yaml(MAIN_FILE)
    if main is None:
        return LoadResult(None, ctx.findings, root)
    _known_keys(ctx, MAIN_FILE, main, "main")
    kind = _s(main, "kind")
    if kind not in {"", "board"}:
        ctx.err(
            MAIN_FILE,
            _line(main, "kind"),
            "kind",
            f"kind: {kind} går inte att läsa som en nämnds arbetsyta.",
            "Skriv kind: board (eller ta bort raden) för en nämnd; kind: municipality"
            " läses av styrkort build och check som kommunens arbetsyta.",
        )
    org = _read_org(ctx, main.get("organisation"), _line(main, "organisation"))
    period = _read_period(ctx, main.get("period"), _line(main, "period"))
    ctx.year = period.year if period is not None else None
    settings = _read_settings(ctx, main.get("settings"))
    goals_rel = _s(main, "goals") or GOALS_FILE
    council, goals, perspectives = (
        _read_goals(ctx, goals_rel) if _goals_present(ctx, main, goals_rel) else ((), (), ())
    )
    _check_goal_refs(ctx, goals_rel, goals, perspectives, settings.rule)
    finance = main.get("finance", LocDict())
    if not isinstance(finance, LocDict):
        finance = LocDict()
    _known_keys(ctx, MAIN_FILE, finance, "finance")
    result_settings = _read_result_settings(ctx, finance, _line(main, "finance"))
    members = {m.id for m in org.members} if org else set()
    operating = _read_operating(ctx, _s(finance, "operating")) if _s(finance, "operating") else ()
    investments = (
        _read_investments(ctx, _s(finance, "investments")) if _s(finance, "investments") else ()
    )
    frames = _read_frames(ctx, _s(finance, "frames"), members) if _s(finance, "frames") else ()
    if "ledger" in finance and period is not None and _ledger_paths_inside(ctx, finance["ledger"]):
        # finance: ledger: a SIE ledger gives the rows instead of the CSV totals (docs/sie.md)
        from styrkort.sources.ledger import workspace_finance

        _known_keys(ctx, MAIN_FILE, finance["ledger"], "ledger")
        got = workspace_finance(root, finance["ledger"], period.first_day, period.last_day)
        ctx.findings.extend(got.findings)
        operating = got.operating if got.operating is not None else operating
        investments = got.investments if got.investments is not None else investments
    narrative = _read_narrative(ctx, main)
    history = read_history_section(
        ctx,
        MAIN_FILE,
        main.get("history"),
        _line(main, "history"),
        lambda rel, section: _csv_rows(ctx, rel, section),
    )
    if org is None or period is None:
        return LoadResult(None, ctx.findings, root)
    ws = Workspace(
        organisation=org,
        period=period,
        title=_s(main, "title") or f"Årsredovisning {period.year}",
        settings=settings,
        council_goals=council,
        goals=goals,
        perspectives=perspectives,
        operating=operating,
        investments=investments,
        frames=frames,
        investment_total_label=_s(finance, "investment_total_label"),
        investment_total_label_source=Source(MAIN_FILE, _line(finance, "investment_total_label")),
        frames_note=_s(finance, "frames_note"),
        result_settings=result_settings,
        word_template=_word_template(ctx, main),
        narrative=narrative,
        claims=_claims(ctx, main.get("published")),
        followup=followup.read_followup(ctx, goals_rel, council, goals),
        files=dict(ctx.files),
        assets=dict(ctx.assets),
        history=history,
    )
    ctx.findings.extend(text_findings(ws))
    return LoadResult(ws, ctx.findings, root, ctx.documents)


# What the municipality's reader (sources/municipality.py) shares with this one, by
# these names: the reading context (findings, confined paths) and the readers of a
# text value, a key's line, unknown keys, the period and the assessment rule.
ReadContext = _Ctx
text_value = _s
key_line = _line
warn_unknown_keys = _known_keys
read_period = _read_period
rule_from = _rule

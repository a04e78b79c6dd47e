"""The municipality workspace (issue 14): a folder whose ``styrkort.yaml`` says ``kind: municipality``.

It names its boards' workspaces (folders inside it, read by the ordinary board
reader), its council goals and the board goals linked to them, the finance
administration, the internal eliminations and the joint boards it is a member of.
Everything the municipality states is in the one YAML text, so the web can store it
as text and read it with :func:`read_municipality_config` (no file is read). Running
the boards through the pipeline is :func:`styrkort.municipality.load_municipality`
(readers may not import the pipeline).

The keys are declared in ``sources/schema.py`` (sections ``municipality…``) and
documented in docs/workspace.md. Bad input gives findings with file:line, never an
exception, and never a half-read municipality: any error → no configuration.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from styrkort.core.finance import RowKind, amount_problem
from styrkort.core.findings import Finding, Source, error, has_errors
from styrkort.core.limits import MAX_FILE_BYTES, exceeded
from styrkort.core.municipality import (
    BoardRef,
    CouncilGoalSpec,
    Elimination,
    FinanceItem,
    GoalLink,
    JointBoard,
    MunicipalityConfig,
)
from styrkort.core.numbers import parse_decimal
from styrkort.sources import confine
from styrkort.sources.workspace import (
    ReadContext,
    key_line,
    read_period,
    rule_from,
    text_value,
    warn_unknown_keys,
)
from styrkort.sources.yamlloc import LocDict, LocList, YamlError, load

MAIN_FILE = "styrkort.yaml"
KIND = "municipality"
_ID_OK = frozenset("abcdefghijklmnopqrstuvwxyzåäö0123456789-_")


def is_municipality(root: Path | str) -> bool:
    """Whether the folder ``root`` is a municipality's workspace (``kind: municipality``).

    Never raises: a folder without a readable ``styrkort.yaml`` is no municipality (the
    board reader then says what is wrong with it).
    """
    path = Path(root) / MAIN_FILE
    try:
        confine.check_file(path, Source(MAIN_FILE), MAX_FILE_BYTES)
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        data, _ = load(text)
    except (confine.Refused, OSError, YamlError):
        return False
    return isinstance(data, dict) and str(dict.get(data, "kind", "")).strip() == KIND


class _Reader:
    """Reads one municipality text, collecting findings (file names ``file``)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.ctx = ReadContext(Path("."))

    @property
    def findings(self) -> list[Finding]:
        return self.ctx.findings

    def where(self, line: int | None) -> Source:
        return Source(self.file, line)

    def err(self, line: int | None, code: str, message: str, hint: str) -> None:
        self.ctx.findings.append(error(self.where(line), code, message, hint))

    def known(self, d: Any, section: str) -> None:
        warn_unknown_keys(self.ctx, self.file, d, section)

    def mapping(self, d: LocDict, key: str) -> LocDict | None:
        value = d.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, LocDict):
            self.err(
                key_line(d, key),
                "municipality.field",
                f"'{key}' ska vara en mappning (nyckel: värde).",
                "Se docs/workspace.md, kommunens styrkort.yaml.",
            )
            return None
        return value

    def items(self, d: LocDict, key: str) -> list[tuple[int, LocDict]]:
        value = d.get(key)
        if value in (None, ""):
            return []
        if not isinstance(value, LocList):
            self.err(
                key_line(d, key),
                "municipality.field",
                f"'{key}' ska vara en lista.",
                "Skriv varje post på en egen rad som börjar med '- '.",
            )
            return []
        out = []
        for i, item in enumerate(value):
            line = value.lines[i] if i < len(value.lines) else value.line
            if not isinstance(item, LocDict):
                self.err(
                    line,
                    "municipality.field",
                    f"Post {i + 1} i '{key}' ska vara en mappning (nyckel: värde).",
                    "Se docs/workspace.md.",
                )
                continue
            out.append((line, item))
        return out

    def amount(self, d: LocDict, key: str, *, required: bool = False) -> Decimal | None:
        text = text_value(d, key)
        if not text:
            if required:
                self.err(
                    key_line(d, key),
                    "municipality.field",
                    f"Beloppet '{key}' saknas.",
                    "Ange beloppet i kronor (0 om inget).",
                )
            return None
        value = parse_decimal(text)
        problem = "inget belopp" if value is None else amount_problem(value)
        if value is None or problem is not None:
            self.err(
                key_line(d, key),
                "municipality.field",
                f"'{text}' i '{key}' kan inte läsas som belopp ({problem}).",
                "Skriv beloppet i kronor, t.ex. -823000 eller 1 250 000.",
            )
            return None
        return value

    def text(self, d: LocDict, key: str, what: str) -> str:
        value = text_value(d, key)
        if not value:
            self.err(
                key_line(d, key) if key in d else d.line,
                "municipality.field",
                f"{what} saknar '{key}'.",
                f"Skriv {key}: … för {what}.",
            )
        return value

    # --- sections -------------------------------------------------------------------

    def boards(self, main: LocDict) -> tuple[BoardRef, ...]:
        out: list[BoardRef] = []
        items = self.items(main, "boards")
        if not items:
            self.err(
                key_line(main, "boards") if "boards" in main else main.line,
                "municipality.config",
                "Kommunens arbetsyta anger inga nämnder (boards).",
                "Lista nämnderna: boards: [{id: ks, name: Kommunstyrelsen, workspace: namnder/ks}].",
            )
        seen: set[str] = set()
        for line, b in items:
            self.known(b, "municipality_board")
            board_id, name = text_value(b, "id"), text_value(b, "name")
            if not board_id or not name:
                self.err(
                    line,
                    "municipality.board",
                    "En nämnd saknar id eller name.",
                    "Ge varje nämnd ett kort id (t.ex. ks) och namnet som det trycks.",
                )
                continue
            if board_id in seen:
                self.err(
                    line,
                    "municipality.board",
                    f"Nämnden '{board_id}' finns två gånger.",
                    "Ge varje nämnd ett eget id.",
                )
                continue
            seen.add(board_id)
            sources = {
                k: self.where(key_line(b, k)) for k in ("workspace", "contribution", "result")
            }
            out.append(
                BoardRef(
                    board_id,
                    name,
                    text_value(b, "workspace"),
                    self.amount(b, "contribution"),
                    self.amount(b, "result"),
                    self.where(line),
                    sources,
                )
            )
        return tuple(out)

    def council_goals(self, main: LocDict) -> tuple[CouncilGoalSpec, ...]:
        out: list[CouncilGoalSpec] = []
        for line, g in self.items(main, "council_goals"):
            self.known(g, "municipality_council_goal")
            goal_id = self.text(g, "id", "KF-målet")
            title = self.text(g, "title", f"KF-målet '{goal_id}'")
            links: list[GoalLink] = []
            raw = g.get("goals")
            if raw not in (None, "") and not isinstance(raw, LocList):
                raw = LocList([raw])
                raw.line = key_line(g, "goals")
            for i, item in enumerate(raw or []):
                where = (
                    raw.lines[i] if i < len(raw.lines) and raw.lines[i] else key_line(g, "goals")
                )
                board, sep, goal = str(item).strip().partition("/")
                if not sep or not board.strip() or not goal.strip():
                    self.err(
                        where,
                        "municipality.field",
                        f"Kopplingen '{item}' i KF-målet '{goal_id}' ska skrivas nämnd/mål.",
                        "Skriv nämndens id och målets id, t.ex. bun/bun-1.",
                    )
                    continue
                links.append(GoalLink(board.strip(), goal.strip(), self.where(where)))
            if goal_id and title:
                out.append(CouncilGoalSpec(goal_id, title, tuple(links), self.where(line)))
        return tuple(out)

    def finance(self, main: LocDict) -> tuple[FinanceItem, ...]:
        out: list[FinanceItem] = []
        kinds = {k.value: k for k in RowKind} | {"intäkt": RowKind.REVENUE, "kostnad": RowKind.COST}
        for line, f in self.items(main, "finance_administration"):
            self.known(f, "municipality_finance")
            label = self.text(f, "label", "Finansförvaltningens rad")
            kind = kinds.get(text_value(f, "kind").lower())
            if kind is None:
                self.err(
                    key_line(f, "kind") if "kind" in f else line,
                    "municipality.field",
                    f"Finansförvaltningens rad '{label}' har kind '{text_value(f, 'kind')}'.",
                    "Skriv kind: revenue (intäkt) eller kind: cost (kostnad).",
                )
            budget = self.amount(f, "budget", required=True)
            outcome = self.amount(f, "outcome", required=True)
            if label and kind is not None and budget is not None and outcome is not None:
                out.append(FinanceItem(label, kind, budget, outcome, self.where(line)))
        return tuple(out)

    def eliminations(self, main: LocDict) -> tuple[Elimination, ...]:
        out: list[Elimination] = []
        for line, e in self.items(main, "eliminations"):
            self.known(e, "municipality_elimination")
            label = self.text(e, "label", "Elimineringen")
            revenues = self.amount(e, "revenues", required=True)
            costs = self.amount(e, "costs", required=True)
            if label and revenues is not None and costs is not None:
                out.append(Elimination(label, revenues, costs, self.where(line)))
        return tuple(out)

    def members(self, d: LocDict, key: str, what: str) -> tuple[tuple[str, Decimal], ...]:
        m = self.mapping(d, key)
        out: list[tuple[str, Decimal]] = []
        for member in m or {}:
            text = str(m[member]).strip() if m is not None else ""
            value = parse_decimal(text)
            if value is None or amount_problem(value) is not None:
                self.err(
                    m.lines.get(member, m.line) if m is not None else None,
                    "municipality.field",
                    f"{what}: '{text}' för {member} är inget tal.",
                    "Skriv ett tal i kronor (split) eller en vikt (key).",
                )
                continue
            out.append((str(member), value))
        return tuple(out)

    def joint_boards(self, main: LocDict) -> tuple[JointBoard, ...]:
        out: list[JointBoard] = []
        for line, j in self.items(main, "joint_boards"):
            self.known(j, "municipality_joint_board")
            name = self.text(j, "name", "Den gemensamma nämnden")
            member = self.text(j, "member", f"'{name}'")
            result = self.amount(j, "result", required=True)
            split = self.members(j, "split", f"{name}, split")
            key = self.members(j, "key", f"{name}, key")
            if any(w < 0 for _, w in key):
                self.err(
                    key_line(j, "key"),
                    "municipality.field",
                    f"{name}: fördelningsnyckelns vikter ska vara noll eller större.",
                    "Ange folkmängd eller avtalade andelar.",
                )
                key = ()
            if name and member and result is not None:
                sources = {
                    k: self.where(key_line(j, k)) for k in ("split", "key", "member", "result")
                }
                out.append(
                    JointBoard(
                        name,
                        text_value(j, "host"),
                        result,
                        member,
                        split,
                        key,
                        text_value(j, "board"),
                        text_value(j, "decision"),
                        self.where(line),
                        sources,
                    )
                )
        return tuple(out)


def _renamed(findings: list[Finding], file: str) -> list[Finding]:
    """Findings of the board reader's helpers (which name styrkort.yaml) under ``file``."""
    if file == MAIN_FILE:
        return findings
    return [
        f._replace(source=f.source._replace(file=file)) if f.source.file == MAIN_FILE else f
        for f in findings
    ]


def read_municipality_config(
    text: str, file: str = MAIN_FILE
) -> tuple[MunicipalityConfig | None, list[Finding]]:
    """The municipality's configuration from the text of its ``styrkort.yaml`` alone.

    No board folder and no other file is read (the web stores the text). Findings name
    ``file``; on any error the configuration is None (never half a municipality).
    """
    r = _Reader(file)
    try:
        data, dups = load(text)
    except YamlError as exc:
        if exc.limit is not None:
            return None, [exceeded(exc.limit, Source(file, exc.line), exc.actual)]
        r.err(
            exc.line,
            "municipality.config",
            f"Kommunens styrkort.yaml kan inte läsas: {exc}.",
            "Kontrollera indrag, kolon och citattecken på raden.",
        )
        return None, r.findings
    for key, line in dups:
        r.err(
            line,
            "municipality.field",
            f"Nyckeln '{key}' förekommer två gånger.",
            "Ta bort eller byt namn på den ena.",
        )
    if not isinstance(data, LocDict):
        r.err(
            1,
            "municipality.config",
            "Kommunens styrkort.yaml ska innehålla nycklar och värden (en mappning).",
            "Se docs/workspace.md, kommunens styrkort.yaml.",
        )
        return None, r.findings
    main = data
    r.known(main, "municipality")
    if text_value(main, "kind") != KIND:
        r.err(
            key_line(main, "kind") if "kind" in main else 1,
            "municipality.config",
            "Filen är ingen kommuns arbetsyta (kind: municipality saknas).",
            "Skriv kind: municipality överst, eller bygg mappen som en nämnds arbetsyta.",
        )
    name = r.text(main, "municipality", "Kommunens styrkort.yaml")
    period = read_period(r.ctx, main.get("period"), key_line(main, "period"))
    rule_map = r.mapping(main, "rule")
    if rule_map is not None:
        r.known(rule_map, "municipality_rule")
    rule = rule_from(r.ctx, rule_map if rule_map is not None else LocDict())
    boards = r.boards(main)
    council_goals = r.council_goals(main)
    finance = r.finance(main)
    eliminations = r.eliminations(main)
    joint_boards = r.joint_boards(main)
    stated_result = r.amount(main, "result")
    findings = _renamed(r.findings, file)
    if period is None or has_errors(findings):
        return None, findings
    config = MunicipalityConfig(
        name=name,
        period=period,
        title=text_value(main, "title") or f"Årsredovisning {period.year}",
        rule=rule,
        boards=boards,
        council_goals=council_goals,
        finance=finance,
        eliminations=eliminations,
        joint_boards=joint_boards,
        stated_result=stated_result,
        source=Source(file, 1),
        result_source=Source(file, key_line(main, "result")),
    )
    return config, findings


def board_folder(
    root: Path, ref: BoardRef, *, allow_outside: bool = False
) -> tuple[Path | None, list[Finding]]:
    """The board's workspace folder, confined to the municipality's folder (sources/confine.py)."""
    where = ref.where("workspace")
    if not ref.workspace:
        return None, [
            error(
                where,
                "municipality.board_workspace",
                f"{ref.name} anger ingen arbetsyta (workspace).",
                "Skriv workspace: <mapp> med nämndens arbetsyta inuti kommunens mapp.",
            )
        ]
    rel = Path(ref.workspace)
    full = rel if rel.is_absolute() else root / rel
    if not allow_outside and (rel.is_absolute() or not confine.inside(root, full)):
        return None, [
            error(
                where,
                confine.OUTSIDE_CODE,
                f"{ref.name}s arbetsyta '{ref.workspace}' ligger utanför kommunens mapp; den läses inte.",
                "Lägg nämndens arbetsyta i kommunens mapp och ange en relativ sökväg utan '..' "
                "(eller kör med --allow-outside om du litar på arbetsytan).",
            )
        ]
    if not full.is_dir():
        return None, [
            error(
                where,
                "municipality.board_workspace",
                f"{ref.name}s arbetsyta '{ref.workspace}' finns inte eller är ingen mapp.",
                "Rätta sökvägen (relativ till kommunens mapp).",
            )
        ]
    return full, []


def read_municipality(root: Path | str) -> tuple[MunicipalityConfig | None, list[Finding]]:
    """The configuration of the municipality folder ``root`` (its ``styrkort.yaml``)."""
    root = Path(root)
    path = root / MAIN_FILE
    try:
        confine.check_file(path, Source(MAIN_FILE), MAX_FILE_BYTES)
        raw = path.read_bytes()
    except confine.Refused as exc:
        return None, [exc.finding]
    except OSError as exc:
        return None, [
            error(
                Source(MAIN_FILE),
                "municipality.config",
                f"Kommunens styrkort.yaml kan inte läsas ({exc.strerror}).",
                "Kontrollera att filen finns och går att läsa.",
            )
        ]
    return read_municipality_config(raw.decode("utf-8-sig", errors="replace"), MAIN_FILE)

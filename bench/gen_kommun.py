"""Generate a FICTIONAL municipality workspace (issue 14): deterministic, every name invented.

Two uses, one generator:

* the example ``examples/exempel-kommun`` (committed output)::

      python bench/gen_kommun.py examples/exempel-kommun

  Exempelby kommun 2022 with eight boards (kommunstyrelsen, barn- och
  utbildningsnämnden, socialnämnden, tekniska nämnden, kultur- och fritidsnämnden,
  bygg- och miljönämnden, överförmyndarnämnden, valnämnden), three council goals
  (KF-mål) linked from the boards' goals, the finance administration, internal
  eliminations, and a share of a fictional joint IT board whose deficit of 823 tkr is
  split 227/320/113/163 tkr as Sydnärkes IT-nämnd's 2020 deficit was (the same
  population key, fictional member names);

* the benchmark (``bench/municipality.py``): ``generate_scaled(root, boards=30, goals=10,
  indicators=5, history=3, ledger_rows=500_000)``, each board's finance read from a
  synthetic Kommun-Bas SIE ledger (styrkort.sources.sie.synthetic).

Amounts are kronor; the example's are whole tkr, so the printed tables need no rounding.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
YEAR = 2022
MUNICIPALITY = "Exempelby kommun"

COUNCIL_GOALS = (
    ("kf-barn", "Barn och unga ges goda förutsättningar att lyckas"),
    ("kf-service", "Invånarna möter en trygg, tillgänglig och effektiv service"),
    ("kf-hallbar", "Kommunen har en hållbar ekonomi och miljö"),
)


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    folder: str
    # (category, kind, budget tkr, outcome tkr) in printed signs (all positive)
    operating: tuple[tuple[str, str, int, int], ...]
    investments: tuple[tuple[str, int, int], ...]
    goals: tuple[tuple[str, str, str, tuple[tuple[str, str, str, str, str], ...]], ...]
    """(goal id, title, council goal, indicators: (text, unit, direction, target, outcome))"""
    result: str = ""
    """Lines under ``finance:`` stating the board's result (net model, balanskrav, carried
    results, varav parts: docs/workspace.md, the board's result)."""
    contribution: int | None = None
    """The net model's contribution (kommunbidrag), kronor; the gross model's is its net budget."""


def _op(*rows: tuple[str, str, int, int]) -> tuple[tuple[str, str, int, int], ...]:
    return rows


BOARDS = (
    Board(
        "ks",
        "Kommunstyrelsen",
        "namnder/kommunstyrelsen",
        _op(
            ("Avgifter och ersättningar", "revenue", 14_000, 15_200),
            ("Bidrag", "revenue", 6_000, 7_100),
            ("Personalkostnader", "cost", 58_000, 56_900),
            ("Köp av verksamhet och tjänster", "cost", 31_000, 30_400),
            ("Lokaler", "cost", 12_000, 11_800),
            ("Andel i Exempeldalens IT-nämnd", "cost", 8_000, 8_320),
            ("Kapitalkostnader", "cost", 6_000, 5_900),
        ),
        (("Digitalisering", 6_000, 4_800), ("Exploatering Norra området", 12_000, 13_100)),
        (
            (
                "ks-1",
                "Kommunen är en attraktiv arbetsgivare",
                "kf-service",
                (
                    (
                        "Öka hållbart medarbetarengagemang (HME)",
                        "index",
                        "increase",
                        "minst 78",
                        "79",
                    ),
                    ("Minska sjukfrånvaron", "%", "decrease", "högst 6 %", "6,4 %"),
                ),
            ),
            (
                "ks-2",
                "Kommunens ekonomi är i balans",
                "kf-hallbar",
                (
                    (
                        "Resultat i procent av skatter och statsbidrag",
                        "%",
                        "increase",
                        "minst 2 %",
                        "2,4 %",
                    ),
                    (
                        "Självfinansieringsgrad av investeringar",
                        "%",
                        "increase",
                        "minst 80 %",
                        "71 %",
                    ),
                ),
            ),
        ),
    ),
    Board(
        "bun",
        "Barn- och utbildningsnämnden",
        "namnder/barn-och-utbildning",
        _op(
            ("Avgifter och ersättningar", "revenue", 18_000, 18_400),
            ("Statsbidrag", "revenue", 42_000, 45_600),
            ("Personalkostnader", "cost", 355_000, 362_100),
            ("Köp av verksamhet och tjänster", "cost", 96_000, 98_300),
            ("Lokaler", "cost", 78_000, 77_200),
            ("Material och övrigt", "cost", 11_000, 9_400),
        ),
        (("Ny förskola Solrosen", 24_000, 21_500), ("Inventarier skolor", 3_000, 3_200)),
        (
            (
                "bun-1",
                "Alla elever når målen i grundskolan",
                "kf-barn",
                (
                    (
                        "Andel elever i åk 9 som är behöriga till gymnasiet",
                        "%",
                        "increase",
                        "minst 88 %",
                        "84,5 %",
                    ),
                    (
                        "Andel elever i åk 6 med lägst E i alla ämnen",
                        "%",
                        "increase",
                        "minst 80 %",
                        "81 %",
                    ),
                    ("Meritvärde åk 9", "", "increase", "Öka från 221", "226"),
                ),
            ),
            (
                "bun-2",
                "Förskolan ger en trygg start",
                "kf-barn",
                (
                    (
                        "Antal barn per årsarbetare i förskolan",
                        "st",
                        "decrease",
                        "högst 5,2 st",
                        "5,1 st",
                    ),
                    (
                        "Andel föräldrar som är nöjda med förskolan",
                        "%",
                        "increase",
                        "minst 90 %",
                        "92 %",
                    ),
                ),
            ),
        ),
    ),
    Board(
        "sn",
        "Socialnämnden",
        "namnder/socialnamnden",
        _op(
            ("Avgifter och ersättningar", "revenue", 28_000, 27_300),
            ("Statsbidrag", "revenue", 35_000, 38_900),
            ("Personalkostnader", "cost", 318_000, 331_600),
            ("Köp av verksamhet och tjänster", "cost", 112_000, 121_400),
            ("Försörjningsstöd", "cost", 21_000, 19_800),
            ("Lokaler", "cost", 32_000, 32_400),
        ),
        (("Trygghetslarm", 2_000, 1_900),),
        (
            (
                "sn-1",
                "Äldre får en trygg och värdig omsorg",
                "kf-service",
                (
                    (
                        "Brukarbedömning hemtjänst, helhetssyn",
                        "%",
                        "increase",
                        "minst 90 %",
                        "88 %",
                    ),
                    (
                        "Antal personal en hemtjänsttagare möter under 14 dagar",
                        "st",
                        "decrease",
                        "högst 15 st",
                        "17 st",
                    ),
                    (
                        "Väntetid till särskilt boende",
                        "dagar",
                        "decrease",
                        "högst 60 dagar",
                        "74 dagar",
                    ),
                ),
            ),
            (
                "sn-2",
                "Barn och unga i utsatta situationer får tidigt stöd",
                "kf-barn",
                (
                    (
                        "Andel utredningar inom barn och unga klara inom 120 dagar",
                        "%",
                        "increase",
                        "minst 95 %",
                        "79 %",
                    ),
                    (
                        "Andel ungdomar som inte återaktualiseras inom ett år",
                        "%",
                        "increase",
                        "minst 80 %",
                        "72 %",
                    ),
                ),
            ),
        ),
    ),
    Board(
        "tn",
        "Tekniska nämnden",
        "namnder/tekniska-namnden",
        _op(
            ("Taxor vatten och avlopp", "revenue", 52_000, 53_800),
            ("Avgifter och ersättningar", "revenue", 21_000, 22_600),
            ("Interna hyror", "revenue", 38_000, 38_000),
            ("Personalkostnader", "cost", 44_000, 43_100),
            ("Köp av verksamhet och tjänster", "cost", 61_000, 66_900),
            ("Energi och drift", "cost", 26_000, 29_300),
            ("Kapitalkostnader", "cost", 25_000, 24_100),
        ),
        (
            ("Reinvestering VA-ledningar", 30_000, 26_400),
            ("Gång- och cykelväg Storgatan", 8_000, 9_300),
            ("Energieffektivisering fastigheter", 5_000, 4_100),
        ),
        (
            (
                "tn-1",
                "Infrastrukturen är hållbar och väl underhållen",
                "kf-hallbar",
                (
                    (
                        "Energianvändning i kommunens lokaler per m²",
                        "kWh",
                        "decrease",
                        "högst 150 kWh",
                        "146 kWh",
                    ),
                    (
                        "Andel förnybar energi i fordonsflottan",
                        "%",
                        "increase",
                        "minst 60 %",
                        "64 %",
                    ),
                    ("Läckage i VA-nätet", "%", "decrease", "högst 15 %", "17 %"),
                ),
            ),
        ),
    ),
    Board(
        "kfn",
        "Kultur- och fritidsnämnden",
        "namnder/kultur-och-fritid",
        _op(
            ("Avgifter och ersättningar", "revenue", 6_000, 5_100),
            ("Bidrag", "revenue", 1_500, 1_700),
            ("Personalkostnader", "cost", 21_300, 20_700),
            ("Föreningsbidrag", "cost", 6_500, 6_500),
            ("Lokaler", "cost", 15_000, 15_300),
            ("Köp av verksamhet och tjänster", "cost", 3_000, 2_600),
        ),
        (("Konstgräsplan Vallen", 4_000, 4_400),),
        (
            (
                "kfn-1",
                "Ett rikt kultur- och fritidsliv för alla åldrar",
                "kf-barn",
                (
                    (
                        "Antal besök på biblioteket per invånare",
                        "st",
                        "increase",
                        "minst 4 st",
                        "3,6 st",
                    ),
                    ("Andel unga som deltar i kulturskolan", "%", "increase", "minst 20 %", "21 %"),
                ),
            ),
        ),
    ),
    Board(
        "bmn",
        "Bygg- och miljönämnden",
        "namnder/bygg-och-miljo",
        _op(
            ("Avgifter och ersättningar", "revenue", 9_000, 10_300),
            ("Personalkostnader", "cost", 17_000, 16_200),
            ("Köp av verksamhet och tjänster", "cost", 3_000, 3_100),
            ("Övriga kostnader", "cost", 1_000, 900),
        ),
        (),
        (
            (
                "bmn-1",
                "Snabb och rättssäker myndighetsutövning",
                "kf-service",
                (
                    (
                        "Handläggningstid bygglov, median",
                        "veckor",
                        "decrease",
                        "högst 6 veckor",
                        "5 veckor",
                    ),
                    ("Nöjd kund-index bygglov", "index", "increase", "minst 70", "68"),
                ),
            ),
        ),
    ),
    Board(
        "ofn",
        "Överförmyndarnämnden",
        "namnder/overformyndarnamnden",
        _op(
            ("Avgifter och ersättningar", "revenue", 300, 400),
            ("Arvoden till ställföreträdare", "cost", 2_600, 2_900),
            ("Personalkostnader", "cost", 1_200, 1_150),
        ),
        (),
        (
            (
                "ofn-1",
                "Huvudmän har god tillsyn",
                "",
                (
                    (
                        "Andel granskade årsräkningar senast 30 juni",
                        "%",
                        "increase",
                        "minst 95 %",
                        "97 %",
                    ),
                ),
            ),
        ),
    ),
    Board(
        "vn",
        "Valnämnden",
        "namnder/valnamnden",
        _op(
            ("Statsbidrag", "revenue", 600, 650),
            ("Personalkostnader", "cost", 1_000, 1_020),
            ("Lokaler och material", "cost", 400, 380),
        ),
        (),
        (
            (
                "vn-1",
                "Valet genomförs säkert och tillgängligt",
                "kf-service",
                (
                    ("Valdeltagande i kommunvalet", "%", "increase", "minst 82 %", "83,1 %"),
                    ("Tillgängliga vallokaler", "", "increase", "Ja", "Ja"),
                ),
            ),
        ),
    ),
)

# How the boards' results are stated beyond the operating statement (the net-budget model
# and carried results of the board workspace): kultur- och fritidsnämnden and bygg- och
# miljönämnden are budgeted by net frame and carry their results forward (kultur och fritid
# plans to use 300 tkr of an earlier surplus); tekniska nämnden prints "varav vatten och
# avlopp" (self-financed by its fees); kommunstyrelsen's result holds a realisation gain that
# the balanskrav does not count.
RESULTS: dict[str, tuple[str, int | None]] = {
    "ks": (
        "  balance_adjustment: -1200000\n"
        "  balance_adjustment_text: Realisationsvinster vid försäljning av mark\n",
        None,
    ),
    "tn": (
        "  parts:\n"
        "    - {label: varav vatten och avlopp, contribution: 0, revenues: 53800000, "
        "costs: 53100000, budget_result: 0}\n",
        None,
    ),
    "kfn": (
        "  model: net\n  contribution: 38000000\n  budget_result: -300000\n"
        "  opening_result: 1200000\n  disposition: 300000\n",
        38_000_000,
    ),
    "bmn": (
        "  model: net\n  contribution: 12000000\n  budget_result: 0\n"
        "  opening_result: 800000\n  disposition: 0\n",
        12_000_000,
    ),
}
BOARDS = tuple(
    replace(b, result=RESULTS[b.id][0], contribution=RESULTS[b.id][1]) if b.id in RESULTS else b
    for b in BOARDS
)

# Exempeldalens IT-nämnd: the deficit and key of Sydnärkes IT-nämnd 2020 (SCB population
# 2018-12-31, which reproduces the published split), with fictional member names.
JOINT_KEY = (("Provby", 11313), ("Exempelby", 15954), ("Testinge", 5637), ("Värdby", 8116))
JOINT_SPLIT = (("Provby", -227), ("Exempelby", -320), ("Testinge", -113), ("Värdby", -163))

FINANCE = (
    ("Skatteintäkter", "revenue", 830_000, 842_600),
    ("Generella statsbidrag och utjämning", "revenue", 301_000, 306_200),
    ("Finansiella intäkter", "revenue", 6_000, 7_400),
    ("Finansiella kostnader", "cost", 11_000, 9_800),
    ("Pensioner och övriga gemensamma kostnader", "cost", 14_000, 15_900),
)
ELIMINATIONS = (("Interna hyror", 38_000, 38_000),)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _board_yaml(name: str, title: str, extra: str = "") -> str:
    return (
        "# GENERATED by bench/gen_kommun.py (fictional). Do not edit; rerun the generator.\n"
        f"title: {title}\n"
        "organisation:\n"
        f"  name: {name}\n"
        f"  municipality: {MUNICIPALITY}\n"
        "  kind: nämnd\n"
        f"period: {{year: {YEAR}, kind: year}}\n"
        "settings:\n"
        "  sign_convention: ledger\n"
        "  rounding: totals_from_unrounded\n" + extra
    )


def _goals_yaml(goals: list[tuple[str, str, str, list[dict[str, str]]]]) -> str:
    used = {cg for _, _, cg, _ in goals if cg}
    lines = ["# GENERATED by bench/gen_kommun.py (fictional).", "council_goals:"]
    lines += [f"  - {{id: {i}, title: {_q(t)}}}" for i, t in COUNCIL_GOALS if i in used]
    if not used:
        lines[-1] = "council_goals: []"
    lines.append("goals:")
    for gid, title, cg, inds in goals:
        lines += [f"  - id: {gid}", f"    title: {_q(title)}"]
        if cg:
            lines.append(f"    council_goal: {cg}")
        lines.append("    indicators:")
        for ind in inds:
            lines.append(f"      - id: {ind['id']}")
            for key in ("text", "unit", "direction", "target", "outcome", "owner"):
                if key in ind:
                    lines.append(f"        {key}: {_q(ind[key])}")
            if ind.get("history"):
                lines.append(f"        history: {ind['history']}")
    return "\n".join(lines) + "\n"


def _write_board(root: Path, b: Board) -> tuple[int, int]:
    """The board's workspace; returns (net budget, net outcome) in kronor (ledger signs)."""
    ws = root / b.folder
    ws.mkdir(parents=True, exist_ok=True)
    finance = "finance:\n  operating: operating.csv\n" + b.result
    if b.investments:
        finance += "  investments: investments.csv\n"
    (ws / "styrkort.yaml").write_text(
        _board_yaml(b.name, f"Verksamhetsberättelse {YEAR}", finance), encoding="utf-8"
    )
    op = [
        "# Driftredovisning: kronor in ledger signs (costs positive, revenues negative).",
        "category,kind,budget,outcome",
    ]
    budget = outcome = 0
    for category, kind, bud, out in b.operating:
        sign = -1 if kind == "revenue" else 1
        op.append(f"{category},{kind},{sign * bud * 1000},{sign * out * 1000}")
        budget += sign * bud * 1000
        outcome += sign * out * 1000
    (ws / "operating.csv").write_text("\n".join(op) + "\n", encoding="utf-8")
    if b.investments:
        inv = ["# Investeringsredovisning: kronor.", "project,member,budget,outcome"]
        inv += [f"{p},,{bud * 1000},{out * 1000}" for p, bud, out in b.investments]
        (ws / "investments.csv").write_text("\n".join(inv) + "\n", encoding="utf-8")
    goals = []
    for gid, title, cg, inds in b.goals:
        items = []
        for k, (text, unit, direction, target, outcome_text) in enumerate(inds, 1):
            item = {
                "id": f"{gid}-{k}",
                "text": text,
                "direction": direction,
                "target": target,
                "outcome": outcome_text,
                "owner": "Controller",
            }
            if unit:
                item["unit"] = unit
            items.append(item)
        goals.append((gid, title, cg, items))
    (ws / "goals.yaml").write_text(_goals_yaml(goals), encoding="utf-8")
    return budget, outcome


def _municipality_yaml(
    title: str,
    boards: list[tuple[str, str, str, int | None, int | None]],
    finance: tuple[tuple[str, str, int, int], ...],
    eliminations: tuple[tuple[str, int, int], ...],
    council: list[tuple[str, str, list[str]]],
    joint: bool,
    result: int | None,
    rule: str = "",
) -> str:
    out = [
        "# GENERATED by bench/gen_kommun.py: a FICTIONAL municipality (every name and figure",
        "# invented). Do not edit; rerun the generator. Amounts in kronor.",
        "kind: municipality",
        f"municipality: {MUNICIPALITY}",
        f"title: {title}",
        f"period: {{year: {YEAR}, kind: year}}",
    ]
    if rule:
        out.append(rule)
    out.append("boards:")
    for bid, name, folder, contribution, stated in boards:
        out += [f"  - id: {bid}", f"    name: {name}", f"    workspace: {folder}"]
        if contribution is not None:
            out.append(f"    contribution: {contribution}")
        if stated is not None:
            out.append(f"    result: {stated}")
    out.append("council_goals:")
    for cid, ctitle, links in council:
        out += [f"  - id: {cid}", f"    title: {_q(ctitle)}"]
        if links:
            out.append(f"    goals: [{', '.join(links)}]")
    out.append("finance_administration:")
    for label, kind, bud, res in finance:
        out.append(
            f"  - {{label: {_q(label)}, kind: {kind}, budget: {bud * 1000}, outcome: {res * 1000}}}"
        )
    if eliminations:
        out.append("eliminations:")
        for label, rev, cost in eliminations:
            out.append(f"  - {{label: {_q(label)}, revenues: {rev * 1000}, costs: {cost * 1000}}}")
    if joint:
        split = ", ".join(f"{m}: {a * 1000}" for m, a in JOINT_SPLIT)
        key = ", ".join(f"{m}: {w}" for m, w in JOINT_KEY)
        out += [
            "joint_boards:",
            "  - name: Exempeldalens IT-nämnd",
            "    host: Värdby kommun",
            "    member: Exempelby",
            "    board: ks",
            "    result: -823000",
            f"    split: {{{split}}}",
            f"    key: {{{key}}}",
            "    decision: Samverkansavtal för Exempeldalens IT-nämnd, § 6 (fiktivt)",
        ]
    if result is not None:
        out.append(f"result: {result}")
    return "\n".join(out) + "\n"


def _municipality_result(
    nets: list[tuple[int, int]], finance: tuple[tuple[str, str, int, int], ...]
) -> int:
    """The municipality's result in kronor: boards' deviations + finance administration."""
    boards = sum(b - o for b, o in nets)  # contribution − net outcome
    contributions = sum(b for b, _ in nets)
    fin = sum((res if kind == "revenue" else -res) * 1000 for _, kind, _, res in finance)
    return boards + fin - contributions


def generate_example(root: Path) -> Path:
    """examples/exempel-kommun (see the module's docstring)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    nets = [_write_board(root, b) for b in BOARDS]
    boards: list[tuple[str, str, str, int | None, int | None]] = []
    for b, (budget, outcome) in zip(BOARDS, nets, strict=True):
        contribution = b.contribution if b.contribution is not None else budget
        stated = contribution - outcome if b.id in {"ks", "sn", "tn"} else None
        boards.append((b.id, b.name, b.folder, contribution, stated))
    nets = [(c or 0, o) for (_, _, _, c, _), (_, o) in zip(boards, nets, strict=True)]
    # council goals are linked from the boards' goals (council_goal); överförmyndarnämndens
    # goal is linked from the municipality's side
    council = [(cid, t, ["ofn/ofn-1"] if cid == "kf-service" else []) for cid, t in COUNCIL_GOALS]
    text = _municipality_yaml(
        f"Årsredovisning {YEAR}",
        boards,
        FINANCE,
        ELIMINATIONS,
        council,
        True,
        _municipality_result(nets, FINANCE),
    )
    (root / "styrkort.yaml").write_text(text, encoding="utf-8")
    (root / "README.md").write_text(
        "# Exempelby kommun 2022 (fiktiv)\n\n"
        "Genererad av `bench/gen_kommun.py`; alla namn och belopp är påhittade. Bygg med\n"
        "`styrkort build examples/exempel-kommun`. Nämndernas arbetsytor ligger i `namnder/`.\n",
        encoding="utf-8",
    )
    return root


# --- the benchmark's municipality --------------------------------------------------------

_TARGETS = (
    ("%", "increase", "minst 80 %", lambda i: f"{70 + i % 25},{i % 10} %"),
    ("st", "decrease", "högst 20 st", lambda i: f"{15 + i % 9} st"),
    ("index", "increase", "Öka från 71,13", lambda i: f"{68 + i % 7},{i % 10}"),
    ("%", "decrease", "Minska från 7 %", lambda i: f"{5 + i % 4},{i % 10}0 %"),
    ("", "increase", "Ja", lambda i: "Ja" if i % 3 else "Nej"),
)


def generate_scaled(
    root: Path,
    *,
    boards: int = 30,
    goals: int = 10,
    indicators: int = 5,
    history: int = 3,
    ledger_rows: int = 500_000,
    seed: int = YEAR,
    trend: bool = False,
) -> Path:
    """A municipality of ``boards`` generated boards, each with ``goals`` × ``indicators``,
    ``history`` earlier years per indicator and a synthetic SIE ledger of about
    ``ledger_rows`` transaction rows read through ``finance: ledger:``."""
    sys.path.insert(0, str(REPO / "src"))
    from styrkort.sources.sie.synthetic import write_kommunbas_sie

    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    refs: list[tuple[str, str, str, int | None, int | None]] = []
    for n in range(1, boards + 1):
        folder = f"namnder/namnd-{n:02d}"
        ws = root / folder
        ws.mkdir(parents=True)
        extra = (
            f"history: {{columns: {history}, trend: {'true' if trend else 'false'}}}\n"
            "finance:\n  ledger:\n    file: huvudbok.se\n    budget: sie\n"
        )
        (ws / "styrkort.yaml").write_text(
            _board_yaml(f"Nämnd {n:02d} (genererad)", f"Verksamhetsberättelse {YEAR}", extra),
            encoding="utf-8",
        )
        gl = []
        for g in range(goals):
            items = []
            for k in range(indicators):
                unit, direction, target, outcome = _TARGETS[k % len(_TARGETS)]
                i = n * 997 + g * 31 + k
                past = ", ".join(
                    f'{YEAR - y}: "{outcome(i + y * 7)}"' for y in range(history, 0, -1)
                )
                item = {
                    "id": f"n{n}-g{g}-i{k}",
                    "text": f"Indikator {g + 1}.{k + 1} ({direction})",
                    "direction": direction,
                    "target": target,
                    "outcome": outcome(i),
                    "owner": "Controller",
                    "history": "{" + past + "}" if history else "",
                }
                if unit:
                    item["unit"] = unit
                items.append(item)
            cg = COUNCIL_GOALS[(n + g) % len(COUNCIL_GOALS)][0]
            gl.append((f"n{n}-g{g}", f"Nämndmål {g + 1} för nämnd {n}", cg, items))
        (ws / "goals.yaml").write_text(_goals_yaml(gl), encoding="utf-8")
        with (ws / "huvudbok.se").open("wb") as f:
            write_kommunbas_sie(f, vouchers=max(1, ledger_rows // 4), rows=3, year=YEAR, seed=n)
        refs.append((f"n{n:02d}", f"Nämnd {n:02d} (genererad)", folder, None, None))
    finance = (
        ("Skatteintäkter", "revenue", 900_000 + rng.randrange(1000), 910_000),
        ("Generella statsbidrag och utjämning", "revenue", 300_000, 301_000),
        ("Finansiella kostnader", "cost", 10_000, 9_000),
    )
    council = [(cid, t, []) for cid, t in COUNCIL_GOALS]
    # no stated contribution or result: each board's ledger decides its row
    text = _municipality_yaml(
        f"Årsredovisning {YEAR}", refs, finance, ELIMINATIONS, council, True, None
    )
    (root / "styrkort.yaml").write_text(text, encoding="utf-8")
    return root


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="the folder to (re)write")
    ap.add_argument("--scaled", action="store_true", help="the benchmark's municipality")
    ap.add_argument("--boards", type=int, default=30)
    ap.add_argument("--rows", type=int, default=500_000)
    args = ap.parse_args()
    if args.scaled:
        generate_scaled(args.out, boards=args.boards, ledger_rows=args.rows)
    else:
        generate_example(args.out)
    print(f"skrev {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

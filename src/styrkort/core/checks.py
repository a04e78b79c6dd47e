"""Checks (kontroller), SPEC §8: a registry of small, documented, pure functions.

Each check takes the assessed workspace and yields findings. Add one with::

    @check("area.name")
    def my_check(a: Assessed) -> Iterator[Finding]:
        \"\"\"What it guarantees, in one sentence.\"\"\"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from styrkort.core.activities import (
    ActivityStatus,
    activities_of,
    basis_of,
    counted_parts,
    is_late,
    says_not_carried_out,
)
from styrkort.core.assess import GoalRule, Reason, units_of
from styrkort.core.assessed import Assessed, round_unit
from styrkort.core.assignments import is_overdue
from styrkort.core.finance import (
    RESULT_WORDS,
    ZERO,
    Amounts,
    BoardResult,
    ResultSettings,
    unstorable_amounts,
)
from styrkort.core.findings import Finding, error, info, warning
from styrkort.core.goals import Status, counted, read_verdict, status_word
from styrkort.core.internal_control import ControlResult
from styrkort.core.numbers import format_amount
from styrkort.core.plausibility import implausible
from styrkort.core.targets import Threshold, describe, target_direction
from styrkort.core.values import Direction, Quantity

CheckFn = Callable[[Assessed], Iterator[Finding]]
CHECKS: dict[str, CheckFn] = {}
CHECK_CODES: dict[str, tuple[str, ...]] = {}
"""A check's name → every code its findings carry (the name first; core/codes.py lists them)."""


def check(name: str, *more_codes: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check named by the code it emits (and the other codes it may emit)."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"check {name} registered twice")
        CHECKS[name] = fn
        CHECK_CODES[name] = (name, *more_codes)
        return fn

    return register


def run_checks(a: Assessed, only: set[str] | None = None) -> list[Finding]:
    """Run every registered check (or those with a code in ``only``) and collect their findings."""
    out: list[Finding] = []
    for name, fn in CHECKS.items():
        if only is None or not only.isdisjoint(CHECK_CODES[name]):
            out.extend(fn(a))
    return out


# --- goals and indicators -------------------------------------------------------------


@check("goal.no_indicators")
def goals_have_indicators(a: Assessed) -> Iterator[Finding]:
    """Every board goal has at least one indicator; otherwise it cannot be assessed."""
    for g in a.goals:
        if not g.goal.indicators and not activities_of(a.workspace.followup.activities, g.goal.id):
            yield error(
                g.goal.source,
                "goal.no_indicators",
                f"Nämndmålet '{g.goal.title}' saknar indikatorer och kan inte bedömas enligt regeln.",
                "Lägg till minst en indikator med målvärde, eller gör en manuell bedömning med motivering.",
            )


@check("goal.tie")
def goal_ties_are_decided(a: Assessed) -> Iterator[Finding]:
    """A goal where exactly half the indicators are met or partly met is left to a person."""
    for g in a.goals:
        if g.reason is Reason.TIE and not activities_of(a.workspace.followup.activities, g.goal.id):
            rule = a.workspace.settings.rule.rule_for(g.goal)
            positive = rule.positive if isinstance(rule, GoalRule) else frozenset({Status.MET})
            pos = sum(1 for r in g.indicators if r.status in positive)
            yield warning(
                g.goal.source,
                "goal.tie",
                f"Nämndmålet '{g.goal.title}': exakt hälften av indikatorerna ({pos} av {len(g.indicators)}) "
                "är uppnådda eller delvis uppnådda; bedömningsregeln avgör inte fallet och målet är ej bedömt.",
                "Gör en manuell bedömning av målet (assessment: status och motivering).",
            )
    # goals judged from activities (core/activities.py) are tied in the same way
    yield from activity_goal_ties_are_decided(a)


_TO_DECIDE = {
    Reason.NO_TARGET: "ange ett målvärde",
    Reason.BAD_TARGET: "skriv målvärdet så att det kan tolkas",
    Reason.BAD_OUTCOME: "skriv utfallet så att det kan tolkas",
    Reason.UNIT_MISMATCH: "ange utfall och målvärde i samma enhet",
    Reason.INCOMPARABLE: "ange utfallet i samma form som målvärdet",
    Reason.TIE: "bedöm målet manuellt",
    Reason.EMPTY: "lägg till indikatorer eller bedöm målet manuellt",
    Reason.UNDECIDED: "avgör de delar som är ej bedömda",
}


@check("goal.undecided")
def undecided_goals_say_what_to_decide(a: Assessed) -> Iterator[Finding]:
    """A goal whose status depends on indicators that are not assessed is itself not assessed,
    never negative; the finding names what a person must decide (SPEC §4)."""
    for g in a.goals:
        if g.reason is not Reason.UNDECIDED:
            continue
        open_parts = [r for r in g.indicators if r.status is Status.NOT_ASSESSED]
        what = "; ".join(
            f"'{r.indicator.text}': {_TO_DECIDE.get(r.reason, 'bedöm indikatorn manuellt')}"
            for r in open_parts
        )
        yield warning(
            g.goal.source,
            "goal.undecided",
            f"Nämndmålet '{g.goal.title}' är ej bedömt: bedömningen beror på "
            f"{counted(len(open_parts), 'indikator', 'indikatorer')} som inte kan bedömas ({what}).",
            "Avgör indikatorerna (målvärde, utfall eller manuell bedömning med motivering), "
            "eller bedöm målet manuellt.",
        )


@check("summary.undecided")
def undecided_verdict_says_what_to_decide(a: Assessed) -> Iterator[Finding]:
    """The board's verdict, when the goals leave it open, names the goals a person must decide."""
    s = a.summary
    if s.verdict is not Status.NOT_ASSESSED or s.verdict_reason is Reason.EMPTY:
        return
    open_goals = [g for g in a.goals if g.status is Status.NOT_ASSESSED]
    if s.verdict_reason is Reason.TIE:
        why = "lika många nämndmål talar för som emot"
    else:
        names = ", ".join(f"'{g.goal.title}'" for g in open_goals)
        why = f"den beror på {counted(len(open_goals), 'nämndmål', 'nämndmål')} som är ej bedömda ({names})"
    yield warning(
        a.workspace.claims.source if a.workspace.claims.source.file else a.workspace.period.source,
        "summary.undecided",
        f"Nämndens samlade bedömning av nämndmålen är ej bedömd: {why}.",
        "Avgör de ej bedömda nämndmålen (eller deras indikatorer), eller gör en manuell "
        "bedömning med motivering.",
    )


@check("target.read_as")
def sentence_targets_show_their_reading(a: Assessed) -> Iterator[Finding]:
    """A target read out of a sentence ("75 % av de svarande ska vara nöjda") shows how it was read."""
    for r in a.indicator_results():
        t = r.target
        if isinstance(t, Threshold) and t.reading:
            yield info(
                r.indicator.where("target"),
                "target.read_as",
                f"'{r.indicator.text}': målvärdet '{r.indicator.target}' tolkas som '{t.reading}'.",
                f"Stämmer tolkningen kan målvärdet skrivas kort ('{t.reading}') och resten stå "
                "i indikatorns text.",
            )


@check("indicator.no_target", "target.unreadable", "target.no_baseline", "target.no_direction")
def indicators_have_targets(a: Assessed) -> Iterator[Finding]:
    """Every indicator has a readable target (målvärde)."""
    for r in a.indicator_results():
        ind = r.indicator
        if r.target_problem is not None:
            yield error(
                ind.where("target"),
                r.target_problem.code,
                r.target_problem.message,
                r.target_problem.hint,
            )
        elif r.target is None:
            yield error(
                ind.where("target"),
                "indicator.no_target",
                f"Indikatorn '{ind.text}' saknar målvärde och kan inte bedömas.",
                "Ange ett målvärde (t.ex. '90 %', 'minst 80 %', 'Öka från 71,13').",
            )


@check("indicator.no_outcome", "indicator.bad_outcome")
def indicators_have_outcomes(a: Assessed) -> Iterator[Finding]:
    """Every indicator has a readable outcome (utfall) for the period."""
    for r in a.indicator_results():
        ind = r.indicator
        if r.reason is Reason.BAD_OUTCOME and r.override is None:
            yield error(
                ind.where("outcome"),
                "indicator.bad_outcome",
                f"Utfallet '{ind.outcome}' för '{ind.text}' kan inte tolkas.",
                "Skriv ett tal med enhet ('67 %', '21 st', '-823 tkr'), Ja/Nej, eller '—' om värde saknas.",
            )
        elif r.reason is Reason.NO_OUTCOME or (r.override and r.computed is Status.NO_VALUE):
            yield error(
                ind.where("outcome"),
                "indicator.no_outcome",
                f"Indikatorn '{ind.text}' saknar utfall; den räknas som 'saknar värde' i målbedömningen.",
                f"Be indikatorns ägare{f' ({ind.owner})' if ind.owner else ''} att ange utfallet, "
                "eller koppla indikatorn till en beräkning (metric).",
            )


@check("indicator.implausible")
def values_are_plausible(a: Assessed) -> Iterator[Finding]:
    """Outcomes and forecasts that can be read but look wrong (core/plausibility.py): a share
    outside 0–100 %, a negative count, a decimal point, a value far from the history."""
    year = a.workspace.period.year if a.workspace is not None else None
    for r in a.indicator_results():
        ind = r.indicator
        for field_name, what in (("outcome", "Utfallet"), ("forecast", "Prognosen")):
            notes = implausible(
                getattr(ind, field_name),
                ind.unit,
                what=what,
                baseline=ind.baseline,
                history=ind.history,
                year=year,
            )
            if notes:
                yield warning(
                    ind.where(field_name),
                    "indicator.implausible",
                    f"'{ind.text}': " + " ".join(notes),
                    "Rätta värdet om det är fel; stämmer det, låt det stå och förklara det i kommentaren.",
                )


@check("indicator.unit_mismatch", "indicator.incomparable")
def units_agree(a: Assessed) -> Iterator[Finding]:
    """The units of outcome, target and indicator agree (no percentage compared with an index)."""
    for r in a.indicator_results():
        ind_unit, out_unit, tgt_unit = units_of(r)
        ind = r.indicator
        declared = ind_unit
        pairs = [("utfallet", out_unit, "outcome"), ("målvärdet", tgt_unit, "target")]
        for what, unit, field_name in pairs:
            if unit and declared and unit != declared:
                yield error(
                    ind.where(field_name),
                    "indicator.unit_mismatch",
                    f"'{ind.text}': {what} anges i '{unit}' men indikatorn mäts i '{declared}'"
                    + (
                        " (en procentsats jämförs med ett index)."
                        if {unit, declared} == {"%", "index"}
                        else "."
                    ),
                    f"Ange {what} i '{declared}', eller rätta indikatorns enhet (unit).",
                )
        if out_unit and tgt_unit and out_unit != tgt_unit and not declared:
            yield error(
                ind.where("outcome"),
                "indicator.unit_mismatch",
                f"'{ind.text}': utfallet anges i '{out_unit}' men målvärdet i '{tgt_unit}'.",
                "Ange utfall och målvärde i samma enhet, och ange indikatorns enhet (unit).",
            )
        if r.reason is Reason.INCOMPARABLE:
            yield error(
                ind.where("outcome"),
                "indicator.incomparable",
                f"'{ind.text}': utfallet kan inte jämföras med målvärdet ({describe(r.target) if r.target else '—'}).",
                "Ange utfallet i samma form som målvärdet (tal mot tal, Ja/Nej mot Ja/Nej).",
            )


_INCREASE_TEXT = re.compile(r"^\s*(öka|höja|förbättra)", re.I)
_DECREASE_TEXT = re.compile(r"^\s*(minska|sänka|reducera)", re.I)


@check("indicator.direction_text", "indicator.direction_target")
def direction_agrees_with_text_and_target(a: Assessed) -> Iterator[Finding]:
    """The indicator's direction, the verb of its text and the kind of target do not contradict each other."""
    for r in a.indicator_results():
        ind = r.indicator
        text_dir = (
            Direction.INCREASE
            if _INCREASE_TEXT.match(ind.text)
            else Direction.DECREASE
            if _DECREASE_TEXT.match(ind.text)
            else None
        )
        tgt_dir = target_direction(r.target) if r.target is not None else None
        if text_dir and ind.direction and text_dir is not ind.direction:
            yield warning(
                ind.where("direction"),
                "indicator.direction_text",
                f"'{ind.text}': texten säger '{text_dir.swedish}' men riktningen är angiven som "
                f"'{ind.direction.swedish}'.",
                "Rätta direction (increase/decrease) eller indikatorns text.",
            )
        reference = ind.direction or text_dir
        if reference and tgt_dir and reference is not tgt_dir:
            yield warning(
                ind.where("target"),
                "indicator.direction_target",
                f"'{ind.text}': målvärdet '{ind.target}' ({describe(r.target) if r.target else ''}) "
                f"går emot indikatorns riktning ({reference.swedish}).",
                "Kontrollera målvärdet: ska det vara 'minst' eller 'högst', 'Öka' eller 'Minska'?",
            )


@check("assessment.override", "assessment.no_justification")
def overrides_are_justified(a: Assessed) -> Iterator[Finding]:
    """A manual assessment has a justification; each accepted override is listed for the record."""
    items = [(r.indicator.manual, r.indicator.text, r.computed) for r in a.indicator_results()]
    items += [(g.goal.manual, g.goal.title, g.computed) for g in a.goals]
    for manual, name, computed in items:
        if manual is None:
            continue
        if not manual.justification.strip():
            yield error(
                manual.source,
                "assessment.no_justification",
                f"Den manuella bedömningen av '{name}' saknar motivering och används inte.",
                "Skriv en motivering (justification) till bedömningen.",
            )
        else:
            yield info(
                manual.source,
                "assessment.override",
                f"'{name}' är manuellt bedömd som '{manual.status.value}' (beräknat: '{computed.value}')"
                + (f" av {manual.by}" if manual.by else "")
                + (f" {manual.date}" if manual.date else "")
                + f". Motivering: {manual.justification}",
            )


@check("summary.counts", "summary.more_than_indicators")
def published_summary_matches(a: Assessed) -> Iterator[Finding]:
    """Counts stated in a published summary match the goal tables."""
    claims = a.workspace.claims
    s = a.summary
    stated = [(claims.summary_met, Status.MET), (claims.summary_partly, Status.PARTLY)]
    for claimed, status in stated:
        if claimed is not None and claimed != s.count(status):
            yield error(
                claims.source,
                "summary.counts",
                f"Sammanfattningen anger {claimed} st {status_word(status, claimed)}, "
                f"men måltabellerna ger {s.count(status)} st "
                f"(av {counted(s.indicators, 'indikator', 'indikatorer')}).",
                "Använd den genererade sammanfattningen, eller rätta måltabellerna.",
            )
    if claims.summary_met is not None and claims.summary_partly is not None:
        total = claims.summary_met + claims.summary_partly
        if total > s.indicators:
            yield error(
                claims.source,
                "summary.more_than_indicators",
                f"Sammanfattningen räknar {counted(total, 'indikator', 'indikatorer')} "
                f"({claims.summary_met} + {claims.summary_partly}) "
                f"men måltabellerna har bara {s.indicators}.",
                "Kontrollera om en indikator saknas i tabellerna eller räknats två gånger.",
            )


@check("summary.verdict", "summary.goal_counts")
def published_verdict_matches(a: Assessed) -> Iterator[Finding]:
    """The verdict sentence and goal counts a published report printed equal what its goal tables give."""
    claims = a.workspace.claims
    s = a.summary
    if claims.verdict_text:
        stated = read_verdict(claims.verdict_text)
        if stated is not None and stated is not s.verdict:
            why = (
                " (den beror på nämndmål som är ej bedömda)"
                if s.verdict_reason in (Reason.UNDECIDED, Reason.TIE)
                else ""
            )
            yield error(
                claims.source,
                "summary.verdict",
                f"Den publicerade sammanfattningen säger '{claims.verdict_text.strip()}' "
                f"({stated.value}), men nämndmålen i tabellerna ger '{s.verdict.value}'{why}.",
                "Rätta sammanfattningen efter måltabellerna, eller bedöm de nämndmål som "
                "avgör saken manuellt med motivering.",
            )
    for status, claimed in claims.goal_counts:
        got = s.count(status, goals=True)
        if claimed != got:
            yield error(
                claims.source,
                "summary.goal_counts",
                f"Sammanfattningen anger {claimed} nämndmål som {status_word(status, claimed, neuter=True)}, "
                f"men måltabellerna ger {got}.",
                "Använd den genererade sammanfattningen, eller rätta måltabellerna.",
            )


# --- finance --------------------------------------------------------------------------


@check("finance.amount_range")
def amounts_can_be_stored(a: Assessed) -> Iterator[Finding]:
    """Every amount of the finance tables fits what the database stores exactly
    (16 integer digits, 4 decimals), whether it was typed or summed from a ledger."""
    ws = a.workspace
    for label, source, column, problem in unstorable_amounts(
        ws.operating, ws.investments, ws.frames
    ):
        yield error(
            source,
            "finance.amount_range",
            f"'{label}', kolumnen {column}: {problem}",
            "Kontrollera beloppet i källan (budgetfil, huvudbok eller tabell) och rätta det.",
        )


@check(
    "allocation.sum", "allocation.no_key", "allocation.member_missing", "allocation.unknown_member"
)
def allocation_sums_to_result(a: Assessed) -> Iterator[Finding]:
    """The members' shares add up to the board's result, to the krona, and every member has a share."""
    al = a.allocation
    org = a.workspace.organisation
    key = org.allocation_key
    if key is None:
        if org.members and a.operating is not None:
            yield warning(
                org.source,
                "allocation.no_key",
                "Nämnden har medlemskommuner men ingen fördelningsnyckel; resultatet kan inte fördelas.",
                "Ange allocation_key med vikter per medlem, underlag och beslut.",
            )
        return
    members = {m.id for m in org.members}
    keyed = {m for m, _ in key.weights}
    for missing in sorted(members - keyed):
        yield error(
            key.source,
            "allocation.member_missing",
            f"Medlemmen '{missing}' saknas i fördelningsnyckeln.",
            "Ange en vikt för varje medlemskommun.",
        )
    for extra in sorted(keyed - members):
        yield error(
            key.source,
            "allocation.unknown_member",
            f"Fördelningsnyckeln har en vikt för '{extra}', som inte är medlem.",
            "Rätta medlemmens id i nyckeln eller lägg till medlemmen.",
        )
    if al is not None:
        total = sum((amt for _, amt in al.parts), Decimal(0))
        if total != al.result:
            yield error(
                key.source,
                "allocation.sum",
                f"Fördelningen summerar till {total} kr men resultatet är {al.result} kr.",
                "Fördela med största-restmetoden så att delarna summerar exakt.",
            )


@check("investment.frame_overrun")
def frames_not_overrun(a: Assessed) -> Iterator[Finding]:
    """Multi-year frames: an overrun is stated so that the text explains it."""
    inv = a.investments
    if inv is None:
        return
    for part in inv.frames:
        if part.remaining < 0:
            member = a.workspace.organisation.member(part.member)
            yield info(
                part.source,
                "investment.frame_overrun",
                f"{part.project}, {member.name if member else part.member}: ramen är överskriden med {format_amount(-round_unit(part.remaining))} tkr.",
                "Förklara överskridandet i texten (t.ex. utökning utanför ursprungsramen).",
            )


_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


@check("period.label_year")
def period_labels_match_year(a: Assessed) -> Iterator[Finding]:
    """Labels that name a year name the report's year."""
    year = a.workspace.period.year
    labels = [
        (
            a.workspace.investment_total_label,
            a.workspace.investment_total_label_source,
            "Summaraden i investeringsredovisningen",
        )
    ]
    labels += [(r.category, r.source, "Raden i driftredovisningen") for r in a.workspace.operating]
    labels += [
        (r.project, r.source, "Projektet i investeringsredovisningen")
        for r in a.workspace.investments
    ]
    labels += [(s.title, s.source, "Rubriken") for s in a.workspace.narrative]
    for label, source, what in labels:
        for m in _YEAR.finditer(label or ""):
            if int(m.group(1)) != year:
                yield error(
                    source,
                    "period.label_year",
                    f"{what} '{label}' anger året {m.group(1)}, men rapporten avser {year}.",
                    f"Rätta till {year}, eller ta bort årtalet så att etiketten genereras.",
                )


_TKR = re.compile(r"(?<![\d,])(-|−|–)?\s?(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)\s?tkr\b")


@check("text.figure_not_in_tables")
def quoted_figures_match_tables(a: Assessed) -> Iterator[Finding]:
    """Amounts in tkr written into narrative text exist in the finance tables."""
    known: set[Decimal] = set()
    if a.operating is not None:
        amounts: list[Amounts] = [
            *a.operating.rows,
            a.operating.total_revenues,
            a.operating.total_costs,
        ]
        amounts.append(a.operating.net)
        for row in amounts:
            known |= {
                abs(round_unit(row.budget)),
                abs(round_unit(row.outcome)),
                abs(round_unit(row.deviation)),
            }
    if a.investments is not None:
        for ir in a.investments.rows:
            known |= {
                abs(round_unit(ir.budget)),
                abs(round_unit(ir.outcome)),
                abs(round_unit(ir.deviation)),
            }
        t = a.investments.total
        known |= {
            abs(round_unit(t.budget)),
            abs(round_unit(t.outcome)),
            abs(round_unit(t.deviation)),
        }
        for p in a.investments.frames:
            known |= {
                abs(round_unit(p.frame)),
                abs(round_unit(p.outcome)),
                abs(round_unit(p.remaining)),
                abs(round_unit(p.accumulated)),
            }
        for project in a.investments.projects_with_frames():
            known.add(
                abs(
                    round_unit(
                        sum((p.outcome for p in a.investments.frame_parts(project)), Decimal(0))
                    )
                )
            )
    if a.allocation is not None:
        known |= {abs(round_unit(v)) for _, v in a.allocation.parts}
    if not known:
        return
    for section in a.workspace.narrative:
        base = section.source.line or 1
        for offset, line in enumerate(section.markdown.splitlines()):
            if "{{" in line:
                line = re.sub(r"\{\{.*?\}\}", "", line)
            for m in _TKR.finditer(line):
                value = Decimal(re.sub(r"[ \u00a0]", "", m.group(2)))
                if value not in known:
                    yield warning(
                        section.source._replace(line=base + offset),
                        "text.figure_not_in_tables",
                        f"Texten anger {m.group(0).strip()}, ett belopp som inte finns i någon tabell.",
                        "Kontrollera beloppet, eller bädda in det levande med {{ … }} så att det alltid stämmer.",
                    )


@check("indicator.budget_mismatch")
def budget_indicator_matches_statement(a: Assessed) -> Iterator[Finding]:
    """A written budget-indicator outcome equals the operating statement's deviation."""
    op = a.operating
    if op is None:
        return
    for r in a.indicator_results():
        ind = r.indicator
        if ind.kind != "budget" or ind.id in a.computed:
            continue
        if isinstance(r.outcome, Quantity):
            expected = round_unit(op.net.deviation)
            written = r.outcome.value
            if r.outcome.unit in {"tkr", None} and written != expected:
                yield error(
                    ind.where("outcome"),
                    "indicator.budget_mismatch",
                    f"'{ind.text}': utfallet {ind.outcome} skiljer sig från driftredovisningens avvikelse "
                    f"{format_amount(expected)} tkr.",
                    "Lämna utfallet tomt så hämtas det från driftredovisningen.",
                )


# --- activities, council assignments, internal control (core/activities.py, assignments.py,
# internal_control.py). "Today" is the period's last day: core has no clock.


@check("activity.done_incomplete")
def done_activities_are_complete(a: Assessed) -> Iterator[Finding]:
    """An activity marked klar has a degree of completion of 100 % (or none given)."""
    for act in a.workspace.followup.activities:
        if (
            act.status is ActivityStatus.DONE
            and act.completion is not None
            and act.completion < 100
        ):
            yield error(
                act.where("completion"),
                "activity.done_incomplete",
                f"Aktiviteten '{act.title}' är markerad som klar men färdiggraden är {act.completion} %.",
                "Sätt färdiggraden till 100 %, eller ändra status till pågår eller försenad.",
            )


@check("activity.done_not_carried_out")
def done_activities_were_carried_out(a: Assessed) -> Iterator[Finding]:
    """An activity marked klar does not have a comment saying it was not carried out (activities.NOT_CARRIED_OUT)."""
    for act in a.workspace.followup.activities:
        phrase = says_not_carried_out(act.comment) if act.status is ActivityStatus.DONE else None
        if phrase:
            yield error(
                act.where("comment"),
                "activity.done_not_carried_out",
                f"Aktiviteten '{act.title}' är markerad som klar, men kommentaren säger '{phrase}'.",
                "Ändra status (försenad, avbruten, ej påbörjad) eller rätta kommentaren.",
            )


@check("activity.goal_met_unfinished")
def met_goals_have_finished_activities(a: Assessed) -> Iterator[Finding]:
    """A goal judged uppnått has no activity that is still ej påbörjad, pågår or försenad."""
    for g in a.goals:
        if g.status is not Status.MET:
            continue
        open_ = [
            act
            for act in activities_of(a.workspace.followup.activities, g.goal.id)
            if not act.status.finished
        ]
        if open_:
            names = ", ".join(f"'{act.title}' ({act.status.value})" for act in open_)
            yield warning(
                g.goal.source,
                "activity.goal_met_unfinished",
                f"Nämndmålet '{g.goal.title}' bedöms uppnått men har aktiviteter som inte är klara: {names}.",
                "Bedöm målet som delvis uppnått, eller uppdatera aktiviteternas status.",
            )


@check("activity.late_comment")
def late_activities_are_explained(a: Assessed) -> Iterator[Finding]:
    """A late activity (försenad, or past its deadline and not finished) has a comment saying why."""
    today = a.workspace.period.last_day
    for act in a.workspace.followup.activities:
        if is_late(act, today) and not act.comment.strip():
            when = f" (slutdatum {act.deadline.isoformat()})" if act.deadline else ""
            yield warning(
                act.where("status"),
                "activity.late_comment",
                f"Aktiviteten '{act.title}' är försenad{when} men saknar kommentar.",
                f"Be ansvarig{f' ({act.owner})' if act.owner else ''} att kommentera varför och när den blir klar.",
            )


def activity_goal_ties_are_decided(a: Assessed) -> Iterator[Finding]:
    """A goal judged from activities where exactly half the parts count for it is left to a person."""
    f = a.workspace.followup
    for g in a.goals:
        own = activities_of(f.activities, g.goal.id)
        if g.reason is Reason.TIE and own:
            n = counted_parts(g, own, basis_of(g.goal, own, f.bases.get(g.goal.id)))
            yield warning(
                g.goal.source,
                "goal.tie",
                f"Nämndmålet '{g.goal.title}': exakt hälften av de {n} delar som bedöms är klara "
                "eller pågår enligt plan; bedömningsregeln avgör inte fallet och målet är ej bedömt.",
                "Gör en manuell bedömning av målet (assessment: status och motivering).",
            )


@check("assignment.overdue")
def assignments_not_overdue(a: Assessed) -> Iterator[Finding]:
    """A council assignment whose deadline has come by the period's end is genomfört, or is flagged."""
    today = a.workspace.period.last_day
    for asg in a.workspace.followup.assignments:
        if is_overdue(asg, today):
            assert asg.deadline is not None
            yield warning(
                asg.where("deadline"),
                "assignment.overdue",
                f"Uppdraget '{asg.text}' skulle vara klart {asg.deadline.isoformat()} men är "
                f"{asg.status.value} vid periodens slut ({today.isoformat()}).",
                "Förklara i kommentaren varför och när uppdraget blir genomfört.",
            )


@check("internal_control.high_risk_control")
def high_risks_have_controls(a: Assessed) -> Iterator[Finding]:
    """Every risk valued at or above the scale's control level has at least one control."""
    plan = a.workspace.followup.internal_control
    for r in plan.risks:
        if r.value >= plan.scale.control_from and not r.controls:
            level = plan.scale.level(r.value).name
            yield error(
                r.source,
                "internal_control.high_risk_control",
                f"Risken '{r.title}' har riskvärdet {r.value} ({level}) men ingen kontroll.",
                f"Lägg till en kontroll för risken (risker med värde {plan.scale.control_from} "
                "eller mer ska kontrolleras), eller motivera en lägre riskbedömning.",
            )


@check("internal_control.control_result")
def controls_have_results(a: Assessed) -> Iterator[Finding]:
    """Every control of the plan has a result in the follow-up (utan anmärkning, avvikelse, ej genomförd)."""
    for c in a.workspace.followup.internal_control.controls:
        if c.result is None:
            yield warning(
                c.where("result"),
                "internal_control.control_result",
                f"Kontrollen '{c.title}' saknar resultat i uppföljningen.",
                f"Be ansvarig{f' ({c.owner})' if c.owner else ''} att ange resultat: "
                "utan anmärkning, avvikelse eller ej genomförd.",
            )


@check("internal_control.deviation_action")
def deviations_have_actions(a: Assessed) -> Iterator[Finding]:
    """Every deviation found by a control has an action (åtgärd); a result avvikelse names its deviations."""
    for c in a.workspace.followup.internal_control.controls:
        for d in c.deviations:
            if not d.action.strip():
                yield error(
                    d.source if d.source.file else c.source,
                    "internal_control.deviation_action",
                    f"Avvikelsen '{d.text}' i kontrollen '{c.title}' saknar åtgärd.",
                    "Ange vilken åtgärd som vidtas och vem som ansvarar för den.",
                )
        if c.result is ControlResult.DEVIATION and not c.deviations:
            yield error(
                c.where("result"),
                "internal_control.deviation_action",
                f"Kontrollen '{c.title}' har resultatet avvikelse men ingen avvikelse är beskriven.",
                "Beskriv avvikelsen och åtgärden (deviations: text, action, owner).",
            )


# --- the board's result: net model, balanskrav, results carried forward (core/finance.py
# ResultSettings, BoardResult). Every relation between the columns is stated and checked.


def _kr(value: Decimal) -> str:
    return f"{format_amount(value)} kr"


def _where(key: str) -> str:
    """Where a result field is written: its key in styrkort.yaml and its words on the web's
    Ekonomi screen (the same words as the report, core.finance.RESULT_WORDS)."""
    word = "Varav-rader" if key == "parts" else RESULT_WORDS[key]
    return f"(finance: {key} i styrkort.yaml; '{word}' på skärmen Ekonomi)"


def _board(a: Assessed) -> tuple[ResultSettings, BoardResult] | None:
    if a.board_result is None:
        return None
    return a.workspace.result_settings, a.board_result


@check("finance.contribution", "finance.contribution_missing")
def contribution_matches_budget(a: Assessed) -> Iterator[Finding]:
    """Net model: the stated contribution less the operating statement's budgeted net cost is
    the budgeted result (kommunbidrag − budgeterad nettokostnad = budgeterat resultat)."""
    got = _board(a)
    if got is None or a.operating is None or not got[0].is_net:
        return
    s, _b = got
    net_cost = a.operating.net.budget
    if s.contribution is None:
        yield warning(
            s.where("model"),
            "finance.contribution_missing",
            "Nämnden budgeteras med nettoram men kommunbidraget är inte angivet; rapporten "
            f"räknar med budgeterad nettokostnad plus budgeterat resultat, "
            f"{_kr(net_cost + s.budget_result)}.",
            "Ange kommunbidraget (nämndbidraget) i kronor "
            f"{_where('contribution')}, eller välj bruttobudget (model: gross).",
        )
        return
    planned = s.contribution - net_cost
    if planned != s.budget_result:
        yield error(
            s.where("contribution"),
            "finance.contribution",
            f"Kommunbidraget {_kr(s.contribution)} minus driftredovisningens budgeterade "
            f"nettokostnad {_kr(net_cost)} ger ett budgeterat resultat på {_kr(planned)}, men "
            f"budgeterat resultat är angivet till {_kr(s.budget_result)}; skillnaden är "
            f"{_kr(planned - s.budget_result)}.",
            "Rätta kommunbidraget, budgeterat resultat eller budgetkolumnen i driftredovisningen "
            "så att kommunbidrag − budgeterad nettokostnad = budgeterat resultat.",
        )


@check("finance.parts")
def parts_within_board(a: Assessed) -> Iterator[Finding]:
    """The varav parts together are no more than the board's contribution, revenues and costs."""
    got = _board(a)
    if got is None or not got[0].parts:
        return
    s, b = got
    names = {"contribution": "kommunbidrag", "revenues": "intäkter", "costs": "kostnader"}
    for key, word in names.items():
        board = getattr(b, key)
        total = sum((getattr(p, key) for p in s.parts), ZERO)
        if board >= 0 and total > board:
            labels = ", ".join(f"'{p.label}'" for p in s.parts)
            yield error(
                s.parts[0].source if len(s.parts) == 1 else s.where("parts"),
                "finance.parts",
                f"Varav-raderna ({labels}) har tillsammans {word} {_kr(total)}, mer än "
                f"nämndens {word} {_kr(board)}; en del kan inte vara större än helheten.",
                f"Rätta varav-radernas {word} {_where('parts')} eller nämndens belopp.",
            )


@check("finance.closing_result", "finance.disposition_without_opening")
def carried_result_adds_up(a: Assessed) -> Iterator[Finding]:
    """Utgående redovisat resultat = ingående + årets resultat − disposition, and a disposition
    has an ingående result to take from."""
    got = _board(a)
    if got is None:
        return
    s, b = got
    if s.opening_result is None:
        if s.disposition is not None or s.closing_result is not None:
            key = "disposition" if s.disposition is not None else "closing_result"
            yield warning(
                s.where(key),
                "finance.disposition_without_opening",
                "Disposition eller utgående redovisat resultat är angivet men inte ingående "
                "redovisat resultat; resultatöverföringen kan inte räknas.",
                "Ange ingående redovisat resultat (0 om nämnden inte har något) "
                f"{_where('opening_result')}.",
            )
        return
    closing = b.closing_result
    if s.closing_result is not None and closing is not None and s.closing_result != closing:
        yield error(
            s.where("closing_result"),
            "finance.closing_result",
            f"Utgående redovisat resultat anges till {_kr(s.closing_result)}, men ingående "
            f"{_kr(s.opening_result)} + årets resultat {_kr(b.result)} − disposition "
            f"{_kr(s.disposition or ZERO)} = {_kr(closing)}; skillnaden är "
            f"{_kr(s.closing_result - closing)}.",
            "Rätta ingående resultat, dispositionen eller det angivna utgående resultatet, "
            f"eller töm det angivna utgående resultatet {_where('closing_result')} så räknas "
            "det fram.",
        )


@check("finance.balance_result", "finance.balance_adjustment_text")
def balance_result_adds_up(a: Assessed) -> Iterator[Finding]:
    """Balanskravsresultat = årets resultat + justering balanskrav, and the adjustment says
    what it is."""
    got = _board(a)
    if got is None:
        return
    s, b = got
    if s.balance_adjustment is not None and s.balance_adjustment and not s.balance_adjustment_text:
        yield warning(
            s.where("balance_adjustment"),
            "finance.balance_adjustment_text",
            f"Justering balanskrav {_kr(s.balance_adjustment)} saknar en text som säger vad "
            "den avser; rapporten skriver bara 'Justering balanskrav'.",
            f"Skriv vad justeringen avser {_where('balance_adjustment_text')}, t.ex. "
            "Realisationsvinster.",
        )
    if s.balance_result is None:
        return
    computed = b.result + (s.balance_adjustment or ZERO)
    if s.balance_result != computed:
        yield error(
            s.where("balance_result"),
            "finance.balance_result",
            f"Balanskravsresultatet anges till {_kr(s.balance_result)}, men årets resultat "
            f"{_kr(b.result)} + justering balanskrav {_kr(s.balance_adjustment or ZERO)} = "
            f"{_kr(computed)}; skillnaden är {_kr(s.balance_result - computed)}.",
            "Rätta justeringen eller det angivna balanskravsresultatet, eller töm det "
            f"{_where('balance_result')} så räknas det fram.",
        )


# Checks kept in their own modules register themselves on import.
from styrkort.core import history_checks as _history_checks  # noqa: E402, F401

"""Targets (målvärden) parsed from the Swedish text people write, and compared with outcomes.

See SPEC §3 and docs/workspace.md (the target reference, checked by
tests/core/test_target_forms.py). ``parse_target`` never raises: it returns a
typed target, or a ``TargetProblem`` that says why the text could not be read
and how to write it. It never keeps an unknown word as a unit: a word where a
unit stands is either a unit we know or a refusal.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from styrkort.core.numbers import parse_decimal
from styrkort.core.values import (
    DEFAULT_SCALES,
    MISSING_WORDS,
    NUMBER,
    NUMBER_WORDS,
    UNITS,
    DateValue,
    Direction,
    Level,
    Missing,
    Quantity,
    Scale,
    Value,
    YesNo,
    parse_date,
    share,
)


class Bound(enum.Enum):
    """Which side of a threshold is met."""

    AT_LEAST = ">="
    """Met when the outcome is the threshold or above."""
    AT_MOST = "<="
    """Met when the outcome is the threshold or below."""

    @property
    def direction(self) -> Direction:
        return Direction.INCREASE if self is Bound.AT_LEAST else Direction.DECREASE


@dataclass(frozen=True, slots=True)
class Threshold:
    """``90%``, ``minst 80 %``, ``högst 20 st``: reaching the value exactly counts as met.

    ``strict`` (``> 75``, ``över 75``, ``mindre än 5``): the value itself is not met.
    ``reading`` is set when the threshold was read out of a sentence
    ("75 % av de svarande ska vara nöjda"): the sentence stays the indicator's
    description and the reading is shown to the user.
    """

    bound: Bound
    value: Decimal
    unit: str | None = None
    strict: bool = False
    reading: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """``Öka från 71,13``, ``Minska från 7%``: any move in the right direction is met; no move is not.

    ``goal`` is the value to reach when the target names one (``Öka från 60
    till 80``, ``Öka med 5 %`` from a baseline): then reaching it is met, and a
    part of the way may be partly met (SPEC §4).
    """

    direction: Direction
    baseline: Decimal | None
    unit: str | None = None
    goal: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Maintain:
    """``Bibehålla``, ``oförändrat``: not worse than the baseline."""

    baseline: Decimal | None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Equals:
    """``Ja`` / ``Nej``: the outcome must be exactly this."""

    value: bool


@dataclass(frozen=True, slots=True)
class Range:
    """``70–80 %``: within the range, ends included."""

    low: Decimal
    high: Decimal
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """``senast 2021-06-30``: the outcome is the date it was done, on or before the deadline."""

    date: dt.date


@dataclass(frozen=True, slots=True)
class AtLeastLevel:
    """``gult``, ``minst gult``: a level on a declared scale (worst first), or better."""

    scale: Scale
    level: int


Target = Threshold | Change | Maintain | Equals | Range | Deadline | AtLeastLevel


@dataclass(frozen=True, slots=True)
class TargetProblem:
    """Why a target text could not be read, and how to write it."""

    code: str
    message: str
    hint: str


HOW_TO_WRITE = (
    "Skriv t.ex. '90 %', 'minst 80 %', 'högst 20 st', '≥ 80 %', 'Lägst index 60', '9 av 10', "
    "'Öka från 71,13', 'Öka från 60 till 80', 'Minska med 10 %', 'Bibehålla', 'Ja', '70–80 %', "
    "'senast 2021-06-30' eller 'gult' – eller lämna tomt om indikatorn saknar målvärde."
)

# Scales people name before the number: "Lägst index 60", "Minst NMI 70", "Nöjd Kund Index 65".
NAMED_INDEX = (
    "nöjd kund index", "nöjd-kund-index", "nöjdkundindex", "nöjd medborgarindex",
    "nöjd medborgar-index", "nöjd inflytandeindex", "nöjd inflytande-index", "nöjd region-index",
    "hållbart medarbetarengagemang", "medarbetarengagemang", "medarbetarindex", "betygsindex",
    "kvalitetsindex", "impact index", "nki", "nmi", "nii", "nri", "hme", "index", "indexvärde",
    "indexvärdet",
)  # fmt: skip

_WORDS_AT_LEAST = (
    "minst", "lägst", "åtminstone", "min", "min.", "≥", ">=", "inte under", "ej under",
    "inte understiga", "ej understiga",
)  # fmt: skip
_WORDS_AT_MOST = (
    "högst", "max", "max.", "maximalt", "maximum", "≤", "<=", "inte över", "ej över",
    "inte överstiga", "ej överstiga",
)  # fmt: skip
_WORDS_ABOVE = ("över", "mer än", "fler än", "högre än", "större än", ">")
_WORDS_BELOW = ("under", "mindre än", "färre än", "lägre än", "<")
_SUFFIX_AT_LEAST = (
    "eller mer",
    "eller högre",
    "eller fler",
    "eller bättre",
    "eller över",
    "och uppåt",
)
_SUFFIX_AT_MOST = ("eller mindre", "eller lägre", "eller färre", "eller under", "och nedåt")

_PREFIXES: tuple[tuple[str, Bound, bool], ...] = tuple(
    sorted(
        [(w, Bound.AT_LEAST, False) for w in _WORDS_AT_LEAST]
        + [(w, Bound.AT_MOST, False) for w in _WORDS_AT_MOST]
        + [(w, Bound.AT_LEAST, True) for w in _WORDS_ABOVE]
        + [(w, Bound.AT_MOST, True) for w in _WORDS_BELOW],
        key=lambda p: -len(p[0]),
    )
)

_INCREASE = (
    r"öka|ökas|ökad|ökat|ökade|ökning|ökande|höja|höjas|höjd|förbättra|förbättras|förbättring|"
    r"stärka|stärkas|stärkt|förstärkas"
)
_DECREASE = r"minska|minskas|minskad|minskat|minskade|minskning|minskande|sänka|sänkas|sänkt|reducera|reduceras"
_CHANGE = re.compile(
    rf"^(?:(?:ska|skall|bör)\s+)?(?P<verb>{_INCREASE}|{_DECREASE})\b\s*(?P<rest>.*)$", re.I
)
# Words between "ska" and the verb ("Under perioden ska utsläppen minska", "ska fortsätta att
# minska"), never a negation: "ska inte öka" is no increase.
_WORDS_BEFORE_VERB = r"(?:(?!(?:inte|ej|icke|aldrig)\b)[^\d\s]+\s+){0,6}?"
# "Sjukfrånvaron ska minska", "Soliditeten ska förbättras": the subject first, no number.
_SUBJECT_CHANGE = re.compile(
    rf"^\D*?\s(?:ska|skall|bör)\s+{_WORDS_BEFORE_VERB}(?P<verb>{_INCREASE}|{_DECREASE})(?P<rest>)$",
    re.I,
)
# "Andel naturmark med höga naturvärden ska inte minska, utan snarare öka" (Nacka)
_SUBJECT_NOT_WORSE = re.compile(
    rf"^\D*?\s(?:ska|skall|bör)\s+(?:inte|ej)\s+(?:{_INCREASE}|{_DECREASE}|försämras)\b\D*$",
    re.I,
)
# "Energianvändningen ska sänkas med minst 20 procent per person fram till 2020, jämfört med
# 2001–2005" (Malmö): a change by a step from the baseline, never "minst 20 %".
_SUBJECT_CHANGE_BY = re.compile(
    rf"^\D*?\s(?:ska|skall|bör)\s+{_WORDS_BEFORE_VERB}(?P<verb>{_INCREASE}|{_DECREASE})"
    rf"\s+med\s+(?:minst\s+)?(?P<step>{NUMBER}\s*(?:%|procentenheter|procent)?)(?![\w%])(?P<tail>.*)$",
    re.I,
)
_MAINTAIN = re.compile(
    r"^(?:(?:ska|skall)\s+)?(?:bibehålla|bibehålls|bibehållas|bibehållen|behålla|behålls|"
    r"oförändrat|oförändrad|oförändrade|samma nivå|minst oförändrat|minst samma nivå|"
    r"bibehållen nivå|ligga kvar|ej försämras|inte försämras|ingen försämring)"
    r"(?:\s+(?:nivå|resultat|värde))?(?:\s+(?:på|från|vid|som))?(?:\s+(?P<rest>.+))?$",
    re.I,
)
_LAST_YEAR = re.compile(
    r"^(?:jämfört med|mot|i förhållande till|från|än)?\s*(?:föregående år|fg år|fg\. år|"
    r"förra året|föregående mätning|föregående period|tidigare år|året innan)\.?$",
    re.I,
)
_RANGE = re.compile(
    rf"^(?:mellan\s+)?(?P<low>{NUMBER})\s*(?P<lunit>[^\d\s–—-][^\d–—-]*?)?\s*(?:[-–—]|till|och)\s*"
    rf"(?P<high>{NUMBER})\s*(?P<unit>\S.*)?$",
    re.I,
)
_NUM_AT_START = re.compile(rf"^(?P<num>{NUMBER})(?![\d/])\s*(?P<rest>.*)$")
_ANY_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[,.]\d+)?")
_SHARE_IN_TEXT = re.compile(
    r"\b(?:\d+|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio)\s*(?:av|/)\s*(?:\d+|tio)\b", re.I
)
_DEADLINE = re.compile(
    r"^(?:(?:klar|klart|genomfört|genomförd|införd|infört|beslutad|antagen|senast)\s+)*"
    r"(?:senast\s+)?(?:den\s+)?(?P<date>\d{4}-\d{2}-\d{2})$",
    re.I,
)
_WORD_PERCENT = re.compile(rf"\b({'|'.join(NUMBER_WORDS)})\s+(procent|procentenheter)\b", re.I)
_UNITS_LONGEST = tuple(sorted(UNITS, key=len, reverse=True))


def _problem_unreadable(text: str, detail: str = "") -> TargetProblem:
    return TargetProblem(
        "target.unreadable",
        f"Målvärdet '{text}' kan inte tolkas{': ' + detail if detail else ''}.",
        HOW_TO_WRITE,
    )


def _no_baseline(text: str) -> TargetProblem:
    if re.search(r"föregående|förra", text, re.I):
        return TargetProblem(
            "target.no_baseline",
            f"Målvärdet '{text}' jämför med föregående års utfall, som inte finns i underlaget.",
            'Ange föregående års utfall som indikatorns baseline (t.ex. baseline: "6,8 %"), '
            "eller skriv det i målvärdet ('Öka från 71,13').",
        )
    return TargetProblem(
        "target.no_baseline",
        f"Målvärdet '{text}' jämför med ett utgångsvärde som inte är angivet.",
        "Ange indikatorns baseline (t.ex. föregående års utfall), eller skriv utgångsvärdet "
        "i målvärdet ('Öka från 71,13').",
    )


def _no_direction(text: str) -> TargetProblem:
    return TargetProblem(
        "target.no_direction",
        f"Målvärdet '{text}' är ett tal, men indikatorn saknar riktning, så det går inte att "
        "avgöra om det är ett golv eller ett tak.",
        "Ange direction: increase (högre är bättre) eller decrease (lägre är bättre), "
        "eller skriv 'minst …'/'högst …'.",
    )


def _take_unit(rest: str) -> tuple[str | None, str]:
    """A known unit at the start of ``rest`` and what follows it; (None, rest) when there is none."""
    low = rest.lower()
    for written in _UNITS_LONGEST:
        if low.startswith(written):
            after = rest[len(written) :]
            if not after or not (after[0].isalnum() or after[0] in "/%"):
                return UNITS[written], after.strip()
    return None, rest


def _take_index_name(text: str) -> tuple[bool, str]:
    """Strip a named index scale ("NKI", "Nöjd Kund Index") from the start of ``text``."""
    low = text.lower()
    for name in NAMED_INDEX:
        if low.startswith(name) and (len(low) == len(name) or not low[len(name)].isalpha()):
            return True, text[len(name) :].strip(" :")
    return False, text


class _Quantity:
    """A number with a known unit read from the start of a text, and the words left after it."""

    __slots__ = ("leftover", "unit", "value")

    def __init__(self, value: Decimal, unit: str | None, leftover: str) -> None:
        self.value, self.unit, self.leftover = value, unit, leftover


def _read_quantity(text: str) -> _Quantity | None:
    """``index 60``, ``60``, ``85 procent eller mer``, ``9 av 10``: the number, its unit and the rest."""
    t = text.strip()
    named, t = _take_index_name(t)
    pct = share(t)
    if pct is not None:
        return _Quantity(pct, "%", "")
    m = _SHARE_IN_TEXT.match(t)
    if m:
        pct = share(m.group(0))
        if pct is not None:
            return _Quantity(pct, "%", t[m.end() :].strip())
    m = _NUM_AT_START.match(t)
    if not m:
        return None
    value = parse_decimal(m.group("num"))
    if value is None:
        return None
    unit, leftover = _take_unit(m.group("rest"))
    if named:
        if unit not in (None, "index"):
            return None
        unit = "index"
    return _Quantity(value, unit, leftover)


def _suffix_bound(leftover: str) -> Bound | bool | None:
    """``eller mer`` → AT_LEAST, ``eller mindre`` → AT_MOST; None for no words; False for other words."""
    low = leftover.lower().strip(" .")
    if not low:
        return None
    if low in _SUFFIX_AT_LEAST:
        return Bound.AT_LEAST
    if low in _SUFFIX_AT_MOST:
        return Bound.AT_MOST
    return False


def _unknown_unit(text: str, leftover: str) -> TargetProblem:
    word = leftover.split()[0]
    return TargetProblem(
        "target.unreadable",
        f"Målvärdet '{text}': '{word}' står där enheten ska stå men är ingen enhet som kan jämföras.",
        "Skriv målvärdet som tal och enhet ('20 st', '85 %', 'minst 500 st') och låt ordet stå i "
        f"indikatorns text. Kända enheter: {', '.join(sorted(set(UNITS.values())))}.",
    )


def _bounded(
    text: str, rest: str, bound: Bound | None, strict: bool, direction: Direction | None
) -> Target | TargetProblem:
    """A threshold from ``rest`` (the text after any bound word)."""
    q = _read_quantity(rest)
    if q is None:
        return _problem_unreadable(text)
    suffix = _suffix_bound(q.leftover)
    if suffix is False:
        return _unknown_unit(text, q.leftover)
    if isinstance(suffix, Bound):
        if bound is not None and suffix is not bound:
            return _problem_unreadable(text, "både golv och tak")
        bound = suffix
    if bound is None:
        if direction is None:
            return _no_direction(text)
        bound = Bound.AT_LEAST if direction is Direction.INCREASE else Bound.AT_MOST
    return Threshold(bound, q.value, q.unit, strict)


def _prefix(s: str) -> tuple[Bound, bool, str] | None:
    low = s.lower()
    for word, bound, strict in _PREFIXES:
        if low.startswith(word):
            after = s[len(word) :]
            if word[-1].isalpha() and after and after[0].isalnum():
                continue
            return bound, strict, after.strip()
    return None


def _change(
    text: str, verb: str, rest: str, direction: Direction | None, baseline: Decimal | None
) -> Target | TargetProblem | None:
    """``Öka``, ``Öka från X``, ``Öka från X till Y``, ``Öka till Y``, ``Öka med Y``, ``… jämfört med föregående år``."""
    v = verb.lower()
    if v.startswith(("förbättr",)):
        if direction is None:
            return _no_direction(text)
        change_dir = direction
    else:
        change_dir = Direction.INCREASE if re.match(_INCREASE, v) else Direction.DECREASE
    rest = rest.strip(" .")
    plain = not re.match(r"^(?:från|till|med|jämfört|mot)\b", rest, re.I) and not re.search(
        r"\d", rest
    )
    if not rest or _LAST_YEAR.match(rest) or plain:
        # "Öka", "ska minska", "Ökad andel nöjda": any move from the baseline in that direction.
        return Change(change_dir, baseline) if baseline is not None else _no_baseline(text)
    start: _Quantity | None = None
    if m := re.match(r"^(?:från|jämfört med|mot)\s+(?P<x>.+)$", rest, re.I):
        body = m.group("x")
        parts = re.split(r"\s+till\s+", body, maxsplit=1, flags=re.I)
        start = _read_quantity(parts[0])
        if start is None and len(parts) == 1:
            # "från föregående års medelvärde på 21 %": the number closes the phrase
            tail = re.search(rf"\s(?:på|om)\s+(?P<q>{NUMBER}\s*\S*)$", parts[0])
            start = _read_quantity(tail.group("q")) if tail else None
        if start is None or start.leftover:
            return None
        if len(parts) == 1:
            return Change(change_dir, start.value, start.unit)
        goal = _read_quantity(re.sub(r"^(?:minst|högst)\s+", "", parts[1], flags=re.I))
        if goal is None or goal.leftover:
            return None
        unit = goal.unit or start.unit
        better = (
            goal.value > start.value
            if change_dir is Direction.INCREASE
            else goal.value < start.value
        )
        if not better or (goal.unit and start.unit and goal.unit != start.unit):
            return _problem_unreadable(text, "målet ligger inte åt det håll som ändringen anger")
        return Change(change_dir, start.value, unit, goal.value)
    if m := re.match(r"^till\s+(?:(?:minst|lägst|högst|max)\s+)?(?P<x>.+)$", rest, re.I):
        goal = _read_quantity(m.group("x"))
        if goal is None or goal.leftover:
            return None
        if baseline is not None:
            better = (
                goal.value > baseline if change_dir is Direction.INCREASE else goal.value < baseline
            )
            if better:
                return Change(change_dir, baseline, goal.unit, goal.value)
        bound = Bound.AT_LEAST if change_dir is Direction.INCREASE else Bound.AT_MOST
        return Threshold(bound, goal.value, goal.unit)
    if m := re.match(
        r"^med\s+(?:minst\s+)?(?P<x>.+?)(?:\s+(?:jämfört med|mot|från)\s+.+)?$", rest, re.I
    ):
        step = _read_quantity(m.group("x"))
        if step is None or step.leftover or step.value <= 0:
            return None
        if baseline is None:
            return _no_baseline(text)
        delta = baseline * step.value / 100 if step.unit == "%" else step.value
        goal_value = baseline + delta if change_dir is Direction.INCREASE else baseline - delta
        unit = None if step.unit in ("%", "procentenheter") else step.unit
        return Change(change_dir, baseline, unit, goal_value)
    return None


def _subject_change(
    s: str, direction: Direction | None, baseline: Decimal | None
) -> Target | TargetProblem | None:
    """``Sjukfrånvaron ska minska``, ``... ska sänkas med minst 20 procent ...``: a change, or None."""
    if m := _SUBJECT_CHANGE.match(s):
        return _change(s, m.group("verb"), "", direction, baseline)
    if m := _SUBJECT_NOT_WORSE.match(s):
        # "Andelen naturmark ska inte minska" (Nacka): not worse than the baseline
        return Maintain(baseline, None) if baseline is not None else _no_baseline(s)
    if (m := _SUBJECT_CHANGE_BY.match(s)) and not _other_numbers(m.group("tail")):
        return _change(s, m.group("verb"), f"med {m.group('step')}", direction, baseline)
    return None


def _other_numbers(text: str) -> bool:
    """Whether ``text`` holds a number that is not a year."""
    return any(not re.fullmatch(r"(?:19|20)\d\d", n) for n in _ANY_NUMBER.findall(text))


def _sentence(text: str, direction: Direction | None) -> Target | TargetProblem | None:
    """A sentence with exactly one number and a known unit, read as that threshold (the reading is shown)."""
    # "minst två procent av inkomsterna" (Enköping): a number word before a percentage is a number
    text = _WORD_PERCENT.sub(lambda w: f"{NUMBER_WORDS[w.group(1).lower()]} {w.group(2)}", text)
    numbers = [n for n in _ANY_NUMBER.findall(text) if not re.fullmatch(r"(?:19|20)\d\d", n)]
    shares = {share(s) for s in _SHARE_IN_TEXT.findall(text)}
    if shares:
        # "Åtta av tio (8/10) av deltagarna …": one share, however many ways it is written
        if len(shares) != 1 or None in shares or len(numbers) > 2:
            return None
        pct = shares.pop()
        assert pct is not None
        value, unit = pct, "%"
        m = _SHARE_IN_TEXT.search(text)
    else:
        # "… ska uppnå 40 % … ska vara 40 %": the same threshold written twice is one threshold
        if len(set(numbers)) != 1:
            return None
        m = next(
            (
                x
                for x in re.finditer(rf"(?<![\w,.]){NUMBER}(?![\d,.]\d)", text)
                if not re.fullmatch(r"(?:19|20)\d\d", x.group(0).strip())
            ),
            None,
        )
        if m is None:
            return None
        number = parse_decimal(m.group(0))
        if number is None:
            return None
        after = text[m.end() :].strip()
        before = text[: m.start()].strip()
        found, _ = _take_unit(after)
        if found is None:
            named, _ = _take_index_name(before.lower().split(" ")[-1] if before else "")
            if not named:
                return None
            found = "index"
        unit = found
        value = number
    # Only a bound word next to the number binds it: "under hela året" in a sentence is no bound.
    near_before = " ".join(text[: m.start()].lower().split()[-2:]) if m is not None else ""
    if re.search(r"(?:^|\s)(?:med|minus)(?:\s+minst)?$", near_before):
        return None  # "minska med 25 %" is a step from a baseline, never a threshold of 25 %
    near_after = text[m.end() :].lower().strip() if m is not None else ""
    if unit is not None and near_after[:1] != "(":
        near_after = _take_unit(near_after)[1]
    bound: Bound | None = None
    strict = False
    for word, b, st in _PREFIXES:
        if re.search(rf"(?:^|\s){re.escape(word)}$", near_before):
            bound, strict = b, st
            # "får inte förbruka mer än 98 procent" (Alvesta): a negation before the bound
            # word turns it round (not more than 98 is at most 98)
            head = text[: m.start()] if m is not None else ""
            preceding = head.lower().split()[: -len(word.split())][-3:]
            if any(w in ("inte", "ej", "icke", "aldrig") for w in preceding):
                bound = Bound.AT_MOST if b is Bound.AT_LEAST else Bound.AT_LEAST
                strict = not st
            break
    if bound is None:
        for suffix in _SUFFIX_AT_LEAST:
            if near_after.strip().startswith(suffix):
                bound = Bound.AT_LEAST
        for suffix in _SUFFIX_AT_MOST:
            if near_after.strip().startswith(suffix):
                bound = Bound.AT_MOST
    low = text.lower()
    if bound is None:
        verb = re.search(rf"(?<![\wåäö])(?:{_INCREASE}|{_DECREASE})(?![\wåäö])", low)
        if verb:
            bound = Bound.AT_LEAST if re.match(_INCREASE, verb.group(0)) else Bound.AT_MOST
    if bound is None:
        if direction is None:
            return _no_direction(text)
        bound = Bound.AT_LEAST if direction is Direction.INCREASE else Bound.AT_MOST
    reading = describe(Threshold(bound, value, unit, strict))
    return Threshold(bound, value, unit, strict, reading)


def parse_target(
    text: str,
    direction: Direction | None,
    baseline: Decimal | None = None,
    scales: tuple[Scale, ...] = DEFAULT_SCALES,
) -> Target | TargetProblem | None:
    """The typed target for ``text``; None when there is no target (empty or a dash).

    ``direction`` decides what a bare value means (at least when higher is
    better, at most when lower is better); ``baseline`` (last year's outcome)
    fills ``Öka``/``Bibehålla`` written without a number and ``Öka med 5 %``;
    ``scales`` are the named levels the organisation uses (the traffic light
    by default).
    """
    s = " ".join(text.replace("\u00a0", " ").split()).rstrip(".")
    low = s.lower()
    if low in MISSING_WORDS:
        return None
    if low in {"ja", "nej"}:
        return Equals(low == "ja")
    level_text = re.sub(r"^(?:minst|lägst)\s+", "", low)
    for scale in scales:
        level = scale.level(level_text)
        if level is not None:
            return AtLeastLevel(scale, level)
    if m := _DEADLINE.match(s):
        date = parse_date(m.group("date"))
        return Deadline(date) if date else _problem_unreadable(s, "datumet finns inte")
    if m := _CHANGE.match(s):
        got = _change(s, m.group("verb"), m.group("rest"), direction, baseline)
        if got is not None:
            return got
        return _sentence(s, direction) or _problem_unreadable(s)
    if m := _MAINTAIN.match(s):
        rest = m.group("rest")
        if rest and not _LAST_YEAR.match(rest):
            q = _read_quantity(rest)
            if q is None or q.leftover:
                return _problem_unreadable(s)
            return Maintain(q.value, q.unit)
        if baseline is None:
            return _no_baseline(s)
        return Maintain(baseline, None)
    if m := _RANGE.match(s):
        lo, hi = parse_decimal(m.group("low")), parse_decimal(m.group("high"))
        unit, left = _take_unit(m.group("unit") or "")
        lunit, lleft = _take_unit(m.group("lunit") or "")
        if lo is not None and hi is not None and not left and not lleft:
            if lo > hi:
                return _problem_unreadable(s, "det lägre värdet ska stå först")
            if unit and lunit and unit != lunit:
                return _problem_unreadable(s, "två olika enheter")
            return Range(lo, hi, unit or lunit)
    if p := _prefix(s):
        bound, strict, rest = p
        got = _bounded(s, rest, bound, strict, direction)
        if isinstance(got, TargetProblem) and got.code == "target.unreadable":
            # "Under perioden ska utsläppen minska med 25 %": "under" began a sentence
            return _subject_change(s, direction, baseline) or _sentence(s, direction) or got
        return got
    q = _read_quantity(s)
    if q is not None:
        got = _bounded(s, s, None, False, direction)
        if isinstance(got, TargetProblem) and got.code == "target.unreadable":
            return _sentence(s, direction) or got
        return got
    return (
        _subject_change(s, direction, baseline) or _sentence(s, direction) or _problem_unreadable(s)
    )


def target_unit(target: Target) -> str | None:
    """The unit written in the target, if any."""
    if isinstance(target, Threshold | Change | Maintain | Range):
        return target.unit
    return None


def target_direction(target: Target) -> Direction | None:
    """The direction the target itself implies, if it implies one."""
    if isinstance(target, Change):
        return target.direction
    if isinstance(target, Threshold):
        return target.bound.direction
    return None


def reference_value(target: Target) -> Decimal | None:
    """The number the outcome is compared with (for tolerance and charts)."""
    if isinstance(target, Threshold):
        return target.value
    if isinstance(target, Change):
        return target.goal if target.goal is not None else target.baseline
    if isinstance(target, Maintain):
        return target.baseline
    return None


def is_met(target: Target, outcome: Value, direction: Direction | None) -> bool | None:
    """Whether ``outcome`` meets ``target``; None when they cannot be compared."""
    if isinstance(outcome, Missing):
        return None
    if isinstance(target, Equals):
        return outcome.value == target.value if isinstance(outcome, YesNo) else None
    if isinstance(target, Deadline):
        return outcome.value <= target.date if isinstance(outcome, DateValue) else None
    if isinstance(target, AtLeastLevel):
        if isinstance(outcome, Level) and outcome.scale == target.scale:
            return outcome.index >= target.level
        return None
    if not isinstance(outcome, Quantity):
        return None
    v = outcome.value
    if isinstance(target, Threshold):
        if target.bound is Bound.AT_LEAST:
            return v > target.value if target.strict else v >= target.value
        return v < target.value if target.strict else v <= target.value
    if isinstance(target, Change):
        if target.baseline is None:
            return None
        if target.direction is Direction.INCREASE:
            return v >= target.goal if target.goal is not None else v > target.baseline
        return v <= target.goal if target.goal is not None else v < target.baseline
    if isinstance(target, Maintain):
        if target.baseline is None or direction is None:
            return None
        return v >= target.baseline if direction is Direction.INCREASE else v <= target.baseline
    return target.low <= v <= target.high


def worsened(outcome: Decimal, baseline: Decimal | None, direction: Direction | None) -> bool:
    """True when ``outcome`` moved from ``baseline`` in the wrong direction (never partly met, SPEC §4)."""
    if baseline is None or direction is None:
        return False
    return outcome < baseline if direction is Direction.INCREASE else outcome > baseline


def _num(d: Decimal, unit: str | None) -> str:
    text = format(d.normalize(), "f").replace(".", ",")
    if "," in text:
        whole, frac = text.split(",")
        text = f"{whole},{frac[:2]}" if len(frac) > 2 else text
    return f"{text} {unit}" if unit else text


def describe(target: Target) -> str:
    """The target in plain Swedish, for messages, notes and the reading shown to the user."""
    if isinstance(target, Equals):
        return "Ja" if target.value else "Nej"
    if isinstance(target, Threshold):
        if target.strict:
            word = "mer än" if target.bound is Bound.AT_LEAST else "mindre än"
        else:
            word = "minst" if target.bound is Bound.AT_LEAST else "högst"
        return f"{word} {_num(target.value, target.unit)}"
    if isinstance(target, Change):
        up = target.direction is Direction.INCREASE
        if target.goal is not None and target.baseline is not None:
            return (
                f"{'minst' if up else 'högst'} {_num(target.goal, target.unit)} "
                f"(från {_num(target.baseline, target.unit)})"
            )
        word = "högre än" if up else "lägre än"
        return (
            f"{word} {_num(target.baseline, target.unit)}" if target.baseline is not None else word
        )
    if isinstance(target, Maintain):
        return (
            f"inte sämre än {_num(target.baseline, target.unit)}"
            if target.baseline is not None
            else "oförändrat"
        )
    if isinstance(target, Deadline):
        return f"senast {target.date.isoformat()}"
    if isinstance(target, AtLeastLevel):
        better = target.level < len(target.scale.levels) - 1
        return f"{target.scale.levels[target.level]}{' eller bättre' if better else ''}"
    return f"{_num(target.low, None)}–{_num(target.high, target.unit)}"

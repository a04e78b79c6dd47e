"""Forms of the screens. Every field has a Swedish label; names are stable (the browser tests use them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from styrkort.core.finance import amount_problem
from styrkort.core.goals import Status
from styrkort.core.numbers import parse_decimal
from styrkort.core.targets import Equals, TargetProblem, parse_target, target_unit
from styrkort.core.values import Direction, Missing, Quantity, YesNo, normalise_unit, parse_value
from styrkort.web import models as m


def outcome_problem(text: str, indicator: m.Indicator, *, what: str = "Utfallet") -> str | None:
    """Why ``text`` is not a valid outcome of ``indicator`` (its unit and target type), or None."""
    value = parse_value(text)
    if value is None:
        return (
            f"{what} ”{text}” kan inte tolkas. Skriv ett tal med enhet (t.ex. ”67 %”, ”21 st”, "
            "”-823 tkr”), Ja eller Nej, eller ”—” om värdet saknas."
        )
    if isinstance(value, Missing):
        return None
    unit = normalise_unit(indicator.unit)
    direction = Direction(indicator.direction) if indicator.direction else None
    base = parse_value(indicator.baseline) if indicator.baseline else None
    target = parse_target(
        indicator.target, direction, base.value if isinstance(base, Quantity) else None
    )
    yes_no = unit == "ja/nej" or isinstance(target, Equals)
    if yes_no:
        if not isinstance(value, YesNo):
            return f"{what} för denna indikator anges med Ja eller Nej."
        return None
    if isinstance(value, YesNo):
        if unit or (target is not None and not isinstance(target, TargetProblem)):
            return f"{what} ska vara ett tal{f' i {unit}' if unit else ''}, inte Ja/Nej."
        return None
    if not isinstance(value, Quantity):
        return (
            None  # a date or a named level (issue 12): the assessment compares it with the target
        )
    if value.unit and unit and value.unit != unit:
        return f"{what} har enheten ”{value.unit}” men indikatorn mäts i ”{unit}”. Skriv t.ex. ”{text.split()[0].rstrip('%')} {unit}”."
    if (
        value.unit
        and not unit
        and target is not None
        and not isinstance(target, TargetProblem | Equals)
    ):
        t_unit = target_unit(target)
        if t_unit and t_unit != value.unit:
            return f"{what} har enheten ”{value.unit}” men målvärdet har ”{t_unit}”."
    return None


def target_problem(text: str, direction: str, baseline: str) -> str | None:
    base = parse_value(baseline) if baseline else None
    parsed = parse_target(
        text,
        Direction(direction) if direction else None,
        base.value if isinstance(base, Quantity) else None,
    )
    if isinstance(parsed, TargetProblem):
        return f"{parsed.message} {parsed.hint}"
    return None


DIRECTIONS = [
    ("", "Ingen angiven"),
    ("increase", "Högre är bättre (öka)"),
    ("decrease", "Lägre är bättre (minska)"),
]


class IndicatorForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        label="Utfall",
        required=False,
        max_length=200,
        help_text="T.ex. 67 %, 21 st, Ja, eller — om värdet saknas.",
    )
    forecast = forms.CharField(label="Prognos för helåret", required=False, max_length=200)
    comment = forms.CharField(
        label="Kommentar och analys", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    target = forms.CharField(
        label="Målvärde",
        required=False,
        max_length=200,
        help_text="T.ex. 90 %, minst 80 %, högst 20 st, Öka från 71,13, Ja.",
    )
    baseline = forms.CharField(label="Utgångsvärde", required=False, max_length=100)
    unit = forms.CharField(label="Enhet", required=False, max_length=30)
    direction = forms.ChoiceField(label="Riktning", required=False, choices=DIRECTIONS)
    owner = forms.CharField(label="Ägare", required=False, max_length=200)

    CONTROLLER_ONLY = ("target", "baseline", "unit", "direction", "owner")

    def __init__(
        self, *args: Any, indicator: m.Indicator, controller: bool, interim: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if not controller:
            for name in self.CONTROLLER_ONLY:
                del self.fields[name]
        if not interim:
            del self.fields["forecast"]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"falt-{name}")

    def _as_edited(self, data: dict[str, Any]) -> m.Indicator:
        ind = m.Indicator(
            **{f: getattr(self.indicator, f) for f in ("unit", "direction", "baseline", "target")}
        )
        for f in ("unit", "direction", "baseline", "target"):
            if f in data:
                setattr(ind, f, data[f] or "")
        ind.unit = normalise_unit(ind.unit) or ""
        return ind

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        edited = self._as_edited(data)
        if "target" in data and data.get("target"):
            problem = target_problem(data["target"], edited.direction, edited.baseline)
            if problem:
                self.add_error("target", problem)
        for name, what in (("outcome", "Utfallet"), ("forecast", "Prognosen")):
            text = (data.get(name) or "").strip()
            if name in self.fields and text:
                problem = outcome_problem(text, edited, what=what)
                if problem:
                    self.add_error(name, problem)
        return data

    def changes(self) -> dict[str, str]:
        data = self.cleaned_data
        # Only fields that were sent: a client posting just the outcome does not blank the target.
        out = {
            name: (data.get(name) or "").strip()
            for name in self.fields
            if name != "version" and name in self.data
        }
        if "unit" in out:
            out["unit"] = normalise_unit(out["unit"]) or ""
        return out


STATUS_CHOICES = [("", "Beräknad bedömning (ingen manuell)")] + [(s.value, s.label) for s in Status]


class AssessmentForm(forms.Form):
    """Ids are prefixed ``bedomning-`` so the form can share a page with another form."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Manuell bedömning", choices=STATUS_CHOICES, required=False)
    justification = forms.CharField(
        label="Motivering",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatorisk vid manuell bedömning. Visas i rapporten.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bedomning-%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["id"] = "falt-status"
        self.fields["justification"].widget.attrs["id"] = "falt-motivering"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") and not (data.get("justification") or "").strip():
            self.add_error("justification", "En manuell bedömning måste motiveras.")
        return data


class GoalCommentForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "kommentar-%s")
        super().__init__(*args, **kwargs)

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Kommentar och analys",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "id": "falt-kommentar"}),
    )


class NarrativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(
        label="Rubrik",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"id": "falt-rubrik"}),
    )
    markdown = forms.CharField(
        label="Text (Markdown)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "id": "falt-text"}),
        help_text="Markdown. Levande siffror skrivs {{ namn }}, t.ex. {{ år }}.",
    )


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label="Motivering", widget=forms.Textarea(attrs={"rows": 3, "id": "falt-motivering"})
    )


class MembershipForm(forms.Form):
    username = forms.CharField(
        label="Användarnamn",
        max_length=150,
        widget=forms.TextInput(attrs={"id": "falt-anvandarnamn"}),
    )
    role = forms.ChoiceField(
        label="Roll", choices=m.Role.choices, widget=forms.Select(attrs={"id": "falt-roll"})
    )
    is_auditor = forms.BooleanField(
        label="Revisor (läser ändringsloggen)",
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "falt-revisor"}),
    )
    owner_labels = forms.CharField(
        label="Ägare av indikatorer med ägaren",
        required=False,
        max_length=500,
        help_text="Kommaseparerat, t.ex. Servicedeskchef, HR.",
        widget=forms.TextInput(attrs={"id": "falt-agare"}),
    )
    password = forms.CharField(
        label="Lösenord (bara för ny användare)",
        required=False,
        widget=forms.PasswordInput(attrs={"id": "falt-losenord", "autocomplete": "new-password"}),
    )


def parse_amount(text: str) -> Decimal | None:
    """An amount in kronor as written in a finance field; raises ValueError, with the Swedish
    message to show, when it is unreadable or cannot be stored exactly."""
    if not text.strip():
        return None
    value = parse_decimal(text)
    if value is None:
        raise ValueError(
            f"”{text}” är inget belopp. Skriv kronor, t.ex. -34 559 000 eller 1 250,50."
        )
    problem = amount_problem(value)
    if problem is not None:
        raise ValueError(f"”{text}”: {problem} Kontrollera beloppet.")
    return value

"""Forms of the screens. Every field has a Swedish label; names are stable (the browser tests use them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from styrkort.core.finance import amount_problem
from styrkort.core.goals import Status
from styrkort.core.numbers import parse_decimal
from styrkort.core.values import normalise_unit
from styrkort.report.narrative import markdown_problems
from styrkort.web import models as m
from styrkort.web.rules import indicator_problems, plausibility_warnings

# The largest id or version the database holds (a 64-bit signed integer); a larger number in
# a URL or a form is no row (404) or a form error, never an overflow in the database driver.
MAX_DB_INT = 2**63 - 1


def db_int(value: object) -> int | None:
    """``value`` as an integer the database can compare, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 20:
            return None
        number = int(text)
    return number if -MAX_DB_INT <= number <= MAX_DB_INT else None


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_INT)


DIRECTIONS = [
    ("", "Ingen angiven"),
    ("increase", "Högre är bättre (öka)"),
    ("decrease", "Lägre är bättre (minska)"),
]


class IndicatorForm(forms.Form):
    version = _version_field()
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

    plausible = forms.CharField(
        label="Spara ändå – motivering",
        required=False,
        max_length=500,
        help_text="Värdet ser orimligt ut. Rätta det, eller skriv varför det stämmer; motiveringen loggas.",
    )

    def __init__(
        self, *args: Any, indicator: m.Indicator, editable: set[str], interim: bool, **kwargs: Any
    ) -> None:
        """``editable``: the fields the user may change (access.editable_fields)."""
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        for name in list(self.fields):
            if name not in ("version", "plausible") and name not in editable:
                del self.fields[name]
        if not interim and "forecast" in self.fields:
            del self.fields["forecast"]
        self.warnings: dict[str, str] = {}
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"falt-{name}")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        edits = {
            name: data[name] or ""
            for name in ("unit", "direction", "baseline", "target", "outcome", "forecast")
            if name in self.fields and name in data
        }
        for name, problem in indicator_problems(self.indicator, edits).items():
            if name in self.fields:
                self.add_error(name, problem)
        changed = {
            k: v for k, v in edits.items() if (v or "").strip() != getattr(self.indicator, k)
        }
        self.warnings = plausibility_warnings(self.indicator, changed)
        if self.warnings and not (data.get("plausible") or "").strip():
            self.add_error(
                "plausible",
                "Värdet ser orimligt ut: "
                + " ".join(self.warnings.values())
                + " Rätta värdet, eller skriv här varför det stämmer och spara igen.",
            )
        return data

    def plausible_note(self) -> str:
        """The audit log's note when an implausible value is saved with a reason (else "")."""
        reason = (self.cleaned_data.get("plausible") or "").strip()
        if not reason or not self.warnings:
            return ""
        return f"Sparat trots varning ({' '.join(self.warnings.values())}): {reason}"

    def changes(self) -> dict[str, str]:
        data = self.cleaned_data
        # Only fields that were sent: a client posting just the outcome does not blank the target.
        out = {
            name: (data.get(name) or "").strip()
            for name in self.fields
            if name not in ("version", "plausible") and name in self.data
        }
        if "unit" in out:
            out["unit"] = normalise_unit(out["unit"]) or ""
        return out


STATUS_CHOICES = [("", "Beräknad bedömning (ingen manuell)")] + [(s.value, s.label) for s in Status]


class AssessmentForm(forms.Form):
    """Ids are prefixed ``bedomning-`` so the form can share a page with another form."""

    version = _version_field()
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

    version = _version_field()
    comment = forms.CharField(
        label="Kommentar och analys",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "id": "falt-kommentar"}),
    )


class NarrativeForm(forms.Form):
    version = _version_field()
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
        help_text=(
            "Markdown: **fet**, *kursiv*, [länk](https://…), listor (- eller 1.), tabeller "
            "(| a | b |) och rubriker (##). Levande siffror skrivs {{ namn }}, t.ex. {{ år }}."
        ),
    )

    def clean_markdown(self) -> str:
        """Refuse what the report cannot show the same in HTML, PDF and Word (never dropped silently)."""
        text = str(self.cleaned_data.get("markdown") or "")
        problems = markdown_problems(text)
        if problems:
            raise forms.ValidationError(problems)
        return text


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
        label="Roll",
        choices=m.Role.choices,
        initial=m.Role.READER,  # the least privilege unless the administrator chooses otherwise
        widget=forms.Select(attrs={"id": "falt-roll"}),
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

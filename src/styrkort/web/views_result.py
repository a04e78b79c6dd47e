"""The Ekonomi screen's Resultat form: the budget model (bruttobudget or nettoram), the
contribution and budgeted result, the balanskrav adjustment, the results carried forward and
the varav parts (core.finance.ResultSettings). The words are the report's
(core.finance.RESULT_WORDS), the help texts the workspace schema's, and the relations between
the figures are checked by core's checks (finance.*), shown beside the form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from styrkort.core.finance import (
    MODEL_WORDS,
    RESULT_WORDS,
    BudgetModel,
    ResultPart,
    ResultSettings,
)
from styrkort.core.findings import Finding, Source
from styrkort.report import format as fmt
from styrkort.sources import schema
from styrkort.web import models as m
from styrkort.web import services
from styrkort.web.access import Access, Action
from styrkort.web.errors import Conflict
from styrkort.web.forms import db_int, parse_amount
from styrkort.web.mapping import result_settings_value

AMOUNT_KEYS = (
    "contribution",
    "budget_result",
    "balance_adjustment",
    "balance_result",
    "opening_result",
    "disposition",
    "closing_result",
)
NET_ONLY = ("contribution", "budget_result")
PART_KEYS = ("contribution", "revenues", "costs", "budget_result")
MAX_PARTS = 50
SCREEN = "web:ekonomi/resultat"


def _text(value: Decimal | None) -> str:
    return "" if value is None else fmt.number(value, keep=True)


def save(request: HttpRequest, period: m.Period, access: Access) -> dict[str, str]:
    """Read and store the posted form; the errors by field name ({} when saved)."""
    access.require(Action.EDIT_FINANCE, period)
    post = request.POST
    errors: dict[str, str] = {}
    model_text = post.get("model", "gross")
    model = BudgetModel.NET if model_text == "net" else BudgetModel.GROSS
    if model_text not in ("gross", "net"):
        errors["model"] = "Välj bruttobudget eller nettoram."
    amounts: dict[str, Decimal | None] = {}
    for key in AMOUNT_KEYS:
        try:
            amounts[key] = parse_amount(post.get(key, ""))
        except ValueError as exc:
            errors[key] = str(exc)
    parts: list[ResultPart] = []
    for i in range(MAX_PARTS):
        label = post.get(f"part-{i}-label")
        if label is None:
            break
        values: dict[str, Decimal] = {}
        for key in PART_KEYS:
            name = f"part-{i}-{key}"
            try:
                values[key] = parse_amount(post.get(name, "")) or Decimal(0)
            except ValueError as exc:
                errors[name] = str(exc)
        if label.strip():  # an emptied label removes the part
            parts.append(
                ResultPart(
                    label.strip(),
                    values.get("contribution", Decimal(0)),
                    values.get("revenues", Decimal(0)),
                    values.get("costs", Decimal(0)),
                    values.get("budget_result", Decimal(0)),
                    Source(f"{SCREEN}/{label.strip()}"),
                )
            )
    if errors:
        return errors
    settings = ResultSettings(
        model=model,
        contribution=amounts["contribution"] if model is BudgetModel.NET else None,
        budget_result=(amounts["budget_result"] or Decimal(0))
        if model is BudgetModel.NET
        else Decimal(0),
        balance_adjustment=amounts["balance_adjustment"],
        balance_adjustment_text=post.get("balance_adjustment_text", "").strip(),
        opening_result=amounts["opening_result"],
        disposition=amounts["disposition"],
        closing_result=amounts["closing_result"],
        balance_result=amounts["balance_result"],
        parts=tuple(parts),
    )
    try:
        changed = services.update_result_settings(
            access, period.pk, db_int(post.get("version", "")), settings
        )
    except Conflict as exc:
        messages.error(request, exc.message + " Dina uppgifter står kvar i formuläret.")
        period.refresh_from_db()
        return {"version": exc.message}
    messages.success(request, f"Resultatet har sparats ({changed} ändrade uppgifter).")
    return {}


def _field(key: str, value: str, error: str) -> dict[str, Any]:
    f = schema.section("finance").field(key)
    return {
        "name": key,
        "label": RESULT_WORDS[key],
        "help": f.help,
        "value": value,
        "error": error,
        "net_only": key in NET_ONLY,
    }


def context(
    request: HttpRequest,
    period: m.Period,
    findings: list[Finding],
    board: Any,
    errors: dict[str, str],
) -> dict[str, Any]:
    """The Resultat form's part of the Ekonomi page's context."""
    rs = result_settings_value(period)
    posted = request.method == "POST" and bool(errors)

    def value(key: str, stored: Decimal | str | None) -> str:
        if posted:
            return request.POST.get(key, "")
        return stored if isinstance(stored, str) else _text(stored)

    fields = [_field(k, value(k, getattr(rs, k)), errors.get(k, "")) for k in AMOUNT_KEYS]
    text_field = _field(
        "balance_adjustment_text",
        value("balance_adjustment_text", rs.balance_adjustment_text),
        "",
    )
    parts = [
        {
            "index": i,
            "label": value(f"part-{i}-label", p.label),
            "cells": [
                {
                    "name": f"part-{i}-{k}",
                    "label": RESULT_WORDS[k],
                    "value": value(f"part-{i}-{k}", getattr(p, k)),
                    "error": errors.get(f"part-{i}-{k}", ""),
                }
                for k in PART_KEYS
            ],
        }
        for i, p in enumerate((*rs.parts, ResultPart("", Decimal(0), Decimal(0), Decimal(0))))
    ]
    if not posted:  # the blank row for a new part is blank
        blank: list[dict[str, Any]] = parts[-1]["cells"]  # type: ignore[assignment]
        parts[-1]["cells"] = [{**c, "value": ""} for c in blank]
    model = request.POST.get("model", rs.model.value) if posted else rs.model.value
    computed = []
    if board is not None:
        for key in ("contribution", "result", "balance_result", "closing_result"):
            amount = getattr(board, key)
            if amount is not None:
                computed.append((RESULT_WORDS[key], _text(amount)))
    return {
        "result_form": {
            "models": [(b.value, MODEL_WORDS[b], b.value == model) for b in BudgetModel],
            "model_label": RESULT_WORDS["model"],
            "fields": fields,
            "text_field": text_field,
            "parts": parts,
            "part_headers": [RESULT_WORDS[k] for k in PART_KEYS],
            "computed": computed,
            "findings": [
                f
                for f in findings
                if f.source.file.startswith(SCREEN) or f.code.startswith("finance.")
            ],
            "errors": [(name, message) for name, message in errors.items() if name != "version"],
        }
    }

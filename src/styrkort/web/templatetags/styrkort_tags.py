"""Small template helpers."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def is_a(value: Any, class_name: str) -> bool:
    return type(value).__name__ == class_name


@register.filter
def status(s: Any) -> SafeString:
    """A status as symbol and word, never by colour alone (``core.goals.Status``).

    A filter rather than an included template: the overview shows one per indicator, and an
    include per row was a measurable part of the page's time (docs/performance.md, Web).
    """
    return _status_html(s)


@functools.cache
def _status_html(s: Any) -> SafeString:
    # one string per status (five of them): a page of 500 indicators formats it once each
    if s is None:
        return format_html(
            '<span class="status status-"><span class="symbol" aria-hidden="true"></span> </span>'
        )
    return format_html(
        '<span class="status status-{}"><span class="symbol" aria-hidden="true">{}</span> {}</span>',
        s.name.lower(),
        s.symbol,
        s.label,
    )


# --- figures as the report shows them (report.format): ``55 %``, ``−823 tkr``, ``12 337`` -----


@register.filter
def written(text: str) -> str:
    """A value as written by a person (outcome, forecast), shown as the report shows it."""
    from styrkort.core.values import parse_value
    from styrkort.report import format as fmt

    text = text or ""
    return fmt.value(parse_value(text), text) if text.strip() else "—"


@register.filter
def assessed_value(result: Any) -> str:
    """The value that decided an indicator's status (forecast in an interim period, a computed
    metric's value), as the report's goal table shows it."""
    from styrkort.report import format as fmt

    if result is None:
        return "—"
    return fmt.value(result.outcome, result.indicator.outcome)


@register.filter
def target(text: str) -> str:
    from styrkort.report import format as fmt

    return fmt.target_text(text or "")


@register.filter
def tkr(amount_kr: Any) -> str:
    """Kronor shown in whole tkr with the unit: ``-823000`` → ``−823 tkr``."""
    from decimal import Decimal

    from styrkort.report import format as fmt

    if amount_kr is None or amount_kr == "":
        return "—"
    return fmt.with_unit(fmt.tkr(Decimal(amount_kr)), "tkr")


@register.filter
def kr(amount_kr: Any) -> str:
    """Kronor in full, Swedish style: ``-34559000`` → ``−34 559 000``."""
    from decimal import Decimal

    from styrkort.report import format as fmt

    if amount_kr is None or amount_kr == "":
        return ""
    return fmt.number(Decimal(amount_kr), keep=True)


@register.simple_tag
def field_input(field: Any, *extra_described: str) -> Any:
    """A form field's widget with ``aria-describedby`` naming only ids that exist on the page
    (its help text, its error, any ``extra_described``) and ``aria-invalid`` when it has errors."""
    ids = [field.auto_id + "_helptext"] if field.help_text else []
    if field.errors:
        ids.append(field.auto_id + "_error")
    ids.extend(e for e in extra_described if e)
    attrs: dict[str, Any] = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def get_field(form: Any, name: str) -> Any:
    """The bound field ``name`` of ``form`` (None for errors not tied to a field)."""
    try:
        return form[name] if name in form.fields else None
    except KeyError:
        return None


def _spans_html(spans: Any) -> SafeString:
    from django.utils.html import format_html_join

    def one(sp: Any) -> tuple[str]:
        html = format_html("{}", sp.text)
        if sp.em:
            html = format_html("<em>{}</em>", html)
        if sp.strong:
            html = format_html("<strong>{}</strong>", html)
        if sp.href:
            html = format_html('<a href="{}">{}</a>', sp.href, html)
        return (html,)

    return format_html_join("", "{}", (one(sp) for sp in spans))


@register.filter
def narrative_block(b: Any) -> SafeString:
    """A narrative block (report.model) as the report's HTML shows it, for the editor's preview."""
    from django.utils.html import format_html_join

    from styrkort.report.model import BulletList, RichList, RichParagraph, SubHeading, Table

    if isinstance(b, SubHeading):
        return format_html("<h3>{}</h3>", b.text)
    if isinstance(b, BulletList):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in b.items))
        )
    if isinstance(b, RichParagraph):
        return format_html("<p>{}</p>", _spans_html(b.spans))
    if isinstance(b, RichList):
        items = format_html_join("", "<li>{}</li>", ((_spans_html(i),) for i in b.items))
        return format_html("<ol>{}</ol>" if b.ordered else "<ul>{}</ul>", items)
    if isinstance(b, Table):
        head = format_html_join("", '<th scope="col">{}</th>', ((c.label,) for c in b.columns))
        rows = format_html_join(
            "",
            "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((c.text,) for c in r.cells)),) for r in b.rows),
        )
        return format_html(
            '<div class="table-scroll" role="region" aria-label="{}" tabindex="0"><table>'
            "<caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
            b.caption,
            b.caption,
            head,
            rows,
        )
    return format_html("<p>{}</p>", getattr(b, "text", ""))

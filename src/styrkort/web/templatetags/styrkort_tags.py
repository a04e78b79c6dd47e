"""Small template helpers."""

from __future__ import annotations

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

"""Template helpers of the municipality's screens (issue 14)."""

from __future__ import annotations

from typing import Any

from django import template

from styrkort.web import models as m
from styrkort.web.access import municipalities_for

register = template.Library()


@register.simple_tag
def user_municipalities(user: Any) -> list[m.Municipality]:
    """The municipalities whose overview ``user`` may read."""
    return municipalities_for(user)

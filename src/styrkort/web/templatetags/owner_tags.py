"""Template helpers of the owners' tools and self-service screens."""

from __future__ import annotations

from typing import Any

from django import template

from styrkort.web import models as m
from styrkort.web.owner_access import self_service_organisations

register = template.Library()


@register.simple_tag
def self_service_orgs(user: Any) -> list[m.Organisation]:
    """The organisations where ``user`` may create, import and export periods."""
    if not getattr(user, "is_authenticated", False):
        return []
    return self_service_organisations(user)

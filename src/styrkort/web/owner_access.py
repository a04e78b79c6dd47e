"""Who may use the owners' tools and the self-service screens (issue 15, deliverables 5 and 6).

Every rule here is stated in terms of ``web.access.Access`` and nothing else, so that this block
can move into the single access policy as it is; the screens only call these functions.

| action                                    | admin | controller | owner               | reader |
|-------------------------------------------|-------|------------|---------------------|--------|
| read an indicator's comment thread        | yes   | yes        | own indicators      | no     |
| write in the thread                       | yes   | yes        | own indicators      | no     |
| read and download attachments             | yes   | yes        | yes                 | yes    |
| upload an attachment                      | yes   | yes        | own indicators      | no     |
| remove an attachment                      | yes   | yes        | own uploads         | no     |
| set deadlines, see who is late, remind    | yes   | yes        | no                  | no     |
| bulk-entry grid                           | yes   | yes        | own indicators      | no     |
| create, import (zip) and export a period  | yes   | yes        | no                  | no     |
"""

from __future__ import annotations

from typing import Any

from styrkort.web import models as m
from styrkort.web.access import Access
from styrkort.web.errors import Forbidden


def can_read_thread(access: Access, indicator: m.Indicator) -> bool:
    """The thread is between the controller and the indicator's owner."""
    return access.is_controller or access.owns(indicator)


def require_thread(access: Access, indicator: m.Indicator) -> None:
    access.require_read()
    if not can_read_thread(access, indicator):
        raise Forbidden(
            "Kommentarstråden läses av controllern och indikatorns ägare.",
            "Be controllern tilldela dig indikatorn om du behöver delta.",
        )


def can_read_attachments(access: Access) -> bool:
    """Attachments are evidence for the report: whoever may read the period may read them."""
    return access.can_read


def can_upload(access: Access, indicator: m.Indicator) -> bool:
    return access.can_edit_outcome(indicator)


def require_upload(access: Access, indicator: m.Indicator) -> None:
    access.require_edit_outcome(indicator)


def can_remove_attachment(access: Access, attachment: m.Attachment) -> bool:
    if access.is_controller:
        return True
    return access.owns(attachment.indicator) and attachment.user_id == getattr(
        access.user, "pk", None
    )


def require_remove_attachment(access: Access, attachment: m.Attachment) -> None:
    access.require_read()
    if not can_remove_attachment(access, attachment):
        raise Forbidden("Du kan bara ta bort bilagor som du själv har laddat upp.")


def require_deadlines(access: Access) -> None:
    access.require_controller()


def require_self_service(access: Access) -> None:
    """Create, import and export periods: the organisation's controller or administrator."""
    access.require_controller()


def grid_indicators(access: Access, indicators: list[m.Indicator]) -> list[m.Indicator]:
    """The indicators a user enters in the grid: an owner's own, or all for the controller."""
    return [i for i in indicators if access.can_edit_outcome(i)]


def self_service_organisations(user: Any) -> list[m.Organisation]:
    """Organisations where ``user`` may create or import periods."""
    from styrkort.web.access import organisations_for

    return [o for o in organisations_for(user) if Access(user, o).is_controller]

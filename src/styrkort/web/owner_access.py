"""The owners' tools and the self-service screens ask the one access policy (web/access.py,
actions read_thread … self_service); these names are what their screens call.

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
from styrkort.web.access import Access, Action


def can_read_thread(access: Access, indicator: m.Indicator) -> bool:
    """The thread is between the controller and the indicator's owner."""
    return access.may(Action.READ_THREAD, None, indicator)


def require_thread(access: Access, indicator: m.Indicator) -> None:
    access.require(Action.READ_THREAD, None, indicator)


def can_read_attachments(access: Access) -> bool:
    """Attachments are evidence for the report: whoever may read the period may read them."""
    return access.may(Action.READ)


def can_upload(access: Access, indicator: m.Indicator) -> bool:
    return access.may(Action.UPLOAD_ATTACHMENT, None, indicator)


def require_upload(access: Access, indicator: m.Indicator) -> None:
    access.require(Action.UPLOAD_ATTACHMENT, None, indicator)


def can_remove_attachment(access: Access, attachment: m.Attachment) -> bool:
    return access.may(Action.REMOVE_ATTACHMENT, None, attachment)


def require_remove_attachment(access: Access, attachment: m.Attachment) -> None:
    access.require(Action.REMOVE_ATTACHMENT, None, attachment)


def require_deadlines(access: Access) -> None:
    access.require(Action.MANAGE_DEADLINES)


def require_self_service(access: Access) -> None:
    """Create, import and export periods: the organisation's controller or administrator."""
    access.require(Action.SELF_SERVICE)


def grid_indicators(access: Access, indicators: list[m.Indicator]) -> list[m.Indicator]:
    """The indicators a user enters in the grid: an owner's own, or all for the controller."""
    return [i for i in indicators if access.may(Action.EDIT_OUTCOME, None, i)]


def self_service_organisations(user: Any) -> list[m.Organisation]:
    """Organisations where ``user`` may create or import periods."""
    from styrkort.web.access import organisations_for

    return [o for o in organisations_for(user) if Access(user, o).may(Action.SELF_SERVICE)]

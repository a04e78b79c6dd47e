"""Who may do what: the roles per organisation (docs/web.md has the table).

| action                        | admin | controller | owner            | reader |
|-------------------------------|-------|------------|------------------|--------|
| read period, report, findings | yes   | yes        | yes              | yes    |
| edit an indicator's outcome   | yes   | yes        | assigned ones    | no     |
| edit targets, goals, finance, narrative, override an assessment | yes | yes | no | no |
| submit own indicators         | –     | –          | yes              | no     |
| approve, lock, return         | yes   | yes        | no               | no     |
| reopen a locked period        | yes   | no         | no               | no     |
| read and export the audit log | yes   | yes        | no               | auditor flag |
| manage users and roles        | yes   | no         | no               | no     |

A Django superuser is an administrator of every organisation.
"""

from __future__ import annotations

from typing import Any

from styrkort.web import models as m
from styrkort.web.errors import Forbidden, NotFound


class Access:
    """A user's role in one organisation (None: no access)."""

    def __init__(self, user: Any, organisation: m.Organisation) -> None:
        self.user = user
        self.organisation = organisation
        self.membership: m.Membership | None = None
        if user is not None and user.is_authenticated:
            try:  # one per user and organisation (a unique constraint)
                self.membership = m.Membership.objects.get(user=user, organisation=organisation)
            except m.Membership.DoesNotExist:
                self.membership = None
        self.superuser = bool(user is not None and user.is_authenticated and user.is_superuser)

    @property
    def role(self) -> Any:
        if self.superuser:
            return m.Role.ADMIN
        return self.membership.role if self.membership else None

    @property
    def role_label(self) -> str:
        return m.Role(self.role).label if self.role else "Ingen roll"

    @property
    def can_read(self) -> bool:
        return self.role is not None

    @property
    def is_admin(self) -> bool:
        return self.role == m.Role.ADMIN

    @property
    def is_controller(self) -> bool:
        """Administrator or controller: assembles the report."""
        return self.role in (m.Role.ADMIN, m.Role.CONTROLLER)

    @property
    def is_owner(self) -> bool:
        return self.role == m.Role.OWNER

    @property
    def can_read_audit(self) -> bool:
        return self.is_controller or bool(
            self.role == m.Role.READER and self.membership and self.membership.is_auditor
        )

    def owns(self, indicator: m.Indicator) -> bool:
        if not self.is_owner or self.membership is None:
            return False
        return indicator.owner.strip().casefold() in self.membership.labels()

    def can_edit_outcome(self, indicator: m.Indicator) -> bool:
        return self.is_controller or self.owns(indicator)

    # refusals
    def require_read(self) -> None:
        if not self.can_read:
            # Do not reveal whether the organisation exists to someone outside it.
            raise NotFound("Sidan finns inte eller så har du inte behörighet till den.")

    def require_controller(self) -> None:
        self.require_read()
        if not self.is_controller:
            raise Forbidden("Bara organisationens controller eller administratör får göra detta.")

    def require_admin(self) -> None:
        self.require_read()
        if not self.is_admin:
            raise Forbidden("Bara en administratör får göra detta.")

    def require_audit(self) -> None:
        self.require_read()
        if not self.can_read_audit:
            raise Forbidden("Ändringsloggen kan läsas av controller, administratör och revisorer.")

    def require_edit_outcome(self, indicator: m.Indicator) -> None:
        self.require_read()
        if not self.can_edit_outcome(indicator):
            raise Forbidden(
                "Du kan bara ändra indikatorer som är tilldelade dig.",
                "Be controllern tilldela dig indikatorn.",
            )


def organisations_for(user: Any) -> list[m.Organisation]:
    if user.is_superuser:
        return list(m.Organisation.objects.all())
    return list(m.Organisation.objects.filter(memberships__user=user).distinct())

"""The one access policy: may this user do this action on this object in this period state?

Every screen, form, template, the API, the services and the import command ask
``Access.check`` / ``Access.require`` / ``Access.may``; nothing else decides who may
do what. The role is checked first (403), then the period's state (409): a
request that is not allowed is refused before its input is validated, so a
refusal never reveals anything about the object.

| action (``Action``)               | admin | controller | owner            | reader | period state          |
|-----------------------------------|-------|------------|------------------|--------|-----------------------|
| read: period, report, findings    | yes   | yes        | yes              | yes    | any                   |
| edit_outcome: outcome, forecast, comment | yes | yes   | assigned ones, until submitted | no | open         |
| edit_definition: text, unit, direction, baseline, target, owner | yes | yes | no | no | open          |
| assess, edit_goal, edit_finance, edit_narrative, upload_data | yes | yes | no | no | open        |
| submit own indicators             | –     | –          | yes, once        | no     | open                  |
| return a submission               | yes   | yes        | no               | no     | open                  |
| approve                           | yes   | yes        | no               | no     | open                  |
| lock, unapprove                   | yes   | yes        | no               | no     | approved              |
| reopen a locked period            | yes   | no         | no               | no     | locked                |
| read_audit: read and export the audit log | yes | yes | no           | auditor flag | any             |
| manage_roles                      | yes   | no         | no               | no     | –                     |
| replace_period (import --replace) | yes   | no         | no               | no     | open; approved or locked only with force |
| read_thread, write_thread: an indicator's comments | yes | yes | own indicators | no | any           |
| upload_attachment                 | yes   | yes        | own indicators, until submitted | no | open          |
| remove_attachment                 | yes   | yes        | what they uploaded | no   | open                  |
| manage_deadlines, self_service (create, import, export periods), start_next_period | yes | yes | no | no | any |
| edit_followup: an activity, a control's result (issue 19) | yes | yes | the rows they own (owner label) | no | any; the services add open and not submitted |
| edit_followup: a council assignment | yes | yes | no | no | any |

The municipality (issue 14) has roles of its own (``MunicipalityMembership``: administrator,
controller, reader). Whoever has one reads every board linked to the municipality, as a reader
of that board (never edits it; their own role in a board, if they have one, comes first); a
board's roles give nothing in the municipality:

| action (``Action``)                         | kommunens admin | controller | läsare | board roles |
|---------------------------------------------|-----------------|------------|--------|-------------|
| read_municipality: overview, report         | yes             | yes        | yes    | no          |
| manage_municipality: configuration, board ids, order, unlink | yes | yes  | no     | no          |
| link_board: add a board to the municipality | yes, of a board where they are administrator or controller too | same | no | no |
| manage_municipality_roles                   | yes             | no         | no     | no          |
| create_municipality                         | superusers only (the web and Django admin)               ||||

``link_board`` needs control of the board as well: otherwise linking a board would be a way to
read it.

A Django superuser is an administrator of every organisation; the command line
(``Access.system``) acts as an administrator.
"""

from __future__ import annotations

import enum
from typing import Any, cast

from styrkort.web import models as m
from styrkort.web.errors import Forbidden, NotFound, PeriodLocked, Refusal, StateConflict


class Action(enum.StrEnum):
    READ = "read"
    EDIT_OUTCOME = "edit_outcome"
    EDIT_DEFINITION = "edit_definition"
    ASSESS = "assess"
    EDIT_GOAL = "edit_goal"
    EDIT_FINANCE = "edit_finance"
    EDIT_NARRATIVE = "edit_narrative"
    UPLOAD_DATA = "upload_data"
    SUBMIT = "submit"
    RETURN_SUBMISSION = "return_submission"
    APPROVE = "approve"
    LOCK = "lock"
    UNAPPROVE = "unapprove"
    REOPEN = "reopen"
    READ_AUDIT = "read_audit"
    MANAGE_ROLES = "manage_roles"
    REPLACE_PERIOD = "replace_period"
    # owners' tools and self-service (issue 15, deliverables 5 and 6)
    READ_THREAD = "read_thread"
    WRITE_THREAD = "write_thread"
    UPLOAD_ATTACHMENT = "upload_attachment"
    REMOVE_ATTACHMENT = "remove_attachment"
    MANAGE_DEADLINES = "manage_deadlines"
    SELF_SERVICE = "self_service"
    START_NEXT_PERIOD = "start_next_period"
    # activities, council assignments, internal control (issue 19)
    EDIT_FOLLOWUP = "edit_followup"
    # the municipality (issue 14): asked of ``Access.for_municipality``
    READ_MUNICIPALITY = "read_municipality"
    MANAGE_MUNICIPALITY = "manage_municipality"
    LINK_BOARD = "link_board"
    MANAGE_MUNICIPALITY_ROLES = "manage_municipality_roles"
    CREATE_MUNICIPALITY = "create_municipality"


# Which action changes which field of an indicator (the API, the form and the service use this).
INDICATOR_FIELD_ACTIONS: dict[str, Action] = {
    "outcome": Action.EDIT_OUTCOME,
    "forecast": Action.EDIT_OUTCOME,
    "comment": Action.EDIT_OUTCOME,
    "text": Action.EDIT_DEFINITION,
    "unit": Action.EDIT_DEFINITION,
    "direction": Action.EDIT_DEFINITION,
    "baseline": Action.EDIT_DEFINITION,
    "target": Action.EDIT_DEFINITION,
    "owner": Action.EDIT_DEFINITION,
}

_CONTROL = frozenset({m.Role.ADMIN, m.Role.CONTROLLER})
# who (by role) may do what; EDIT_OUTCOME for owners is narrowed to their indicators below
_ROLES: dict[Action, frozenset[Any]] = {
    Action.READ: frozenset(m.Role),
    Action.EDIT_OUTCOME: _CONTROL | {m.Role.OWNER},
    Action.EDIT_DEFINITION: _CONTROL,
    Action.ASSESS: _CONTROL,
    Action.EDIT_GOAL: _CONTROL,
    Action.EDIT_FINANCE: _CONTROL,
    Action.EDIT_NARRATIVE: _CONTROL,
    Action.UPLOAD_DATA: _CONTROL,
    Action.SUBMIT: frozenset({m.Role.OWNER}),
    Action.RETURN_SUBMISSION: _CONTROL,
    Action.APPROVE: _CONTROL,
    Action.LOCK: _CONTROL,
    Action.UNAPPROVE: _CONTROL,
    Action.REOPEN: frozenset({m.Role.ADMIN}),
    Action.READ_AUDIT: _CONTROL,  # and readers with the auditor flag
    Action.MANAGE_ROLES: frozenset({m.Role.ADMIN}),
    Action.REPLACE_PERIOD: frozenset({m.Role.ADMIN}),
    Action.READ_THREAD: _CONTROL | {m.Role.OWNER},  # owners: their indicators' threads
    Action.WRITE_THREAD: _CONTROL | {m.Role.OWNER},
    Action.UPLOAD_ATTACHMENT: _CONTROL | {m.Role.OWNER},  # owners: their indicators
    Action.REMOVE_ATTACHMENT: _CONTROL | {m.Role.OWNER},  # owners: what they uploaded
    Action.MANAGE_DEADLINES: _CONTROL,
    Action.SELF_SERVICE: _CONTROL,
    Action.START_NEXT_PERIOD: _CONTROL,
    Action.EDIT_FOLLOWUP: _CONTROL | {m.Role.OWNER},  # owners: activities and controls they own
}
# the municipality's actions, by municipality role (CREATE_MUNICIPALITY: superusers only)
_MUNICIPALITY_CONTROL = frozenset({m.MunicipalityRole.ADMIN, m.MunicipalityRole.CONTROLLER})
_MUNICIPALITY_ROLES: dict[Action, frozenset[Any]] = {
    Action.READ_MUNICIPALITY: frozenset(m.MunicipalityRole),
    Action.MANAGE_MUNICIPALITY: _MUNICIPALITY_CONTROL,
    Action.LINK_BOARD: _MUNICIPALITY_CONTROL,  # and control of the board (check)
    Action.MANAGE_MUNICIPALITY_ROLES: frozenset({m.MunicipalityRole.ADMIN}),
    Action.CREATE_MUNICIPALITY: frozenset(),
}
# the state a period must be in for the action (None: any state)
_STATES: dict[Action, Any] = {
    Action.EDIT_OUTCOME: m.PeriodState.OPEN,
    Action.EDIT_DEFINITION: m.PeriodState.OPEN,
    Action.ASSESS: m.PeriodState.OPEN,
    Action.EDIT_GOAL: m.PeriodState.OPEN,
    Action.EDIT_FINANCE: m.PeriodState.OPEN,
    Action.EDIT_NARRATIVE: m.PeriodState.OPEN,
    Action.UPLOAD_DATA: m.PeriodState.OPEN,
    Action.SUBMIT: m.PeriodState.OPEN,
    Action.RETURN_SUBMISSION: m.PeriodState.OPEN,
    Action.APPROVE: m.PeriodState.OPEN,
    Action.LOCK: m.PeriodState.APPROVED,
    Action.UNAPPROVE: m.PeriodState.APPROVED,
    Action.REOPEN: m.PeriodState.LOCKED,
    Action.REPLACE_PERIOD: m.PeriodState.OPEN,
    Action.UPLOAD_ATTACHMENT: m.PeriodState.OPEN,
    Action.REMOVE_ATTACHMENT: m.PeriodState.OPEN,
}
_ROLE_REFUSALS: dict[Action, tuple[str, str]] = {
    Action.EDIT_OUTCOME: (
        "Du kan bara ändra indikatorer som är tilldelade dig.",
        "Be controllern tilldela dig indikatorn.",
    ),
    Action.EDIT_DEFINITION: (
        "Bara controllern får ändra målvärde, enhet, riktning, text och ägare.",
        "Be controllern ändra indikatorns definition.",
    ),
    Action.SUBMIT: ("Bara indikatorägare lämnar in; controllern godkänner perioden.", ""),
    Action.REOPEN: ("Bara en administratör kan öppna en låst period igen.", ""),
    Action.READ_AUDIT: (
        "Ändringsloggen kan läsas av controller, administratör och revisorer.",
        "",
    ),
    Action.MANAGE_ROLES: ("Bara en administratör får göra detta.", ""),
    Action.REPLACE_PERIOD: ("Bara en administratör får ersätta en period.", ""),
    Action.READ_THREAD: (
        "Kommentarstråden läses av controllern och indikatorns ägare.",
        "Be controllern tilldela dig indikatorn om du behöver delta.",
    ),
    Action.WRITE_THREAD: (
        "Kommentarstråden skrivs av controllern och indikatorns ägare.",
        "Be controllern tilldela dig indikatorn om du behöver delta.",
    ),
    Action.UPLOAD_ATTACHMENT: (
        "Du kan bara lägga bilagor till indikatorer som är tilldelade dig.",
        "Be controllern tilldela dig indikatorn.",
    ),
    Action.REMOVE_ATTACHMENT: ("Du kan bara ta bort bilagor som du själv har laddat upp.", ""),
    Action.MANAGE_MUNICIPALITY: (
        "Bara kommunens controller eller administratör får ändra kommunens uppgifter.",
        "",
    ),
    Action.LINK_BOARD: (
        "Du kan bara lägga till nämnder där du själv är controller eller administratör.",
        "Be nämndens administratör lägga till nämnden, eller ge dig en roll i den.",
    ),
    Action.MANAGE_MUNICIPALITY_ROLES: ("Bara kommunens administratör får ändra roller.", ""),
    Action.CREATE_MUNICIPALITY: ("Bara en systemadministratör får skapa en kommun.", ""),
}
_OWN_INDICATOR = frozenset(
    {Action.EDIT_OUTCOME, Action.READ_THREAD, Action.WRITE_THREAD, Action.UPLOAD_ATTACHMENT}
)
_EDITS = frozenset(
    {
        Action.EDIT_OUTCOME,
        Action.EDIT_DEFINITION,
        Action.ASSESS,
        Action.EDIT_GOAL,
        Action.EDIT_FINANCE,
        Action.EDIT_NARRATIVE,
        Action.UPLOAD_DATA,
        Action.SUBMIT,
        Action.RETURN_SUBMISSION,
    }
)


class Access:
    """A user's role in one organisation (None: no access) and the policy over it; or, made by
    ``for_municipality``, their role in a municipality."""

    def __init__(
        self,
        user: Any,
        organisation: m.Organisation | None,
        *,
        system: bool = False,
        municipality: m.Municipality | None = None,
    ) -> None:
        self.user = user
        # None only in an Access made by ``for_municipality``, which refuses every board action
        # (its ``role`` is None), so the board code that reads ``organisation`` never sees None.
        self.organisation: m.Organisation = cast("m.Organisation", organisation)
        self.municipality = municipality
        self.membership: m.Membership | None = None
        self._labels: tuple[str, set[str]] | None = None
        self.municipality_membership: m.MunicipalityMembership | None = None
        self.system = system
        authenticated = user is not None and user.is_authenticated
        if authenticated and organisation is not None:
            try:  # one per user and organisation (a unique constraint)
                self.membership = m.Membership.objects.get(user=user, organisation=organisation)
            except m.Membership.DoesNotExist:
                self.membership = None
            if self.membership is None:
                # a role in a municipality the board belongs to: the user reads the board
                self.municipality_membership = (
                    m.MunicipalityMembership.objects.filter(
                        user=user, municipality__board_links__organisation=organisation
                    )
                    .order_by("pk")
                    .first()
                )
        if authenticated and municipality is not None:
            self.municipality_membership = m.MunicipalityMembership.objects.filter(
                user=user, municipality=municipality
            ).first()
        self.superuser = bool(authenticated and user.is_superuser)
        self._submitted: dict[int, bool] = {}

    @classmethod
    def for_municipality(cls, user: Any, municipality: m.Municipality | None) -> Access:
        """The user's role in ``municipality`` (None: a municipality yet to be created)."""
        return cls(user, None, municipality=municipality)

    @property
    def municipality_role(self) -> Any:
        """The user's role in the municipality (``for_municipality``), or the municipality role
        through which they read the board (None: none)."""
        if self.superuser or self.system:
            return m.MunicipalityRole.ADMIN
        mm = self.municipality_membership
        return mm.role if mm else None

    @classmethod
    def system_access(cls, organisation: m.Organisation) -> Access:
        """The command line (``styrkort import``): acts as an administrator, logged as 'system'."""
        return cls(None, organisation, system=True)

    @property
    def role(self) -> Any:
        if self.superuser or self.system:
            return m.Role.ADMIN
        if self.organisation is None:
            return None
        if self.membership:
            return self.membership.role
        # a municipality role reads the board, never edits it
        return m.Role.READER if self.municipality_membership else None

    @property
    def role_label(self) -> str:
        if self.organisation is None or (
            self.membership is None and self.municipality_membership and not self.superuser
        ):
            role = self.municipality_role
            return m.MunicipalityRole(role).label if role else "Ingen roll"
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
        return self.role in _CONTROL

    @property
    def is_owner(self) -> bool:
        return self.role == m.Role.OWNER

    @property
    def can_read_audit(self) -> bool:
        return self.may(Action.READ_AUDIT)

    def owns(self, indicator: m.Indicator) -> bool:
        if not self.is_owner or self.membership is None:
            return False
        text = self.membership.owner_labels
        if self._labels is None or self._labels[0] != text:
            # parsed once per text: a screen asks for every indicator of the period
            self._labels = (text, m.owner_labels(text))
        return indicator.owner.strip().casefold() in self._labels[1]

    def has_submitted(self, period: m.Period) -> bool:
        if not self.is_owner or self.user is None:
            return False
        if period.pk not in self._submitted:
            self._submitted[period.pk] = m.Submission.objects.filter(
                period=period, user=self.user
            ).exists()
        return self._submitted[period.pk]

    def seed_submitted(self, period: m.Period, submitted: bool) -> None:
        """Tell the policy what a screen already read (saves a query)."""
        self._submitted[period.pk] = submitted

    # --- the policy -------------------------------------------------------------------------

    def check(
        self,
        action: Action,
        period: m.Period | None = None,
        obj: Any = None,
        *,
        force: bool = False,
    ) -> Refusal | None:
        """Why the user may not do ``action`` on ``obj`` in ``period`` (None: allowed).

        The role is checked first (403), then the period's state (409)."""
        if action in _MUNICIPALITY_ROLES:
            return self._municipality_refusal(action, obj)
        if self.role is None:
            # Do not reveal whether the organisation exists to someone outside it.
            return NotFound("Sidan finns inte eller så har du inte behörighet till den.")
        allowed = self.role in _ROLES[action]
        if action is Action.READ_AUDIT and self.membership is not None:
            allowed = allowed or (self.role == m.Role.READER and self.membership.is_auditor)
        if allowed and self.is_owner:
            # an owner acts on their own indicators (and removes only what they uploaded)
            if action in _OWN_INDICATOR and isinstance(obj, m.Indicator):
                allowed = self.owns(obj)
            elif action is Action.EDIT_FOLLOWUP and isinstance(
                obj, m.Activity | m.Control | m.Assignment
            ):
                # assignments are the controller's; an activity or control is its owner's
                allowed = not isinstance(obj, m.Assignment) and self.owns(obj)
            elif action is Action.REMOVE_ATTACHMENT and isinstance(obj, m.Attachment):
                allowed = self.owns(obj.indicator) and obj.user_id == getattr(self.user, "pk", None)
        if not allowed:
            message, hint = _ROLE_REFUSALS.get(
                action, ("Bara organisationens controller eller administratör får göra detta.", "")
            )
            return Forbidden(message, hint)
        if period is None:
            return None
        return self._state_refusal(action, period, force=force)

    def _municipality_refusal(self, action: Action, obj: Any) -> Refusal | None:
        """The municipality's actions: by municipality role; linking a board also needs
        control of the board (``obj``, an organisation)."""
        if action is Action.CREATE_MUNICIPALITY:
            if self.superuser or self.system:
                return None
            return Forbidden(*_ROLE_REFUSALS[action])
        role = self.municipality_role if self.municipality is not None else None
        if role is None:
            # Do not reveal whether the municipality exists to someone outside it.
            return NotFound("Sidan finns inte eller så har du inte behörighet till den.")
        allowed = role in _MUNICIPALITY_ROLES[action]
        if allowed and action is Action.LINK_BOARD and isinstance(obj, m.Organisation):
            allowed = Access(self.user, obj, system=self.system).is_controller
        if not allowed:
            message, hint = _ROLE_REFUSALS.get(
                action, ("Bara kommunens controller eller administratör får göra detta.", "")
            )
            return Forbidden(message, hint)
        return None

    def _state_refusal(self, action: Action, period: m.Period, *, force: bool) -> Refusal | None:
        needed = _STATES.get(action)
        state = period.state
        if (
            needed is not None
            and state != needed
            and not (force and action is Action.REPLACE_PERIOD)
        ):
            if action is Action.REPLACE_PERIOD:
                return StateConflict(
                    f"Perioden ”{period.title}” är {m.PeriodState(state).label.lower()} och ersätts inte.",
                    "Ange --force för att ersätta den ändå; det skrivs i ändringsloggen.",
                )
            if state == m.PeriodState.LOCKED:
                return PeriodLocked(
                    f"Perioden ”{period.title}” är låst. Inga ändringar kan göras.",
                    "En administratör kan öppna perioden igen; det loggas.",
                )
            if action in _EDITS and state == m.PeriodState.APPROVED:
                return StateConflict(
                    f"Perioden ”{period.title}” är godkänd och kan inte ändras.",
                    "Controllern kan återöppna perioden om något måste rättas.",
                )
            return StateConflict(
                f"Perioden är {m.PeriodState(state).label.lower()}, inte "
                f"{m.PeriodState(needed).label.lower()}; ändringen kan inte göras.",
                "Ladda om sidan för att se periodens läge.",
            )
        if action in (
            Action.EDIT_OUTCOME,
            Action.SUBMIT,
            Action.UPLOAD_ATTACHMENT,
        ) and self.has_submitted(period):
            if action is Action.SUBMIT:
                return StateConflict("Du har redan lämnat in dina indikatorer för perioden.")
            return StateConflict(
                "Du har redan lämnat in dina indikatorer för perioden.",
                "Be controllern att återlämna inlämningen om något måste ändras.",
            )
        return None

    def may(
        self,
        action: Action,
        period: m.Period | None = None,
        obj: Any = None,
        *,
        force: bool = False,
    ) -> bool:
        return self.check(action, period, obj, force=force) is None

    def require(
        self,
        action: Action,
        period: m.Period | None = None,
        obj: Any = None,
        *,
        force: bool = False,
    ) -> None:
        refusal = self.check(action, period, obj, force=force)
        if refusal is not None:
            raise refusal

    def require_read(self) -> None:
        self.require(Action.READ)

    def require_fields(self, period: m.Period, indicator: m.Indicator, fields: set[str]) -> None:
        """Refuse a change of an indicator's ``fields`` the user may not make (before validation)."""
        actions = {INDICATOR_FIELD_ACTIONS[f] for f in fields if f in INDICATOR_FIELD_ACTIONS}
        # the narrower permission first: an owner changing a target hears about the target
        for action in sorted(actions, key=lambda a: a is Action.EDIT_OUTCOME):
            self.require(action, period, indicator)

    def editable_fields(self, period: m.Period, indicator: m.Indicator) -> set[str]:
        """The indicator's fields this user may change now (empty: nothing)."""
        allowed = {
            a for a in set(INDICATOR_FIELD_ACTIONS.values()) if self.may(a, period, indicator)
        }
        return {f for f, a in INDICATOR_FIELD_ACTIONS.items() if a in allowed}

    def allowed(self, period: m.Period | None = None, obj: Any = None) -> set[str]:
        """The names of every action allowed on ``obj`` in ``period``, for the templates
        (``{% if "approve" in can %}``)."""
        return {str(a) for a in Action if self.may(a, period, obj)}


def organisations_for(user: Any) -> list[m.Organisation]:
    """The organisations ``user`` may read: their own, and the boards of their municipalities."""
    from django.db.models import Q

    if user.is_superuser:
        return list(m.Organisation.objects.all())
    return list(
        m.Organisation.objects.filter(
            Q(memberships__user=user) | Q(municipality_links__municipality__memberships__user=user)
        ).distinct()
    )


def municipalities_for(user: Any) -> list[m.Municipality]:
    """The municipalities whose overview ``user`` may read."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return list(m.Municipality.objects.all())
    return list(m.Municipality.objects.filter(memberships__user=user).distinct())

"""What a board follows up beyond indicators: activities, council assignments, internal control.

One value on the workspace (``Workspace.followup``), so that readers, the web
mapping and the report reach all three through one field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from styrkort.core.activities import Activity, ActivityRule, GoalBasis
from styrkort.core.assignments import Assignment
from styrkort.core.internal_control import InternalControlPlan


@dataclass(frozen=True, slots=True)
class FollowUp:
    activities: tuple[Activity, ...] = ()
    """Activities under board goals and council goals (``Activity.parent`` names which)."""
    bases: Mapping[str, GoalBasis] = field(default_factory=dict)
    """Goal id → what the goal is judged from, where the workspace chose it."""
    activity_rule: ActivityRule = field(default_factory=ActivityRule)
    assignments: tuple[Assignment, ...] = ()
    internal_control: InternalControlPlan = field(default_factory=InternalControlPlan)

    @property
    def is_empty(self) -> bool:
        return not (self.activities or self.assignments or not self.internal_control.is_empty)

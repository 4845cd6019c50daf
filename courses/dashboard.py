"""What comes next, on the participant's dashboard: panels the apps above courses contribute.

Courses cannot import cohorts, mentoring or certificates (they sit above it), so each of them
registers a function with the Wagtail hook :data:`DASHBOARD_PANELS_HOOK`. The function is called
as ``panel(request, user)`` and returns a :class:`DashboardPanel` (a template and its context) or
``None`` when it has nothing to say. Each must run a fixed number of queries (one or two), so that
the dashboard costs the same whatever she has.
"""

from dataclasses import dataclass, field
from typing import Any

from wagtail import hooks

#: Wagtail hook: functions given ``(request, user)`` that return a :class:`DashboardPanel` or None.
DASHBOARD_PANELS_HOOK = "pathways_dashboard_panels"


@dataclass(frozen=True)
class DashboardPanel:
    """One small section of "What comes next": rendered with ``template_name``, which reads its
    values as ``panel.<name>``. Lower ``order`` comes first (sessions 10, sign-offs 20, check-ins
    30, certificates 40, sharing 50). A panel that prints a time of day sets ``shows_times``, so
    that the dashboard names her time zone once."""

    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    shows_times: bool = False


def dashboard_panels(request, user) -> list[DashboardPanel]:
    """The panels the installed apps have for ``user`` now, in order."""
    panels = []
    for hook in hooks.get_hooks(DASHBOARD_PANELS_HOOK):
        panel = hook(request, user)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)

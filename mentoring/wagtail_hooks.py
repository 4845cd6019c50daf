"""Registers the mentoring screens of the Wagtail admin."""

from wagtail import hooks

from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, DashboardPanel
from pathways.lms.core.schedule import PERIODIC_TASKS_HOOK, PeriodicTask
from pathways.lms.notices.services import DUE_NOTICES_HOOK
from pathways.mentoring import admin, notices, selectors, tasks


@hooks.register("register_admin_viewset")
def register_mentoring_viewsets():
    return admin.viewsets()


hooks.register(DUE_NOTICES_HOOK, notices.checkins_due_tomorrow)


@hooks.register(PERIODIC_TASKS_HOOK)
def mentoring_periodic_tasks():
    return [
        PeriodicTask(
            name="flag_overdue_pairings",
            task=tasks.flag_overdue_pairings,
            when="06:15",
            description="Flag for staff the mentorships whose check-in is overdue.",
        )
    ]


@hooks.register(DASHBOARD_PANELS_HOOK)
def next_checkin_panel(request, user):
    """When she should next meet her mentor, on her dashboard (one query)."""
    check_ins = selectors.mentee_next_checkins(user)
    if not check_ins:
        return None
    return DashboardPanel(
        "mentoring/includes/dashboard_check_ins.html", {"check_ins": check_ins}, 30
    )

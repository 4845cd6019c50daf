"""Registers the cohort screens of the Wagtail admin, and the completion rule cohorts add."""

from wagtail import hooks

from pathways.cohorts import admin, notices, selectors
from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, DashboardPanel
from pathways.courses.selectors import COMPLETION_REQUIREMENTS_HOOK, FACILITATED_ENROLMENTS_HOOK
from pathways.lms.notices.services import DUE_NOTICES_HOOK


@hooks.register("register_admin_viewset")
def register_cohort_viewsets():
    return admin.viewset_group()


@hooks.register(COMPLETION_REQUIREMENTS_HOOK)
def attended_hours(enrolment):
    return selectors.attended_hours_requirements(enrolment)


# Lists explaining many people's progress ask for all of them at once.
attended_hours.for_enrolments = selectors.attended_hours_requirements_for


@hooks.register(FACILITATED_ENROLMENTS_HOOK)
def enrolments_in_cohorts_she_runs(user):
    return selectors.facilitated_enrolments_q(user)


hooks.register(DUE_NOTICES_HOOK, notices.sessions_tomorrow)


@hooks.register(DASHBOARD_PANELS_HOOK)
def next_session_panel(request, user):
    """Her next group session on the dashboard: when, where, and which group, in her language
    (three queries: the session, then its and its group's translations)."""
    session = selectors.participant_next_session(user)
    if session is None:
        return None
    return DashboardPanel(
        "cohorts/includes/dashboard_next_session.html",
        {"session": session},
        10,
        shows_times=True,
    )

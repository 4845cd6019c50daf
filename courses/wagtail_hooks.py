"""Registers the course screens of the Wagtail admin (``courses.admin``), the history entry of a
returned sign-off, and the dashboard's panel of sign-offs still open."""

from django.utils.translation import gettext_lazy

from wagtail import hooks

from pathways.courses import admin
from pathways.courses.dashboard import DASHBOARD_PANELS_HOOK, DashboardPanel
from pathways.courses.selectors import participant_open_signoffs
from pathways.courses.services import SIGNOFF_RETURN_ACTION


@hooks.register("register_admin_viewset")
def register_course_viewsets():
    return admin.viewset_group()


@hooks.register("register_log_actions")
def register_signoff_log_actions(actions):
    actions.register_action(
        SIGNOFF_RETURN_ACTION,
        gettext_lazy("Return a practical activity with a note"),
        gettext_lazy("Practical activity returned with a note (not yet)"),
    )


@hooks.register(DASHBOARD_PANELS_HOOK)
def open_signoffs_panel(request, user):
    """Her practical activities not signed off yet, a note first where she was asked to change
    something."""
    signoffs = participant_open_signoffs(user)
    if not signoffs:
        return None
    return DashboardPanel("courses/includes/dashboard_signoffs.html", {"signoffs": signoffs}, 20)

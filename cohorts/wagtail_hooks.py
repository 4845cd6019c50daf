"""Staff tools for cohorts and mentorship in the Wagtail admin, and the completion rule they add."""

from wagtail import hooks

from pathways.cohorts import admin as admin_cohorts
from pathways.cohorts import selectors
from pathways.courses.selectors import COMPLETION_REQUIREMENTS_HOOK
from pathways.mentoring import admin as admin_mentorship


@hooks.register("register_admin_viewset")
def register_cohort_viewsets():
    return admin_cohorts.viewset_group()


@hooks.register("register_admin_viewset")
def register_mentorship_viewsets():
    return admin_mentorship.viewset_group()


@hooks.register(COMPLETION_REQUIREMENTS_HOOK)
def attended_hours(enrollment):
    return selectors.attended_hours_requirements(enrollment)


# Lists explaining many people's progress ask for all of them at once.
attended_hours.for_enrollments = selectors.attended_hours_requirements_for

"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Cohorts, memberships, sessions and attendance are managed in the admin, always through
# cohorts.services. Nothing but a session without attendance is deleted: members are withdrawn,
# cohorts closed. Facilitators work from the phone pages, not the admin.
STAFF_PERMISSIONS = {
    "pathways_cohorts": [
        "add_cohort",
        "change_cohort",
        "view_cohort",
        "add_cohortmembership",
        "change_cohortmembership",
        "view_cohortmembership",
        "add_cohortsession",
        "change_cohortsession",
        "delete_cohortsession",
        "view_cohortsession",
        "add_attendance",
        "change_attendance",
        "view_attendance",
    ],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

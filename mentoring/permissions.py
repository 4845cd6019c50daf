"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Mentor profiles, mentee preferences and pairings are managed in the admin, where a pairing's
# goals and check-ins are read too. Nothing is deleted: a pairing is ended, a profile paused.
STAFF_PERMISSIONS = {
    "pathways_mentoring": [
        "add_mentorprofile",
        "change_mentorprofile",
        "view_mentorprofile",
        "add_menteepreferences",
        "change_menteepreferences",
        "view_menteepreferences",
        "add_mentorshippairing",
        "change_mentorshippairing",
        "view_mentorshippairing",
    ],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

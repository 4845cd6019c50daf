"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Skills are kept in the admin; staff enrol participants there.
STAFF_PERMISSIONS = {
    "pathways_courses": [
        "add_skill",
        "change_skill",
        "delete_skill",
        "view_skill",
        "add_enrolment",
        "view_enrolment",
    ],
    # Translating courses in the admin, where the site has wagtail-localize ("Translate this
    # page"); nothing is granted where it is not installed.
    "wagtail_localize": ["submit_translation"],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

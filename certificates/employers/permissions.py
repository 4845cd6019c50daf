"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Partner employers are added and edited; API keys are made (shown once) and revoked
# ("change"). Nothing is deleted.
STAFF_PERMISSIONS = {
    "pathways_employers": [
        "add_employerorganisation",
        "change_employerorganisation",
        "view_employerorganisation",
        "add_employerapikey",
        "change_employerapikey",
        "view_employerapikey",
    ],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

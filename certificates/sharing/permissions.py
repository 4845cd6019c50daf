"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Staff record consent given on paper or orally ("add") and a request to stop sharing
# ("change"), always through the services. Employer access records are read only.
STAFF_PERMISSIONS = {
    "pathways_sharing": [
        "add_credentialrelease",
        "change_credentialrelease",
        "view_credentialrelease",
        "view_credentialaccess",
    ],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

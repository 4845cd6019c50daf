"""What programme staff may do here, granted after every migrate (see
:mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

# Certificate templates are snippets with revisions; certificates are issued, revoked and
# reissued in the admin (revoking and reissuing need "change"), always through the services.
# Nothing is deleted: a certificate is revoked, never removed.
STAFF_PERMISSIONS = {
    "pathways_certificates": [
        "add_certificatetemplate",
        "change_certificatetemplate",
        "view_certificatetemplate",
        "add_certificate",
        "change_certificate",
        "view_certificate",
        "add_certificatebatch",
        "view_certificatebatch",
    ],
}


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, STAFF_PERMISSIONS)

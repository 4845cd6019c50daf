"""Programme staff may read the audit of legal name reads and end paused sign-ins (nothing else
here), granted after every migrate (see :mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role


def register() -> None:
    register_role_permissions(
        Role.PROGRAMME_STAFF,
        {"pathways_security": ["view_legalnameread"], "axes": ["delete_accessattempt"]},
    )

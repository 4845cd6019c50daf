"""Programme staff may erase a participant's personal data and read the erasure records, granted
after every migrate (see :mod:`pathways.lms.accounts.permissions`)."""

from pathways.lms.accounts.permissions import register_role_permissions
from pathways.lms.accounts.roles import Role

PRIVACY_STAFF_PERMISSIONS = ["erase_participant", "view_erasurerecord"]


def register() -> None:
    register_role_permissions(Role.PROGRAMME_STAFF, {"pathways_privacy": PRIVACY_STAFF_PERMISSIONS})

"""Reading partner employers."""

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.lms.accounts.roles import Role, has_role


def employer_for_user(user) -> EmployerOrganisation | None:
    """The organisation an employer web user acts for, or None."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, Role.EMPLOYER):
        return None
    return user.employer_organisations.order_by("pk").first()

"""Reading partner employers."""

from pathways.certificates.employers.models import EmployerOrganisation
from pathways.lms.accounts.roles import Role, has_role


def employer_for_user(user) -> EmployerOrganisation | None:
    """The organisation an employer web user acts for, or None. Looked up once per request (kept
    on the user object, as ``has_role`` keeps the roles): the portal's view and its navigation
    both ask."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, Role.EMPLOYER):
        return None
    if not hasattr(user, "_pathways_employer"):
        user._pathways_employer = user.employer_organisations.order_by("pk").first()
    return user._pathways_employer


def is_unlinked_employer(user) -> bool:
    """Whether ``user`` holds the partner employer role but belongs to no partner organisation
    yet (staff have not finished setting her account up): her portal has nothing to show."""
    return (
        getattr(user, "is_authenticated", False)
        and has_role(user, Role.EMPLOYER)
        and employer_for_user(user) is None
    )

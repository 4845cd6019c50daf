"""The roles of the product doc, kept as Django groups.

A role says what kind of person someone is; what they may see also depends on relationships
(an active mentorship pairing, an assignment to a cohort), which the selectors check.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTICIPANT = "Participants", _("Participant")
    MENTOR = "Mentors", _("Mentor")
    FACILITATOR = "Facilitators", _("Facilitator")
    PROGRAMME_STAFF = "Programme staff", _("Programme staff")
    EMPLOYER = "Employer users", _("Employer user")


def has_role(user, role: Role) -> bool:
    """Whether an authenticated user holds a role (cached per request on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_pathways_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._pathways_roles = cache
    return role.value in cache


def is_programme_staff(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.PROGRAMME_STAFF)


def is_facilitator(user) -> bool:
    return has_role(user, Role.FACILITATOR) or is_programme_staff(user)

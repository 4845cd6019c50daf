"""Setting a temporary password for a participant, in person.

A participant who forgot her password asks staff at the programme. Nothing is sent by e-mail or
text message: staff set a password, tell it to her, and the change is logged (never the
password itself). Setting a password signs her out everywhere else (the lost-phone case):
Django ties each session to the password it was opened with, and her apps' tokens end with any
new password (``lms.accounts.signals.password_changed``).
"""

import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.lms.accounts.permissions import user_model_permission
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.lms.accounts.selectors import may_manage_account
from pathways.lms.accounts.signals import PASSWORD_SET_BY_STAFF
from pathways.lms.security.two_factor import needs_second_factor

TEMPORARY_PASSWORD_ACTION = "pathways.temporary_password"  # noqa: S105  (a log action name)
# Lower-case letters that are hard to mix up when read aloud or copied from a screen.
_READABLE_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_GROUPS, _GROUP_LENGTH = 3, 4


def readable_password() -> str:
    """A password that is easy to read out and type on a phone: three groups of four letters
    joined by dashes (about 54 bits of randomness), e.g. ``kfmt-wprn-hxzd``."""
    return "-".join(
        "".join(secrets.choice(_READABLE_LETTERS) for _ in range(_GROUP_LENGTH))
        for _ in range(_GROUPS)
    )


def may_set_temporary_password(*, actor, user) -> bool:
    """Programme staff with permission to change people may do this for participants only:
    never for someone who reaches the admin, whose password is theirs alone, nor for an
    account out of their reach (``lms.accounts.selectors``)."""
    return (
        is_programme_staff(actor)
        and actor.has_perm(user_model_permission("change"))
        and actor.pk != user.pk
        and has_role(user, Role.PARTICIPANT)
        and not needs_second_factor(user)
        and may_manage_account(actor=actor, user=user)
    )


def readable_password_for(user) -> str | None:
    """A readable password that passes the site's password rules for this person, or None if
    the rules (a host site's own, say) never accept one: staff then type one instead."""
    for _attempt in range(20):
        password = readable_password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password
    return None


@transaction.atomic
def temporary_password_set(*, actor, user, password: str) -> None:
    """Set ``user``'s password to ``password``, checked against the site's password rules."""
    if not may_set_temporary_password(actor=actor, user=user):
        raise PermissionDenied(_("You cannot set a password for this person."))
    password_validation.validate_password(password, user)
    user.set_password(password)
    setattr(user, PASSWORD_SET_BY_STAFF, True)
    try:
        user.save(update_fields=["password"])
    finally:
        delattr(user, PASSWORD_SET_BY_STAFF)
    profile_update(user, password_set_by_staff_at=timezone.now())
    log(instance=user, action=TEMPORARY_PASSWORD_ACTION, user=actor)

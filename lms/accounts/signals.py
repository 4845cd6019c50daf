"""Events about people's accounts that other apps act on.

``password_changed`` is sent whenever a person's password is saved anew, whichever screen or
command did it: the temporary password staff set in person, the admin's account page, the
admin's user form (superusers), a reset link, ``manage.py changepassword``. Django ties every
session to the password it was opened with, so sessions end by themselves; whatever else signs
her in (an app's API token) ends on this signal, so that a new password always shuts out whoever
held the old one.

Every one of those paths saves through ``set_password()`` and ``save()``; the signal is sent
from there (``password_change_announce``, connected in ``apps.py``) rather than by each screen,
because most of those screens are Django's and Wagtail's own.
"""

from django.dispatch import Signal

from pathways.lms.accounts.names import stored_profile

#: Sent with ``user`` inside the transaction that saved her new password.
password_changed = Signal()

#: Sent with ``reader``, ``subject`` and ``request`` each time a person's account page in the
#: admin is shown to a member of staff (the security app records a legal name shown).
account_shown_to_staff = Signal()

#: Wagtail hook: functions given ``request_user`` and ``user`` that return a header button for
#: that person's account page in the admin, or None.
USER_HEADER_BUTTONS_HOOK = "pathways_user_header_buttons"

#: Set on a user instance by the one service through which staff set a password
#: (``lms.security.passwords``), so that saving it keeps ``password_set_by_staff_at``.
PASSWORD_SET_BY_STAFF = "_pathways_password_set_by_staff"  # noqa: S105  (an attribute name)


def password_change_announce(sender, instance, **kwargs) -> None:
    """``post_save`` of the user model: ``set_password()`` leaves the new password on the
    instance (``_password``) until the save that stores it has finished, which is now.

    Django's own re-hashing of a password at sign-in clears it before saving, as it is not a
    change of password."""
    if getattr(instance, "_password", None) is None:
        return
    password_changed.send(sender=sender, user=instance)
    if getattr(instance, PASSWORD_SET_BY_STAFF, False):
        return
    from pathways.lms.accounts.models import Profile

    # She chose her own: staff no longer know it.
    Profile.objects.filter(user_id=instance.pk, password_set_by_staff_at__isnull=False).update(
        password_set_by_staff_at=None
    )
    profile = stored_profile(instance)
    if profile is not None:
        profile.password_set_by_staff_at = None

"""Password reset by e-mail: off unless the programme turns it on, and never against her wishes.

Pathways sends nothing by e-mail by default: a reset link landing in an inbox that someone else
reads can tell them about the account, and hand it to them. Staff reset passwords in person
(``lms.security.passwords``). A programme that wants the Wagtail admin's "Forgotten password?"
sets ``PATHWAYS_PASSWORD_RESET_BY_EMAIL``; even then, a reset goes only to accounts whose owner
chose e-mail among her safe ways to be contacted and did not ask not to be contacted. Everyone
else silently gets nothing, and the page answers the same either way, so it never tells whether
an address belongs to someone.
"""

from wagtail.admin.forms.auth import PasswordResetForm

from pathways.lms.accounts.profiles import ContactChannel, may_be_contacted_by
from pathways.lms.core import app_settings


def reset_by_email_enabled() -> bool:
    return bool(app_settings.PATHWAYS_PASSWORD_RESET_BY_EMAIL)


class SafeContactPasswordResetForm(PasswordResetForm):
    """``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``: Wagtail's form, sending only where it is safe."""

    def get_users(self, email):
        if not reset_by_email_enabled():
            return
        for user in super().get_users(email):
            if may_be_contacted_by(user, ContactChannel.EMAIL):
                yield user

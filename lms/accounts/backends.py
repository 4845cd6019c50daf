"""Sign in with a username or an e-mail address; e-mail stays optional."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def find_account(identifier: str | None):
    """The account a typed username or e-mail address names, or ``None``.

    Case does not matter, and spaces around it are ignored. The sign-in limits
    (``lms.security.sign_in_limits``) count failures against the same account this finds, so
    that "Rosa" and "rosa@example.org" share one count.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    manager = get_user_model()._default_manager
    user = manager.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier and hasattr(get_user_model(), "email"):
        # The site's user model may let two accounts share an address: then it names neither.
        matches = list(manager.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


class UsernameOrEmailBackend(ModelBackend):
    def get_user(self, user_id):
        # The person signed in comes with her Pathways profile: one query per request, not two.
        try:
            user = (
                get_user_model()._default_manager.select_related("pathways_profile").get(pk=user_id)
            )
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""Sign in with a username or an e-mail address; e-mail stays optional."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user_model = get_user_model()
        identifier = username.strip()
        user = user_model._default_manager.filter(username__iexact=identifier).first()
        if user is None and "@" in identifier:
            user = user_model._default_manager.filter(email__iexact=identifier).first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

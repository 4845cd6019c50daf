"""Signing apps in and out: the one place an app's token is made or ended."""

from django.db import transaction

from rest_framework.authtoken.models import Token

from pathways.api.models import TokenSecondFactor


@transaction.atomic
def token_issue(*, user, second_factor_device=None) -> Token:
    """A new token for ``user``, replacing any she had, so that a lost phone's token stops
    working once she signs in elsewhere. ``second_factor_device`` is the django-otp device that
    accepted her code for this sign-in, if she gave one."""
    # One token per person: lock her row so that two sign-ins at once cannot collide.
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    if second_factor_device is not None:
        TokenSecondFactor.objects.create(token=token, device_id=second_factor_device.persistent_id)
    return token


@transaction.atomic
def tokens_end(*, user) -> int:
    """End every app sign-in of ``user``; says how many there were."""
    _total, by_model = Token.objects.filter(user=user).delete()
    return by_model.get(Token._meta.label, 0)


def tokens_end_on_password_change(sender, user, **kwargs) -> None:
    """``lms.accounts.signals.password_changed``: a new password ends every app sign-in, as
    Django ends every session opened with the old one."""
    tokens_end(user=user)

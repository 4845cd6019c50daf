"""Test helpers for the Wagtail admin's second factor (lms.security).

Every admin page needs a session that passed the second factor. In tests:

- ``with_second_factor(user)`` gives ``user`` a confirmed authenticator and marks the object so
  that the next ``client.force_login(user)`` (or ``login``) also passes the second factor, as
  django-otp's own OTP-aware login forms do. The ``staff`` and ``facilitator`` fixtures in
  tests/conftest.py use it, so admin tests read as before.
- ``pass_second_factor(client, user)`` does the same for a client that is already signed in.
- ``current_code(device)`` is the code an authenticator app would show now.
- ``verified_token(user)`` is an app token given after the second factor, as
  ``POST /api/v1/auth/token/`` with a right ``otp_token`` gives one (the staff API asks for it).

A user made by a factory without ``with_second_factor`` meets the admin as a real person would:
sent to set up, or to verify, two-step sign-in.
"""

from django.contrib.auth.signals import user_logged_in

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol_authenticator(user, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app for ``user``, as if she had set it up (``confirmed``) or begun to."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def with_second_factor(user):
    """``user``, with an authenticator; her next force_login passes the second factor too."""
    user.otp_device = enrol_authenticator(user)
    return user


def pass_second_factor(client, user) -> TOTPDevice:
    """Mark the signed-in session on ``client`` as having passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_authenticator(
        user
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def verified_token(user):
    """An API token for ``user`` that passed the second factor with her authenticator app."""
    from pathways.api.services import token_issue

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_authenticator(
        user
    )
    return token_issue(user=user, second_factor_device=device)


def current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``steps_ahead`` periods later)."""
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return str(code).zfill(device.digits)


def _persist_device_on_login(sender, request, user, **kwargs):
    # django-otp does this only when the login request has a user on it, which the test
    # client's force_login() request does not.
    device = getattr(user, "otp_device", None)
    if device is not None and device.user_id == user.pk and device.confirmed:
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


user_logged_in.connect(_persist_device_on_login, dispatch_uid="tests.security.support")

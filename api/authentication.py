"""How API callers sign their requests.

- Partner employers' API clients: ``Authorization: Bearer <key>`` (``request.auth`` is the
  EmployerApiKey, ``request.user`` stays anonymous: a key is an organisation, not a person).
- Participants', mentors' and staff's apps: ``Authorization: Token <token>``, from
  ``POST auth/token/`` of the API. Anyone the admin asks for a second factor gives a code there
  too; the token then carries it, as a session does (``user.otp_device``, django-otp's mark).
- The site's own pages: the signed-in session, with CSRF (django-otp's middleware marks a
  session that passed the second factor).
"""

import functools
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_otp.middleware import is_verified
from django_otp.models import Device
from rest_framework import authentication, exceptions

from pathways.certificates.employers.services import employer_key_authenticate
from pathways.lms.core import app_settings


class EmployerKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates an employer's API client; ``request.auth`` is its EmployerApiKey.

    No Bearer header: not this scheme (other authentication may apply). A Bearer header with a
    malformed, unknown, wrong or revoked key: 401 with the same message for each, so that a
    caller learns nothing about which keys exist.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the API key as: Authorization: Bearer <key>.")
            )
        key = employer_key_authenticate(header[1])
        if key is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid. It may have been revoked; ask for a new one.")
            )
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword


class ParticipantTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <token>`` for a person's own app; inactive users are refused, and a
    token ends ``PATHWAYS_API_TOKEN_HOURS`` after sign-in, like a site session.

    A token given after the second factor marks its user as django-otp's middleware marks a
    session's: ``user.otp_device`` is the device that passed it (while it still exists and is
    hers), and ``user.is_verified()`` says so; any other token's user is not verified.
    """

    keyword = "Token"

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user", "second_factor").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        hours = int(app_settings.PATHWAYS_API_TOKEN_HOURS)
        if token.created + timedelta(hours=hours) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("This sign-in has ended. Please sign in again.")
            )
        user.otp_device = self._second_factor_device(token)
        user.is_verified = functools.partial(is_verified, user)
        return user, token

    @staticmethod
    def _second_factor_device(token):
        record = getattr(token, "second_factor", None)
        if record is None:
            return None
        device = Device.from_persistent_id(record.device_id)
        if device is None or device.user_id != token.user_id or not device.confirmed:
            return None
        return device

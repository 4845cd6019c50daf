"""What the API keeps beyond Django REST framework's tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from rest_framework.authtoken.models import Token


class TokenSecondFactor(models.Model):
    """An app's token that was given only after the second factor, and the device that passed
    it, as django-otp keeps in a session.

    The staff API asks the same two-step check of a token as the admin asks of a session
    (``api.permissions``). DRF's token records neither, and a participant's token does not
    need it; so the record sits beside the token and goes with it.
    """

    token = models.OneToOneField(
        Token,
        verbose_name=_("token"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="second_factor",
    )
    # django-otp's persistent id ("otp_totp.totpdevice/3"): an authenticator app or the backup
    # codes. Resetting a lost phone deletes the device, and the token stops counting as checked.
    device_id = models.CharField(_("device"), max_length=255)
    verified_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("token second factor")
        verbose_name_plural = _("token second factors")

    def __str__(self) -> str:
        return str(_("Second factor of an app's token"))

"""The admin's second factor: who needs it, and the authenticator-app enrolment pieces.

Built on django-otp: a TOTP device (an authenticator app) and a static device holding a few
one-time backup codes. django-otp's throttling slows down guessing: after each wrong code the
next try must wait twice as long (1, 2, 4... seconds, capped by django-otp).
"""

from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import django_otp
import segno
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.lms.accounts.roles import Role, has_role
from pathways.lms.core import app_settings

BACKUP_CODE_COUNT = 8
DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup codes"


def needs_second_factor(user) -> bool:
    """Whether this person must pass a second factor before the Wagtail admin.

    Programme staff, facilitators, superusers and anyone else allowed into the admin do.
    Participants, mentors and employer users never reach the admin and never need one.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user.is_superuser
        or has_role(user, Role.PROGRAMME_STAFF)
        or has_role(user, Role.FACILITATOR)
        or user.has_perm("wagtailadmin.access_admin")
    )


def second_factor_passed(user) -> bool:
    """Whether this sign-in passed the second factor, as django-otp's ``is_verified()`` says:
    for a session, django-otp's middleware sets ``user.otp_device``; for an app's token, the
    API's token authentication does (``api.authentication``)."""
    return getattr(user, "otp_device", None) is not None


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


def confirmed_authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading the
    page does not change the QR code the person has already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def otpauth_uri(device: TOTPDevice) -> str:
    """The address an authenticator app reads from the QR code.

    The issuer is the neutral brand (never the organisation's name): it is what the app shows
    on the person's phone, which someone else may see. The account is the username.
    """
    issuer = str(app_settings.PATHWAYS_BRAND_NAME).replace(":", "")
    label = f"{issuer}:{device.user.get_username()}"
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode("ascii").rstrip("="),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{quote(label)}?{params}"


def secret_in_groups(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand, in groups of four characters."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str, *, title: str) -> str:
    """A QR code as inline SVG markup: no inline style, so the strict CSP allows it."""
    return segno.make(data, error="m").svg_inline(
        scale=5, border=4, title=title, svgclass="qr-code", lineclass=None, light="#fff"
    )


@transaction.atomic
def backup_codes_replace(*, user) -> list[str]:
    """New one-time backup codes for when the phone is not at hand; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalise_code(value: str) -> str:
    """A code as typed or pasted: spaces and dashes dropped, lower case."""
    return "".join((value or "").split()).replace("-", "").lower()


def wait_message(device) -> str:
    """What to tell someone whose last code for ``device`` was wrong too recently, or ""."""
    allowed, details = device.verify_is_allowed()
    if allowed or not details or details.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return ""
    seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
    return ngettext(
        "That was too soon after a wrong code. Please wait %(seconds)s second, then type the "
        "newest code.",
        "That was too soon after a wrong code. Please wait %(seconds)s seconds, then type the "
        "newest code.",
        seconds,
    ) % {"seconds": seconds}


@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code, or the reason none did, in words for the person."""

    device: Device | None
    error: str = ""


def second_factor_code_check(*, user, code: str) -> CodeCheck:
    """Check a code from the authenticator app or one of the backup codes.

    The admin's verify page and the API's token sign-in both call this, so that both ask for
    the same thing and are slowed down alike. Six digits go to the authenticator app, anything
    else to the backup codes, so that a wrong guess slows down only the device it was aimed at.
    A backup code works once.
    """
    code = normalise_code(code)
    is_app_code = code.isdigit() and len(code) == 6
    error = _("That code did not work. Please type the newest code from your app.")
    for device in verification_devices(user):
        if isinstance(device, TOTPDevice) != is_app_code:
            continue
        if wait := wait_message(device):
            return CodeCheck(device=None, error=wait)
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck(device=None, error=error)


def verification_devices(user) -> list:
    """The devices a code may come from: the authenticator app, then the backup codes."""
    devices: list = []
    authenticator = confirmed_authenticator(user)
    if authenticator is not None:
        devices.append(authenticator)
        devices.extend(StaticDevice.objects.devices_for_user(user, confirmed=True))
    return devices


@transaction.atomic
def second_factor_reset(*, user) -> bool:
    """Forget someone's authenticator and backup codes (a lost phone); they set up a new one at
    their next admin visit. Says whether there was anything to forget."""
    had_any = (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return had_any

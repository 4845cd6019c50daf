"""Two-step sign-in (TOTP) for the Wagtail admin: staff, facilitators and superusers set up an
authenticator app and give a code once per session; participants are never asked."""

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.lms.security.two_factor import otpauth_uri, secret_in_groups, wait_message
from tests.factories.accounts import (
    FacilitatorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.security.support import current_code, enrol_authenticator

pytestmark = pytest.mark.django_db

ADMIN = reverse("wagtailadmin_home")
SETUP = reverse("security:two_factor_setup")
VERIFY = reverse("security:two_factor_verify")


def _signed_in(user) -> Client:
    """A fresh browser session signed in with the password only (no second factor yet)."""
    client = Client()
    client.force_login(user)
    return client


def _redirect_path(response) -> str:
    assert response.status_code == 302
    return urlsplit(response["Location"]).path


@pytest.mark.parametrize(
    "make_user",
    [StaffFactory, FacilitatorFactory, lambda: UserFactory(is_superuser=True, is_staff=True)],
    ids=["staff", "facilitator", "superuser"],
)
def test_admin_sends_people_without_an_authenticator_to_set_one_up(make_user):
    response = _signed_in(make_user()).get(reverse("wagtailadmin_explore_root"))
    assert _redirect_path(response) == SETUP
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"]
    assert next_url == [reverse("wagtailadmin_explore_root")]


def test_admin_asks_for_a_code_when_the_session_has_not_given_one():
    staff = StaffFactory()
    enrol_authenticator(staff)
    assert _redirect_path(_signed_in(staff).get(ADMIN)) == VERIFY


def test_a_correct_code_opens_the_admin_for_this_session_only():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    client = _signed_in(staff)
    response = client.post(VERIFY, {"code": current_code(device), "next": ADMIN})
    assert _redirect_path(response) == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(reverse("wagtailadmin_explore_root")).status_code == 200

    # A new session (signed out and in again) is asked again.
    client.post(reverse("wagtailadmin_logout"))
    fresh = get_user_model().objects.get(pk=staff.pk)
    assert _redirect_path(_signed_in(fresh).get(ADMIN)) == VERIFY


def test_a_wrong_code_is_refused_and_counted():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    client = _signed_in(staff)
    wrong = str((int(current_code(device)) + 1) % 1_000_000).zfill(6)
    response = client.post(VERIFY, {"code": wrong, "next": ADMIN})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert _redirect_path(client.get(ADMIN)) == VERIFY
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_codes_are_slowed_down_after_wrong_ones():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    client = _signed_in(staff)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            client.post(VERIFY, {"code": "000000"})
            traveller.shift(timedelta(seconds=10))
        traveller.shift(timedelta(seconds=-10))
        # Three failures: the next try must wait four seconds, even with the right code.
        response = client.post(VERIFY, {"code": current_code(device)})
        assert response.status_code == 200
        assert "Please wait" in response.content.decode()
        assert _redirect_path(client.get(ADMIN)) == VERIFY
        traveller.shift(timedelta(seconds=5))
        response = client.post(VERIFY, {"code": current_code(device)})
        assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    ("failures", "ago", "message"),
    [
        # One wrong code half a second ago: half a second left, said as one second.
        (1, timedelta(milliseconds=500), "Please wait 1 second, then"),
        # Two wrong codes just now: two seconds left, said as three (rounded up, never short).
        (2, timedelta(0), "Please wait 3 seconds, then"),
    ],
    ids=["one-second", "seconds"],
)
def test_the_wait_after_a_wrong_code_says_second_or_seconds(failures, ago, message):
    device = enrol_authenticator(StaffFactory())
    with time_machine.travel(timezone.now(), tick=False):
        device.throttling_failure_count = failures
        device.throttling_failure_timestamp = timezone.now() - ago
        device.save()
        said = wait_message(device)
    assert message in said
    assert "1 seconds" not in said


def test_a_code_cannot_be_used_twice():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    code = current_code(device)
    assert _signed_in(staff).post(VERIFY, {"code": code}).status_code == 302
    assert _signed_in(staff).post(VERIFY, {"code": code}).status_code == 200


def test_setting_up_shows_a_qr_code_and_the_key_then_confirms_with_a_code():
    staff = StaffFactory(username="sam")
    client = _signed_in(staff)
    page = client.get(SETUP, {"next": ADMIN})
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert "<svg" in html and 'class="qr-code"' in html and " style=" not in html.split("<svg")[1]
    assert secret_in_groups(device) in html
    # Reloading keeps the same key, so a code scanned already still works.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    wrong = client.post(SETUP, {"code": "000000", "next": ADMIN})
    assert "did not work" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        done = client.post(SETUP, {"code": current_code(device), "next": ADMIN})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(codes) == 8
    assert all(code in done.content.decode() for code in codes)
    assert client.get(ADMIN).status_code == 200
    # Once set up, the set-up page no longer shows the key.
    assert _redirect_path(client.get(SETUP)) == VERIFY


def test_a_backup_code_works_once():
    staff = StaffFactory()
    enrol_authenticator(staff)
    from pathways.lms.security.two_factor import backup_codes_replace

    code = backup_codes_replace(user=staff)[0]
    client = _signed_in(staff)
    assert _redirect_path(client.post(VERIFY, {"code": code.upper(), "next": ADMIN})) == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert _signed_in(staff).post(VERIFY, {"code": code}).status_code == 200


def test_participants_are_never_asked_for_a_second_factor(password):
    participant = ParticipantFactory(username="maya")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "maya", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("courses:dashboard")
    assert response.status_code == 200
    # The admin turns her away to its sign-in page, not to a second factor.
    assert _redirect_path(client.get(ADMIN)) == reverse("wagtailadmin_login")
    assert client.get(SETUP).status_code == 404
    assert client.get(VERIFY).status_code == 404
    assert not TOTPDevice.objects.filter(user=participant).exists()


def test_facilitators_use_their_site_pages_without_a_second_factor():
    facilitator = FacilitatorFactory()
    client = _signed_in(facilitator)
    assert client.get(reverse("cohorts:list")).status_code == 200
    assert client.get(reverse("courses:signoffs")).status_code == 200


def test_signing_in_and_out_of_the_admin_work_before_the_second_factor(password):
    StaffFactory(username="sam")
    client = Client()
    assert client.get(reverse("wagtailadmin_login")).status_code == 200
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "sam", "password": password}, follow=True
    )
    assert urlsplit(response.redirect_chain[-1][0]).path == SETUP
    assert client.post(reverse("wagtailadmin_logout")).status_code == 302
    assert _redirect_path(client.get(ADMIN)) == reverse("wagtailadmin_login")


def test_only_addresses_on_this_site_are_followed_after_the_code():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    response = _signed_in(staff).post(
        VERIFY, {"code": current_code(device), "next": "https://evil.example/admin/"}
    )
    assert response["Location"] == ADMIN


def test_the_authenticator_app_shows_the_neutral_brand(settings):
    settings.PATHWAYS_BRAND_NAME = "Bright Skills Training"
    staff = StaffFactory(username="sam")
    device = enrol_authenticator(staff, confirmed=False)
    uri = otpauth_uri(device)
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/Bright%20Skills%20Training%3Asam"
    assert parse_qs(parts.query)["issuer"] == ["Bright Skills Training"]
    html = _signed_in(staff).get(SETUP).content.decode()
    assert "Bright Skills Training: sam" in html


def test_resetting_a_lost_phone_ends_the_verified_session_and_asks_to_set_up_again():
    staff = StaffFactory(username="sam")
    device = enrol_authenticator(staff)
    client = _signed_in(staff)
    client.post(VERIFY, {"code": current_code(device)})
    assert client.get(ADMIN).status_code == 200
    out = io.StringIO()
    call_command("two_factor_reset", "SAM", stdout=out)
    assert "reset for sam" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert _redirect_path(client.get(ADMIN)) == SETUP


def test_new_backup_codes_replace_the_old_ones():
    from pathways.lms.security.two_factor import backup_codes_replace

    staff = StaffFactory()
    device = enrol_authenticator(staff)
    old = backup_codes_replace(user=staff)
    client = _signed_in(staff)
    client.post(VERIFY, {"code": current_code(device)})
    assert client.get(reverse("security_admin:backup_codes")).status_code == 200
    response = client.post(reverse("security_admin:backup_codes"))
    new = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(new) == 8 and not set(old) & set(new)
    assert all(code in response.content.decode() for code in new)

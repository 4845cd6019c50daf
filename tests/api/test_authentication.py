"""How API callers sign in: the Bearer scheme employers' API clients use, and the second factor
the staff API asks of staff's sessions and tokens."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from pathways.api.authentication import EmployerKeyAuthentication
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.employers.services import employer_key_create, employer_key_revoke
from pathways.lms.accounts.roles import Role
from pathways.lms.security.two_factor import backup_codes_replace, second_factor_reset
from tests.factories.accounts import (
    TEST_PASSWORD,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    role_group,
)
from tests.security.support import current_code, enrol_authenticator, with_second_factor

pytestmark = pytest.mark.django_db


def _request(header: str | None):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    return APIRequestFactory().get("/api/v1/credentials/", **extra)


def test_a_valid_key_authenticates_as_its_employer(staff):
    employer = EmployerOrganisation.objects.create(name="Harbour Hotels")
    key, raw = employer_key_create(employer=employer, name="HR", actor=staff)
    user, auth = EmployerKeyAuthentication().authenticate(_request(f"Bearer {raw}"))
    assert auth == key and auth.employer == employer
    assert not user.is_authenticated


def test_no_bearer_header_leaves_it_to_other_schemes():
    assert EmployerKeyAuthentication().authenticate(_request(None)) is None
    assert EmployerKeyAuthentication().authenticate(_request("Basic abc")) is None


def test_revoked_wrong_and_malformed_keys_get_the_same_clear_401(staff):
    employer = EmployerOrganisation.objects.create(name="Harbour Hotels")
    key, raw = employer_key_create(employer=employer, name="HR", actor=staff)
    employer_key_revoke(key=key, actor=staff)
    messages = set()
    for header in (f"Bearer {raw}", "Bearer pwk_nope_nope", "Bearer not-a-key"):
        with pytest.raises(AuthenticationFailed) as failure:
            EmployerKeyAuthentication().authenticate(_request(header))
        messages.add(str(failure.value.detail))
    assert len(messages) == 1
    with pytest.raises(AuthenticationFailed, match="Authorization: Bearer"):
        EmployerKeyAuthentication().authenticate(_request("Bearer two parts"))
    assert EmployerKeyAuthentication().authenticate_header(_request(None)) == "Bearer"


# Staff need the second factor in the API too ---------------------------------------------------
#
# The admin asks programme staff, facilitators and superusers for a code from an authenticator
# app once per session. The staff API asks the same: of a session, that it gave a code to the
# admin; of an app's token, that it was given only with a code (``otp_token``).


def _token_url() -> str:
    return reverse("api:auth-token")


def _sign_in(user, **extra):
    return APIClient().post(
        _token_url(), {"username": user.username, "password": TEST_PASSWORD, **extra}, format="json"
    )


def _app(key: str) -> APIClient:
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return app


def _error(response, status_code: int) -> dict:
    assert response.status_code == status_code, response.content
    return response.json()["error"]


STAFF_READS = ["staff-cohort-list", "staff-pairing-list"]


@pytest.fixture
def certificate(db):
    from tests.factories.certificates import CertificateFactory

    return CertificateFactory(user=ParticipantFactory())


def _revoke(client, certificate):
    return client.post(
        reverse("api:staff-certificate-revoke", args=[certificate.pk]),
        {"reason": "Issued in error"},
        format="json",
    )


@pytest.mark.parametrize("make_user", [StaffFactory, FacilitatorFactory])
def test_a_password_alone_gets_no_token_for_an_account_with_two_step_sign_in(make_user):
    user = make_user()
    enrol_authenticator(user)
    error = _error(_sign_in(user), 400)
    assert "otp_token" in error["fields"]
    assert "authenticator app" in error["fields"]["otp_token"][0]
    assert not Token.objects.filter(user=user).exists()


def test_a_wrong_code_gets_no_token():
    staff = StaffFactory()
    enrol_authenticator(staff)
    error = _error(_sign_in(staff, otp_token="000000"), 400)
    assert "otp_token" in error["fields"]
    assert not Token.objects.filter(user=staff).exists()


def test_someone_who_has_not_set_up_two_step_sign_in_is_told_to_do_so_first():
    staff = StaffFactory()
    error = _error(_sign_in(staff, otp_token="123456"), 400)
    assert "set it up" in error["fields"]["otp_token"][0]
    assert not Token.objects.filter(user=staff).exists()


def test_a_right_code_gets_a_token_that_reaches_the_staff_api(certificate):
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    response = _sign_in(staff, otp_token=current_code(device))
    assert response.status_code == 200
    assert response.json()["second_factor"] is True
    app = _app(response.json()["token"])
    for name in STAFF_READS:
        assert app.get(reverse(f"api:{name}")).status_code == 200
    assert _revoke(app, certificate).status_code == 200


def test_a_backup_code_gets_a_token_once():
    staff = StaffFactory()
    enrol_authenticator(staff)
    code = backup_codes_replace(user=staff)[0]
    first = _sign_in(staff, otp_token=code.upper())
    assert first.status_code == 200 and first.json()["second_factor"] is True
    _error(_sign_in(staff, otp_token=code), 400)


def test_wrong_codes_slow_down_the_token_sign_in_like_the_admins():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _error(_sign_in(staff, otp_token="000000"), 400)
        error = _error(_sign_in(staff, otp_token=current_code(device)), 400)
        assert "Please wait" in error["fields"]["otp_token"][0]
        traveller.shift(timedelta(seconds=5))
        assert _sign_in(staff, otp_token=current_code(device)).status_code == 200


def test_participants_and_mentors_still_sign_in_with_the_password_alone():
    for person in (ParticipantFactory(), MentorFactory()):
        response = _sign_in(person)
        assert response.status_code == 200
        assert response.json()["second_factor"] is False


@pytest.mark.parametrize("name", STAFF_READS)
def test_a_staff_session_without_the_second_factor_cannot_use_the_staff_api(name):
    staff = StaffFactory()
    enrol_authenticator(staff)
    client = APIClient()
    client.force_login(staff)  # the password only: the admin would ask for a code
    error = _error(client.get(reverse(f"api:{name}")), 403)
    assert error["code"] == "second_factor_required"
    assert "two-step sign-in" in error["message"]


def test_a_staff_session_without_the_second_factor_cannot_issue_or_revoke(certificate):
    staff = StaffFactory()
    enrol_authenticator(staff)
    client = APIClient()
    client.force_login(staff)
    assert _error(_revoke(client, certificate), 403)["code"] == "second_factor_required"
    issue = client.post(
        reverse("api:staff-certificate-issue"),
        {"participant": certificate.user_id, "reason": "Paper records"},
        format="json",
    )
    assert _error(issue, 403)["code"] == "second_factor_required"
    certificate.refresh_from_db()
    assert certificate.status != "revoked"


def test_a_staff_session_that_gave_a_code_uses_the_staff_api(certificate):
    staff = with_second_factor(StaffFactory())
    client = APIClient()
    client.force_login(staff)
    assert client.get(reverse("api:staff-cohort-list")).status_code == 200
    assert _revoke(client, certificate).status_code == 200


def test_a_token_made_without_the_second_factor_cannot_use_the_staff_api(certificate):
    """Tokens from before this check, or made by hand, count as password-only."""
    staff = with_second_factor(StaffFactory())
    app = _app(Token.objects.create(user=staff).key)
    assert app.get(reverse("api:me")).status_code == 200
    assert _error(app.get(reverse("api:staff-cohort-list")), 403)["code"] == (
        "second_factor_required"
    )
    assert _error(_revoke(app, certificate), 403)["code"] == "second_factor_required"


def test_a_participants_token_does_not_reach_the_staff_api_after_she_becomes_a_facilitator():
    maya = ParticipantFactory()
    key = _sign_in(maya).json()["token"]
    maya.groups.add(role_group(role=Role.FACILITATOR))
    error = _error(_app(key).get(reverse("api:staff-cohort-list")), 403)
    assert error["code"] == "second_factor_required"


def test_resetting_a_lost_phone_ends_the_tokens_second_factor():
    staff = StaffFactory()
    device = enrol_authenticator(staff)
    key = _sign_in(staff, otp_token=current_code(device)).json()["token"]
    assert _app(key).get(reverse("api:staff-cohort-list")).status_code == 200
    second_factor_reset(user=staff)
    assert _error(_app(key).get(reverse("api:staff-cohort-list")), 403)["code"] == (
        "second_factor_required"
    )


def test_people_outside_staff_are_told_403_without_mention_of_a_second_factor():
    client = APIClient()
    client.force_login(ParticipantFactory())
    error = _error(client.get(reverse("api:staff-cohort-list")), 403)
    assert error["code"] == "permission_denied"

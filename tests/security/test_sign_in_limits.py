"""Wrong passwords pause signing in, per account and per client address, on every way in (the
site's sign-in page, the Wagtail admin's login, the API's token endpoint); the pause never tells
whether an account exists; programme staff see and end pauses in the admin."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog

from pathways.lms.security.sign_in_limits import PAUSE_ENDED_ACTION
from tests.factories.accounts import (
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

SIGN_IN = "accounts:login"
WRONG = "not-her-password"


@pytest.fixture
def rosa(db):
    return ParticipantFactory(username="Rosa", email="rosa@example.org", chosen_name="Rosa")


def _sign_in(client, username, password, *, address="127.0.0.1", url=None):
    return client.post(
        url or reverse(SIGN_IN),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# The site's sign-in page ---------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, rosa, password):
    answers = [_sign_in(client, "rosa", WRONG).status_code for _ in range(30)]
    assert answers[:4] == [200] * 4  # "did not match", as before
    assert set(answers[5:]) == {429}
    response = _sign_in(client, "rosa", password)
    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "Signing in is paused for 15 minutes" in html
    assert "a member of staff can help you in person" in html
    assert response["Retry-After"] == str(15 * 60)


def test_a_few_wrong_passwords_do_not_pause(client, rosa, password):
    for _ in range(4):
        _sign_in(client, "rosa", WRONG)
    response = _sign_in(client, "rosa", password)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_pause_ends_by_itself(client, rosa, password):
    for _ in range(5):
        _sign_in(client, "rosa", WRONG)
    assert _sign_in(client, "rosa", password).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _sign_in(client, "rosa", password).status_code == 302
    assert _signed_in(client)


def test_tries_refused_during_a_pause_do_not_lengthen_it(client, rosa, password):
    start = timezone.now()
    for _ in range(5):
        _sign_in(client, "rosa", WRONG)
    with time_machine.travel(start + timedelta(minutes=10)):
        for _ in range(5):
            assert _sign_in(client, "rosa", WRONG).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16)):
        assert _sign_in(client, "rosa", password).status_code == 302


def test_the_pause_lasts_as_long_as_the_setting_says(client, rosa, password, settings):
    settings.PATHWAYS_SIGN_IN_ACCOUNT_FAILURES = 3
    settings.PATHWAYS_SIGN_IN_PAUSE_MINUTES = 60
    for _ in range(3):
        _sign_in(client, "rosa", WRONG)
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        response = _sign_in(client, "rosa", password)
        assert response.status_code == 429
        assert "60 minutes" in response.content.decode()


def test_the_count_follows_the_account_whatever_was_typed(client, rosa, password):
    for typed in ["rosa", "ROSA", " Rosa ", "rosa@example.org", "Rosa@Example.org"]:
        _sign_in(client, typed, WRONG)
    assert _sign_in(client, "rosa@example.org", password).status_code == 429
    assert AccessAttempt.objects.values_list("username", flat=True).distinct().count() == 1


def test_a_pause_holds_from_any_address(client, rosa, password):
    for number in range(5):
        _sign_in(client, "rosa", WRONG, address=f"198.51.100.{number + 1}")
    assert _sign_in(client, "rosa", password, address="203.0.113.9").status_code == 429
    assert not _signed_in(client)


def test_a_paused_account_does_not_stop_others_at_the_same_address(client, rosa, password):
    jo = ParticipantFactory(username="jo")
    for _ in range(5):
        _sign_in(client, "rosa", WRONG)
    assert _sign_in(client, jo.username, password).status_code == 302


def test_many_wrong_passwords_from_one_address_pause_it_for_every_account(
    client, rosa, password, settings
):
    settings.PATHWAYS_SIGN_IN_ADDRESS_FAILURES = 8
    guessing = "192.0.2.50"
    for number in range(8):  # a different name each time: no account reaches its own limit
        _sign_in(client, f"someone{number}", WRONG, address=guessing)
    assert _sign_in(client, "rosa", password, address=guessing).status_code == 429
    assert not _signed_in(client)
    assert _sign_in(client, "rosa", password, address="203.0.113.9").status_code == 302


def test_the_pause_says_the_same_for_an_account_and_for_no_account(rosa):
    answers = []
    for typed in ["rosa", "nobody-by-this-name"]:
        client = Client()
        for _ in range(5):
            _sign_in(client, typed, WRONG)
        response = _sign_in(client, typed, WRONG)
        answers.append((response.status_code, _without_tokens(response.content.decode())))
    assert answers[0][0] == answers[1][0] == 429
    assert answers[0][1] == answers[1][1]
    assert "rosa" not in answers[0][1].lower().replace("rosa@", "")


def test_a_successful_sign_in_leaves_no_record_of_where_from(client, rosa, password):
    _sign_in(client, "rosa", password)
    assert _signed_in(client)
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()


# The admin's login and the API's token endpoint ------------------------------------------------


def test_the_admin_login_is_limited_too(client, password):
    worker = with_second_factor(StaffFactory(username="caseworker"))
    url = reverse("wagtailadmin_login")
    for _ in range(30):
        _sign_in(client, worker.username, WRONG, url=url)
    response = _sign_in(client, worker.username, password, url=url)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert "Signing in is paused" in response.content.decode()


def test_failures_on_the_admin_and_the_site_count_together(client, rosa, password):
    for _ in range(3):
        _sign_in(client, "rosa", WRONG, url=reverse("wagtailadmin_login"))
    for _ in range(2):
        _sign_in(client, "rosa", WRONG)
    assert _sign_in(client, "rosa", password).status_code == 429


def test_the_api_token_endpoint_is_limited_too(api_client, rosa, password):
    url = reverse("api:auth-token")
    answers = [
        api_client.post(url, {"username": "rosa", "password": WRONG}, format="json").status_code
        for _ in range(30)
    ]
    assert answers[:4] == [400] * 4
    assert set(answers[5:]) == {429}
    response = api_client.post(url, {"username": "rosa", "password": password}, format="json")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "sign_in_paused"
    assert "a member of staff can help you in person" in error["message"]
    assert "token" not in response.json()


# Staff see and end pauses ----------------------------------------------------------------------


def _pause(username: str, *, address: str = "127.0.0.1") -> None:
    client = Client()
    for _ in range(5):
        _sign_in(client, username, WRONG, address=address)


def test_staff_see_a_paused_account_and_end_the_pause(client, staff, rosa, password):
    _pause("rosa")
    client.force_login(staff)
    url = reverse("security_admin:sign_in_pauses")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rosa (Rosa)" in html
    assert "End this pause" in html

    response = client.post(url, {"kind": "account", "key": "rosa"})
    assert response.status_code == 302
    assert "No sign-ins are paused" in client.get(url).content.decode()

    person = Client()
    assert _sign_in(person, "rosa", password).status_code == 302
    entry = ModelLogEntry.objects.get(action=PAUSE_ENDED_ACTION)
    assert entry.user_id == staff.pk
    assert entry.object_id == str(rosa.pk)


def test_staff_end_a_paused_address(client, staff, rosa, password, settings):
    settings.PATHWAYS_SIGN_IN_ADDRESS_FAILURES = 5
    for number in range(5):
        _sign_in(Client(), f"someone{number}", WRONG, address="192.0.2.7")
    assert _sign_in(Client(), "rosa", password, address="192.0.2.7").status_code == 429
    client.force_login(staff)
    url = reverse("security_admin:sign_in_pauses")
    assert "192.0.2.7" in client.get(url).content.decode()
    client.post(url, {"kind": "address", "key": "192.0.2.7"})
    assert _sign_in(Client(), "rosa", password, address="192.0.2.7").status_code == 302


def test_the_pause_list_costs_the_same_for_one_pause_or_many(
    client, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    url = reverse("security_admin:sign_in_pauses")
    _pause(UserFactory(username="first").username)
    client.get(url)  # warm up: the admin's menus and the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for_one = len(one)  # read now: each request clears the connection's query log
    for number in range(8):
        _pause(UserFactory(username=f"person{number}").username, address=f"10.0.0.{number}")
    for number in range(2):  # accounts the host made, with no Pathways profile
        get_user_model().objects.create_user(f"host{number}", password="x")
        _pause(f"host{number}", address=f"10.0.1.{number}")
    with django_assert_max_num_queries(for_one):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("End this pause") == 11
    assert "host0 (host0)" in html


@pytest.mark.parametrize(
    "make", [FacilitatorFactory, MentorFactory, ParticipantFactory], ids=lambda f: f.__name__
)
def test_other_roles_cannot_see_or_end_pauses(client, rosa, password, make):
    _pause("rosa")
    someone = make()
    if make is FacilitatorFactory:
        with_second_factor(someone)
    client.force_login(someone)
    url = reverse("security_admin:sign_in_pauses")
    page = client.get(url)
    assert page.status_code in (302, 403)
    assert "rosa" not in page.content.decode().lower()
    client.post(url, {"kind": "account", "key": "rosa"})
    assert _sign_in(Client(), "rosa", password).status_code == 429


def test_the_pause_list_is_in_the_settings_menu_for_staff_only(client, staff):
    facilitator = with_second_factor(FacilitatorFactory())
    url = reverse("security_admin:sign_in_pauses")
    client.force_login(staff)
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(facilitator)
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()

"""Staff set a participant's password in person, in the Wagtail admin: only programme staff who
may change people, only for participants, checked against the password rules, logged without
the password."""

import re

from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from pathways.lms.accounts.permissions import user_model_permission
from pathways.lms.accounts.roles import Role
from pathways.lms.security.passwords import TEMPORARY_PASSWORD_ACTION, readable_password
from tests.factories.accounts import (
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
)
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db


def _url(user) -> str:
    return reverse("security_admin:temporary_password", args=[user.pk])


@pytest.fixture
def caseworker(staff):
    """Programme staff: the group grants change on the user model (lms/accounts/permissions.py)."""
    assert staff.has_perm(user_model_permission("change"))
    return staff


@pytest.fixture
def maya(db):
    return ParticipantFactory(username="maya", chosen_name="Maya")


def _request():
    """Sign-in checks need the request they come with (django-axes counts failures by it)."""
    return RequestFactory().post("/accounts/sign-in/")


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_making_a_password_shows_it_once_and_it_works(caseworker, maya):
    client = _admin(caseworker)
    page = client.get(_url(maya))
    assert page.status_code == 200
    response = client.post(_url(maya), {"how": "make"})
    assert response.status_code == 200
    html = response.content.decode()
    password = re.search(r'<p class="temporary-password"><code translate="no">([^<]+)</code>', html)
    assert password is not None
    assert re.fullmatch(r"[a-z]{4}-[a-z]{4}-[a-z]{4}", password.group(1))
    assert authenticate(_request(), username="maya", password=password.group(1)) == maya
    assert "no-store" in response["Cache-Control"]


def test_a_typed_password_is_checked_against_the_rules(caseworker, maya, password):
    client = _admin(caseworker)
    mismatch = client.post(
        _url(maya), {"how": "type", "password1": "quiet-harbour-58", "password2": "other"}
    )
    assert "The two passwords are different" in mismatch.content.decode()
    common = client.post(
        _url(maya), {"how": "type", "password1": "password", "password2": "password"}
    )
    assert "too common" in common.content.decode()
    assert authenticate(_request(), username="maya", password=password) == maya

    done = client.post(
        _url(maya),
        {"how": "type", "password1": "quiet-harbour-58", "password2": "quiet-harbour-58"},
    )
    assert done.status_code == 200
    assert "quiet-harbour-58" not in done.content.decode()
    assert authenticate(_request(), username="maya", password="quiet-harbour-58") == maya


def test_the_change_is_logged_without_the_password(caseworker, maya):
    typed = {"how": "type", "password1": "quiet-harbour-58", "password2": "quiet-harbour-58"}
    _admin(caseworker).post(_url(maya), typed)
    entry = ModelLogEntry.objects.get(action=TEMPORARY_PASSWORD_ACTION)
    assert entry.user_id == caseworker.pk
    assert entry.object_id == str(maya.pk)
    assert "quiet-harbour-58" not in str(entry.data) and "quiet-harbour-58" not in entry.label


def test_her_other_sessions_end(caseworker, maya):
    hers = Client()
    hers.force_login(maya)
    assert hers.get(reverse("courses:dashboard")).status_code == 200
    _admin(caseworker).post(_url(maya), {"how": "make"})
    assert hers.get(reverse("courses:dashboard")).status_code == 302


def test_only_participants_passwords_can_be_set_this_way(caseworker):
    for someone in (
        with_second_factor(StaffFactory()),
        FacilitatorFactory(),
        MentorFactory(),
        ParticipantFactory(roles=[Role.PARTICIPANT, Role.FACILITATOR]),
    ):
        assert _admin(caseworker).get(_url(someone)).status_code == 404


def test_people_without_permission_to_change_people_cannot(facilitator, staff, maya):
    from django.contrib.auth.models import Group

    # Programme staff whose group lost the permission, and facilitators (who never had it).
    Group.objects.get(name="Programme staff").permissions.remove(
        Permission.objects.get(codename="change_user")
    )
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        staff.__dict__.pop(cache, None)
    for who in (facilitator, staff):
        _check_refused(who, maya)


def _check_refused(who, maya):
    client = _admin(who)
    assert client.get(_url(maya)).status_code == 404
    assert client.post(_url(maya), {"how": "make"}).status_code == 404


def test_the_participants_page_offers_the_button_and_others_do_not(caseworker, maya):
    caseworker.user_permissions.add(Permission.objects.get(codename="view_user"))
    client = _admin(caseworker)
    html = client.get(reverse("wagtailusers_users:edit", args=[maya.pk])).content.decode()
    assert _url(maya) in html
    staff = StaffFactory()
    html = client.get(reverse("wagtailusers_users:edit", args=[staff.pk])).content.decode()
    assert _url(staff) not in html


def test_made_passwords_are_readable_and_random():
    made = {readable_password() for _ in range(50)}
    assert len(made) == 50
    assert all(not set(p) & set("ilo01") for p in made)

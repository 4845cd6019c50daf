"""Signing in, the names Pathways uses for a person, roles, and safe settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import (
    alias_of,
    chosen_name_of,
    legal_name_of,
    staff_label,
    stored_profile,
)
from pathways.lms.accounts.profiles import (
    ContactChannel,
    may_be_contacted_by,
    profile_of,
    profile_update,
)
from pathways.lms.accounts.roles import Role, has_role, is_facilitator, is_programme_staff
from tests.factories.accounts import ParticipantFactory, StaffFactory, UserFactory
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_role_has_a_group_from_the_migrations():
    assert set(Role.values) <= set(Group.objects.values_list("name", flat=True))


def test_programme_staff_can_open_the_wagtail_admin(client):
    client.force_login(with_second_factor(StaffFactory()))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_participant_cannot_open_the_wagtail_admin(client):
    client.force_login(ParticipantFactory())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_home") != response["Location"]


def test_role_helpers():
    staff = StaffFactory()
    participant = ParticipantFactory()
    assert is_programme_staff(staff) and is_facilitator(staff)
    assert has_role(participant, Role.PARTICIPANT)
    assert not is_facilitator(participant)


def test_sign_in_with_username_or_email_case_insensitively(password):
    user = UserFactory(username="Maya", email="maya@example.org")
    request = RequestFactory().post("/accounts/sign-in/")
    assert authenticate(request, username="maya", password=password) == user
    assert authenticate(request, username="MAYA@example.org", password=password) == user
    assert authenticate(request, username="maya", password="wrong") is None
    assert authenticate(request, username="nobody@example.org", password=password) is None


def test_email_is_optional_and_an_address_shared_by_two_accounts_signs_in_neither(password):
    """Django's user model lets two accounts share an address (a host's may too): the address
    then names neither, and each still signs in with her username."""
    UserFactory(email="")
    UserFactory(email="")
    first = UserFactory(username="first", email="same@example.org")
    request = RequestFactory().post("/accounts/sign-in/")
    assert authenticate(request, username="same@example.org", password=password) == first
    second = UserFactory(username="second", email="SAME@example.org")
    assert authenticate(request, username="same@example.org", password=password) is None
    assert authenticate(request, username="SAME@EXAMPLE.ORG", password=password) is None
    assert authenticate(request, username="first", password=password) == first
    assert authenticate(request, username="second", password=password) == second


def test_sign_in_page_signs_in_and_goes_to_the_dashboard(client, password):
    UserFactory(username="rosa", chosen_name="Rosa")
    response = client.post(
        reverse("accounts:login"), {"username": "rosa", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("courses:dashboard")
    assert "Welcome, <bdi>Rosa</bdi>" in response.content.decode()


def test_wrong_password_gives_a_clear_message_that_reveals_nothing(client):
    UserFactory(username="rosa")
    response = client.post(reverse("accounts:login"), {"username": "rosa", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "did not match" in html


def test_sign_out_ends_the_session(client, participant):
    client.force_login(participant)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("courses:dashboard")).status_code == 302


def test_names_used_are_the_chosen_name_and_alias():
    user = UserFactory(
        username="maya1", chosen_name="Maya", legal_name="Maria Lopez", peer_alias=""
    )
    assert chosen_name_of(user) == "Maya"
    assert staff_label(user) == "Maya (maya1)"
    assert alias_of(user) == "Maya"
    assert legal_name_of(user) == "Maria Lopez"
    user.pathways_profile.peer_alias = "Sunrise"
    assert alias_of(user) == "Sunrise"


def test_the_user_models_first_and_last_names_are_never_used_for_a_person():
    """On Django's user model (or a host's) first and last names may be a legal name."""
    user = UserFactory(username="maya1", first_name="Maria", last_name="Lopez", chosen_name="Maya")
    assert (chosen_name_of(user), alias_of(user), staff_label(user)) == (
        "Maya",
        "Maya",
        "Maya (maya1)",
    )
    user.pathways_profile.chosen_name = ""
    assert chosen_name_of(user) == "maya1"


def test_a_user_without_a_profile_is_named_by_her_username():
    user = get_user_model().objects.create_user("host-user", password="x", first_name="Legal")
    assert stored_profile(user) is None
    assert (chosen_name_of(user), alias_of(user), legal_name_of(user)) == (
        "host-user",
        "host-user",
        "",
    )
    assert staff_label(user) == "host-user (host-user)"
    assert not may_be_contacted_by(user, ContactChannel.EMAIL)
    assert not Profile.objects.filter(user_id=user.pk).exists()  # reading made none


def test_contact_only_through_safe_channels():
    user = UserFactory(safe_contact_channels=["in_person"], do_not_contact=False)
    assert may_be_contacted_by(user, "in_person")
    assert not may_be_contacted_by(user, "email")
    user.pathways_profile.do_not_contact = True
    assert not may_be_contacted_by(user, "in_person")


def test_profile_update_makes_the_profile_when_needed_and_saves_only_those_fields():
    user = get_user_model().objects.create_user("host-user", password="x")
    profile_update(user, chosen_name="Rosa")
    assert Profile.objects.get(user=user).chosen_name == "Rosa"
    assert profile_of(user) == Profile.objects.get(user=user)
    profile_update(user, peer_alias="Sunrise")
    stored = Profile.objects.get(user=user)
    assert (stored.chosen_name, stored.peer_alias) == ("Rosa", "Sunrise")


def test_preferred_language_is_used_when_no_choice_was_made(client):
    client.force_login(UserFactory(preferred_language="es"))
    response = client.get(reverse("courses:dashboard"))
    assert response.headers.get("Content-Language") == "es" or 'lang="es"' in (
        response.content.decode()
    )


def _run_production(env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "PATHWAYS_TRUSTED_PROXY_COUNT"}
    }
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="demo_site.settings.production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret", ["", "short", "django-insecure-" + "x" * 60, "dev-only-insecure-key-" + "a1" * 30]
)
def test_production_settings_refuse_to_start_without_a_real_secret(secret):
    result = _run_production({"SECRET_KEY": secret, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_start_with_a_real_secret():
    result = _run_production(
        {
            "SECRET_KEY": "k8Jq2vX9pL4mZ7rT1wY6nB3cF5hD0sG8aE2uI9oP4lK7jH1gV6",
            "ALLOWED_HOSTS": "x.org",
            "PATHWAYS_TRUSTED_PROXY_COUNT": "1",
        }
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_a_choice_of_proxies():
    """Behind the proxy production needs, every visitor would share one budget by default."""
    real = {
        "SECRET_KEY": "k8Jq2vX9pL4mZ7rT1wY6nB3cF5hD0sG8aE2uI9oP4lK7jH1gV6",
        "ALLOWED_HOSTS": "x.org",
    }
    result = _run_production(real)
    assert result.returncode != 0
    assert "PATHWAYS_TRUSTED_PROXY_COUNT" in result.stderr
    assert _run_production({**real, "PATHWAYS_TRUSTED_PROXY_COUNT": "0"}).returncode == 0

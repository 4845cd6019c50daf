"""Signing in, the user model's dignity rules, roles, and safe settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

import pytest

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


def test_email_is_optional_and_unique_when_given():
    from django.db import IntegrityError, transaction

    UserFactory(email="")
    UserFactory(email="")
    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="SAME@example.org")


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
    user = UserFactory(chosen_name="Maya", legal_name="Maria Lopez", peer_alias="")
    assert str(user) == "Maya"
    assert user.get_full_name() == "Maya"
    assert user.display_alias == "Maya"
    user.peer_alias = "Sunrise"
    assert user.display_alias == "Sunrise"


def test_contact_only_through_safe_channels():
    user = UserFactory(safe_contact_channels=["in_person"], do_not_contact=False)
    assert user.may_be_contacted_by("in_person")
    assert not user.may_be_contacted_by("email")
    user.do_not_contact = True
    assert not user.may_be_contacted_by("in_person")


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

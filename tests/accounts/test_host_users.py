"""Accounts the host site made (its own sign-up, its admin, ``createsuperuser``) have no Pathways
profile until Pathways needs one: they sign in, read the safety page, and are named by their
username until they have a chosen name. Staff edit them in the admin like anyone else."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import chosen_name_of, staff_label
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role
from pathways.lms.security.models import LegalNameRead
from tests.factories.accounts import ParticipantFactory

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-58"  # noqa: S105  (a test password)


def host_user(username="host-user", *, role: Role | None = Role.PARTICIPANT, **fields):
    """An account as the host site makes it: the user model only, no Pathways profile."""
    user = get_user_model().objects.create_user(username, password=PASSWORD, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    assert not Profile.objects.filter(user_id=user.pk).exists()
    return user


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


# Signing in and the safety page ------------------------------------------------------------------


def test_a_host_participant_signs_in_reads_the_safety_page_and_is_named_by_her_username(client):
    user = host_user(first_name="Legalfirst", last_name="Legallast")
    dashboard = reverse("courses:dashboard")

    signed_in = client.post(
        reverse("accounts:login"), {"username": "host-user", "password": PASSWORD}
    )
    assert signed_in.status_code == 302

    held_back = client.get(dashboard)
    assert held_back.status_code == 302
    assert held_back["Location"].startswith(reverse("safety:notice"))
    notice = client.get(held_back["Location"]).content.decode()
    assert "Continue</button>" in notice
    assert not Profile.objects.filter(user=user).exists()  # reading made none

    pressed = client.post(reverse("safety:notice"), {"next": dashboard})
    assert pressed["Location"] == dashboard
    profile = Profile.objects.get(user=user)
    assert profile.safety_notice_seen_at is not None
    assert profile.chosen_name == ""

    html = client.get(dashboard).content.decode()
    assert "Welcome, <bdi>host-user</bdi>" in html
    assert "Legalfirst" not in html and "Legallast" not in html
    assert chosen_name_of(user) == "host-user"

    profile_update(user, chosen_name="Rosa")
    assert "Welcome, <bdi>Rosa</bdi>" in client.get(dashboard).content.decode()


def test_a_host_user_signs_in_with_her_email_address(client):
    host_user(email="host@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "HOST@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:dashboard")


def test_a_host_user_who_is_no_participant_is_not_held_back(client):
    user = host_user(role=None)
    client.force_login(user)
    response = client.get(reverse("courses:dashboard"))
    assert not response.get("Location", "").startswith(reverse("safety:notice"))


# The admin's user screens ------------------------------------------------------------------------


def test_the_admin_user_form_saves_the_profile_of_a_user_who_had_none(staff):
    user = host_user(email="host@example.org")
    client = admin_client(staff)

    page = client.get(edit_url(user))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="chosen_name"' in html and 'name="legal_name"' in html
    assert not Profile.objects.filter(user=user).exists()  # showing the form made none
    assert not LegalNameRead.objects.exists()  # she had no legal name to show

    response = client.post(
        edit_url(user),
        {
            "username": "host-user",
            "email": "host@example.org",
            "chosen_name": "Rosa",
            "legal_name": "Rosa María Pérez",
            "peer_alias": "Sunrise",
            "preferred_language": "es",
            "safe_contact_channels": ["in_person"],
            "is_active": "on",
            "groups": [Group.objects.get(name=Role.PARTICIPANT).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(user=user)
    assert (profile.chosen_name, profile.legal_name, profile.peer_alias) == (
        "Rosa",
        "Rosa María Pérez",
        "Sunrise",
    )
    assert (profile.preferred_language, profile.safe_contact_channels) == ("es", ["in_person"])
    assert profile.do_not_contact is False
    assert get_user_model().objects.get(pk=user.pk).email == "host@example.org"


def test_the_admin_user_form_asks_a_chosen_name_of_a_user_who_had_none(staff):
    user = host_user()
    response = admin_client(staff).post(
        edit_url(user),
        {
            "username": "host-user",
            "is_active": "on",
            "groups": [Group.objects.get(name=Role.PARTICIPANT).pk],
        },
    )
    assert response.status_code == 200  # the form, with "This field is required"
    assert not Profile.objects.filter(user=user).exists()


def test_the_admin_user_list_names_people_by_chosen_name_never_first_and_last(superuser_client):
    ParticipantFactory(username="maya", chosen_name="Maya", first_name="Marisol", last_name="Ortiz")
    host_user(first_name="Legalfirst", last_name="Legallast")
    html = superuser_client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "Maya" in html and "host-user" in html
    assert not any(name in html for name in ("Marisol", "Ortiz", "Legalfirst", "Legallast"))

    by_name = superuser_client.get(reverse("wagtailusers_users:index"), {"ordering": "name"})
    assert by_name.status_code == 200

    found = superuser_client.get(reverse("wagtailusers_users:index"), {"q": "Maya"})
    assert "maya" in found.content.decode() and "host-user" not in found.content.decode()
    not_by_legal_name = superuser_client.get(reverse("wagtailusers_users:index"), {"q": "Ortiz"})
    assert "Maya" not in not_by_legal_name.content.decode()


def test_the_admin_user_list_runs_a_fixed_number_of_queries(superuser_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert superuser_client.get(reverse("wagtailusers_users:index")).status_code == 200
        return len(captured)

    ParticipantFactory()
    host_user("host-one")
    few = queries()
    for number in range(3):
        ParticipantFactory()
        host_user(f"host-more-{number}")
    assert queries() == few


def test_staff_labels_name_a_host_user_by_her_username():
    user = host_user()
    assert staff_label(user) == "host-user (host-user)"


@pytest.fixture
def superuser_client(db):
    from tests.security.support import with_second_factor

    root = with_second_factor(get_user_model().objects.create_superuser("root", password=PASSWORD))
    return admin_client(root)

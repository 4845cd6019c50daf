"""A new password shuts out whoever held the old one: every session and every app token of that
person ends, whichever way the password was changed.

The lost-phone case: staff set a temporary password in person, and the phone's app must stop
working at once, not up to 12 hours later. The same holds for the admin's account page, a
superuser's user form, a reset link and the management command.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pathways.api.services import token_issue
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.profiles import profile_update
from tests.factories.accounts import ParticipantFactory, StaffFactory, UserFactory
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet-harbour-58"  # noqa: S105  (a test password)


@pytest.fixture
def maya(db):
    return ParticipantFactory(username="maya", chosen_name="Maya", email="maya@example.org")


def phone_app(user) -> APIClient:
    """Her phone's app, signed in with a token before the change."""
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).key}")
    assert app.get(reverse("api:me")).status_code == 200
    return app


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_signed_out_everywhere(user, *, app: APIClient, web: Client) -> None:
    assert not Token.objects.filter(user=user).exists()
    assert app.get(reverse("api:me")).status_code == 401
    assert web.get(reverse("courses:dashboard")).status_code == 302


def test_a_temporary_password_ends_her_apps_tokens_and_sessions(staff, maya):
    app, web = phone_app(maya), browser(maya)
    response = browser(staff).post(
        reverse("security_admin:temporary_password", args=[maya.pk]), {"how": "make"}
    )
    assert response.status_code == 200
    assert_signed_out_everywhere(maya, app=app, web=web)


def test_a_superuser_setting_a_password_in_the_user_form_ends_her_sign_ins(maya):
    superuser = with_second_factor(UserFactory(is_superuser=True, is_staff=True))
    app, web = phone_app(maya), browser(maya)
    posted = {
        "username": maya.username,
        "email": maya.email,
        "chosen_name": chosen_name_of(maya),
        "preferred_language": "en",
        "is_active": "on",
        "groups": [g.pk for g in maya.groups.all()],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = browser(superuser).post(reverse("wagtailusers_users:edit", args=[maya.pk]), posted)
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=maya.pk).check_password(NEW_PASSWORD)
    assert_signed_out_everywhere(maya, app=app, web=web)


def account_page_as_it_is(client) -> dict:
    """What the account page's other panels post when nothing in them is changed."""
    page = client.get(reverse("wagtailadmin_account"))
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value not in (None, "") and not name.startswith(("avatar", "new_", "old_")):
                    data[form.add_prefix(name)] = value
    return data


def test_changing_ones_own_password_on_the_account_page_ends_the_other_sign_ins(password):
    staff = with_second_factor(StaffFactory(email="sam@example.org"))
    app = phone_app(staff)
    elsewhere = browser(staff)
    here = browser(with_second_factor(get_user_model().objects.get(pk=staff.pk)))
    account = reverse("wagtailadmin_account")
    assert elsewhere.get(account).status_code == 200
    response = here.post(
        account,
        {
            **account_page_as_it_is(here),
            # Wagtail's account page asks for these, which Pathways otherwise leaves empty.
            "name_email-first_name": "Sam",
            "name_email-last_name": "Staff",
            "password-old_password": password,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert get_user_model().objects.get(pk=staff.pk).check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=staff).exists()
    assert app.get(reverse("api:me")).status_code == 401
    assert elsewhere.get(account).status_code == 302
    # The page she changed it on stays signed in, as Django does.
    assert here.get(account).status_code == 200


def test_a_reset_link_ends_her_sign_ins(settings, maya):
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    settings.PATHWAYS_PASSWORD_RESET_BY_EMAIL = True
    app, web = phone_app(maya), browser(maya)
    link = reverse(
        "wagtailadmin_password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(maya.pk)),
            default_token_generator.make_token(maya),
        ],
    )
    client = Client()
    set_password_page = client.get(link)
    assert set_password_page.status_code == 302
    response = client.post(
        set_password_page["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=maya.pk).check_password(NEW_PASSWORD)
    assert_signed_out_everywhere(maya, app=app, web=web)


def test_the_changepassword_command_ends_her_sign_ins(monkeypatch, maya):
    app, web = phone_app(maya), browser(maya)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "maya", stdout=None)
    assert_signed_out_everywhere(maya, app=app, web=web)


def test_other_saves_and_a_rehash_at_sign_in_leave_her_sign_ins_alone(settings, maya, password):
    app = phone_app(maya)
    profile_update(maya, chosen_name="Maya R")
    maya.email = "maya.r@example.org"
    maya.save()
    # Django re-hashes a password stored with an older hasher when she next signs in: the same
    # password, so nothing ends.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    fresh = get_user_model().objects.get(pk=maya.pk)
    assert fresh.password.startswith("md5$")
    assert fresh.check_password(password)
    assert get_user_model().objects.get(pk=maya.pk).password.startswith("pbkdf2")
    assert app.get(reverse("api:me")).status_code == 200
    assert Token.objects.filter(user=maya).exists()

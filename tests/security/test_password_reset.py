"""Password reset by e-mail is off unless the programme turns it on, and even then never mails
someone whose safe-contact choices rule e-mail out; the page answers the same either way."""

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

import pytest

from pathways.lms.security.checks import check_password_reset_by_email
from tests.factories.accounts import ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reset_on(settings):
    settings.PATHWAYS_PASSWORD_RESET_BY_EMAIL = True
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    return settings


def _ask(client, address: str):
    return client.post(reverse("wagtailadmin_password_reset"), {"email": address})


def test_reset_by_email_is_off_by_default(client):
    ParticipantFactory(email="rosa@example.org", safe_contact_channels=["email"])
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 404
    assert _ask(client, "rosa@example.org").status_code == 404
    assert mail.outbox == []
    login = client.get(reverse("wagtailadmin_login")).content.decode()
    assert reverse("wagtailadmin_password_reset") not in login


def test_when_turned_on_it_mails_someone_who_chose_email(client, reset_on):
    ParticipantFactory(email="rosa@example.org", safe_contact_channels=["email", "sms"])
    response = _ask(client, "rosa@example.org")
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


@pytest.mark.parametrize(
    "choices",
    [
        {"safe_contact_channels": ["email"], "do_not_contact": True},
        {"safe_contact_channels": ["in_person", "sms"], "do_not_contact": False},
        {"safe_contact_channels": [], "do_not_contact": False},
    ],
    ids=["do-not-contact", "email-not-safe", "no-safe-channel"],
)
def test_never_mails_someone_whose_choices_rule_email_out(client, reset_on, choices):
    ParticipantFactory(email="rosa@example.org", **choices)
    asked = _ask(client, "rosa@example.org")
    nobody = _ask(client, "nobody@example.org")
    assert mail.outbox == []
    # The same answer as for an address nobody has: it tells nothing.
    assert asked.status_code == nobody.status_code == 302
    assert asked["Location"] == nobody["Location"]


def test_staff_choices_count_too(client, reset_on):
    StaffFactory(email="worker@example.org", safe_contact_channels=[])
    _ask(client, "worker@example.org")
    assert mail.outbox == []


def test_the_admin_switch_alone_does_not_send_anything(client, settings):
    """A host site that turns on Wagtail's reset without Pathways' setting still mails nobody."""
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    ParticipantFactory(email="rosa@example.org", safe_contact_channels=["email"])
    assert _ask(client, "rosa@example.org").status_code == 302
    assert mail.outbox == []


def test_a_check_warns_when_the_reset_runs_without_the_safe_form(settings):
    assert check_password_reset_by_email(None) == []
    settings.WAGTAIL_PASSWORD_RESET_ENABLED = True
    assert check_password_reset_by_email(None) == []
    settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "wagtail.admin.forms.auth.PasswordResetForm"
    assert [w.id for w in check_password_reset_by_email(None)] == ["pathways_security.W002"]
    call_command("check")  # a warning, not an error: the site still starts

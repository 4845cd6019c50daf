"""The e-mail about a notice: only where she said e-mail is safe, and saying nothing at all."""

from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation

import pytest

from pathways.lms.accounts.profiles import profile_update
from pathways.lms.core import app_settings, branding
from pathways.lms.notices import services
from pathways.lms.notices.models import Notice, NoticeKind
from tests.factories.accounts import ParticipantFactory

pytestmark = pytest.mark.django_db

NEUTRAL_SUBJECT = "You have a new message"


@pytest.fixture
def reachable(db):
    """A participant who chose e-mail as a safe way to reach her, with an address."""
    return ParticipantFactory(
        chosen_name="Maya", email="maya@example.org", safe_contact_channels=["email"]
    )


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """Notify someone and run what is queued once the transaction commits (the e-mail task)."""

    def notify(user, kind=NoticeKind.CERTIFICATE_READY, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.notify(user, kind, url=kwargs.pop("url", "/certificates/"), **kwargs)

    return notify


def test_an_e_mail_goes_where_she_chose_e_mail(reachable, tell):
    notice = tell(reachable)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maya@example.org"]
    assert message.subject == branding.email_subject(NEUTRAL_SUBJECT)
    assert message.from_email == branding.email_sender()
    assert f"{app_settings.PATHWAYS_BASE_URL}/notices/" in message.body
    notice.refresh_from_db()
    assert notice.emailed_at is not None


@override_settings(PATHWAYS_BASE_URL="https://learn.example.org")
def test_the_link_is_the_notices_page_at_the_sites_public_address(reachable, tell):
    tell(reachable)

    assert "https://learn.example.org/notices/" in mail.outbox[0].body


def test_the_e_mail_says_only_that_there_is_a_message(reachable, tell):
    tell(reachable, NoticeKind.SIGNOFF_GIVEN)

    message = mail.outbox[0]
    words = f"{message.subject}\n{message.body}"
    assert "Hello," in message.body
    assert "You have a new message" in message.body
    assert branding.brand_name() in message.body
    assert "Maya" not in words
    for kind in NoticeKind:
        assert str(Notice(kind=kind).message) not in words
    for word in (
        "signed off",
        "sign-off",
        "activity",
        "certificate",
        "course",
        "mentor",
        "session",
        "employer",
    ):
        assert word not in words.lower()


def test_do_not_contact_wins_over_everything(reachable, tell):
    profile_update(reachable, do_not_contact=True)

    tell(reachable)

    assert mail.outbox == []
    assert Notice.objects.filter(user=reachable).count() == 1


@pytest.mark.parametrize("channels", [[], ["sms"], ["phone", "in_person"]])
def test_no_e_mail_unless_e_mail_is_among_her_safe_ways(reachable, tell, channels):
    profile_update(reachable, safe_contact_channels=channels)

    tell(reachable)

    assert mail.outbox == []


def test_no_e_mail_without_an_address(tell):
    no_address = ParticipantFactory(email="", safe_contact_channels=["email"])

    tell(no_address)

    assert mail.outbox == []


def test_no_e_mail_to_someone_without_a_pathways_profile(tell):
    host_user = get_user_model().objects.create_user(
        "host-user",
        email="host@example.org",
        password="x",  # noqa: S106
    )

    tell(host_user)

    assert mail.outbox == []
    assert Notice.objects.filter(user=host_user).count() == 1


def test_a_choice_changed_before_the_worker_runs_is_respected(reachable):
    # The notice is made while she allows e-mail; by the time the task runs, she said no.
    notice = services.notify(reachable, NoticeKind.CERTIFICATE_READY, url="/certificates/")
    profile_update(reachable, do_not_contact=True)

    assert services.notice_email_send(notice_id=notice.pk) is False
    assert mail.outbox == []


def test_a_notice_read_before_the_worker_runs_is_not_e_mailed(reachable):
    notice = services.notify(reachable, NoticeKind.CERTIFICATE_READY, url="/certificates/")
    services.notice_mark_read(user=reachable, notice=notice)

    assert services.notice_email_send(notice_id=notice.pk) is False
    assert mail.outbox == []


def test_one_e_mail_is_sent_per_notice_even_if_the_task_runs_twice(reachable):
    notice = services.notify(reachable, NoticeKind.CERTIFICATE_READY, url="/certificates/")

    assert services.notice_email_send(notice_id=notice.pk) is True
    assert services.notice_email_send(notice_id=notice.pk) is False
    assert len(mail.outbox) == 1


def test_the_same_event_twice_sends_one_e_mail(reachable, tell):
    tell(reachable, dedupe_key="certificate_ready:1")
    tell(reachable, dedupe_key="certificate_ready:1")

    assert len(mail.outbox) == 1


def test_no_second_e_mail_while_the_first_is_unread_then_again_once_she_read_it(reachable, tell):
    first = tell(reachable)
    tell(reachable, NoticeKind.SESSION_TOMORROW)
    assert len(mail.outbox) == 1

    services.notice_mark_read(user=reachable, notice=first)
    tell(reachable, NoticeKind.CHECKIN_DUE)

    assert len(mail.outbox) == 2


def test_after_a_quiet_day_an_unread_notice_no_longer_holds_back_an_e_mail(reachable, tell):
    first = tell(reachable)
    Notice.objects.filter(pk=first.pk).update(emailed_at=timezone.now() - timedelta(hours=25))

    tell(reachable, NoticeKind.SESSION_TOMORROW)

    assert len(mail.outbox) == 2


def test_email_false_sends_none(reachable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(reachable, NoticeKind.CERTIFICATE_READY, url="/", email=False)

    assert mail.outbox == []


def test_the_e_mail_is_written_in_her_language(reachable, tell):
    profile_update(reachable, preferred_language="es")
    seen = []
    real = services.render_to_string

    def render(*args, **kwargs):
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    with mock.patch.object(services, "render_to_string", render):
        tell(reachable)

    assert seen == ["es"]
    assert len(mail.outbox) == 1

"""Making notices and reading them: one per event, only to a page of this site, each her own."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from pathways.lms.notices import selectors, services
from pathways.lms.notices.models import MESSAGES, Notice, NoticeKind
from tests.factories.accounts import ParticipantFactory
from tests.factories.notices import NoticeFactory

pytestmark = pytest.mark.django_db


def test_notify_makes_one_notice_per_event(participant):
    first = services.notify(
        participant, NoticeKind.SESSION_TOMORROW, url="/cohorts/mine/", dedupe_key="session:1"
    )
    again = services.notify(
        participant, NoticeKind.SESSION_TOMORROW, url="/cohorts/mine/", dedupe_key="session:1"
    )

    assert first.pk == again.pk
    assert Notice.objects.filter(user=participant).count() == 1
    assert first.kind == NoticeKind.SESSION_TOMORROW
    assert first.read_at is None


def test_the_same_event_key_for_two_people_makes_a_notice_each(participant, other_participant):
    for person in (participant, other_participant):
        services.notify(person, NoticeKind.SESSION_TOMORROW, url="/", dedupe_key="session:1")

    assert Notice.objects.count() == 2


def test_notices_without_a_key_are_always_new(participant):
    services.notify(participant, NoticeKind.CERTIFICATE_READY, url="/certificates/")
    services.notify(participant, NoticeKind.CERTIFICATE_READY, url="/certificates/")

    assert Notice.objects.filter(user=participant).count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/path",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "certificates/",
        "",
        "/certificates/\nLocation: https://elsewhere.example/",
    ],
)
def test_a_notice_leading_off_the_site_is_refused(participant, url):
    with pytest.raises(ValidationError):
        services.notify(participant, NoticeKind.CERTIFICATE_READY, url=url)

    assert not Notice.objects.exists()


def test_an_unknown_kind_is_refused(participant):
    with pytest.raises(ValueError):
        services.notify(participant, "anything", url="/")

    assert not Notice.objects.exists()


def test_a_deactivated_account_is_told_nothing(participant):
    participant.is_active = False
    participant.save(update_fields=["is_active"])

    assert services.notify(participant, NoticeKind.CERTIFICATE_READY, url="/") is None
    assert not Notice.objects.exists()


def test_someone_without_a_pathways_profile_gets_notices():
    host_user = get_user_model().objects.create_user("host-user", password="x")  # noqa: S106

    services.notify(host_user, NoticeKind.CERTIFICATE_READY, url="/certificates/")

    assert selectors.unread_count(host_user) == 1


def test_unread_count_counts_only_her_unread_notices(participant, other_participant):
    NoticeFactory.create_batch(2, user=participant)
    read = NoticeFactory(user=participant)
    services.notice_mark_read(user=participant, notice=read)
    NoticeFactory(user=other_participant)

    assert selectors.unread_count(participant) == 2


def test_nobody_marks_someone_elses_notice_as_read(participant, other_participant):
    hers = NoticeFactory(user=participant)

    assert services.notice_mark_read(user=other_participant, notice=hers) is False
    hers.refresh_from_db()
    assert hers.read_at is None


def test_mark_all_as_read_leaves_other_peoples_notices_alone(participant, other_participant):
    NoticeFactory.create_batch(3, user=participant)
    theirs = NoticeFactory(user=other_participant)

    assert services.notices_mark_all_read(user=participant) == 3

    assert selectors.unread_count(participant) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_visitor_has_no_notices(participant):
    from django.contrib.auth.models import AnonymousUser

    NoticeFactory(user=participant)

    assert selectors.unread_count(AnonymousUser()) == 0
    assert not selectors.notices_for_user(AnonymousUser()).exists()


def test_every_kind_has_a_message_that_names_nothing_in_particular():
    assert set(MESSAGES) == set(NoticeKind)
    for kind in NoticeKind:
        notice = Notice(kind=kind)
        with translation.override("es"):
            assert notice.message
        assert notice.message.endswith(".")


def test_the_kinds_the_other_features_need_exist():
    # The sign-off "not yet, with a note" feature tells the participant with this kind.
    assert NoticeKind.SIGNOFF_RETURNED == "signoff_returned"
    assert NoticeKind("signoff_returned").label


def test_the_message_is_made_from_the_kind_when_shown_and_not_stored():
    notice = NoticeFactory(user=ParticipantFactory(), kind=NoticeKind.SESSION_TOMORROW)

    with translation.override("en"):
        assert notice.message == "You have a group session tomorrow."
    stored = [field.attname for field in Notice._meta.concrete_fields]
    assert not {"message", "text", "body", "title"} & set(stored)

"""The notices page and the count in the navigation: each person sees her own notices only."""

import re
from datetime import timedelta

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from pathways.lms.notices.models import Notice, NoticeKind
from tests.factories.accounts import ParticipantFactory
from tests.factories.notices import NoticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["participant", "mentor", "facilitator", "staff", "employer_user"]
CONTEXT_PROCESSOR = "pathways.lms.notices.context_processors.notices"


def _nav(response) -> str:
    html = response.content.decode()
    return html[html.index('class="site-nav"') : html.index("</nav>")]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_her_own_notices_and_nobody_elses(client, request, role):
    person = request.getfixturevalue(role)
    someone_else = ParticipantFactory()
    NoticeFactory(user=person, kind=NoticeKind.SESSION_TOMORROW)
    NoticeFactory(user=someone_else, kind=NoticeKind.CHECKIN_DUE)
    client.force_login(person)

    response = client.get(reverse("notices:list"))

    assert response.status_code == 200
    assert [notice.user_id for notice in response.context["notices"]] == [person.pk]
    assert "You have a group session tomorrow." in response.content.decode()
    assert "A mentoring check-in is due tomorrow." not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_404_for_someone_elses_notice_and_it_stays_unread(client, request, role):
    person = request.getfixturevalue(role)
    theirs = NoticeFactory(user=ParticipantFactory(), url="/certificates/")
    client.force_login(person)

    response = client.get(reverse("notices:open", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("role", ROLES)
def test_mark_all_as_read_reaches_only_her_own(client, request, role):
    person = request.getfixturevalue(role)
    NoticeFactory.create_batch(2, user=person)
    theirs = NoticeFactory(user=ParticipantFactory())
    client.force_login(person)

    response = client.post(reverse("notices:read_all"))

    assert response.status_code == 302
    assert not Notice.objects.filter(user=person, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_visitor_is_sent_to_sign_in(client, participant):
    notice = NoticeFactory(user=participant)

    for url in (reverse("notices:list"), reverse("notices:open", args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("notices:read_all")).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_list_is_newest_first_with_unread_marked_by_words_and_an_icon(signed_in, participant):
    now = timezone.now()
    old = NoticeFactory(
        user=participant, kind=NoticeKind.CERTIFICATE_READY, created_at=now - timedelta(days=2)
    )
    old.read_at = now
    old.save()
    NoticeFactory(user=participant, kind=NoticeKind.SESSION_TOMORROW, created_at=now)
    client = signed_in(participant)

    response = client.get(reverse("notices:list"))

    html = response.content.decode()
    assert html.index("You have a group session tomorrow.") < html.index(
        "You have a new certificate."
    )
    new_card = re.search(r'<li class="card card-highlight".*?</li>', html, re.S).group(0)
    assert "New" in new_card
    assert '<span aria-hidden="true">●</span>' in new_card
    assert "You have a group session tomorrow." in new_card
    assert "You have 1 unread notice." in html
    assert reverse("notices:read_all") in html


def test_nothing_to_read_says_so_and_offers_no_mark_all(signed_in, participant):
    response = signed_in(participant).get(reverse("notices:list"))

    html = response.content.decode()
    assert "You have no notices." in html
    assert reverse("notices:read_all") not in html


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(signed_in, participant):
    notice = NoticeFactory(user=participant, url="/certificates/#certificate-3")

    response = signed_in(participant).get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/certificates/#certificate-3"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://elsewhere.example/", "//elsewhere.example/", "/\\elsewhere.example/"]
)
def test_a_stored_address_off_the_site_is_never_followed(signed_in, participant, url):
    # notify() refuses these; a row written some other way is still not followed.
    notice = NoticeFactory(user=participant, url=url)

    response = signed_in(participant).get(reverse("notices:open", args=[notice.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notices:list")


def test_mark_all_as_read_is_a_post(signed_in, participant):
    NoticeFactory(user=participant)
    client = signed_in(participant)

    assert client.get(reverse("notices:read_all")).status_code == 405
    response = client.post(reverse("notices:read_all"), follow=True)

    assert "All your notices are marked as read." in response.content.decode()
    assert not Notice.objects.filter(user=participant, read_at__isnull=True).exists()


def test_the_navigation_shows_how_many_are_unread_with_an_accessible_label(signed_in, participant):
    NoticeFactory.create_batch(2, user=participant)
    client = signed_in(participant)

    nav = _nav(client.get(reverse("certificates:mine")))

    assert reverse("notices:list") in nav
    assert '<span aria-hidden="true"> (2)</span>' in nav
    assert '<span class="visually-hidden"> (2 unread)</span>' in nav


def test_the_navigation_shows_no_count_when_all_are_read(signed_in, participant):
    NoticeFactory(user=participant, read_at=timezone.now())
    client = signed_in(participant)

    nav = _nav(client.get(reverse("certificates:mine")))

    assert "Notices" in nav
    assert "unread" not in nav


def test_the_count_follows_reading(signed_in, participant):
    notice = NoticeFactory(user=participant)
    NoticeFactory(user=participant)
    client = signed_in(participant)

    client.get(reverse("notices:open", args=[notice.pk]))

    assert "(1 unread)" in _nav(client.get(reverse("notices:list")))


def test_signed_out_pages_have_no_notices_link(client):
    response = client.get(reverse("accounts:login"))

    assert reverse("notices:list") not in response.content.decode()


def test_pages_work_without_the_context_processor_as_a_host_may_leave_it_out(
    signed_in, participant
):
    NoticeFactory(user=participant)
    templates = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    name
                    for name in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
                    if name != CONTEXT_PROCESSOR
                ],
            },
        }
    ]
    client = signed_in(participant)

    with override_settings(TEMPLATES=templates):
        response = client.get(reverse("certificates:mine"))

    assert response.status_code == 200
    nav = _nav(response)
    assert reverse("notices:list") in nav
    assert "unread" not in nav


def test_the_list_takes_the_same_queries_for_one_notice_or_many(
    signed_in, participant, django_assert_max_num_queries
):
    client = signed_in(participant)
    NoticeFactory(user=participant)
    client.get(reverse("notices:list"))
    with django_assert_max_num_queries(12) as one:
        assert client.get(reverse("notices:list")).status_code == 200

    NoticeFactory.create_batch(40, user=participant)
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("notices:list"))

    assert len(response.context["notices"]) == 25
    assert len(many.captured_queries) == len(one.captured_queries)


def test_older_notices_are_on_the_next_page(signed_in, participant):
    now = timezone.now()
    oldest = NoticeFactory(user=participant, created_at=now - timedelta(days=30))
    NoticeFactory.create_batch(25, user=participant, created_at=now)
    client = signed_in(participant)

    first = client.get(reverse("notices:list"))
    second = client.get(reverse("notices:list"), {"page": 2})

    assert oldest not in first.context["notices"]
    assert second.context["notices"] == [oldest]
    assert "Older notices" in first.content.decode()

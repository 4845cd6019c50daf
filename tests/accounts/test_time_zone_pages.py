"""Pages that list times show them in the zone of whoever reads them, and name that zone once
(``pathways/includes/time_zone_note.html``): a participant's groups, her dashboard and notices; a
facilitator's cohort and attendance pages. A session is shown in her zone, not in its cohort's.
Pages without a time of day (dates only) do not name a zone."""

from datetime import UTC, datetime

from django.urls import reverse

import pytest
import time_machine

from pathways.lms.accounts.profiles import profile_update
from pathways.lms.notices.models import Notice, NoticeKind
from tests.factories.accounts import FacilitatorFactory, ParticipantFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# 21:30 in UTC is 17:30 in New York (the cohort's zone), 15:30 in Mexico City, 22:30 in Madrid.
STARTS = datetime(2026, 3, 14, 21, 30, tzinfo=UTC)
MEXICO = "America/Mexico_City"
MADRID = "Europe/Madrid"


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def facilitator():
    user = FacilitatorFactory()
    profile_update(user, time_zone=MADRID)
    return user


@pytest.fixture
def cohort(facilitator):
    return CohortFactory(
        name="Spring Cohort", time_zone="America/New_York", facilitators=[facilitator]
    )


@pytest.fixture
def session(cohort):
    return CohortSessionFactory(cohort=cohort, title="Mock interviews", starts_at=STARTS)


@pytest.fixture
def her(cohort, session):
    """A member in Mexico City, with a session to come."""
    user = ParticipantFactory(chosen_name="Maya")
    profile_update(user, time_zone=MEXICO)
    CohortMembershipFactory(cohort=cohort, user=user)
    return user


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _names_once_and_converts(html: str, zone: str, shown: str) -> None:
    assert f"Times are in {zone}." in html
    assert html.count(zone) == 1
    assert shown in html
    # Neither the time in UTC nor in the cohort's zone.
    assert "21:30" not in html and "17:30" not in html


# Her pages --------------------------------------------------------------------------------------


def test_her_groups_page_shows_sessions_in_her_zone_and_names_it(client, her):
    html = _page(client, her, reverse("cohorts:mine"))
    _names_once_and_converts(html, MEXICO, "14 March 2026, 15:30")
    assert "America/New_York" not in html


def test_her_dashboard_shows_her_next_session_in_her_zone_and_names_it(client, her):
    html = _page(client, her, reverse("courses:dashboard"))
    _names_once_and_converts(html, MEXICO, "14 March 2026, 15:30")
    # Named under "What comes next", where the time is.
    assert (
        html.index('id="next-heading"')
        < html.index("Times are in")
        < html.index("Your next session")
    )


def test_her_notices_are_dated_in_her_zone_and_name_it(client):
    user = ParticipantFactory()
    profile_update(user, time_zone=MEXICO)
    # 03:15 in UTC on 10 March is still the evening of 9 March in Mexico City.
    Notice.objects.create(
        user=user,
        kind=NoticeKind.CERTIFICATE_READY,
        url="/",
        created_at=datetime(2026, 3, 10, 3, 15, tzinfo=UTC),
    )
    html = _page(client, user, reverse("notices:list"))
    assert f"Times are in {MEXICO}." in html and html.count(MEXICO) == 1
    assert "9 March 2026, 21:15" in html and "03:15" not in html


def test_pages_without_a_time_of_day_name_no_zone(client):
    user = ParticipantFactory()
    profile_update(user, time_zone=MEXICO)
    CohortMembershipFactory(user=user)  # a group with no session to come
    for url_name in ("cohorts:mine", "courses:dashboard", "notices:list"):
        html = _page(client, user, reverse(url_name))
        assert "Times are in" not in html, url_name


def test_without_a_zone_of_her_own_times_are_in_the_sites(client, her):
    profile_update(her, time_zone="")
    html = _page(client, her, reverse("cohorts:mine"))
    assert "Times are in UTC." in html
    assert "14 March 2026, 21:30" in html


# A facilitator's pages ----------------------------------------------------------------------


def test_her_cohort_page_shows_sessions_in_her_zone_and_names_it(client, facilitator, cohort, her):
    html = _page(client, facilitator, reverse("cohorts:detail", args=[cohort.pk]))
    _names_once_and_converts(html, MADRID, "14 March 2026, 22:30")
    # The cohort's own zone is said as such, not left bare beside hers.
    assert "Cohort's time zone: America/New_York" in html


def test_an_attendance_page_before_the_session_says_when_in_her_zone(
    client, facilitator, cohort, session, her
):
    html = _page(client, facilitator, reverse("cohorts:attendance", args=[cohort.pk, session.pk]))
    _names_once_and_converts(html, MADRID, "14 March 2026, 22:30")
    assert "Attendance opens when the session starts: 14 March 2026, 22:30" in html


def test_an_attendance_sheet_names_her_zone(client, facilitator, cohort, her):
    past = CohortSessionFactory(
        cohort=cohort, title="Welcome", starts_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    )
    html = _page(client, facilitator, reverse("cohorts:attendance", args=[cohort.pk, past.pk]))
    assert 'class="attendance-form"' in html
    assert f"Times are in {MADRID}." in html and html.count(MADRID) == 1
    assert "10 March 2026, 10:00" in html

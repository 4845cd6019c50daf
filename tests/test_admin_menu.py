"""The admin menu groups Pathways' screens under a few items named in plain words: courses,
groups and mentoring, certificates, sharing with employers; records of reads and erasures sit in
Settings. The addresses of the screens stay as they were."""

from django.test import RequestFactory
from django.urls import get_resolver, reverse

from wagtail.admin.menu import admin_menu, settings_menu

import pytest

pytestmark = pytest.mark.django_db

PATHWAYS_MENU = {
    "Courses": ["Courses", "Enrolments"],
    "Groups and mentoring": [
        "Cohorts",
        "Cohort members",
        "Sessions",
        "Attendance",
        "Mentor pairings",
        "Mentors",
        "Mentee preferences",
    ],
    "Certificates": ["Issued certificates", "Cohort certificates", "Templates"],
    "Sharing with employers": [
        "Partner employers",
        "API keys",
        "Consents to share",
        "What employers viewed",
    ],
}


def _menu(items, request) -> dict[str, list[str] | None]:
    """Label -> its submenu's labels (None for a plain item), in the order shown."""
    shown = sorted(items.menu_items_for_request(request), key=lambda item: item.order)
    return {
        str(item.label): (
            [
                str(sub.label)
                for sub in sorted(
                    item.menu.menu_items_for_request(request), key=lambda sub: sub.order
                )
            ]
            if hasattr(item, "menu")
            else None
        )
        for item in shown
    }


def _request_for(user):
    # The viewsets register their menu items as the admin URLs load.
    assert get_resolver().url_patterns
    request = RequestFactory().get(reverse("wagtailadmin_home"))
    request.user = user
    return request


def test_staff_see_pathways_screens_in_four_plainly_named_groups(staff):
    menu = _menu(admin_menu, _request_for(staff))
    pathways = {label: items for label, items in menu.items() if label in PATHWAYS_MENU}
    assert pathways == PATHWAYS_MENU
    # In the order of a programme: courses, the groups that take them, what they earn, sharing.
    assert list(pathways) == list(PATHWAYS_MENU)
    # No stray top-level items for small lists.
    for old in ("Enrolments", "Cohorts", "Mentoring", "Erasure records", "Releases"):
        assert old not in menu


def test_records_of_reads_and_erasures_are_in_settings(staff):
    settings_items = _menu(settings_menu, _request_for(staff))
    assert {"Legal name reads", "Erasure records", "Paused sign-ins"} <= set(settings_items)


def test_facilitators_see_none_of_the_staff_groups(facilitator):
    menu = _menu(admin_menu, _request_for(facilitator))
    assert not set(menu) & set(PATHWAYS_MENU)


@pytest.mark.parametrize(
    "url_name",
    [
        "courses_admin:index",
        "enrolments:index",
        "cohorts_admin:index",
        "cohort_memberships:index",
        "mentorship_pairings:index",
        "mentor_profiles:index",
        "mentee_preferences:index",
        "certificates_admin:index",
        "credential_releases:index",
        "credential_accesses:index",
        "erasure_records:index",
    ],
)
def test_the_screens_keep_their_addresses(client, staff, url_name):
    client.force_login(staff)
    assert client.get(reverse(url_name)).status_code == 200

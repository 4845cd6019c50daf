"""Each role lands where its work is; a partner employer sees only her portal; staff find the
admin from the site; someone with several roles switches between them."""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.urls import reverse

import pytest

from pathways.lms.accounts.roles import Role
from tests.factories.accounts import (
    EmployerUserFactory,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.factories.certificates import EmployerOrganisationFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user, password, **query):
    url = reverse("accounts:login")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, {"username": user.username, "password": password})


class Links(HTMLParser):
    """The links of a page's header, by the nav (or other element) they sit in."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (where, href, text)
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"nav", "header", "footer"}:
            self.stack.append(attributes.get("class") or tag)
        if tag == "a":
            where = self.stack[-1] if self.stack else ""
            self._open = {"where": where, "href": attributes.get("href", ""), "text": ""}

    def handle_endtag(self, tag):
        if tag in {"nav", "header", "footer"} and self.stack:
            self.stack.pop()
        if tag == "a" and self._open is not None:
            self.links.append((self._open["where"], self._open["href"], self._open["text"].strip()))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def in_(self, where: str) -> list[tuple[str, str]]:
        return [(href, text) for place, href, text in self.links if place == where]


def links(response) -> Links:
    parser = Links()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def employer_only(db):
    user = EmployerUserFactory(chosen_name="Lee")
    EmployerOrganisationFactory(name="Harbour Hotels", users=[user])
    return user


# Where each role lands after signing in --------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "landing"),
    [
        (lambda: ParticipantFactory(), "courses:dashboard"),
        (lambda: MentorFactory(), "mentoring:mentor_dashboard"),
        (
            lambda: MentorFactory(roles=[Role.MENTOR, Role.PARTICIPANT]),
            "mentoring:mentor_dashboard",
        ),
        (lambda: FacilitatorFactory(), "cohorts:list"),
        (lambda: UserFactory(), "courses:dashboard"),  # no role yet
    ],
    ids=["participant", "mentor", "mentor-and-participant", "facilitator", "no-role"],
)
def test_each_role_lands_where_its_work_is(client, password, make, landing):
    response = sign_in(client, make(), password)
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_an_employer_lands_on_her_portal(client, password, employer_only):
    response = sign_in(client, employer_only, password)
    assert response["Location"] == reverse("employer:credentials")
    assert client.get(response["Location"]).status_code == 200


def test_a_next_address_still_wins(client, password, employer_only):
    target = reverse("employer:releases")
    response = sign_in(client, employer_only, password, next=target)
    assert response["Location"] == target


def test_visiting_sign_in_while_signed_in_goes_to_her_own_landing(client, employer_only):
    client.force_login(employer_only)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("employer:credentials")


# A partner employer never sees learning pages ---------------------------------------------------

LEARNING_PAGES = [
    "courses:dashboard",
    "courses:catalogue",
    "courses:reflections",
    "certificates:mine",
    "cohorts:mine",
    "mentoring:my_mentor",
    "sharing:list",
]


@pytest.mark.parametrize("url_name", LEARNING_PAGES)
def test_an_employer_only_account_is_sent_from_learning_pages_to_her_portal(
    client, employer_only, url_name
):
    client.force_login(employer_only)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("employer:credentials")


def test_an_employer_only_account_cannot_open_a_course(client, employer_only, course):
    client.force_login(employer_only)
    response = client.get(reverse("courses:course", args=[course.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("employer:credentials")


def test_someone_who_is_also_a_participant_keeps_her_learning(client, employer_only):
    employer_only.groups.add(*_groups(Role.PARTICIPANT))
    client.force_login(employer_only)
    assert client.get(reverse("courses:dashboard")).status_code == 200
    assert client.get(reverse("employer:credentials")).status_code == 200


def test_an_employer_navigation_shows_only_her_portal(client, employer_only):
    client.force_login(employer_only)
    page = links(client.get(reverse("employer:credentials")))
    hrefs = [href for href, _text in page.in_("site-nav")]
    assert reverse("employer:credentials") in hrefs
    assert reverse("employer:releases") in hrefs
    for url_name in LEARNING_PAGES:
        assert reverse(url_name) not in hrefs
    # The brand takes her to her portal, not to a dashboard she cannot use.
    brand = [href for where, href, text in page.links if text == "Pathways Learning"]
    assert brand == [reverse("employer:credentials")]


def test_a_participant_navigation_has_no_employer_or_admin_links(client, participant):
    client.force_login(participant)
    hrefs = [
        href for href, _text in links(client.get(reverse("courses:dashboard"))).in_("site-nav")
    ]
    assert reverse("courses:catalogue") in hrefs
    assert reverse("employer:credentials") not in hrefs
    assert reverse("wagtailadmin_home") not in hrefs


# Staff find the admin from the site --------------------------------------------------------------


def _groups(*roles):
    from django.contrib.auth.models import Group

    return [Group.objects.get(name=role.value) for role in roles]


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_see_a_link_to_the_admin(client, who):
    user = (
        StaffFactory()
        if who == "staff"
        else get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    )
    client.force_login(user)
    page = links(client.get(reverse("cohorts:list")))
    assert (reverse("wagtailadmin_home"), "Staff admin") in page.in_("site-nav")


@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "employer_only"])
def test_nobody_else_sees_the_admin_link(request, client, role):
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("safety:notice")).content.decode()
    assert "Staff admin" not in html


# Switching between roles -------------------------------------------------------------------------


def test_someone_with_several_roles_can_switch_between_their_pages(client):
    amara = MentorFactory(roles=[Role.MENTOR, Role.PARTICIPANT], chosen_name="Amara")
    client.force_login(amara)
    page = links(client.get(reverse("mentoring:mentor_dashboard")))
    switch = page.in_("role-switch")
    assert switch == [
        (reverse("mentoring:mentor_dashboard"), "Mentoring"),
        (reverse("courses:dashboard"), "Learning"),
    ]
    assert "Switch to:" in client.get(reverse("courses:dashboard")).content.decode()


def test_a_participant_who_works_for_an_employer_can_switch_to_the_portal(client, employer_only):
    employer_only.groups.add(*_groups(Role.PARTICIPANT))
    client.force_login(employer_only)
    switch = links(client.get(reverse("courses:dashboard"))).in_("role-switch")
    assert switch == [
        (reverse("courses:dashboard"), "Learning"),
        (reverse("employer:credentials"), "Employer portal"),
    ]


@pytest.mark.parametrize("role", ["participant", "mentor", "employer_only"])
def test_one_role_means_no_switch(request, client, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    html = client.get(reverse("accounts:settings")).content.decode()
    assert "role-switch" not in html and "Switch to:" not in html

"""Fixtures shared by the whole suite: one per role of the product doc, and a demo course."""

import os
import shutil

import pytest

from tests.factories.accounts import (
    TEST_PASSWORD,
    EmployerUserFactory,
    FacilitatorFactory,
    MentorFactory,
    ParticipantFactory,
    StaffFactory,
)
from tests.security.support import with_second_factor

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,))):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Run tests that commit for real (browser, concurrency) after all the others.

    They flush the database when they finish, taking the data migrations' rows (page tree,
    groups) with them; pytest-playwright's parametrisation can otherwise interleave them.
    """
    items.sort(key=_is_transactional)
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (make test installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def participant(db):
    return ParticipantFactory(chosen_name="Maya")


@pytest.fixture
def other_participant(db):
    return ParticipantFactory(chosen_name="Jo")


@pytest.fixture
def mentor(db):
    return MentorFactory()


@pytest.fixture
def facilitator(db):
    """A facilitator who set up two-step sign-in: force_login also passes it (for the admin)."""
    return with_second_factor(FacilitatorFactory())


@pytest.fixture
def staff(db):
    """Programme staff who set up two-step sign-in: force_login also passes it (for the admin).
    See tests/security/support.py."""
    return with_second_factor(StaffFactory())


@pytest.fixture
def employer_user(db):
    return EmployerUserFactory()


@pytest.fixture
def course(db):
    """A live course: two modules of two lessons, a reflection and a quiz in each module."""
    from tests.factories.courses import build_course

    return build_course(title="Workplace Readiness")


@pytest.fixture
def enrolled(participant, course):
    """The participant's enrolment in ``course``, started as she would start it."""
    from pathways.courses import services

    return services.enrolment_start(user=participant, course=course)


@pytest.fixture
def first_lesson(course):
    from pathways.courses.selectors import course_lessons

    return course_lessons(course).specific().first()


@pytest.fixture
def quiz_lesson(course):
    """The course's second lesson, which ends with a quiz."""
    from pathways.courses.selectors import course_lessons

    return course_lessons(course).specific()[1]


@pytest.fixture
def course_with_activity(db):
    from tests.factories.courses import build_course

    return build_course(
        title="Customer Service Fundamentals", modules=1, lessons_per_module=2, with_activity=True
    )


@pytest.fixture
def signed_in(client):
    """Sign a user in on the test client and return the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_client():
    """A DRF test client (JSON by default)."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def employer_org(db, employer_user):
    """A partner employer whose web user is ``employer_user``."""
    from tests.factories.certificates import EmployerOrganisationFactory

    return EmployerOrganisationFactory(name="Harbour Hotels", users=[employer_user])


@pytest.fixture
def employer_key(employer_org, staff):
    """A live API key of ``employer_org``: (key row, raw key to send as Bearer)."""
    from pathways.certificates.employers.services import employer_key_create

    return employer_key_create(employer=employer_org, name="HR system", actor=staff)


@pytest.fixture
def shared_certificate(participant, employer_org):
    """A certificate of ``participant`` shared with ``employer_org`` by an active release that
    discloses everything; returns the ReleasedCertificate (``.release``, ``.certificate``)."""
    from tests.factories.certificates import CertificateFactory, CredentialReleaseFactory

    certificate = CertificateFactory(user=participant)
    release = CredentialReleaseFactory(
        participant=participant, employer=employer_org, certificates=[certificate]
    )
    return release.released_certificates.get()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request for a Spanish-preferring person activates Spanish in the test thread (as the
    locale middleware does in a server thread); start every test in the default language."""
    from django.utils import translation

    yield
    translation.activate("en")

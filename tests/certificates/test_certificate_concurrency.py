"""Twenty completion events at the same moment produce exactly one certificate.

Runs real threads, each with its own database connection, against PostgreSQL: the guarantee rests
on the participant's row lock (``SELECT ... FOR UPDATE``) backed by the partial unique constraint.
SQLite serialises every write transaction anyway (``BEGIN IMMEDIATE``), and its in-memory test
database cannot be shared between threads, so the test is skipped there.
"""

import threading

from django.db import connection
from django.utils import timezone

import pytest

from pathways.certificates.issuance import services
from pathways.certificates.issuance.models import Certificate
from pathways.courses import services as course_services
from pathways.courses.models import Enrolment, EnrolmentStatus, LessonProgress
from pathways.courses.selectors import course_lessons
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateTemplateFactory
from tests.factories.courses import build_course

THREADS = 20


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: the guarantee under test is its row lock, and SQLite's test "
            "database cannot be shared between threads (set DATABASE_URL to a PostgreSQL server)"
        )


def _run_at_once(work) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            work()
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.fixture
def setting():
    course = build_course(title="Customer Service Fundamentals", modules=1, lessons_per_module=1)
    CertificateTemplateFactory(courses=[course])
    return ParticipantFactory(chosen_name="Rosa"), course


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_for_one_completion_make_one_certificate(setting):
    _needs_postgresql()
    user, course = setting
    Enrolment.objects.create(
        user=user, course=course, status=EnrolmentStatus.COMPLETED, completed_at=timezone.now()
    )
    results: list[int] = []

    def issue():
        results.append(services.certificate_issue(user=user, course=course).pk)

    errors = _run_at_once(issue)

    assert not errors, errors
    assert Certificate.objects.count() == 1
    assert results == [Certificate.objects.get().pk] * THREADS


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_completion_evaluations_make_one_certificate():
    _needs_postgresql()
    course = build_course(
        title="Workplace Readiness", modules=1, lessons_per_module=2, with_quiz=False
    )
    CertificateTemplateFactory(courses=[course])
    user = ParticipantFactory(chosen_name="Rosa")
    enrolment = course_services.enrolment_start(user=user, course=course)
    # Every lesson done, written directly, so that the completion is decided by the threads.
    for lesson in course_lessons(course):
        LessonProgress.objects.create(
            enrolment=enrolment, lesson=lesson, completed_at=timezone.now()
        )

    def evaluate():
        course_services.enrolment_evaluate_completion(
            enrolment=Enrolment.objects.get(pk=enrolment.pk)
        )
        # A retried task may announce the completion again: issuing stays idempotent.
        services.certificate_issue(user=user, course=course)

    errors = _run_at_once(evaluate)

    assert not errors, errors
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert Certificate.objects.filter(user=user).count() == 1

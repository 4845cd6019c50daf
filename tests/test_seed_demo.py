"""The demo data: realistic, consistent with the rules, and safe to load twice."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Locale

import pytest

from pathways.courses.models import CoursePage, Enrolment, EnrolmentStatus, QuizAttempt
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def _counts():
    from wagtail.models import Page

    from pathways.cohorts.models import Attendance, CohortSession
    from pathways.mentoring.models import MentorshipCheckIn

    return {
        "users": get_user_model().objects.count(),
        "pages": Page.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "attempts": QuizAttempt.objects.count(),
        "sessions": CohortSession.objects.count(),
        "attendance": Attendance.objects.count(),
        "check_ins": MentorshipCheckIn.objects.count(),
    }


def test_seed_demo_builds_the_demo_site_and_is_safe_to_run_twice(capsys):
    call_command("seed_demo", allow_without_debug=True)
    first = _counts()
    output = capsys.readouterr().out
    for username in ["maya", "rosa", "amara", "dana", "sam", "lee", "admin"]:
        assert username in output

    titles = set(CoursePage.objects.live().values_list("title", flat=True))
    assert {
        "Workplace Readiness",
        "Customer Service Fundamentals",
        "Leading Peer Support Groups",
    } <= titles

    users = {user.username: user for user in get_user_model().objects.all()}
    assert has_role(users["maya"], Role.PARTICIPANT)
    assert has_role(users["amara"], Role.MENTOR)
    assert has_role(users["dana"], Role.FACILITATOR)
    assert has_role(users["sam"], Role.PROGRAMME_STAFF)
    assert has_role(users["lee"], Role.EMPLOYER)
    # What Pathways keeps about each person is in her profile; the account's own fields on the
    # user model.
    profiles = {p.user.username: p for p in Profile.objects.select_related("user")}
    assert set(profiles) == set(users)
    assert profiles["maya"].chosen_name == "Maya"
    assert profiles["maya"].peer_alias == "Sunrise"
    assert profiles["maya"].safe_contact_channels == ["in_person"]
    assert profiles["maya"].safety_notice_seen_at is not None
    assert profiles["rosa"].legal_name == "Rosa María Pérez"
    assert profiles["rosa"].preferred_language == "es"
    assert profiles["rosa"].safety_notice_seen_at is None
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["sam"].is_staff and not users["sam"].is_superuser

    maya = Enrolment.objects.get(user__username="maya", course__title="Workplace Readiness")
    assert maya.status == EnrolmentStatus.ACTIVE
    assert maya.lesson_progress.filter(completed_at__isnull=False).exists()
    rosa = Enrolment.objects.get(
        user__username="rosa", course__title="Customer Service Fundamentals"
    )
    assert rosa.status == EnrolmentStatus.COMPLETED
    assert rosa.completed_at is not None

    from pathways.cohorts.models import Attendance, Cohort, CohortStatus
    from pathways.mentoring.models import MentorshipPairing, PairingStatus

    cohort = Cohort.objects.get()
    assert cohort.status == CohortStatus.RUNNING
    assert cohort.sessions.count() >= 4
    assert Attendance.objects.filter(session__cohort=cohort).exists()
    assert list(cohort.facilitators.values_list("username", flat=True)) == ["dana"]
    assert MentorshipPairing.objects.filter(status=PairingStatus.ACTIVE).count() == 2

    call_command("seed_demo", allow_without_debug=True)
    assert _counts() == first
    assert Attendance.objects.count() == Attendance.objects.filter(session__cohort=cohort).count()
    assert MentorshipPairing.objects.count() == 2


def test_seed_demo_refuses_to_run_in_production_mode():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_seed_demo_rebuilds_a_missing_default_site():
    from wagtail.models import Site

    Site.objects.all().delete()
    call_command("seed_demo", allow_without_debug=True)
    site = Site.objects.get(is_default_site=True)
    assert CoursePage.objects.descendant_of(site.root_page).count() >= 3


def _printed_key(output: str) -> str:
    keys = [word for word in output.split() if word.startswith("pwk_")]
    assert keys, "seed_demo should print the demo API key"
    return keys[0]


def test_seed_demo_shares_rosas_certificates_in_every_state_and_prints_a_working_key(
    capsys, client
):
    from pathways.certificates.employers.models import EmployerApiKey
    from pathways.certificates.employers.services import employer_key_authenticate
    from pathways.certificates.sharing.models import CredentialAccess, CredentialRelease
    from pathways.certificates.sharing.selectors import participant_access_log, shared_credentials

    call_command("seed_demo", allow_without_debug=True)
    output = capsys.readouterr().out

    releases = {
        release.employer.name: release
        for release in CredentialRelease.objects.select_related("employer", "participant")
    }
    assert {name: release.status for name, release in releases.items()} == {
        "Harbour Hotels": "active",
        "Northgate Logistics": "expired",
        "Riverside Care": "revoked",
    }
    assert {release.participant.username for release in releases.values()} == {"rosa"}
    harbour = releases["Harbour Hotels"].employer
    assert list(harbour.users.values_list("username", flat=True)) == ["lee"]
    rosa = releases["Harbour Hotels"].participant
    assert participant_access_log(rosa).filter(employer=harbour).count() >= 3

    raw_key = _printed_key(output)
    key = employer_key_authenticate(raw_key)
    assert key is not None and key.employer == harbour
    assert shared_credentials(employer=harbour).count() == 2
    curl = next(line for line in output.splitlines() if line.strip().startswith("curl "))
    assert f"Authorization: Bearer {raw_key}" in curl
    assert "/api/v1/employer/credentials/" in curl
    response = client.get("/api/v1/employer/credentials/", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    # Printed in her language: the Spanish course's title where the course is translated.
    assert {item["achievement"] for item in response.json()["results"]} == {
        "Fundamentos de atención al cliente",
        "Leading Peer Support Groups",
    }
    # She read and signed the consent text in Spanish.
    assert {release.consent_language for release in releases.values()} == {"es"}

    counts = (CredentialRelease.objects.count(), CredentialAccess.objects.count())
    call_command("seed_demo", allow_without_debug=True)
    second_key = _printed_key(capsys.readouterr().out)
    assert (CredentialRelease.objects.count(), CredentialAccess.objects.count()) == counts
    # The key is shown once: each run revokes the previous demo key and prints a new one.
    assert second_key != raw_key
    assert employer_key_authenticate(raw_key) is None
    assert employer_key_authenticate(second_key).employer == harbour
    assert EmployerApiKey.objects.filter(employer=harbour, revoked_at__isnull=True).count() == 1


def test_seed_demo_has_rosas_course_in_spanish_and_her_certificate_prints_in_spanish(client):
    from pathways.certificates.issuance.models import Certificate
    from pathways.courses.models import LessonPage

    call_command("seed_demo", allow_without_debug=True)

    course = CoursePage.objects.get(
        slug="customer-service-fundamentals", locale__language_code="en"
    )
    spanish = course.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.live and spanish.title == "Fundamentos de atención al cliente"
    # Every lesson translated, its quizzes, prompts and activities the lesson's own.
    for lesson in LessonPage.objects.live().descendant_of(course):
        translated = LessonPage.objects.get(
            translation_key=lesson.translation_key, locale__language_code="es"
        )
        assert translated.live and translated.title != lesson.title
        assert lesson.translation_fits(translated)
    # Only that course is translated.
    assert CoursePage.objects.filter(locale__language_code="es").count() == 1

    # Rosa reads it in Spanish; her progress is the course's.
    rosa = get_user_model().objects.get(username="rosa")
    # (She has not read "Staying safe online" yet, which comes first.)
    profile_update(rosa, safety_notice_seen_at=timezone.now())
    client.force_login(rosa)
    page = client.get(reverse("courses:course", args=[course.pk])).content.decode()
    assert "Fundamentos de atención al cliente" in page
    assert "Escuchar bien" in page
    catalogue = client.get(reverse("courses:catalogue")).content.decode()
    assert '<span lang="en">English</span>, <span lang="es">Español</span>' in catalogue

    certificate = Certificate.objects.get(
        user__username="rosa", course=course, superseded_by__isnull=True
    )
    assert certificate.printed_title == "Certificado de finalización"
    assert certificate.printed_achievement == "Fundamentos de atención al cliente"
    assert certificate.printed_data["language"] == "es"
    maya = Certificate.objects.get(user__username="maya")
    assert maya.printed_title == "Certificate of Completion"


def _translation_rows():
    from pathways.cohorts.models import CohortSessionTranslation, CohortTranslation
    from pathways.courses.models import SkillTranslation

    return {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "language"))
        for model in (CohortTranslation, CohortSessionTranslation, SkillTranslation)
    }


def test_rosa_sees_her_group_its_sessions_and_her_certificates_skills_in_spanish(client):
    from pathways.certificates.issuance.models import Certificate
    from pathways.cohorts.models import Cohort

    call_command("seed_demo", allow_without_debug=True)

    rosa = get_user_model().objects.get(username="rosa")
    profile_update(rosa, safety_notice_seen_at=timezone.now())
    client.force_login(rosa)
    page = client.get(reverse("cohorts:mine")).content.decode()
    assert "Preparación para el trabajo – grupo de los martes" in page
    assert "Workplace Readiness – Tuesday group" not in page
    # Her next session, with its title and place in Spanish.
    cohort = Cohort.objects.get()
    upcoming = cohort.sessions.filter(starts_at__gt=timezone.now()).first()
    assert upcoming.shown("title", "es") in page
    assert upcoming.shown("place", "es") in page
    assert upcoming.title not in page and upcoming.place not in page
    # Maya reads in English and sees the names as written.
    client.force_login(get_user_model().objects.get(username="maya"))
    page = client.get(reverse("cohorts:mine")).content.decode()
    assert "Workplace Readiness – Tuesday group" in page

    # The skills were translated before her certificate printed them.
    certificate = Certificate.objects.get(
        user__username="rosa",
        course__slug="customer-service-fundamentals",
        superseded_by__isnull=True,
    )
    assert set(certificate.printed_data["skills"]) == {
        "Atención al cliente",
        "Comunicación",
        "Resolución de conflictos",
    }


def test_seed_demo_twice_keeps_one_translation_per_language():
    from pathways.cohorts.models import Cohort, CohortSessionTranslation, CohortTranslation
    from pathways.courses.models import Skill, SkillTranslation

    call_command("seed_demo", allow_without_debug=True)
    first = _translation_rows()
    cohort = Cohort.objects.get()
    assert list(CohortTranslation.objects.values_list("language", flat=True)) == ["es"]
    spanish = CohortSessionTranslation.objects.filter(session__cohort=cohort, language="es")
    assert spanish.count() == cohort.sessions.count()
    assert SkillTranslation.objects.filter(language="es").count() == Skill.objects.count()
    # A translation staff changed is put back as the data has it, not added again.
    CohortTranslation.objects.update(name="Otro nombre")

    call_command("seed_demo", allow_without_debug=True)
    assert _translation_rows() == first
    assert CohortTranslation.objects.get().name == (
        "Preparación para el trabajo – grupo de los martes"
    )


def test_a_course_translation_in_the_demo_data_matches_the_course_block_by_block():
    from demo_site.demo_courses import translated_body
    from demo_site.demo_data import DemoDataError

    source = [
        {"type": "heading", "value": {"text": "Hello", "level": "h3"}, "id": "b1"},
        {
            "type": "quiz",
            "id": "b2",
            "value": {
                "title": "Check",
                "pass_mark": 80,
                "max_attempts": 0,
                "questions": [
                    {
                        "type": "item",
                        "id": "q1",
                        "value": {
                            "text": "Which?",
                            "kind": "single",
                            "answers": [
                                {
                                    "type": "item",
                                    "id": "a1",
                                    "value": {"text": "This", "correct": True, "feedback": "Yes"},
                                }
                            ],
                        },
                    }
                ],
            },
        },
    ]
    words = [
        {"type": "heading", "value": {"text": "Hola"}},
        {
            "type": "quiz",
            "value": {
                "title": "Comprueba",
                "questions": [{"text": "¿Cuál?", "answers": [{"text": "Esta", "feedback": "Sí"}]}],
            },
        },
    ]
    heading, quiz = translated_body(source, words, "here")
    assert heading == {"type": "heading", "value": {"text": "Hola", "level": "h3"}, "id": "b1"}
    answer = quiz["value"]["questions"][0]["value"]["answers"][0]
    assert (quiz["id"], answer["id"], answer["value"]["correct"]) == ("b2", "a1", True)
    assert answer["value"]["text"] == "Esta"
    with pytest.raises(DemoDataError, match="here: expected 2 blocks"):
        translated_body(source, words[:1], "here")
    with pytest.raises(DemoDataError, match=r"here\[0\]\.type: expected 'heading'"):
        translated_body(source, [words[1], words[0]], "here")
    with pytest.raises(DemoDataError, match="missing feedback"):
        translated_body(
            source,
            [
                words[0],
                {
                    **words[1],
                    "value": {
                        **words[1]["value"],
                        "questions": [{"text": "¿Cuál?", "answers": [{"text": "Esta"}]}],
                    },
                },
            ],
            "here",
        )


def test_demo_data_translations_must_be_in_a_language_the_site_offers():
    from demo_site.demo_data import DemoDataError, words_by_language

    words = words_by_language(
        {"es": {"name": "Grupo"}}, "cohorts.json: cohort.translations", required={"name": str}
    )
    assert words == {"es": {"name": "Grupo"}}
    with pytest.raises(DemoDataError, match=r"cohort\.translations\.xx: 'xx' is not one of en, es"):
        words_by_language(
            {"xx": {"name": "?"}}, "cohorts.json: cohort.translations", required={"name": str}
        )
    with pytest.raises(DemoDataError, match=r"translations\.es: missing name"):
        words_by_language({"es": {}}, "cohorts.json: cohort.translations", required={"name": str})

"""Skill names in her language.

Staff translate a skill's name and description on the skill itself (a snippet) in the admin. A
course page names its skills in the reader's language where a skill is translated into it, else
as written; the list costs the same whatever the number of skills.
"""

from django.urls import reverse
from django.utils import translation

import pytest

from pathways.courses import services
from pathways.courses.models import Skill, SkillTranslation
from tests.factories.accounts import ParticipantFactory
from tests.factories.courses import SkillFactory, build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(db):
    """A participant who reads Spanish."""
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def course(db):
    course = build_course(title="Customer care", modules=1, lessons_per_module=1)
    listening = SkillFactory(name="Active listening")
    SkillTranslation.objects.create(skill=listening, language="es", name="Escucha activa")
    course.skills.add(listening, SkillFactory(name="Teamwork"))
    course.save()
    return course


def _skills_on_page(client, course) -> list[str]:
    response = client.get(reverse("courses:course", args=[course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<ul class="tags">')
    return [
        item.split("</li>")[0] for item in html[start : html.index("</ul>", start)].split("<li>")
    ][1:]


def test_a_spanish_speaker_reads_the_skills_in_spanish_where_translated(signed_in, rosa, course):
    services.enrolment_start(user=rosa, course=course)

    # In her language's order; an untranslated skill keeps its name.
    assert _skills_on_page(signed_in(rosa), course) == ["Escucha activa", "Teamwork"]


def test_an_english_speaker_reads_the_skills_as_written(signed_in, participant, course):
    services.enrolment_start(user=participant, course=course)
    assert _skills_on_page(signed_in(participant), course) == ["Active listening", "Teamwork"]


def test_a_skill_shows_its_description_in_her_language_or_its_own():
    skill = SkillFactory(name="First aid", description="Help someone hurt.")
    SkillTranslation.objects.create(skill=skill, language="es", name="Primeros auxilios")
    skill = Skill.objects.get(pk=skill.pk)
    with translation.override("es"):
        assert (skill.shown_name, skill.shown_description) == (
            "Primeros auxilios",
            "Help someone hurt.",
        )
    assert skill.shown("name", "en") == "First aid"


def test_the_course_page_costs_the_same_whatever_the_number_of_translated_skills(
    signed_in, rosa, django_assert_max_num_queries
):
    def course_with_skills(title, count):
        course = build_course(title=title, modules=1, lessons_per_module=1)
        for number in range(count):
            skill = SkillFactory(name=f"{title} skill {number}")
            SkillTranslation.objects.create(
                skill=skill, language="es", name=f"{title} destreza {number}"
            )
            course.skills.add(skill)
        course.save()
        services.enrolment_start(user=rosa, course=course)
        return course

    client = signed_in(rosa)
    counts = []
    for course in (course_with_skills("Small", 1), course_with_skills("Big", 6)):
        with django_assert_max_num_queries(30) as captured:
            response = client.get(reverse("courses:course", args=[course.pk]))
        assert "destreza 0" in response.content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_staff_translate_a_skill_in_the_admin(signed_in, staff):
    skill = SkillFactory(name="Food safety", description="Keeping food safe.")
    client = signed_in(staff)
    url = reverse(Skill.snippet_viewset.get_url_name("edit"), args=[skill.pk])
    assert "translations-TOTAL_FORMS" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "Food safety",
            "slug": skill.slug,
            "description": "Keeping food safe.",
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
            "translations-0-id": "",
            "translations-0-language": "es",
            "translations-0-name": "Seguridad alimentaria",
            "translations-0-description": "",
            "translations-0-ORDER": "1",
            "translations-0-DELETE": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(skill.translations.values_list("language", "name")) == [
        ("es", "Seguridad alimentaria")
    ]

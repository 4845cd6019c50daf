"""Cohort names, session titles and places in her language.

Staff translate a cohort's name, and a session's title and place, in the admin. A member whose
language has a translation reads them in it (her groups, the dashboard's "What comes next", the
facilitator's pages, messages and the hours rule); anyone else, or a language with no
translation, reads them as written. Lists cost the same whatever their length.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

import pytest
from bs4 import BeautifulSoup

from pathways.cohorts import services
from pathways.cohorts.models import (
    CohortMembership,
    CohortSession,
    CohortSessionTranslation,
    CohortTranslation,
)
from pathways.cohorts.selectors import cohort_member_completion
from pathways.lms.core.languages import translation_for
from tests.factories.accounts import ParticipantFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory, CohortSessionFactory
from tests.factories.translations import translate_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(db):
    """A participant who reads Spanish."""
    return ParticipantFactory(chosen_name="Rosa", preferred_language="es")


@pytest.fixture
def cohort(facilitator):
    cohort = CohortFactory(name="Spring Cohort", facilitators=[facilitator])
    CohortTranslation.objects.create(cohort=cohort, language="es", name="Grupo de primavera")
    return cohort


@pytest.fixture
def session(cohort):
    """A session tomorrow, translated into Spanish."""
    session = CohortSessionFactory(
        cohort=cohort,
        title="Interview practice",
        place="Room 4, Harbour Centre",
        starts_at=timezone.now() + timedelta(days=1),
    )
    CohortSessionTranslation.objects.create(
        session=session,
        language="es",
        title="Práctica de entrevistas",
        place="Sala 4, Centro del Puerto",
    )
    return session


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# What members read ----------------------------------------------------------------------------


def test_a_spanish_speaker_sees_her_group_and_its_sessions_in_spanish(
    signed_in, rosa, cohort, session
):
    CohortMembershipFactory(cohort=cohort, user=rosa)

    page = _html(signed_in(rosa), reverse("cohorts:mine"))

    for words in ("Grupo de primavera", "Práctica de entrevistas", "Sala 4, Centro del Puerto"):
        assert words in page
    for words in ("Spring Cohort", "Interview practice", "Room 4"):
        assert words not in page


def test_an_english_speaker_sees_the_group_and_its_sessions_as_written(
    signed_in, participant, cohort, session
):
    CohortMembershipFactory(cohort=cohort, user=participant)

    page = _html(signed_in(participant), reverse("cohorts:mine"))

    for words in ("Spring Cohort", "Interview practice", "Room 4, Harbour Centre"):
        assert words in page
    for words in ("Grupo de primavera", "Práctica de entrevistas", "Sala 4"):
        assert words not in page


def test_her_next_session_on_the_dashboard_is_in_her_language(signed_in, rosa, cohort, session):
    CohortMembershipFactory(cohort=cohort, user=rosa)

    page = _html(signed_in(rosa), reverse("courses:dashboard"))

    assert "Práctica de entrevistas" in page
    assert "Grupo de primavera" in page
    assert "Interview practice" not in page


def test_a_translation_without_a_place_shows_the_sessions_own(signed_in, rosa, cohort, session):
    session.translations.update(place="")
    CohortMembershipFactory(cohort=cohort, user=rosa)

    page = _html(signed_in(rosa), reverse("cohorts:mine"))

    assert "Práctica de entrevistas" in page
    assert "Room 4, Harbour Centre" in page


def test_a_group_open_for_joining_is_named_in_her_language(signed_in, rosa, cohort):
    page = _html(signed_in(rosa), reverse("cohorts:mine"))
    assert "Grupo de primavera" in page
    assert "Spring Cohort" not in page


def test_joining_says_the_groups_name_in_her_language(signed_in, rosa, cohort):
    client = signed_in(rosa)
    response = client.post(reverse("cohorts:join", args=[cohort.pk]), follow=True)
    assert "Grupo de primavera" in response.content.decode()


def test_leaving_asks_with_the_groups_name_in_her_language(signed_in, rosa, cohort):
    membership = CohortMembershipFactory(cohort=cohort, user=rosa)
    page = _html(signed_in(rosa), reverse("cohorts:leave", args=[membership.pk]))
    assert "Grupo de primavera" in page
    assert "Spring Cohort" not in page


def test_a_facilitator_reading_spanish_sees_the_translations_on_her_pages(
    signed_in, facilitator, cohort, session
):
    facilitator.pathways_profile.preferred_language = "es"
    facilitator.pathways_profile.save(update_fields=["preferred_language"])
    client = signed_in(facilitator)

    listing = _html(client, reverse("cohorts:list"))
    detail = _html(client, reverse("cohorts:detail", args=[cohort.pk]))

    assert "Grupo de primavera" in listing
    assert "Grupo de primavera" in detail
    assert "Práctica de entrevistas" in detail
    assert "Spring Cohort" not in listing + detail


def test_the_hours_rule_names_the_group_in_her_language_and_says_it_once(rosa, course):
    cohort = CohortFactory(name="Spring Cohort", courses=[(course, 2)])
    CohortTranslation.objects.create(cohort=cohort, language="es", name="Grupo de primavera")
    services.membership_enrol(cohort=cohort, user=rosa)

    with translation.override("es"):
        missing = cohort_member_completion(cohort, user_ids=[rosa.pk])[0].missing

    hours = [reason for reason in missing if "Grupo de primavera" in reason]
    assert len(hours) == 1, missing
    assert not any("Spring Cohort" in reason for reason in missing)


# The rule for which translation a reader gets ----------------------------------------------


def _rows(*codes):
    return [SimpleNamespace(language=code) for code in codes]


@pytest.mark.parametrize(
    ("reader", "available", "chosen"),
    [
        ("es", ("fr", "es"), "es"),
        ("es-mx", ("es", "es-mx"), "es-mx"),
        ("es-mx", ("fr", "es"), "es"),
        ("es", ("es-mx",), "es-mx"),
        ("pt-BR", ("pt-br",), "pt-br"),
        ("de", ("es", "fr"), None),
    ],
)
def test_a_reader_gets_her_languages_translation_or_the_closest_one(reader, available, chosen):
    found = translation_for(_rows(*available), reader)
    assert (found.language if found else None) == chosen


def test_the_active_language_chooses_by_default():
    rows = _rows("en", "es")
    with translation.override("es"):
        assert translation_for(rows).language == "es"


# Fixed cost ----------------------------------------------------------------------------------


def _add_translated_cohort(user, index: int) -> None:
    cohort = CohortFactory(name=f"Cohort {index}")
    CohortTranslation.objects.create(cohort=cohort, language="es", name=f"Grupo {index}")
    CohortMembership.objects.create(cohort=cohort, user=user, status="active")
    for day in (1, 2):
        session = CohortSession.objects.create(
            cohort=cohort,
            title=f"Session {index}.{day}",
            starts_at=timezone.now() + timedelta(days=day),
            place="Room",
        )
        CohortSessionTranslation.objects.create(
            session=session, language="es", title=f"Sesión {index}.{day}", place="Sala"
        )


def _count(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["cohorts:mine", "courses:dashboard"])
def test_her_translated_groups_cost_the_same_whatever_their_number(
    signed_in, rosa, django_assert_max_num_queries, url_name
):
    _add_translated_cohort(rosa, 1)
    client = signed_in(rosa)
    url = reverse(url_name)
    few = _count(client, url, django_assert_max_num_queries)
    for index in range(2, 6):
        _add_translated_cohort(rosa, index)
    many = _count(client, url, django_assert_max_num_queries)
    assert many == few
    if url_name == "cohorts:mine":
        page = client.get(url).content.decode()
        assert "Grupo 5" in page
        assert "Sesión 5.1" in page


def test_the_facilitators_list_of_translated_cohorts_costs_the_same_whatever_their_number(
    signed_in, facilitator, django_assert_max_num_queries
):
    def add(index):
        cohort = CohortFactory(name=f"Cohort {index}", facilitators=[facilitator])
        CohortTranslation.objects.create(cohort=cohort, language="es", name=f"Grupo {index}")

    facilitator.pathways_profile.preferred_language = "es"
    facilitator.pathways_profile.save(update_fields=["preferred_language"])
    add(1)
    client = signed_in(facilitator)
    url = reverse("cohorts:list")
    few = _count(client, url, django_assert_max_num_queries)
    for index in range(2, 6):
        add(index)
    many = _count(client, url, django_assert_max_num_queries)
    assert many == few


# Staff write the translations in the admin ---------------------------------------------------


def _cohort_form(cohort, **extra) -> dict:
    data = {
        "name": cohort.name,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "time_zone": cohort.time_zone,
        "capacity": str(cohort.capacity),
        "mode": cohort.mode,
        "status": cohort.status,
        "cohort_courses-TOTAL_FORMS": "0",
        "cohort_courses-INITIAL_FORMS": "0",
        "cohort_courses-MIN_NUM_FORMS": "0",
        "cohort_courses-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-id": "",
        "translations-0-language": "es",
        "translations-0-name": "Grupo de otoño",
        "translations-0-ORDER": "1",
        "translations-0-DELETE": "",
    }
    data.update(extra)
    return data


def test_staff_translate_a_cohorts_name_in_the_admin(client, staff):
    cohort = CohortFactory(name="Autumn Cohort")
    client.force_login(staff)

    form = _html(client, reverse("cohorts_admin:edit", args=[cohort.pk]))
    assert "translations-TOTAL_FORMS" in form

    response = client.post(reverse("cohorts_admin:edit", args=[cohort.pk]), _cohort_form(cohort))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(cohort.translations.values_list("language", "name")) == [("es", "Grupo de otoño")]
    with translation.override("es"):
        cohort.refresh_from_db()
        assert cohort.shown_name == "Grupo de otoño"
    cohort.refresh_from_db()
    assert cohort.shown_name == "Autumn Cohort"


def test_a_cohort_cannot_have_two_translations_in_one_language(client, staff):
    cohort = CohortFactory(name="Autumn Cohort")
    client.force_login(staff)
    data = _cohort_form(
        cohort,
        **{
            "translations-TOTAL_FORMS": "2",
            "translations-1-id": "",
            "translations-1-language": "es",
            "translations-1-name": "Otro nombre",
            "translations-1-ORDER": "2",
            "translations-1-DELETE": "",
        },
    )

    response = client.post(reverse("cohorts_admin:edit", args=[cohort.pk]), data)

    assert response.status_code == 200
    assert not cohort.translations.exists()


def _session_form(cohort, **extra) -> dict:
    starts = timezone.localtime(timezone.now() + timedelta(days=1))
    data = {
        "cohort": cohort.pk,
        "title": "Mock interviews",
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "duration_minutes": "90",
        "place": "Room 2",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "translations-0-id": "",
        "translations-0-language": "es",
        "translations-0-title": "  Entrevistas de práctica ",
        "translations-0-place": "Sala 2",
        "translations-0-ORDER": "1",
        "translations-0-DELETE": "",
    }
    data.update(extra)
    return data


def test_staff_schedule_a_session_with_its_translation_through_the_service(client, staff):
    cohort = CohortFactory()
    client.force_login(staff)

    form = _html(client, reverse("cohort_sessions:add"))
    assert "translations-TOTAL_FORMS" in form

    response = client.post(reverse("cohort_sessions:add"), _session_form(cohort))

    assert response.status_code == 302, response.content.decode()[:3000]
    session = CohortSession.objects.get(title="Mock interviews")
    assert list(session.translations.values_list("language", "title", "place")) == [
        ("es", "Entrevistas de práctica", "Sala 2")
    ]


def test_staff_change_and_remove_a_sessions_translation(client, staff, session):
    existing = session.translations.get()
    client.force_login(staff)
    data = _session_form(
        session.cohort,
        **{
            "title": session.title,
            "translations-INITIAL_FORMS": "1",
            "translations-0-id": str(existing.pk),
            "translations-0-title": "Práctica de entrevista",
            "translations-0-place": "",
        },
    )
    del data["cohort"]

    response = client.post(reverse("cohort_sessions:edit", args=[session.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(session.translations.values_list("pk", "title", "place")) == [
        (existing.pk, "Práctica de entrevista", "")
    ]

    data["translations-0-DELETE"] = "1"
    response = client.post(reverse("cohort_sessions:edit", args=[session.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not session.translations.exists()


def test_a_session_translation_needs_a_title_and_one_per_language(session, staff):
    cohort = session.cohort
    for rows in (
        [CohortSessionTranslation(language="es", title="  ")],
        [
            CohortSessionTranslation(language="es", title="Uno"),
            CohortSessionTranslation(language="es", title="Dos"),
        ],
    ):
        with pytest.raises(ValidationError):
            services.session_schedule(
                cohort=cohort,
                title="Another",
                starts_at=timezone.now() + timedelta(days=2),
                duration_minutes=60,
                translations=rows,
                actor=staff,
            )
    assert not CohortSession.objects.filter(title="Another").exists()


# The course chooser names each course once ---------------------------------------------------


def test_the_cohort_form_offers_each_course_once_by_its_source_page(client, staff, course):
    spanish = translate_page(course, "es", title="Preparación para el trabajo")
    client.force_login(staff)

    soup = BeautifulSoup(_html(client, reverse("cohorts_admin:add")), "html.parser")
    # The empty form a new course row is made from.
    choices = soup.find("select", attrs={"name": "cohort_courses-__prefix__-course"})

    offered = [option["value"] for option in choices.select("option") if option["value"]]
    assert offered == [str(course.pk)]
    assert str(spanish.pk) not in offered
    assert "Preparación para el trabajo" not in str(soup)


def test_staff_add_a_course_to_a_cohort_from_the_list(client, staff, course):
    cohort = CohortFactory(name="Autumn Cohort")
    client.force_login(staff)
    data = _cohort_form(
        cohort,
        **{
            "cohort_courses-TOTAL_FORMS": "1",
            "cohort_courses-0-id": "",
            "cohort_courses-0-course": str(course.pk),
            "cohort_courses-0-min_attended_hours": "0",
            "cohort_courses-0-ORDER": "1",
            "cohort_courses-0-DELETE": "",
        },
    )

    response = client.post(reverse("cohorts_admin:edit", args=[cohort.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(cohort.cohort_courses.values_list("course_id", flat=True)) == [course.pk]

"""Participant pages: who may open what, what they show, and how many queries they cost."""

from django.urls import reverse

import pytest

from pathways.courses import services
from pathways.courses.models import EnrolmentStatus, LessonProgress, QuizAttempt, ReflectionAnswer
from pathways.courses.selectors import course_lessons
from tests.factories.accounts import FacilitatorFactory
from tests.factories.cohorts import CohortFactory, CohortMembershipFactory
from tests.factories.courses import build_course, quiz_answer_ids

pytestmark = pytest.mark.django_db


# Access matrix -----------------------------------------------------------------------------
#
# Each page against each role. "own" is the enrolled participant; the other roles are not
# enrolled in the course, so its lessons and their actions answer 404 as if they did not exist.

PAGES = {
    "dashboard": ("get", lambda c, lesson, q: reverse("courses:dashboard")),
    "catalogue": ("get", lambda c, lesson, q: reverse("courses:catalogue")),
    "course": ("get", lambda c, lesson, q: reverse("courses:course", args=[c.pk])),
    "lesson": ("get", lambda c, lesson, q: reverse("courses:lesson", args=[lesson.pk])),
    "lesson_done": ("post", lambda c, lesson, q: reverse("courses:lesson_done", args=[lesson.pk])),
    "quiz": ("post", lambda c, lesson, q: reverse("courses:quiz", args=[q[0].pk, q[1]])),
    "reflection": (
        "post",
        lambda c, lesson, q: reverse(
            "courses:reflection", args=[lesson.pk, lesson.interactive_blocks("reflection")[0].id]
        ),
    ),
    "reflections": ("get", lambda c, lesson, q: reverse("courses:reflections")),
    "signoffs": ("get", lambda c, lesson, q: reverse("courses:signoffs")),
}

EXPECTED = {
    # page:        anonymous, own participant, other participant, facilitator, staff
    "dashboard": (302, 200, 200, 200, 200),
    "catalogue": (302, 200, 200, 200, 200),
    "course": (302, 200, 200, 200, 200),
    "lesson": (302, 200, 404, 404, 404),
    "lesson_done": (302, 302, 404, 404, 404),
    # Sent with no answers: the lesson comes back saying which questions to answer.
    "quiz": (302, 400, 404, 404, 404),
    "reflection": (302, 302, 404, 404, 404),
    "reflections": (302, 200, 200, 200, 200),
    "signoffs": (302, 404, 404, 200, 200),
}
ROLES = ["anonymous", "participant", "other_participant", "facilitator", "staff"]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_access_matrix(client, request, enrolled, first_lesson, quiz_lesson, page, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    method, build_url = PAGES[page]
    quiz_block_id = quiz_lesson.interactive_blocks("quiz")[0].id
    url = build_url(enrolled.course, first_lesson, (quiz_lesson, quiz_block_id))
    response = getattr(client, method)(url, {"text": "hello"} if method == "post" else None)
    assert response.status_code == EXPECTED[page][role_index], (page, role)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_withdrawn_participant_cannot_open_lessons(client, participant, enrolled, first_lesson):
    services.enrolment_withdraw(enrolment=enrolled)
    client.force_login(participant)
    response = client.get(reverse("courses:lesson", args=[first_lesson.pk]))
    assert response.status_code == 404


def test_tampered_lesson_id_is_404(signed_in, participant, enrolled):
    client = signed_in(participant)
    assert client.get(reverse("courses:lesson", args=[999_999])).status_code == 404
    assert client.post(reverse("courses:lesson_done", args=[999_999])).status_code == 404


def test_course_page_of_closed_course_is_404_unless_enrolled(signed_in, participant, staff):
    closed = build_course(title="Closed", enrolment_open=False, modules=1, lessons_per_module=1)
    client = signed_in(participant)
    assert client.get(reverse("courses:course", args=[closed.pk])).status_code == 404
    services.enrolment_start(user=participant, course=closed, enrolled_by=staff)
    assert client.get(reverse("courses:course", args=[closed.pk])).status_code == 200


def test_pages_are_never_cached_by_the_browser(signed_in, participant, enrolled, first_lesson):
    response = signed_in(participant).get(reverse("courses:lesson", args=[first_lesson.pk]))
    assert "no-store" in response["Cache-Control"]


# Behaviour ---------------------------------------------------------------------------------


def test_participant_enrols_from_the_course_page(signed_in, participant, course):
    client = signed_in(participant)
    response = client.post(reverse("courses:enrol", args=[course.pk]), follow=True)
    assert response.status_code == 200
    assert participant.enrolments.get().status == EnrolmentStatus.ACTIVE
    assert "You are enrolled" in response.content.decode()


def test_enrol_refusal_shows_a_clear_message_and_changes_nothing(signed_in, participant, course):
    advanced = build_course(title="Advanced", modules=1, lessons_per_module=1)
    advanced.prerequisites.add(course)
    advanced.save()
    response = signed_in(participant).post(
        reverse("courses:enrol", args=[advanced.pk]), follow=True
    )
    assert "Please complete Workplace Readiness first." in response.content.decode()
    assert not participant.enrolments.exists()


def test_lesson_page_shows_content_and_navigation(signed_in, participant, enrolled, first_lesson):
    response = signed_in(participant).get(reverse("courses:lesson", args=[first_lesson.pk]))
    html = response.content.decode()
    assert first_lesson.title in html
    assert "Mark as done" in html
    following = course_lessons(enrolled.course)[1]
    assert reverse("courses:lesson", args=[following.pk]) in html
    assert LessonProgress.objects.filter(enrolment=enrolled, lesson=first_lesson).exists()


def test_mark_as_done_moves_to_the_next_lesson(signed_in, participant, enrolled, first_lesson):
    response = signed_in(participant).post(reverse("courses:lesson_done", args=[first_lesson.pk]))
    following = course_lessons(enrolled.course)[1]
    assert response["Location"] == reverse("courses:lesson", args=[following.pk])
    progress = LessonProgress.objects.get(enrolment=enrolled, lesson=first_lesson)
    assert progress.completed_at is not None


def test_quiz_gives_immediate_feedback_then_passes(signed_in, participant, enrolled, quiz_lesson):
    client = signed_in(participant)
    block_id, wrong = quiz_answer_ids(quiz_lesson, correct=False)
    url = reverse("courses:quiz", args=[quiz_lesson.pk, block_id])
    data = {f"q-{question}": answers for question, answers in wrong.items()}
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "You scored 0%" in html
    assert "Not quite" in html
    assert not QuizAttempt.objects.get().passed

    _, right = quiz_answer_ids(quiz_lesson)
    data = {f"q-{question}": answers for question, answers in right.items()}
    html = client.post(url, data, follow=True).content.decode()
    assert "You passed" in html
    assert QuizAttempt.objects.filter(passed=True).count() == 1


def test_incomplete_quiz_submission_is_refused_with_a_message(
    signed_in, participant, enrolled, quiz_lesson
):
    block_id, _answers = quiz_answer_ids(quiz_lesson)
    response = signed_in(participant).post(
        reverse("courses:quiz", args=[quiz_lesson.pk, block_id]), {}, follow=True
    )
    assert response.status_code == 400
    assert "Choose an answer." in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_unknown_quiz_block_is_404(signed_in, participant, enrolled, quiz_lesson):
    response = signed_in(participant).post(reverse("courses:quiz", args=[quiz_lesson.pk, "nope"]))
    assert response.status_code == 404


def test_someone_elses_attempt_is_not_shown(
    client, participant, other_participant, course, quiz_lesson
):
    mine = services.enrolment_start(user=participant, course=course)
    services.enrolment_start(user=other_participant, course=course)
    block_id, answers = quiz_answer_ids(quiz_lesson)
    attempt = services.quiz_submit(
        enrolment=mine, lesson=quiz_lesson, block_id=block_id, answers=answers
    )
    client.force_login(other_participant)
    url = reverse("courses:lesson", args=[quiz_lesson.pk]) + f"?attempt={attempt.pk}"
    html = client.get(url).content.decode()
    assert "You scored" not in html


def test_reflections_are_private_to_their_author(
    client, participant, other_participant, course, first_lesson
):
    mine = services.enrolment_start(user=participant, course=course)
    services.enrolment_start(user=other_participant, course=course)
    block_id = first_lesson.interactive_blocks("reflection")[0].id
    services.reflection_save(
        enrolment=mine, lesson=first_lesson, block_id=block_id, text="My private thought"
    )
    client.force_login(participant)
    assert "My private thought" in client.get(reverse("courses:reflections")).content.decode()
    client.force_login(other_participant)
    assert "My private thought" not in client.get(reverse("courses:reflections")).content.decode()
    lesson_html = client.get(reverse("courses:lesson", args=[first_lesson.pk])).content.decode()
    assert "My private thought" not in lesson_html


def test_reflection_post_saves_answer(signed_in, participant, enrolled, first_lesson):
    block_id = first_lesson.interactive_blocks("reflection")[0].id
    signed_in(participant).post(
        reverse("courses:reflection", args=[first_lesson.pk, block_id]), {"text": "I will try"}
    )
    assert ReflectionAnswer.objects.get().text == "I will try"


def test_facilitator_signs_off_from_the_list(
    client, participant, facilitator, course_with_activity
):
    cohort = CohortFactory(facilitators=[facilitator], courses=[course_with_activity])
    CohortMembershipFactory(cohort=cohort, user=participant)
    enrolment = services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    client.force_login(participant)
    client.post(reverse("courses:activity", args=[lesson.pk, block_id]))
    signoff = enrolment.activity_signoffs.get()
    client.force_login(facilitator)
    assert (
        participant.pathways_profile.chosen_name
        in client.get(reverse("courses:signoffs")).content.decode()
    )
    client.post(reverse("courses:signoff_confirm", args=[signoff.pk]), {"note": "Great work"})
    signoff.refresh_from_db()
    assert signoff.status == "signed_off"
    assert signoff.signed_off_by == facilitator


def test_unassigned_facilitator_neither_sees_nor_confirms_a_sign_off(
    client, participant, facilitator, course_with_activity
):
    other_facilitator = FacilitatorFactory()
    cohort = CohortFactory(facilitators=[other_facilitator], courses=[course_with_activity])
    CohortMembershipFactory(cohort=cohort, user=participant)
    enrolment = services.enrolment_start(user=participant, course=course_with_activity)
    lesson = course_lessons(course_with_activity).specific().last()
    block_id = lesson.interactive_blocks("activity")[0].id
    signoff = services.activity_request_signoff(
        enrolment=enrolment, lesson=lesson, block_id=block_id
    )
    client.force_login(facilitator)
    assert (
        participant.pathways_profile.chosen_name
        not in client.get(reverse("courses:signoffs")).content.decode()
    )
    response = client.post(reverse("courses:signoff_confirm", args=[signoff.pk]))
    assert response.status_code == 404
    signoff.refresh_from_db()
    assert signoff.status == "requested"


def test_dashboard_shows_progress_continue_and_completed(signed_in, participant):
    course = build_course(title="Short", modules=1, lessons_per_module=2, with_quiz=False)
    done_course = build_course(title="Finished", modules=1, lessons_per_module=1, with_quiz=False)
    enrolment = services.enrolment_start(user=participant, course=course)
    lessons = list(course_lessons(course))
    services.lesson_complete(enrolment=enrolment, lesson=lessons[0])
    finished = services.enrolment_start(user=participant, course=done_course)
    services.lesson_complete(enrolment=finished, lesson=course_lessons(done_course).first())

    html = signed_in(participant).get(reverse("courses:dashboard")).content.decode()
    assert "Continue where you left off" in html
    assert reverse("courses:lesson", args=[lessons[1].pk]) in html
    assert 'value="50"' in html
    assert "1 of 2 lessons done (50%)" in html
    recent = html.split("Recently completed")[1]
    assert "Finished" in recent


# Query counts ------------------------------------------------------------------------------


def _enrol_in_courses(participant, count: int, *, modules: int, lessons: int):
    for number in range(count):
        course = build_course(
            title=f"Course {number}", modules=modules, lessons_per_module=lessons, with_quiz=False
        )
        enrolment = services.enrolment_start(user=participant, course=course)
        services.lesson_complete(enrolment=enrolment, lesson=course_lessons(course).first())


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# (13: one is the navigation's count of unread notices. The dashboard also asks each app for
# what comes next, one query each: sessions, sign-offs, check-ins, certificates, sharing;
# tests/courses/test_dashboard.py fills every one of them.)
@pytest.mark.parametrize(
    ("url_name", "limit"), [("courses:dashboard", 13 + 5), ("courses:catalogue", 13)]
)
def test_list_pages_use_a_fixed_number_of_queries(
    signed_in, participant, django_assert_max_num_queries, url_name, limit
):
    client = signed_in(participant)
    _enrol_in_courses(participant, 1, modules=1, lessons=1)
    url = reverse(url_name)
    few = _count_queries(client, url, django_assert_max_num_queries, limit)
    _enrol_in_courses(participant, 6, modules=3, lessons=3)
    many = _count_queries(client, url, django_assert_max_num_queries, limit)
    assert many == few


def test_course_page_uses_a_fixed_number_of_queries(
    signed_in, participant, django_assert_max_num_queries
):
    client = signed_in(participant)
    small = build_course(title="Small", modules=1, lessons_per_module=1)
    big = build_course(title="Big", modules=4, lessons_per_module=4)
    for course in (small, big):
        services.enrolment_start(user=participant, course=course)
    counts = [
        _count_queries(
            client,
            reverse("courses:course", args=[course.pk]),
            django_assert_max_num_queries,
            25,
        )
        for course in (small, big)
    ]
    assert counts[0] == counts[1]


def test_facilitator_sees_the_sign_offs_link_and_a_participant_does_not(
    client, participant, facilitator
):
    client.force_login(facilitator)
    link = reverse("courses:signoffs")
    assert link in client.get(reverse("courses:dashboard")).content.decode()
    client.force_login(participant)
    assert link not in client.get(reverse("courses:dashboard")).content.decode()


def test_staff_preview_a_lesson_in_the_admin_without_recording_progress(client, staff, course):
    lesson = course_lessons(course).specific().first()
    client.force_login(staff)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert lesson.title in html
    assert "Preview" in html
    assert not LessonProgress.objects.exists()


def test_staff_enrol_a_participant_from_the_admin(client, staff, participant):
    closed = build_course(title="Closed", enrolment_open=False, modules=1, lessons_per_module=1)
    client.force_login(staff)
    response = client.post(reverse("enrolments:add"), {"user": participant.pk, "course": closed.pk})
    assert response.status_code == 302
    enrolment = participant.enrolments.get()
    assert enrolment.course_id == closed.pk
    assert enrolment.enrolled_by == staff


def test_participant_cannot_use_the_admin_enrolment_screen(client, participant, course):
    client.force_login(participant)
    response = client.post(reverse("enrolments:add"), {"user": participant.pk, "course": course.pk})
    assert response.status_code in (302, 403)
    assert not participant.enrolments.exists()


def test_participant_links_are_shown_to_participants_only(client, participant, employer_user):
    def navigation(user):
        client.force_login(user)
        # A page everyone signed in has (an employer's account has no learning pages).
        html = client.get(reverse("accounts:settings")).content.decode()
        return html.split('<nav class="site-nav"')[1].split("</nav>")[0]

    nav = navigation(employer_user)
    assert reverse("courses:dashboard") not in nav
    assert reverse("courses:catalogue") not in nav
    assert reverse("mentoring:my_mentor") not in nav
    nav = navigation(participant)
    assert reverse("courses:catalogue") in nav
    assert reverse("mentoring:my_mentor") in nav

"""A person downloads everything the system holds about her as one ZIP: data.json, her stored
certificate PDFs and signed credentials, and a README. Only her own data, only what she may see,
in a fixed number of queries."""

import io
import json
import zipfile
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from pathways.certificates.issuance.codes import format_code
from pathways.courses import services as course_services
from pathways.courses.models import LessonPage
from pathways.lms.accounts.names import alias_of
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.privacy import selectors
from pathways.lms.privacy.inventory import REFERENCES
from pathways.lms.privacy.services import personal_data_archive
from pathways.mentoring.models import PairingOrigin, PairingStatus
from tests.factories.accounts import ParticipantFactory
from tests.factories.certificates import CertificateFactory
from tests.factories.courses import build_course
from tests.factories.mentoring import (
    MentorshipCheckInFactory,
    MentorshipGoalFactory,
    MentorshipPairingFactory,
)
from tests.privacy.scenario import (
    ALIAS,
    CHOSEN,
    EMAIL,
    GOAL,
    LEGAL,
    MENTEE_NOTE,
    MENTOR_NOTE,
    PDF_BYTES,
    PURPOSE,
    REFLECTION,
    SIGN_OFF_NOTE,
    USERNAME,
    build_history,
    make_participant,
)

pytestmark = pytest.mark.django_db

URL = "/privacy/"


@pytest.fixture
def history(staff, facilitator):
    return build_history(participant=make_participant(), staff=staff, facilitator=facilitator)


def download(client, user) -> tuple[object, zipfile.ZipFile]:
    client.force_login(user)
    response = client.post(URL)
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def data_of(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("data.json"))


# The page and the download ---------------------------------------------------------------------


def test_your_data_page_offers_the_download(client, participant):
    client.force_login(participant)

    page = client.get(URL)

    assert reverse("privacy:your_data") == URL
    assert page.status_code == 200
    text = page.content.decode()
    assert "Download my data" in text and 'method="post"' in text
    assert "no-store" in page["Cache-Control"]


def test_someone_signed_out_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
    response = client.post(URL)
    assert response.status_code == 302 and "sign-in" in response.url


def test_the_download_is_a_zip_with_a_neutral_name_that_is_never_stored(client, participant):
    with time_machine.travel("2026-03-04 10:00:00Z", tick=False):
        response, archive = download(client, participant)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="my-data-2026-03-04.zip"'
    assert "no-store" in response["Cache-Control"]
    assert {"data.json", "README.txt"} <= set(archive.namelist())


def test_every_signed_in_role_can_download_its_own_data(client, request):
    for role in ["participant", "mentor", "facilitator", "staff", "employer_user"]:
        user = request.getfixturevalue(role)
        _response, archive = download(client, user)
        assert data_of(archive)["account"]["username"] == user.username


# What is in it ------------------------------------------------------------------------------------


def test_the_archive_holds_her_profile_courses_groups_and_sharing(client, history):
    _response, archive = download(client, history.participant)
    data = data_of(archive)

    account = data["account"]
    assert account["username"] == USERNAME
    assert (account["chosen_name"], account["legal_name"], account["email"]) == (
        CHOSEN,
        LEGAL,
        EMAIL,
    )
    assert (account["peer_alias"], account["name_peers_see"]) == (ALIAS, ALIAS)
    assert account["preferred_language"] == "en" and account["do_not_contact"] is False
    assert [c["channel"] for c in account["safe_ways_to_contact_me"]] == ["sms", "in_person"]
    assert account["app_sign_in_key_created"] is not None
    assert [role["role"] for role in data["roles"]] == ["Participants"]

    (enrolment,) = data["enrolments"]
    assert enrolment["course"] == "Customer Care Basics"
    assert enrolment["lessons"] and enrolment["lessons"][0]["completed"]
    (reflection,) = enrolment["reflections"]
    assert reflection["your_answer"] == REFLECTION
    assert reflection["prompt"].startswith("What is one thing")
    (attempt,) = enrolment["quiz_attempts"]
    assert attempt["score_percent"] == 100 and attempt["passed"]
    assert attempt["answers"][0]["answers_chosen"] == ["Tell your supervisor as early as you can"]
    (activity,) = enrolment["practical_activities"]
    assert activity["activity"] == "Practice conversation" and activity["note"] == SIGN_OFF_NOTE

    (membership,) = data["cohort_memberships"]
    assert membership["cohort"] == "Spring group"
    assert membership["minutes_attended_total"] == 90 + 120  # two sessions
    assert {row["session"] for row in membership["attendance"]} == {
        "Welcome session",
        "Second session",
    }

    (release,) = data["credential_releases"]
    assert release["employer"] == "Harbour Hotels"
    assert release["purpose"] == PURPOSE and release["your_signature"] == LEGAL
    assert release["consent_text"] == history.release.consent_text
    (access,) = data["employer_access_log"]
    assert access["who"] == "Lee Harbour" and access["how"] == "web"
    assert data["mentee_preferences"] == {"skills_wanted": [], "languages": ["en", "es"]}


def test_staff_only_notes_are_left_out(client, history):
    history.release.staff_note = "Staff note about the release"
    history.release.save()

    _response, archive = download(client, history.participant)
    text = archive.read("data.json").decode()

    assert "Staff note about the release" not in text
    assert "Issued to" not in text  # the revoked certificate's reason, for staff only
    assert "staff_note" not in text and "revocation_reason" not in text


def test_her_mentorship_comes_with_goals_and_every_note_even_private_ones(client, history):
    _response, archive = download(client, history.participant)
    (pairing,) = data_of(archive)["mentorships"]

    assert pairing["your_part"] == "mentee"
    assert pairing["other_person"] == "Mentor A"
    assert [goal["goal"] for goal in pairing["goals"]] == [GOAL]
    notes = {entry["notes"]: entry for entry in pairing["check_ins"]}
    assert notes[MENTEE_NOTE]["notes_private_from_staff"] is True
    assert notes[MENTEE_NOTE]["recorded_by_you"] is True
    assert MENTOR_NOTE in notes


def test_someone_pathways_has_no_profile_for_gets_her_account(client):
    """An account made by the host site, that Pathways never needed to note anything about."""
    host_user = get_user_model().objects.create_user(
        "host-user", password="x", email="host@example.org"
    )
    _response, archive = download(client, host_user)
    account = data_of(archive)["account"]

    assert (account["username"], account["email"]) == ("host-user", "host@example.org")
    assert (account["chosen_name"], account["legal_name"], account["peer_alias"]) == ("", "", "")
    assert account["name_peers_see"] == "host-user"
    assert account["safe_ways_to_contact_me"] == [] and account["do_not_contact"] is False


def test_a_mentor_gets_a_finished_mentorship_without_her_former_mentee(client, mentor):
    current = MentorshipPairingFactory(mentor=mentor)
    MentorshipGoalFactory(pairing=current, title="Current goal")
    finished = MentorshipPairingFactory(
        mentor=mentor,
        # A name no generated one can match, so that finding it below means it leaked.
        mentee=ParticipantFactory(chosen_name="Former", peer_alias="Former mentee Zephyrine"),
        status=PairingStatus.COMPLETED,
        ended_at=timezone.now(),
    )
    MentorshipGoalFactory(pairing=finished, title="Old goal")
    MentorshipCheckInFactory(pairing=finished, notes="Old note", recorded_by=mentor)
    MentorshipPairingFactory(
        mentor=mentor, status=PairingStatus.PROPOSED, origin=PairingOrigin.STAFF, started_at=None
    )

    _response, archive = download(client, mentor)
    rows = data_of(archive)["mentorships"]
    text = archive.read("data.json").decode()

    assert [row["status"] for row in rows] == ["active", "completed"]  # not the proposal
    assert rows[0]["other_person"] == alias_of(current.mentee)
    assert rows[1]["other_person"] is None and rows[1]["goals"] is None
    assert rows[1]["check_ins"][0]["notes"] is None
    assert "Old goal" not in text and "Old note" not in text
    assert alias_of(finished.mentee) not in text


def test_certificates_come_with_their_stored_files_only(client, history):
    _response, archive = download(client, history.participant)
    data = data_of(archive)
    by_code = {row["code"]: row for row in data["certificates"]}

    code = format_code(history.certificate.verification_code)
    current = by_code[code]
    assert current["name_printed"] == LEGAL and current["status"] == "valid"
    assert archive.read(f"certificates/{code}.pdf") == PDF_BYTES
    assert current["pdf_file"] == f"certificates/{code}.pdf"
    credential = json.loads(archive.read(f"credentials/{code}.json"))
    assert credential == history.certificate.credential

    pending = by_code[format_code(history.certificate_without_pdf.verification_code)]
    assert pending["pdf_file"] is None and "not ready" in pending["files_note"]

    revoked_code = format_code(history.revoked_certificate.verification_code)
    revoked = by_code[revoked_code]
    assert revoked["status"] == "revoked" and revoked["pdf_file"] is None
    assert revoked["files_note"]
    assert not [name for name in archive.namelist() if revoked_code in name]
    assert sorted(name for name in archive.namelist() if "/" in name) == [
        f"certificates/{code}.pdf",
        f"credentials/{code}.json",
    ]


def test_a_stored_pdf_that_is_missing_is_noted_not_fatal(client, history):
    storage = history.certificate.pdf.storage
    storage.delete(history.certificate.pdf.name)

    _response, archive = download(client, history.participant)
    code = format_code(history.certificate.verification_code)
    row = next(r for r in data_of(archive)["certificates"] if r["code"] == code)

    assert row["pdf_file"] is None and row["files_note"]
    assert f"certificates/{code}.pdf" not in archive.namelist()


def test_the_readme_explains_the_archive_in_plain_words(client, history):
    _response, archive = download(client, history.participant)
    readme = archive.read("README.txt").decode()

    assert "data.json" in readme and "certificates/" in readme
    assert "1 certificate PDF" in readme
    assert "Keep it somewhere safe" in readme


def test_the_page_and_the_readme_follow_her_language(client, history):
    profile_update(history.participant, preferred_language="es")

    client.force_login(history.participant)
    page = client.get(URL)
    _response, archive = download(client, history.participant)

    assert "Descargar mis datos" in page.content.decode()
    readme = archive.read("README.txt").decode()
    assert "Qué contiene" in readme and "1 PDF de certificado" in readme


def test_nobody_elses_data_is_in_her_archive(client, history, other_participant):
    course = history.course
    enrolment = course_services.enrolment_start(user=other_participant, course=course)
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
    block = next(b.id for b in lesson.body if b.block_type == "reflection")
    course_services.reflection_save(
        enrolment=enrolment, lesson=lesson, block_id=block, text="Someone else's words"
    )
    CertificateFactory(user=other_participant, printed_name="Someone Else")

    _response, archive = download(client, history.participant)
    text = archive.read("data.json").decode()

    assert "Someone else's words" not in text and "Someone Else" not in text
    assert other_participant.username not in text


# Structure and cost -------------------------------------------------------------------------------


def test_every_section_named_in_the_inventory_is_in_data_json(client, history):
    _response, archive = download(client, history.participant)
    data = data_of(archive)

    sections = {reference.section for reference in REFERENCES.values() if reference.exported}
    assert sections <= set(data)
    assert {name for name, _collect in selectors.EXPORT_SOURCES} == set(data) - {"about"}


def _queries_for(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        archive = personal_data_archive(user=user)
        archive.close()
    return len(queries)


def test_the_export_runs_a_fixed_number_of_queries(staff, facilitator):
    small = build_history(participant=make_participant(), staff=staff, facilitator=facilitator)
    large = build_history(
        participant=make_participant(username="other", email="other@example.org"),
        staff=staff,
        facilitator=facilitator,
    )
    # Double everything of the second participant.
    for index in range(2):
        course = build_course(title=f"Extra course {index}")
        enrolment = course_services.enrolment_start(user=large.participant, course=course)
        lesson = LessonPage.objects.descendant_of(course).live().order_by("path").first()
        course_services.lesson_complete(enrolment=enrolment, lesson=lesson)
        block = next(b.id for b in lesson.body if b.block_type == "reflection")
        course_services.reflection_save(
            enrolment=enrolment, lesson=lesson, block_id=block, text="More words"
        )
        CertificateFactory(user=large.participant)
        pairing = MentorshipPairingFactory(
            mentee=large.participant,
            started_at=timezone.now() - timedelta(days=index + 1),
        )
        MentorshipGoalFactory(pairing=pairing)
        MentorshipCheckInFactory(pairing=pairing)

    assert _queries_for(large.participant) == _queries_for(small.participant)

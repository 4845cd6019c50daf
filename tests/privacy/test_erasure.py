"""Erasing a participant's personal data: it goes from every table, the programme's counts stay,
her certificates are revoked, sharing stops, and the record of it holds no personal data. Only
programme staff with the permission can do it, never to a staff account, and doing it twice
changes nothing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Q, Sum
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from pathways.certificates.issuance.models import Certificate, CertificateStatus
from pathways.certificates.sharing.models import CredentialAccess, CredentialRelease
from pathways.cohorts.models import Attendance, CohortMembership
from pathways.courses.models import Enrolment, LessonProgress, QuizAttempt, ReflectionAnswer
from pathways.lms.accounts.models import Profile
from pathways.lms.accounts.names import alias_of, chosen_name_of
from pathways.lms.accounts.roles import Role
from pathways.lms.privacy.models import ErasureRecord
from pathways.lms.privacy.services import ERASED_NAME, participant_erase
from pathways.mentoring.models import (
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingStatus,
)
from tests.factories.accounts import StaffFactory
from tests.factories.courses import EnrolmentFactory
from tests.privacy.scenario import (
    GOAL,
    LEGAL,
    MENTOR_NOTE,
    PERSONAL_WORDS,
    USERNAME,
    build_history,
    make_participant,
)
from tests.security.support import with_second_factor

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def history(staff, facilitator):
    return build_history(participant=make_participant(), staff=staff, facilitator=facilitator)


def database_rows():
    """Every row of every table, as text: what an attacker with a copy of the database sees."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def personal_words_in_database() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table, text in database_rows():
        lowered = text.casefold()
        for word in PERSONAL_WORDS:
            if word.casefold() in lowered:
                found.setdefault(word, set()).add(table)
    return found


def aggregate_counts(user) -> dict:
    enrolments = Enrolment.objects.filter(user=user)
    return {
        "users": User.objects.count(),
        "enrolments": enrolments.count(),
        "completed": enrolments.filter(completed_at__isnull=False).count(),
        "lessons": LessonProgress.objects.filter(enrolment__user=user).count(),
        "lessons_done": LessonProgress.objects.filter(
            enrolment__user=user, completed_at__isnull=False
        ).count(),
        "quiz": QuizAttempt.objects.filter(enrolment__user=user).aggregate(
            n=Count("pk"), score=Sum("score")
        ),
        "memberships": CohortMembership.objects.filter(user=user).count(),
        "minutes": Attendance.objects.filter(membership__user=user).aggregate(
            total=Sum("minutes_attended")
        )["total"],
        "certificates": Certificate.objects.filter(user=user).count(),
        "releases": CredentialRelease.objects.filter(participant=user).count(),
        "accesses": CredentialAccess.objects.filter(participant=user).count(),
        "pairings": MentorshipPairing.objects.filter(Q(mentor=user) | Q(mentee=user)).count(),
        "check_ins": MentorshipCheckIn.objects.filter(pairing__mentee=user).count(),
    }


def erase(subject, actor, **kwargs):
    return participant_erase(
        subject=subject, actor=actor, confirm_username=kwargs.get("confirm", subject.username)
    )


# What goes and what stays --------------------------------------------------------------------


def test_personal_data_is_nowhere_in_the_database_after_erasure(
    history, staff, django_capture_on_commit_callbacks
):
    before = personal_words_in_database()
    assert set(before) == set(PERSONAL_WORDS), "the scenario must put every word in the database"

    with django_capture_on_commit_callbacks(execute=True):
        erase(history.participant, staff)

    assert personal_words_in_database() == {}


def test_aggregate_counts_are_unchanged_by_erasure(history, staff):
    subject = history.participant
    before = aggregate_counts(subject)

    erase(subject, staff)

    assert aggregate_counts(subject) == before
    assert (
        before["minutes"] == 90 + 120 and before["certificates"] == 3 and before["quiz"]["n"] == 1
    )


def test_erasure_replaces_the_account_and_closes_it(history, staff):
    subject = history.participant

    erase(subject, staff)

    subject.refresh_from_db()
    profile = Profile.objects.get(user=subject)
    assert subject.username == f"erased-{subject.pk}"
    assert profile.chosen_name == ERASED_NAME
    assert chosen_name_of(subject) == alias_of(subject) == ERASED_NAME
    assert (profile.legal_name, profile.peer_alias, subject.email) == ("", "", "")
    assert (subject.first_name, subject.last_name) == ("", "")
    assert profile.preferred_language == ""
    assert profile.safe_contact_channels == [] and profile.do_not_contact is True
    assert not subject.is_active and not subject.has_usable_password()
    # Her role stays, so the programme can still count its participants.
    assert subject.groups.filter(name=Role.PARTICIPANT).exists()


def test_erasure_ends_her_sessions(history, staff, client):
    client.force_login(history.participant)
    assert client.get(reverse("privacy:your_data")).status_code == 200

    erase(history.participant, staff)

    assert not Session.objects.exists()
    response = client.get(reverse("privacy:your_data"))
    assert response.status_code == 302 and "sign-in" in response.url


def test_erasure_deletes_her_writing_and_empties_what_others_wrote_about_her(history, staff):
    subject = history.participant

    erase(subject, staff)

    assert not ReflectionAnswer.objects.filter(enrolment__user=subject).exists()
    assert list(QuizAttempt.objects.filter(enrolment__user=subject).values_list("answers")) == [
        ({},)
    ]
    assert set(MentorshipCheckIn.objects.filter(pairing__mentee=subject).values_list("notes")) == {
        ("",)
    }
    assert not MentorshipGoal.objects.filter(title=GOAL).exists()
    assert not MentorshipCheckIn.objects.filter(notes=MENTOR_NOTE).exists()


def test_erasure_revokes_her_certificates_and_deletes_their_files(
    history, staff, client, django_capture_on_commit_callbacks
):
    storage = Certificate._meta.get_field("pdf").storage
    pdf_name = history.certificate.pdf.name
    assert storage.exists(pdf_name)

    with django_capture_on_commit_callbacks(execute=True):
        erase(history.participant, staff)

    assert not storage.exists(pdf_name)
    for certificate in Certificate.objects.filter(user=history.participant):
        assert certificate.status == CertificateStatus.REVOKED
        assert certificate.printed_name == ERASED_NAME
        assert certificate.credential is None and not certificate.pdf
    history.certificate.refresh_from_db()
    assert history.certificate.revoked_by == staff
    assert history.certificate.revocation_reason == "Personal data erased"
    # Its code still verifies, as revoked, without her name.
    page = client.get(reverse("verify:code", args=[history.certificate.verification_code]))
    assert page.status_code == 200
    assert LEGAL not in page.content.decode()


def test_erasure_stops_sharing_at_once_and_keeps_the_access_log_as_counts(
    history, staff, employer_org
):
    release = history.release
    assert release.is_active

    erase(history.participant, staff)

    release.refresh_from_db()
    assert release.revoked_at is not None and release.revoked_by == staff
    assert release.revocation_note == "Personal data erased"
    assert not release.is_active
    assert CredentialAccess.objects.filter(release=release).count() == 1


def test_erasure_ends_open_mentorships_and_gives_up_cohort_places(history, staff):
    erase(history.participant, staff)

    history.pairing.refresh_from_db()
    history.membership.refresh_from_db()
    history.enrolment.refresh_from_db()
    assert history.pairing.status == PairingStatus.ENDED
    assert history.membership.status == "withdrawn"
    assert history.enrolment.status == "withdrawn"


def test_the_erasure_record_holds_numbers_and_no_personal_data(history, staff):
    record = erase(history.participant, staff)

    assert record.subject_id == history.participant.pk
    assert record.erased_by == staff
    assert record.subject_roles == [Role.PARTICIPANT.value]
    assert all(isinstance(value, int) for value in record.counts.values())
    assert record.counts["reflections_deleted"] == 1
    assert record.counts["certificates_revoked"] == 2  # one was already revoked
    assert record.counts["releases_stopped"] == 1
    assert record.counts["enrolments_kept"] == 1
    text = str(ErasureRecord.objects.filter(pk=record.pk).values().get()).casefold()
    assert not [word for word in PERSONAL_WORDS if word.casefold() in text]


def test_erasing_twice_changes_nothing(history, staff):
    first = erase(history.participant, staff)
    snapshot = sorted(database_rows())

    again = participant_erase(subject=history.participant, actor=staff, confirm_username=USERNAME)

    assert again.pk == first.pk
    assert ErasureRecord.objects.count() == 1
    assert sorted(database_rows()) == snapshot


# Who may, and whom ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "employer_user"])
def test_only_programme_staff_can_erase(request, role):
    subject = make_participant()
    actor = request.getfixturevalue(role)

    with pytest.raises(ValidationError):
        erase(subject, actor)

    subject.refresh_from_db()
    assert subject.username == USERNAME and subject.is_active
    assert not ErasureRecord.objects.exists()


def test_programme_staff_without_the_permission_cannot_erase(staff):
    subject = make_participant()
    group = Group.objects.get(name=Role.PROGRAMME_STAFF)
    group.permissions.remove(Permission.objects.get(codename="erase_participant"))
    staff = User.objects.get(pk=staff.pk)  # no cached permissions

    with pytest.raises(ValidationError):
        erase(subject, staff)

    assert not ErasureRecord.objects.exists()


@pytest.mark.parametrize("kind", ["staff", "facilitator", "superuser", "self"])
def test_staff_accounts_are_never_erased(request, staff, kind):
    subject = {
        "staff": lambda: StaffFactory(),
        "facilitator": lambda: request.getfixturevalue("facilitator"),
        # made like a host's superuser: no Pathways profile yet
        "superuser": lambda: User.objects.create_superuser(username="root", password="x"),
        "self": lambda: staff,
    }[kind]()

    with pytest.raises(ValidationError):
        erase(subject, staff)

    subject.refresh_from_db()
    assert subject.is_active and chosen_name_of(subject) != ERASED_NAME
    assert not ErasureRecord.objects.exists()


def test_erasure_needs_the_username_typed_exactly(staff):
    subject = make_participant()

    with pytest.raises(ValidationError):
        erase(subject, staff, confirm=USERNAME.upper())

    subject.refresh_from_db()
    assert subject.is_active and not ErasureRecord.objects.exists()


# The admin pages -------------------------------------------------------------------------------


def erase_url(user) -> str:
    return reverse("erasure_records:erase", args=[user.pk])


def test_staff_erase_from_the_admin_after_typing_the_username(client, staff):
    subject = make_participant()
    client.force_login(staff)

    page = client.get(erase_url(subject))
    assert page.status_code == 200
    assert USERNAME in page.content.decode()
    assert LEGAL not in page.content.decode()  # never the legal name

    wrong = client.post(erase_url(subject), {"confirm_username": "someone"})
    assert wrong.status_code == 200
    subject.refresh_from_db()
    assert subject.is_active

    done = client.post(erase_url(subject), {"confirm_username": USERNAME}, follow=True)
    record = ErasureRecord.objects.get(subject_id=subject.pk)
    assert done.redirect_chain[0][0] == reverse("erasure_records:inspect", args=[record.pk])
    subject.refresh_from_db()
    assert not subject.is_active and chosen_name_of(subject) == ERASED_NAME
    entry = ModelLogEntry.objects.get(action="pathways.privacy.erase")
    assert entry.user == staff and entry.label == str(record)
    assert "zephyrine" not in entry.label.casefold()

    # Coming back to the page says it is done, and offers nothing more to do.
    again = client.get(erase_url(subject))
    assert b'name="confirm_username"' not in again.content


def test_staff_find_a_person_by_username(client, staff):
    subject = make_participant()
    client.force_login(staff)

    response = client.post(reverse("erasure_records:erase_find"), {"username": USERNAME})

    assert response.status_code == 302 and response.url == erase_url(subject)


def test_the_admin_refuses_a_staff_account_without_a_form(client, staff):
    colleague = StaffFactory()
    client.force_login(staff)

    page = client.get(erase_url(colleague))
    client.post(erase_url(colleague), {"confirm_username": colleague.username})

    assert b'name="confirm_username"' not in page.content
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.mark.parametrize("role", ["participant", "mentor", "facilitator", "employer_user"])
@pytest.mark.parametrize(
    "url_name", ["erasure_records:index", "erasure_records:erase_find", "erasure_records:erase"]
)
def test_only_staff_who_may_erase_reach_the_erasure_pages(client, request, role, url_name):
    subject = make_participant()
    client.force_login(request.getfixturevalue(role))
    url = erase_url(subject) if url_name.endswith(":erase") else reverse(url_name)

    assert client.get(url).status_code == 302
    client.post(url, {"confirm_username": USERNAME, "username": USERNAME})

    subject.refresh_from_db()
    assert subject.is_active


def test_the_user_list_offers_erasure_to_those_who_may_erase(client):
    subject = make_participant()
    root = User.objects.create_superuser(username="root")
    client.force_login(with_second_factor(root))

    response = client.get(reverse("wagtailusers_users:index"))

    assert erase_url(subject) in response.content.decode()


def test_the_erasure_records_list_names_no_one(client, staff, history):
    record = erase(history.participant, staff)
    client.force_login(staff)

    listing = client.get(reverse("erasure_records:index"))
    inspect = client.get(reverse("erasure_records:inspect", args=[record.pk]))

    for response in (listing, inspect):
        assert response.status_code == 200
        text = response.content.decode().casefold()
        assert not [word for word in PERSONAL_WORDS if word.casefold() in text]
    assert str(record.subject_id) in listing.content.decode()


def test_a_host_account_without_a_profile_is_erased_too(staff):
    """An account made by the host site (first and last names on its user model, no Pathways
    profile yet) loses those names, and is named as erased from then on."""
    subject = User.objects.create_user(
        "host-person", password="x", first_name="Orlavinth", last_name="Quessary"
    )
    subject.groups.add(Group.objects.get(name=Role.PARTICIPANT))
    assert not Profile.objects.filter(user=subject).exists()

    erase(subject, staff)

    subject.refresh_from_db()
    assert (subject.first_name, subject.last_name, subject.is_active) == ("", "", False)
    profile = Profile.objects.get(user=subject)
    assert (profile.chosen_name, profile.do_not_contact) == (ERASED_NAME, True)
    assert chosen_name_of(subject) == ERASED_NAME
    assert not any(
        "orlavinth" in text.casefold() or "quessary" in text.casefold()
        for _table, text in database_rows()
    )


def test_the_erasure_page_counts_in_words_that_fit_the_number(client, staff):
    subject = make_participant()
    EnrolmentFactory(user=subject)
    client.force_login(staff)

    page = client.get(erase_url(subject)).content.decode()
    assert "1 course enrolment, with progress and scores" in page
    assert "0 reflections" in page
    assert "0 minutes of attendance" in page

"""Writes for privacy: a person's data as one archive, and erasing a person's personal data.

The archive walks ``selectors.EXPORT_SOURCES`` (one source per kind of record) into
``data.json``, adds her stored certificate PDFs and signed credentials, and a README in plain
words.

Erasure is one strong operation rather than a choice between "anonymise" and "erase": personal
data goes, whether it sits in a row worth keeping for the programme's counts (the row stays, its
personal fields replaced or emptied) or in a row that is nothing but personal (deleted). What
happens to each kind of record is listed in ``lms.privacy.inventory``. The account row stays,
deactivated and renamed, so enrolments, completions, attendance hours and certificates still
count; her certificates are revoked, so their codes verify as revoked and nobody can present
them as current. The erasure is logged in an ``ErasureRecord`` that holds numbers only.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date
from importlib import import_module
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.certificates.issuance.models import Certificate, CertificateBatch, NameChoice
from pathways.certificates.issuance.services import certificate_revoke
from pathways.certificates.sharing.models import CredentialRelease
from pathways.cohorts.models import Attendance, CohortMembership, MembershipStatus
from pathways.cohorts.services import membership_withdraw
from pathways.courses.models import (
    ActivitySignoff,
    Enrolment,
    EnrolmentStatus,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.courses.services import enrolment_withdraw
from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.lms.core import app_settings
from pathways.lms.privacy import selectors
from pathways.lms.privacy.models import ErasureRecord
from pathways.mentoring import services as mentorship_services
from pathways.mentoring.models import (
    MenteePreferences,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingStatus,
)

logger = logging.getLogger(__name__)

ERASE_PERMISSION = "pathways_privacy.erase_participant"
#: What an erased account and its records are called from now on. Stored, so not translated.
ERASED_NAME = "Former member"
ERASED_TEXT = "(erased)"
ERASURE_REASON = "Personal data erased"
# Archives up to this size are built in memory, larger ones in a temporary file.
ARCHIVE_MEMORY_BYTES = 8 * 1024 * 1024
OPEN_MEMBERSHIP_STATUSES = [
    MembershipStatus.INVITED,
    MembershipStatus.APPLIED,
    MembershipStatus.WAITLISTED,
    MembershipStatus.ACTIVE,
]
#: Rows that are nothing but personal (or secret), deleted outright: ``app.Model.field``. Apps
#: that are not installed are skipped.
DELETED_ON_ERASURE = [
    "pathways_mentoring.MenteePreferences.user",
    "pathways_notices.Notice.user",
    "authtoken.Token.user",
    "wagtailcore.APIToken.user",
    "otp_totp.TOTPDevice.user",
    "otp_static.StaticDevice.user",
    "wagtailadmin.EditingSession.user",
    "wagtailadmin.FormState.user",
    "wagtailcore.PageSubscription.user",
]


# The archive -----------------------------------------------------------------------------------


ERASE_ACTION = "pathways.privacy.erase"


def archive_filename(today: date | None = None) -> str:
    """A neutral name: it says nothing about the site or the programme."""
    return f"my-data-{(today or timezone.localdate()).isoformat()}.zip"


def _copy_stored(archive: zipfile.ZipFile, storage, path: str, name: str) -> bool:
    try:
        with storage.open(name, "rb") as stored, archive.open(path, "w") as target:
            shutil.copyfileobj(stored, target)
    except OSError:
        logger.warning("A stored certificate PDF could not be read for an export.")
        return False
    return True


def personal_data_archive(*, user) -> IO[bytes]:
    """One ZIP of everything the system holds about ``user``, rewound and ready to send.

    ``data.json`` (every section of ``selectors.EXPORT_SOURCES``), ``certificates/<code>.pdf``
    for each current certificate whose PDF is stored, ``credentials/<code>.json`` for its signed
    credential, and ``README.txt``. Nothing is rendered or signed for the export: what is not
    stored is listed in ``data.json`` with a note.
    """
    data, files = selectors.personal_data(user)
    storage = Certificate._meta.get_field("pdf").storage
    output = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        missing = set()
        for path, name in files.stored:
            if not _copy_stored(archive, storage, path, name):
                missing.add(path)
        for row in data["certificates"]:
            if row["pdf_file"] in missing:
                row["pdf_file"] = None
                row["files_note"] = _("The PDF could not be found. Please ask programme staff.")
        for path, document in files.documents:
            archive.writestr(path, json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        archive.writestr(
            "README.txt",
            render_to_string(
                "privacy/export_readme.txt",
                {
                    "brand_name": app_settings.PATHWAYS_BRAND_NAME,
                    "made": data["about"]["made"],
                    "pdf_count": len(files.stored) - len(missing),
                    "credential_count": len(files.documents),
                },
            ),
        )
    output.seek(0)
    return output


# Erasure ---------------------------------------------------------------------------------------


def may_erase(actor) -> bool:
    """Programme staff given the right to erase personal data (a superuser has every right)."""
    return bool(
        actor is not None
        and getattr(actor, "is_active", False)
        and is_programme_staff(actor)
        and actor.has_perm(ERASE_PERMISSION)
    )


def is_protected_account(subject) -> bool:
    """Staff accounts are never erased here: their names are in other people's records."""
    return bool(
        subject.is_superuser
        or subject.is_staff
        or has_role(subject, Role.PROGRAMME_STAFF)
        or has_role(subject, Role.FACILITATOR)
    )


def erasure_record_for(subject) -> ErasureRecord | None:
    return ErasureRecord.objects.filter(subject_id=subject.pk).first()


def _personal_strings(subject) -> list[str]:
    """Her names, username and e-mail, and every name printed on or signed in her records."""
    profile = stored_profile(subject)
    values = {
        subject.get_username(),
        getattr(profile, "chosen_name", ""),
        getattr(profile, "legal_name", ""),
        getattr(profile, "peer_alias", ""),
        getattr(subject, "email", ""),
        getattr(subject, "first_name", ""),
        getattr(subject, "last_name", ""),
        *Certificate.objects.filter(user_id=subject.pk).values_list("printed_name", flat=True),
        *CredentialRelease.objects.filter(participant_id=subject.pk).values_list(
            "signature", flat=True
        ),
    }
    values = {" ".join((value or "").split()) for value in values}
    return sorted((value for value in values if len(value) >= 2), key=len, reverse=True)


def _scrub(text: str, strings: Iterable[str]) -> str:
    for value in strings:
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", ERASED_NAME, text, flags=re.IGNORECASE)
    return text


def _scrub_json(value, strings: Iterable[str]):
    return json.loads(_scrub(json.dumps(value, ensure_ascii=False), strings))


def _erase_courses(subject, counts: dict) -> None:
    counts["reflections_deleted"] = ReflectionAnswer.objects.filter(
        enrolment__user_id=subject.pk
    ).delete()[0]
    counts["quiz_answers_cleared"] = QuizAttempt.objects.filter(
        enrolment__user_id=subject.pk
    ).update(answers={})
    counts["sign_off_notes_cleared"] = (
        ActivitySignoff.objects.filter(enrolment__user_id=subject.pk)
        .exclude(note="", return_note="")
        .update(note="", return_note="")
    )
    active = Enrolment.objects.filter(user_id=subject.pk, status=EnrolmentStatus.ACTIVE)
    counts["enrolments_withdrawn"] = 0
    for enrolment in active:
        enrolment_withdraw(enrolment=enrolment)
        counts["enrolments_withdrawn"] += 1
    counts["enrolments_kept"] = Enrolment.objects.filter(user_id=subject.pk).count()


def _erase_cohorts(subject, actor, counts: dict) -> None:
    counts["cohort_places_given_up"] = 0
    for membership in CohortMembership.objects.filter(
        user_id=subject.pk, status__in=OPEN_MEMBERSHIP_STATUSES
    ).select_related("cohort"):
        membership_withdraw(membership=membership, actor=actor)
        counts["cohort_places_given_up"] += 1
    counts["cohort_memberships_kept"] = CohortMembership.objects.filter(user_id=subject.pk).count()


def _erase_mentorship(subject, actor, counts: dict) -> None:
    pairings = MentorshipPairing.objects.filter(Q(mentor_id=subject.pk) | Q(mentee_id=subject.pk))
    counts["pairings_ended"] = 0
    for pairing in pairings.filter(
        status__in=[PairingStatus.PROPOSED, PairingStatus.REQUESTED]
    ).order_by("pk"):
        mentorship_services.pairing_decline(pairing=pairing, actor=actor)
        counts["pairings_ended"] += 1
    for pairing in pairings.filter(
        status__in=[PairingStatus.ACTIVE, PairingStatus.PAUSED]
    ).order_by("pk"):
        mentorship_services.pairing_end(pairing=pairing, actor=actor)
        counts["pairings_ended"] += 1
    pairings.exclude(end_reason_private="").update(end_reason_private="")
    counts["goals_cleared"] = MentorshipGoal.objects.filter(pairing__mentee_id=subject.pk).update(
        title=ERASED_TEXT
    )
    counts["check_in_notes_cleared"] = (
        MentorshipCheckIn.objects.filter(
            Q(pairing__mentee_id=subject.pk) | Q(recorded_by_id=subject.pk)
        )
        .exclude(notes="")
        .update(notes="")
    )
    for profile in MentorProfile.objects.filter(user_id=subject.pk):
        profile.skills.clear()
        profile.availability = ""
        profile.languages = []
        profile.status = MentorProfileStatus.PAUSED
        profile.save(update_fields=["availability", "languages", "status"])
    counts["pairings_kept"] = pairings.count()


def _erase_certificates(subject, actor, counts: dict, files: list[str]) -> None:
    certificates = list(Certificate.objects.filter(user_id=subject.pk).order_by("pk"))
    counts["certificates_revoked"] = 0
    for certificate in certificates:
        if certificate.revoked_at is None:
            certificate_revoke(certificate=certificate, actor=actor, reason=ERASURE_REASON)
            counts["certificates_revoked"] += 1
        if certificate.pdf:
            files.append(certificate.pdf.name)
    counts["certificate_files_deleted"] = len(files)
    Certificate.objects.filter(user_id=subject.pk).update(
        printed_name=ERASED_NAME,
        name_choice=NameChoice.CHOSEN,
        credential=None,
        pdf="",
        pdf_rendered_at=None,
        issue_reason="",
        revocation_reason=ERASURE_REASON,
    )
    counts["certificates_kept"] = len(certificates)


def _erase_releases(subject, actor, counts: dict) -> None:
    """Stop sharing at once and remove what she wrote. The release is stopped directly rather
    than through ``release_revoke``: that service records a request to stop given online, on
    paper or orally, and this is none of those; the note says why it stopped."""
    now = timezone.now()
    releases = CredentialRelease.objects.filter(participant_id=subject.pk)
    counts["releases_stopped"] = releases.filter(
        revoked_at__isnull=True, superseded_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, revoked_by=actor, revocation_method="", revocation_note=ERASURE_REASON)
    releases.exclude(revocation_note=ERASURE_REASON).update(revocation_note="")
    releases.update(signature=ERASED_TEXT, purpose=ERASED_TEXT, staff_note="")
    counts["releases_kept"] = releases.count()


def _her_objects(subject) -> dict[type, list[int]]:
    """Her records that admin history and unsaved admin forms may name."""
    return {
        get_user_model(): [subject.pk],
        Enrolment: list(Enrolment.objects.filter(user_id=subject.pk).values_list("pk", flat=True)),
        CohortMembership: list(
            CohortMembership.objects.filter(user_id=subject.pk).values_list("pk", flat=True)
        ),
        Attendance: list(
            Attendance.objects.filter(membership__user_id=subject.pk).values_list("pk", flat=True)
        ),
        MentorshipPairing: list(
            MentorshipPairing.objects.filter(
                Q(mentor_id=subject.pk) | Q(mentee_id=subject.pk)
            ).values_list("pk", flat=True)
        ),
        MentorProfile: list(
            MentorProfile.objects.filter(user_id=subject.pk).values_list("pk", flat=True)
        ),
        MenteePreferences: list(
            MenteePreferences.objects.filter(user_id=subject.pk).values_list("pk", flat=True)
        ),
        Certificate: list(
            Certificate.objects.filter(user_id=subject.pk).values_list("pk", flat=True)
        ),
        CredentialRelease: list(
            CredentialRelease.objects.filter(participant_id=subject.pk).values_list("pk", flat=True)
        ),
    }


def _about_her(objects: dict[type, list[int]]) -> Q:
    condition = Q(pk__in=[])
    for model, ids in objects.items():
        if ids:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
                object_id__in=[str(pk) for pk in ids],
            )
    return condition


def _scrub_admin_history(objects, strings, counts: dict) -> None:
    """Admin history keeps what staff did; entries about her records lose her names."""
    from wagtail.admin.models import FormState
    from wagtail.models import ModelLogEntry

    about_her = _about_her(objects)
    counts["unsaved_admin_forms_deleted"] = FormState.objects.filter(about_her).delete()[0]
    cleaned = 0
    for entry in ModelLogEntry.objects.filter(about_her).iterator():
        label = _scrub(entry.label, strings)
        data = _scrub_json(entry.data, strings)
        if label != entry.label or data != entry.data:
            entry.label = label
            entry.data = data
            entry.save(update_fields=["label", "data"])
            cleaned += 1
    counts["admin_history_entries_cleaned"] = cleaned


def _scrub_elsewhere(subject, strings, counts: dict) -> None:
    """Her name can be quoted in a batch's report and in background task records."""
    batches = CertificateBatch.objects.filter(cohort__memberships__user_id=subject.pk).exclude(
        error=""
    )
    for batch in batches.distinct():
        error = _scrub(batch.error, strings)
        if error != batch.error:
            CertificateBatch.objects.filter(pk=batch.pk).update(error=error)
    counts["task_records_deleted"] = 0
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    mentions = Q(pk__in=[])
    for value in strings:
        for form in {value, json.dumps(value)[1:-1]}:
            mentions |= Q(args_kwargs__icontains=form) | Q(return_value__icontains=form)
            mentions |= Q(traceback__icontains=form)
    counts["task_records_deleted"] = DBTaskResult.objects.finished().filter(mentions).delete()[0]


def _end_sessions(subject) -> int:
    """End her sessions on the server (a new password hash ends them anyway)."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    ended = 0
    model = store.get_model_class()
    for key, data in (
        model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
    ):
        if str(store().decode(data).get("_auth_user_id")) == str(subject.pk):
            store(session_key=key).delete()
            ended += 1
    return ended


def _delete_rows(subject, counts: dict, files: list[str]) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user_id=subject.pk).first()
    if profile is not None:
        if profile.avatar:
            files.append(profile.avatar.name)
        profile.delete()
    deleted = 0
    for reference in DELETED_ON_ERASURE:
        app_label, model_name, field_name = reference.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        deleted += model.objects.filter(**{f"{field_name}_id": subject.pk}).delete()[0]
    counts["personal_rows_deleted"] = deleted
    counts["sessions_ended"] = _end_sessions(subject)


def _anonymise_account(subject) -> None:
    user_model = get_user_model()
    username = f"erased-{subject.pk}"
    while user_model.objects.filter(username=username).exclude(pk=subject.pk).exists():
        username = f"{username}-x"
    subject.username = username
    # The user model's own fields that may name her (a host's model may lack some of them).
    for field in ("email", "first_name", "last_name"):
        if hasattr(subject, field):
            setattr(subject, field, "")
    subject.is_active = False
    subject.last_login = None
    subject.set_unusable_password()
    subject.save()
    subject.user_permissions.clear()
    # What Pathways kept about her: made now if she had none, so that she is named as erased.
    profile_update(
        subject,
        chosen_name=ERASED_NAME,
        legal_name="",
        peer_alias="",
        preferred_language="",
        time_zone="",
        safe_contact_channels=[],
        do_not_contact=True,
    )


def _delete_files(names: list[str]) -> None:
    storage = Certificate._meta.get_field("pdf").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            # OSError from the local disk, botocore's errors from object storage: the erasure has
            # committed, so say which object is left (its name is random, nothing personal).
            logger.exception(
                "A file of an erased account could not be deleted from storage: %s", name
            )


@transaction.atomic
def participant_erase(*, subject, actor, confirm_username: str) -> ErasureRecord:
    """Erase a participant's (or mentor's, or employer user's) personal data; keep the counts.

    Only programme staff with the ``privacy.erase_participant`` permission, typing the
    person's username to confirm. Staff and facilitator accounts are refused. Erasing an
    account that was already erased changes nothing and returns the first record.
    """
    if not may_erase(actor):
        raise ValidationError(
            _("Only programme staff who may erase personal data can do this."),
            code="not_allowed",
        )
    subject = get_user_model().objects.select_for_update().get(pk=subject.pk)
    existing = erasure_record_for(subject)
    if existing is not None:
        return existing
    if subject.pk == actor.pk or is_protected_account(subject):
        raise ValidationError(
            _(
                "This is a staff or facilitator account. Remove its staff roles first if this "
                "person is leaving, then erase it."
            ),
            code="protected",
        )
    if (confirm_username or "").strip() != subject.username:
        raise ValidationError(
            {"confirm_username": _("Type the username exactly as shown to confirm.")},
            code="not_confirmed",
        )
    strings = _personal_strings(subject)
    objects = _her_objects(subject)
    roles = sorted(subject.groups.values_list("name", flat=True))
    counts: dict[str, int] = {}
    files: list[str] = []
    _erase_courses(subject, counts)
    _erase_cohorts(subject, actor, counts)
    _erase_mentorship(subject, actor, counts)
    _erase_certificates(subject, actor, counts, files)
    _erase_releases(subject, actor, counts)
    _delete_rows(subject, counts, files)
    _anonymise_account(subject)
    _scrub_admin_history(objects, strings, counts)
    _scrub_elsewhere(subject, strings, counts)
    record = ErasureRecord.objects.create(
        subject_id=subject.pk, subject_roles=roles, erased_by=actor, counts=counts
    )
    # The admin's history names the record ("Account 12, erased ..."), never the person.
    log(instance=record, action=ERASE_ACTION, user=actor)
    # Files go only once the erasure is committed: a rollback must not lose a certificate.
    transaction.on_commit(lambda: _delete_files(files))
    return record

"""Reads for a person's own data export: one source per kind of record, each owning its queries.

``EXPORT_SOURCES`` lists the sources in the order they appear in ``data.json``. Each takes the
person and the archive's file list, and returns plain JSON-ready data: only what the system holds
about her, in the words she sees on the site. A fixed number of queries runs whatever the number
of records.

What is left out, and why:

- notes written for staff only (why a pairing ended, why a certificate was issued or revoked,
  staff notes on a release): they are staff's working notes. She can ask programme staff.
- about other people, only what she already sees: her mentor's or mentee's alias, never their
  records; who signed off or recorded something for her is not named.
- for a mentorship she mentored that is over, no goals or notes: a mentor never reads a former
  mentee's records.
- secrets (password hash, sign-in keys, two-factor devices): only whether an app key exists.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.certificates.issuance.codes import format_code, verification_url
from pathways.certificates.issuance.models import Certificate, CertificateStatus
from pathways.certificates.sharing.models import CredentialRelease, ReleasedCertificate
from pathways.certificates.sharing.selectors import participant_access_log
from pathways.cohorts.models import Attendance, Cohort, CohortMembership
from pathways.courses.models import (
    ActivitySignoff,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    ReflectionAnswer,
)
from pathways.lms.accounts.models import ContactChannel, Profile
from pathways.lms.accounts.names import alias_of, chosen_name_of, stored_profile
from pathways.lms.accounts.roles import Role
from pathways.lms.notices.selectors import notices_for_user
from pathways.mentoring.models import (
    MenteePreferences,
    MentorProfile,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingOrigin,
    PairingStatus,
)

#: Pairings whose two people see each other now, and so each other's goals and check-ins.
PAIR_VISIBLE = {PairingStatus.ACTIVE, PairingStatus.PAUSED}


@dataclass
class ArchiveFiles:
    """Files to put next to ``data.json``: stored PDFs by storage name, and JSON documents."""

    stored: list[tuple[str, str]] = field(default_factory=list)  # (path in archive, storage name)
    documents: list[tuple[str, Any]] = field(default_factory=list)  # (path in archive, JSON data)


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value)) if value else ""


# The account ---------------------------------------------------------------------------------


def account(user, files: ArchiveFiles) -> dict:
    """Her profile: names, contact preferences, language, and whether an app key exists."""
    from wagtail.users.models import UserProfile

    token = None
    if apps.is_installed("rest_framework.authtoken"):
        from rest_framework.authtoken.models import Token

        token = Token.objects.filter(user_id=user.pk).only("created").first()
    admin_profile = UserProfile.objects.filter(user_id=user.pk).first()
    # What Pathways keeps about her; someone it has never needed to note anything about has none.
    profile = stored_profile(user) or Profile()
    channels = profile.safe_contact_channels or []
    return {
        "username": user.get_username(),
        "chosen_name": profile.chosen_name,
        "legal_name": profile.legal_name,
        "peer_alias": profile.peer_alias,
        "name_peers_see": alias_of(user),
        "email": getattr(user, "email", ""),
        "preferred_language": profile.preferred_language,
        "time_zone": profile.time_zone,
        "safe_ways_to_contact_me": [
            {"channel": channel, "label": _label(ContactChannel.choices, channel)}
            for channel in channels
        ],
        "do_not_contact": profile.do_not_contact,
        "account_created": getattr(user, "date_joined", None),
        "last_sign_in": user.last_login,
        "read_the_safety_page": profile.safety_notice_seen_at,
        "active": getattr(user, "is_active", True),
        "app_sign_in_key_created": token.created if token else None,
        "admin_preferences": (
            {
                "language": admin_profile.preferred_language,
                "time_zone": admin_profile.current_time_zone,
                "has_avatar": bool(admin_profile.avatar),
            }
            if admin_profile
            else None
        ),
    }


def roles(user, files: ArchiveFiles) -> list[dict]:
    labels = dict(Role.choices)
    return [
        {"role": name, "label": str(labels.get(name, name))}
        for name in user.groups.order_by("name").values_list("name", flat=True)
    ]


# Courses -------------------------------------------------------------------------------------


def _raw_block(lesson, block_type: str, block_id: str) -> dict:
    """A lesson block's stored value, read from the raw stream: converting the stream would
    fetch every image and document the lesson shows, a query per lesson."""
    if lesson is None:
        return {}
    for block in lesson.body.raw_data:
        if block.get("type") == block_type and block.get("id") == block_id:
            return block.get("value") or {}
    return {}


def _list_items(raw) -> list[tuple[str | None, dict]]:
    """ListBlock items as ``(id, value)``; items stored before ids existed have none."""
    items = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            items.append((item.get("id"), item["value"] or {}))
        else:
            items.append((None, item or {}))
    return items


def _quiz_answers(attempt: QuizAttempt) -> list[dict]:
    """Each question and the answers she chose, in words (ids of what the quiz no longer has)."""
    quiz = _raw_block(attempt.lesson, "quiz", attempt.block_id)
    questions = {
        question_id: value
        for question_id, value in _list_items(quiz.get("questions"))
        if question_id
    }
    # The quiz's own question order: a jsonb column (PostgreSQL) does not keep the keys' order.
    position = {question_id: index for index, question_id in enumerate(questions)}
    given = sorted(
        (attempt.answers or {}).items(), key=lambda item: (position.get(item[0], len(position)),)
    )
    rows = []
    for question_id, chosen in given:
        question = questions.get(question_id)
        if question is None:
            rows.append({"question_id": question_id, "answer_ids_chosen": list(chosen)})
            continue
        answers = {answer_id: value for answer_id, value in _list_items(question.get("answers"))}
        rows.append(
            {
                "question": question.get("text", ""),
                "answers_chosen": [
                    answers[answer_id].get("text", "") if answer_id in answers else answer_id
                    for answer_id in chosen
                ],
                "correct": set(chosen)
                == {answer_id for answer_id, value in answers.items() if value.get("correct")},
            }
        )
    return rows


def _block_value(lesson, block_type: str, block_id: str, key: str) -> str:
    return str(_raw_block(lesson, block_type, block_id).get(key, ""))


def enrolments(user, files: ArchiveFiles) -> list[dict]:
    """Her courses with lesson progress, quiz attempts (with answers), reflections and practical
    activities, in six queries."""
    enrolments = (
        Enrolment.objects.filter(user_id=user.pk)
        .select_related("course", "last_lesson")
        .prefetch_related(
            Prefetch(
                "lesson_progress",
                queryset=LessonProgress.objects.select_related("lesson").order_by("started_at"),
            ),
            Prefetch(
                "quiz_attempts",
                queryset=QuizAttempt.objects.select_related("lesson").order_by("submitted_at"),
            ),
            Prefetch(
                "reflections",
                queryset=ReflectionAnswer.objects.select_related("lesson").order_by("created_at"),
            ),
            Prefetch(
                "activity_signoffs",
                queryset=ActivitySignoff.objects.select_related("lesson").order_by("requested_at"),
            ),
        )
        .order_by("enrolled_at", "pk")
    )
    rows = []
    for enrolment in enrolments:
        rows.append(
            {
                "course": enrolment.course.title,
                "status": enrolment.status,
                "status_label": enrolment.get_status_display(),
                "started": enrolment.enrolled_at,
                "completed": enrolment.completed_at,
                "withdrawn": enrolment.withdrawn_at,
                "last_activity": enrolment.last_activity_at,
                "last_lesson_opened": (
                    enrolment.last_lesson.title if enrolment.last_lesson else None
                ),
                "lessons": [
                    {
                        "lesson": progress.lesson.title,
                        "started": progress.started_at,
                        "completed": progress.completed_at,
                    }
                    for progress in enrolment.lesson_progress.all()
                ],
                "quiz_attempts": [
                    {
                        "lesson": attempt.lesson.title,
                        "quiz": _block_value(attempt.lesson, "quiz", attempt.block_id, "title"),
                        "attempt": attempt.attempt_number,
                        "score_percent": attempt.score,
                        "passed": attempt.passed,
                        "submitted": attempt.submitted_at,
                        "answers": _quiz_answers(attempt),
                    }
                    for attempt in enrolment.quiz_attempts.all()
                ],
                "reflections": [
                    {
                        "lesson": reflection.lesson.title,
                        "prompt": _block_value(
                            reflection.lesson, "reflection", reflection.block_id, "prompt"
                        ),
                        "your_answer": reflection.text,
                        "written": reflection.created_at,
                        "last_changed": reflection.updated_at,
                    }
                    for reflection in enrolment.reflections.all()
                ],
                "practical_activities": [
                    {
                        "lesson": signoff.lesson.title,
                        "activity": _block_value(
                            signoff.lesson, "activity", signoff.block_id, "title"
                        ),
                        "status": signoff.status,
                        "status_label": signoff.get_status_display(),
                        "asked_for_sign_off": signoff.requested_at,
                        "signed_off": signoff.signed_off_at,
                        "note": signoff.note,
                        "returned_not_yet": signoff.returned_at,
                        "note_when_returned": signoff.return_note,
                    }
                    for signoff in enrolment.activity_signoffs.all()
                ],
            }
        )
    return rows


# Cohorts -------------------------------------------------------------------------------------


def cohort_memberships(user, files: ArchiveFiles) -> list[dict]:
    """Her groups, with each session she was marked for, in two queries."""
    memberships = (
        CohortMembership.objects.filter(user_id=user.pk)
        .select_related("cohort")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("session").order_by(
                    "session__starts_at", "pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    rows = []
    for membership in memberships:
        attendance = list(membership.attendance.all())
        rows.append(
            {
                "cohort": membership.cohort.name,
                "cohort_starts": membership.cohort.start_date,
                "cohort_ends": membership.cohort.end_date,
                "status": membership.status,
                "status_label": membership.get_status_display(),
                "added": membership.created_at,
                "waitlisted": membership.waitlisted_at,
                "joined": membership.joined_at,
                "completed": membership.completed_at,
                "withdrawn": membership.withdrawn_at,
                "minutes_attended_total": sum(row.minutes_attended for row in attendance),
                "attendance": [
                    {
                        "session": row.session.title,
                        "starts": row.session.starts_at,
                        "length_minutes": row.session.duration_minutes,
                        "status": row.status,
                        "status_label": row.get_status_display(),
                        "minutes_attended": row.minutes_attended,
                    }
                    for row in attendance
                ],
            }
        )
    return rows


def cohorts_facilitated(user, files: ArchiveFiles) -> list[dict]:
    return [
        {"cohort": name, "starts": start, "ends": end}
        for name, start, end in Cohort.objects.filter(facilitators=user)
        .order_by("start_date", "pk")
        .values_list("name", "start_date", "end_date")
    ]


# Mentorship ----------------------------------------------------------------------------------


def mentor_profile(user, files: ArchiveFiles) -> dict | None:
    profile = MentorProfile.objects.filter(user_id=user.pk).prefetch_related("skills").first()
    if profile is None:
        return None
    return {
        "places": profile.capacity,
        "languages": profile.languages,
        "skills": [skill.name for skill in profile.skills.all()],
        "availability": profile.availability,
        "training_completed": profile.training_completed,
        "status": profile.status,
        "status_label": profile.get_status_display(),
    }


def mentee_preferences(user, files: ArchiveFiles) -> dict | None:
    preferences = (
        MenteePreferences.objects.filter(user_id=user.pk).prefetch_related("skills_wanted").first()
    )
    if preferences is None:
        return None
    return {
        "skills_wanted": [skill.name for skill in preferences.skills_wanted.all()],
        "languages": preferences.languages,
    }


def _mentor_knows_of(pairing: MentorshipPairing) -> bool:
    """A mentor never sees a staff proposal the mentee has not accepted (or declined)."""
    if pairing.origin != PairingOrigin.STAFF:
        return True
    return pairing.status not in (PairingStatus.PROPOSED, PairingStatus.DECLINED)


def mentorships(user, files: ArchiveFiles) -> list[dict]:
    """Her pairings, as mentee and as mentor, with the goals and check-ins she may read, in three
    queries.

    As the mentee, everything of every pairing: the goals and check-ins are about her, including
    notes she kept private from staff. As the mentor, the mentee's alias, goals and notes only
    while the pairing is active or paused, as on the site; of a finished one, only its dates and
    the dates of check-ins.
    """
    pairings = (
        MentorshipPairing.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk))
        .select_related("mentor__pathways_profile", "mentee__pathways_profile")
        .prefetch_related(
            Prefetch("goals", queryset=MentorshipGoal.objects.order_by("created_at", "pk")),
            Prefetch("check_ins", queryset=MentorshipCheckIn.objects.order_by("date", "pk")),
        )
        .order_by("created_at", "pk")
    )
    rows = []
    for pairing in pairings:
        as_mentee = pairing.mentee_id == user.pk
        if not as_mentee and not _mentor_knows_of(pairing):
            continue
        sees_records = as_mentee or pairing.status in PAIR_VISIBLE
        sees_other = as_mentee or pairing.status in PAIR_VISIBLE | {PairingStatus.REQUESTED}
        other = pairing.mentor if as_mentee else pairing.mentee
        rows.append(
            {
                "your_part": "mentee" if as_mentee else "mentor",
                "other_person": alias_of(other) if sees_other else None,
                "status": pairing.status,
                "status_label": pairing.get_status_display(),
                "origin_label": pairing.get_origin_display(),
                "created": pairing.created_at,
                "answered": pairing.responded_at,
                "started": pairing.started_at,
                "ended": pairing.ended_at,
                "check_in_every_days": pairing.checkin_every_days,
                "goals": (
                    [
                        {
                            "goal": goal.title,
                            "by_when": goal.due_date,
                            "status": goal.status,
                            "status_label": goal.get_status_display(),
                            "added_by_you": goal.created_by_id == user.pk,
                            "added": goal.created_at,
                            "last_changed": goal.updated_at,
                        }
                        for goal in pairing.goals.all()
                    ]
                    if sees_records
                    else None
                ),
                "check_ins": [
                    {
                        "date": check_in.date,
                        "how": check_in.mode,
                        "how_label": check_in.get_mode_display(),
                        "length_minutes": check_in.duration_minutes,
                        "notes": check_in.notes if sees_records else None,
                        "notes_private_from_staff": check_in.private_from_staff,
                        "recorded_by_you": check_in.recorded_by_id == user.pk,
                    }
                    for check_in in pairing.check_ins.all()
                ],
            }
        )
    return rows


# Certificates and sharing --------------------------------------------------------------------


def certificate_status(certificate: Certificate) -> str:
    if certificate.superseded_by_id is not None:
        return CertificateStatus.REPLACED
    return certificate.status


def certificates(user, files: ArchiveFiles) -> list[dict]:
    """Every certificate she holds or held, as printed, with its code and status, in one query.

    The PDF and the signed credential of a current certificate go into the archive when they
    are stored; none is made for the export. A withdrawn or replaced certificate's files are left
    out, as on the site.
    """
    rows = []
    for certificate in (
        Certificate.objects.filter(user_id=user.pk)
        .select_related("superseded_by")
        .order_by("issued_at", "pk")
    ):
        code = format_code(certificate.verification_code)
        status = certificate_status(certificate)
        pdf_file = credential_file = None
        note = ""
        if status in (CertificateStatus.REVOKED, CertificateStatus.REPLACED):
            note = _("Withdrawn or replaced, so its files are not included, as on the site.")
        else:
            if certificate.pdf:
                pdf_file = f"certificates/{code}.pdf"
                files.stored.append((pdf_file, certificate.pdf.name))
            else:
                note = _("The PDF was not ready yet. You can download it from My certificates.")
            if certificate.credential:
                credential_file = f"credentials/{code}.json"
                files.documents.append((credential_file, certificate.credential))
        printed = {
            k: v for k, v in (certificate.printed_data or {}).items() if k != "issuer_logo_id"
        }
        rows.append(
            {
                "code": code,
                "check_it_at": verification_url(certificate.verification_code),
                "title": certificate.printed_title,
                "achievement": certificate.printed_achievement,
                "issuer": certificate.printed_issuer_name,
                "name_printed": certificate.printed_name,
                "name_choice": certificate.name_choice,
                "printed": printed,
                "completed_on": certificate.completed_on,
                "issued": certificate.issued_at,
                "expires": certificate.expires_at,
                "status": status,
                "withdrawn": certificate.revoked_at,
                "replaced": certificate.superseded_at,
                "replaced_by": (
                    format_code(certificate.superseded_by.verification_code)
                    if certificate.superseded_by_id
                    else None
                ),
                "pdf_file": pdf_file,
                "credential_file": credential_file,
                "files_note": note,
            }
        )
    return rows


def credential_releases(user, files: ArchiveFiles) -> list[dict]:
    """What she shared with employers, and the consent she signed, in two queries."""
    releases = (
        CredentialRelease.objects.filter(participant_id=user.pk)
        .select_related("employer")
        .prefetch_related(
            Prefetch(
                "released_certificates",
                queryset=ReleasedCertificate.objects.select_related("certificate")
                .only("release_id", "certificate__verification_code", "certificate__printed_title")
                .order_by("certificate__pk"),
            )
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "employer": release.employer.name,
            "certificates": [
                {
                    "code": format_code(item.certificate.verification_code),
                    "title": item.certificate.printed_title,
                }
                for item in release.released_certificates.all()
            ],
            "also_shown": release.disclosed_fields,
            "purpose": release.purpose,
            "status": release.status,
            "status_label": release.get_status_display(),
            "how_given": release.method,
            "signed": release.created_at,
            "ends": release.expires_at,
            "stopped": release.revoked_at,
            "how_stopped": release.revocation_method or None,
            "replaced": release.superseded_at,
            "your_signature": release.signature,
            "consent_text_version": release.consent_version,
            "consent_text_language": release.consent_language,
            "consent_text": release.consent_text,
        }
        for release in releases
    ]


def employer_access_log(user, files: ArchiveFiles) -> list[dict]:
    """Every time an employer saw one of her certificates, as on "Who has seen my certificates"."""
    rows = []
    for access in participant_access_log(user).order_by("accessed_at", "pk"):
        if access.employer_user_id:
            who = chosen_name_of(access.employer_user)
        elif access.api_key_id:
            who = access.api_key.name
        else:
            who = ""
        rows.append(
            {
                "employer": access.employer.name,
                "who": who,
                "certificate": format_code(access.certificate.verification_code),
                "certificate_title": access.certificate.printed_title,
                "how": access.channel,
                "how_label": access.get_channel_display(),
                "shown": access.disclosed_fields,
                "when": access.accessed_at,
            }
        )
    return rows


def legal_name_reads(user, files: ArchiveFiles) -> list[dict]:
    """When staff saw her legal name, and on which screen (the audit never holds the name)."""
    if not apps.is_installed("pathways.lms.security"):
        return []
    reads = apps.get_model("pathways_security", "LegalNameRead").objects.filter(subject_id=user.pk)
    return [
        {"when": read_at, "screen": view_name or path}
        for read_at, view_name, path in reads.order_by("read_at", "pk").values_list(
            "read_at", "view_name", "path"
        )
    ]


def notices(user, files: ArchiveFiles) -> list[dict]:
    """Her notices, oldest first, as the notices page words them."""
    return [
        {
            "kind": notice.kind,
            "notice": notice.message,
            "page": notice.url,
            "made": notice.created_at,
            "read": notice.read_at,
            "emailed": notice.emailed_at,
        }
        for notice in notices_for_user(user).order_by("created_at", "pk")
    ]


def employer_organisations(user, files: ArchiveFiles) -> list[str]:
    """Partner employers she signs in for, as an employer's web user."""
    return list(user.employer_organisations.order_by("name").values_list("name", flat=True))


#: The sections of ``data.json``, in order. ``lms.privacy.inventory`` names the section that
#: exports each reference to a person.
EXPORT_SOURCES: list[tuple[str, Callable[[Any, ArchiveFiles], Any]]] = [
    ("account", account),
    ("roles", roles),
    ("enrolments", enrolments),
    ("cohort_memberships", cohort_memberships),
    ("cohorts_facilitated", cohorts_facilitated),
    ("mentor_profile", mentor_profile),
    ("mentee_preferences", mentee_preferences),
    ("mentorships", mentorships),
    ("certificates", certificates),
    ("credential_releases", credential_releases),
    ("employer_access_log", employer_access_log),
    ("employer_organisations", employer_organisations),
    ("legal_name_reads", legal_name_reads),
    ("notices", notices),
]


def personal_data(user) -> tuple[dict, ArchiveFiles]:
    """Everything the system holds about ``user``, by section, and the files to go with it."""
    files = ArchiveFiles()
    data = {
        "about": {
            "what": _("Everything this site holds about you."),
            "made": timezone.now(),
            "format_version": 1,
        }
    }
    for section, collect in EXPORT_SOURCES:
        data[section] = collect(user, files)
    return data, files


# Erasure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasurePreview:
    """What erasing a person would do, in numbers, for the confirmation page."""

    enrolments: int
    reflections: int
    cohort_memberships: int
    minutes_attended: int
    certificates: int
    certificates_to_revoke: int
    releases_in_force: int
    pairings: int


def erasure_preview(subject) -> ErasurePreview:
    now = timezone.now()
    certs = Certificate.objects.filter(user_id=subject.pk)
    return ErasurePreview(
        enrolments=Enrolment.objects.filter(user_id=subject.pk).count(),
        reflections=ReflectionAnswer.objects.filter(enrolment__user_id=subject.pk).count(),
        cohort_memberships=CohortMembership.objects.filter(user_id=subject.pk).count(),
        minutes_attended=Attendance.objects.filter(membership__user_id=subject.pk).aggregate(
            total=Sum("minutes_attended")
        )["total"]
        or 0,
        certificates=certs.count(),
        certificates_to_revoke=certs.filter(revoked_at__isnull=True).count(),
        releases_in_force=CredentialRelease.objects.filter(
            participant_id=subject.pk,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
            expires_at__gt=now,
        ).count(),
        pairings=MentorshipPairing.objects.filter(
            Q(mentor_id=subject.pk) | Q(mentee_id=subject.pk)
        ).count(),
    )

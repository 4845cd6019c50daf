"""Every place the database points at a person, and what the export and erasure do with it.

Each key is ``app_label.Model.field`` for a foreign key, one-to-one or many-to-many field that
points at the user model. A reference is either exported (``section`` names the part of
``data.json`` that holds it) or not (``reason`` says why), and ``erasure`` says what erasing the
person does to the rows. ``tests/privacy/test_inventory.py`` fails when a model gains a reference
to a person that is not listed here, so a new model is never silently left out of an export or
an erasure.

Apps that may not be installed (``django_otp`` devices, say) can be listed; their entries are
ignored while the app is absent.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    section: str = ""
    reason: str = ""
    erasure: str = ""

    @property
    def exported(self) -> bool:
        return bool(self.section)


# Reasons shared by many references.
ACTOR = (
    "Records who did something for someone else (staff enrolling, signing off, issuing, "
    "recording). The record belongs to the other person's data."
)
ACTOR_KEPT = "Kept: it names staff, not the person erased."
STAFF_ADMIN = (
    "Wagtail admin content and history: staff work on pages, documents, images, comments and "
    "workflows. Participants, mentors and employers cannot use the admin."
)
STAFF_ADMIN_ERASURE = "Staff accounts are never erased, so nothing to do."
TECHNICAL = "Short-lived technical state of the admin, not information about the person."

REFERENCES: dict[str, Reference] = {
    # The person
    "pathways_accounts.Profile.user": Reference(
        section="account",
        erasure=(
            "Kept, emptied: the chosen name replaced, the legal name, alias, language and safe "
            "ways to contact her blanked, and 'do not contact' set."
        ),
    ),
    # Courses
    "pathways_courses.Enrolment.user": Reference(
        section="enrolments",
        erasure=(
            "Kept for counts, with progress and scores; an active enrolment is withdrawn. "
            "Reflections are deleted, quiz answers and sign-off notes emptied."
        ),
    ),
    "pathways_courses.Enrolment.enrolled_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_courses.ActivitySignoff.signed_off_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_courses.ActivitySignoff.returned_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    # Cohorts
    "pathways_cohorts.Cohort.facilitators": Reference(
        section="cohorts_facilitated", erasure=STAFF_ADMIN_ERASURE
    ),
    "pathways_cohorts.CohortMembership.user": Reference(
        section="cohort_memberships",
        erasure="Kept for counts, with attendance; an open place is given up (withdrawn).",
    ),
    "pathways_cohorts.CohortMembership.added_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_cohorts.Attendance.recorded_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    # Mentorship
    "pathways_mentoring.MentorProfile.user": Reference(
        section="mentor_profile",
        erasure="Kept for counts, paused, with its availability, languages and skills emptied.",
    ),
    "pathways_mentoring.MenteePreferences.user": Reference(
        section="mentee_preferences", erasure="Deleted."
    ),
    "pathways_mentoring.MentorshipPairing.mentor": Reference(
        section="mentorships",
        erasure=(
            "Kept for counts; an open pairing is ended. Notes she wrote are emptied; her "
            "mentee's goals stay with the mentee."
        ),
    ),
    "pathways_mentoring.MentorshipPairing.mentee": Reference(
        section="mentorships",
        erasure=(
            "Kept for counts; an open pairing is ended. Every goal and check-in note of the "
            "pairing is emptied: they are about her."
        ),
    ),
    "pathways_mentoring.MentorshipPairing.proposed_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_mentoring.MentorshipPairing.ended_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_mentoring.MentorshipGoal.created_by": Reference(
        section="mentorships", erasure="See the pairing: emptied when the goal is hers."
    ),
    "pathways_mentoring.MentorshipCheckIn.recorded_by": Reference(
        section="mentorships", erasure="Notes she wrote are emptied."
    ),
    # Certificates and sharing
    "pathways_certificates.Certificate.user": Reference(
        section="certificates",
        erasure=(
            "Kept for counts and so that the code verifies as revoked: revoked, the printed "
            "name replaced, the signed credential and the stored PDF deleted."
        ),
    ),
    "pathways_certificates.Certificate.issued_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_certificates.Certificate.revoked_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_certificates.CertificateBatch.requested_by": Reference(
        reason=ACTOR, erasure=ACTOR_KEPT
    ),
    "pathways_employers.EmployerOrganisation.users": Reference(
        section="employer_organisations", erasure="Kept: the account is deactivated."
    ),
    "pathways_employers.EmployerApiKey.created_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_sharing.CredentialRelease.participant": Reference(
        section="credential_releases",
        erasure=(
            "Kept for counts: a release in force is stopped; the typed signature, purpose and "
            "staff notes are replaced."
        ),
    ),
    "pathways_sharing.CredentialRelease.recorded_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_sharing.CredentialRelease.revoked_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    "pathways_sharing.CredentialAccess.participant": Reference(
        section="employer_access_log", erasure="Kept for counts: it holds no personal data."
    ),
    "pathways_sharing.CredentialAccess.employer_user": Reference(
        reason=(
            "What an employer's web user looked at is the participants' record: each of them "
            "sees it in her own 'who has seen my certificates' log."
        ),
        erasure="Kept: the account is anonymised, so it no longer names her.",
    ),
    # Security
    "pathways_security.LegalNameRead.subject": Reference(
        section="legal_name_reads", erasure="Kept: it never holds the name itself."
    ),
    "pathways_security.LegalNameRead.reader": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    # Notices
    "pathways_notices.Notice.user": Reference(section="notices", erasure="Deleted."),
    # Privacy
    "pathways_privacy.ErasureRecord.erased_by": Reference(reason=ACTOR, erasure=ACTOR_KEPT),
    # Sign-in
    "authtoken.Token.user": Reference(
        section="account",
        erasure="Deleted.",
    ),
    "wagtailcore.APIToken.user": Reference(
        reason="A sign-in key for Wagtail's API, a secret kept only as a hash.",
        erasure="Deleted.",
    ),
    "wagtailusers.UserProfile.user": Reference(
        section="account", erasure="Deleted, with its avatar image."
    ),
    "otp_totp.TOTPDevice.user": Reference(
        reason="A two-factor sign-in secret: never put in a file.", erasure="Deleted."
    ),
    "otp_static.StaticDevice.user": Reference(
        reason="Two-factor backup codes: secrets, never put in a file.", erasure="Deleted."
    ),
    # Wagtail admin
    "wagtailadmin.EditingSession.user": Reference(reason=TECHNICAL, erasure="Deleted."),
    "wagtailadmin.FormState.user": Reference(
        reason=TECHNICAL,
        erasure="Deleted, and so are unsaved admin forms about her account.",
    ),
    "wagtailcore.ModelLogEntry.user": Reference(
        reason=STAFF_ADMIN,
        erasure="Kept; entries about her records have her names replaced.",
    ),
    "wagtailcore.PageLogEntry.user": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.Revision.user": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.WorkflowState.requested_by": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
    "wagtailcore.TaskState.finished_by": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.Page.owner": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.Page.locked_by": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.Comment.user": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.Comment.resolved_by": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.CommentReply.user": Reference(reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE),
    "wagtailcore.PageSubscription.user": Reference(
        reason=STAFF_ADMIN, erasure="Deleted (admin e-mail notification choices)."
    ),
    "wagtailcore.UploadedFile.uploaded_by_user": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
    "wagtaildocs.Document.uploaded_by_user": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
    "wagtailimages.Image.uploaded_by_user": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
    # Translating courses in the admin (wagtail-localize, where the site installs it)
    "wagtail_localize.StringTranslation.last_translated_by": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
    "wagtail_localize.SegmentOverride.last_translated_by": Reference(
        reason=STAFF_ADMIN, erasure=STAFF_ADMIN_ERASURE
    ),
}


def user_references() -> list[str]:
    """Every field of an installed model that points at the user model, as ``app.Model.field``.

    Inherited fields are named after the model that declares them (``wagtailcore.Page.owner``
    for every page type); proxies and the through tables of many-to-many fields are skipped.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model is not user_model:
                continue
            if field.many_to_one or field.one_to_one or field.many_to_many:
                declaring = field.model._meta.concrete_model
                found.add(f"{declaring._meta.label}.{field.name}")
    return sorted(found)

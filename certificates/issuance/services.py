"""Every change to certificates goes through these functions: issue, name choice, reissue, revoke,
and issuing for a whole cohort.

Each runs in one transaction, checks its rules before writing anything and raises
``ValidationError`` with a plain-language message when a rule is not met, leaving data unchanged.
Each change staff make is written to the certificate's (or batch's) history here, so the admin
and the staff API, which only call these functions, record it exactly once.

Earned only. A certificate says its holder completed something, so every issue reads the
completion rules (:mod:`certificates.issuance_selectors`) at the moment it is made, under the
participant's lock: automatic, by staff, or in a cohort batch. Only programme staff issuing to
one person may go ahead although the rules are not met, by choosing to and giving a reason; the
certificate is marked ``issued_without_completion`` and the reason written to its history.

Exactly once. At most one *current* certificate (not superseded) exists per participant and
achievement (``course:<id>`` or ``cohort:<id>``). Issuing first locks the participant's row
(``select_for_update``), so concurrent completions queue behind each other and the later ones find
the certificate the first one made; the database's partial unique constraint is the last line:
an insert that loses a race anyway is caught inside a savepoint and the existing certificate is
returned. On SQLite every write transaction is serialised (``BEGIN IMMEDIATE``).

What is printed is copied onto the certificate when it is issued (name, title, achievement,
dates, hours, skills, issuer, colours, paper size, language, template revision), so a later edit
of the template never changes an issued certificate. For a cohort programme the achievement
printed is the list of the cohort's course titles: the product never prints a cohort's name,
location or programme type.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from pathways.certificates.issuance import codes
from pathways.certificates.issuance.eligibility import (
    Eligibility,
    achievement_eligibility,
    cohort_batch_preview,
)
from pathways.certificates.issuance.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    NameChoice,
)
from pathways.certificates.issuance.signals import certificate_issued, certificate_revoked
from pathways.cohorts.models import Cohort, CohortCourse, CohortMembership, MembershipStatus
from pathways.cohorts.selectors import attended_hours, format_hours
from pathways.courses import translations as course_translations
from pathways.courses.models import CoursePage, Skill
from pathways.courses.selectors import skill_names
from pathways.lms.accounts.names import chosen_name_of, legal_name_of, stored_profile
from pathways.lms.accounts.roles import is_programme_staff
from pathways.lms.core.languages import translation_for

logger = logging.getLogger(__name__)

# A fresh code colliding with an existing one is a one-in-2^80 event; a few tries are plenty.
CODE_ATTEMPTS = 5
# Members whose cohort certificate staff may issue in a batch (if they met the rules).
BATCH_MEMBER_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.COMPLETED)
# History entries (registered in ``wagtail_hooks``): a certificate issued although the
# completion rules were not met, revoked, reissued; a batch run again.
ISSUE_OVERRIDE_ACTION = "pathways.certificate.issue_override"
REVOKE_ACTION = "pathways.certificate.revoke"
REISSUE_ACTION = "pathways.certificate.reissue"
BATCH_RUN_ACTION = "pathways.certificate.batch_run"
_MAX_ACHIEVEMENT_LENGTH = Certificate._meta.get_field("printed_achievement").max_length


# Achievements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    """What a certificate is for: a course, or a cohort's programme."""

    course: CoursePage | None = None
    cohort: Cohort | None = None

    @property
    def key(self) -> str:
        return achievement_key(course=self.course, cohort=self.cohort)


def achievement_key(*, course: CoursePage | None = None, cohort: Cohort | None = None) -> str:
    """The stored key of an achievement: ``course:<id>`` or ``cohort:<id>``."""
    if course is not None:
        return f"course:{course.pk}"
    return f"cohort:{cohort.pk}"


def _achievement(*, course, cohort) -> Achievement:
    if (course is None) == (cohort is None):
        raise ValidationError(_("Please choose either a course or a cohort programme, not both."))
    # A translation of a course is the course itself: one certificate, whatever the language.
    return Achievement(course=course_translations.source_page(course), cohort=cohort)


def _achievement_of(certificate: Certificate) -> Achievement:
    return Achievement(course=certificate.course, cohort=certificate.cohort)


# Checks and look-ups -----------------------------------------------------------------------------


def _lock_user(user):
    """Lock the participant's row: every issuance for her queues behind this, whatever it is for."""
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _lock_certificate(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("template", "course", "cohort")
        .get(pk=certificate.pk)
    )


def _lock_owner_and_certificate(certificate: Certificate):
    """Lock the owner's row, then the certificate's: always in this order, as issuing does."""
    owner_id = Certificate.objects.values_list("user_id", flat=True).get(pk=certificate.pk)
    owner = get_user_model().objects.select_for_update().get(pk=owner_id)
    locked = _lock_certificate(certificate)
    locked.user = owner
    return owner, locked


def _current(*, user, key: str) -> Certificate | None:
    return Certificate.objects.filter(
        user_id=user.pk, achievement_key=key, superseded_by__isnull=True
    ).first()


def _covers(template: CertificateTemplate, achievement: Achievement) -> bool:
    if achievement.course is not None:
        return template.courses.filter(pk=achievement.course.pk).exists()
    return template.cohorts.filter(pk=achievement.cohort.pk).exists()


def templates_for(*, course: CoursePage | None = None, cohort: Cohort | None = None):
    """The certificate templates staff set up for an achievement, oldest first."""
    if course is not None:
        return CertificateTemplate.objects.filter(courses=course).order_by("pk")
    return CertificateTemplate.objects.filter(cohorts=cohort).order_by("pk")


def _eligibility(*, user, achievement: Achievement) -> Eligibility:
    """Whether (and on which day) she met the achievement's completion rules, read now."""
    return achievement_eligibility(user=user, course=achievement.course, cohort=achievement.cohort)


class NotCompleted(ValidationError):
    """She has not met the completion rules; ``missing`` says what, in plain words."""

    def __init__(self, message: str, *, missing: list[str]):
        super().__init__(message)
        self.missing = missing


def _not_completed(*, user, missing: list[str]) -> NotCompleted:
    return NotCompleted(
        _(
            "%(name)s has not met the completion rules yet (%(missing)s). A certificate says "
            "she completed it. To issue it anyway, to this one person, choose to issue although "
            "the rules are not met and give the reason."
        )
        % {"name": chosen_name_of(user), "missing": "; ".join(missing)},
        missing=missing,
    )


def staff_label(certificate: Certificate) -> str:
    """How staff pages and the history name a certificate: its title and the participant's chosen
    name, never the printed name, which may be legal."""
    return f"{certificate.printed_title} – {chosen_name_of(certificate.user)}"


def _require_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message)
    return reason


def _check_name_choice(name_choice: str) -> None:
    if name_choice not in NameChoice.values:
        raise ValidationError(_("Please choose your chosen name or your legal name."))


def printed_name_for(user, name_choice: str) -> str:
    """The name printed for a choice: her chosen name, or her legal name if she asked for it.

    Read from her Pathways profile: without one (or without a chosen name) her username is
    printed, never the user model's first and last names, which may be a legal name she did not
    choose to print."""
    _check_name_choice(name_choice)
    if name_choice == NameChoice.LEGAL:
        legal = legal_name_of(user).strip()
        if not legal:
            raise ValidationError(
                _(
                    "There is no legal name on file yet, so it cannot be printed. Programme "
                    "staff can add it, and then it can be chosen."
                )
            )
        return legal
    return chosen_name_of(user).strip() or user.get_username()


# What is printed ------------------------------------------------------------------------------


def _hours_text(hours: Decimal | None) -> str:
    return format_hours(Decimal(hours)) if hours else ""


# The title and wording a new template starts with (see ``CertificateTemplate``). Saved as whatever
# language the staff member had on, so one left unchanged is printed in the template's language.
_DEFAULT_TEXTS = ("Certificate of Completion", "has successfully completed")


def _in_language(text: str, language: str) -> str:
    """The template's text, or, if it is an unchanged default in any language, that default in
    the language the certificate is printed in."""
    text = str(text)
    for default in _DEFAULT_TEXTS:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if text.strip() == translation.gettext(default):
                    with translation.override(language):
                        return translation.gettext(default)
    return text


def template_translation_for(template: CertificateTemplate, user):
    """The template's translation into the participant's preferred language, or None when she
    has no preference, prefers the template's own language, or it has no such translation
    (chosen as every translation is: ``lms.core.languages.translation_for``)."""
    profile = stored_profile(user)
    preferred = (profile.preferred_language if profile is not None else "") or ""
    if not preferred or preferred == template.language:
        return None
    return translation_for(template.translations.all(), preferred)


def _print_for(*, user, achievement: Achievement, template: CertificateTemplate) -> dict:
    """Everything about the achievement and the template that goes on the certificate.

    Printed in the participant's preferred language when the template has a translation into
    it (course titles too, where the course is translated), else in the template's language.
    ``hours`` is a decimal string ("6", "12.5"): the course's estimated hours, or for a cohort
    programme the hours of its sessions she attended. ``skills`` are names, in the printed
    language where a skill is translated into it.
    """
    translated = template_translation_for(template, user)
    language = translated.language if translated is not None else template.language
    title = _in_language(translated.title if translated else template.title, language)
    wording = _in_language(translated.wording if translated else template.wording, language)
    signatory_title = (
        translated.signatory_title if translated and translated.signatory_title else None
    ) or template.signatory_title
    if achievement.course is not None:
        course = achievement.course
        # From the database in the printed language (the page object may be shown in another).
        achievement_text = course_translations.titles_in_language([course], language)[course.pk]
        hours = _hours_text(course.estimated_hours)
        skills = skill_names(Skill.objects.filter(courses=course), language)
        course_titles = [achievement_text]
    else:
        cohort = achievement.cohort
        courses = [
            run.course
            for run in CohortCourse.objects.filter(cohort=cohort)
            .select_related("course")
            .order_by("pk")
        ]
        titles = course_translations.titles_in_language(courses, language)
        course_titles = [titles[course.pk] for course in courses]
        # Never the cohort's own name: it may say where or with whom she took the programme.
        achievement_text = ", ".join(course_titles) or title
        if len(achievement_text) > _MAX_ACHIEVEMENT_LENGTH:
            achievement_text = achievement_text[: _MAX_ACHIEVEMENT_LENGTH - 1].rstrip(", ") + "…"
        hours = _hours_text(attended_hours(user, cohort))
        skills = skill_names(
            Skill.objects.filter(courses__cohort_runs__cohort=cohort).distinct(), language
        )
    return {
        "printed_title": title,
        "printed_achievement": achievement_text,
        "printed_issuer_name": template.issuer_name,
        "printed_data": {
            "wording": wording,
            "signatory_name": template.signatory_name,
            "signatory_title": signatory_title,
            "hours": hours,
            "skills": skills,
            "courses": course_titles,
            "primary_colour": template.primary_colour,
            "accent_colour": template.accent_colour,
            "paper_size": template.printed_paper_size(),
            "language": language,
            # The name the PDF renderer reads; None means the certificate has no logo.
            "issuer_logo_id": template.issuer_logo_id,
        },
    }


def _template_revision(template: CertificateTemplate, *, user=None):
    """The template's latest revision; a first one is saved if it never went through the admin."""
    if template.latest_revision_id is None:
        return template.save_revision(user=user, clean=False)
    return template.latest_revision


def _expires_at(template: CertificateTemplate, issued_at: datetime) -> datetime | None:
    if not template.validity_days:
        return None
    return issued_at + timedelta(days=template.validity_days)


# Writing a certificate ------------------------------------------------------------------------


def _schedule_pdf(certificate: Certificate) -> None:
    def ensure():
        from pathways.certificates.issuance.tasks import ensure_certificate_pdf

        ensure_certificate_pdf(certificate)

    # A PDF that cannot be queued now is made when it is first downloaded: never fail the issue.
    transaction.on_commit(ensure, robust=True)


def _insert(fields: dict, *, user, key: str) -> Certificate | None:
    """Insert a certificate with a fresh code; None if a current one for this achievement exists.

    The code is checked before inserting; a collision at insert time (or a concurrent issuance
    that got past the lock) fails inside a savepoint, which is told apart afterwards.
    """
    for _attempt in range(CODE_ATTEMPTS):
        code = codes.new_verification_code()
        if Certificate.objects.filter(verification_code=code).exists():
            continue
        try:
            with transaction.atomic():
                return Certificate.objects.create(verification_code=code, **fields)
        except IntegrityError:
            if fields["achievement_key"] == key and _current(user=user, key=key) is not None:
                return None
            if Certificate.objects.filter(verification_code=code).exists():
                continue
            raise
    raise RuntimeError("Could not find an unused verification code.")  # pragma: no cover


def _finish(certificate: Certificate) -> Certificate:
    """Announce a newly inserted certificate, inside its transaction (the verifiable-credentials
    app gives it its status-list bit and signed credential), and queue its PDF."""
    certificate_issued.send(sender=Certificate, certificate=certificate)
    _schedule_pdf(certificate)
    return certificate


def _issue(
    *,
    user,
    achievement: Achievement,
    template: CertificateTemplate | None,
    issued_by,
    reason: str,
    name_choice: str | None,
    override_completion: bool = False,
) -> tuple[Certificate | None, bool]:
    """Issue or find the current certificate; ``(certificate, created)``. Runs in a transaction.

    Completion is read here, under the participant's lock, every time: whoever asks (completion,
    staff, a batch) gets a certificate only for what she has completed, unless programme staff
    issuing to this one person chose ``override_completion``; then it is marked and logged.
    """
    by_staff = issued_by is not None
    if by_staff:
        if not is_programme_staff(issued_by):
            raise ValidationError(_("Only programme staff can issue a certificate."))
        reason = _require_reason(reason, _("Please give a reason for issuing this certificate."))
    choice = name_choice or NameChoice.CHOSEN
    _check_name_choice(choice)
    user = _lock_user(user)
    key = achievement.key
    existing = _current(user=user, key=key)
    if existing is not None:
        return existing, False

    if template is None:
        template = templates_for(course=achievement.course, cohort=achievement.cohort).first()
        if template is None:
            if by_staff:
                raise ValidationError(
                    _(
                        "No certificate template is set up for this yet. Please add it to a "
                        "certificate template first."
                    )
                )
            logger.info("No certificate template covers %s; no certificate issued.", key)
            return None, False
    elif not _covers(template, achievement):
        raise ValidationError(
            _(
                "The template “%(template)s” is not set up for this. Please add it to the "
                "template first, or choose another template."
            )
            % {"template": template.name}
        )

    eligibility = _eligibility(user=user, achievement=achievement)
    without_completion = not eligibility.met
    if eligibility.met:
        completed_on = eligibility.completed_on
    elif not by_staff:
        raise ValidationError(
            _("This is not completed yet, so there is no certificate for it yet.")
        )
    elif not override_completion:
        raise _not_completed(user=user, missing=eligibility.missing)
    else:
        # Recognised on the day staff issue it: there is no completion date to print.
        completed_on = timezone.localdate()
    printed_name = printed_name_for(user, choice)
    issued_at = timezone.now()
    fields = {
        "user": user,
        "course": achievement.course,
        "cohort": achievement.cohort,
        "achievement_key": key,
        "template": template,
        "template_revision": _template_revision(template, user=issued_by),
        "name_choice": choice,
        "printed_name": printed_name,
        **_print_for(user=user, achievement=achievement, template=template),
        "completed_on": completed_on,
        "issued_at": issued_at,
        "expires_at": _expires_at(template, issued_at),
        "issued_by": issued_by,
        "issue_reason": reason if by_staff else "",
        "issued_without_completion": without_completion,
    }
    certificate = _insert(fields, user=user, key=key)
    if certificate is None:
        return _current(user=user, key=key), False
    if without_completion:
        log(
            instance=certificate,
            action=ISSUE_OVERRIDE_ACTION,
            user=issued_by,
            title=staff_label(certificate),
            data={"reason": reason, "missing": eligibility.missing},
        )
    return _finish(certificate), True


@transaction.atomic
def certificate_issue(
    *,
    user,
    course: CoursePage | None = None,
    cohort: Cohort | None = None,
    issued_by=None,
    reason: str = "",
    name_choice: str | None = None,
    template: CertificateTemplate | None = None,
    override_completion: bool = False,
) -> Certificate | None:
    """Issue the certificate for a course or a cohort programme, once.

    Every certificate needs the course's or the cohort's completion rules met on the day it is
    issued (:mod:`certificates.issuance_selectors`). Automatic issuance (no ``issued_by``) does
    nothing (returns None, and logs it) when no template covers the achievement. Staff issuance
    (``issued_by``, programme staff, with a ``reason``) is refused when no template covers it, and
    when she has not met the rules (:class:`NotCompleted`, saying what is missing) unless staff
    chose ``override_completion``, for example to recognise prior learning: that is possible only
    here, one person at a time, and is marked on the certificate
    (``issued_without_completion``) and written to its history with the reason.
    ``template`` picks one of the templates covering it (the oldest otherwise). If she already
    holds the current certificate for it, automatic issuance returns that certificate unchanged
    and staff issuance is refused (staff reissue it instead). A certificate staff issue is written
    to its history.
    """
    achievement = _achievement(course=course, cohort=cohort)
    if override_completion and issued_by is None:
        raise ValidationError(_("Only programme staff can issue although the rules are not met."))
    certificate, created = _issue(
        user=user,
        achievement=achievement,
        template=template,
        issued_by=issued_by,
        reason=reason,
        name_choice=name_choice,
        override_completion=override_completion,
    )
    if issued_by is not None:
        if not created:
            raise ValidationError(
                _("%(name)s already holds this certificate. To change it, reissue it.")
                % {"name": chosen_name_of(user)}
            )
        log(
            instance=certificate,
            action="wagtail.create",
            user=issued_by,
            title=staff_label(certificate),
        )
    return certificate


def _supersede(*, old: Certificate, fields: dict, user) -> Certificate:
    """Insert the replacement of ``old`` and mark ``old`` as replaced by it (both rows locked).

    Only one current certificate may exist per achievement, and ``old`` can only point at its
    replacement once the replacement exists: so the replacement is inserted under a temporary key,
    ``old`` is marked, then the replacement takes the real key, all in this transaction.
    """
    key = old.achievement_key
    certificate = _insert({**fields, "achievement_key": f"{key}~{old.pk}"}, user=user, key=key)
    now = timezone.now()
    old.superseded_by = certificate
    old.superseded_at = now
    old.save(update_fields=["superseded_by", "superseded_at"])
    certificate.achievement_key = key
    certificate.save(update_fields=["achievement_key"])
    return _finish(certificate)


def _reissue(
    *, old: Certificate, user, actor, reason: str, name_choice: str, reprint: bool
) -> Certificate:
    """Replace ``old`` (locked, with its owner ``user``) by a new certificate with a new code.

    ``reprint``: print from the template as it is now; otherwise copy what ``old`` printed and
    change only the name.
    """
    if old.superseded_by_id is not None:
        raise ValidationError(
            _("This certificate has already been replaced by a newer one. Please use that one.")
        )
    printed_name = printed_name_for(user, name_choice)
    issued_at = timezone.now()
    fields = {
        "user": user,
        "course": old.course,
        "cohort": old.cohort,
        "template": old.template,
        "name_choice": name_choice,
        "printed_name": printed_name,
        "completed_on": old.completed_on,
        "issued_at": issued_at,
        "issued_by": actor,
        "issue_reason": reason,
        # A replacement is issued for the same reasons as the certificate it replaces.
        "issued_without_completion": old.issued_without_completion,
    }
    if reprint:
        fields.update(
            template_revision=_template_revision(old.template, user=actor),
            expires_at=_expires_at(old.template, issued_at),
            **_print_for(user=user, achievement=_achievement_of(old), template=old.template),
        )
    else:
        fields.update(
            template_revision=old.template_revision,
            expires_at=old.expires_at,
            printed_title=old.printed_title,
            printed_achievement=old.printed_achievement,
            printed_issuer_name=old.printed_issuer_name,
            printed_data=old.printed_data,
        )
    return _supersede(old=old, fields=fields, user=user)


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, actor, reason: str, name_choice: str | None = None
) -> Certificate:
    """Replace a certificate with a new one (a new code); the old one is kept as replaced.

    Programme staff reissue with a reason (written to both certificates' history); the new
    certificate is printed from the template as it
    is now (a corrected wording, say), keeps the completion date and starts a new validity
    period. Staff may reissue a revoked certificate (revoked by mistake): the new one is valid and
    the old one stays revoked. The participant herself may reissue only to change the name
    printed (see :func:`certificate_set_name_choice`): everything else is copied from the old
    certificate, including its expiry.

    A replaced certificate verifies as replaced (with no name shown), and its bit is set in the
    status list, so that no verifier takes the old copy for a valid one.
    """
    if name_choice is not None:
        _check_name_choice(name_choice)
    user, old = _lock_owner_and_certificate(certificate)
    if is_programme_staff(actor):
        reason = _require_reason(reason, _("Please give a reason for reissuing this certificate."))
        certificate = _reissue(
            old=old,
            user=user,
            actor=actor,
            reason=reason,
            name_choice=name_choice or old.name_choice,
            reprint=True,
        )
        log(instance=old, action=REISSUE_ACTION, user=actor, title=staff_label(old))
        log(
            instance=certificate,
            action="wagtail.create",
            user=actor,
            title=staff_label(certificate),
        )
        return certificate
    if actor is None or actor.pk != old.user_id or name_choice is None:
        raise ValidationError(_("Only programme staff can reissue a certificate."))
    if old.revoked_at is not None:
        raise ValidationError(_("This certificate was withdrawn, so its name cannot be changed."))
    return _reissue(
        old=old,
        user=user,
        actor=actor,
        reason=(reason or "").strip() or _("The participant changed the name printed."),
        name_choice=name_choice,
        reprint=False,
    )


@transaction.atomic
def certificate_set_name_choice(*, certificate: Certificate, user, name_choice: str) -> Certificate:
    """The participant chooses whether her chosen or her legal name is printed on a certificate.

    The certificate is reissued with a new code and the old one is kept as replaced, even before
    its PDF is made: its signed credential could already have been downloaded, and a copy with
    the old name must stop verifying as valid (a replaced certificate's status bit is set).
    Returns the certificate now current.
    """
    _check_name_choice(name_choice)
    locked_user, current = _lock_owner_and_certificate(certificate)
    if user is None or current.user_id != user.pk:
        raise ValidationError(_("Only the person a certificate belongs to can change its name."))
    if current.superseded_by_id is not None:
        raise ValidationError(
            _("This certificate has been replaced by a newer one. Please choose there.")
        )
    if current.revoked_at is not None:
        raise ValidationError(_("This certificate was withdrawn, so its name cannot be changed."))
    printed_name = printed_name_for(locked_user, name_choice)
    if current.name_choice == name_choice and current.printed_name == printed_name:
        return current
    return _reissue(
        old=current,
        user=locked_user,
        actor=locked_user,
        reason=_("The participant changed the name printed."),
        name_choice=name_choice,
        reprint=False,
    )


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Programme staff withdraw a certificate, with a private reason. The record is kept.

    The verification page and the revocation status list read ``revoked_at``, so both change as
    soon as this commits. Written to the certificate's history.
    """
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can revoke a certificate."))
    reason = _require_reason(
        reason, _("Please give a reason for revoking. Only programme staff will see it.")
    )
    locked = _lock_certificate(certificate)
    if locked.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    log(instance=locked, action=REVOKE_ACTION, user=actor, title=staff_label(locked))
    transaction.on_commit(
        lambda: certificate_revoked.send(sender=Certificate, certificate=locked), robust=True
    )
    return locked


# A whole cohort -------------------------------------------------------------------------------


def _batch_update(batch: CertificateBatch, **fields) -> None:
    CertificateBatch.objects.filter(pk=batch.pk).update(**fields)


@transaction.atomic
def cohort_certificates_start(
    *, cohort: Cohort, template: CertificateTemplate, actor, reason: str
) -> CertificateBatch:
    """Programme staff issue a cohort programme's certificate to the members who completed it, in
    the background.

    Staff confirm what :func:`certificates.issuance_selectors.cohort_batch_preview` shows first;
    it is read again here rather than trusted from the page, and refused when nobody would receive
    a certificate. Who receives one is decided once more, member by member, when the batch runs
    (:func:`cohort_certificates_issue`). Creates the batch and queues
    :func:`certificates.batch_tasks.issue_cohort_certificates_task` once this transaction commits.
    """
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can issue certificates."))
    reason = _require_reason(reason, _("Please give a reason for issuing these certificates."))
    preview = cohort_batch_preview(cohort=cohort, template=template)
    if not preview.receiving:
        raise ValidationError(
            _(
                "Nobody in this cohort would receive the certificate now: everyone who has met "
                "the completion rules already holds it, or nobody has met them yet."
            )
        )
    total = CohortMembership.objects.filter(cohort=cohort, status__in=BATCH_MEMBER_STATUSES).count()
    batch = CertificateBatch.objects.create(
        cohort=cohort, template=template, requested_by=actor, reason=reason, total=total
    )
    log(instance=batch, action="wagtail.create", user=actor)
    transaction.on_commit(lambda: batch_enqueue(batch=batch))
    return batch


def batch_run_again(*, batch: CertificateBatch, actor) -> None:
    """Programme staff run a batch again after an interruption: only missing certificates are
    issued (see :func:`cohort_certificates_issue`). A finished batch is not run again.

    Written to the batch's history first, then queued outside any transaction of its own: with
    an immediate task backend the batch runs here, committing member by member.
    """
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can issue certificates."))
    if batch.status == BatchStatus.DONE:
        raise ValidationError(_("This batch has finished: there is nothing left to issue."))
    log(instance=batch, action=BATCH_RUN_ACTION, user=actor)
    batch_enqueue(batch=batch)


def batch_enqueue(*, batch: CertificateBatch) -> None:
    """Queue (or queue again, after an interruption) the work of a batch."""
    from pathways.certificates.issuance.batch_tasks import issue_cohort_certificates_task

    issue_cohort_certificates_task.enqueue(batch.pk)


def cohort_certificates_issue(*, batch: CertificateBatch) -> CertificateBatch:
    """Do the work of a batch: issue the cohort certificate to each active or completed member who
    has met the cohort's completion rules on the day it runs.

    The rules are read for each member as she is issued (in :func:`_issue`, under her lock); a
    batch never issues to someone who has not met them, whatever the preview said.

    Resumable. Each member is issued in her own transaction together with the batch's count, so
    progress shows while it runs and an interruption loses at most the member in hand. Running it
    again issues only the certificates still missing: members who hold one are left alone, and the
    one-current-certificate constraint rules out duplicates even if two runs overlap.

    Counts: ``total`` members; ``issued``, certificates this batch made; ``not_completed``, members
    left out because they had not met the rules; ``skipped``, members who already held one from
    elsewhere or could not be given one. The reasons are noted in ``error`` (shown as the batch's
    notes). A batch that stops on an unexpected error is marked failed and the error re-raised.
    """
    with transaction.atomic():
        batch = (
            CertificateBatch.objects.select_for_update(of=("self",))
            .select_related("cohort", "template", "requested_by")
            .get(pk=batch.pk)
        )
        members = list(
            CohortMembership.objects.filter(cohort=batch.cohort, status__in=BATCH_MEMBER_STATUSES)
            .select_related("user__pathways_profile")
            .order_by("pk")
        )
        key = achievement_key(cohort=batch.cohort)
        holders = set(
            Certificate.objects.filter(
                achievement_key=key,
                superseded_by__isnull=True,
                user_id__in=[member.user_id for member in members],
            ).values_list("user_id", flat=True)
        )
        batch.status = BatchStatus.RUNNING
        batch.started_at = batch.started_at or timezone.now()
        batch.finished_at = None
        batch.error = ""
        batch.total = len(members)
        # Those issued by an earlier run of this batch are in ``issued`` already.
        batch.skipped = max(0, len(holders) - batch.issued)
        batch.not_completed = 0
        batch.save(
            update_fields=[
                "status",
                "started_at",
                "finished_at",
                "error",
                "total",
                "skipped",
                "not_completed",
            ]
        )
    if not is_programme_staff(batch.requested_by):
        _batch_update(
            batch,
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "The person who asked for these certificates is no longer programme staff. "
                "Please start a new batch."
            ),
        )
        batch.refresh_from_db()
        return batch
    achievement = Achievement(cohort=batch.cohort)
    notes: list[str] = []
    try:
        for member in members:
            if member.user_id in holders:
                continue
            try:
                with transaction.atomic():
                    _certificate, created = _issue(
                        user=member.user,
                        achievement=achievement,
                        template=batch.template,
                        issued_by=batch.requested_by,
                        reason=batch.reason,
                        name_choice=None,
                        override_completion=False,  # never in a batch
                    )
                    counter = "issued" if created else "skipped"
                    _batch_update(batch, **{counter: F(counter) + 1})
            except NotCompleted as error:
                _batch_update(batch, not_completed=F("not_completed") + 1)
                notes.append(
                    _("%(name)s: not issued, the completion rules are not met (%(missing)s)")
                    % {"name": chosen_name_of(member.user), "missing": "; ".join(error.missing)}
                )
            except ValidationError as error:
                _batch_update(batch, skipped=F("skipped") + 1)
                notes.append(
                    _("%(name)s: %(reason)s")
                    % {"name": chosen_name_of(member.user), "reason": " ".join(error.messages)}
                )
    except Exception as error:
        stopped = _("Stopped by an unexpected error (%(kind)s). It is safe to run it again.") % {
            "kind": type(error).__name__
        }
        _batch_update(
            batch,
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            error="\n".join([*notes, stopped]),
        )
        logger.exception("Certificate batch %s stopped.", batch.pk)
        raise
    _batch_update(
        batch, status=BatchStatus.DONE, finished_at=timezone.now(), error="\n".join(notes)
    )
    batch.refresh_from_db()
    return batch

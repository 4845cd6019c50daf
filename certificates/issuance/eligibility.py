"""Reads that decide whether someone has earned a certificate, and say in plain words what not.

A certificate says its holder completed something, so issuing reads the completion rules here and
nowhere else: a course's own rules (``courses.selectors.completion_report``, decided by
``courses.services.enrolment_evaluate_completion``) and a cohort's
(``cohorts.selectors.cohort_member_completion``). Staff see the same explanations before a cohort
batch starts and when they issue to one person.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.certificates.issuance.models import Certificate, CertificateTemplate
from pathways.cohorts.models import Cohort
from pathways.cohorts.selectors import MemberCompletion, cohort_member_completion
from pathways.courses.models import CoursePage, Enrolment, EnrolmentStatus
from pathways.courses.selectors import completion_report


@dataclass(frozen=True)
class Eligibility:
    """Whether someone met an achievement's completion rules, when, and what is missing."""

    completed_on: date | None
    missing: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.completed_on is not None


def _day(moment) -> date:
    return timezone.localdate(moment) if moment else timezone.localdate()


def _course_eligibility(user, course: CoursePage) -> Eligibility:
    enrolment = Enrolment.objects.filter(user_id=user.pk, course=course).first()
    if enrolment is None:
        return Eligibility(None, [_("Not enrolled in the course")])
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return Eligibility(_day(enrolment.completed_at))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return Eligibility(None, [_("Withdrew from the course")])
    enrolment.course = course
    unmet = [str(requirement.label) for requirement in completion_report(enrolment).unmet]
    return Eligibility(None, unmet or [_("Course completion not recorded yet")])


def _from_member(member: MemberCompletion) -> Eligibility:
    if not member.complete:
        return Eligibility(None, list(member.missing))
    return Eligibility(_day(member.completed_at))


def achievement_eligibility(
    *, user, course: CoursePage | None = None, cohort: Cohort | None = None
) -> Eligibility:
    """Whether she has met the completion rules of a course or a cohort's programme today."""
    if course is not None:
        return _course_eligibility(user, course)
    members = cohort_member_completion(cohort, user_ids=[user.pk])
    if not members:
        return Eligibility(None, [_("Has no place in the cohort")])
    return _from_member(members[0])


@dataclass
class BatchPreview:
    """What a cohort batch would do if it ran now: who receives the certificate, who does not
    and why."""

    cohort: Cohort
    template: CertificateTemplate
    receiving: list[MemberCompletion] = field(default_factory=list)
    # (member, reasons) for each member who would not receive one.
    not_receiving: list[tuple[MemberCompletion, list[str]]] = field(default_factory=list)


def cohort_batch_preview(*, cohort: Cohort, template: CertificateTemplate) -> BatchPreview:
    """The "check your answers" of a cohort batch, in a fixed number of queries.

    Members with a place (active or completed) who met the cohort's rules and do not hold its
    current certificate receive one; everyone else with a place is listed with the reason. A
    template not set up for the cohort is refused (``ValidationError``).
    """
    if not template.cohorts.filter(pk=cohort.pk).exists():
        raise ValidationError(
            _(
                "The template “%(template)s” is not set up for this cohort's programme. Please add "
                "the cohort to the template first, or choose another template."
            )
            % {"template": template.name}
        )
    members = cohort_member_completion(cohort)
    holders = set(
        Certificate.objects.filter(
            cohort=cohort,
            superseded_by__isnull=True,
            user_id__in=[member.membership.user_id for member in members],
        ).values_list("user_id", flat=True)
    )
    preview = BatchPreview(cohort=cohort, template=template)
    for member in members:
        if member.membership.user_id in holders:
            preview.not_receiving.append((member, [_("Already holds this certificate")]))
        elif not member.complete:
            preview.not_receiving.append((member, list(member.missing)))
        else:
            preview.receiving.append(member)
    return preview

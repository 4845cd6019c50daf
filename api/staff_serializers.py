"""What programme staff and facilitators send to and read from the API.

People are named by their chosen name only: never a legal name (a certificate's printed name may
be one, so it is left out), contact details, answers or reflections.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pathways.api.serializers import StrictSerializer
from pathways.certificates.issuance.codes import format_code
from pathways.certificates.issuance.models import CertificateStatus
from pathways.cohorts.models import Cohort, CohortMode, CohortStatus, MembershipStatus
from pathways.cohorts.selectors import format_hours, minutes_to_hours
from pathways.courses.models import CoursePage
from pathways.courses.translations import sources_only
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.roles import Role
from pathways.mentoring.models import PairingOrigin, PairingStatus


class PersonSerializer(serializers.Serializer):
    """A person as staff read her here: her chosen name (her username until she gives one)."""

    id = serializers.IntegerField()
    chosen_name = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_chosen_name(self, user) -> str:
        return chosen_name_of(user)


# Cohorts ---------------------------------------------------------------------------------------


class CohortCourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="course.id")
    title = serializers.CharField(source="course.title")
    min_attended_hours = serializers.DecimalField(max_digits=6, decimal_places=2)


class CohortSerializer(serializers.Serializer):
    """A cohort with its courses and counts: never its members' details (see memberships)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    time_zone = serializers.CharField()
    capacity = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=CohortMode.choices)
    status = serializers.ChoiceField(choices=CohortStatus.choices)
    places_taken = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    sessions_count = serializers.IntegerField()
    enrolment_opens_at = serializers.DateTimeField(allow_null=True)
    enrolment_closes_at = serializers.DateTimeField(allow_null=True)
    courses = CohortCourseSerializer(source="cohort_courses", many=True)


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    participant = PersonSerializer(source="user")
    status = serializers.ChoiceField(choices=MembershipStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    waitlisted_at = serializers.DateTimeField(allow_null=True)
    joined_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    attended_hours = serializers.SerializerMethodField(
        help_text=gettext_lazy("Hours of the cohort's sessions attended, e.g. 1.5.")
    )

    def get_attended_hours(self, membership) -> str:
        return format_hours(minutes_to_hours(membership.attended_minutes))


# Mentorship ------------------------------------------------------------------------------------


class PairingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mentor = PersonSerializer()
    mentee = PersonSerializer()
    status = serializers.ChoiceField(choices=PairingStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    origin = serializers.ChoiceField(choices=PairingOrigin.choices)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    checkin_every_days = serializers.IntegerField()


# Certificates ----------------------------------------------------------------------------------


def participants():
    return (
        get_user_model()
        .objects.filter(groups__name=Role.PARTICIPANT, is_active=True)
        .distinct()
        .order_by("pk")
    )


@extend_schema_field(OpenApiTypes.INT)
class SourceCourseField(serializers.PrimaryKeyRelatedField):
    """A live course, named by its source page: certificates are for the course, not for one of
    its translations (``courses.translations``). Built per request, not at import."""

    def get_queryset(self):
        return sources_only(CoursePage.objects.live())


class CertificateIssueSerializer(StrictSerializer):
    participant = serializers.PrimaryKeyRelatedField(queryset=participants())
    course = SourceCourseField(required=False, allow_null=True)
    cohort = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "A cohort's programme: its certificate prints the course titles, never its name."
        ),
    )
    reason = serializers.CharField(
        max_length=2000,
        help_text=gettext_lazy("Why, e.g. recognised prior learning. Only staff see it."),
    )
    override_completion = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "Issue although the participant has not met the completion rules of the course or "
            "programme (for example, to recognise prior learning). Without it such an issue is "
            "refused with 400 and `fields.override_completion` says what is missing. With it, "
            "the certificate is marked `issued_without_completion` and the reason is kept in its "
            "history. One person at a time: cohort batches never do this."
        ),
    )


class CertificateRevokeSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=2000, help_text=gettext_lazy("Why. Only programme staff see it.")
    )


class StaffCertificateSerializer(serializers.Serializer):
    """A certificate as staff read it here: the printed name is left out, as in the admin."""

    id = serializers.IntegerField()
    code = serializers.SerializerMethodField()
    participant = PersonSerializer(source="user")
    title = serializers.CharField(source="printed_title")
    achievement = serializers.CharField(source="printed_achievement")
    issuer = serializers.CharField(source="printed_issuer_name")
    status = serializers.SerializerMethodField()
    completed_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    issued_without_completion = serializers.BooleanField(
        help_text=gettext_lazy(
            "Staff issued it although the completion rules were not met "
            "(see `override_completion`)."
        )
    )

    def get_code(self, certificate) -> str:
        return format_code(certificate.verification_code)

    @extend_schema_field(serializers.ChoiceField(choices=CertificateStatus.values))
    def get_status(self, certificate) -> str:
        if certificate.superseded_by_id is not None:
            return CertificateStatus.REPLACED.value
        return CertificateStatus(certificate.status).value

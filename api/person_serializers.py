"""What participants and mentors send to and read from the API.

Output serializers read only what their selector loaded (no per-item queries) and only what the
reader may see: a participant reads everything of her own; a mentor reads a mentee's alias,
a progress summary, certificate titles and their shared goals. Input serializers refuse unknown
fields; the rules themselves (ownership, signature, dates) are the services'.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pathways.api.serializers import MAX_ID, FlatListField, StrictSerializer
from pathways.certificates.employers.models import EmployerOrganisation
from pathways.certificates.issuance.codes import format_code, verification_url
from pathways.certificates.issuance.models import CURRENT_STATUS_CHOICES, NameChoice
from pathways.certificates.sharing.models import (
    AccessChannel,
    DisclosedField,
    ReleaseMethod,
    ReleaseStatus,
)
from pathways.courses.models import EnrolmentStatus
from pathways.lms.accounts.names import alias_of, chosen_name_of, legal_name_of, stored_profile
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.mentoring.models import GoalStatus

# Authentication --------------------------------------------------------------------------------


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(
        max_length=254, help_text=_("Your username or e-mail address.")
    )
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_(
            "Two-step sign-in, for anyone who uses it in the admin (programme staff, "
            "facilitators, administrators): the 6-digit code from the authenticator app, or one "
            "of the backup codes. Without it such an account gets no token (400, under "
            "fields.otp_token). Others leave it out."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it as: Authorization: Token <token>. Signing in again replaces it.")
    )
    second_factor = serializers.BooleanField(
        help_text=_(
            "Whether this sign-in passed two-step sign-in. Staff endpoints accept only such tokens."
        )
    )


# The participant herself -----------------------------------------------------------------------


ROLE_KEYS = {
    Role.PARTICIPANT: "participant",
    Role.MENTOR: "mentor",
    Role.FACILITATOR: "facilitator",
    Role.PROGRAMME_STAFF: "programme_staff",
    Role.EMPLOYER: "employer",
}


def role_keys(user) -> list[str]:
    roles = [key for role, key in ROLE_KEYS.items() if has_role(user, role)]
    if is_programme_staff(user) and "programme_staff" not in roles:
        roles.append("programme_staff")
    return roles


class MeSerializer(serializers.Serializer):
    """The signed-in person's own profile. Her own legal name is hers to see.

    Someone with no Pathways profile yet (an account made by the host site) reads her username
    as her chosen name and blanks for the rest; reading never makes a profile.
    """

    id = serializers.IntegerField()
    username = serializers.CharField()
    chosen_name = serializers.SerializerMethodField()
    legal_name = serializers.SerializerMethodField()
    peer_alias = serializers.SerializerMethodField(
        help_text=_("What cohort-mates and mentors see: the alias, or the chosen name."),
    )
    preferred_language = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_chosen_name(self, user) -> str:
        return chosen_name_of(user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_legal_name(self, user) -> str:
        return legal_name_of(user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_peer_alias(self, user) -> str:
        return alias_of(user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_preferred_language(self, user) -> str:
        profile = stored_profile(user)
        return profile.preferred_language if profile else ""

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(ROLE_KEYS.values())))
    )
    def get_roles(self, user) -> list[str]:
        return role_keys(user)


class CourseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EnrolmentSerializer(serializers.Serializer):
    """One of her enrolments with its progress (an ``EnrolmentSummary``)."""

    course = CourseRefSerializer()
    status = serializers.ChoiceField(source="enrolment.status", choices=EnrolmentStatus.choices)
    status_label = serializers.CharField(source="enrolment.get_status_display")
    percent = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    enrolled_at = serializers.DateTimeField(source="enrolment.enrolled_at")
    completed_at = serializers.DateTimeField(source="enrolment.completed_at", allow_null=True)
    last_activity_at = serializers.DateTimeField(
        source="enrolment.last_activity_at", allow_null=True
    )


class MyCertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.SerializerMethodField(help_text=_("The verification code, grouped."))
    verify_url = serializers.SerializerMethodField()
    title = serializers.CharField(source="printed_title")
    achievement = serializers.CharField(source="printed_achievement")
    issuer = serializers.CharField(source="printed_issuer_name")
    name_as_printed = serializers.CharField(source="printed_name")
    name_choice = serializers.ChoiceField(choices=NameChoice.choices)
    completed_on = serializers.DateField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=CURRENT_STATUS_CHOICES)
    shareable = serializers.SerializerMethodField(
        help_text=_("Whether it can be shared with an employer (it is not revoked).")
    )

    def get_code(self, certificate) -> str:
        return format_code(certificate.verification_code)

    def get_verify_url(self, certificate) -> str:
        return verification_url(certificate.verification_code)

    def get_shareable(self, certificate) -> bool:
        return certificate.revoked_at is None


class EmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ConsentTextQuerySerializer(StrictSerializer):
    employer = serializers.PrimaryKeyRelatedField(
        queryset=EmployerOrganisation.objects.all(),
        help_text=_("The employer she is about to share with (from /me/employers/)."),
    )


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ConsentTextSerializer(serializers.Serializer):
    """Everything to show before she signs: the words, and the choices and limits she has."""

    employer = EmployerSerializer()
    version = serializers.CharField(help_text=_("Send it back as consent_version when signing."))
    language = serializers.CharField()
    text = serializers.CharField()
    default_ends_on = serializers.DateField()
    latest_ends_on = serializers.DateField()
    disclosable = ChoiceSerializer(many=True)


class ReleasedCertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="certificate.id")
    code = serializers.SerializerMethodField()
    title = serializers.CharField(source="certificate.printed_title")
    achievement = serializers.CharField(source="certificate.printed_achievement")

    def get_code(self, item) -> str:
        return format_code(item.certificate.verification_code)


class ReleaseSerializer(serializers.Serializer):
    """One of her releases as she sees it. Staff-only notes are never included."""

    id = serializers.IntegerField()
    employer = EmployerSerializer()
    status = serializers.ChoiceField(choices=ReleaseStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    certificates = ReleasedCertificateSerializer(source="released_certificates", many=True)
    disclose = serializers.ListField(
        source="disclosed_fields",
        child=serializers.ChoiceField(choices=DisclosedField.choices),
        help_text=_("Shown beyond the name as printed and the title."),
    )
    purpose = serializers.CharField()
    method = serializers.ChoiceField(choices=ReleaseMethod.choices)
    signature = serializers.CharField()
    consent_version = serializers.CharField()
    signed_at = serializers.DateTimeField(source="created_at")
    ends_at = serializers.DateTimeField(source="expires_at")
    ends_on = serializers.SerializerMethodField(help_text=_("The last day it is shared."))
    revoked_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)

    def get_ends_on(self, release) -> str:
        # A release ending on a day lasts until the start of the next one (see release_services).
        last_moment = timezone.localtime(release.expires_at - timedelta(microseconds=1))
        return last_moment.date().isoformat()


class ReleaseCreateSerializer(StrictSerializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=EmployerOrganisation.objects.all())
    certificates = FlatListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=100,
        help_text=_("Ids of her own current certificates (from /me/certificates/)."),
    )
    disclose = FlatListField(
        child=serializers.ChoiceField(choices=DisclosedField.choices),
        required=False,
        default=list,
        max_length=len(DisclosedField.values),
        help_text=_("What to show beyond the name as printed and the title."),
    )
    purpose = serializers.CharField(max_length=500)
    ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The last day it is shared: 90 days from today if left out, at most 365."),
    )
    signature = serializers.CharField(
        max_length=200, help_text=_("Her name, typed, as it is on her account.")
    )
    consent_version = serializers.CharField(
        max_length=20,
        help_text=_("The version of the consent text she was shown (from /me/consent-text/)."),
    )


class AccessCertificateSerializer(serializers.Serializer):
    code = serializers.SerializerMethodField()
    title = serializers.CharField(source="printed_title")
    achievement = serializers.CharField(source="printed_achievement")

    def get_code(self, certificate) -> str:
        return format_code(certificate.verification_code)


class EmployerNameSerializer(serializers.Serializer):
    name = serializers.CharField()


class AccessLogEntrySerializer(serializers.Serializer):
    """One look at one of her certificates: who, what, how and when.

    ``viewed_by`` is the chosen name of the employer's web user who looked, or the name the
    organisation gave the API key its system used, as on her "Who has seen my certificates" page.
    """

    id = serializers.IntegerField()
    employer = EmployerNameSerializer()
    certificate = AccessCertificateSerializer()
    channel = serializers.ChoiceField(choices=AccessChannel.choices)
    channel_label = serializers.CharField(source="get_channel_display")
    shown = serializers.ListField(source="disclosed_fields", child=serializers.CharField())
    api_key_name = serializers.SerializerMethodField()
    viewed_by = serializers.SerializerMethodField()
    accessed_at = serializers.DateTimeField()

    def get_viewed_by(self, access) -> str | None:
        if access.employer_user_id:
            return chosen_name_of(access.employer_user)
        if access.api_key_id:
            return access.api_key.name
        return None

    def get_api_key_name(self, access) -> str | None:
        if access.channel != AccessChannel.API or access.api_key is None:
            return None
        return access.api_key.name


# Mentors ---------------------------------------------------------------------------------------


class MenteeCourseSerializer(serializers.Serializer):
    """A course as a mentor may know it: title and how far along, nothing answered."""

    title = serializers.CharField()
    percent = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    lessons_total = serializers.IntegerField()
    # A withdrawn enrolment is never part of the summary.
    status = serializers.ChoiceField(
        choices=[
            (v, label) for v, label in EnrolmentStatus.choices if v != EnrolmentStatus.WITHDRAWN
        ]
    )
    status_label = serializers.CharField()
    last_activity_at = serializers.DateTimeField(allow_null=True)


class MenteeSerializer(serializers.Serializer):
    pairing_id = serializers.IntegerField()
    alias = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    last_checkin = serializers.DateField(allow_null=True)
    checkin_overdue = serializers.BooleanField()
    progress = MenteeCourseSerializer(many=True)
    certificate_titles = serializers.ListField(child=serializers.CharField())


class GoalSerializer(serializers.Serializer):
    title = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices)
    status_label = serializers.CharField(source="get_status_display")


class MenteeDetailSerializer(MenteeSerializer):
    goals = GoalSerializer(many=True)

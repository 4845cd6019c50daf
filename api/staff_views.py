"""The API for programme staff and facilitators: cohorts, memberships, pairings, and issuing and
revoking certificates.

What each person may reach follows the rest of the product. A facilitator sees only the
cohorts she is assigned to (``cohorts.selectors``); programme staff see every cohort and pairing,
and change certificates, within the Django model permissions the Wagtail admin checks for the same
work. Anyone else signed in gets 403; a cohort outside someone's reach answers 404.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404

import django_filters
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.api import staff_serializers as s
from pathways.api.permissions import StaffMember
from pathways.api.person_views import PersonEndpoint
from pathways.api.schema import extend_schema
from pathways.certificates.issuance import services as certificate_services
from pathways.certificates.issuance.models import Certificate
from pathways.cohorts.models import Cohort, CohortCourse, CohortMembership, MembershipStatus
from pathways.cohorts.selectors import (
    CURRENT_STATUSES,
    cohorts_facilitated_by,
    membership_attended_minutes,
)
from pathways.lms.accounts.people import by_chosen_name
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.mentoring.models import MentorshipPairing, PairingStatus

VIEW_COHORT = "pathways_cohorts.view_cohort"
VIEW_MEMBERSHIP = "pathways_cohorts.view_cohortmembership"
VIEW_PAIRING = "pathways_mentoring.view_mentorshippairing"
ADD_CERTIFICATE = "pathways_certificates.add_certificate"
CHANGE_CERTIFICATE = "pathways_certificates.change_certificate"

#: The user model's username field, whichever model the site uses (read by ``chosen_name_of``).
USERNAME = get_user_model().USERNAME_FIELD


def _staff_with(user, permission: str) -> bool:
    """Programme staff holding the model permission the admin asks for the same work."""
    return is_programme_staff(user) and user.has_perm(permission)


# Permissions -----------------------------------------------------------------------------------


class RunsCohorts(StaffMember):
    """Programme staff who may view cohorts, and facilitators (who see their own cohorts), signed
    in with the second factor."""

    def is_staff_member(self, request, view) -> bool:
        user = request.user
        return _staff_with(user, VIEW_COHORT) or has_role(user, Role.FACILITATOR)


class StaffWithPermission(StaffMember):
    """Programme staff with the view's ``required_permission``, signed in with the second
    factor."""

    def is_staff_member(self, request, view) -> bool:
        return _staff_with(request.user, view.required_permission)


# Cohorts ---------------------------------------------------------------------------------------


def visible_cohorts(user):
    """Every cohort for staff who may view cohorts; otherwise only those she is assigned to.
    Each carries its counts (``cohorts.selectors.cohorts_facilitated_by``)."""
    cohorts = cohorts_facilitated_by(user)
    if not _staff_with(user, VIEW_COHORT):
        cohorts = cohorts.filter(facilitators=user)
    return cohorts


def with_courses(cohorts):
    """The cohorts' courses in one more query, whatever their number."""
    runs = (
        CohortCourse.objects.select_related("course")
        .only("id", "cohort_id", "min_attended_hours", "course__id", "course__title")
        .order_by("course__title", "pk")
    )
    return cohorts.prefetch_related(Prefetch("cohort_courses", queryset=runs))


def one_of(cohorts, cohort_id: int) -> Cohort:
    """One of the cohorts she may see, or 404: one out of reach looks like one that does not
    exist."""
    cohort = cohorts.filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    return cohort


@extend_schema(tags=["staff"], summary="Cohorts I run (all cohorts for programme staff)")
class StaffCohortListView(PersonEndpoint, generics.ListAPIView):
    permission_classes = [RunsCohorts]
    filter_backends = []
    serializer_class = s.CohortSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cohort.objects.none()
        return with_courses(visible_cohorts(self.request.user))


class StaffCohortDetailView(PersonEndpoint, APIView):
    permission_classes = [RunsCohorts]

    @extend_schema(tags=["staff"], summary="One cohort", responses=s.CohortSerializer)
    def get(self, request, cohort_id: int):
        cohort = one_of(with_courses(visible_cohorts(request.user)), cohort_id)
        return Response(s.CohortSerializer(cohort).data)


class MembershipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MembershipStatus.choices)

    class Meta:
        model = CohortMembership
        fields = ["status"]


@extend_schema(tags=["staff"], summary="A cohort's members")
class StaffCohortMembershipsView(PersonEndpoint, generics.ListAPIView):
    """A cohort's memberships with attended hours. Facilitators see current members (not
    withdrawn ones), as on their roster; staff who may view memberships see every status."""

    permission_classes = [RunsCohorts]
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CohortMembership.objects.none()
        user = self.request.user
        cohort = one_of(visible_cohorts(user), self.kwargs["cohort_id"])
        memberships = CohortMembership.objects.filter(cohort=cohort)
        if not _staff_with(user, VIEW_MEMBERSHIP):
            memberships = memberships.filter(status__in=CURRENT_STATUSES)
        return (
            memberships.select_related("user__pathways_profile")
            .only(
                "id",
                "cohort_id",
                "status",
                "created_at",
                "waitlisted_at",
                "joined_at",
                "completed_at",
                "withdrawn_at",
                "user__id",
                f"user__{USERNAME}",
                "user__pathways_profile__chosen_name",
            )
            .annotate(attended_minutes=membership_attended_minutes())
            .order_by(by_chosen_name("user"), "pk")
        )


class PairingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PairingStatus.choices)

    class Meta:
        model = MentorshipPairing
        fields = ["status"]


@extend_schema(tags=["staff"], summary="Mentorship pairings (programme staff)")
class StaffPairingListView(PersonEndpoint, generics.ListAPIView):
    permission_classes = [StaffWithPermission]
    required_permission = VIEW_PAIRING
    serializer_class = s.PairingSerializer
    filterset_class = PairingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MentorshipPairing.objects.none()
        return (
            MentorshipPairing.objects.select_related(
                "mentor__pathways_profile", "mentee__pathways_profile"
            )
            .only(
                "id",
                "status",
                "origin",
                "created_at",
                "started_at",
                "ended_at",
                "checkin_every_days",
                "mentor__id",
                f"mentor__{USERNAME}",
                "mentor__pathways_profile__chosen_name",
                "mentee__id",
                f"mentee__{USERNAME}",
                "mentee__pathways_profile__chosen_name",
            )
            .order_by("-created_at", "-pk")
        )


# Certificates ----------------------------------------------------------------------------------


class StaffCertificateIssueView(PersonEndpoint, APIView):
    """Issue a certificate by hand with a reason, as the admin's "Issue a certificate" does."""

    permission_classes = [StaffWithPermission]
    required_permission = ADD_CERTIFICATE

    @extend_schema(
        tags=["staff"],
        summary="Issue a certificate",
        description=(
            "Issues the certificate of a course or a cohort's programme to one participant, with "
            "a reason. A certificate says she completed it, so this is refused (400, with "
            "`fields.override_completion` listing what is missing) when she has not met the "
            "completion rules, unless `override_completion` is true; such a certificate is "
            "marked `issued_without_completion` and the reason is kept in its history."
        ),
        request=s.CertificateIssueSerializer,
        responses={201: s.StaffCertificateSerializer},
    )
    def post(self, request):
        data = s.CertificateIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            certificate = certificate_services.certificate_issue(
                user=values["participant"],
                course=values.get("course"),
                cohort=values.get("cohort"),
                issued_by=request.user,
                reason=values["reason"],
                override_completion=values["override_completion"],
            )
        except certificate_services.NotCompleted as error:
            raise serializers.ValidationError({"override_completion": error.messages}) from error
        return Response(
            s.StaffCertificateSerializer(certificate).data, status=status.HTTP_201_CREATED
        )


class StaffCertificateRevokeView(PersonEndpoint, APIView):
    """Revoke a certificate with a private reason; the record is kept, as in the admin."""

    permission_classes = [StaffWithPermission]
    required_permission = CHANGE_CERTIFICATE

    @extend_schema(
        tags=["staff"],
        summary="Revoke a certificate",
        request=s.CertificateRevokeSerializer,
        responses=s.StaffCertificateSerializer,
    )
    def post(self, request, certificate_id: int):
        data = s.CertificateRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = Certificate.objects.filter(pk=certificate_id).defer("credential").first()
        if certificate is None:
            raise Http404
        certificate = certificate_services.certificate_revoke(
            certificate=certificate, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(s.StaffCertificateSerializer(certificate).data)

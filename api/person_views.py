"""The API for people: signing an app in, a participant's own records and sharing, and a mentor's
mentees.

Views are thin: selectors decide what each person may see (anything else answers 404 as if it
did not exist) and services make every change. Lists are paginated and run a fixed number of
queries whatever their length.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiResponse
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pathways.api import person_serializers as s
from pathways.api.authentication import ParticipantTokenAuthentication
from pathways.api.base_views import PathwaysAPIMixin
from pathways.api.permissions import IsMentor, IsParticipant, IsSignedInPerson
from pathways.api.schema import ERROR_DESCRIPTIONS, ErrorSerializer, extend_schema
from pathways.api.serializers import EmptyInputSerializer
from pathways.api.services import token_issue
from pathways.certificates.issuance import selectors
from pathways.certificates.issuance.models import Certificate
from pathways.certificates.sharing import selectors as release_selectors
from pathways.certificates.sharing import services as release_services
from pathways.certificates.sharing.consent import CONSENT_VERSION, consent_language, consent_text
from pathways.certificates.sharing.models import CredentialRelease, DisclosedField
from pathways.courses.selectors import participant_enrolment_summaries
from pathways.lms.accounts.names import alias_of
from pathways.lms.security.two_factor import (
    confirmed_authenticator,
    needs_second_factor,
    second_factor_code_check,
)
from pathways.mentoring.models import MentorshipGoal, MentorshipPairing, PairingStatus
from pathways.mentoring.selectors import (
    OPEN_GOAL_STATUSES,
    CourseProgress,
    checkin_is_overdue,
    mentee_progress,
)

#: People sign in with a token (apps) or the site's session (with CSRF). An employer's API key
#: is an organisation, not a person: it is not read here, so these endpoints answer it 401.
PERSON_AUTHENTICATION = [ParticipantTokenAuthentication, SessionAuthentication]


class PersonEndpoint(PathwaysAPIMixin):
    """First in the bases of every view for people: the API's DRF configuration
    (``base_views``), their authentication, and answers that are never stored by a browser or
    proxy (the site's middleware only sees session sign-ins, not tokens)."""

    authentication_classes = PERSON_AUTHENTICATION

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


# Signing an app in -----------------------------------------------------------------------------


class AuthTokenView(PersonEndpoint, APIView):
    """POST: a token for a username (or e-mail address) and password. DELETE: sign it out.

    A failed sign-in gets one message whatever was wrong, so that it never tells whether an
    account exists. Signing in again replaces the previous token, so a lost phone's token stops
    working once she signs in elsewhere (or signs out).

    Anyone the admin asks for two-step sign-in (programme staff, facilitators, administrators)
    gets a token only with a code as well (``otp_token``), checked and slowed down after wrong
    codes exactly as the admin's own page does; the token records it, and only such a token
    reaches the staff endpoints. Participants and mentors sign in with the password alone.
    """

    @classmethod
    def as_view(cls, **initkwargs):
        # A wrong code counts towards django-otp's slowing down even though the answer is an
        # error, so never run inside a host's ATOMIC_REQUESTS transaction, which would undo it.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsSignedInPerson()]
        return [AllowAny()]

    @extend_schema(
        tags=["auth"],
        summary="Sign in an app",
        description=(
            "Programme staff, facilitators and administrators send `otp_token` too: the code "
            "from their authenticator app or a backup code. Without a right code such an account "
            "gets 400 with `fields.otp_token` saying what to do, and no token."
        ),
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
    )
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(
                _(
                    "That username or e-mail address and password do not match an account. "
                    "Check them and try again."
                )
            )
        device = None
        if needs_second_factor(user):
            device = self._second_factor(user, data.validated_data.get("otp_token", ""))
        token = token_issue(user=user, second_factor_device=device)
        return Response(
            s.TokenSerializer({"token": token.key, "second_factor": device is not None}).data
        )

    @staticmethod
    def _second_factor(user, code: str):
        """The device that accepted her code; otherwise a 400 that says what to send."""
        if confirmed_authenticator(user) is None:
            raise ValidationError(
                {
                    "otp_token": [
                        _(
                            "This account uses two-step sign-in, which is not set up yet. Sign "
                            "in to the admin to set it up, then send a code from your "
                            "authenticator app as otp_token."
                        )
                    ]
                }
            )
        if not code:
            raise ValidationError(
                {
                    "otp_token": [
                        _(
                            "This account uses two-step sign-in. Send the 6-digit code from "
                            "your authenticator app, or one of your backup codes, as otp_token."
                        )
                    ]
                }
            )
        check = second_factor_code_check(user=user, code=code)
        if check.device is None:
            raise ValidationError({"otp_token": [check.error]})
        return check.device

    @extend_schema(
        tags=["auth"],
        summary="Sign an app out (delete its token)",
        request=None,
        responses={204: OpenApiResponse(description="Signed out.")},
    )
    def delete(self, request):
        if isinstance(request.auth, Token):
            request.auth.delete()
        else:
            Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# The participant herself -----------------------------------------------------------------------


class MeView(PersonEndpoint, APIView):
    """Anyone signed in reads their own profile; ``roles`` tells an app which parts apply."""

    permission_classes = [IsSignedInPerson]

    @extend_schema(tags=["me"], summary="My profile", responses=s.MeSerializer)
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class ParticipantListView(PersonEndpoint, generics.ListAPIView):
    permission_classes = [IsParticipant]
    filter_backends = []

    def selected(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        return self.selected()


@extend_schema(tags=["me"], summary="My courses and progress")
class MyEnrolmentsView(ParticipantListView):
    serializer_class = s.EnrolmentSerializer

    def selected(self):
        return participant_enrolment_summaries(self.request.user)


@extend_schema(tags=["me"], summary="My certificates")
class MyCertificatesView(ParticipantListView):
    serializer_class = s.MyCertificateSerializer

    def selected(self):
        return selectors.participant_certificates(self.request.user)


@extend_schema(tags=["me"], summary="Employers I can share certificates with")
class EmployersView(ParticipantListView):
    serializer_class = s.EmployerSerializer

    def selected(self):
        return release_selectors.employers_for_sharing().only("id", "name")


class ConsentTextView(PersonEndpoint, APIView):
    """The words she reads before sharing with an employer, in her language, with the version
    to send back when she signs."""

    permission_classes = [IsParticipant]

    @extend_schema(
        tags=["me"],
        summary="The consent text to show before sharing",
        parameters=[s.ConsentTextQuerySerializer],
        responses={
            200: s.ConsentTextSerializer,
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
        },
    )
    def get(self, request):
        query = s.ConsentTextQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        employer = query.validated_data["employer"]
        today = timezone.localdate()
        body = {
            "employer": employer,
            "version": CONSENT_VERSION,
            "language": consent_language(),
            "text": consent_text(employer_name=employer.name),
            "default_ends_on": release_services.default_end_date(today),
            "latest_ends_on": release_services.latest_end_date(today),
            "disclosable": [{"value": v, "label": label} for v, label in DisclosedField.choices],
        }
        return Response(s.ConsentTextSerializer(body).data)


class MyReleaseListView(PersonEndpoint, generics.GenericAPIView):
    """Her releases (every one, current first), and sharing certificates with an employer."""

    permission_classes = [IsParticipant]
    filter_backends = []
    serializer_class = s.ReleaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CredentialRelease.objects.none()
        return release_selectors.participant_releases(self.request.user)

    @extend_schema(tags=["me"], summary="My releases", responses=s.ReleaseSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ReleaseSerializer(page, many=True).data)

    @extend_schema(
        tags=["me"],
        summary="Share certificates with an employer",
        request=s.ReleaseCreateSerializer,
        responses={201: s.ReleaseSerializer},
    )
    def post(self, request):
        data = s.ReleaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        release = release_services.release_create(
            participant=request.user,
            employer=values["employer"],
            certificates=values["certificates"],
            disclosed_fields=values["disclose"],
            purpose=values["purpose"],
            ends_on=values.get("ends_on"),
            signature=values["signature"],
            actor=request.user,
            consent_version=values["consent_version"],
        )
        release = release_selectors.participant_release(request.user, release.pk)
        return Response(s.ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)


class MyReleaseDetailView(PersonEndpoint, APIView):
    permission_classes = [IsParticipant]

    @extend_schema(tags=["me"], summary="One of my releases", responses=s.ReleaseSerializer)
    def get(self, request, release_id: int):
        release = release_selectors.participant_release(request.user, release_id)
        return Response(s.ReleaseSerializer(release).data)


class MyReleaseRevokeView(PersonEndpoint, APIView):
    """Stop sharing, from the employer's very next request. Stopping twice changes nothing."""

    permission_classes = [IsParticipant]

    @extend_schema(
        tags=["me"],
        summary="Stop sharing (revoke a release)",
        request=EmptyInputSerializer,
        responses=s.ReleaseSerializer,
    )
    def post(self, request, release_id: int):
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        release = release_selectors.participant_release(request.user, release_id)
        release_services.release_revoke(release=release, actor=request.user)
        release = release_selectors.participant_release(request.user, release_id)
        return Response(s.ReleaseSerializer(release).data)


@extend_schema(tags=["me"], summary="Who has seen my certificates")
class MyAccessLogView(ParticipantListView):
    serializer_class = s.AccessLogEntrySerializer

    def selected(self):
        return release_selectors.participant_access_log(self.request.user)


# Mentors ---------------------------------------------------------------------------------------


@dataclass
class MenteeSummary:
    """What a mentor may see of a mentee: her alias, a progress summary, certificate titles and
    the goals they share. Built from the pairing; never carries her user record."""

    pairing_id: int
    alias: str
    started_at: datetime | None
    last_checkin: date | None
    checkin_overdue: bool
    progress: list[CourseProgress]
    certificate_titles: list[str]
    goals: list[MentorshipGoal] = field(default_factory=list)


def _active_pairings(mentor):
    """A mentor's ACTIVE pairings only: a paused, ended or completed one shows nothing here."""
    return (
        MentorshipPairing.objects.filter(mentor=mentor, status=PairingStatus.ACTIVE)
        .select_related("mentee__pathways_profile")
        .only(
            "id",
            "status",
            "started_at",
            "checkin_every_days",
            "mentee__id",
            f"mentee__{get_user_model().USERNAME_FIELD}",
            "mentee__pathways_profile__chosen_name",
            "mentee__pathways_profile__peer_alias",
        )
        .annotate(last_checkin=Max("check_ins__date"))
        .order_by("started_at", "pk")
    )


def _certificate_titles(user_ids) -> dict[int, list[str]]:
    """Titles of current, unrevoked certificates, in one query: titles only, as the product
    allows a mentor."""
    titles: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    if user_ids:
        rows = (
            Certificate.objects.filter(
                user_id__in=user_ids, superseded_by__isnull=True, revoked_at__isnull=True
            )
            .order_by("-issued_at", "-pk")
            .values_list("user_id", "printed_title")
        )
        for user_id, title in rows:
            titles[user_id].append(title)
    return titles


def _mentee_summaries(pairings) -> list[MenteeSummary]:
    mentee_ids = [pairing.mentee_id for pairing in pairings]
    progress = mentee_progress(mentee_ids) if mentee_ids else {}
    titles = _certificate_titles(mentee_ids)
    today = timezone.localdate()
    return [
        MenteeSummary(
            pairing_id=pairing.pk,
            alias=alias_of(pairing.mentee),
            started_at=pairing.started_at,
            last_checkin=pairing.last_checkin,
            checkin_overdue=checkin_is_overdue(
                last_checkin=pairing.last_checkin,
                started_at=pairing.started_at,
                every_days=pairing.checkin_every_days,
                today=today,
            ),
            progress=progress.get(pairing.mentee_id, []),
            certificate_titles=titles.get(pairing.mentee_id, []),
        )
        for pairing in pairings
    ]


@extend_schema(tags=["mentor"], summary="My mentees (active pairings)")
class MentorMenteesView(PersonEndpoint, generics.ListAPIView):
    permission_classes = [IsMentor]
    filter_backends = []
    serializer_class = s.MenteeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MentorshipPairing.objects.none()
        return _active_pairings(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            s.MenteeSerializer(_mentee_summaries(page), many=True).data
        )


class MentorMenteeDetailView(PersonEndpoint, APIView):
    permission_classes = [IsMentor]

    @extend_schema(
        tags=["mentor"], summary="One mentee (active pairing)", responses=s.MenteeDetailSerializer
    )
    def get(self, request, pairing_id: int):
        pairing = _active_pairings(request.user).filter(pk=pairing_id).first()
        if pairing is None:
            raise Http404
        summary = _mentee_summaries([pairing])[0]
        goals = list(MentorshipGoal.objects.filter(pairing=pairing).order_by("due_date", "pk"))
        goals.sort(key=lambda goal: goal.status not in OPEN_GOAL_STATUSES)
        summary.goals = goals
        return Response(s.MenteeDetailSerializer(summary).data)

"""Who may call what. Default deny: every view names the permission it needs."""

from django.utils.translation import gettext_lazy as _

from rest_framework.permissions import BasePermission

from pathways.certificates.employers.models import EmployerApiKey
from pathways.lms.accounts.roles import Role, has_role
from pathways.lms.security.two_factor import second_factor_passed


class IsSignedInPerson(BasePermission):
    """A signed-in person (session or token). An employer key is not a person."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


class IsEmployerClient(BasePermission):
    """An employer's API client with a live key that may read shared credentials."""

    scope = "credentials:read"

    def has_permission(self, request, view) -> bool:
        key = request.auth
        return isinstance(key, EmployerApiKey) and self.scope in (key.scopes or [])


class IsParticipant(IsSignedInPerson):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and has_role(request.user, Role.PARTICIPANT)


class IsMentor(IsSignedInPerson):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and has_role(request.user, Role.MENTOR)


class StaffMember(IsSignedInPerson):
    """The base of every staff endpoint's permission: the role (``is_staff_member``), then the
    same two-step check the admin asks for (``lms.security``).

    A session passes when it gave a code to the admin; an app's token passes when it was given
    after a code (``POST auth/token/`` with ``otp_token``). A password alone reaches
    none of the staff endpoints. The second-factor refusal has its own code and message, and is
    told only to people whose role would otherwise let them in.
    """

    second_factor_message = _(
        "Staff endpoints need two-step sign-in. Sign in to the admin with a code from your "
        "authenticator app, or get a token by sending the code as otp_token."
    )
    second_factor_code = "second_factor_required"

    def is_staff_member(self, request, view) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        if not (super().has_permission(request, view) and self.is_staff_member(request, view)):
            return False
        if second_factor_passed(request.user):
            return True
        # DRF reads these from the instance it made for this request.
        self.message = self.second_factor_message
        self.code = self.second_factor_code
        return False

"""Who may call what. Default deny: every view names the permission it needs."""

from rest_framework.permissions import BasePermission

from certificates.models import EmployerApiKey
from lms.accounts.roles import Role, has_role, is_programme_staff


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


class IsProgrammeStaff(IsSignedInPerson):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and is_programme_staff(request.user)

"""Template context for the navigation: which roles the person signed in holds, where each of
them lands, and the admin link for staff."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from pathways.lms.accounts import workspaces
from pathways.lms.accounts.roles import Role, has_role, is_facilitator, is_programme_staff


def _admin_url(user) -> str:
    if not (user and is_programme_staff(user)):
        return ""
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # a site without the Wagtail admin
        return ""


def roles(request):
    user = getattr(request, "user", None)
    # Looked up only if a template asks, so pages that never show them pay no query.
    return {
        "user_is_facilitator": SimpleLazyObject(lambda: bool(user and is_facilitator(user))),
        "user_is_participant": SimpleLazyObject(
            lambda: bool(user and has_role(user, Role.PARTICIPANT))
        ),
        "user_is_mentor": SimpleLazyObject(lambda: bool(user and has_role(user, Role.MENTOR))),
        "user_is_employer_only": SimpleLazyObject(
            lambda: bool(user and workspaces.is_employer_only(user))
        ),
        # Programme staff and superusers: a link to the admin in the site's header.
        "staff_admin_url": SimpleLazyObject(lambda: _admin_url(user)),
        # Her roles' landing pages, for "Switch to" (shown when she holds two or more).
        "user_workspaces": SimpleLazyObject(lambda: workspaces.workspaces_of(user)),
        "user_home_url": SimpleLazyObject(
            lambda: workspaces.home_url(user) if user is not None else ""
        ),
    }

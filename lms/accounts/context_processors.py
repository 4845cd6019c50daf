"""Template context for the navigation: which roles the person signed in holds."""

from django.utils.functional import SimpleLazyObject

from pathways.lms.accounts.roles import Role, has_role, is_facilitator


def roles(request):
    user = getattr(request, "user", None)
    # Looked up only if a template asks, so pages that never show them pay no query.
    return {
        "user_is_facilitator": SimpleLazyObject(lambda: bool(user and is_facilitator(user))),
        "user_is_participant": SimpleLazyObject(
            lambda: bool(user and has_role(user, Role.PARTICIPANT))
        ),
        "user_is_mentor": SimpleLazyObject(lambda: bool(user and has_role(user, Role.MENTOR))),
    }

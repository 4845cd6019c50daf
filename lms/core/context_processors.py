"""Template context every page needs: the neutral brand, the exit destination, role flags."""

from django.utils.functional import SimpleLazyObject

from pathways.certificates.sharing.selectors import employer_for_user
from pathways.lms.accounts.roles import Role, has_role, is_facilitator
from pathways.lms.core import app_settings


def pathways(request):
    user = getattr(request, "user", None)
    return {
        "brand_name": app_settings.PATHWAYS_BRAND_NAME,
        "exit_url": app_settings.PATHWAYS_EXIT_URL,
        # Looked up only if a template asks, so pages that never show it pay no query.
        "user_is_facilitator": SimpleLazyObject(lambda: bool(user and is_facilitator(user))),
        "user_is_participant": SimpleLazyObject(
            lambda: bool(user and has_role(user, Role.PARTICIPANT))
        ),
        "user_is_mentor": SimpleLazyObject(lambda: bool(user and has_role(user, Role.MENTOR))),
        "user_is_employer": SimpleLazyObject(
            lambda: bool(user and employer_for_user(user) is not None)
        ),
    }

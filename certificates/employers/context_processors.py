"""Template context for the navigation: whether the person signed in is a partner employer's."""

from django.utils.functional import SimpleLazyObject

from pathways.certificates.employers.selectors import employer_for_user


def employer(request):
    user = getattr(request, "user", None)
    # Looked up only if a template asks, so pages that never show it pay no query.
    return {
        "user_is_employer": SimpleLazyObject(
            lambda: bool(user and employer_for_user(user) is not None)
        ),
    }

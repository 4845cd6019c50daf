"""The languages a site offers, read when asked: model fields name :func:`language_choices`
rather than copying ``settings.LANGUAGES``, so that migrations never depend on a host's
setting (Django writes a reference to the function, not the list)."""

from django.conf import settings


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)

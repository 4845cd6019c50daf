"""The consent text a participant reads before sharing certificates with an employer.

The text is versioned: a release keeps the version and the exact words shown, in the language she
read them in. Change the words by adding a new version, never by editing one in use.

She reads it in her language: online, the language her pages are in (her preferred one unless
she switched); on paper, the form printed for her is in her preferred language
(:func:`participant_language`).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pathways.lms.accounts.names import stored_profile

CONSENT_VERSION = "2026-11"


def consent_text(
    *, employer_name: str, version: str = CONSENT_VERSION, language: str | None = None
) -> str:
    """The words shown for ``version``, in ``language`` (the active one by default), naming the
    employer."""
    if version != CONSENT_VERSION:
        raise ValueError(f"Unknown consent text version {version!r}")
    if language is not None:
        with translation.override(language):
            return consent_text(employer_name=employer_name, version=version)
    paragraphs = [
        _(
            "I choose to let %(employer)s see the certificates I picked, and only the details "
            "I ticked. My name is shown as it is printed on each certificate."
        ),
        _(
            "This is my choice. Saying no, or stopping later, will not change the help or "
            "services I get in any way."
        ),
        _(
            "%(employer)s can see them until the end date I chose, and not after. I can stop "
            "sharing at any time, in one step. It stops from their very next look."
        ),
        _(
            "I can see every time %(employer)s looks at or downloads my certificates. They "
            "cannot see my courses, my progress, my answers, my mentoring or anything about my "
            "health or history."
        ),
        _(
            "Once they have downloaded a certificate, they may keep that copy. Stopping sharing "
            "means they cannot see or download it again through this system."
        ),
    ]
    return "\n\n".join(p % {"employer": employer_name} for p in paragraphs)


def consent_language(language: str | None = None) -> str:
    return (language or get_language() or settings.LANGUAGE_CODE)[:10]


def consent_languages() -> list[tuple[str, str]]:
    """The languages the consent text can be given in: the site's."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def participant_language(user) -> str:
    """The language to give her the consent text in on paper: her preferred language if the site
    offers it, else the site's default."""
    profile = stored_profile(user)
    preferred = (profile.preferred_language if profile is not None else "") or ""
    offered = {code for code, _name in settings.LANGUAGES}
    if preferred in offered:
        return preferred
    if preferred.split("-")[0] in offered:
        return preferred.split("-")[0]
    return settings.LANGUAGE_CODE

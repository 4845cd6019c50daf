"""The consent text a participant reads before sharing certificates with an employer.

The text is versioned: a release keeps the version and the exact words shown, in the language she
read them in. Change the words by adding a new version, never by editing one in use.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

CONSENT_VERSION = "2026-11"


def consent_text(*, employer_name: str, version: str = CONSENT_VERSION) -> str:
    """The words shown for ``version``, in the active language, naming the employer."""
    if version != CONSENT_VERSION:
        raise ValueError(f"Unknown consent text version {version!r}")
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


def consent_language() -> str:
    return (get_language() or "en")[:10]

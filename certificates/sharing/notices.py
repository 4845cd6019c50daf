"""Time-based notices sharing knows about: sharing with an employer that ends within a week.

She hears of it once per release, so that she can renew it if she wants to; sharing she set to
last a week or less from the start is left alone, as she just chose its end. Found daily through
``lms.notices``' hook (``DUE_NOTICES_HOOK``, registered in wagtail_hooks.py).
"""

from datetime import datetime, timedelta

from django.db.models import F
from django.urls import reverse

from pathways.certificates.sharing.models import CredentialRelease
from pathways.certificates.sharing.selectors import active_release_q
from pathways.lms.notices.services import DueNotice, NoticeKind

ENDS_SOON = timedelta(days=7)


def sharing_ending_soon(*, now: datetime) -> list[DueNotice]:
    """Releases in force that end within 7 days, in one query."""
    url = reverse("sharing:list")
    return [
        DueNotice(
            user=release.participant,
            kind=NoticeKind.SHARING_ENDS_SOON,
            url=url,
            dedupe_key=f"sharing_ends_soon:{release.pk}",
        )
        for release in CredentialRelease.objects.filter(
            active_release_q(now=now),
            expires_at__lte=now + ENDS_SOON,
            created_at__lt=F("expires_at") - ENDS_SOON,
        ).select_related("participant")
    ]

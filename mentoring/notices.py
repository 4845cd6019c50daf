"""Time-based notices mentoring knows about: a check-in due tomorrow, for the mentor and mentee.

A pair should check in at least every ``checkin_every_days`` days after the last check-in (or
the start), as ``selectors.checkin_is_overdue`` counts; the day before that, both hear of it.
Found daily through ``lms.notices``' hook (``DUE_NOTICES_HOOK``, registered in wagtail_hooks.py).
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from pathways.lms.notices.services import DueNotice, NoticeKind
from pathways.mentoring.models import MentorshipPairing, PairingStatus
from pathways.mentoring.selectors import next_checkin_due


def checkins_due_tomorrow(*, now: datetime) -> list[DueNotice]:
    """Active pairings whose next check-in is due tomorrow, in one query."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    found = []
    for pairing in (
        MentorshipPairing.objects.filter(status=PairingStatus.ACTIVE)
        .annotate(last_checkin=Max("check_ins__date"))
        .select_related("mentor", "mentee")
    ):
        due = next_checkin_due(
            last_checkin=pairing.last_checkin,
            started_at=pairing.started_at,
            every_days=pairing.checkin_every_days,
        )
        if due != tomorrow:
            continue
        url = reverse("mentoring:pairing", args=[pairing.pk])
        key = f"checkin_due:{pairing.pk}:{due.isoformat()}"
        found += [
            DueNotice(user=person, kind=NoticeKind.CHECKIN_DUE, url=url, dedupe_key=key)
            for person in (pairing.mentor, pairing.mentee)
        ]
    return found

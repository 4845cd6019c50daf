"""Time-based notices cohorts know about: a group session tomorrow, for each active member.

Found daily through ``lms.notices``' hook (``DUE_NOTICES_HOOK``, registered in wagtail_hooks.py);
each session is one event per member, so running it again tells nobody twice.
"""

import zoneinfo
from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from pathways.cohorts.models import CohortMembership, CohortSession, MembershipStatus
from pathways.lms.notices.services import DueNotice, NoticeKind


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def sessions_tomorrow(*, now: datetime) -> list[DueNotice]:
    """Sessions that start tomorrow, in their cohort's time zone, in two queries."""
    sessions = [
        session
        for session in CohortSession.objects.filter(
            starts_at__gt=now, starts_at__lte=now + timedelta(hours=48)
        ).select_related("cohort")
        if timezone.localtime(session.starts_at, _zone(session.cohort.time_zone)).date()
        == timezone.localtime(now, _zone(session.cohort.time_zone)).date() + timedelta(days=1)
    ]
    if not sessions:
        return []
    members = defaultdict(list)
    for membership in CohortMembership.objects.filter(
        cohort_id__in={session.cohort_id for session in sessions}, status=MembershipStatus.ACTIVE
    ).select_related("user"):
        members[membership.cohort_id].append(membership.user)
    url = reverse("cohorts:mine")
    return [
        DueNotice(
            user=user,
            kind=NoticeKind.SESSION_TOMORROW,
            url=url,
            dedupe_key=f"session_tomorrow:{session.pk}",
        )
        for session in sessions
        for user in members[session.cohort_id]
    ]

"""Demo data for cohorts and mentorship, built through the services (used by ``seed_demo``).

Idempotent: a cohort or pairing that is already there is left as it is.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from pathways.cohorts import services
from pathways.cohorts.models import AttendanceStatus, Cohort, CohortCourse, CohortMode, CohortStatus
from pathways.mentoring import services as mentorship_services
from pathways.mentoring.models import OPEN_PAIRING_STATUSES, CheckInMode, MentorshipPairing

COHORT_NAME = "Workplace Readiness – Tuesday group"
TIME_ZONE = "America/Los_Angeles"

# (title, weeks from the cohort's first session, {username: (status, minutes or None)})
SESSIONS = [
    ("Welcome and getting to know each other", 0, {}),
    ("Your strengths and your story", 1, {"amara": (AttendanceStatus.EXCUSED, None)}),
    ("Preparing for an interview", 2, {"maya": (AttendanceStatus.LATE, 90)}),
    ("Mock interviews", 3, {}),
    ("Your first weeks at work", 5, {}),
    ("Celebration and next steps", 7, {}),
]


def _session_start(start_date: datetime.date, weeks: int) -> datetime.datetime:
    day = start_date + datetime.timedelta(weeks=weeks)
    local = datetime.datetime.combine(day, datetime.time(17, 30))
    return local.replace(tzinfo=zoneinfo.ZoneInfo(TIME_ZONE))


def seed_cohort(*, users: dict, courses: dict, created: list[str]) -> Cohort:
    """A running cohort with a facilitator, three members, past sessions and attendance."""
    staff = users["sam"]
    cohort = Cohort.objects.filter(name=COHORT_NAME).first()
    if cohort is not None:
        return cohort
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 27)  # a Monday four weeks ago
    cohort = services.cohort_save(
        cohort=Cohort(
            name=COHORT_NAME,
            start_date=start,
            end_date=start + datetime.timedelta(weeks=9),
            time_zone=TIME_ZONE,
            capacity=12,
            mode=CohortMode.HYBRID,
            status=CohortStatus.RUNNING,
        ),
        actor=staff,
        facilitators=[users["dana"]],
    )
    CohortCourse.objects.create(
        cohort=cohort, course=courses["workplace-readiness"], min_attended_hours=Decimal("6")
    )
    created.append(f"cohort {COHORT_NAME}")
    members = {}
    for username in ("maya", "amara", "rosa"):
        members[username] = services.membership_enrol(
            cohort=cohort, user=users[username], actor=staff
        )
    first_session = start + datetime.timedelta(days=1)  # Tuesdays
    now = timezone.now()
    for title, weeks, exceptions in SESSIONS:
        session = services.session_schedule(
            cohort=cohort,
            title=title,
            starts_at=_session_start(first_session, weeks),
            duration_minutes=120,
            actor=staff,
        )
        created.append(f"session {title}")
        if session.starts_at > now:
            continue
        for username, membership in members.items():
            status, minutes = exceptions.get(username, (AttendanceStatus.PRESENT, None))
            services.attendance_record(
                session=session,
                membership=membership,
                status=status,
                minutes=minutes,
                actor=users["dana"],
            )
    return cohort


def seed_mentorship(*, users: dict, skills: dict, created: list[str]) -> None:
    """Amara, trained as a peer mentor, with two mentees who said yes, goals and check-ins."""
    staff, mentor = users["sam"], users["amara"]
    mentorship_services.mentor_profile_save(
        user=mentor,
        actor=staff,
        capacity=3,
        languages=["en", "es"],
        skills=[skills[slug] for slug in ("facilitation", "communication") if slug in skills],
        availability="Weekday evenings, and Saturday mornings",
        training_completed=True,
    )
    plans = {
        "maya": (
            "Practise my interview answers out loud",
            CheckInMode.IN_PERSON,
            "We practised two interview answers. Maya wants to work on talking about gaps.",
        ),
        "rosa": (
            "Apply for two customer service jobs",
            CheckInMode.VIDEO,
            "Rosa found three job ads she likes. We picked two to apply for this week.",
        ),
    }
    for username, (goal, mode, notes) in plans.items():
        mentee = users[username]
        if MentorshipPairing.objects.filter(
            mentor=mentor, mentee=mentee, status__in=OPEN_PAIRING_STATUSES
        ).exists():
            continue
        pairing = mentorship_services.pairing_propose(mentor=mentor, mentee=mentee, actor=staff)
        pairing = mentorship_services.pairing_accept(pairing=pairing, actor=mentee)
        # The pairing began three weeks ago, so the check-in below falls inside it.
        MentorshipPairing.objects.filter(pk=pairing.pk).update(
            started_at=timezone.now() - datetime.timedelta(days=21)
        )
        pairing.refresh_from_db()
        mentorship_services.goal_add(
            pairing=pairing,
            actor=mentee,
            title=goal,
            due_date=timezone.localdate() + datetime.timedelta(days=21),
        )
        mentorship_services.checkin_log(
            pairing=pairing,
            actor=mentor,
            date=timezone.localdate() - datetime.timedelta(days=6),
            mode=mode,
            duration_minutes=45,
            notes=notes,
        )
        created.append(f"mentorship pairing amara → {username}")

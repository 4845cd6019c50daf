"""Demo data for cohorts and mentorship, built through the services (used by ``seed_demo``).

What the cohort and the mentorship contain is data, in ``demo_data/cohorts.json``; this module
checks it and builds it. The dates are relative to today: the cohort began on a Monday four weeks
ago and meets on Tuesdays, so some sessions are past (with attendance) and some to come.

Idempotent: a cohort or pairing that is already there is left as it is; the cohort's and its
sessions' translations (one per language) are kept as the data has them.
"""

import datetime
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from demo_site.demo_data import (
    DemoDataError,
    at,
    choice,
    fields,
    items,
    known,
    read,
    words_by_language,
)
from pathways.cohorts import services
from pathways.cohorts.models import (
    AttendanceStatus,
    Cohort,
    CohortCourse,
    CohortMode,
    CohortSessionTranslation,
    CohortStatus,
    CohortTranslation,
)
from pathways.mentoring import services as mentorship_services
from pathways.mentoring.models import OPEN_PAIRING_STATUSES, CheckInMode, MentorshipPairing

COHORTS_FILE = "cohorts"
# How long ago the demo pairings began, when their goals fall due and when the check-in was.
PAIRING_STARTED_DAYS_AGO = 21
GOAL_DUE_IN_DAYS = 21
CHECK_IN_DAYS_AGO = 6


@dataclass(frozen=True)
class DemoCohorts:
    """``cohorts.json``, checked: the cohort and the mentorship, as plain checked values."""

    cohort: dict[str, Any]
    mentorship: dict[str, Any]


def __getattr__(name: str) -> str:
    # COHORT_NAME is read from the data when asked for (the browser tests look the cohort up).
    if name == "COHORT_NAME":
        return load_cohorts(usernames=None, courses=None, skills=None).cohort["name"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _decimal(value: str, where: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise DemoDataError(f"{where}: {value!r} is not a number.") from exc


def _check_known(value: str, names: Collection[str] | None, where: str) -> str:
    return value if names is None else known(value, names, where)


def _cohort(value: Any, where: str, *, usernames, courses) -> dict[str, Any]:
    cohort = fields(
        value,
        where,
        required={
            "name": str,
            "time_zone": str,
            "capacity": int,
            "mode": str,
            "status": str,
            "weeks": int,
            "created_by": str,
            "facilitators": list,
            "courses": list,
            "members": list,
            "session_time": str,
            "session_minutes": int,
            "attendance_taken_by": str,
            "sessions": list,
        },
        optional={"translations": (dict, {})},
    )
    # The name in other languages, which members reading in them see.
    cohort["translations"] = words_by_language(
        cohort["translations"], at(where, "translations"), required={"name": str}
    )
    try:
        zoneinfo.ZoneInfo(cohort["time_zone"])
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as exc:
        raise DemoDataError(
            f"{where}.time_zone: unknown time zone {cohort['time_zone']!r}."
        ) from exc
    try:
        cohort["session_time"] = datetime.time.fromisoformat(cohort["session_time"])
    except ValueError as exc:
        raise DemoDataError(f"{where}.session_time: expected a time such as 17:30.") from exc
    cohort["mode"] = choice(cohort["mode"], CohortMode, at(where, "mode"))
    cohort["status"] = choice(cohort["status"], CohortStatus, at(where, "status"))
    for key in ("created_by", "attendance_taken_by"):
        _check_known(cohort[key], usernames, at(where, key))
    for key in ("facilitators", "members"):
        for place, username in items(cohort[key], at(where, key), str):
            _check_known(username, usernames, place)
    links = []
    for place, link in items(cohort["courses"], at(where, "courses")):
        link = fields(link, place, required={"course": str, "min_attended_hours": str})
        _check_known(link["course"], courses, at(place, "course"))
        hours = _decimal(link["min_attended_hours"], at(place, "min_attended_hours"))
        links.append({"course": link["course"], "min_attended_hours": hours})
    cohort["courses"] = links
    sessions = []
    for place, session in items(cohort["sessions"], at(where, "sessions")):
        session = fields(
            session,
            place,
            required={"title": str, "week": int},
            optional={"place": (str, ""), "attendance": (dict, {}), "translations": (dict, {})},
        )
        session["translations"] = words_by_language(
            session["translations"],
            at(place, "translations"),
            required={"title": str},
            optional={"place": (str, "")},
        )
        attendance = {}
        for username, record in session["attendance"].items():
            record_at = at(at(place, "attendance"), username)
            known(username, cohort["members"], record_at)
            record = fields(
                record, record_at, required={"status": str}, optional={"minutes": (int, None)}
            )
            status = choice(record["status"], AttendanceStatus, at(record_at, "status"))
            attendance[username] = (status, record["minutes"])
        sessions.append({**session, "attendance": attendance})
    cohort["sessions"] = sessions
    return cohort


def _mentorship(value: Any, where: str, *, usernames, skills) -> dict[str, Any]:
    mentorship = fields(
        value,
        where,
        required={"mentor": str, "arranged_by": str, "profile": dict, "pairings": list},
    )
    for key in ("mentor", "arranged_by"):
        _check_known(mentorship[key], usernames, at(where, key))
    profile_at = at(where, "profile")
    profile = fields(
        mentorship["profile"],
        profile_at,
        required={
            "capacity": int,
            "languages": list,
            "skills": list,
            "availability": str,
            "training_completed": bool,
        },
    )
    items(profile["languages"], at(profile_at, "languages"), str)
    for place, slug in items(profile["skills"], at(profile_at, "skills"), str):
        _check_known(slug, skills, place)
    pairings = []
    for place, pairing in items(mentorship["pairings"], at(where, "pairings")):
        pairing = fields(pairing, place, required={"mentee": str, "goal": str, "check_in": dict})
        _check_known(pairing["mentee"], usernames, at(place, "mentee"))
        check_in_at = at(place, "check_in")
        pairing["check_in"] = fields(
            pairing["check_in"], check_in_at, required={"mode": str, "minutes": int, "notes": str}
        )
        mode = choice(pairing["check_in"]["mode"], CheckInMode, at(check_in_at, "mode"))
        pairing["check_in"]["mode"] = mode
        pairings.append(pairing)
    return {**mentorship, "profile": profile, "pairings": pairings}


def load_cohorts(
    *,
    usernames: Collection[str] | None,
    courses: Collection[str] | None,
    skills: Collection[str] | None,
) -> DemoCohorts:
    """``cohorts.json``, checked; the people, courses and skills it names are checked against
    those given (``None``: not checked)."""
    where = f"{COHORTS_FILE}.json"
    data = fields(read(COHORTS_FILE), where, required={"cohort": dict, "mentorship": dict})
    return DemoCohorts(
        cohort=_cohort(data["cohort"], at(where, "cohort"), usernames=usernames, courses=courses),
        mentorship=_mentorship(
            data["mentorship"], at(where, "mentorship"), usernames=usernames, skills=skills
        ),
    )


def _session_start(
    start_date: datetime.date, weeks: int, *, at_time: datetime.time, time_zone: str
) -> datetime.datetime:
    day = start_date + datetime.timedelta(weeks=weeks)
    local = datetime.datetime.combine(day, at_time)
    return local.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


def seed_cohort(*, plan: DemoCohorts, users: dict, courses: dict, created: list[str]) -> Cohort:
    """A running cohort with its facilitators, members, past sessions and attendance, its name
    and its sessions' titles and places in other languages."""
    spec = plan.cohort
    cohort = Cohort.objects.filter(name=spec["name"]).first()
    if cohort is None:
        cohort = _new_cohort(spec=spec, users=users, courses=courses, created=created)
    _translate_cohort(cohort=cohort, spec=spec, created=created)
    return cohort


def _translate_cohort(*, cohort: Cohort, spec: dict[str, Any], created: list[str]) -> None:
    """The cohort's name and its sessions' titles and places in other languages, as the data
    has them: one row per language, added or brought up to date on every run (so a demo
    database seeded before there were translations gets them too)."""
    for language, words in spec["translations"].items():
        _row, made = CohortTranslation.objects.update_or_create(
            cohort=cohort, language=language, defaults=words
        )
        if made:
            created.append(f"cohort {spec['name']} in {language}")
    sessions = {session.title: session for session in cohort.sessions.all()}
    for session_spec in spec["sessions"]:
        session = sessions.get(session_spec["title"])
        if session is None:  # Renamed or removed by staff since: left as it is.
            continue
        for language, words in session_spec["translations"].items():
            _row, made = CohortSessionTranslation.objects.update_or_create(
                session=session, language=language, defaults=words
            )
            if made:
                created.append(f"session {session_spec['title']} in {language}")


def _new_cohort(*, spec: dict[str, Any], users: dict, courses: dict, created: list[str]) -> Cohort:
    """The cohort as programme staff would set it up, with its members and sessions."""
    staff = users[spec["created_by"]]
    today = timezone.localdate()
    start = today - datetime.timedelta(days=today.weekday() + 27)  # a Monday four weeks ago
    cohort = services.cohort_save(
        cohort=Cohort(
            name=spec["name"],
            start_date=start,
            end_date=start + datetime.timedelta(weeks=spec["weeks"]),
            time_zone=spec["time_zone"],
            capacity=spec["capacity"],
            mode=spec["mode"],
            status=spec["status"],
        ),
        actor=staff,
        facilitators=[users[username] for username in spec["facilitators"]],
    )
    for link in spec["courses"]:
        CohortCourse.objects.create(
            cohort=cohort,
            course=courses[link["course"]],
            min_attended_hours=link["min_attended_hours"],
        )
    created.append(f"cohort {spec['name']}")
    members = {}
    for username in spec["members"]:
        members[username] = services.membership_enrol(
            cohort=cohort, user=users[username], actor=staff
        )
    first_session = start + datetime.timedelta(days=1)  # Tuesdays
    now = timezone.now()
    for session_spec in spec["sessions"]:
        session = services.session_schedule(
            cohort=cohort,
            title=session_spec["title"],
            starts_at=_session_start(
                first_session,
                session_spec["week"],
                at_time=spec["session_time"],
                time_zone=spec["time_zone"],
            ),
            duration_minutes=spec["session_minutes"],
            actor=staff,
            place=session_spec["place"],
        )
        created.append(f"session {session_spec['title']}")
        if session.starts_at > now:
            continue
        for username, membership in members.items():
            status, minutes = session_spec["attendance"].get(
                username, (AttendanceStatus.PRESENT, None)
            )
            services.attendance_record(
                session=session,
                membership=membership,
                status=status,
                minutes=minutes,
                actor=users[spec["attendance_taken_by"]],
            )
    return cohort


def seed_mentorship(*, plan: DemoCohorts, users: dict, skills: dict, created: list[str]) -> None:
    """A trained peer mentor with mentees who said yes, each with a goal and a check-in."""
    spec = plan.mentorship
    staff, mentor = users[spec["arranged_by"]], users[spec["mentor"]]
    profile = spec["profile"]
    mentorship_services.mentor_profile_save(
        user=mentor,
        actor=staff,
        capacity=profile["capacity"],
        languages=profile["languages"],
        skills=[skills[slug] for slug in profile["skills"] if slug in skills],
        availability=profile["availability"],
        training_completed=profile["training_completed"],
    )
    for pairing_spec in spec["pairings"]:
        mentee = users[pairing_spec["mentee"]]
        if MentorshipPairing.objects.filter(
            mentor=mentor, mentee=mentee, status__in=OPEN_PAIRING_STATUSES
        ).exists():
            continue
        pairing = mentorship_services.pairing_propose(mentor=mentor, mentee=mentee, actor=staff)
        pairing = mentorship_services.pairing_accept(pairing=pairing, actor=mentee)
        # The pairing began three weeks ago, so the check-in below falls inside it.
        MentorshipPairing.objects.filter(pk=pairing.pk).update(
            started_at=timezone.now() - datetime.timedelta(days=PAIRING_STARTED_DAYS_AGO)
        )
        pairing.refresh_from_db()
        mentorship_services.goal_add(
            pairing=pairing,
            actor=mentee,
            title=pairing_spec["goal"],
            due_date=timezone.localdate() + datetime.timedelta(days=GOAL_DUE_IN_DAYS),
        )
        check_in = pairing_spec["check_in"]
        mentorship_services.checkin_log(
            pairing=pairing,
            actor=mentor,
            date=timezone.localdate() - datetime.timedelta(days=CHECK_IN_DAYS_AGO),
            mode=check_in["mode"],
            duration_minutes=check_in["minutes"],
            notes=check_in["notes"],
        )
        created.append(f"mentorship pairing {spec['mentor']} → {pairing_spec['mentee']}")

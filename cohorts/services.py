"""Every change to cohorts, memberships, sessions and attendance goes through these functions.

Each runs in one transaction, checks its rules before writing anything and raises
``ValidationError`` with a plain-language message when a rule is not met, leaving data unchanged.
Status changes follow the explicit tables :data:`COHORT_TRANSITIONS` and
:data:`MEMBERSHIP_TRANSITIONS`. The changes staff also make in the admin (saving a cohort, placing,
inviting, completing or withdrawing a member, sessions, attendance) are written to the Wagtail
admin's history here, whoever makes them and from whichever page, so no view writes it.

Places. A cohort never holds more members with a place (active or completed) than its capacity.
Every service that may take or free a place first locks the cohort's row
(``select_for_update``), then counts the places inside the lock, so concurrent requests queue
behind each other on PostgreSQL; on SQLite, writes are serialised anyway (the settings open every
transaction with ``BEGIN IMMEDIATE``). Someone who finds the cohort full goes on the waiting
list; when a place frees up (a member withdraws, staff raise the capacity) the first on the list,
by ``waitlisted_at`` then id, is given it.

Courses. When a membership becomes active, the participant is enrolled in the cohort's live
courses through ``courses.services.enrolment_start``. Taking a place in a cohort is the
enrolment decision, so the courses' own self-enrolment rules (open for enrolment, prerequisites)
do not apply: the enrolment is recorded as made by the staff member who acted, or, when the
participant acted herself (joining, accepting an invitation, being promoted from the waiting
list), by whoever invited her or else the cohort's first assigned facilitator. Only a cohort
without any facilitator falls back to the self-enrolment rules. Leaving a cohort keeps the
course enrolments and their progress.

Cohort status (see :data:`COHORT_TRANSITIONS`): planned → open → running → closed, with planned →
running for cohorts filled by staff, open → planned to pause sign-up, planned → closed to
cancel, and closed → running to undo a closing made by mistake. Closing changes no membership;
a closed cohort takes no new members and promotes nobody.
"""

import logging
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.log_actions import log

from pathways.cohorts.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortCourse,
    CohortMembership,
    CohortSession,
    CohortSessionTranslation,
    CohortStatus,
    MembershipStatus,
)
from pathways.cohorts.selectors import ATTENDING_STATUSES, PLACE_STATUSES, may_run
from pathways.cohorts.signals import cohort_programme_completed
from pathways.courses import services as course_services
from pathways.courses.models import Enrolment, EnrolmentStatus
from pathways.lms.accounts.names import chosen_name_of
from pathways.lms.accounts.roles import Role, has_role, is_facilitator, is_programme_staff
from pathways.lms.core.history import log_change

logger = logging.getLogger(__name__)

COHORT_TRANSITIONS: dict[str, frozenset[str]] = {
    CohortStatus.PLANNED: frozenset({CohortStatus.OPEN, CohortStatus.RUNNING, CohortStatus.CLOSED}),
    CohortStatus.OPEN: frozenset({CohortStatus.PLANNED, CohortStatus.RUNNING, CohortStatus.CLOSED}),
    CohortStatus.RUNNING: frozenset({CohortStatus.CLOSED}),
    CohortStatus.CLOSED: frozenset({CohortStatus.RUNNING}),
}
# A new cohort starts planned or open, or running when staff record one already under way.
COHORT_INITIAL_STATUSES = frozenset({CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING})

# ``None`` stands for "no membership yet". A withdrawn membership can start again (she changed
# her mind, or staff invite her back); a completed one is final.
MEMBERSHIP_TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset(
        {
            MembershipStatus.INVITED,
            MembershipStatus.APPLIED,
            MembershipStatus.WAITLISTED,
            MembershipStatus.ACTIVE,
        }
    ),
    MembershipStatus.INVITED: frozenset(
        {MembershipStatus.WAITLISTED, MembershipStatus.ACTIVE, MembershipStatus.WITHDRAWN}
    ),
    MembershipStatus.APPLIED: frozenset(
        {MembershipStatus.WAITLISTED, MembershipStatus.ACTIVE, MembershipStatus.WITHDRAWN}
    ),
    MembershipStatus.WAITLISTED: frozenset({MembershipStatus.ACTIVE, MembershipStatus.WITHDRAWN}),
    MembershipStatus.ACTIVE: frozenset({MembershipStatus.COMPLETED, MembershipStatus.WITHDRAWN}),
    MembershipStatus.COMPLETED: frozenset(),
    MembershipStatus.WITHDRAWN: frozenset(
        {
            MembershipStatus.INVITED,
            MembershipStatus.APPLIED,
            MembershipStatus.WAITLISTED,
            MembershipStatus.ACTIVE,
        }
    ),
}


# Checks --------------------------------------------------------------------------------------


def _name(user) -> str:
    return chosen_name_of(user)


def _require_staff(actor, message: str) -> None:
    if not is_programme_staff(actor):
        raise ValidationError(message)


def _lock_cohort(cohort: Cohort) -> Cohort:
    """Re-read the cohort under a row lock: every change to its places queues behind this."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _lock_membership(membership: CohortMembership) -> CohortMembership:
    return CohortMembership.objects.select_for_update().select_related("user").get(pk=membership.pk)


def _check_membership_transition(membership: CohortMembership | None, to: str) -> None:
    current = membership.status if membership is not None else None
    if to in MEMBERSHIP_TRANSITIONS[current]:
        return
    if membership is None:
        raise ValidationError(_("This person is not part of this cohort."))
    name = _name(membership.user)
    messages = {
        MembershipStatus.ACTIVE: _("%(name)s already has a place in this cohort."),
        MembershipStatus.COMPLETED: _("%(name)s has already completed this cohort."),
        MembershipStatus.WAITLISTED: _("%(name)s is already on the waiting list."),
        MembershipStatus.INVITED: _("%(name)s has already been invited to this cohort."),
        MembershipStatus.APPLIED: _("%(name)s has already asked to join this cohort."),
        MembershipStatus.WITHDRAWN: _("%(name)s has already left this cohort."),
    }
    raise ValidationError(messages[current] % {"name": name})


def _check_cohort_transition(current: str, to: str) -> None:
    if to not in COHORT_TRANSITIONS[current]:
        raise ValidationError(
            _("A cohort that is “%(current)s” cannot be changed to “%(to)s”.")
            % {"current": CohortStatus(current).label, "to": CohortStatus(to).label}
        )


def _ensure_can_be_member(cohort: Cohort, user) -> None:
    if not has_role(user, Role.PARTICIPANT):
        raise ValidationError(
            _("Only participants can be members of a cohort, and %(name)s is not one.")
            % {"name": _name(user)}
        )
    if cohort.facilitators.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s facilitates this cohort and so cannot also be a member of it.")
            % {"name": _name(user)}
        )
    if cohort.status == CohortStatus.CLOSED:
        raise ValidationError(_("This cohort has finished, so nobody can join it now."))


def _local_date(cohort: Cohort, moment: datetime) -> str:
    """A moment as a date in the cohort's own time zone, for messages."""
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    return date_format(timezone.localtime(moment, zone), "DATE_FORMAT")


def _ensure_open_for_sign_up(cohort: Cohort) -> None:
    """The rules of joining on one's own: the cohort is open and inside its enrolment window."""
    if cohort.status != CohortStatus.OPEN:
        raise ValidationError(_("This cohort is not taking sign-ups at the moment."))
    now = timezone.now()
    if cohort.enrolment_opens_at is not None and now < cohort.enrolment_opens_at:
        raise ValidationError(
            _("Sign-up for this cohort opens on %(date)s.")
            % {"date": _local_date(cohort, cohort.enrolment_opens_at)}
        )
    if cohort.enrolment_closes_at is not None and now > cohort.enrolment_closes_at:
        raise ValidationError(
            _("Sign-up for this cohort closed on %(date)s.")
            % {"date": _local_date(cohort, cohort.enrolment_closes_at)}
        )


def _places_taken(cohort: Cohort) -> int:
    return CohortMembership.objects.filter(cohort=cohort, status__in=PLACE_STATUSES).count()


# Courses of the cohort -----------------------------------------------------------------------


def _course_enroller(cohort: Cohort, user, actor):
    """Who the course enrolments of a new member are recorded as made by (see the module doc)."""
    if actor is not None and actor != user and is_facilitator(actor):
        return actor
    return (
        cohort.facilitators.filter(
            Q(groups__name__in=[Role.FACILITATOR, Role.PROGRAMME_STAFF]) | Q(is_superuser=True)
        )
        .exclude(pk=user.pk)
        .order_by("pk")
        .first()
    )


def _enrol_in_courses(*, membership: CohortMembership, actor, strict: bool) -> None:
    """Enrol a member with a place in the cohort's live courses.

    ``strict``: a refusal (only possible under the self-enrolment rules) cancels the whole change;
    otherwise, as when someone is promoted from the waiting list by another's withdrawal, the
    membership stands and the refusal is logged for staff.
    """
    enroller = _course_enroller(membership.cohort, membership.user, actor)
    runs = CohortCourse.objects.filter(
        cohort_id=membership.cohort_id, course__live=True
    ).select_related("course")
    for run in runs:
        try:
            course_services.enrolment_start(
                user=membership.user, course=run.course, enrolled_by=enroller
            )
        except ValidationError:
            if strict:
                raise
            logger.warning(
                "Cohort member %s could not be enrolled in course %s", membership.pk, run.course_id
            )


# Memberships ---------------------------------------------------------------------------------


def _give_place_or_waitlist(
    *, cohort: Cohort, user, membership: CohortMembership | None, actor, enroller=None
) -> CohortMembership:
    """Inside the cohort lock: a place if one is free, otherwise the end of the waiting list."""
    now = timezone.now()
    if membership is None:
        membership = CohortMembership(cohort=cohort, user=user)
    membership.cohort = cohort
    membership.user = user
    free = _places_taken(cohort) < cohort.capacity
    target = MembershipStatus.ACTIVE if free else MembershipStatus.WAITLISTED
    _check_membership_transition(membership if membership.pk else None, target)
    membership.status = target
    membership.withdrawn_at = None
    if actor is not None and actor != user:
        membership.added_by = actor
    if free:
        membership.joined_at = now
        membership.waitlisted_at = None
    else:
        membership.waitlisted_at = now
    membership.save()
    if free:
        _enrol_in_courses(membership=membership, actor=enroller or actor, strict=True)
    return membership


def _fill_free_places(cohort: Cohort, *, actor) -> list[CohortMembership]:
    """Inside the cohort lock: give each free place to the first on the waiting list."""
    if cohort.status == CohortStatus.CLOSED:
        return []
    free = cohort.capacity - _places_taken(cohort)
    if free <= 0:
        return []
    promoted = list(
        CohortMembership.objects.filter(cohort=cohort, status=MembershipStatus.WAITLISTED)
        .select_related("user")
        .order_by("waitlisted_at", "pk")[:free]
    )
    now = timezone.now()
    for membership in promoted:
        _check_membership_transition(membership, MembershipStatus.ACTIVE)
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = now
        membership.save(update_fields=["status", "joined_at"])
        membership.cohort = cohort
        _enrol_in_courses(membership=membership, actor=actor, strict=False)
    return promoted


@transaction.atomic
def membership_enrol(*, cohort: Cohort, user, actor=None) -> CohortMembership:
    """Give someone a place in the cohort, or put her on the waiting list when it is full.

    Without ``actor`` (or with herself as actor) the participant joins on her own: the cohort
    must be open and inside its enrolment window. Programme staff can place anyone in a planned,
    open or running cohort. Works from no membership, an invitation, an application or a
    withdrawn membership.
    """
    by_staff = actor is not None and actor != user
    if by_staff:
        _require_staff(actor, _("Only programme staff can add someone to a cohort."))
    cohort = _lock_cohort(cohort)
    _ensure_can_be_member(cohort, user)
    if not by_staff:
        _ensure_open_for_sign_up(cohort)
    membership = (
        CohortMembership.objects.select_for_update()
        .select_related("user")
        .filter(cohort=cohort, user=user)
        .first()
    )
    created = membership is None
    membership = _give_place_or_waitlist(
        cohort=cohort, user=user, membership=membership, actor=actor
    )
    log_change(membership, created=created, actor=actor or user)
    return membership


@transaction.atomic
def membership_invite(*, cohort: Cohort, user, actor) -> CohortMembership:
    """Staff invite a participant; she takes a place (or joins the waiting list) by accepting."""
    _require_staff(actor, _("Only programme staff can invite someone to a cohort."))
    cohort = _lock_cohort(cohort)
    _ensure_can_be_member(cohort, user)
    membership = (
        CohortMembership.objects.select_for_update()
        .select_related("user")
        .filter(cohort=cohort, user=user)
        .first()
    )
    _check_membership_transition(membership, MembershipStatus.INVITED)
    created = membership is None
    if created:
        membership = CohortMembership(cohort=cohort, user=user)
    membership.status = MembershipStatus.INVITED
    membership.added_by = actor
    membership.withdrawn_at = None
    membership.waitlisted_at = None
    membership.save()
    log_change(membership, created=created, actor=actor)
    return membership


@transaction.atomic
def membership_apply(*, cohort: Cohort, user) -> CohortMembership:
    """A participant asks to join an open cohort; programme staff then place her.

    The participant pages let her join directly (``membership_enrol``); an application is for
    programmes whose staff prefer to review requests first.
    """
    cohort = _lock_cohort(cohort)
    _ensure_can_be_member(cohort, user)
    _ensure_open_for_sign_up(cohort)
    membership = (
        CohortMembership.objects.select_for_update()
        .select_related("user")
        .filter(cohort=cohort, user=user)
        .first()
    )
    _check_membership_transition(membership, MembershipStatus.APPLIED)
    if membership is None:
        membership = CohortMembership(cohort=cohort, user=user)
    membership.status = MembershipStatus.APPLIED
    membership.withdrawn_at = None
    membership.waitlisted_at = None
    membership.save()
    return membership


@transaction.atomic
def membership_accept_invitation(*, membership: CohortMembership) -> CohortMembership:
    """The invited participant says yes: a place if one is free, else the waiting list."""
    cohort = _lock_cohort(membership.cohort)
    membership = _lock_membership(membership)
    if membership.status != MembershipStatus.INVITED:
        raise ValidationError(_("This invitation is no longer open."))
    _ensure_can_be_member(cohort, membership.user)
    inviter = membership.added_by
    return _give_place_or_waitlist(
        cohort=cohort,
        user=membership.user,
        membership=membership,
        actor=None,
        enroller=inviter if inviter is not None and is_facilitator(inviter) else None,
    )


@transaction.atomic
def membership_decline_invitation(*, membership: CohortMembership) -> CohortMembership:
    """The invited participant says no, thank you. Staff can invite her again later."""
    _lock_cohort(membership.cohort)
    membership = _lock_membership(membership)
    if membership.status != MembershipStatus.INVITED:
        raise ValidationError(_("This invitation is no longer open."))
    membership.status = MembershipStatus.WITHDRAWN
    membership.withdrawn_at = timezone.now()
    membership.save(update_fields=["status", "withdrawn_at"])
    return membership


@transaction.atomic
def membership_withdraw(*, membership: CohortMembership, actor) -> CohortMembership:
    """Leave the cohort (or its waiting list, or an invitation or application).

    The participant herself or programme staff can do this. A place it frees goes to the first
    on the waiting list. Course enrolments and progress are kept.
    """
    cohort = _lock_cohort(membership.cohort)
    membership = _lock_membership(membership)
    if actor != membership.user:
        _require_staff(actor, _("Only the participant or programme staff can do this."))
    _check_membership_transition(membership, MembershipStatus.WITHDRAWN)
    freed_a_place = membership.status in PLACE_STATUSES
    membership.status = MembershipStatus.WITHDRAWN
    membership.withdrawn_at = timezone.now()
    membership.save(update_fields=["status", "withdrawn_at"])
    if freed_a_place:
        _fill_free_places(cohort, actor=actor)
    membership.cohort = cohort
    log_change(membership, actor=actor)
    return membership


@transaction.atomic
def membership_complete(*, membership: CohortMembership, actor) -> CohortMembership:
    """Programme staff record that a member completed the cohort. Her place is not given away."""
    _require_staff(actor, _("Only programme staff can mark a cohort as completed."))
    _lock_cohort(membership.cohort)
    membership = _lock_membership(membership)
    _check_membership_transition(membership, MembershipStatus.COMPLETED)
    membership.status = MembershipStatus.COMPLETED
    membership.completed_at = timezone.now()
    membership.save(update_fields=["status", "completed_at"])
    log_change(membership, actor=actor)
    transaction.on_commit(
        lambda: cohort_programme_completed.send(sender=CohortMembership, membership=membership)
    )
    return membership


@dataclass
class AddManyResult:
    """What happened to each person staff added at once."""

    active: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)
    skipped: list[tuple] = field(default_factory=list)  # (user, [messages])

    @property
    def counts(self) -> dict[str, int]:
        return {
            "active": len(self.active),
            "waitlisted": len(self.waitlisted),
            "skipped": len(self.skipped),
        }


@transaction.atomic
def memberships_add_many(*, cohort: Cohort, users: Iterable, actor) -> AddManyResult:
    """Staff add several participants at once, each through :func:`membership_enrol`.

    People are placed in the order given; once the cohort is full the rest join the waiting
    list. Anyone who cannot be added (already a member, not a participant...) is skipped with
    the reason, and the others are still added. Each one added is in the admin's history, as
    :func:`membership_enrol` writes it.
    """
    _require_staff(actor, _("Only programme staff can add someone to a cohort."))
    result = AddManyResult()
    seen = set()
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        try:
            membership = membership_enrol(cohort=cohort, user=user, actor=actor)
        except ValidationError as error:
            result.skipped.append((user, error.messages))
            continue
        if membership.status == MembershipStatus.ACTIVE:
            result.active.append(membership)
        else:
            result.waitlisted.append(membership)
    return result


# Cohorts -------------------------------------------------------------------------------------


@transaction.atomic
def cohort_save(*, cohort: Cohort, actor, facilitators: Iterable | None = None) -> Cohort:
    """Create or update a cohort, as staff do in the admin.

    ``cohort`` may carry unsaved changes and in-memory courses (from the admin's form); the
    status may change only along :data:`COHORT_TRANSITIONS`, the capacity never below the places
    already taken, and dates must be in order. Places a raised capacity frees go to the waiting
    list, and members with a place are enrolled in courses added to the cohort.
    """
    _require_staff(actor, _("Only programme staff can set up cohorts."))
    facilitators = list(facilitators) if facilitators is not None else None
    previous = _lock_cohort(cohort) if cohort.pk else None
    if previous is None:
        if cohort.status not in COHORT_INITIAL_STATUSES:
            raise ValidationError(_("A new cohort starts as planned, open or running."))
    else:
        if cohort.status != previous.status:
            _check_cohort_transition(previous.status, cohort.status)
        taken = _places_taken(previous)
        if cohort.capacity is not None and cohort.capacity < taken:
            raise ValidationError(
                _(
                    "%(count)s people already have a place, so the capacity cannot be less "
                    "than %(count)s."
                )
                % {"count": taken}
            )
    cohort.full_clean()
    if facilitators is not None and cohort.pk:
        members = {
            _name(membership.user)
            for membership in CohortMembership.objects.filter(
                cohort=cohort, user__in=facilitators, status__in=PLACE_STATUSES
            ).select_related("user__pathways_profile")
        }
        if members:
            raise ValidationError(
                _("%(names)s cannot facilitate this cohort while a member of it.")
                % {"names": ", ".join(sorted(members))}
            )
    courses_before = (
        set(CohortCourse.objects.filter(cohort=cohort).values_list("course_id", flat=True))
        if cohort.pk
        else set()
    )
    cohort.save()
    if facilitators is not None:
        cohort.facilitators.set(facilitators)
    log_change(cohort, created=previous is None, actor=actor)
    locked = _lock_cohort(cohort)
    _fill_free_places(locked, actor=actor)
    courses_after = set(
        CohortCourse.objects.filter(cohort=cohort).values_list("course_id", flat=True)
    )
    if courses_after - courses_before:
        for membership in CohortMembership.objects.filter(
            cohort=cohort, status=MembershipStatus.ACTIVE
        ).select_related("user"):
            membership.cohort = locked
            _enrol_in_courses(membership=membership, actor=actor, strict=False)
    return cohort


# Sessions ------------------------------------------------------------------------------------


def _check_session(
    *, cohort: Cohort, title: str, starts_at: datetime, duration_minutes: int
) -> None:
    if not (title or "").strip():
        raise ValidationError(_("Please give the session a title."))
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationError(_("Please give the date and time the session starts."))
    if not isinstance(duration_minutes, int) or duration_minutes < 1:
        raise ValidationError(_("A session must last at least a minute."))
    day = starts_at.astimezone(zoneinfo.ZoneInfo(cohort.time_zone)).date()
    if not cohort.start_date <= day <= cohort.end_date:
        raise ValidationError(
            _(
                "The session must fall between the cohort's start and end dates "
                "(%(start)s to %(end)s)."
            )
            % {
                "start": date_format(cohort.start_date, "DATE_FORMAT"),
                "end": date_format(cohort.end_date, "DATE_FORMAT"),
            }
        )


def _clean_place(place: str | None) -> str:
    place = (place or "").strip()
    if len(place) > 200:
        raise ValidationError(_("Please keep the place under 200 characters."))
    return place


def _clean_session_translations(
    translations: Iterable[CohortSessionTranslation] | None,
) -> list[CohortSessionTranslation] | None:
    """The translations of a session's title and place as they will be kept: one per language,
    each with a title."""
    if translations is None:
        return None
    rows = list(translations)
    for row in rows:
        row.title = (row.title or "").strip()
        if not row.title:
            raise ValidationError(_("Please give the session's title in each language you add."))
        row.place = _clean_place(row.place)
    languages = [row.language for row in rows]
    if len(set(languages)) != len(languages):
        raise ValidationError(_("Please give each language one translation only."))
    return rows


def _keep_session_translations(session: CohortSession, rows) -> None:
    """Make ``rows`` the session's translations: new ones added, changed ones saved, the ones
    left out removed."""
    if rows is None:
        return
    session.translations = rows
    session.translations.commit()


@transaction.atomic
def session_schedule(
    *,
    cohort: Cohort,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    actor,
    place: str = "",
    translations: Iterable[CohortSessionTranslation] | None = None,
) -> CohortSession:
    """Programme staff schedule a meeting of the cohort, within its dates, and say where
    (``translations``: its title and place in other languages, unsaved)."""
    _require_staff(actor, _("Only programme staff can schedule sessions."))
    place = _clean_place(place)
    translations = _clean_session_translations(translations)
    cohort = _lock_cohort(cohort)
    if cohort.status == CohortStatus.CLOSED:
        raise ValidationError(_("This cohort has finished, so no more sessions can be added."))
    _check_session(
        cohort=cohort, title=title, starts_at=starts_at, duration_minutes=duration_minutes
    )
    session = CohortSession.objects.create(
        cohort=cohort,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
    )
    _keep_session_translations(session, translations)
    log_change(session, created=True, actor=actor)
    return session


@transaction.atomic
def session_update(
    *,
    session: CohortSession,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    actor,
    place: str | None = None,
    translations: Iterable[CohortSessionTranslation] | None = None,
) -> CohortSession:
    """Programme staff change a session (``place=None`` keeps where it is; ``translations``, the
    title and place in other languages, replace the ones it has unless None). It cannot become
    shorter than attendance recorded."""
    _require_staff(actor, _("Only programme staff can change sessions."))
    place = None if place is None else _clean_place(place)
    translations = _clean_session_translations(translations)
    locked = CohortSession.objects.select_for_update().select_related("cohort").get(pk=session.pk)
    _check_session(
        cohort=locked.cohort, title=title, starts_at=starts_at, duration_minutes=duration_minutes
    )
    longest = (
        Attendance.objects.filter(session=locked).aggregate(longest=Max("minutes_attended"))[
            "longest"
        ]
        or 0
    )
    if duration_minutes < longest:
        raise ValidationError(
            ngettext(
                "Attendance of %(minutes)s minute is already recorded for this session, so it "
                "cannot be shorter than that.",
                "Attendance of %(minutes)s minutes is already recorded for this session, so it "
                "cannot be shorter than that.",
                longest,
            )
            % {"minutes": longest}
        )
    locked.title = title.strip()
    locked.starts_at = starts_at
    locked.duration_minutes = duration_minutes
    fields = ["title", "starts_at", "duration_minutes"]
    if place is not None:
        locked.place = place
        fields.append("place")
    locked.save(update_fields=fields)
    _keep_session_translations(locked, translations)
    log_change(locked, actor=actor)
    return locked


@transaction.atomic
def session_cancel(*, session: CohortSession, actor) -> None:
    """Remove a session scheduled by mistake. Once attendance is recorded, it stays."""
    _require_staff(actor, _("Only programme staff can remove sessions."))
    locked = CohortSession.objects.select_for_update().get(pk=session.pk)
    if Attendance.objects.filter(session=locked).exists():
        raise ValidationError(
            _("Attendance has been recorded for this session, so it cannot be removed.")
        )
    log(instance=locked, action="wagtail.delete", user=actor)
    locked.delete()


# Attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    """One line of an attendance sheet: a member, her attendance, and minutes if she was late."""

    membership: CohortMembership
    status: str
    minutes: int | None = None


def _minutes_for(*, session: CohortSession, status: str, minutes: int | None) -> int:
    length = session.duration_minutes
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Please choose present, late, excused or absent."))
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0
    ):
        raise ValidationError(_("Minutes attended must be a whole number, 0 or more."))
    if status in (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT):
        if minutes:
            raise ValidationError(
                _("Minutes only count for someone who was there (present or late).")
            )
        return 0
    if minutes is None:
        return length
    if minutes > length:
        raise ValidationError(
            _("This session lasts %(length)s minutes, so no more than %(length)s can count.")
            % {"length": length}
        )
    return minutes


def _ensure_may_take_attendance(session: CohortSession, actor) -> None:
    if not may_run(actor, session.cohort):
        raise ValidationError(
            _("Only a facilitator of this cohort or programme staff can record attendance.")
        )


def attendance_opens_at(session: CohortSession) -> datetime:
    """When attendance can first be taken: at the session's start."""
    return session.starts_at


def attendance_is_open(session: CohortSession, *, now: datetime | None = None) -> bool:
    return attendance_opens_at(session) <= (now or timezone.now())


def _ensure_session_has_started(session: CohortSession) -> None:
    if not attendance_is_open(session):
        zone = zoneinfo.ZoneInfo(session.cohort.time_zone)
        raise ValidationError(
            _(
                "This session has not happened yet, so attendance cannot be recorded. It opens "
                "when the session starts, %(when)s (%(zone)s)."
            )
            % {
                "when": date_format(
                    timezone.localtime(attendance_opens_at(session), zone), "DATETIME_FORMAT"
                ),
                "zone": session.cohort.time_zone,
            }
        )


def _record(
    *, session: CohortSession, membership: CohortMembership, status: str, minutes, actor
) -> Attendance:
    membership = CohortMembership.objects.select_related("user__pathways_profile").get(
        pk=membership.pk
    )
    if membership.cohort_id != session.cohort_id:
        raise ValidationError(
            _("%(name)s is not a member of this cohort.") % {"name": _name(membership.user)}
        )
    if membership.status not in ATTENDING_STATUSES:
        raise ValidationError(
            _("%(name)s does not have a place in this cohort, so attendance cannot be recorded.")
            % {"name": _name(membership.user)}
        )
    minutes_attended = _minutes_for(session=session, status=status, minutes=minutes)
    attendance, created = Attendance.objects.update_or_create(
        session=session,
        membership=membership,
        defaults={"status": status, "minutes_attended": minutes_attended, "recorded_by": actor},
    )
    attendance.membership = membership
    log_change(attendance, created=created, actor=actor)
    return attendance


def _evaluate_courses(session: CohortSession, user_ids: Iterable[int]) -> None:
    """Attended hours are a completion rule: re-check the members' courses of this cohort."""
    enrolments = Enrolment.objects.filter(
        user_id__in=list(user_ids),
        course__cohort_runs__cohort_id=session.cohort_id,
        status=EnrolmentStatus.ACTIVE,
    ).select_related("course")
    for enrolment in enrolments:
        course_services.enrolment_evaluate_completion(enrolment=enrolment)


@transaction.atomic
def attendance_record(
    *,
    session: CohortSession,
    membership: CohortMembership,
    status: str,
    actor,
    minutes: int | None = None,
) -> Attendance:
    """Record (or correct) one member's attendance at a session.

    Present counts the whole session; late counts the whole session unless fewer ``minutes`` are
    given; excused and absent count nothing. Recorded by an assigned facilitator of the cohort or
    programme staff, for a member with a place, at a session that has started (attendance opens
    at its start). Completion of her courses in the cohort is re-checked.
    """
    session = CohortSession.objects.select_related("cohort").get(pk=session.pk)
    _ensure_may_take_attendance(session, actor)
    _ensure_session_has_started(session)
    attendance = _record(
        session=session, membership=membership, status=status, minutes=minutes, actor=actor
    )
    _evaluate_courses(session, [attendance.membership.user_id])
    return attendance


@transaction.atomic
def attendance_record_many(
    *, session: CohortSession, entries: Sequence[AttendanceEntry], actor
) -> list[Attendance]:
    """Record a whole attendance sheet at once: all of it, or, if any line is wrong, none of it.

    A refusal raises ``ValidationError`` whose ``message_dict`` is keyed by membership id (as a
    string), so a form can show each message next to its line.
    """
    session = CohortSession.objects.select_related("cohort").get(pk=session.pk)
    _ensure_may_take_attendance(session, actor)
    _ensure_session_has_started(session)
    errors: dict[str, list[str]] = {}
    recorded = []
    seen = set()
    for entry in entries:
        key = str(entry.membership.pk)
        if key in seen:
            errors.setdefault(key, []).append(_("This person appears twice on the sheet."))
            continue
        seen.add(key)
        # Every check runs before _record writes, so a refused line has written nothing.
        try:
            recorded.append(
                _record(
                    session=session,
                    membership=entry.membership,
                    status=entry.status,
                    minutes=entry.minutes,
                    actor=actor,
                )
            )
        except ValidationError as error:
            errors.setdefault(key, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    _evaluate_courses(session, {attendance.membership.user_id for attendance in recorded})
    return recorded


@transaction.atomic
def attendance_mark_all_present(*, session: CohortSession, actor) -> list[Attendance]:
    """ "Mark everyone present": every member with a place whose attendance at this session is
    not recorded yet is marked present for the whole session; the facilitator then changes
    those who were late, excused or absent. Attendance already recorded is left as it is, so
    pressing it twice undoes no correction.

    The same rules as :func:`attendance_record_many` (an assigned facilitator or programme
    staff, a session that has started), each line written to the admin's history. Returns the
    attendance recorded now.
    """
    session = CohortSession.objects.select_related("cohort").get(pk=session.pk)
    _ensure_may_take_attendance(session, actor)
    _ensure_session_has_started(session)
    unrecorded = (
        CohortMembership.objects.filter(cohort_id=session.cohort_id, status__in=ATTENDING_STATUSES)
        .exclude(attendance__session=session)
        .order_by("pk")
    )
    return attendance_record_many(
        session=session,
        entries=[
            AttendanceEntry(membership=membership, status=AttendanceStatus.PRESENT)
            for membership in unrecorded
        ],
        actor=actor,
    )

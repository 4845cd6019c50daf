"""Every change to peer mentorship goes through these functions.

Each runs in one transaction, checks the rules before writing anything, and raises
``ValidationError`` with a plain-language message when a rule is not met, leaving data unchanged.

The life of a pairing (see :data:`PAIRING_TRANSITIONS`):

- staff *propose* a mentor to a participant (``proposed``), or a participant *requests* a mentor
  (``requested``);
- a proposal becomes ``active`` only when the participant accepts it: nobody is paired without
  saying yes. A request already carries her yes, so the mentor (or staff, on her behalf) accepts
  it. Either can be *declined* instead;
- an active pairing can be *paused* and *resumed*, and finishes as ``completed`` or ``ended``
  (ended early), by either person or by staff, with a reason only staff see.

A mentor never has more active or paused mentees than her capacity: acceptance counts them under
a row lock on her profile, so concurrent acceptances queue and the ones over capacity are refused.

The changes staff also make in the admin (mentor profiles, mentee preferences, proposing a pairing
and moving one along) are written to the Wagtail admin's history here, whoever makes them and from
whichever page, so no view writes it.
"""

import datetime
import re
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pathways.courses.models import Skill
from pathways.lms.accounts.names import alias_of, validate_person_name
from pathways.lms.accounts.profiles import profile_update
from pathways.lms.accounts.roles import Role, has_role, is_programme_staff
from pathways.lms.core import app_settings
from pathways.lms.core.history import log_change
from pathways.lms.notices.services import NoticeKind, notify
from pathways.mentoring.models import (
    CAPACITY_PAIRING_STATUSES,
    OPEN_PAIRING_STATUSES,
    CheckInMode,
    GoalStatus,
    MenteePreferences,
    MentorProfile,
    MentorProfileStatus,
    MentorshipCheckIn,
    MentorshipGoal,
    MentorshipPairing,
    PairingOrigin,
    PairingStatus,
)
from pathways.mentoring.selectors import checkin_is_overdue

MENTOR = "mentor"
MENTEE = "mentee"
STAFF = "staff"
ANYONE_IN_IT = frozenset({MENTOR, MENTEE, STAFF})

ACCEPT = "accept"
DECLINE = "decline"
PAUSE = "pause"
RESUME = "resume"
COMPLETE = "complete"
END = "end"

#: (action, current status) -> (new status, who may do it). Anything not listed is refused.
PAIRING_TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (ACCEPT, PairingStatus.PROPOSED): (PairingStatus.ACTIVE, frozenset({MENTEE})),
    (ACCEPT, PairingStatus.REQUESTED): (PairingStatus.ACTIVE, frozenset({MENTOR, STAFF})),
    (DECLINE, PairingStatus.PROPOSED): (PairingStatus.DECLINED, frozenset({MENTEE, STAFF})),
    (DECLINE, PairingStatus.REQUESTED): (PairingStatus.DECLINED, ANYONE_IN_IT),
    (PAUSE, PairingStatus.ACTIVE): (PairingStatus.PAUSED, ANYONE_IN_IT),
    (RESUME, PairingStatus.PAUSED): (PairingStatus.ACTIVE, ANYONE_IN_IT),
    (COMPLETE, PairingStatus.ACTIVE): (PairingStatus.COMPLETED, ANYONE_IN_IT),
    (COMPLETE, PairingStatus.PAUSED): (PairingStatus.COMPLETED, ANYONE_IN_IT),
    (END, PairingStatus.ACTIVE): (PairingStatus.ENDED, ANYONE_IN_IT),
    (END, PairingStatus.PAUSED): (PairingStatus.ENDED, ANYONE_IN_IT),
}

#: The actions that take a reason (kept for staff only).
ACTIONS_WITH_REASON = frozenset({DECLINE, COMPLETE, END})

MAX_CAPACITY = 50
PEER_ALIAS_MAX_LENGTH = 80
MAX_CHECKIN_MINUTES = 600
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
_UNCHANGED = object()


# Who is acting ---------------------------------------------------------------------------------


def pairing_parties(*, pairing: MentorshipPairing, actor) -> set[str]:
    """The parts the actor plays in a pairing: mentor, mentee, staff (several are possible)."""
    parties = set()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return parties
    if actor.pk == pairing.mentor_id:
        parties.add(MENTOR)
    if actor.pk == pairing.mentee_id:
        parties.add(MENTEE)
    if is_programme_staff(actor):
        parties.add(STAFF)
    return parties


def pairing_allowed_actions(*, pairing: MentorshipPairing, actor) -> list[str]:
    """The actions the actor may take on the pairing now, in the table's order."""
    parties = pairing_parties(pairing=pairing, actor=actor)
    return [
        action
        for (action, status), (_new, allowed) in PAIRING_TRANSITIONS.items()
        if status == pairing.status and parties & allowed
    ]


def _not_now_message(action: str) -> str:
    return {
        ACCEPT: _("This pairing is no longer waiting for an answer."),
        DECLINE: _("This pairing is no longer waiting for an answer."),
        PAUSE: _("Only an active mentorship can be paused."),
        RESUME: _("Only a paused mentorship can be resumed."),
        COMPLETE: _("This mentorship has already finished."),
        END: _("This mentorship has already finished."),
    }[action]


def _not_yours_message(action: str, status: str) -> str:
    if action == ACCEPT and status == PairingStatus.PROPOSED:
        return _("Only the participant can accept a mentor: nobody is paired without saying yes.")
    if action == ACCEPT and status == PairingStatus.REQUESTED:
        return _("This request is waiting for the mentor to accept it.")
    if action == DECLINE and status == PairingStatus.PROPOSED:
        return _("Only the participant, or programme staff, can decline this proposal.")
    return _("Only the two people in this mentorship, or programme staff, can do that.")


def _begin(*, pairing: MentorshipPairing, actor, action: str) -> tuple[MentorshipPairing, str]:
    """Re-read the pairing under a row lock and check the action is allowed now, for this actor."""
    locked = MentorshipPairing.objects.select_for_update().get(pk=pairing.pk)
    transition = PAIRING_TRANSITIONS.get((action, locked.status))
    if transition is None:
        raise ValidationError(_not_now_message(action))
    new_status, allowed = transition
    if not pairing_parties(pairing=locked, actor=actor) & allowed:
        raise ValidationError(_not_yours_message(action, locked.status))
    return locked, new_status


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError(_("Please keep the reason under 2,000 characters."))
    return reason


# Mentor profiles and mentee preferences ------------------------------------------------------


def _clean_languages(languages: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for code in languages or []:
        code = str(code).strip().lower().replace("_", "-")
        if not code:
            continue
        if not LANGUAGE_CODE.match(code):
            raise ValidationError(
                _("“%(code)s” is not a language code. Please use codes such as en or es.")
                % {"code": code}
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


@transaction.atomic
def mentor_profile_save(
    *,
    user,
    actor,
    capacity: int,
    languages: Iterable[str] = (),
    skills: Iterable[Skill] = (),
    availability: str = "",
    training_completed: bool = False,
    status: str = MentorProfileStatus.ACTIVE,
) -> MentorProfile:
    """Create or update someone's mentor profile (staff only).

    Having a profile makes someone a mentor, so she joins the Mentors group. Capacity cannot drop
    below the mentees she has now: end or complete a pairing first.
    """
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can change a mentor profile."))
    if not user.is_active:
        raise ValidationError(_("This account is not active."))
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(
            _("Please give a capacity between 1 and %(max)s mentees.") % {"max": MAX_CAPACITY}
        )
    if status not in MentorProfileStatus.values:
        raise ValidationError(_("Please choose whether the mentor is active or paused."))
    availability = (availability or "").strip()
    if len(availability) > 1000:
        raise ValidationError(_("Please keep the availability under 1,000 characters."))
    languages = _clean_languages(languages)
    profile = MentorProfile.objects.select_for_update().filter(user=user).first()
    taken = MentorshipPairing.objects.filter(
        mentor=user, status__in=CAPACITY_PAIRING_STATUSES
    ).count()
    if capacity < taken:
        raise ValidationError(
            _(
                "%(name)s mentors %(count)s people now. End or complete a pairing before "
                "lowering the capacity to %(capacity)s."
            )
            % {"name": alias_of(user), "count": taken, "capacity": capacity}
        )
    created = profile is None
    if created:
        profile = MentorProfile(user=user)
    profile.capacity = capacity
    profile.languages = languages
    profile.availability = availability
    profile.training_completed = bool(training_completed)
    profile.status = status
    profile.save()
    profile.skills.set(list(skills))
    mentors, _created = Group.objects.get_or_create(name=Role.MENTOR.value)
    user.groups.add(mentors)
    user.__dict__.pop("_pathways_roles", None)
    log_change(profile, created=created, actor=actor)
    return profile


@transaction.atomic
def mentee_preferences_save(
    *, user, actor, skills_wanted: Iterable[Skill] = (), languages: Iterable[str] = ()
) -> MenteePreferences:
    """Record what a participant hopes to get from a mentor (herself, or staff for her)."""
    if actor is None or (actor.pk != user.pk and not is_programme_staff(actor)):
        raise ValidationError(_("Only the participant, or programme staff, can change this."))
    languages = _clean_languages(languages)
    preferences, created = MenteePreferences.objects.select_for_update().get_or_create(user=user)
    preferences.languages = languages
    preferences.save(update_fields=["languages"])
    preferences.skills_wanted.set(list(skills_wanted))
    log_change(preferences, created=created, actor=actor)
    return preferences


# Starting a pairing ----------------------------------------------------------------------------


def _ensure_mentor_available(*, mentor, profile: MentorProfile | None) -> None:
    name = alias_of(mentor)
    if profile is None or not mentor.is_active:
        raise ValidationError(_("%(name)s is not set up as a mentor yet.") % {"name": name})
    if profile.status != MentorProfileStatus.ACTIVE:
        raise ValidationError(
            _("%(name)s is not taking on new mentees at the moment.") % {"name": name}
        )
    if not profile.training_completed:
        raise ValidationError(_("%(name)s has not finished mentor training yet.") % {"name": name})


def _ensure_free_place(*, mentor, profile: MentorProfile) -> None:
    taken = MentorshipPairing.objects.filter(
        mentor=mentor, status__in=CAPACITY_PAIRING_STATUSES
    ).count()
    if taken >= profile.capacity:
        raise ValidationError(
            _(
                "%(name)s has no free place for a new mentee right now. "
                "Programme staff can suggest another mentor."
            )
            % {"name": alias_of(mentor)}
        )


def _open(*, mentor, mentee, actor, origin: str, status: str, checkin_every_days: int):
    if mentor.pk == mentee.pk:
        raise ValidationError(_("Nobody can be their own mentor."))
    if not mentee.is_active or not has_role(mentee, Role.PARTICIPANT):
        raise ValidationError(_("Only a participant in the programme can have a mentor."))
    if not isinstance(checkin_every_days, int) or not 1 <= checkin_every_days <= 365:
        raise ValidationError(_("Please give how often to check in as 1 to 365 days."))
    profile = MentorProfile.objects.filter(user=mentor).first()
    _ensure_mentor_available(mentor=mentor, profile=profile)
    already = MentorshipPairing.objects.filter(
        mentor=mentor, mentee=mentee, status__in=OPEN_PAIRING_STATUSES
    ).exists()
    if already:
        raise ValidationError(_("These two people are already paired, or waiting for an answer."))
    _ensure_free_place(mentor=mentor, profile=profile)
    try:
        with transaction.atomic():
            return MentorshipPairing.objects.create(
                mentor=mentor,
                mentee=mentee,
                status=status,
                origin=origin,
                proposed_by=actor,
                checkin_every_days=checkin_every_days,
            )
    except IntegrityError as error:
        # A concurrent request paired the same two people first.
        raise ValidationError(
            _("These two people are already paired, or waiting for an answer.")
        ) from error


def _choose_peer_alias(mentee, peer_alias: str) -> None:
    """Save the alias a mentee chose for her mentor to see, checked like any name; nothing when
    she gave none."""
    peer_alias = (peer_alias or "").strip()
    if not peer_alias:
        return
    if len(peer_alias) > PEER_ALIAS_MAX_LENGTH:
        raise ValidationError(
            {
                "peer_alias": _("Please keep the name under %(max)s characters.")
                % {"max": PEER_ALIAS_MAX_LENGTH}
            }
        )
    try:
        validate_person_name(peer_alias)
    except ValidationError as error:
        raise ValidationError({"peer_alias": error.messages}) from error
    profile_update(mentee, peer_alias=peer_alias)


@transaction.atomic
def pairing_propose(*, mentor, mentee, actor, checkin_every_days: int = 14) -> MentorshipPairing:
    """Staff suggest a mentor to a participant. Nothing starts until she accepts."""
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can propose a mentor."))
    pairing = _open(
        mentor=mentor,
        mentee=mentee,
        actor=actor,
        origin=PairingOrigin.STAFF,
        status=PairingStatus.PROPOSED,
        checkin_every_days=checkin_every_days,
    )
    log_change(pairing, created=True, actor=actor)
    return pairing


@transaction.atomic
def pairing_request(
    *, mentor, mentee, checkin_every_days: int = 14, peer_alias: str = ""
) -> MentorshipPairing:
    """A participant asks for a particular mentor.

    Asking is her yes; the pairing starts when the mentor (or staff, for her) accepts it.
    ``peer_alias``: the name the mentor will know her by, when she chooses one now (the page
    asks for it when she has none); saved to her profile with the request.
    """
    _choose_peer_alias(mentee, peer_alias)
    pairing = _open(
        mentor=mentor,
        mentee=mentee,
        actor=mentee,
        origin=PairingOrigin.PARTICIPANT,
        status=PairingStatus.REQUESTED,
        checkin_every_days=checkin_every_days,
    )
    notify(
        mentor,
        NoticeKind.MENTOR_REQUEST_NEW,
        url=reverse("mentoring:mentor_dashboard"),
        dedupe_key=f"mentor_request_new:{pairing.pk}",
    )
    return pairing


def _tell_mentee_request_answered(*, pairing: MentorshipPairing, was: str, actor) -> None:
    """Her request for a mentor was answered (by the mentor, or staff): she hears of it. Not
    when she withdrew it herself, nor for staff proposals, which she answers."""
    if was != PairingStatus.REQUESTED or actor.pk == pairing.mentee_id:
        return
    notify(
        pairing.mentee,
        NoticeKind.MENTOR_REQUEST_ANSWERED,
        url=reverse("mentoring:my_mentor"),
        dedupe_key=f"mentor_request_answered:{pairing.pk}",
    )


@transaction.atomic
def pairing_accept(*, pairing: MentorshipPairing, actor, peer_alias: str = "") -> MentorshipPairing:
    """Start a pairing: the mentee accepts a proposal, or the mentor (or staff) a request.

    ``peer_alias``: the name the mentor will know the mentee by, when she chooses one as she
    accepts (the page asks for it when she has none); only the mentee sets it.

    The mentor's profile is locked first and her places counted inside the lock, so that
    concurrent acceptances never take her over capacity; a refused one stays as it was.
    """
    profile = MentorProfile.objects.select_for_update().filter(user_id=pairing.mentor_id).first()
    pairing, new_status = _begin(pairing=pairing, actor=actor, action=ACCEPT)
    _ensure_mentor_available(mentor=pairing.mentor, profile=profile)
    _ensure_free_place(mentor=pairing.mentor, profile=profile)
    if peer_alias and actor.pk == pairing.mentee_id:
        _choose_peer_alias(pairing.mentee, peer_alias)
    now = timezone.now()
    was = pairing.status
    pairing.status = new_status
    pairing.responded_at = now
    pairing.started_at = now
    pairing.overdue_flagged_at = None
    pairing.save(update_fields=["status", "responded_at", "started_at", "overdue_flagged_at"])
    log_change(pairing, actor=actor)
    _tell_mentee_request_answered(pairing=pairing, was=was, actor=actor)
    return pairing


@transaction.atomic
def pairing_decline(
    *, pairing: MentorshipPairing, actor, reason_private: str = ""
) -> MentorshipPairing:
    """Say no to a proposal or a request (or withdraw one's own request). Nothing starts."""
    reason = _clean_reason(reason_private)
    pairing, new_status = _begin(pairing=pairing, actor=actor, action=DECLINE)
    now = timezone.now()
    was = pairing.status
    pairing.status = new_status
    pairing.responded_at = now
    pairing.ended_at = now
    pairing.ended_by = actor
    pairing.end_reason_private = reason
    pairing.save(
        update_fields=["status", "responded_at", "ended_at", "ended_by", "end_reason_private"]
    )
    log_change(pairing, actor=actor)
    _tell_mentee_request_answered(pairing=pairing, was=was, actor=actor)
    return pairing


@transaction.atomic
def pairing_pause(*, pairing: MentorshipPairing, actor) -> MentorshipPairing:
    """Take a break. The mentee keeps her place with the mentor while paused."""
    pairing, new_status = _begin(pairing=pairing, actor=actor, action=PAUSE)
    pairing.status = new_status
    pairing.overdue_flagged_at = None
    pairing.save(update_fields=["status", "overdue_flagged_at"])
    log_change(pairing, actor=actor)
    return pairing


@transaction.atomic
def pairing_resume(*, pairing: MentorshipPairing, actor) -> MentorshipPairing:
    """Carry on after a pause.

    A paused pairing kept its place (it counts towards the mentor's capacity), so resuming never
    takes the mentor over capacity and needs no new count.
    """
    pairing, new_status = _begin(pairing=pairing, actor=actor, action=RESUME)
    pairing.status = new_status
    pairing.save(update_fields=["status"])
    log_change(pairing, actor=actor)
    return pairing


def _finish(*, pairing, actor, action: str, reason_private: str) -> MentorshipPairing:
    reason = _clean_reason(reason_private)
    pairing, new_status = _begin(pairing=pairing, actor=actor, action=action)
    pairing.status = new_status
    pairing.ended_at = timezone.now()
    pairing.ended_by = actor
    pairing.end_reason_private = reason
    pairing.overdue_flagged_at = None
    pairing.save(
        update_fields=["status", "ended_at", "ended_by", "end_reason_private", "overdue_flagged_at"]
    )
    log_change(pairing, actor=actor)
    return pairing


@transaction.atomic
def pairing_complete(
    *, pairing: MentorshipPairing, actor, reason_private: str = ""
) -> MentorshipPairing:
    """The mentorship reached its end. The mentor no longer sees the mentee from now on."""
    return _finish(pairing=pairing, actor=actor, action=COMPLETE, reason_private=reason_private)


@transaction.atomic
def pairing_end(
    *, pairing: MentorshipPairing, actor, reason_private: str = ""
) -> MentorshipPairing:
    """End a mentorship early, by either person or by staff; the reason is for staff only."""
    return _finish(pairing=pairing, actor=actor, action=END, reason_private=reason_private)


def pairing_act(
    *, pairing: MentorshipPairing, actor, action: str, reason_private: str = ""
) -> MentorshipPairing:
    """Take one of the actions of :data:`PAIRING_TRANSITIONS` by its name, as the admin's pairing
    page does. Only the actions in :data:`ACTIONS_WITH_REASON` keep the reason."""
    change = {
        ACCEPT: pairing_accept,
        DECLINE: pairing_decline,
        PAUSE: pairing_pause,
        RESUME: pairing_resume,
        COMPLETE: pairing_complete,
        END: pairing_end,
    }.get(action)
    if change is None:
        raise ValueError(f"Unknown pairing action: {action!r}")
    if action in ACTIONS_WITH_REASON:
        return change(pairing=pairing, actor=actor, reason_private=reason_private)
    return change(pairing=pairing, actor=actor)


@transaction.atomic
def pairing_set_checkin_interval(
    *, pairing: MentorshipPairing, actor, checkin_every_days: int
) -> MentorshipPairing:
    """Staff change how often the pair should check in."""
    if not is_programme_staff(actor):
        raise ValidationError(_("Only programme staff can change how often the pair checks in."))
    if not isinstance(checkin_every_days, int) or not 1 <= checkin_every_days <= 365:
        raise ValidationError(_("Please give how often to check in as 1 to 365 days."))
    pairing = MentorshipPairing.objects.select_for_update().get(pk=pairing.pk)
    pairing.checkin_every_days = checkin_every_days
    pairing.save(update_fields=["checkin_every_days"])
    log_change(pairing, actor=actor)
    return pairing


# Goals and check-ins -----------------------------------------------------------------------------


def _active_for_member(*, pairing: MentorshipPairing, actor) -> MentorshipPairing:
    """The pairing, fresh, if it is active and the actor is one of the two people in it."""
    fresh = MentorshipPairing.objects.get(pk=pairing.pk)
    if not {MENTOR, MENTEE} & pairing_parties(pairing=fresh, actor=actor):
        raise ValidationError(_("Only the mentor and mentee in this mentorship can do that."))
    if fresh.status != PairingStatus.ACTIVE:
        raise ValidationError(
            _("This mentorship is not active, so its goals and check-ins cannot change.")
        )
    return fresh


def _ensure_day(value) -> None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError(_("Please give the date as a day, month and year."))


def _started_on(pairing: MentorshipPairing) -> datetime.date:
    return timezone.localdate(pairing.started_at)


def _clean_goal_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Please write what the goal is."))
    if len(title) > 300:
        raise ValidationError(_("Please keep the goal under 300 characters."))
    return title


def _ensure_goal_date(*, pairing: MentorshipPairing, due_date: datetime.date) -> None:
    _ensure_day(due_date)
    started = _started_on(pairing)
    if due_date < started:
        raise ValidationError(
            _("The goal's date cannot be before the mentorship started (%(date)s).")
            % {"date": started.isoformat()}
        )


@transaction.atomic
def goal_add(
    *, pairing: MentorshipPairing, actor, title: str, due_date: datetime.date | None = None
) -> MentorshipGoal:
    """The mentor or mentee writes down a goal, optionally with a date to reach it by."""
    pairing = _active_for_member(pairing=pairing, actor=actor)
    title = _clean_goal_title(title)
    if due_date is not None:
        _ensure_goal_date(pairing=pairing, due_date=due_date)
        if due_date < timezone.localdate():
            raise ValidationError(_("Please choose a date for the goal from today onwards."))
    return MentorshipGoal.objects.create(
        pairing=pairing, title=title, due_date=due_date, created_by=actor
    )


@transaction.atomic
def goal_update(
    *,
    goal: MentorshipGoal,
    actor,
    title: str | None = None,
    due_date=_UNCHANGED,
    status: str | None = None,
) -> MentorshipGoal:
    """Change a goal's wording, date (``None`` clears it) or status. Only what is given changes."""
    goal = MentorshipGoal.objects.select_for_update().get(pk=goal.pk)
    _active_for_member(pairing=goal.pairing, actor=actor)
    fields = []
    if title is not None:
        goal.title = _clean_goal_title(title)
        fields.append("title")
    if due_date is not _UNCHANGED:
        if due_date is not None:
            _ensure_goal_date(pairing=goal.pairing, due_date=due_date)
        goal.due_date = due_date
        fields.append("due_date")
    if status is not None:
        if status not in GoalStatus.values:
            raise ValidationError(_("Please choose one of the goal's statuses."))
        goal.status = status
        fields.append("status")
    if fields:
        goal.save(update_fields=[*fields, "updated_at"])
    return goal


def _private_notes_allowed() -> bool:
    return bool(app_settings.PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED)


def checkin_notes_may_be_private(*, pairing: MentorshipPairing, actor) -> bool:
    """Whether the actor may keep a check-in's notes from staff (see :func:`checkin_log`)."""
    return actor.pk == pairing.mentee_id and _private_notes_allowed()


@transaction.atomic
def checkin_log(
    *,
    pairing: MentorshipPairing,
    actor,
    date: datetime.date,
    mode: str,
    duration_minutes: int,
    notes: str = "",
    private_from_staff: bool = False,
) -> MentorshipCheckIn:
    """Record a meeting of the pair. The notes are shared by the two of them and by staff.

    Only the mentee may keep the notes from staff, and only where the programme allows it
    (``PATHWAYS_MENTEE_PRIVATE_NOTES_ALLOWED``).
    """
    pairing = _active_for_member(pairing=pairing, actor=actor)
    _ensure_day(date)
    if date > timezone.localdate():
        raise ValidationError(_("A check-in cannot be in the future. Please check the date."))
    started = _started_on(pairing)
    if date < started:
        raise ValidationError(
            _("A check-in cannot be before the mentorship started (%(date)s).")
            % {"date": started.isoformat()}
        )
    if mode not in CheckInMode.values:
        raise ValidationError(_("Please choose how you met."))
    if (
        not isinstance(duration_minutes, int)
        or isinstance(duration_minutes, bool)
        or not 1 <= duration_minutes <= MAX_CHECKIN_MINUTES
    ):
        raise ValidationError(
            _("Please give the length in minutes, between 1 and %(max)s.")
            % {"max": MAX_CHECKIN_MINUTES}
        )
    notes = (notes or "").strip()
    if len(notes) > 5000:
        raise ValidationError(_("Please keep the notes under 5,000 characters."))
    if private_from_staff:
        if actor.pk != pairing.mentee_id:
            raise ValidationError(_("Only the mentee can keep check-in notes private from staff."))
        if not _private_notes_allowed():
            raise ValidationError(
                _("Your programme shares check-in notes with staff, so they cannot be private.")
            )
    check_in = MentorshipCheckIn.objects.create(
        pairing=pairing,
        date=date,
        mode=mode,
        duration_minutes=duration_minutes,
        notes=notes,
        private_from_staff=bool(private_from_staff),
        recorded_by=actor,
    )
    if pairing.overdue_flagged_at is not None:
        last = pairing.check_ins.aggregate(last=Max("date"))["last"]
        if not checkin_is_overdue(
            last_checkin=last,
            started_at=pairing.started_at,
            every_days=pairing.checkin_every_days,
            today=timezone.localdate(),
        ):
            MentorshipPairing.objects.filter(pk=pairing.pk).update(overdue_flagged_at=None)
    return check_in


# Overdue check-ins ---------------------------------------------------------------------------


@transaction.atomic
def pairings_flag_overdue(*, now: datetime.datetime | None = None) -> int:
    """Flag for staff the active pairings whose last check-in is too long ago; returns how many
    were newly flagged. Flags that no longer apply (a check-in since, or no longer active) are
    cleared. Run daily by the ``flag_overdue_pairings`` task.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (
        MentorshipPairing.objects.filter(status=PairingStatus.ACTIVE)
        .annotate(last_checkin=Max("check_ins__date"))
        .values_list("pk", "started_at", "checkin_every_days", "last_checkin", "overdue_flagged_at")
    )
    newly_overdue, caught_up = [], []
    for pk, started_at, every_days, last_checkin, flagged_at in rows:
        overdue = checkin_is_overdue(
            last_checkin=last_checkin, started_at=started_at, every_days=every_days, today=today
        )
        if overdue and flagged_at is None:
            newly_overdue.append(pk)
        elif not overdue and flagged_at is not None:
            caught_up.append(pk)
    if newly_overdue:
        MentorshipPairing.objects.filter(pk__in=newly_overdue).update(overdue_flagged_at=now)
    MentorshipPairing.objects.filter(
        Q(pk__in=caught_up) | ~Q(status=PairingStatus.ACTIVE), overdue_flagged_at__isnull=False
    ).update(overdue_flagged_at=None)
    return len(newly_overdue)

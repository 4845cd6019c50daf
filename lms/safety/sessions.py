"""How long a signed-in session lasts: an idle limit and an absolute limit.

Both clocks are kept in the session itself (seconds since the epoch), so they hold across web
processes and need no table. The limits are read from settings on every call, so tests and host
sites can change them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from pathways.lms.core import app_settings

SIGNED_IN_AT = "pathways_signed_in_at"
LAST_ACTIVE_AT = "pathways_last_active_at"


@dataclass(frozen=True)
class SessionLimits:
    idle_seconds: int
    absolute_seconds: int
    warning_seconds: int

    @property
    def activity_resolution(self) -> int:
        """A page view moves the idle clock only when the last recorded activity is at least
        this many seconds old, so that browsing does not write the session on every request.
        The deadline shown to the person is always the stored one, so the warning never lies."""
        return max(0, min(60, self.idle_seconds // 30))


def limits() -> SessionLimits:
    return SessionLimits(
        idle_seconds=app_settings.PATHWAYS_SESSION_IDLE_MINUTES * 60,
        absolute_seconds=app_settings.PATHWAYS_SESSION_ABSOLUTE_HOURS * 3600,
        warning_seconds=app_settings.PATHWAYS_SESSION_WARNING_SECONDS,
    )


@dataclass(frozen=True)
class SessionClock:
    """Where a session stands at one moment: seconds left before each limit."""

    now: datetime
    idle_expires_in: int
    absolute_expires_in: int
    warning_seconds: int

    @property
    def expires_in(self) -> int:
        return min(self.idle_expires_in, self.absolute_expires_in)

    @property
    def deadline(self) -> datetime:
        return self.now + timedelta(seconds=self.expires_in)

    @property
    def ends_for_good(self) -> bool:
        """Whether the next sign-out is the absolute one, which "Stay signed in" cannot move."""
        return self.absolute_expires_in <= self.idle_expires_in

    @property
    def warning_minutes(self) -> int:
        return max(1, -(-self.warning_seconds // 60))

    def as_json(self) -> dict:
        return {
            "signed_in": True,
            "deadline": self.deadline.isoformat(),
            "expires_in": self.expires_in,
            "idle_expires_in": self.idle_expires_in,
            "absolute_expires_in": self.absolute_expires_in,
            "warning_seconds": self.warning_seconds,
        }


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def start(session, *, now: datetime) -> None:
    """Start both clocks, unless this session already has them."""
    if SIGNED_IN_AT not in session:
        session[SIGNED_IN_AT] = _seconds(now)
        session[LAST_ACTIVE_AT] = _seconds(now)


def start_on_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a sign-in starts both clocks afresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SIGNED_IN_AT, None)
        start(session, now=timezone.now())


def has_expired(session, *, now: datetime) -> bool:
    """Whether either limit has been reached. A session without clocks (signed in before they
    existed) has not: :func:`start` gives it some."""
    if SIGNED_IN_AT not in session:
        return False
    current = _seconds(now)
    rules = limits()
    signed_in_at = session.get(SIGNED_IN_AT, current)
    last_active_at = session.get(LAST_ACTIVE_AT, signed_in_at)
    return (
        current >= last_active_at + rules.idle_seconds
        or current >= signed_in_at + rules.absolute_seconds
    )


def record_activity(session, *, now: datetime, force: bool = False) -> None:
    """The person did something: the idle clock starts again."""
    current = _seconds(now)
    last = session.get(LAST_ACTIVE_AT)
    if force or last is None or current - last >= limits().activity_resolution:
        session[LAST_ACTIVE_AT] = current


def clock(session, *, now: datetime | None = None) -> SessionClock:
    now = now or timezone.now()
    current = _seconds(now)
    rules = limits()
    signed_in_at = session.get(SIGNED_IN_AT, current)
    last_active_at = session.get(LAST_ACTIVE_AT, signed_in_at)
    return SessionClock(
        now=now,
        idle_expires_in=max(0, last_active_at + rules.idle_seconds - current),
        absolute_expires_in=max(0, signed_in_at + rules.absolute_seconds - current),
        warning_seconds=rules.warning_seconds,
    )

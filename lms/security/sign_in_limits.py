"""Limits on wrong passwords, per account and per client address, through django-axes.

Every way in that checks a password (the site's sign-in page, the Wagtail admin's login and the
API's token endpoint) goes through ``django.contrib.auth.authenticate``; django-axes listens to
it. Failures are kept in the database (``axes.AccessAttempt``), so every web process sees the
same counts.

- **Per account.** After ``PATHWAYS_SIGN_IN_ACCOUNT_FAILURES`` wrong passwords for one account
  (5 by default), signing in to it pauses for ``PATHWAYS_SIGN_IN_PAUSE_MINUTES`` (15), from any
  address. The count follows the account, not what was typed: "Rosa", "rosa" and her e-mail
  address share one count. Names that match no account are counted in the same way, so a pause
  never tells whether an account exists.
- **Per address.** After ``PATHWAYS_SIGN_IN_ADDRESS_FAILURES`` wrong passwords from one client
  address (20 by default, higher because a training room or a shelter shares one address),
  signing in from it pauses too, for any account.

While paused, even the right password is refused, and refused attempts do not make the pause
longer, so "wait 15 minutes" stays true. A success does not clear earlier failures: otherwise
someone could sign in to their own account between guesses at another's. Staff end a pause in
the admin (Settings, "Paused sign-ins"); a temporary password set in person does not need it.

The client address comes from :func:`lms.security.addresses.client_address`, like every other
per-client limit. Successful sign-ins are not logged (``AXES_DISABLE_ACCESS_LOG``): a record of
where and when someone signed in would be a map of her movements.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.log_actions import log

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt

from pathways.lms.accounts.backends import find_account
from pathways.lms.accounts.names import staff_label
from pathways.lms.core import app_settings
from pathways.lms.core.errors import error_body
from pathways.lms.core.middleware import is_api_request

ACCOUNT = "account"
ADDRESS = "address"
PAUSE_ENDED_ACTION = "pathways.sign_in_pause_ended"


# Settings, read when used ----------------------------------------------------------------------


def account_failure_limit(request: HttpRequest | None = None, credentials=None) -> int:
    """``AXES_FAILURE_LIMIT``: wrong passwords for one account before signing in pauses."""
    return max(int(app_settings.PATHWAYS_SIGN_IN_ACCOUNT_FAILURES), 1)


def address_failure_limit() -> int:
    """Wrong passwords from one client address (for any accounts) before signing in pauses."""
    return max(int(app_settings.PATHWAYS_SIGN_IN_ADDRESS_FAILURES), 1)


def pause_minutes() -> int:
    return max(int(app_settings.PATHWAYS_SIGN_IN_PAUSE_MINUTES), 1)


def pause(request: HttpRequest | None = None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long signing in stays paused after the last counted failure."""
    return timedelta(minutes=pause_minutes())


# What django-axes counts by --------------------------------------------------------------------


def key_for(identifier: str | None) -> str | None:
    """The name failures are counted under: the account's username, or what was typed.

    Both are lower-cased, as the sign-in itself ignores case. A typed name that matches no
    account cannot collide with one that does: it would have matched it.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    account = find_account(identifier)
    return (account.get_username() if account is not None else identifier).lower()


def account_key(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the account key for this attempt (looked up once a request)."""
    field = get_user_model().USERNAME_FIELD
    if credentials:
        typed = credentials.get(field, credentials.get("username"))
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        typed = data.get(field) or data.get("username")
    typed = typed if isinstance(typed, str) else None
    remembered = getattr(request, "_pathways_sign_in_keys", None)
    if remembered is None:
        remembered = {}
        try:
            request._pathways_sign_in_keys = remembered
        except AttributeError:  # not a request object we can note things on
            return key_for(typed)
    if typed not in remembered:
        remembered[typed] = key_for(typed)
    return remembered[typed]


def _total(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler with its own limit for client addresses.

    django-axes compares one number with one limit. This handler gives it the account's count,
    raised to the account limit when the client's address is over the (higher) address limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        since = (getattr(request, "axes_attempt_time", None) or timezone.now()) - pause(request)
        recent = AccessAttempt.objects.filter(attempt_time__gte=since)
        key = get_client_username(request, credentials)
        by_account = _total(recent.filter(username=key)) if key else 0
        address = getattr(request, "axes_ip_address", None)
        if address and _total(recent.filter(ip_address=address)) >= address_failure_limit():
            return max(by_account, account_failure_limit())
        return by_account


# What a paused person sees ---------------------------------------------------------------------


def pause_message() -> str:
    minutes = pause_minutes()
    return ngettext(
        "Signing in is paused for %(minutes)s minute after too many tries that did not match. "
        "Please wait, then try again. If you cannot wait, or have forgotten your password, a "
        "member of staff can help you in person.",
        "Signing in is paused for %(minutes)s minutes after too many tries that did not match. "
        "Please wait, then try again. If you cannot wait, or have forgotten your password, a "
        "member of staff can help you in person.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the same answer whether or not the account exists.

    It never repeats what was typed. The API gets its usual error format.
    """
    retry_after = str(pause_minutes() * 60)
    if is_api_request(request):
        response = JsonResponse(
            error_body(status_code=429, code="sign_in_paused", message=pause_message()),
            status=429,
        )
    else:
        response = render(
            request,
            "security/sign_in_paused.html",
            {"page_title": _("Signing in is paused"), "message": pause_message()},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response


# Paused sign-ins, for staff --------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    kind: str  # ACCOUNT or ADDRESS
    key: str  # the account key, or the address
    failures: int
    until: datetime
    account: object | None = None  # the account, when the key is one

    @property
    def label(self) -> str:
        if self.kind == ADDRESS:
            return _("Address %(address)s") % {"address": self.key}
        if self.account is not None:
            return staff_label(self.account)
        return _("“%(typed)s” (no such account)") % {"typed": self.key}


def current_pauses(*, now: datetime | None = None) -> list[Pause]:
    """Every account and address whose signing in is paused now, latest first (3 queries)."""
    now = now or timezone.now()
    window = pause()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - window)
    pauses: list[Pause] = []
    by_account = (
        recent.exclude(username__isnull=True)
        .exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=account_failure_limit())
    )
    rows = list(by_account)
    accounts = {}
    if rows:
        for user in (
            get_user_model()
            ._default_manager.annotate(key=Lower("username"))
            .filter(key__in={row["username"] for row in rows})
            .select_related("pathways_profile")
            .only("pk", "username", "pathways_profile__chosen_name")
        ):
            accounts.setdefault(user.key, user)
    for row in rows:
        pauses.append(
            Pause(
                kind=ACCOUNT,
                key=row["username"],
                failures=row["failures"],
                until=row["last"] + window,
                account=accounts.get(row["username"]),
            )
        )
    by_address = (
        recent.exclude(ip_address__isnull=True)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=address_failure_limit())
    )
    for row in by_address:
        pauses.append(
            Pause(
                kind=ADDRESS,
                key=str(row["ip_address"]),
                failures=row["failures"],
                until=row["last"] + window,
            )
        )
    pauses.sort(key=lambda item: item.until, reverse=True)
    return pauses


def may_end_pauses(user) -> bool:
    """Programme staff (granted axes' delete permission after every migrate) and superusers.

    A permission rather than a role check: the admin menu asks on every page, and permissions are
    already loaded there."""
    return bool(user and user.is_authenticated and user.has_perm("axes.delete_accessattempt"))


def pause_end(*, actor, kind: str, key: str) -> int:
    """Forget the failures behind one pause, so that signing in works again at once.

    Staff do this after checking, in person, that it is the account's owner who is stuck (or
    that an address is the programme's own). Returns how many attempt records were removed.
    """
    if kind not in (ACCOUNT, ADDRESS) or not key:
        raise ValueError("kind must be 'account' or 'address', with a key")
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(
            **({"username": key} if kind == ACCOUNT else {"ip_address": key})
        )
        removed, _details = attempts.delete()
        account = find_account(key) if kind == ACCOUNT else None
        log(
            instance=account if account is not None else actor,
            action=PAUSE_ENDED_ACTION,
            user=actor,
            data={"kind": kind},
        )
    return removed

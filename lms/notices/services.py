"""Every change to notices goes through these functions: telling someone, reading, e-mailing.

Notices sit low in the layers (they know only core and accounts), so the apps above tell people
about their own events by calling :func:`notify`, with the page to open and a key naming the
event. Time-based notices (a session tomorrow, sharing that ends soon, a check-in due) are found
by the apps that know those things, through the Wagtail hook :data:`DUE_NOTICES_HOOK`, and
created by ``manage.py send_due_notices`` (:func:`notices_create_due`), run daily.

The e-mail is the only thing that leaves the site, so it says nothing at all: under the brand's
name, "You have a new message" and a link to the notices page. It goes only to someone who chose
e-mail among her safe ways to be contacted and did not ask not to be contacted, checked when the
notice is made and again when the e-mail is sent; and one e-mail is enough while she has not yet
read what it told her about.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _

from wagtail import hooks

from pathways.lms.accounts.names import stored_profile
from pathways.lms.accounts.profiles import ContactChannel, may_be_contacted_by
from pathways.lms.core import app_settings, branding
from pathways.lms.notices.models import Notice, NoticeKind

logger = logging.getLogger(__name__)

#: Wagtail hook: functions called as ``finder(now=<datetime>)`` that return the
#: :class:`DueNotice` s due now. Each app registers the finders for what it knows about.
DUE_NOTICES_HOOK = "pathways_due_notices"

#: No second e-mail while an earlier one, this recent, still points at an unread notice.
EMAIL_QUIET_PERIOD = timedelta(hours=24)

__all__ = [
    "DUE_NOTICES_HOOK",
    "DueNotice",
    "NoticeKind",
    "is_safe_local_path",
    "notice_email_send",
    "notice_mark_read",
    "notices_create_due",
    "notices_mark_all_read",
    "notify",
]


@dataclass(frozen=True)
class DueNotice:
    """A notice an app found due: for whom, what kind, which page, and the event's key."""

    user: Any
    kind: str
    url: str
    dedupe_key: str


def is_safe_local_path(url: str) -> bool:
    """Whether ``url`` is a path on this site (``/...``): never another site, a scheme or a
    protocol-relative address, which would turn a notice into a way out of the site."""
    if not isinstance(url, str) or not url.startswith("/") or url.startswith("//"):
        return False
    if any(character in url for character in "\\\r\n\t") or len(url) > 500:
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)


def _create(user, kind: str, *, url: str, dedupe_key: str) -> tuple[Notice | None, bool]:
    if user is None or not getattr(user, "pk", None):
        return None, False
    if kind not in NoticeKind.values:
        raise ValueError(f"{kind!r} is not a kind of notice")
    if not is_safe_local_path(url):
        raise ValidationError(_("A notice can only lead to a page of this site."))
    # An erased or deactivated account is told nothing.
    if not getattr(user, "is_active", True):
        return None, False
    dedupe_key = (dedupe_key or "")[:200]
    if dedupe_key:
        existing = Notice.objects.filter(user_id=user.pk, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user_id=user.pk, kind=kind, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        # Made at the same moment by another request for the same event.
        return Notice.objects.get(user_id=user.pk, dedupe_key=dedupe_key), False
    return notice, True


def _queue_email(notice: Notice) -> None:
    def enqueue() -> None:
        from pathways.lms.notices.tasks import send_notice_email

        send_notice_email.enqueue(notice.pk)

    # Only once the notice is committed; a queue that is down never undoes what happened.
    transaction.on_commit(enqueue, robust=True)


def notify(user, kind: str, *, url: str, dedupe_key: str | None = None, email: bool = True):
    """Tell ``user`` about something, once per ``dedupe_key``; returns the notice (or None for
    nobody, or a deactivated account).

    ``url`` is the path of the page to open (``reverse(...)``), on this site. The neutral e-mail
    is queued, after the transaction commits, only for a new notice and only where she allows
    e-mail. Called inside another app's transaction, the notice commits or rolls back with it.
    """
    notice, created = _create(user, kind, url=url, dedupe_key=dedupe_key or "")
    if created and email and may_be_contacted_by(user, ContactChannel.EMAIL):
        _queue_email(notice)
    return notice


def notice_mark_read(*, user, notice: Notice) -> bool:
    """Mark one of her own notices as read; someone else's is left alone. True if it was unread."""
    if user is None or not getattr(user, "pk", None):
        return False
    return bool(
        Notice.objects.filter(pk=notice.pk, user_id=user.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notices_mark_all_read(*, user) -> int:
    """Mark all her notices as read; returns how many were unread."""
    if user is None or not getattr(user, "pk", None):
        return 0
    return Notice.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Time-based notices --------------------------------------------------------------------------


def notices_create_due(*, now: datetime | None = None) -> int:
    """Create the notices the apps find due now (:data:`DUE_NOTICES_HOOK`); returns how many are
    new. Each event has its key, so running it again, or twice a day, tells nobody twice. A
    finder that fails is logged and the others still run."""
    now = now or timezone.now()
    created = 0
    for finder in hooks.get_hooks(DUE_NOTICES_HOOK):
        try:
            due: Iterable[DueNotice] = list(finder(now=now))
        except Exception:
            logger.exception("Finding due notices failed in %s.", getattr(finder, "__name__", ""))
            continue
        for item in due:
            with transaction.atomic():
                notice, new = _create(
                    item.user, item.kind, url=item.url, dedupe_key=item.dedupe_key
                )
                if new and may_be_contacted_by(item.user, ContactChannel.EMAIL):
                    _queue_email(notice)
            created += new
    return created


# The e-mail ----------------------------------------------------------------------------------


def _language(user) -> str:
    profile = stored_profile(user)
    language = (profile.preferred_language if profile else "") or ""
    return language if language and check_for_language(language) else settings.LANGUAGE_CODE


def _address(user) -> str:
    field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
    return (getattr(user, field, "") or "").strip()


def _emailed_recently(notice: Notice, now: datetime) -> bool:
    return (
        Notice.objects.filter(
            user_id=notice.user_id,
            read_at__isnull=True,
            emailed_at__gte=now - EMAIL_QUIET_PERIOD,
        )
        .exclude(pk=notice.pk)
        .exists()
    )


def notices_page_link() -> str:
    """The notices page's full address, for the e-mail: ``PATHWAYS_BASE_URL`` and its path."""
    return app_settings.PATHWAYS_BASE_URL.rstrip("/") + reverse("notices:list")


def notice_email_message(user) -> EmailMessage:
    """The neutral e-mail, in her language: the brand, "You have a new message", a link."""
    with translation.override(_language(user)):
        subject = branding.email_subject(_("You have a new message"))
        body = render_to_string(
            "notices/email/new_message.txt",
            {"brand_name": branding.brand_name(), "link": notices_page_link()},
        )
    return EmailMessage(
        subject=subject, body=body, from_email=branding.email_sender(), to=[_address(user)]
    )


def notice_email_send(*, notice_id: int) -> bool:
    """Send the e-mail for one notice, if it may be sent now; True if it was sent.

    Checked again here, as the worker may run later than the notice was made: she must still
    allow e-mail and have an address, the notice must be unread and not yet e-mailed, and no
    other e-mail may be waiting for her to read it.
    """
    notice = (
        Notice.objects.select_related("user__pathways_profile")
        .filter(pk=notice_id, read_at__isnull=True, emailed_at__isnull=True)
        .first()
    )
    if notice is None:
        return False
    user = notice.user
    if not getattr(user, "is_active", True) or not may_be_contacted_by(user, ContactChannel.EMAIL):
        return False
    if not _address(user):
        return False
    now = timezone.now()
    if _emailed_recently(notice, now):
        return False
    # Claimed before sending, so that two workers running one task send one e-mail.
    if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=now):
        return False
    try:
        notice_email_message(user).send()
    except Exception:
        Notice.objects.filter(pk=notice.pk).update(emailed_at=None)
        raise
    return True

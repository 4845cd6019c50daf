"""Reads of notices: each person's own, and nobody else's (default deny).

A notice belongs to one person; every read starts from hers, so someone else's notice, whatever
the reader's role, answers as if it did not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from pathways.lms.notices.models import Notice


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.pk)


def notices_for_user(user) -> QuerySet[Notice]:
    """Her notices, newest first; none for a visitor."""
    if not _signed_in(user):
        return Notice.objects.none()
    return Notice.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def notice_for_user(user, notice_id) -> Notice:
    """One of her notices, or 404."""
    notice = notices_for_user(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    return notice


def unread_count(user) -> int:
    """How many of her notices she has not read yet, in one query (none for a visitor)."""
    if not _signed_in(user):
        return 0
    return Notice.objects.filter(user_id=user.pk, read_at__isnull=True).count()

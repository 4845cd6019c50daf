"""Where a certificate's bit sits in the revocation status list: drawn at random, never reused.

An index that followed the issuing order (the database id, as it once was) would let anyone who
reads the public list count the certificates issued and see which of them were withdrawn. So each
certificate gets an index drawn with :mod:`secrets` from a range of at least 131,072 entries, the
W3C Bitstring Status List minimum for group privacy: a set bit then says only that one of very many
credentials is no longer valid.

Every index given out is recorded in ``StatusListAllocation`` and never removed, so it is never
given again, even if the certificate that held it were deleted (certificates never are: erasure
keeps the row, revoked).

Size. ``PATHWAYS_STATUS_LIST_SIZE`` (default and minimum 131,072, a multiple of 8) is the range
indexes are drawn from. Drawing at random gets slower as the range fills, so when half of it has
been given out the range doubles (logged as a warning): the published list grows with it and stays
valid, since verifiers read whatever length the list has. Should 32 draws in a row still all hit
indexes already taken (a chance below one in four billion while the range is at most half full),
issuing fails loudly with :class:`StatusListFull` rather than reuse an index.
"""

import logging
import secrets
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Max

from pathways.certificates.credentials.models import StatusListAllocation
from pathways.lms.core import app_settings

logger = logging.getLogger(__name__)

# The W3C Bitstring Status List's minimum length (16 KB), for group privacy.
MIN_SIZE = 131_072
DRAW_ATTEMPTS = 32


class StatusListFull(RuntimeError):
    """No unused index could be drawn; nothing was issued."""


def size_is_valid(size) -> bool:
    """A whole number of at least 131,072 and a multiple of 8 (whole bytes)."""
    whole = isinstance(size, int) and not isinstance(size, bool)
    return whole and size >= MIN_SIZE and size % 8 == 0


def configured_size() -> int:
    """``PATHWAYS_STATUS_LIST_SIZE``, checked (the system check ``pathways_credentials.E001``
    explains a bad value before anything is issued)."""
    size = app_settings.PATHWAYS_STATUS_LIST_SIZE
    if not size_is_valid(size):
        raise ImproperlyConfigured(
            f"PATHWAYS_STATUS_LIST_SIZE must be a whole number of at least {MIN_SIZE} and a "
            f"multiple of 8, not {size!r}."
        )
    return size


def draw_range(allocated: int, size: int) -> int:
    """The range to draw from once ``allocated`` indexes are given out: ``size``, doubled until
    at most half of it is taken."""
    span = size
    while allocated * 2 >= span:
        span *= 2
    return span


def list_length(highest_index: int | None, size: int) -> int:
    """Bits in the published list: ``size``, or the next multiple of it that holds every index."""
    if highest_index is None or highest_index < size:
        return size
    return -(-(highest_index + 1) // size) * size


def draw_indexes(count: int, *, taken: Iterable[int], size: int) -> list[int]:
    """``count`` distinct random indexes not in ``taken``, growing the range as
    :func:`draw_range` says. Pure: used where many certificates get indexes at once (the
    migration that replaced id-based indexes, the benchmark data)."""
    taken = set(taken)
    drawn: list[int] = []
    for _ in range(count):
        span = draw_range(len(taken), size)
        while True:
            index = secrets.randbelow(span)
            if index not in taken:
                break
        taken.add(index)
        drawn.append(index)
    return drawn


def published_length() -> int:
    """Bits in every published status list now."""
    highest = StatusListAllocation.objects.aggregate(highest=Max("index"))["highest"]
    return list_length(highest, configured_size())


def allocate_index() -> int:
    """A fresh random index, recorded as given out in the caller's transaction.

    Concurrent issuers drawing the same index are told apart by the primary key: the later insert
    fails inside its savepoint and draws again.
    """
    size = configured_size()
    allocated = StatusListAllocation.objects.count()
    span = draw_range(allocated, size)
    if span > size and draw_range(allocated - 1, size) < span:
        logger.warning(
            "The status list range grew to %s entries: half of it was given out. Consider a "
            "larger PATHWAYS_STATUS_LIST_SIZE.",
            span,
        )
    for _attempt in range(DRAW_ATTEMPTS):
        index = secrets.randbelow(span)
        if StatusListAllocation.objects.filter(index=index).exists():
            continue
        try:
            with transaction.atomic():
                StatusListAllocation.objects.create(index=index)
        except IntegrityError:
            continue
        return index
    raise StatusListFull(
        f"No unused status list index in {DRAW_ATTEMPTS} draws from {span} entries "
        f"({allocated} given out). Raise PATHWAYS_STATUS_LIST_SIZE."
    )

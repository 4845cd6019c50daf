"""The shared cache (Redis when ``CACHE_URL`` is set) may be unreachable for a while; the site
keeps serving.

Only rate-limit counters and copies of things that can be worked out again live in the cache, so
when it cannot be reached every limit fails open: the request is let through, uncounted, and a
warning is logged once a minute per kind of limit and per process (no addresses, no keys, no
names: only what was not counted and the kind of error). The limits that protect accounts are
kept in the database and still hold: wrong passwords (django-axes) and wrong second-factor codes
(django-otp). A copy that cannot be read is worked out again; one that cannot be stored is not.

- :func:`count` adds one to a counter for Pathways' own limits (``None`` when it cannot);
- :func:`get` and :func:`put` read and store copies, a miss when the cache is unreachable;
- :class:`FailOpenRedisCache` is Django's Redis cache with the same rule for everyone else's
  use of the cache (Wagtail's site paths, renditions): a site names it in ``CACHES`` so that
  Wagtail's pages are served during a Redis outage too.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("pathways.cache")

#: At most one warning per kind of limit, per process, in this many seconds.
WARNING_INTERVAL_SECONDS = 60

_last_warnings: dict[str, float] = {}
_warnings_lock = threading.Lock()


def warn_unreachable(purpose: str, error: BaseException) -> None:
    """Log that the cache could not be reached and what follows (``purpose``: "certificate
    lookups are not counted"), at most once an interval for each purpose.

    The warning names the purpose and the kind of error only: a cache error's text can carry a
    key, and Pathways' keys are made from client addresses.
    """
    now = time.monotonic()
    with _warnings_lock:
        last = _last_warnings.get(purpose)
        if last is not None and now - last < WARNING_INTERVAL_SECONDS:
            return
        _last_warnings[purpose] = now
    logger.warning(
        "The cache could not be reached (%s); until it is back, %s.", type(error).__name__, purpose
    )


def count(key: str, *, seconds: int, purpose: str) -> int | None:
    """Add one to the counter ``key`` (made, at 0, to last ``seconds`` if it is new) and return
    its new value; ``None`` when the cache cannot be reached. Atomic in a shared cache, so
    several web processes count together."""
    try:
        cache.add(key, 0, timeout=seconds)
        try:
            return cache.incr(key)
        except ValueError:
            # The counter expired between add() and incr(): this is its first count.
            cache.set(key, 1, timeout=seconds)
            return 1
    except Exception as error:  # any failure of the cache backend (Redis' own errors included)
        warn_unreachable(purpose, error)
        return None


def get(key: str, *, purpose: str, default: Any = None) -> Any:
    """The stored copy at ``key``, or ``default`` if there is none or the cache is unreachable."""
    try:
        return cache.get(key, default)
    except Exception as error:  # any failure of the cache backend
        warn_unreachable(purpose, error)
        return default


def put(key: str, value: Any, *, seconds: int, purpose: str) -> None:
    """Store a copy; nothing happens if the cache is unreachable."""
    try:
        cache.set(key, value, timeout=seconds)
    except Exception as error:  # any failure of the cache backend
        warn_unreachable(purpose, error)


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, where a Redis outage is a miss rather than an error.

    Reads answer "not cached" and writes are dropped while Redis cannot be reached (logged once a
    minute), so that code which uses the cache for speed keeps working: Wagtail works out every
    page's address through it. ``add`` and ``incr`` still raise, as their callers act on the
    answer (counters, locks) and must decide for themselves, as :func:`count` does. Give the
    connection short timeouts in ``OPTIONS`` (``socket_connect_timeout``, ``socket_timeout``), or
    each request waits for them while Redis is away.
    """

    purpose = "cached copies are worked out again on every request"

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception as error:  # any failure of Redis or its client
            warn_unreachable(self.purpose, error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return list(data)  # the keys that were not stored

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except Exception as error:
            warn_unreachable(self.purpose, error)

    def clear(self):
        try:
            return super().clear()
        except Exception as error:
            warn_unreachable(self.purpose, error)
            return False

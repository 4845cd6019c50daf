"""Per-client limits on certificate lookups, so that codes cannot be guessed by brute force.

Counts live in Django's cache: fixed windows, one counter per client and window. The default
local-memory cache counts per process; a site with several web processes should use a shared
cache (Redis) so that the limit holds across them. Client addresses are hashed before they are
used as cache keys.

Settings, read on every request:

- ``PATHWAYS_VERIFY_RATE``: ``"<lookups>/<seconds>"``, by default ``"30/600"``.
- ``PATHWAYS_TRUSTED_PROXY_COUNT``: how many reverse proxies in front of the site append to
  ``X-Forwarded-For``; clients are told apart by ``lms.security.addresses.client_address``, the
  same function the API's throttles and the sign-in limits use.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from pathways.lms.security.addresses import client_address

DEFAULT_RATE = "30/600"


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int


def _rate() -> tuple[int, int]:
    text = getattr(settings, "PATHWAYS_VERIFY_RATE", DEFAULT_RATE)
    try:
        count, seconds = (int(part) for part in str(text).split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f'PATHWAYS_VERIFY_RATE must look like "30/600", not {text!r}'
        ) from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured("PATHWAYS_VERIFY_RATE needs positive numbers.")
    return count, seconds


def check_rate(request: HttpRequest, *, scope: str = "verify") -> RateDecision:
    """Count one lookup for this client; say whether it is within the limit."""
    limit, period = _rate()
    now = int(time.time())
    window = now // period
    client = hashlib.sha256(f"{scope}|{client_address(request)}".encode()).hexdigest()[:32]
    key = f"pathways:ratelimit:{scope}:{client}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr(): this is the window's first lookup.
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return RateDecision(allowed=count <= limit, retry_after=(window + 1) * period - now)

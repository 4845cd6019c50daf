"""Per-client limits on certificate lookups, so that codes cannot be guessed by brute force.

Counts live in Django's cache: fixed windows, one counter per client and window. The default
local-memory cache counts per process; a site with several web processes should use a shared
cache (Redis) so that the limit holds across them. Client addresses are hashed before they are
used as cache keys. While the cache cannot be reached, lookups are let through uncounted and a
warning is logged (``lms.core.shared_cache``): verifying a certificate matters more than
counting, and the codes are long enough that an outage of minutes gives a guesser nothing.

Settings, read on every request:

- ``PATHWAYS_VERIFY_RATE``: ``"<lookups>/<seconds>"``, by default ``"30/600"``.
- ``PATHWAYS_TRUSTED_PROXY_COUNT``: how many reverse proxies in front of the site append to
  ``X-Forwarded-For``; clients are told apart by ``lms.security.addresses.client_address``, the
  same function the API's throttles and the sign-in limits use.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from pathways.lms.core import app_settings, shared_cache
from pathways.lms.security.addresses import client_address


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int


def parse_rate(text) -> tuple[int, int] | None:
    """``"<lookups>/<seconds>"`` as two numbers of 1 or more, or ``None`` if it is not that."""
    if not isinstance(text, str):
        return None
    try:
        count, seconds = (int(part) for part in text.split("/"))
    except ValueError:
        return None
    if count < 1 or seconds < 1:
        return None
    return count, seconds


def _rate() -> tuple[int, int]:
    """``PATHWAYS_VERIFY_RATE`` (the system check ``pathways_credentials.E002`` explains a bad
    value)."""
    text = app_settings.PATHWAYS_VERIFY_RATE
    rate = parse_rate(text)
    if rate is None:
        raise ImproperlyConfigured(
            f'PATHWAYS_VERIFY_RATE must look like "30/600" (both 1 or more), not {text!r}'
        )
    return rate


def check_rate(request: HttpRequest, *, scope: str = "verify") -> RateDecision:
    """Count one lookup for this client; say whether it is within the limit."""
    limit, period = _rate()
    now = int(time.time())
    window = now // period
    client = hashlib.sha256(f"{scope}|{client_address(request)}".encode()).hexdigest()[:32]
    key = f"pathways:ratelimit:{scope}:{client}:{period}:{window}"
    count = shared_cache.count(
        key, seconds=period + 1, purpose=f"certificate lookups ({scope}) are not counted"
    )
    if count is None:  # the cache cannot be reached: let the lookup through
        return RateDecision(allowed=True, retry_after=0)
    return RateDecision(allowed=count <= limit, retry_after=(window + 1) * period - now)

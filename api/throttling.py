"""One request budget per employer key, per signed-in person, and per anonymous address.

Rates come from ``PATHWAYS_API_THROTTLE_RATES`` (``employer_key``, ``user``, ``anon``; a kind
left out keeps its default, ``None`` lifts its limit), read on each request, never from the host
site's ``REST_FRAMEWORK``. Counts live in the default cache: use a shared cache (``CACHE_URL``)
when several web processes serve the API. While the cache cannot be reached, requests are let
through uncounted and a warning is logged (``lms.core.shared_cache``): the counts only share out
capacity, and refusing every API request during an outage of the cache would be worse.
"""

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from pathways.certificates.employers.models import EmployerApiKey
from pathways.lms.core import app_settings, shared_cache
from pathways.lms.security.addresses import client_address

SETTING = "PATHWAYS_API_THROTTLE_RATES"


def throttle_rates() -> dict:
    """Each kind of caller's rate: the site's, or the default for a kind it leaves out."""
    return {**app_settings.DEFAULTS[SETTING], **getattr(app_settings, SETTING)}


class PerClientThrottle(SimpleRateThrottle):
    def __init__(self):  # the scope depends on the request; see allow_request
        pass

    def _scope_and_ident(self, request) -> tuple[str, str]:
        if isinstance(request.auth, EmployerApiKey):
            return "employer_key", f"key{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return "user", f"user{request.user.pk}"
        address = client_address(request).encode()
        return "anon", hashlib.sha256(address).hexdigest()[:32]

    def allow_request(self, request, view):
        self.scope, self.ident = self._scope_and_ident(request)
        self.rate = throttle_rates().get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)  # reads and writes the cache only
        except Exception as error:  # any failure of the cache backend
            shared_cache.warn_unreachable("API requests are not counted", error)
            return True

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

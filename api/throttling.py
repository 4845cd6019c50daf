"""One request budget per employer key, per signed-in person, and per anonymous address.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``employer_key``, ``user``,
``anon``), read on each request. Counts live in the default cache: use a shared cache
(``CACHE_URL``) when several web processes serve the API.
"""

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from pathways.certificates.employers.models import EmployerApiKey
from pathways.lms.security.addresses import client_address


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
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}

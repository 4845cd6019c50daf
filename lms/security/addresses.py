"""The one answer to "who is asking?": the client's address, for every per-address limit.

Certificate lookups (``certificates.ratelimit``), the API's anonymous budget
(``api.throttling``) and the sign-in limits (django-axes, ``lms.security.sign_in_limits``) all
count per client through this module, so that they agree on who a client is.

Behind a reverse proxy every request arrives from the proxy's own address. Only the proxies
themselves can be trusted to say who the client was: each appends the address it saw to
``X-Forwarded-For``, and anything further left may have been written by the client.
``PATHWAYS_TRUSTED_PROXY_COUNT`` says how many proxies append to the header; the client is the
entry that many places from the right. 0 (the default outside production) uses the connection's
address and ignores the header, which any client can forge. Production settings refuse to start
until it is set explicitly.

IPv6 clients are counted per /64 network, which is what one household or phone usually gets.
"""

import ipaddress

from django.http import HttpRequest

from pathways.lms.core import app_settings

UNKNOWN = "unknown"


def trusted_proxy_count() -> int:
    return max(int(app_settings.PATHWAYS_TRUSTED_PROXY_COUNT or 0), 0)


def client_ip(
    request: HttpRequest,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's own address, believing ``X-Forwarded-For`` only as far as trusted proxies go.

    ``None`` when the address cannot be read (a request without ``REMOTE_ADDR``, or a proxy
    that forwarded something that is not an address).
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = trusted_proxy_count()
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def client_address(request: HttpRequest) -> str:
    """The key a client is counted under: its IPv4 address, or its IPv6 /64 network."""
    parsed = client_ip(request)
    if parsed is None:
        return UNKNOWN
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_address_for_storage(request: HttpRequest) -> str | None:
    """The same key as a plain address, for tables that store an IP address (django-axes).

    An IPv6 client is stored as the first address of its /64 network, so that all of one
    network's attempts are counted together; an unreadable address is stored as empty (null).
    """
    key = client_address(request)
    if key == UNKNOWN:
        return None
    return key.split("/", 1)[0]

"""Who is asking: the client's real address behind the platform's own proxies.

Behind the load balancer every request comes from the balancer's address; the client's is the
last one the balancer added to ``X-Forwarded-For``. That header is believed only from the
addresses of ``TRUSTED_PROXY_IPS`` (anyone else could write it), and read from the right: each
trusted proxy appends the address it saw, so the first untrusted one from the end is the client.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXY_IPS)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as the platform's first proxy saw it ("" when unknown)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a proxy of ours wrote garbage: the proxy is all we know
    return forwarded[0] if forwarded else remote


def address_digest(address: str) -> str:
    """A keyed digest of the client's address for per-address limits, never the address itself.
    An IPv4 address counts alone; IPv6 counts by its /64, one subscriber's network (a phone or
    a box takes a new address in it at will). "" when the address cannot be read."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    key = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return hmac.new(settings.CALLER_DIGEST_KEY.encode(), f"ip:{key}".encode(), hashlib.sha256).hexdigest()

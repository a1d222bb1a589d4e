"""The address of the client a request came from, as far as it can be trusted.

Rate limits and login lockouts are keyed by this address, so it must not be something the
client chooses. ``X-Forwarded-For`` is written by the client as much as by proxies: each proxy
*appends* the address it received the request from, so only the last entries, those added by
proxies we run, are trustworthy. ``PORTAL_TRUSTED_PROXY_COUNT`` says how many there are:

- ``0`` (the default): nothing in front of the portal is trusted, ``REMOTE_ADDR`` is the client;
- ``1``: one reverse proxy (nginx) appends the client's address, the last entry is the client;
- ``n``: the n-th entry from the end.

A count larger than the header is long means a request that bypassed some proxy; the leftmost
entry is then the nearest thing to a client address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or ``None`` when the request carries no usable one."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    chosen = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _valid(chosen) or remote


def client_network(request: HttpRequest) -> str:
    """The client's address for counting requests: IPv6 clients by their /64.

    One IPv6 subscriber is usually handed a whole /64, so counting single addresses would let
    one client rotate through billions of them.
    """
    address = client_ip(request)
    if address is None:
        return "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def _valid(raw: str) -> str | None:
    """``raw`` as a normalised IP address, or ``None`` if it is not one."""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None

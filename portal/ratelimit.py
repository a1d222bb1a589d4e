"""Per-client request limits for the public search, counted in Django's cache.

A fixed window: the count of a client's requests in the current ``period`` (aligned to the
clock) must not exceed ``limit``; once it does, the client is told how many seconds remain
until the window turns over (``Retry-After``).

django-ratelimit was the first candidate. It was not used because its system check rejects
every cache that needs no server (``django_ratelimit.E003`` for the file and database caches),
which is what a single-machine deployment has, and because its decorator does not expose the
time left, which the 429 answer must state. The counting itself is these few lines.

Counting is best effort on caches without an atomic increment (the file cache used in
production): two workers serving the same client in the same instant may both count one. That
errs towards letting a request through, never towards refusing one.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from portal.client_ip import client_network

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Kept a little past the window, so a counter never vanishes while its window is still open.
_EXPIRY_MARGIN = 5


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``limit`` requests per ``period`` seconds."""

    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read ``"120/m"``, ``"1000/h"``, ``"10/30s"`` (count / optional multiple and unit)."""
        match = _RATE.match(text)
        if match is None or int(match[1]) < 1:
            raise ImproperlyConfigured(
                f"rate {text!r} is not of the form 120/m (units s, m, h, d; e.g. 10/30s)"
            )
        multiple = int(match[2]) if match[2] else 1
        return cls(limit=int(match[1]), period=max(multiple, 1) * _UNIT_SECONDS[match[3]])


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused: the rate in force and the seconds until it may retry."""

    rate: Rate
    retry_after: int


def count_request(scope: str, client: str, rate: Rate, now: float | None = None) -> Refusal | None:
    """Count one request of ``client`` in ``scope``; a ``Refusal`` once it is over the rate."""
    now = time.time() if now is None else now
    window = int(now // rate.period)
    key = f"ratelimit:{scope}:{client}:{rate.limit}/{rate.period}:{window}"
    cache = caches["default"]
    if cache.add(key, 1, timeout=rate.period + _EXPIRY_MARGIN):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this request opens a new count
            cache.set(key, 1, timeout=rate.period + _EXPIRY_MARGIN)
            count = 1
    if count <= rate.limit:
        return None
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    return Refusal(rate=rate, retry_after=retry_after)


def limit_per_client(
    scope: str,
    respond: Callable[[HttpRequest, Refusal], HttpResponse],
    rate_setting: str = "PORTAL_SEARCH_RATE",
) -> Callable:
    """Decorate a view: over the rate in ``settings.<rate_setting>``, answer with ``respond``.

    Views decorated with the same ``scope`` share one budget per client. The rate is read on
    every request, so tests (and ``override_settings``) can change it.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            rate = Rate.parse(getattr(settings, rate_setting))
            refusal = count_request(scope, client_network(request), rate)
            if refusal is not None:
                return respond(request, refusal)
            return view(request, *args, **kwargs)

        return limited

    return decorator

"""Answer a request the search engine could not serve with a 503 that says so.

The embedded Whoosh index is a local file; a cluster (``SEARCH_ENGINE=elasticsearch``) can be
down or unreachable. Every view that searches (the page, the API, the feed, similar sections,
topic and compare pages) then gets the same answer: HTTP 503 with ``Retry-After``, the reason
in JSON under ``/api/`` and a page elsewhere, instead of a server error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from search.engines.base import SearchUnavailable

RETRY_AFTER_SECONDS = 30


class SearchUnavailableMiddleware:
    """Turn ``SearchUnavailable`` raised by a view into a 503 with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SearchUnavailable):
            return None
        message = _("检索服务暂时不可用（%(reason)s），请稍后重试。") % {"reason": exception}
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"error": message}, status=503)
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

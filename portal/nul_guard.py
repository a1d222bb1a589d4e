"""Refuse requests whose path or query holds a NUL character, before any view sees them.

No name, code, query or id contains U+0000, and PostgreSQL cannot even compare a text column
with one (SQLite silently can): a ``?region=%00`` would reach the database and fail there as
a server error. Django's forms already refuse NUL in submitted fields; this covers the URL.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"


class RejectNulMiddleware:
    """A 400 with the reason (JSON under ``/api/``) for a NUL in the path or the query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _("请求的地址或参数中含有空字符（NUL），无法处理。")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

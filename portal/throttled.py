"""What a refused client is told: HTTP 429, how long to wait, and ``Retry-After``.

Three kinds of client meet a limit: a reader on the search page (an HTML page in the site's
layout), a program on the JSON API (``{"error": ...}``, the API's shape for every error) and
someone guessing passwords on the admin login (the admin's login layout, via django-axes'
``AXES_LOCKOUT_CALLABLE``). All say the same thing the same way.
"""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy

from portal.ratelimit import Rate, Refusal

_PERIOD_NAMES = {
    1: gettext_lazy("每秒"),
    60: gettext_lazy("每分钟"),
    3600: gettext_lazy("每小时"),
    86400: gettext_lazy("每天"),
}


def wait_text(seconds: int) -> str:
    """A wait as a reader would say it: 40 秒, 3 分钟, 1 小时 5 分钟 (rounded up)."""
    if seconds < 60:
        return gettext("%(n)d 秒") % {"n": max(seconds, 1)}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return gettext("%(n)d 分钟") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return gettext("%(n)d 小时") % {"n": hours}
    return gettext("%(h)d 小时 %(m)d 分钟") % {"h": hours, "m": minutes}


def rate_text(rate: Rate) -> str:
    """``每分钟最多 120 次``."""
    period = _PERIOD_NAMES.get(rate.period) or gettext("每 %(n)s") % {"n": wait_text(rate.period)}
    return gettext("%(period)s最多 %(limit)d 次") % {"period": period, "limit": rate.limit}


def search_message(refusal: Refusal) -> str:
    """The one sentence the page and the API both give."""
    return gettext("搜索请求过于频繁（每个客户端%(rate)s）。请 %(wait)s后再试。") % {
        "rate": rate_text(refusal.rate),
        "wait": wait_text(refusal.retry_after),
    }


def page_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The search page's answer: the site's layout, the message, no search run."""
    context = {"message": search_message(refusal), "retry_after": refusal.retry_after}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def api_response(request: HttpRequest, refusal: Refusal) -> JsonResponse:
    """The API's answer, in the shape of its other errors."""
    response = JsonResponse(
        {"error": search_message(refusal)},
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


def login_lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' lockout answer: the admin login layout with the wait, and no form.

    Every attempt while locked starts the cool-off again (axes' default), so the full cool-off
    is exactly how long the reader must now wait.
    """
    cool_off = get_cool_off(request)
    if cool_off is None:  # no cool-off configured: only staff can lift the lock
        message = gettext("登录失败次数过多，已锁定。请联系管理员解锁。")
        context = {**admin.site.each_context(request), "message": message}
        return render(request, "admin/lockout.html", context, status=429)
    seconds = int(cool_off.total_seconds())
    message = gettext(
        "登录失败次数过多（%(window)s内 %(limit)d 次），已暂时锁定。"
        "请 %(wait)s后再试；锁定期间的每次登录尝试都会重新计时。"
    ) % {
        "window": wait_text(seconds),
        "limit": settings.AXES_FAILURE_LIMIT,
        "wait": wait_text(seconds),
    }
    context = {**admin.site.each_context(request), "message": message}
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

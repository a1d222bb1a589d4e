"""Site-wide pages: home, about, and the script switch."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from documents.models import Release, Section
from documents.script import Script
from documents.selectors import provinces_with_releases, visible_releases
from portal.context_processors import SCRIPT_COOKIE


def home(request: HttpRequest) -> HttpResponse:
    """What the portal holds, the latest releases, and regions grouped by province."""
    published = Release.objects.published()
    context = {
        "counts": {
            "releases": published.count(),
            "sections": Section.objects.filter(release__status=Release.Status.PUBLISHED).count(),
            "regions": published.values("region").distinct().count(),
        },
        "latest": visible_releases()[:10],
        "provinces": provinces_with_releases(),
    }
    return render(request, "portal/home.html", context)


def about(request: HttpRequest) -> HttpResponse:
    """What the portal is and where its data comes from."""
    return render(request, "portal/about.html")


def set_script(request: HttpRequest, value: str) -> HttpResponse:
    """Remember the reader's script in a cookie and go back where they came from."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(_without_script_param(target))
    try:
        chosen = Script(value)
    except ValueError:
        return response
    response.set_cookie(
        SCRIPT_COOKIE,
        chosen.value,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=not settings.DEBUG and request.is_secure(),
    )
    return response


def _without_script_param(url: str) -> str:
    """Drop ``script=`` from a return address, so the new choice is not overridden by it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "script"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 that helps: where to go instead, in the site's own layout."""
    context = {"path": request.path, "latest": Release.objects.published().newest_first()[:5]}
    return render(request, "404.html", context, status=404)

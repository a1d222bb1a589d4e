"""Read-only JSON API over published releases: ``/api/releases`` and ``/api/releases/<id>``."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from documents.gazetteer import Level
from documents.models import Region, Release
from documents.selectors import releases_in, visible_releases
from portal import throttled
from portal.ratelimit import limit_per_client

MAX_PAGE_SIZE = 100


class BadParameter(ValueError):
    """A query parameter the API cannot use; the message goes back to the client."""


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _positive_int(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    # ASCII digits only ("²".isdigit(), yet int("²") fails), read only when of a sane length.
    digits = raw.lstrip("0") if raw.isascii() and raw.isdigit() else ""
    if not digits:
        raise BadParameter(f"{name} must be a whole number ≥ 1, got {raw[:40]!r}")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise BadParameter(f"{name} must be at most {maximum}, got {raw[:40]}")
    return int(digits)


def _region_param(request: HttpRequest, name: str, levels: tuple[str, ...]) -> Region | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    region = (
        Region.objects.filter(level__in=levels).filter(name=raw).order_by("level", "code").first()
        or Region.objects.filter(level__in=levels, code=raw).first()
    )
    if region is None:
        raise BadParameter(f"unknown {name}: {raw!r} (use the Chinese name, e.g. 甘肃省 / 张掖市)")
    return region


def release_summary(release: Release, request: HttpRequest) -> dict[str, Any]:
    """The list form of a release, shared by the list and the detail endpoints."""
    province = release.province
    return {
        "id": release.pk,
        "title": release.title,
        "region": release.region.name if release.region else None,
        "province": province.name if province else None,
        "published": release.published.isoformat() if release.published else None,
        "published_precision": release.published_precision,
        "kind": release.kind,
        "url": request.build_absolute_uri(release.get_absolute_url()),
        "sections": getattr(release, "section_count", None) or release.sections.count(),
    }


@require_GET
@limit_per_client("search", respond=throttled.api_response)
def release_list(request: HttpRequest) -> JsonResponse:
    """Paged list of published releases, filterable by province and region names."""
    try:
        page_number = _positive_int(request, "page", 1, 1_000_000)
        page_size = _positive_int(
            request, "page_size", settings.PORTAL_API_PAGE_SIZE, MAX_PAGE_SIZE
        )
        province = _region_param(request, "province", (Level.PROVINCE, Level.NATION))
        region = _region_param(
            request, "region", (Level.NATION, Level.PROVINCE, Level.CITY, Level.COUNTY)
        )
    except BadParameter as exc:
        return _error(str(exc), 400)
    releases = visible_releases()
    if province is not None:
        releases = releases_in(province)
    if region is not None:
        releases = releases.filter(pk__in=Release.objects.in_region(region).values("pk"))
    paginator = Paginator(releases, page_size)
    results = []
    if page_number <= paginator.num_pages:
        results = [release_summary(r, request) for r in paginator.page(page_number).object_list]
    return JsonResponse(
        {
            "total": paginator.count,
            "page": page_number,
            "page_size": page_size,
            "results": results,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def release_detail(request: HttpRequest, pk: str) -> JsonResponse:
    """One published release with its metadata and all sections."""
    if not re.fullmatch(r"[0-9]{1,18}", pk):  # not "²", not past SQLite's integers
        return _error(f"no release with id {pk[:40]!r}", 404)
    release = visible_releases().filter(pk=int(pk)).first()
    if release is None:
        return _error(f"no release with id {pk}", 404)
    data = release_summary(release, request)
    data.update(
        {
            "subtitle": release.subtitle,
            "published_text": release.published_text,
            "source": release.source,
            "author": release.author,
            "editor": release.editor,
            "region_code": release.region.code if release.region else None,
            "original_url": request.build_absolute_uri(f"{release.get_absolute_url()}original/")
            if release.original
            else None,
            "sections": [
                {
                    "id": s.pk,
                    "order": s.order,
                    "level": s.level,
                    "kind": s.kind,
                    "heading": s.heading,
                    "speaker": s.speaker,
                    "speaker_title": s.speaker_title,
                    "text": s.text,
                    "url": request.build_absolute_uri(s.get_absolute_url()),
                }
                for s in release.sections.select_related("release")
            ],
        }
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown API paths answer in JSON too."""
    return _error(f"no such API endpoint: {request.path}", 404)

"""Read-only JSON API over published releases: ``/api/releases`` and ``/api/releases/<id>``."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from documents.doc_numbers import normalise_doc_number
from documents.gazetteer import Level
from documents.models import Region, Release
from documents.script import fold
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
        "issuer": release.issuer,
        "doc_number": release.doc_number,
        "written": release.written.isoformat() if release.written else None,
        "written_precision": release.written_precision,
        "validity": release.validity,
        "source_url": release.source_link,
        "speaker": release.speaker,
        "url": request.build_absolute_uri(release.get_absolute_url()),
        "sections": getattr(release, "section_count", None) or release.sections.count(),
    }


def _choice_param(request: HttpRequest, name: str, choices: type[models.TextChoices]) -> str:
    """A value of ``choices`` (``""`` when absent); anything else is refused with the list."""
    raw = request.GET.get(name, "").strip()
    if raw and raw not in choices.values:
        allowed = ", ".join(value for value in choices.values if value)
        raise BadParameter(f"unknown {name}: {raw[:40]!r} (one of {allowed})")
    return raw


def _text_param(request: HttpRequest, name: str, longest: int) -> str:
    raw = request.GET.get(name, "").strip()
    if len(raw) > longest or "\x00" in raw:
        raise BadParameter(f"{name} must be at most {longest} characters without NUL")
    return raw


def _with_doc_number(releases: QuerySet[Release], wanted: str) -> QuerySet[Release]:
    """Releases whose 文号 is ``wanted`` whatever its brackets, widths or script.

    The database narrows to numbers holding the query's longest run of digits (as written or
    full-width, which covers every spelling ``normalise_doc_number`` equates); the key is
    then compared in Python.
    """
    key = normalise_doc_number(wanted)
    candidates = Release.objects.exclude(doc_number="")
    digits = max(re.findall(r"[0-9]+", key), key=len, default="")
    if digits:
        wide = digits.translate(_FULL_WIDTH_DIGITS)
        candidates = candidates.filter(
            Q(doc_number__contains=digits) | Q(doc_number__contains=wide)
        )
    matching = [
        pk
        for pk, number in candidates.values_list("pk", "doc_number")
        if normalise_doc_number(number) == key
    ]
    return releases.filter(pk__in=matching)


_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@require_GET
@limit_per_client("search", respond=throttled.api_response)
def release_list(request: HttpRequest) -> JsonResponse:
    """Paged list of published releases, filterable by region, kind, issuer, 文号, validity."""
    try:
        page_number = _positive_int(request, "page", 1, 1_000_000)
        page_size = _positive_int(
            request, "page_size", settings.PORTAL_API_PAGE_SIZE, MAX_PAGE_SIZE
        )
        province = _region_param(request, "province", (Level.PROVINCE, Level.NATION))
        region = _region_param(
            request, "region", (Level.NATION, Level.PROVINCE, Level.CITY, Level.COUNTY)
        )
        kind = _choice_param(request, "kind", Release.KindChoices)
        validity = _choice_param(request, "validity", Release.ValidityChoices)
        issuer = _text_param(request, "issuer", 200)
        doc_number = _text_param(request, "doc_number", 100)
    except BadParameter as exc:
        return _error(str(exc), 400)
    releases = visible_releases()
    if province is not None:
        releases = releases_in(province)
    if region is not None:
        releases = releases.filter(pk__in=Release.objects.in_region(region).values("pk"))
    if kind:
        releases = releases.filter(kind=kind)
    if validity:
        releases = releases.filter(validity=validity)
    if issuer:
        releases = releases.filter(issuer__in={issuer, fold(issuer)})
    if doc_number:
        releases = _with_doc_number(releases, doc_number)
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

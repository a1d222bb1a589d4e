"""``GET /api/search``: sections matching a query, with facets, as JSON.

The names match the release API (``/api/releases``) so a client can follow ``release_id``
there. Bad parameters are a 400 with ``{"error": ...}``, never a 500; a client over the
search rate gets a 429 in the same shape.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from portal import throttled
from portal.ratelimit import limit_per_client
from search.core.explain import describe
from search.core.query import QueryTooLong
from search.core.request import BadSearchParameter, build_request
from search.core.service import PageOutOfRange, SearchPage, SectionHit, search_sections
from search.web.links import params_of


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
@limit_per_client("search", respond=throttled.api_response)
def search(request: HttpRequest) -> JsonResponse:
    """One page of matching sections, best first (``sort=newest`` for newest first)."""
    params = params_of(request.GET)
    try:
        search_request, paging = build_request(
            params, default_page_size=settings.PORTAL_API_PAGE_SIZE
        )
        page = search_sections(search_request, paging)
    except (BadSearchParameter, QueryTooLong, PageOutOfRange) as exc:
        return _json({"error": str(exc)}, status=400)
    return _json(page_json(page))


def page_json(page: SearchPage) -> dict[str, Any]:
    """The documented response shape."""
    return {
        "query": page.request.query.text,
        "total": page.total,
        "total_releases": page.total_releases,
        "page": page.paging.page,
        "page_size": page.paging.page_size,
        "page_count": page.page_count,
        "took_ms": round(page.took_ms, 1),
        "explanation": describe(page.request),
        "expansions": [
            {
                "source": e.source,
                "topic": e.slug,
                "topic_name": e.name,
                "terms": list(e.terms),
                "filter": e.is_filter,
            }
            for e in page.request.expansions
        ],
        "results": [hit_json(hit) for hit in page.hits],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "releases": v.releases}
                for v in values
            ]
            for name, values in page.facets.items()
        },
    }


def hit_json(hit: SectionHit) -> dict[str, Any]:
    section = hit.section
    release = section.release
    province = release.province
    return {
        "section_id": section.pk,
        "release_id": release.pk,
        "release_title": release.title,
        "region": release.region.name if release.region else None,
        "province": province.name if province else None,
        "published": release.published.isoformat() if release.published else None,
        "kind": release.kind,
        "issuer": release.issuer or None,
        "doc_number": release.doc_number or None,
        "validity": release.validity or None,
        "section_kind": section.kind,
        "heading": section.heading,
        "speaker": section.speaker,
        "url": section.get_absolute_url(),
        "snippet": str(hit.snippet),
        "score": round(hit.score, 4),
    }

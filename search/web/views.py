"""The search page, its Atom feed and the OpenSearch description."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from documents.models import Section
from documents.selectors import regions_with_most_releases
from documents.topics import thesaurus
from portal import throttled
from portal.context_processors import chosen_script
from portal.ratelimit import limit_per_client
from search.core.explain import describe, suggestions
from search.core.highlight import snippet
from search.core.query import QueryTooLong
from search.core.request import BadSearchParameter, Sort, build_request
from search.core.service import FACETS, PageOutOfRange, match, search_releases
from search.core.similar import similar_in_other_regions
from search.web.links import FilterLinks, params_of, replaced, search_url, with_value, without_value

FACET_TITLES = {
    "province": gettext_lazy("省份"),
    "region": gettext_lazy("地区"),
    "year": gettext_lazy("年份"),
    "kind": gettext_lazy("类型"),
    "issuer": gettext_lazy("发文机关"),
    "validity": gettext_lazy("时效性"),
}


@require_GET
@limit_per_client("search", respond=throttled.page_response)
def search_page(request: HttpRequest) -> HttpResponse:
    """Results grouped by release, with facets, filters, sorting, paging and explanations."""
    params = params_of(request.GET)
    context: dict[str, Any] = {"q": request.GET.get("q", ""), "params": params}
    status = 200
    try:
        search, paging = build_request(params, default_page_size=settings.SEARCH_PAGE_SIZE)
        context["search"] = search
        context["explanation"] = describe(search)
        context.update(_date_inputs(params))
        if search.searchable:
            page = search_releases(search, paging, chosen_script(request))
            context.update(_result_context(page, params))
            if page.total == 0:
                context["suggestions"] = [
                    (s.label, search_url(s.params)) for s in suggestions(search, params)
                ]
                context.update(_zero_result_help(search, params))
    except (BadSearchParameter, QueryTooLong) as exc:
        context["error"] = str(exc)
        status = 400
    except PageOutOfRange as exc:
        context["error"] = str(exc)
        context["last_page_url"] = search_url(replaced(params, page=str(exc.last)))
        status = 404
    return render(request, "search/search.html", context, status=status)


def _result_context(page: Any, params: dict[str, list[str]]) -> dict[str, Any]:
    facets = []
    links = FilterLinks(params)
    for name in FACETS:
        chosen = set(params.get(name, []))
        values = [
            {
                "value": v.value,
                "label": v.label,
                "count": v.count,
                "releases": v.releases,
                "active": v.value in chosen,
                "url": links.toggled(name, v.value),
            }
            for v in page.facets.get(name, [])
        ]
        if values:
            facets.append({"name": name, "title": FACET_TITLES[name], "values": values})
    active = [
        {
            "label": f.label,
            "param": f.param,
            "url": search_url(without_value(params, f.param, f.value)),
        }
        for f in page.request.active
    ]
    pages = {
        "number": page.paging.page,
        "count": page.page_count,
        "previous": search_url(replaced(params, page=str(page.paging.page - 1)))
        if page.paging.page > 1
        else "",
        "next": search_url(replaced(params, page=str(page.paging.page + 1)))
        if page.paging.page < page.page_count
        else "",
    }
    sorts = [
        {
            "value": s.value,
            "active": page.request.sort == s,
            "url": search_url(replaced(params, sort=s.value)),
        }
        for s in Sort
    ]
    if page.request.filters.release is None:
        for group in page.groups:
            group.more_url = search_url(with_value(params, "release", str(group.release.pk)))
    return {
        "page": page,
        "facets": facets,
        "active_filters": active,
        "pages": pages,
        "sorts": sorts,
        "feed_url": search_url(params_without_paging(params), view="search:feed"),
        "export_csv_url": search_url(
            {**params_without_paging(params), "format": ["csv"]}, view="search:export"
        ),
        "export_xlsx_url": search_url(
            {**params_without_paging(params), "format": ["xlsx"]}, view="search:export"
        ),
        "api_url": search_url(params_without_paging(params), view="api:search"),
    }


def _date_inputs(params: dict[str, list[str]]) -> dict[str, str]:
    """The date range as the page's date pickers show it: ``from=2024-01`` is 2024-01-01 and
    ``to=2024-06`` 2024-06-30, the same range the search applies."""
    shown = {}
    for name, key, end in (("from", "date_from", False), ("to", "date_to", True)):
        values = [v for v in params.get(name, []) if v.strip()]
        shown[key] = _full_date(values[-1].strip(), end=end) if values else ""
    return shown


def _full_date(value: str, *, end: bool) -> str:
    parts = value.replace("/", "-").split("-")
    try:
        year, month, day = (int(p) for p in [*parts, "0", "0"][:3])
    except ValueError:
        return ""
    if not 1 <= year <= 9999:
        return ""
    if not month:
        month, day = (12, 31) if end else (1, 1)
    elif not day:
        day = calendar.monthrange(year, min(max(month, 1), 12))[1] if end else 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


#: Regions offered when a search finds nothing: the ones with most releases.
ZERO_RESULT_REGIONS = 8
#: At most this many filters are tried dropped on a page with no results (each is one search).
ZERO_RESULT_DROPS = 6


def _zero_result_help(search: Any, params: dict[str, list[str]]) -> dict[str, Any]:
    """What to try when nothing matched: each active filter dropped (with what that finds),
    the topics the query names, and the regions that have releases."""
    dropped = []
    for active in search.active[:ZERO_RESULT_DROPS]:
        broader = without_value(params, active.param, active.value)
        try:
            request, _paging = build_request(broader)
        except (BadSearchParameter, QueryTooLong):
            continue
        found = len(match(request)) if request.searchable else 0
        if found:
            dropped.append({"label": active.label, "count": found, "url": search_url(broader)})
    topics = []
    for mention in thesaurus().mentions(search.query.text)[:3]:
        topic = thesaurus().get(mention.slug)
        if topic is not None:
            topics.append({"name": topic.name, "url": search_url({"topic": [topic.slug]})})
    regions = [
        {"region": region, "url": search_url(_in_region(params, region.code))}
        for region in regions_with_most_releases(ZERO_RESULT_REGIONS)
    ]
    return {"dropped": dropped, "near_topics": topics, "region_links": regions}


def _in_region(params: dict[str, list[str]], code: str) -> dict[str, list[str]]:
    return with_value(without_value(params, "region"), "region", code)


def params_without_paging(params: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: v for k, v in params.items() if k not in {"page", "page_size", "sort"}}


@require_GET
def similar_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Sections of other regions most like one section (more-like-this over the index)."""
    section = get_object_or_404(Section.objects.select_related("release__region"), pk=pk)
    if not section.release.is_published and not request.user.is_staff:
        raise Http404("not published")
    similar = similar_in_other_regions(section)
    script = chosen_script(request)
    for item in similar:
        item.snippet = snippet(item.section.text, (), script)
    context = {
        "section": section,
        "release": section.release,
        "source_snippet": snippet(section.text, (), script),
        "similar": similar,
    }
    return render(request, "search/similar.html", context)


@require_GET
def opensearch(request: HttpRequest) -> HttpResponse:
    """Lets browsers add the portal as a search engine."""
    context = {
        "search_url": request.build_absolute_uri(reverse("search:page")),
        "feed_url": request.build_absolute_uri(reverse("search:feed")),
        "api_url": request.build_absolute_uri(reverse("api:search")),
    }
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )

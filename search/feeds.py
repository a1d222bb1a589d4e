"""An Atom feed per search: subscribe to a query and hear of new releases that match it."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed

from search.links import params_of, search_url
from search.query import QueryTooLong
from search.request import BadSearchParameter, Paging, SearchRequest, Sort, build_request
from search.service import ReleaseGroup, search_releases

FEED_SIZE = 30


class SearchFeed(Feed):
    """Newest releases matching the query and filters of the URL."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> tuple[SearchRequest, dict[str, list[str]]]:
        params = params_of(request.GET)
        try:
            search, _ = build_request(params)
        except (BadSearchParameter, QueryTooLong) as exc:
            raise Http404(str(exc)) from exc
        return SearchRequest(
            query=search.query,
            filters=search.filters,
            scope=search.scope,
            within=search.within,
            sort=Sort.NEWEST,
            labels=search.labels,
        ), params

    def title(self, obj: Any) -> str:
        search, _ = obj
        return f"营商环境政策库：{search.query.text or '全部'}"

    def link(self, obj: Any) -> str:
        return search_url(obj[1])

    def subtitle(self, obj: Any) -> str:
        return "与此搜索匹配的最新发布稿"

    def items(self, obj: Any) -> list[ReleaseGroup]:
        search, _ = obj
        if not search.query.has_terms:
            return []
        return search_releases(search, Paging(1, FEED_SIZE), per_release=1).groups

    def item_title(self, item: ReleaseGroup) -> str:
        return item.release.title

    def item_link(self, item: ReleaseGroup) -> str:
        return item.hits[0].url

    def item_guid(self, item: ReleaseGroup) -> str:
        return item.release.get_absolute_url()

    def item_description(self, item: ReleaseGroup) -> str:
        region = item.release.region.name if item.release.region else ""
        return f"{region} · {item.matched} 处匹配 · {item.hits[0].snippet}"

    def item_pubdate(self, item: ReleaseGroup) -> object:
        return item.release.created

    def item_updateddate(self, item: ReleaseGroup) -> object:
        return item.release.updated

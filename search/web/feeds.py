"""An Atom feed per search: subscribe to a query and hear of new releases that match it.

Each entry says what the release is, as the release feed does: its kind and validity as Atom
categories, its issuer as the author, and region, issuer and 文号 before the snippet.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from search.core.query import QueryTooLong
from search.core.request import BadSearchParameter, Paging, SearchRequest, Sort, build_request
from search.core.service import ReleaseGroup, search_releases
from search.web.links import params_of, search_url

FEED_SIZE = 30

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class SearchFeed(Feed):
    """Newest releases matching the query and filters of the URL."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> tuple[SearchRequest, dict[str, list[str]], Any]:
        params = params_of(request.GET)
        try:
            search, _ = build_request(params)
        except (BadSearchParameter, QueryTooLong) as exc:
            raise Http404(str(exc)) from exc
        return (
            SearchRequest(
                query=search.query,
                filters=search.filters,
                scope=search.scope,
                within=search.within,
                sort=Sort.NEWEST,
                labels=search.labels,
            ),
            params,
            request,
        )

    def title(self, obj: Any) -> str:
        search = obj[0]
        # XML 1.0 has no control characters: a query may hold them, a feed title may not.
        return _XML_UNSAFE.sub("", f"营商环境政策库：{search.query.text or '全部'}")

    def link(self, obj: Any) -> str:
        return search_url(obj[1])

    def feed_url(self, obj: Any) -> str:
        return obj[2].build_absolute_uri(search_url(obj[1], view="search:feed"))

    def subtitle(self, obj: Any) -> str:
        return "与此搜索匹配的最新发布稿"

    def items(self, obj: Any) -> list[tuple[ReleaseGroup, Any]]:
        search, _params, request = obj
        if not search.searchable:
            return []
        groups = search_releases(search, Paging(1, FEED_SIZE), per_release=1).groups
        return [(group, request) for group in groups]

    def item_title(self, item: tuple[ReleaseGroup, Any]) -> str:
        return item[0].release.title

    def item_link(self, item: tuple[ReleaseGroup, Any]) -> str:
        return item[0].hits[0].url

    def item_guid(self, item: tuple[ReleaseGroup, Any]) -> str:
        group, request = item
        return request.build_absolute_uri(group.release.get_absolute_url())

    def item_description(self, item: tuple[ReleaseGroup, Any]) -> str:
        group = item[0]
        release = group.release
        region = release.region.name if release.region else ""
        facts = [region, release.issuer, release.doc_number, f"{group.matched} 处匹配"]
        # The summary is HTML (the snippet marks hits): the facts, imported text, are escaped.
        return " · ".join([*(escape(f) for f in facts if f), str(group.hits[0].snippet)])

    def item_categories(self, item: tuple[ReleaseGroup, Any]) -> list[str]:
        release = item[0].release
        categories = [str(release.get_kind_display())]
        if release.validity:
            categories.append(str(release.get_validity_display()))
        return categories

    def item_author_name(self, item: tuple[ReleaseGroup, Any]) -> str | None:
        return item[0].release.issuer or None

    def item_pubdate(self, item: tuple[ReleaseGroup, Any]) -> object:
        return item[0].release.created

    def item_updateddate(self, item: tuple[ReleaseGroup, Any]) -> object:
        return item[0].release.updated

"""Atom feeds of newly published releases, site-wide and per region (Django syndication)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from documents.models import Region, Release
from documents.selectors import releases_in

FEED_SIZE = 30


class LatestReleasesFeed(Feed):
    """Every newly published release."""

    feed_type = Atom1Feed
    title = "营商环境政策库：最新发布"
    subtitle = "各地优化营商环境新闻发布会、报道与工作报告"

    def link(self) -> str:
        return reverse("portal:home")

    def items(self) -> list[Release]:
        return list(
            Release.objects.published().select_related("region").order_by("-created")[:FEED_SIZE]
        )

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        region = item.region.name if item.region else ""
        return f"{region} · {item.get_kind_display()} · {item.text[:200]}"

    def item_pubdate(self, item: Release) -> object:
        return item.created

    def item_updateddate(self, item: Release) -> object:
        return item.updated


class RegionReleasesFeed(LatestReleasesFeed):
    """New releases of one region (a province's feed includes its cities and counties)."""

    def get_object(self, request: HttpRequest, code: str) -> Region:
        return get_object_or_404(Region, code=code)

    def title(self, obj: Region) -> str:  # type: ignore[override]
        return f"营商环境政策库：{obj.name}最新发布"

    def link(self, obj: Region) -> str:  # type: ignore[override]
        return obj.get_absolute_url()

    def items(self, obj: Region) -> list[Release]:  # type: ignore[override]
        return list(releases_in(obj).order_by("-created")[:FEED_SIZE])

"""Atom feeds of newly published releases, site-wide and per region (Django syndication)."""

from __future__ import annotations

from datetime import date

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
    subtitle = "各地优化营商环境法规规章、规范性文件、政策解读、新闻发布会、报道与工作报告"

    def link(self) -> str:
        return reverse("portal:home")

    def items(self) -> list[Release]:
        return list(
            Release.objects.published().select_related("region").order_by("-created")[:FEED_SIZE]
        )

    def item_title(self, item: Release) -> str:
        return item.title

    def item_description(self, item: Release) -> str:
        """Where, what kind, the document's own particulars (文号, 成文日期 …), then its start."""
        facts = [item.region.name if item.region else "", str(item.get_kind_display())]
        facts += [f"{label}：{value}" for label, value in feed_facts(item)]
        return " · ".join([*filter(None, facts), item.text[:200]])

    def item_author_name(self, item: Release) -> str | None:
        """The issuing authority when known: for a 规范性文件 it is the author."""
        return item.issuer or item.speaker or None

    def item_categories(self, item: Release) -> list[str]:
        """The kind's label (an Atom ``category``), and the validity when the source states it."""
        categories = [str(item.get_kind_display())]
        if item.validity:
            categories.append(str(item.get_validity_display()))
        return categories

    def item_pubdate(self, item: Release) -> object:
        return item.created

    def item_updateddate(self, item: Release) -> object:
        return item.updated


def feed_facts(item: Release) -> list[tuple[str, str]]:
    """The release's known particulars as (label, value), in the order a citation gives them."""
    facts = [
        ("发文机关", item.issuer),
        ("文号", item.doc_number),
        ("成文日期", date_label(item.written, item.written_precision) if item.written else ""),
        ("报告人", item.speaker),
        ("原文链接", item.source_link),
    ]
    return [(label, value) for label, value in facts if value]


def date_label(value: date, precision: str) -> str:
    """2024年3月5日, 2024年3月 or 2024年, as far as the date is known."""
    if precision == Release.PrecisionChoices.YEAR:
        return f"{value.year}年"
    if precision == Release.PrecisionChoices.MONTH:
        return f"{value.year}年{value.month}月"
    return f"{value.year}年{value.month}月{value.day}日"


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

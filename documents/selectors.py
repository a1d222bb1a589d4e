"""Read-side queries shared by pages, feeds and the API, so they agree on what is visible."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from documents import pinyin
from documents.models import Region, Release, Section
from documents.script import fold

#: No division's name is longer (the longest are about 20 characters).
MAX_REGION_NAME = 100


def visible_releases() -> QuerySet[Release]:
    """Published releases with what list pages need, newest first.

    Sections are counted in a subquery per release, not by a join grouped over every release
    column (the whole text included): with a thousand releases that grouping took 0.2–0.4 s
    for every list page, the subquery a few milliseconds. The long columns stay behind.
    """
    sections = (
        Section.objects.filter(release=OuterRef("pk"))
        .order_by()
        .values("release")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Release.objects.published()
        .select_related("region__parent__parent")
        .defer("text", "details", "index_error")
        .annotate(section_count=Coalesce(Subquery(sections, output_field=IntegerField()), 0))
        .newest_first()
    )


def releases_in(region: Region) -> QuerySet[Release]:
    """Published releases of a region and of everything below it, newest first."""
    return visible_releases().filter(pk__in=Release.objects.in_region(region).values("pk"))


def child_regions(region: Region) -> list[Region]:
    """The divisions directly below a region, each with ``n``: its published releases.

    A city's count includes its counties; one query counts them all by code prefix.
    """
    children = list(region.children.all())
    by_prefix = {child.descendant_codes_prefix(): child for child in children}
    counts: Counter[int] = Counter()
    codes = Release.objects.published().in_region(region).values_list("region__code", flat=True)
    for code in codes:
        child = by_prefix.get(code[:4]) or by_prefix.get(code)
        if child is not None:
            counts[child.pk] += 1
    for child in children:
        child.n = counts[child.pk]
    return children


def find_regions(value: str, *, provinces_only: bool = False) -> list[Region]:
    """Regions a user means by a code or a (short, Traditional, full) name."""
    regions = Region.objects.select_related("parent")
    if provinces_only:
        regions = regions.filter(Q(level=Region.LevelChoices.PROVINCE) | Q(code="000000"))
    if re.fullmatch(r"[0-9]{6}", value):
        return list(regions.filter(code=value))
    if pinyin.is_pinyin_query(value):
        return _regions_by_pinyin(regions, value)
    name = fold(value).strip()
    # SQLite refuses LIKE patterns over 50 kB; PostgreSQL refuses any text holding NUL.
    if not name or len(name) > MAX_REGION_NAME or "\x00" in name:
        return []
    exact = list(regions.filter(name=name))
    if exact:
        return exact
    return (
        list(regions.filter(name__startswith=name).order_by("code")[:20]) if len(name) >= 2 else []
    )


def _regions_by_pinyin(regions: QuerySet[Region], value: str) -> list[Region]:
    """Provinces, cities and regions with releases whose name ``value`` spells in pinyin
    (``Jinchang``, ``jinchangshi``, ``jcs``); a whole-name match first."""
    candidates = regions.filter(
        Q(level__in=(Region.LevelChoices.PROVINCE, Region.LevelChoices.CITY))
        | Q(releases__status=Release.Status.PUBLISHED)
    ).distinct()
    wanted = pinyin.normalise_pinyin(value)
    found = [r for r in candidates.order_by("code") if pinyin.matches(r.name, value)]
    found.sort(key=lambda r: wanted not in pinyin.name_forms(r.name))
    return found[:20]


def regions_with_most_releases(limit: int) -> list[Region]:
    """The regions with most published releases (their own, not their counties'), most first."""
    return list(
        Region.objects.annotate(
            n=Count("releases", filter=Q(releases__status=Release.Status.PUBLISHED))
        )
        .filter(n__gt=0)
        .exclude(code="000000")
        .order_by("-n", "code")[:limit]
    )


def provinces_with_releases() -> list[dict[str, object]]:
    """Provinces (and the nation) that have published releases, with their cities."""
    published = Q(releases__status=Release.Status.PUBLISHED)
    regions = (
        Region.objects.annotate(n=Count("releases", filter=published))
        .filter(n__gt=0)
        .select_related("parent__parent")
        .order_by("code")
    )
    groups: dict[str, dict[str, object]] = {}
    for region in regions:
        top = region.province or region
        group = groups.setdefault(top.code, {"province": top, "count": 0, "regions": []})
        group["count"] += region.n
        if region.pk != top.pk:
            group["regions"].append(region)
    return [groups[code] for code in sorted(groups)]

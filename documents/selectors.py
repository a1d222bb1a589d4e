"""Read-side queries shared by pages, feeds and the API, so they agree on what is visible."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, QuerySet

from documents.models import Region, Release


def visible_releases() -> QuerySet[Release]:
    """Published releases with what list pages need, newest first."""
    return (
        Release.objects.published()
        .select_related("region__parent__parent")
        .annotate(section_count=Count("sections"))
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

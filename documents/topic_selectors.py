"""Read-side queries about topics and figures, shared by topic, region, release and compare pages.

Only published releases count, as everywhere else on the public side (``documents.selectors``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from documents.models import Figure, Region, Release, Section, Topic
from documents.topics import thesaurus

#: How many of a region's newest releases the "figures at a glance" panel draws from.
GLANCE_RELEASES = 12
#: Newest release first, then as the text runs.
FIGURE_ORDER = ("-release__published", "-release__created", "release_id", "section__order", "start")
#: Figure kinds a reader compares first: how long things take, then rates, then money.
_KIND_ORDER = {"duration": 0, "percent": 1, "money": 2, "count": 3}


@dataclass(frozen=True, slots=True)
class TopicCount:
    """A topic with how many published sections and releases mention it (in some region)."""

    topic: Topic
    sections: int
    releases: int


def published_in(region: Region | None) -> QuerySet[Release]:
    """Published releases of a region and everything below it (all of them for ``None``)."""
    releases = Release.objects.published()
    return releases.in_region(region) if region is not None else releases


def published_q(region: Region | None) -> Q:
    """``published_in`` as a condition on a row's release: for one topic's rows a join is
    several times faster than ``IN (SELECT … LIKE …)`` over every release (measured on SQLite
    with 1,078 releases); for counts over all topics the subquery is faster."""
    condition = Q(release__status=Release.Status.PUBLISHED)
    if region is not None and region.level != Region.LevelChoices.NATION:
        condition &= Q(release__region__code__startswith=region.descendant_codes_prefix())
    return condition


def topic_counts(region: Region | None = None) -> list[TopicCount]:
    """Every topic with its section and release counts, in thesaurus order (zeros included)."""
    visible = Q(sections__release__in=published_in(region).values("pk"))
    rows = Topic.objects.annotate(
        n_sections=Count("sections", filter=visible, distinct=True),
        n_releases=Count("sections__release", filter=visible, distinct=True),
    )
    return [TopicCount(t, t.n_sections, t.n_releases) for t in rows]


def topic_sections(topic: Topic, region: Region | None = None) -> QuerySet[Section]:
    """Published sections tagged with ``topic``, newest release first, in reading order."""
    return (
        Section.objects.filter(published_q(region), topics=topic)
        .select_related("release__region__parent")
        .order_by("-release__published", "-release__created", "release_id", "order")
    )


def topic_regions(topic: Topic) -> list[tuple[Region, int]]:
    """Regions whose releases have sections on ``topic``, with section counts, most first."""
    counts = Counter(
        Section.objects.filter(topics=topic, release__status=Release.Status.PUBLISHED)
        .exclude(release__region=None)
        .values_list("release__region", flat=True)
    )
    regions = Region.objects.in_bulk(list(counts))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], regions[item[0]].code))
    return [(regions[pk], n) for pk, n in ranked]


@dataclass(frozen=True, slots=True)
class PickerGroup:
    """A province and its regions that have sections on a topic (with their counts)."""

    province: Region | None
    regions: list[tuple[Region, int]]

    @property
    def sections(self) -> int:
        return sum(n for _region, n in self.regions)


def topic_region_groups(topic: Topic) -> list[PickerGroup]:
    """The regions with sections on ``topic``, grouped by province (the nation's own releases
    in a group of their own), provinces and regions in code order: the compare page's picker."""
    ranked = dict((region.pk, n) for region, n in topic_regions(topic))
    regions = Region.objects.filter(pk__in=list(ranked)).select_related("parent__parent")
    groups: dict[str, PickerGroup] = {}
    for region in sorted(regions, key=lambda r: r.code):
        province = region.province
        key = province.code if province else ""
        group = groups.setdefault(key, PickerGroup(province, []))
        group.regions.append((region, ranked[region.pk]))
    return [groups[key] for key in sorted(groups)]


def topic_figures(topic: Topic, region: Region | None = None) -> QuerySet[Figure]:
    """Figures about ``topic`` in published releases, newest release first, in text order."""
    return (
        Figure.objects.filter(published_q(region), topics=topic)
        .select_related("section", "release__region")
        .order_by(*FIGURE_ORDER)
    )


def figures_at_a_glance(region: Region, limit: int = 8) -> list[Figure]:
    """A region's most comparable figures: those about a topic, durations first, newest first.

    One per topic and subject, so a panel of eight shows eight different things. Drawn from
    the region's newest releases only: the panel says where things stand now, and sorting every
    figure of a region with a thousand releases took a third of a second.
    """
    newest = list(
        published_in(region).newest_first().values_list("pk", flat=True)[:GLANCE_RELEASES]
    )
    figures = (
        Figure.objects.filter(release__in=newest)
        .exclude(topics=None)
        .select_related("section", "release__region")
        .prefetch_related("topics")
        .order_by(*FIGURE_ORDER)
    )
    chosen: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    ordered = sorted(figures[:500], key=lambda f: _KIND_ORDER.get(f.kind, 9))
    for figure in ordered:
        topic = figure.topics.all()[0]
        key = (topic.slug, figure.subject)
        if key in seen or not figure.subject:
            continue
        seen.add(key)
        figure.topic = topic
        chosen.append(figure)
        if len(chosen) == limit:
            break
    return chosen


def topic_from_thesaurus(value: str) -> Topic | None:
    """The Topic row a user means by a slug, a name or a term (either script)."""
    found = thesaurus().find(value)
    return Topic.objects.filter(slug=found.slug).first() if found else None

"""Browse pages: regions, a region's releases, a release with its sections, its original."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from documents.gazetteer import Level
from documents.models import Region, Release
from documents.script import traditional_share
from documents.selectors import child_regions, provinces_with_releases, releases_in
from documents.topic_selectors import figures_at_a_glance, topic_counts

#: Sections shorter than this get no "similar sections" link: too few words to compare.
SIMILAR_MIN_CHARS = 40


def region_index(request: HttpRequest) -> HttpResponse:
    """All provinces; those with releases first-class, each with its cities."""
    provinces = Region.objects.filter(level__in=[Level.NATION, Level.PROVINCE]).order_by("code")
    return render(
        request,
        "documents/region_index.html",
        {"groups": provinces_with_releases(), "provinces": provinces},
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A region's releases newest first; a province also lists its cities."""
    region = get_object_or_404(Region.objects.select_related("parent__parent"), code=code)
    page = Paginator(releases_in(region), settings.PORTAL_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    children = child_regions(region) if region.level in (Level.PROVINCE, Level.CITY) else []
    return render(
        request,
        "documents/region_detail.html",
        {
            "region": region,
            "page": page,
            "children": children,
            "ancestors": _ancestors(region),
            "search_within": [("region", region.code)],
            "glance": figures_at_a_glance(region),
            "coverage": sorted(
                (c for c in topic_counts(region) if c.sections), key=lambda c: -c.sections
            ),
        },
    )


def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A release with its metadata, table of contents and every section."""
    release = get_object_or_404(Release.objects.select_related("region__parent__parent"), pk=pk)
    if not release.is_published and not request.user.is_staff:
        raise Http404("not published")
    sections = list(release.sections.prefetch_related("topics"))
    figures = list(release.figures.select_related("section"))
    by_section: dict[int, list] = {}
    for figure in figures:
        by_section.setdefault(figure.section_id, []).append(figure)
    previous = None
    for section in sections:
        section.figure_list = by_section.get(section.pk, [])
        # Name the answerer once per answer, not on every continuation of it.
        section.speaker_label = section.kind == "answer" and (
            previous is None or previous.kind == "question" or previous.speaker != section.speaker
        )
        previous = section
    return render(
        request,
        "documents/release_detail.html",
        {
            "release": release,
            "sections": sections,
            "figures": figures,
            "similar_min_chars": SIMILAR_MIN_CHARS,
            "toc": [s for s in sections if s.heading or s.kind == "question" or s.speaker_label],
            "ancestors": _ancestors(release.region) if release.region else [],
            "original_lang": "zh-Hant" if traditional_share(release.text) > 0.1 else "zh-Hans",
            "written": _written(release),
            "search_within": [("release", str(release.pk))],
        },
    )


def release_original(request: HttpRequest, pk: int) -> FileResponse:
    """The original file, byte for byte, as a download under its original name."""
    release = get_object_or_404(Release, pk=pk)
    if (not release.is_published and not request.user.is_staff) or not release.original:
        raise Http404("no original")
    try:
        handle = release.original.open("rb")
    except FileNotFoundError as exc:
        raise Http404("original missing") from exc
    name = release.original_name or release.original.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


def _written(release: Release) -> SimpleNamespace | None:
    """The 成文日期 in the shape the ``release_date`` filter reads (None when unknown)."""
    if release.written is None:
        return None
    return SimpleNamespace(
        published=release.written,
        published_precision=release.written_precision,
        published_text="",
    )


def _ancestors(region: Region) -> list[Region]:
    chain = []
    current = region.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))

"""Browse pages: regions, a region's releases, a release with its sections, its original."""

from __future__ import annotations

import re
from pathlib import PurePath
from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from documents.comparison import merge_ranges
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
    ranks = heading_ranks(sections)
    page_url = request.build_absolute_uri(release.get_absolute_url())
    for section in sections:
        section.heading_tag = f"h{ranks.get(section.level, 4)}" if section.heading else ""
        section.citation = citation(release, section, page_url) if release.is_published else ""
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
            "figures": merge_ranges(figures),
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
    return FileResponse(handle, as_attachment=True, filename=download_name(release))


def download_name(release: Release) -> str:
    """The original's download name: the release's title and date, with the original's type
    (``金昌专场-2024-09-03.txt``), not the storage name a reader cannot place."""
    stored = release.original_name or release.original.name.rsplit("/", 1)[-1]
    suffix = PurePath(stored).suffix.lower()[:8]
    title = _UNSAFE_IN_NAMES.sub("", release.title).strip()[:80] or "release"
    day = f"-{release.published.isoformat()}" if release.published else ""
    return f"{title}{day}{suffix}"


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def heading_ranks(sections: list) -> dict[int, int]:
    """The HTML heading rank of each outline level a release uses: its first level is ``h2``
    (under the title's ``h1``), the next ``h3`` … so no rank is skipped (h2 → h4), whatever
    levels the parser gave."""
    levels = sorted({s.level for s in sections if s.heading})
    return {level: min(2 + i, 6) for i, level in enumerate(levels)}


def citation(release: Release, section, page_url: str) -> str:
    """A citation of one section: who issued it, the title, the number, the date, the section
    and its permanent link (in the order of GB/T 7714's electronic documents)."""
    who = release.issuer or (release.region.name if release.region else "")
    parts = [f"{who}. " if who else "", f"{release.title}"]
    if release.doc_number:
        parts.append(f"（{release.doc_number}）")
    parts.append("[EB/OL]. ")
    if release.published:
        parts.append(f"({release.published.isoformat()}) ")
    label = section.heading or section.speaker or ""
    parts.append(f"§{section.anchor.removeprefix('s')}")
    if label:
        parts.append(f" {label[:40]}")
    parts.append(f". {page_url}#{section.anchor}")
    return "".join(parts)


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

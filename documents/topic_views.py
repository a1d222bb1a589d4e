"""Topic pages and the compare view (HTML, and CSV with a BOM for spreadsheet programs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from documents.comparison import compare, comparison_csv, read_regions, topic_sentences
from documents.models import Topic
from documents.topic_selectors import (
    topic_counts,
    topic_from_thesaurus,
    topic_regions,
    topic_sections,
)
from documents.topics import thesaurus

#: Sections shown per region on a topic page; the rest are one search away.
SECTIONS_PER_REGION = 5
#: Regions listed on a topic page.
REGIONS_PER_TOPIC = 40


@require_GET
def topic_index(request: HttpRequest) -> HttpResponse:
    """Every topic of the thesaurus with how much the portal holds on it."""
    return render(request, "documents/topic_index.html", {"counts": topic_counts()})


@require_GET
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's terms, then per region the sections on it (newest first)."""
    topic = get_object_or_404(Topic, slug=slug)
    terms = thesaurus().get(topic.slug)
    ranked = topic_regions(topic)[:REGIONS_PER_TOPIC]
    shown: dict[int, list] = {region.pk: [] for region, _count in ranked}
    for section in topic_sections(topic).defer("release__text", "release__details"):
        bucket = shown.get(section.release.region_id)
        if bucket is not None and len(bucket) < SECTIONS_PER_REGION:
            section.sentences = topic_sentences(section, topic)[:2]
            bucket.append(section)
    regions = [
        {"region": region, "count": count, "sections": shown[region.pk]} for region, count in ranked
    ]
    top = ",".join(
        entry["region"].name for entry in regions[:3] if entry["region"].level != "nation"
    )
    return render(
        request,
        "documents/topic_detail.html",
        {
            "topic": topic,
            "terms": terms.terms if terms else (),
            "regions": regions,
            "compare_regions": top,
        },
    )


@require_GET
def compare_view(request: HttpRequest) -> HttpResponse:
    """``/compare/?topic=企业开办&regions=金昌市,张掖市`` side by side; ``&format=csv`` exports."""
    topic_value = request.GET.get("topic", "").strip()
    regions_value = request.GET.get("regions", "").strip()
    wants_csv = request.GET.get("format", "") == "csv"
    context = {
        "topics": Topic.objects.all(),
        "topic_value": topic_value,
        "regions_value": regions_value,
    }
    if not topic_value:
        return _form_or_error(request, context, wants_csv, "")
    topic = topic_from_thesaurus(topic_value[:100])
    if topic is None:
        message = _("没有找到主题 “%(value)s”。") % {"value": topic_value[:40]}
        return _form_or_error(request, context, wants_csv, message)
    regions, notes = read_regions(regions_value[:1000])
    context["topic"] = topic
    context["suggested"] = [r for r, _n in topic_regions(topic)[:6]]
    if not regions:
        message = _("请给出要比较的地区，例如 regions=金昌市,张掖市。") if not notes else ""
        context["notes"] = notes
        return _form_or_error(request, context, wants_csv, message, status=200)
    comparison = compare(topic, regions, notes)
    if wants_csv:
        return _csv_response(request, comparison)
    for column in comparison.columns:
        for entry in column.releases:
            for section in entry.sections:
                section.sentences = topic_sentences(section, topic)
    context.update(
        comparison=comparison,
        notes=comparison.notes,
        region_names=",".join(r.name for r in regions),
    )
    return render(request, "documents/compare.html", context)


def _form_or_error(
    request: HttpRequest,
    context: dict,
    wants_csv: bool,
    message: str,
    status: int | None = None,
) -> HttpResponse:
    if wants_csv:
        text = message or _("CSV 导出需要 topic 和 regions 两个参数。")
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    context["error"] = message
    code = status if status is not None else (400 if message else 200)
    return render(request, "documents/compare.html", context, status=code)


def _csv_response(request: HttpRequest, comparison) -> HttpResponse:
    base = f"{request.scheme}://{request.get_host()}"
    body = "\ufeff" + comparison_csv(comparison, base)
    names = "-".join(c.region.name for c in comparison.columns)
    filename = f"{comparison.topic.name}-{names}.csv"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

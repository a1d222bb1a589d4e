"""Topic pages and the compare view (HTML, and CSV with a BOM for spreadsheet programs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from documents import pinyin
from documents.comparison import compare, comparison_csv, read_regions, topic_sentences
from documents.models import Topic
from documents.topic_selectors import (
    topic_counts,
    topic_from_thesaurus,
    topic_region_groups,
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
    """Every topic of the thesaurus with how much the portal holds on it, in pinyin order;
    topics no published section mentions yet are listed apart."""
    counts = sorted(topic_counts(), key=lambda c: pinyin.sort_key(c.topic.name))
    return render(
        request,
        "documents/topic_index.html",
        {
            "counts": [c for c in counts if c.sections],
            "empty": [c for c in counts if not c.sections],
        },
    )


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
    """``/compare/?topic=企业开办&regions=金昌市,张掖市`` side by side; ``&format=csv`` exports.

    Regions come as one comma-separated ``regions=`` (a shared link) or as repeated ``region=``
    (the picker's boxes); ``over=year`` with one region compares its releases year by year.
    """
    topic_value = request.GET.get("topic", "").strip()
    picked = [v.strip() for v in request.GET.getlist("region") if v.strip()]
    regions_value = ",".join([request.GET.get("regions", "").strip(), *picked]).strip(",")
    over_time = request.GET.get("over", "") == "year"
    wants_csv = request.GET.get("format", "") == "csv"
    context = {
        "topic_counts": [c for c in topic_counts() if c.sections],
        "topic_value": topic_value,
        "regions_value": regions_value,
        "over_time": over_time,
    }
    if not topic_value:
        context["starters"] = _starters(context["topic_counts"])
        return _form_or_error(request, context, wants_csv, "")
    topic = topic_from_thesaurus(topic_value[:100])
    if topic is None:
        message = _("没有找到主题 “%(value)s”。") % {"value": topic_value[:40]}
        context["starters"] = _starters(context["topic_counts"])
        return _form_or_error(request, context, wants_csv, message)
    regions, notes = read_regions(regions_value[:1000])
    context["topic"] = topic
    context["picker"] = topic_region_groups(topic)
    context["picked_codes"] = {r.code for r in regions}
    if not regions:
        prompt = _("请给出要比较的地区：在下面勾选，或输入名称、拼音或区划代码。")
        if wants_csv:
            return _form_or_error(request, context, wants_csv, notes[0] if notes else prompt)
        context["notes"] = notes or [prompt]
        return _form_or_error(request, context, wants_csv, "", status=200)
    if over_time and len(regions) > 1:
        notes.append(_("按年份比较只用于一个地区；已改为并列比较所选地区。"))
    comparison = compare(topic, regions, notes, over_time=over_time)
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
        share_query=_share_query(topic, regions, over_time and len(regions) == 1),
    )
    return render(request, "documents/compare.html", context)


def _share_query(topic, regions, over_time: bool) -> str:
    """The short, shareable form of a comparison's address: ``topic=…&regions=a,b``."""
    params = {"topic": topic.name, "regions": ",".join(r.name for r in regions)}
    if over_time:
        params["over"] = "year"
    return urlencode(params)


def _starters(counts) -> list[dict]:
    """A few comparisons to start from: the topics most regions write about, with their
    three regions with most sections."""
    starters = []
    for count in sorted(counts, key=lambda c: -c.releases)[:4]:
        regions = [r for r, _n in topic_regions(count.topic) if r.level != "nation"][:3]
        if len(regions) >= 2:
            starters.append(
                {
                    "topic": count.topic,
                    "regions": regions,
                    "query": _share_query(count.topic, regions, False),
                }
            )
    return starters


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
    names = "-".join(c.label.replace(" ", "") for c in comparison.columns)
    filename = f"{comparison.topic.name}-{names}.csv"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

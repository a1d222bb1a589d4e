"""Template helpers: show text in the reader's script, dates at their known precision."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import gettext as _

from documents.english import english_name, is_english, kind_label
from documents.script import in_script

register = template.Library()


@register.filter(name="place")
def place_filter(region: object, script: str) -> str:
    """``{{ region|place:script }}`` — a region's name: in pinyin with its English type on the
    English pages (Jinchang, Yongchang County), else in the reader's script."""
    if region is None:
        return ""
    name = str(getattr(region, "name", region) or "")
    if is_english():
        return english_name(name, str(getattr(region, "kind", "")))
    return in_script(name, script)


@register.filter(name="region_kind")
def region_kind_filter(kind: str) -> str:
    """``{{ region.kind|region_kind }}`` — 地级市, or prefecture-level city on English pages."""
    return kind_label(kind) if is_english() else kind


@register.filter(name="in_script")
def in_script_filter(text: str, script: str) -> str:
    """``{{ section.text|in_script:script }}`` — convert for display, escape as usual."""
    return in_script(str(text or ""), script)


@register.filter
def release_date(release: object) -> str:
    """A release's date as far as it is known: 2024年9月3日, 2023年, 10月26日（年份不详）."""
    value: date | None = getattr(release, "published", None)
    precision = getattr(release, "published_precision", "unknown")
    raw = getattr(release, "published_text", "")
    if value is None:
        return _("%(text)s（年份不详）") % {"text": raw} if raw else _("日期不详")
    if precision == "year":
        return _("%(year)d年") % {"year": value.year}
    if precision == "month":
        return _("%(year)d年%(month)d月") % {"year": value.year, "month": value.month}
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


@register.simple_tag(takes_context=True)
def script_url(context: template.Context, value: str) -> str:
    """The current page's URL with ``script`` set, other query parameters kept."""
    request = context["request"]
    params = request.GET.copy()
    params["script"] = value
    return f"{request.path}?{params.urlencode()}"

"""A result list to keep: every matching section of a search as CSV or an Excel workbook.

Researchers collect what a search found to read it later, share it or count it; a page of ten
results cannot be kept. The export runs the same request as the search page and writes one row
per matching section (newest releases first when asked, best first otherwise) with the release's
metadata and a permanent link, up to ``MAX_ROWS``; the file says when it was cut short.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from documents.models import Section
from documents.spreadsheet import text_cell
from portal import throttled
from portal.ratelimit import limit_per_client
from search.core.query import QueryTooLong
from search.core.request import BadSearchParameter, build_request
from search.core.service import match
from search.core.shown_sections import RELEASE_BULK
from search.web.links import params_of

#: Rows at most in one export (the search page's own paging goes further).
MAX_ROWS = 5000
COLUMNS = (
    "发布稿",
    "地区",
    "类型",
    "发文机关",
    "文号",
    "发布日期",
    "段落",
    "段落文字",
    "链接",
)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@limit_per_client("search", respond=throttled.page_response)
def export(request: HttpRequest) -> HttpResponse:
    """``/search/export?q=…&format=csv|xlsx``: the search's matching sections as a file."""
    params = params_of(request.GET)
    kind = (params.pop("format", ["csv"]) or ["csv"])[-1]
    if kind not in FORMATS:
        return _error(_("format 只能是 csv 或 xlsx。"))
    try:
        search, _paging = build_request(params)
    except (BadSearchParameter, QueryTooLong) as exc:
        return _error(str(exc))
    if not search.searchable:
        return _error(_("请给出要找的词或筛选条件。"))
    matches = match(search)
    base = f"{request.scheme}://{request.get_host()}"
    rows = list(_rows(matches[:MAX_ROWS], base))
    note = ""
    if len(matches) > MAX_ROWS:
        note = _("共 %(total)d 处匹配，只导出前 %(n)d 处。") % {
            "total": len(matches),
            "n": MAX_ROWS,
        }
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{_('搜索结果')}-{stamp}.{kind}"
    body = _csv(rows, note) if kind == "csv" else _xlsx(rows, note, search.query.text)
    response = HttpResponse(body, content_type=FORMATS[kind])
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _rows(matches: list, base: str) -> Iterator[list[str]]:
    ids = [m.section for m in matches]
    sections = (
        Section.objects.filter(pk__in=ids)
        .select_related("release__region")
        .defer(*(f"release__{name}" for name in RELEASE_BULK))
    )
    by_id = {s.pk: s for s in sections}
    for pk in ids:
        section = by_id.get(pk)
        if section is None:
            continue
        release = section.release
        yield [
            release.title,
            release.region.name if release.region else "",
            release.get_kind_display(),
            release.issuer,
            release.doc_number,
            release.published.isoformat() if release.published else "",
            section.heading or section.speaker or "",
            section.text,
            base + section.get_absolute_url(),
        ]


def _csv(rows: list[list[str]], note: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([text_cell(v) for v in row])
    if note:
        writer.writerow([note])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(rows: list[list[str]], note: str, query: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("搜索结果")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([text_cell(v) for v in row])
    if note:
        sheet.append([note])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHI", (40, 10, 10, 20, 18, 12, 24, 80, 40), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.title = query[:200]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _error(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})

"""Bulk files: one release per JSON Lines record or CSV row.

Exports from other portals and corpora come as ``.jsonl`` (one JSON object a line) or ``.csv``
with a header. Column names vary, so each field (title, text, source, region, date or year) is
looked up under the names people use (English and Chinese). What a row states about the release
beyond those — issuer, 文号, written and publication dates, validity, address, category,
subtitle — is carried as ``PageHints`` for metadata detection. A bad line is reported with its
number and never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from documents.ingest.decode import decode_bytes
from documents.ingest.errors import IngestError
from documents.ingest.formats.sniff import require_text
from documents.ingest.hints import NO_HINTS, PageHints

TITLE_KEYS = ("title", "标题", "標題", "name", "名称")
TEXT_KEYS = ("content", "text", "body", "正文", "内容", "內容", "全文")
SOURCE_KEYS = ("url", "source", "link", "来源", "來源", "链接", "網址", "网址")
REGION_KEYS = ("region", "地区", "地區", "城市", "city", "area", "行政区划", "區域", "区域")
DATE_KEYS = ("date", "published", "pubdate", "publish_date", "日期", "发布日期", "發布日期", "时间")
YEAR_KEYS = ("year", "年份", "年度")
# Columns that become PageHints (keys compared lowercased, so English names in any case).
ISSUER_KEYS = (
    *("issuer", "office", "release_office", "issuing_office", "agency"),
    *("发文机关", "發文機關", "发布机关", "發布機關", "制定机关", "制定機關"),
    *("发布机构", "發布機構", "发文单位", "發文單位"),
)
DOC_NUMBER_KEYS = (
    *("doc_number", "document_number", "release_number"),
    *("文号", "文號", "发文字号", "發文字號", "发文文号", "發文文號"),
)
WRITTEN_KEYS = ("written", "written_date", "written_time", "成文日期", "成文时间", "成文時間")
PUBLISHED_KEYS = (
    *("published", "publish_date", "pubdate", "release_time", "release_date"),
    *("发布日期", "發布日期", "发布时间", "發布時間", "公开日期", "公開日期"),
)
VALIDITY_KEYS = ("validity", "时效性", "時效性", "效力", "效力状态", "效力狀態", "有效性")
#: A generic ``status`` column is validity only when it reads like one (exports also use it for
#: their own workflow state, such as 未处理).
STATUS_KEYS = ("status", "状态", "狀態")
_VALIDITY_WORDS = re.compile(
    r"有效|失效|废止|廢止|修改|修订|修訂|施行|试行|試行|现行|現行|废除|廢除|"
    r"valid|effect|force|repeal|expire|amend",
    re.IGNORECASE,
)
URL_KEYS = ("url", "link", "source_url", "page_url", "链接", "鏈接", "网址", "網址")
OUTLET_KEYS = ("来源", "來源", "信息来源", "信息來源", "source")
CATEGORY_KEYS = ("category", "kind", "类别", "類別", "分类", "分類", "栏目", "欄目")
SUBTITLE_KEYS = ("subtitle", "副标题", "副標題")
SUBJECT_KEYS = ("subject", "主题分类", "主題分類")
INDEX_KEYS = ("index_no", "index_number", "索引号", "索引號")
AUTHOR_KEYS = ("author", "作者")
EDITOR_KEYS = ("editor", "责任编辑", "責任編輯")
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}


@dataclass(frozen=True, slots=True)
class Record:
    """One release's fields from a bulk file, or the reason the line could not be read."""

    line: int
    title: str = ""
    text: str = ""
    source: str = ""
    region: str = ""  # as the file writes it: 张掖市, 甘肃 张掖, 620700 …
    date: str = ""  # as the file writes it: 2024-05-06, 2024年5月, 2024 …
    raw: bytes = b""
    error: str = ""
    hints: PageHints = NO_HINTS  # everything the row states, title/region/date included


def iter_records(data: bytes, suffix: str) -> Iterator[Record]:
    """Read a bulk file; raises ``IngestError`` only if the file as a whole is unreadable."""
    require_text(data, suffix.lower())
    text = decode_bytes(data).text
    if suffix.lower() == ".csv":
        yield from _csv_records(text)
    else:
        yield from _jsonl_records(text)


def _pick(row: dict, keys: tuple[str, ...]) -> str:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for key in keys:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _record(line: int, row: dict, raw: str) -> Record:
    text = _pick(row, TEXT_KEYS)
    if not text.strip():
        return Record(line, error=f"第 {line} 行没有正文（{'/'.join(TEXT_KEYS[:4])} 列）。")
    title = _pick(row, TITLE_KEYS).strip()
    region = _pick(row, REGION_KEYS).strip()
    return Record(
        line,
        title=title,
        text=text,
        source=_pick(row, SOURCE_KEYS).strip(),
        region=region,
        date=(_pick(row, DATE_KEYS) or _pick(row, YEAR_KEYS)).strip(),
        raw=raw.encode("utf-8"),
        hints=_hints(row, title=title, region=region),
    )


def _hints(row: dict, *, title: str, region: str) -> PageHints:
    """What the row states about the release, each value as the file writes it."""

    def pick(keys: tuple[str, ...]) -> str:
        return " ".join(_pick(row, keys).split())

    status = pick(STATUS_KEYS)
    outlet = next(
        (v for v in (pick((key,)) for key in OUTLET_KEYS) if v and not _looks_like_url(v)), ""
    )
    url = next(
        (v for v in (pick((key,)) for key in URL_KEYS + OUTLET_KEYS) if _looks_like_url(v)), ""
    )
    return PageHints(
        title=title,
        subtitle=pick(SUBTITLE_KEYS),
        published=pick(PUBLISHED_KEYS),
        written=pick(WRITTEN_KEYS),
        source=outlet,
        issuer=pick(ISSUER_KEYS),
        doc_number=pick(DOC_NUMBER_KEYS),
        region=region,
        url=url,
        subject=pick(SUBJECT_KEYS),
        index_no=pick(INDEX_KEYS),
        validity=pick(VALIDITY_KEYS) or (status if _VALIDITY_WORDS.search(status) else ""),
        category=pick(CATEGORY_KEYS),
        author=pick(AUTHOR_KEYS),
        editor=pick(EDITOR_KEYS),
    )


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"^(?:https?://|www\.)\S+$", value, re.IGNORECASE))


def _jsonl_records(text: str) -> Iterator[Record]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(
                number, error=f"第 {number} 行不是有效的 JSON：{exc.msg}（第 {exc.colno} 列）。"
            )
            continue
        except RecursionError:
            yield Record(number, error=f"第 {number} 行的 JSON 嵌套过深，无法读取。")
            continue
        except ValueError:  # Python refuses integers of more than 4,300 digits
            yield Record(number, error=f"第 {number} 行的 JSON 含有过长的数字，无法读取。")
            continue
        if not isinstance(row, dict):
            yield Record(number, error=f"第 {number} 行应为 JSON 对象。")
            continue
        yield _record(number, row, line)


def _csv_records(text: str) -> Iterator[Record]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames:
            raise IngestError("CSV 文件没有表头。")
        for row in reader:
            number = reader.line_num
            raw = ",".join(f'"{(v or "")}"' for v in row.values() if isinstance(v, str))
            yield _record(number, {k: v for k, v in row.items() if k is not None}, raw)
    except csv.Error as exc:
        raise IngestError(f"CSV 格式错误：{exc}") from exc

"""Bulk files: one release per JSON Lines record or CSV row.

Exports from other portals and corpora come as ``.jsonl`` (one JSON object a line) or ``.csv``
with a header. Column names vary, so each field (title, text, source, region, date or year) is
looked up under the names people use (English and Chinese). A bad line is reported with its
number and never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from documents.ingest.decode import decode_bytes
from documents.ingest.errors import IngestError
from documents.ingest.formats.sniff import require_text

TITLE_KEYS = ("title", "标题", "標題", "name", "名称")
TEXT_KEYS = ("content", "text", "body", "正文", "内容", "內容", "全文")
SOURCE_KEYS = ("url", "source", "link", "来源", "來源", "链接", "網址", "网址")
REGION_KEYS = ("region", "地区", "地區", "城市", "city", "area", "行政区划", "區域", "区域")
DATE_KEYS = ("date", "published", "pubdate", "publish_date", "日期", "发布日期", "發布日期", "时间")
YEAR_KEYS = ("year", "年份", "年度")
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
    return Record(
        line,
        title=_pick(row, TITLE_KEYS).strip(),
        text=text,
        source=_pick(row, SOURCE_KEYS).strip(),
        region=_pick(row, REGION_KEYS).strip(),
        date=(_pick(row, DATE_KEYS) or _pick(row, YEAR_KEYS)).strip(),
        raw=raw.encode("utf-8"),
    )


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

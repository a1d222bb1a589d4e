"""ZhouYNF/platform-1: State Council documents crawled from www.gov.cn in February 2019.

``db/ge_policy_raw20190217.sql`` holds 60 rows (the other dump is a 15-row subset); each keeps the
page's ``html`` with gov.cn's 信息索引表 (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号,
发布日期) and the body in ``content``. Truth is read from that table — the page's own statement.
The row's ``wiritten_time``/``release_time`` columns are NOT used: they carry the crawl's clock
time and disagree with the page (e.g. 国发〔2019〕5号: table 2019-01-27/2019-02-15, columns
2019-02-27/2019-03-15). Kind follows the 文号: a 令 is a regulation, a 函 (批复, 复函) other, the
rest (通知, 意见, 决定 …) normative documents. All are national (全国).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from documents import gazetteer as gz
from documents.corpus.labelled import LabelledDoc
from documents.corpus.sources._git import Snapshot
from documents.corpus.sources._html import html_to_text
from documents.corpus.sources._pick import every_kth

SOURCE = "govcn"
LICENCE = (
    "ZhouYNF/platform-1 (no licence file); pages of www.gov.cn. Official documents of state "
    "organs are outside copyright under PRC Copyright Law art. 5."
)
DUMP = "db/ge_policy_raw20190217.sql"
_INSERT = re.compile(r"insert into (\w+) \(([^)]*)\) values \(", re.IGNORECASE)
_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.DOTALL)
_LABELS = {
    "索引号": "index_no",
    "主题分类": "subject",
    "发文机关": "issuer",
    "成文日期": "written",
    "标题": "title",
    "发文字号": "doc_number",
    "发布日期": "published",
}
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def read(mirror: Path, limit: int) -> Iterator[LabelledDoc]:
    snap = Snapshot(mirror / "ZhouYNF+platform-1" / "repo")
    if not snap.exists():
        return
    rows = list(sql_rows(snap.read(DUMP).decode("utf-8")))
    for row in every_kth(rows, limit):
        doc = _document(row)
        if doc is not None:
            yield doc


def sql_rows(dump: str) -> Iterator[dict[str, str | None]]:
    """The rows of a MySQL ``insert into t (cols) values (...)`` dump, values unescaped."""
    for match in _INSERT.finditer(dump):
        columns = [c.strip() for c in match.group(2).split(",")]
        values, _ = _values(dump, match.end())
        yield dict(zip(columns, values, strict=False))


def _values(text: str, at: int) -> tuple[list[str | None], int]:
    values: list[str | None] = []
    while True:
        while text[at].isspace():
            at += 1
        if text[at] == "'":
            value, at = _quoted(text, at + 1)
            values.append(value)
        else:
            end = at
            while text[end] not in ",)":
                end += 1
            raw = text[at:end].strip()
            values.append(None if raw.lower() == "null" else raw)
            at = end
        while text[at].isspace():
            at += 1
        if text[at] == ")":
            return values, at + 1
        at += 1  # the comma


def _quoted(text: str, at: int) -> tuple[str, int]:
    out = []
    escapes = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}
    while True:
        char = text[at]
        if char == "\\":
            out.append(escapes.get(text[at + 1], text[at + 1]))
            at += 2
        elif char == "'" and text[at + 1] == "'":
            out.append("'")
            at += 2
        elif char == "'":
            return "".join(out), at + 1
        else:
            out.append(char)
            at += 1


def index_table(page: str) -> dict[str, str]:
    """The 信息索引表 of a gov.cn page: label cells followed by their value cells."""
    cells = [html_to_text(c) for c in _CELL.findall(page)]
    found: dict[str, str] = {}
    for label, value in itertools.pairwise(cells):
        key = _LABELS.get(re.sub(r"[\s\u3000:：]", "", label))
        if key and key not in found:
            found[key] = value.strip()
    return found


def iso(text: str) -> str:
    match = _DATE.search(text)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def kind_of(doc_number: str) -> str:
    if "令" in doc_number:
        return "regulation"
    if "函" in doc_number:
        return "other"
    return "normative"


def _document(row: dict[str, str | None]) -> LabelledDoc | None:
    page, content = row.get("html") or "", row.get("content") or ""
    table = index_table(page)
    text = html_to_text(content)
    if not table.get("title") or len(text) < 100:
        return None
    return LabelledDoc(
        id=f"{SOURCE}-{row['id']}",
        source=SOURCE,
        split="test",
        title=table["title"],
        region=gz.NATION_NAME,
        region_code=gz.NATION_CODE,
        province=gz.NATION_NAME,
        issuer=table.get("issuer", ""),
        doc_number=table.get("doc_number", ""),
        written=iso(table.get("written", "")),
        published=iso(table.get("published", "")),
        kind=kind_of(table.get("doc_number", "")),
        text=text,
        licence=LICENCE,
        url=row.get("crawl_url") or "",
        meta={
            "index_no": table.get("index_no", ""),
            "subject": table.get("subject", ""),
            "original_html": page,
        },
    )

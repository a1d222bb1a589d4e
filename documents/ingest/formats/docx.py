"""DOCX uploads → paragraphs and table text, after checking the zip is not a bomb.

A .docx is a zip archive, and zip archives can declare (or hide) enormous contents, so the
archive's directory is checked with ``zipfile`` before anything is inflated: too many entries,
too large an entry or total, or an implausible compression ratio are refused with a message
each. The directory can lie, so the members are then inflated by their bytes within a budget
(``archive.read_members``) and python-docx reads only the repacked, measured members.
Encrypted Office files and old .doc files are OLE compound files rather than zips; their magic
number is recognised so the uploader learns what to do instead.
"""

from __future__ import annotations

import io
import zipfile

from documents.ingest.errors import IngestError
from documents.ingest.formats._common import Extracted, clean_title, join_paragraphs
from documents.ingest.formats.archive import Budget, read_members, repack

OLE_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_ENTRIES = 2000
MAX_ENTRY_SIZE = 50 * 1024 * 1024
MAX_TOTAL_SIZE = 200 * 1024 * 1024
MAX_RATIO = 100
# Tiny XML parts can compress extremely well and are harmless; the ratio matters for big ones.
RATIO_FLOOR = 1024 * 1024
_MB = 1024 * 1024


#: Members are inflated by their bytes within these limits (``archive.read_members``).
BUDGET = Budget(member_bytes=MAX_ENTRY_SIZE, total_bytes=MAX_TOTAL_SIZE, seconds=10.0)


def extract_docx(data: bytes) -> Extracted:
    """Check the archive, inflate it within the budget, then read body paragraphs and table
    rows in document order from the repacked members (python-docx never sees the original)."""
    check_archive(data)
    members = read_members(data, BUDGET, label="这个 .docx ")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(repack(members)))
    except Exception as exc:  # python-docx raises many kinds for a malformed package
        raise IngestError(f"无法读取这个 Word 文档（文件可能已损坏）：{exc}") from exc
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            paragraphs.extend(_table_rows(block))
        else:
            paragraphs.append(block.text)
    text = join_paragraphs(paragraphs)
    if not text:
        raise IngestError("这个 Word 文档里没有文字（可能只有图片）。")
    return Extracted(text=text, format="docx", title=clean_title(document.core_properties.title))


def check_archive(data: bytes) -> None:
    """Refuse anything that is not a sane, Word-shaped zip archive, before decompressing."""
    if data.startswith(OLE_MAGIC):
        raise IngestError(
            "这个文件是加密（设置了打开密码）的 Office 文档，或旧版 .doc 格式，无法读取："
            "请去掉密码，或在 Word 中“另存为”.docx 后再上传。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise IngestError("这不是有效的 .docx 文件（不是 zip 压缩包，或文件已损坏）。") from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise IngestError(
                f"这个 .docx 压缩包里有 {len(entries)} 个文件，"
                f"超过上限 {MAX_ENTRIES} 个，拒绝处理。"
            )
        total = 0
        for entry in entries:
            if entry.file_size > MAX_ENTRY_SIZE:
                raise IngestError(
                    f"这个 .docx 里的“{entry.filename}”解压后有 {entry.file_size // _MB} MB，"
                    f"超过单个文件 {MAX_ENTRY_SIZE // _MB} MB 的上限，拒绝处理。"
                )
            total += entry.file_size
            if entry.file_size > RATIO_FLOOR and (
                entry.file_size / max(entry.compress_size, 1) > MAX_RATIO
            ):
                raise IngestError(
                    f"这个 .docx 里的“{entry.filename}”压缩比超过 {MAX_RATIO} 倍，"
                    "疑似“压缩炸弹”，拒绝处理。"
                )
        if total > MAX_TOTAL_SIZE:
            raise IngestError(
                f"这个 .docx 解压后共 {total // _MB} MB，超过 {MAX_TOTAL_SIZE // _MB} MB 的上限，"
                "拒绝处理。"
            )
        if "word/document.xml" not in archive.namelist():
            raise IngestError("这个压缩包里没有 word/document.xml，不是 Word（.docx）文档。")


def _table_rows(table) -> list[str]:
    """One paragraph per row, cells joined by “ | ”; merged cells are counted once."""
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontally merged cell repeats its element
                continue
            previous = cell._tc
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows

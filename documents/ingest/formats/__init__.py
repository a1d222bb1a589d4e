"""Uploaded HTML, DOCX and PDF files → plain text, safely, before the text pipeline runs.

Each format lives in its own module because each has its own dangers: HTML must never be
rendered and carries its encoding in markup, DOCX is a zip (so a zip bomb), and PDF parsing
is slow and memory-hungry enough that it runs in a separate, limited process. Every failure
is an ``IngestError`` whose message can be shown to the uploader as it is. Which reader a
file goes to is decided by its bytes, not its name (``sniff``).
"""

from __future__ import annotations

from pathlib import PurePath

from documents.ingest.errors import IngestError
from documents.ingest.formats._common import Extracted
from documents.ingest.formats.sniff import Reader, choose_reader

EXTRACTABLE_SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".docx", ".pdf"})

__all__ = ["EXTRACTABLE_SUFFIXES", "Extracted", "Reader", "choose_reader", "extract_text"]


def extract_text(data: bytes, filename: str) -> Extracted:
    """Extract the plain text of an HTML, DOCX or PDF upload; its bytes choose the reader.

    ``sniff.choose_reader`` decides (content first, the name as a fallback) and refuses
    what no reader takes; plain text is not this function's business (``parse_release``).
    """
    suffix = PurePath(filename).suffix.lower()
    reader = choose_reader(data, filename)
    if reader is Reader.TEXT:
        supported = "、".join(sorted(EXTRACTABLE_SUFFIXES))
        raise IngestError(
            f"不支持的文件类型“{suffix or '无扩展名'}”：只能提取 {supported} 文件的文字。"
        )
    if reader is Reader.HTML:
        from documents.ingest.formats.html import extract_html

        return extract_html(data)
    if reader is Reader.DOCX:
        from documents.ingest.formats.docx import extract_docx

        return extract_docx(data)
    from documents.ingest.formats.pdf import extract_pdf

    return extract_pdf(data)

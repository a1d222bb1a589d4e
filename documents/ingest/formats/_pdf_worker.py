"""Child process that runs pdfminer.six on one PDF, under a memory limit.

PDF parsing can take unbounded time and memory on hostile or broken files, so it never runs
in the web process: ``documents.ingest.formats.pdf`` starts this module with the PDF on
stdin and reads one JSON object from stdout. The address-space limit is set once pdfminer is
imported and before the PDF is read, so a runaway parse ends with a MemoryError here only.
"""

from __future__ import annotations

import io
import json
import resource
import sys

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTTextContainer
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.utils import decode_text

MEMORY_LIMIT = 1024 * 1024 * 1024


def _limit_memory(limit: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _join_lines(lines: list[str]) -> str:
    """Lines of one text box are one paragraph; CJK wraps join without a space."""
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(line[0])):
            out += " "
        out += line
    return out


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\uffef"


def extract(data: bytes) -> dict:
    """Paragraphs per page plus the document's Title, or an error code for the parent."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return {"error": "encrypted"}
    title = ""
    for info in document.info:
        value = info.get("Title")
        value = getattr(value, "resolve", lambda v=value: v)()
        if isinstance(value, bytes):
            title = decode_text(value)
        elif isinstance(value, str):
            title = value
        if title:
            break
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        paragraphs = [
            _join_lines(element.get_text().splitlines())
            for element in device.get_result()
            if isinstance(element, LTTextContainer)
        ]
        pages.append([p for p in paragraphs if p])
    return {"pages": pages, "title": title}


def main() -> int:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_LIMIT
    _limit_memory(limit)
    data = sys.stdin.buffer.read()
    try:
        result = extract(data)
    except MemoryError:
        result = {"error": "memory"}
    except Exception as exc:  # any parser failure is reported, never raised to the parent
        result = {"error": "broken", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

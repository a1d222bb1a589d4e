"""PDF uploads → the text layer, extracted in a separate, time- and memory-limited process.

pdfminer.six is pure Python and can spin or balloon on malformed or hostile files. Running it
as ``python -m documents.ingest.formats._pdf_worker`` means a timeout, an out-of-memory end
or an outright crash costs only that child; the parent turns each into a clear message.
Scanned PDFs have no text layer, and no OCR is done here: they are refused with a message
that says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from documents.ingest.errors import IngestError
from documents.ingest.formats._common import Extracted, clean_title, join_paragraphs

TIME_LIMIT = 30.0
MEMORY_LIMIT = 1024 * 1024 * 1024
_PROJECT_ROOT = Path(__file__).resolve().parents[3]


def extract_pdf(
    data: bytes, *, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT
) -> Extracted:
    """Run the worker on ``data`` and return the text; every failure is an IngestError."""
    if b"%PDF-" not in data[:1024]:
        raise IngestError("这不是 PDF 文件（文件开头没有 %PDF 标记）。")
    result = _run_worker(data, time_limit, memory_limit)
    error = result.get("error")
    if error == "encrypted":
        raise IngestError("这个 PDF 已加密（需要密码才能打开），无法提取文字：请提供未加密的版本。")
    if error == "memory":
        raise IngestError("这个 PDF 太复杂，提取文字时超出内存上限，已停止处理。")
    if error:
        raise IngestError(f"PDF 文件已损坏或不完整，无法读取（{result.get('detail', error)}）。")
    pages = result.get("pages") or []
    if not pages:
        raise IngestError("PDF 文件已损坏或不完整：找不到任何页面。")
    text = join_paragraphs(paragraph for page in pages for paragraph in page)
    if not text:
        raise IngestError(
            "这个 PDF 没有文字层（可能是扫描件或图片），本系统不做文字识别（OCR），"
            "请上传含文字的 PDF、Word 或文本文件。"
        )
    warnings = ()
    empty = [str(number) for number, page in enumerate(pages, 1) if not page]
    if empty:
        shown = "、".join(empty[:10]) + ("等" if len(empty) > 10 else "")
        warnings = (f"PDF 第 {shown} 页没有文字层（可能是扫描页），这些页的内容未能提取。",)
    return Extracted(
        text=text, format="pdf", title=clean_title(result.get("title")), warnings=warnings
    )


def _run_worker(data: bytes, time_limit: float, memory_limit: int) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")]))
    command = [
        sys.executable,
        "-m",
        "documents.ingest.formats._pdf_worker",
        str(memory_limit),
    ]
    try:
        completed = subprocess.run(  # noqa: S603 — our own interpreter and module, no shell
            command,
            input=data,
            capture_output=True,
            timeout=time_limit,
            cwd=_PROJECT_ROOT,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(
            f"PDF 文字提取超过 {time_limit:g} 秒仍未完成，已停止（文件可能过大或已损坏）。"
        ) from exc
    except OSError as exc:
        raise IngestError(f"无法启动 PDF 文字提取程序：{exc}") from exc
    try:
        result = json.loads(completed.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        result = None
    if completed.returncode != 0 or not isinstance(result, dict):
        if b"MemoryError" in completed.stderr:
            return {"error": "memory"}
        raise IngestError(
            f"PDF 文字提取程序意外退出（退出码 {completed.returncode}），文件可能已损坏。"
        )
    return result

"""Bytes → text for Chinese releases, with the encoding detected and never assumed.

Order of trust: a byte-order mark, then strict UTF-8, then the legacy Chinese encodings
(GB18030, a superset of GBK/GB2312; Big5 as Microsoft's cp950 and as Big5-HKSCS). When more
than one legacy encoding decodes the bytes without error, charset-normalizer judges which
reading is language rather than noise. Nothing is ever decoded with ``errors="ignore"``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from documents.ingest.errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_CANDIDATES: tuple[str, ...] = ("gb18030", "cp950", "big5hkscs")
_DISPLAY_NAMES = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "gb18030": "GB18030",
    "cp950": "Big5",
    "big5hkscs": "Big5-HKSCS",
}


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text plus how it was read, so the admin can warn about a guessed encoding."""

    text: str
    encoding: str
    method: str  # "bom", "strict", "only-candidate", "judged"
    confident: bool

    @property
    def encoding_label(self) -> str:
        """Human name of the encoding (GB18030, Big5, UTF-8 …)."""
        return _DISPLAY_NAMES.get(self.encoding, self.encoding)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a release file; raise IngestError with a clear reason when it is not text."""
    if not data or not data.strip():
        raise IngestError("文件为空（没有任何文字）。")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                label = _DISPLAY_NAMES[encoding]
                raise IngestError(
                    f"文件以 {label} 字节序标记开头，但第 {exc.start} 字节处无法解码。"
                ) from exc
            return DecodedText(_strip_bom(text), encoding, "bom", True)
    if b"\x00" in data:
        raise IngestError("这是二进制文件，不是文本（含有 NUL 字节）。")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "strict", True)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    readings = {}
    for encoding in LEGACY_CANDIDATES:
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise IngestError(
            "无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK 或 Big5"
            f"（UTF-8 解码在第 {first_bad} 字节处失败）。"
        )
    if len(readings) == 1:
        ((encoding, text),) = readings.items()
        return DecodedText(text, encoding, "only-candidate", True)
    encoding, confident = _judge(data, tuple(readings))
    return DecodedText(readings[encoding], encoding, "judged", confident)


def _judge(data: bytes, candidates: tuple[str, ...]) -> tuple[str, bool]:
    """Let charset-normalizer pick among encodings that all decode; fall back to GB18030."""
    matches = from_bytes(data, cp_isolation=list(candidates))
    best = matches.best()
    if best is None:
        return candidates[0], False
    chosen = best.encoding.replace("_", "").lower()
    for candidate in candidates:
        if candidate.replace("_", "").lower() == chosen or (
            chosen == "big5" and candidate == "cp950"
        ):
            return candidate, best.chaos < 0.2
    return candidates[0], False


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text

"""Decoding real release bytes: every encoding path, detected rather than assumed."""

from __future__ import annotations

import codecs

import pytest

from documents.ingest.decode import decode_bytes
from documents.ingest.errors import IngestError
from tests.conftest import seed_text


def _encodable(text: str, encoding: str) -> str:
    """Paragraphs of ``text`` that the legacy encoding can represent exactly."""
    kept = []
    for line in text.splitlines():
        try:
            line.encode(encoding)
        except UnicodeEncodeError:
            continue
        kept.append(line)
    return "\n".join(kept)


def test_utf8_without_bom_is_read_strictly():
    data = seed_text("001").encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.method == "strict"
    assert decoded.text == seed_text("001")


def test_utf8_bom_is_honoured_and_removed():
    decoded = decode_bytes(codecs.BOM_UTF8 + seed_text("004").encode("utf-8"))
    assert decoded.encoding == "utf-8-sig"
    assert decoded.text.startswith("呼和浩特市人民政府")


def test_utf16_with_bom_is_read():
    decoded = decode_bytes(seed_text("002").encode("utf-16"))
    assert decoded.encoding == "utf-16"
    assert "湘潭" in decoded.text


def test_gbk_file_is_read_as_gb18030():
    text = _encodable(seed_text("001"), "gbk")
    decoded = decode_bytes(text.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == text
    assert decoded.encoding_label == "GB18030"


def test_gb18030_only_characters_survive():
    # 𠮷 is outside GBK; GB18030 encodes it in four bytes.
    text = "吉祥的𠮷字。" + _encodable(seed_text("003"), "gb18030")
    decoded = decode_bytes(text.encode("gb18030"))
    assert decoded.encoding == "gb18030"
    assert decoded.text.startswith("吉祥的𠮷字")


def test_big5_traditional_release_is_told_apart_from_gb18030():
    text = _encodable(seed_text("000"), "cp950")
    data = text.encode("cp950")
    # Both legacy decoders accept these bytes; the judge must pick Big5.
    data.decode("gb18030")
    decoded = decode_bytes(data)
    assert decoded.encoding in {"cp950", "big5hkscs"}
    assert decoded.text == text
    assert "營商環境" in decoded.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n\t ", "文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        (bytes([0x81, 0x20, 0xFF, 0xFE, 0x80, 0x81]) * 20, "无法识别文件编码"),
    ],
)
def test_unreadable_input_gets_a_clear_message(data, message):
    with pytest.raises(IngestError, match=message):
        decode_bytes(data)

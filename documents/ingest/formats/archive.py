"""Zip members read by their bytes, never by what the archive's directory says about them.

A zip's central directory and local headers declare each member's size and CRC, and a hostile
file forges them: a 1 MB ``.docx`` can declare ``word/document.xml`` as 1 MiB (with the CRC of
that first MiB) while its deflate stream inflates to 1 GiB. So each member is inflated here,
from its raw compressed bytes, in chunks, counting what comes out against a byte budget per
member and for the archive and against a time budget, whatever the headers say; a member whose
real size differs from the declared one is refused as forged. What comes back is plain bytes,
which callers hand on repacked (``repack``), so no library after this point decompresses
anything it was not shown to be small.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass

from documents.ingest.errors import IngestError

_CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Budget:
    """How much an archive may inflate to, and for how long."""

    member_bytes: int
    total_bytes: int
    seconds: float


def read_members(data: bytes, budget: Budget, *, label: str = "压缩包") -> dict[str, bytes]:
    """Every member of the zip ``data``, inflated within ``budget``; ``IngestError`` otherwise.

    The refusal names the limit that was reached (``label`` is what the user uploaded: "这个
    .docx").
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise IngestError(f"{label}已损坏，无法打开。") from exc
    started = time.monotonic()
    deadline = started + budget.seconds
    total = 0
    members: dict[str, bytes] = {}
    for entry in entries:
        if entry.is_dir():
            continue
        raw = _raw_member(data, entry, label)
        remaining = min(budget.member_bytes, budget.total_bytes - total)
        content = _inflate(raw, entry, remaining, (deadline, budget.seconds), label)
        if len(content) != entry.file_size:
            raise IngestError(
                f"{label}里的“{entry.filename}”声明的大小（{entry.file_size} 字节）与实际解压出的"
                f"大小（{len(content)} 字节）不符：文件被篡改或已损坏，拒绝处理。"
            )
        if zlib.crc32(content) != entry.CRC:
            raise IngestError(f"{label}里的“{entry.filename}”校验不符：文件已损坏，拒绝处理。")
        total += len(content)
        members[entry.filename] = content
    return members


def repack(members: dict[str, bytes]) -> bytes:
    """A new zip of ``members`` (stored, not compressed): true sizes in every header."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _raw_member(data: bytes, entry: zipfile.ZipInfo, label: str) -> bytes:
    """The member's compressed bytes, found from its local header."""
    offset = entry.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise IngestError(f"{label}已损坏（“{entry.filename}”的位置超出文件）。")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise IngestError(f"{label}已损坏（“{entry.filename}”没有文件头）。")
    name_length, extra_length = fields[-2], fields[-1]
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    # The compressed size is bounded by the file itself, whatever the directory declares.
    return data[start : start + entry.compress_size]


def _inflate(
    raw: bytes, entry: zipfile.ZipInfo, limit: int, deadline: tuple[float, float], label: str
) -> bytes:
    """Inflate ``raw`` in chunks, stopping at ``limit`` bytes or at the deadline
    (``(monotonic time, the budget in seconds)``)."""
    if entry.flag_bits & 0x1:
        raise IngestError(f"{label}里的“{entry.filename}”是加密的，无法读取。")
    if entry.compress_type == zipfile.ZIP_STORED:
        if len(raw) > limit:
            _too_large(entry, limit, label)
        return raw
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise IngestError(
            f"{label}里的“{entry.filename}”用了不支持的压缩方式（{entry.compress_type}），"
            "无法读取。"
        )
    inflater = zlib.decompressobj(-15)
    out = bytearray()
    pending = raw
    while True:
        if time.monotonic() > deadline[0]:
            raise IngestError(
                f"{label}解压超过 {deadline[1]:g} 秒的时间上限，疑似“压缩炸弹”，拒绝处理。"
            )
        try:
            chunk = inflater.decompress(pending, _CHUNK)
        except zlib.error as exc:
            raise IngestError(f"{label}里的“{entry.filename}”已损坏，无法解压。") from exc
        out += chunk
        if len(out) > limit:
            _too_large(entry, limit, label)
        pending = inflater.unconsumed_tail
        if inflater.eof or (not chunk and not pending):
            break
    return bytes(out)


def _too_large(entry: zipfile.ZipInfo, limit: int, label: str) -> None:
    raise IngestError(
        f"{label}里的“{entry.filename}”解压后超过 {max(limit // _MB, 1)} MB 的上限"
        "（按实际解压出的字节计，不按文件声明的大小），疑似“压缩炸弹”，拒绝处理。"
    )

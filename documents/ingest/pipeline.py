"""One call from a file's bytes (or already-decoded text) to a fully parsed release."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from documents.choices import SectionKind
from documents.ingest.clean import CleanedText, clean_text
from documents.ingest.decode import DecodedText, decode_bytes
from documents.ingest.errors import IngestError
from documents.ingest.furniture import looks_like_furniture
from documents.ingest.hints import NO_HINTS, PageHints
from documents.ingest.metadata import FieldFlag, ReleaseMetadata, detect_metadata
from documents.ingest.sections import ParsedSection, parse_sections
from documents.script import fold


@dataclass(frozen=True, slots=True)
class ParsedRelease:
    """A release as the pipeline understood it; nothing here has touched the database."""

    decoded: DecodedText | None
    cleaned: CleanedText
    metadata: ReleaseMetadata
    sections: tuple[ParsedSection, ...]

    @property
    def body_text(self) -> str:
        """The stored text: the cleaned paragraphs, title and subtitle included."""
        return self.cleaned.text

    @property
    def content_hash(self) -> str:
        """Identity of the content: the same text imported twice has the same hash."""
        return content_hash(self.cleaned.text)

    @property
    def warnings(self) -> tuple[str, ...]:
        extra = ()
        if self.decoded is not None and not self.decoded.confident:
            extra = (f"编码判断把握不大（按 {self.decoded.encoding_label} 读取），请核对文字。",)
        return extra + self.metadata.warnings


@lru_cache(maxsize=16)
def content_hash(text: str) -> str:
    """SHA-256 of the text with compatibility forms unified and all whitespace removed."""
    canonical = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_release(data: bytes, *, title_hint: str = "") -> ParsedRelease:
    """Decode, clean, detect metadata and split sections of a plain-text release file."""
    decoded = decode_bytes(data)
    return _parse(decoded.text, decoded, title_hint)


def parse_text(
    text: str,
    *,
    title_hint: str = "",
    region_hint: str = "",
    date_hint: str = "",
    hints: PageHints = NO_HINTS,
    site_lines: frozenset[str] = frozenset(),
) -> ParsedRelease:
    """The same pipeline for text that is already decoded (bulk rows, extracted HTML …).

    Bulk rows may name their region and date in columns, and pages state their own metadata
    (``hints``): those win over the text where they can be read. ``site_lines`` are the lines
    the rows' site repeats around every record (``site_lines.repeated_lines``).
    """
    extra = {"region_hint": region_hint, "date_hint": date_hint, "hints": hints}
    return _parse(text, None, title_hint, extra, site_lines)


def _parse(
    text: str,
    decoded: DecodedText | None,
    title_hint: str,
    hints: dict | None = None,
    site_lines: frozenset[str] = frozenset(),
) -> ParsedRelease:
    hints = hints or {}
    cleaned = clean_text(text, site_lines)
    if not cleaned.paragraphs:
        raise IngestError("去掉网页杂项后没有正文。")
    if title_hint and all(_squeezed(p) == _squeezed(title_hint) for p in cleaned.paragraphs):
        raise IngestError("只有标题，没有正文。")
    metadata = detect_metadata(cleaned, title_hint=title_hint, **hints)
    cleaned, metadata = _without_page_edges(cleaned, metadata)
    sections = tuple(parse_sections(cleaned.paragraphs[metadata.body_start :]))
    if not sections:
        raise IngestError("只有标题，没有正文。")
    has_qa = any(s.kind == SectionKind.QUESTION for s in sections)
    if has_qa and metadata.kind.value != "press_conference":
        metadata = detect_metadata(cleaned, title_hint=title_hint, has_qa=True, **hints)
        cleaned, metadata = _without_page_edges(cleaned, metadata)
    return ParsedRelease(decoded, cleaned, _with_furniture_doubts(metadata, sections), sections)


#: Headings named in one warning at most; a page full of them needs one look, not fifty lines.
_DOUBTFUL_HEADINGS_SHOWN = 3


def _with_furniture_doubts(
    metadata: ReleaseMetadata, sections: tuple[ParsedSection, ...]
) -> ReleaseMetadata:
    """Flag a title or headings that still look like page furniture, for a person to check."""
    flags = []
    if looks_like_furniture(fold(metadata.title)):
        flags.append(
            FieldFlag("title", f"标题“{metadata.title}”像网页杂项（按钮、导航或链接），请核对。")
        )
    doubtful = [s.heading for s in sections if s.heading and looks_like_furniture(fold(s.heading))]
    if doubtful:
        shown = "、".join(f"“{h}”" for h in doubtful[:_DOUBTFUL_HEADINGS_SHOWN])
        more = f"等 {len(doubtful)} 处" if len(doubtful) > _DOUBTFUL_HEADINGS_SHOWN else ""
        flags.append(FieldFlag("sections", f"小标题{shown}{more}像网页杂项，请核对正文。"))
    if not flags:
        return metadata
    return replace(
        metadata,
        flags=metadata.flags + tuple(flags),
        warnings=metadata.warnings + tuple(f.message for f in flags),
    )


def _without_page_edges(
    cleaned: CleanedText, metadata: ReleaseMetadata
) -> tuple[CleanedText, ReleaseMetadata]:
    """Drop the furniture above the title and the title repeated at the foot of the page."""
    paragraphs = list(cleaned.paragraphs)
    removed = list(paragraphs[: metadata.head_start])
    paragraphs = paragraphs[metadata.head_start :]
    body_start = metadata.body_start - metadata.head_start
    title = _squeezed(metadata.title)
    while len(paragraphs) > body_start + 1 and _squeezed(paragraphs[-1]) == title:
        removed.append(paragraphs.pop())
    if not removed:
        return cleaned, metadata
    cleaned = replace(
        cleaned, paragraphs=tuple(paragraphs), removed=cleaned.removed + tuple(removed)
    )
    return cleaned, replace(metadata, body_start=body_start, head_start=0)

"""The service layer: the only place where parsed releases meet the database.

Admin views, the import command and bulk importers all call these functions, each inside one
transaction, so a failure leaves nothing half-created behind.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from documents.ingest import IngestError, ParsedRelease, parse_release, parse_text
from documents.ingest.records import RECORD_SUFFIXES, Record, iter_records
from documents.models import Region, Release, Section

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt", ".text", *RECORD_SUFFIXES}


class Outcome(StrEnum):
    """What happened to one input file."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """One file's outcome, with the release it created or matched."""

    name: str
    outcome: Outcome
    message: str = ""
    release: Release | None = None
    warnings: tuple[str, ...] = ()


def import_release(
    data: bytes, *, filename: str, publish: bool = False, title_hint: str = ""
) -> ImportResult:
    """Parse and store one release file; duplicates and unreadable input are reported."""
    try:
        parsed = parse_release(data, title_hint=title_hint)
    except IngestError as exc:
        return ImportResult(filename, Outcome.FAILED, str(exc))
    return _store_new(parsed, data, filename, publish)


def import_records(data: bytes, *, filename: str, publish: bool = False) -> list[ImportResult]:
    """Import every record of a bulk ``.jsonl``/``.csv`` file; each line succeeds or fails alone."""
    suffix = PurePath(filename).suffix
    try:
        records = list(iter_records(data, suffix))
    except IngestError as exc:
        return [ImportResult(filename, Outcome.FAILED, str(exc))]
    results = []
    # One transaction for the file: each record still succeeds or fails alone (savepoints),
    # and the search index is updated once, after the last record.
    with transaction.atomic():
        for record in records:
            results.append(_import_record(record, filename, publish))
    return results


def _import_record(record: Record, filename: str, publish: bool) -> ImportResult:
    name = f"{filename}:{record.line}"
    if record.error:
        return ImportResult(name, Outcome.FAILED, record.error)
    try:
        parsed = parse_text(record.text, title_hint=record.title)
    except IngestError as exc:
        return ImportResult(name, Outcome.FAILED, f"第 {record.line} 行：{exc}")
    stored_name = f"{PurePath(filename).stem}-{record.line}.json"
    result = _store_new(parsed, record.raw, stored_name, publish, source=record.source)
    return ImportResult(name, result.outcome, result.message, result.release, result.warnings)


def _store_new(
    parsed: ParsedRelease, data: bytes, filename: str, publish: bool, source: str = ""
) -> ImportResult:
    existing = Release.objects.filter(content_hash=parsed.content_hash).first()
    if existing is not None:
        return ImportResult(
            filename, Outcome.DUPLICATE, f"与已有发布稿 #{existing.pk} 内容相同", existing
        )
    try:
        release = store_release(
            parsed, original=data, filename=filename, publish=publish, source=source
        )
    except IntegrityError:
        existing = Release.objects.filter(content_hash=parsed.content_hash).first()
        return ImportResult(filename, Outcome.DUPLICATE, "同时导入了相同内容", existing)
    return ImportResult(filename, Outcome.IMPORTED, "", release, parsed.warnings)


def store_release(
    parsed: ParsedRelease, *, original: bytes, filename: str, publish: bool, source: str = ""
) -> Release:
    """Write a parsed release, its sections and its original file in one transaction."""
    meta = parsed.metadata
    region = Region.objects.filter(code=meta.region.code).first() if meta.region else None
    release = Release(
        title=meta.title[:300],
        subtitle=meta.subtitle[:500],
        region=region,
        kind=meta.kind.value,
        published=meta.published.value,
        published_precision=meta.published.precision.value,
        published_text=meta.published.text[:64],
        source=(meta.source or source)[:200],
        author=meta.author[:300],
        editor=meta.editor[:200],
        text=parsed.body_text,
        content_hash=parsed.content_hash,
        original_name=PurePath(filename).name[:255],
        original_encoding=parsed.decoded.encoding_label if parsed.decoded else "",
        details=_details(parsed),
        status=Release.Status.PUBLISHED if publish else Release.Status.DRAFT,
    )
    suffix = PurePath(filename).suffix.lower()[:10] or ".bin"
    release.original.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(original), save=False)
    try:
        with transaction.atomic():
            release.save()
            Section.objects.bulk_create(_sections(release, parsed))
    except Exception:
        release.original.delete(save=False)
        raise
    return release


def _sections(release: Release, parsed: ParsedRelease) -> list[Section]:
    return [
        Section(
            release=release,
            order=s.order,
            level=s.level,
            kind=s.kind.value,
            heading=s.heading[:300],
            speaker=s.speaker[:120],
            speaker_title=s.speaker_title[:200],
            text=s.text,
            anchor=s.anchor,
        )
        for s in parsed.sections
    ]


def _details(parsed: ParsedRelease) -> dict:
    meta = parsed.metadata
    return {
        "title_derived": meta.title_derived,
        "region_evidence": meta.region.evidence if meta.region else "",
        "region_strong": meta.region.strong if meta.region else False,
        "year_inferred": meta.published.year_inferred,
        "captions": list(parsed.cleaned.captions),
        "removed_lines": len(parsed.cleaned.removed),
        "warnings": list(parsed.warnings),
    }


def iter_input_files(paths: list[Path]) -> list[tuple[Path, Outcome | None]]:
    """Expand files and folders; unsupported files are listed as skipped, not dropped."""
    found: list[tuple[Path, Outcome | None]] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            supported = candidate.suffix.lower() in SUPPORTED_SUFFIXES
            found.append((candidate, None if supported else Outcome.SKIPPED))
    return found

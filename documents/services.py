"""The service layer: the only place where parsed releases meet the database.

Admin views, the import command and bulk importers all call these functions, each inside one
transaction, so a failure leaves nothing half-created behind.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from documents.ingest import IngestError, ParsedRelease, parse_release, parse_text
from documents.ingest.formats import EXTRACTABLE_SUFFIXES, Reader, choose_reader, extract_text
from documents.ingest.records import RECORD_SUFFIXES, Record, iter_records
from documents.ingest.site_lines import repeated_lines
from documents.models import Region, Release, Section, is_web_url
from documents.near_duplicates import store_fingerprints
from documents.originals import discard_original, save_original
from documents.section_analysis import analyse_release, failed_sections_warning, sync_topics
from documents.signals import bulk_import_started

log = logging.getLogger(__name__)

GENRE_FIELDS = (
    "issuer",
    "doc_number",
    "written",
    "written_precision",
    "validity",
    "source_url",
    "speaker",
)
"""The genre's metadata (发文机关, 文号, 成文日期 …): a re-parse fills these where still unknown."""

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "subtitle",
        "region",
        "kind",
        "published",
        "published_precision",
        "published_text",
        "source",
        "author",
        "editor",
        *GENRE_FIELDS,
        "status",
    }
)
"""Release fields a person may correct before storing; the rest derive from the text."""


#: A flag names a ``ReleaseMetadata`` field; these are the release fields it stands for.
FLAG_FIELDS = {
    "published": ("published", "published_precision", "published_text"),
    "written": ("written", "written_precision"),
}

SUPPORTED_SUFFIXES = {".txt", ".text", *EXTRACTABLE_SUFFIXES, *RECORD_SUFFIXES}


class Outcome(StrEnum):
    """What happened to one input file."""

    IMPORTED = "imported"
    WOULD_IMPORT = "would import"
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
    parsed: ParsedRelease | None = None


@dataclass(frozen=True, slots=True)
class ParsedUpload:
    """An uploaded file as the pipeline read it, before anything is stored."""

    parsed: ParsedRelease
    encoding: str  # how the bytes were read: "GB18030", "docx", "html/UTF-8" …
    warnings: tuple[str, ...]


def parse_upload(data: bytes, filename: str, *, title_hint: str = "") -> ParsedUpload:
    """Extract (HTML/DOCX/PDF) or decode (text) one file, as its bytes say; raises IngestError."""
    if choose_reader(data, filename) is not Reader.TEXT:
        extracted = extract_text(data, filename)
        parsed = parse_text(
            extracted.text, title_hint=title_hint or extracted.title, hints=extracted.hints
        )
        label = "/".join(filter(None, [extracted.format, extracted.encoding]))
        return ParsedUpload(parsed, label, extracted.warnings + parsed.warnings)
    parsed = parse_release(data, title_hint=title_hint)
    return ParsedUpload(parsed, parsed.decoded.encoding_label, parsed.warnings)


def import_release(
    data: bytes,
    *,
    filename: str,
    publish: bool = False,
    title_hint: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Parse and store one release file; duplicates and unreadable input are reported.

    With ``dry_run`` nothing is written: the result says what would happen and carries the
    parsed release for a preview.
    """
    try:
        upload = parse_upload(data, filename, title_hint=title_hint)
    except IngestError as exc:
        return ImportResult(filename, Outcome.FAILED, str(exc))
    result = _store_new(
        upload.parsed, data, filename, publish, dry_run=dry_run, encoding=upload.encoding
    )
    return ImportResult(
        result.name,
        result.outcome,
        result.message,
        result.release,
        upload.warnings if result.outcome is not Outcome.DUPLICATE else (),
        upload.parsed,
    )


#: A bulk file of this many records is indexed while it is imported.
STREAM_MIN_RECORDS = 20


def import_records(
    data: bytes,
    *,
    filename: str,
    publish: bool = False,
    dry_run: bool = False,
    on_result: Callable[[ImportResult, int], None] | None = None,
) -> list[ImportResult]:
    """Import every record of a bulk ``.jsonl``/``.csv`` file; each line succeeds or fails alone.

    ``on_result(result, total)`` is called after each record (for progress reporting).
    """
    suffix = PurePath(filename).suffix
    try:
        records = list(iter_records(data, suffix))
    except IngestError as exc:
        return [ImportResult(filename, Outcome.FAILED, str(exc))]
    results: list[ImportResult] = []
    seen: dict[str, int] = {}
    # A long file may be followed while it is read (the search index streams it), the
    # listeners committing with it.
    streamed = publish and not dry_run and len(records) >= STREAM_MIN_RECORDS
    listeners = _bulk_listeners() if streamed else []
    try:
        # One transaction for the file: each record still succeeds or fails alone
        # (savepoints), and the search index takes them all once it has committed.
        with transaction.atomic():
            for listener in listeners:
                transaction.on_commit(listener.commit)  # before the usual sync, which would wait
            site = repeated_lines(r.text for r in records if not r.error)
            for record in records:
                result = import_record(record, filename, publish, dry_run, seen, site)
                results.append(result)
                if result.outcome is Outcome.IMPORTED:
                    for listener in listeners:
                        listener.add(result.release)
                if on_result is not None:
                    on_result(result, len(records))
    finally:
        for listener in listeners:
            listener.cancel()
    return results


def read_records(data: bytes, filename: str) -> tuple[list[Record], frozenset[str]]:
    """A bulk file's records and the lines repeated across them (a site's furniture);
    raises IngestError when the file as a whole cannot be read."""
    records = list(iter_records(data, PurePath(filename).suffix))
    return records, repeated_lines(r.text for r in records if not r.error)


def _bulk_listeners() -> list[Any]:
    """What answered ``bulk_import_started``: objects following the import's releases."""
    return [answer for _receiver, answer in bulk_import_started.send(sender=Release) if answer]


def import_record(
    record: Record,
    filename: str,
    publish: bool,
    dry_run: bool,
    seen: dict[str, int],
    site_lines: frozenset[str] = frozenset(),
) -> ImportResult:
    """One record of a bulk file, parsed and (unless ``dry_run``) stored; ``seen`` maps the
    content hashes met so far in the file to their lines, so a repeat within it is caught.

    A record that breaks the parser in a way nobody foresaw fails alone, with its line named
    and the error logged: the file's other records are still imported (its store is a
    savepoint of the file's transaction). A database error is not the record's fault and
    stops the file.
    """
    try:
        return _import_record(record, filename, publish, dry_run, seen, site_lines)
    except DatabaseError:
        raise
    except Exception as exc:
        log.exception("record %s of %s could not be imported", record.line, filename)
        message = _("第 %(line)d 行导入时出错（%(error)s），已跳过；错误已记入日志。") % {
            "line": record.line,
            "error": type(exc).__name__,
        }
        return ImportResult(f"{filename}:{record.line}", Outcome.FAILED, message)


def _import_record(
    record: Record,
    filename: str,
    publish: bool,
    dry_run: bool,
    seen: dict[str, int],
    site_lines: frozenset[str],
) -> ImportResult:
    name = f"{filename}:{record.line}"
    if record.error:
        return ImportResult(name, Outcome.FAILED, record.error)
    try:
        parsed = parse_text(
            record.text,
            title_hint=record.title,
            region_hint=record.region,
            date_hint=record.date,
            hints=record.hints,
            site_lines=site_lines,
        )
    except IngestError as exc:
        return ImportResult(name, Outcome.FAILED, f"第 {record.line} 行：{exc}")
    if parsed.content_hash in seen:
        message = f"与本文件第 {seen[parsed.content_hash]} 行内容相同"
        return ImportResult(name, Outcome.DUPLICATE, message, parsed=parsed)
    seen[parsed.content_hash] = record.line
    stored_name = f"{PurePath(filename).stem}-{record.line}.json"
    result = _store_new(
        parsed, record.raw, stored_name, publish, source=record.source, dry_run=dry_run
    )
    return ImportResult(
        name, result.outcome, result.message, result.release, result.warnings, parsed
    )


def _store_new(
    parsed: ParsedRelease,
    data: bytes,
    filename: str,
    publish: bool,
    source: str = "",
    dry_run: bool = False,
    encoding: str = "",
) -> ImportResult:
    existing = existing_copy(parsed, data)
    if existing is not None:
        same = "内容" if existing.content_hash == parsed.content_hash else "原始文件"
        return ImportResult(
            filename, Outcome.DUPLICATE, f"与已有发布稿 #{existing.pk} {same}相同", existing
        )
    if dry_run:
        return ImportResult(filename, Outcome.WOULD_IMPORT, "", None, parsed.warnings, parsed)
    try:
        release = store_release(
            parsed,
            original=data,
            filename=filename,
            publish=publish,
            source=source,
            encoding=encoding,
        )
    except IntegrityError:
        existing = Release.objects.filter(content_hash=parsed.content_hash).first()
        return ImportResult(filename, Outcome.DUPLICATE, "同时导入了相同内容", existing)
    return ImportResult(
        filename, Outcome.IMPORTED, "", release, _with_analysis(parsed.warnings, release), parsed
    )


def _with_analysis(warnings: tuple[str, ...], release: Release) -> tuple[str, ...]:
    """The parse's warnings and, if some sections could not be analysed, a line saying so."""
    failed = failed_sections_warning(release)
    return (*warnings, failed) if failed else warnings


def original_hash(data: bytes) -> str:
    """Identity of an original file, byte for byte."""
    return hashlib.sha256(data).hexdigest()


def existing_copy(parsed: ParsedRelease, original: bytes) -> Release | None:
    """A stored release with the same text, or made from the very same file.

    The file test keeps a library idempotent across parser changes: a new rule that reads a
    file into a slightly different text must not import that file a second time.
    """
    same = Q(content_hash=parsed.content_hash) | Q(original_hash=original_hash(original))
    return Release.objects.filter(same).order_by("pk").first()


def store_release(
    parsed: ParsedRelease,
    *,
    original: bytes,
    filename: str,
    publish: bool,
    source: str = "",
    encoding: str = "",
    edits: Mapping[str, Any] | None = None,
    text_edited: bool = False,
) -> Release:
    """Write a parsed release, its sections and its original file in one transaction.

    ``edits`` are a person's corrections of the detected metadata (from the upload preview);
    they win over what was detected. Only the fields in ``EDITABLE_FIELDS`` may be given.
    """
    meta = parsed.metadata
    region = Region.objects.filter(code=meta.region.code).first() if meta.region else None
    if not encoding and parsed.decoded is not None:
        encoding = parsed.decoded.encoding_label
    release = Release(
        title=meta.title[:300],
        subtitle=meta.subtitle[:500],
        region=region,
        kind=meta.kind.value,
        published=meta.published.value,
        published_precision=meta.published.precision.value,
        published_text=meta.published.text[:64],
        source=(meta.source or ("" if is_web_url(source) else source))[:200],
        author=meta.author[:300],
        editor=meta.editor[:200],
        **_genre_fields(parsed, source),
        text=parsed.body_text,
        content_hash=parsed.content_hash,
        original_hash=original_hash(original),
        original_name=PurePath(filename).name[:255],
        original_encoding=encoding[:32],
        details={**_details(parsed), "text_edited": text_edited},
        status=Release.Status.PUBLISHED if publish else Release.Status.DRAFT,
    )
    _apply_edits(release, edits or {})
    suffix = PurePath(filename).suffix.lower()[:10] or ".bin"
    try:
        topics = sync_topics()  # before the import's transaction: a change locks briefly
        with transaction.atomic():
            save_original(release, f"{uuid.uuid4().hex}{suffix}", original)
            release.save()
            Section.objects.bulk_create(_sections(release, parsed))
            store_fingerprints(release)
            analyse_release(release, topics)
    except Exception:
        discard_original(release)
        raise
    return release


def _genre_fields(parsed: ParsedRelease, source: str = "") -> dict[str, Any]:
    """The genre's metadata as release fields (cut to their columns).

    A bulk record's ``source`` column that holds a web address is the original's link
    (``source_url``); any other text in it stays the release's 来源 (``source``).
    """
    meta = parsed.metadata
    source_url = next((url for url in (meta.source_url, source) if is_web_url(url)), "")
    return {
        "issuer": meta.issuer[:200],
        "doc_number": meta.doc_number[:100],
        "written": meta.written.value,
        "written_precision": meta.written.precision.value,
        "validity": meta.validity.value,
        "source_url": source_url.strip() if len(source_url.strip()) <= 500 else "",
        "speaker": meta.speaker[:120],
    }


def _apply_edits(release: Release, edits: Mapping[str, Any]) -> None:
    """A person's corrections win over what was detected (see ``note_corrections``)."""
    changed = []
    for field, value in edits.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"not an editable release field: {field}")
        if field != "status" and getattr(release, field) != value:
            changed.append(field)
        setattr(release, field, value)
    note_corrections(release, changed)


def note_corrections(release: Release, fields: Iterable[str]) -> None:
    """Remember which fields a person corrected, and drop the doubts about them.

    ``details["edited_fields"]`` lets a later re-parse leave those fields alone (an issuer a
    person cleared on purpose stays cleared); the flags of a corrected field go, since a
    person has looked at that field and decided. The caller saves the release.
    """
    changed = set(fields) & (EDITABLE_FIELDS - {"status"})
    if not changed:
        return
    details = release.details
    details["edited_fields"] = sorted(set(details.get("edited_fields", [])) | changed)
    details["flags"] = [
        flag
        for flag in details.get("flags", [])
        if not set(FLAG_FIELDS.get(flag["field"], (flag["field"],))) & changed
    ]


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
    """What the parse found besides the fields: evidence, the meeting date, doubts."""
    meta = parsed.metadata
    meeting = meta.meeting
    return {
        "title_derived": meta.title_derived,
        "region_evidence": meta.region.evidence if meta.region else "",
        "region_strong": meta.region.strong if meta.region else False,
        "year_inferred": meta.published.year_inferred,
        "kind_evidence": meta.kind_evidence,
        "meeting": {
            "value": meeting.value.isoformat() if meeting.value else None,
            "precision": meeting.precision.value,
            "text": meeting.text,
        },
        "captions": list(parsed.cleaned.captions),
        "removed_lines": len(parsed.cleaned.removed),
        "warnings": list(parsed.warnings),
        "flags": [{"field": flag.field, "message": flag.message} for flag in meta.flags],
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


def reparse_release(release: Release) -> ImportResult:
    """Run the current pipeline again: new text and sections from the stored original.

    Metadata a person may have corrected (title, region, date, kind, source) is kept; only
    what is derived from the text is replaced. The genre's fields (issuer, 文号, 成文日期 …)
    are kept too where known, and filled in where still unknown and not cleared by a person,
    so a release imported before the parser read them gains them. A release whose text a
    person edited is re-parsed from that text, not from the original, so the edit is not
    lost. The index follows after commit.
    """
    name = release.original_name or str(release.pk)
    if release.details.get("text_edited"):
        return replace_text(release, release.text)
    if not release.original:
        return ImportResult(name, Outcome.FAILED, "没有保存原始文件，无法重新解析。", release)
    try:
        with release.original.open("rb") as handle:
            data = handle.read()
        parsed, source = _parse_original(data, release.original.name)
    except (OSError, IngestError) as exc:
        return ImportResult(name, Outcome.FAILED, str(exc), release)
    return _replace_parsed(release, parsed, name, source=source)


def replace_text(release: Release, text: str) -> ImportResult:
    """Take a person's edited text as the release's text: re-split sections, keep metadata."""
    name = release.original_name or str(release.pk)
    try:
        parsed = parse_text(text, title_hint=release.title)
    except IngestError as exc:
        return ImportResult(name, Outcome.FAILED, str(exc), release)
    return _replace_parsed(release, parsed, name, text_edited=True)


def _replace_parsed(
    release: Release,
    parsed: ParsedRelease,
    name: str,
    *,
    text_edited: bool = False,
    source: str = "",
) -> ImportResult:
    clash = Release.objects.filter(content_hash=parsed.content_hash).exclude(pk=release.pk)
    if clash.exists():
        message = f"更改后与发布稿 #{clash.first().pk} 内容相同，未保存。"
        return ImportResult(name, Outcome.DUPLICATE, message, clash.first())
    topics = sync_topics()  # before the transaction: a change locks briefly
    with transaction.atomic():
        release.text = parsed.body_text
        release.content_hash = parsed.content_hash
        release.details = {**release.details, **_details(parsed), "text_edited": text_edited}
        _fill_unknown(release, _genre_fields(parsed, source))
        release.save()
        release.sections.all().delete()
        Section.objects.bulk_create(_sections(release, parsed))
        store_fingerprints(release)
        analyse_release(release, topics)
    warnings = _with_analysis(parsed.warnings, release)
    return ImportResult(name, Outcome.IMPORTED, "", release, warnings, parsed)


def _fill_unknown(release: Release, found: Mapping[str, Any]) -> None:
    """Take the re-parse's genre fields where the release does not know them yet.

    Known values stay (like title and kind, a person may have corrected them), and so does
    a field a person emptied on purpose (``details["edited_fields"]``). The written date and
    its precision go together.
    """
    edited = set(release.details.get("edited_fields", []))
    for field in GENRE_FIELDS:
        if field == "written_precision" or field in edited:
            continue
        if field == "written":
            if release.written is None and "written_precision" not in edited:
                release.written = found["written"]
                release.written_precision = found["written_precision"]
            continue
        if not getattr(release, field):
            setattr(release, field, found[field])


def _parse_original(data: bytes, stored_name: str) -> tuple[ParsedRelease, str]:
    """Parse a stored original the way it was imported (file formats, or one bulk record).

    Returns the parse and a bulk record's ``source`` column ("" for a file).
    """
    suffix = PurePath(stored_name).suffix.lower()
    if suffix == ".json":
        (record,) = list(iter_records(data, ".jsonl")) or [None]
        if record is None or record.error:
            raise IngestError(record.error if record else "原始记录为空。")
        parsed = parse_text(
            record.text,
            title_hint=record.title,
            region_hint=record.region,
            date_hint=record.date,
            hints=record.hints,
        )
        return parsed, record.source
    if choose_reader(data, stored_name) is not Reader.TEXT:
        extracted = extract_text(data, stored_name)
        return parse_text(extracted.text, title_hint=extracted.title), ""
    return parse_release(data), ""

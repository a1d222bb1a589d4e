"""haystack's Whoosh backend, extended where the portal needs more than it gives.

* Schema: codes and ids become exact, sortable columns; analysed text uses the portal's analyzers
  with positions and is not stored (the database has the text).
* Versioned: the index remembers the schema version and dictionary it was built with, so a
  stale index is detected (``search.checks``) rather than silently half-matching.
* Fast: one searcher per process, refreshed only when the index changed on disk, and queries
  built as objects (``search.whoosh_queries``) instead of parsed strings; haystack's own search
  path reopens the readers on every query and narrows by ``django_ct`` over every document.
* Release-wise updates: a release's sections are replaced in one writer and one commit.
* Parallel bulk writes: a whole rebuild, and any large batch, is analysed by forked Whoosh
  sub-processes (``MpWriter``), each writing its own segment; only this process reads the
  database, the sub-processes get the prepared documents.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import Queue
from pathlib import Path
from typing import Any

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3Segment
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT
from whoosh.formats import Frequency, Positions
from whoosh.multiproc import MpWriter
from whoosh.searching import Searcher
from whoosh.system import pack_uint
from whoosh.writing import IndexingError, SegmentWriter

from search.analysis import policy_terms_digest
from search.fields import AnalyzedTextField, KeywordField, NumberField
from search.request import SearchRequest
from search.whoosh_queries import build_plan

log = logging.getLogger(__name__)

#: Bump whenever the analyzer, the fields or their meaning change: the index must be rebuilt.
SEARCH_SCHEMA_VERSION = 2
META_FILE = "portal-index.json"
_COLUMNS = ("section", "release", "province", "region", "year", "kind", "day", "order")
#: From this many sections a write is spread over sub-processes; below it (one release
#: published from the admin) forking costs more than it saves.
PARALLEL_MIN_SECTIONS = 200
#: Postings each writer (and each sub-process) buffers in memory before spilling sorted runs.
WRITER_LIMIT_MB = 256
#: Seconds to wait for another process's writer to let go of the index.
WRITE_LOCK_TIMEOUT = 30.0

#: Per index path: the process's searcher and the index build it belongs to.
_searchers: dict[str, tuple[Searcher, int]] = {}
_searcher_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Match:
    """One matching section with what sorting, grouping and facets need."""

    section: int
    release: int
    score: float
    heading_hit: bool
    province: str
    region: str
    year: str
    kind: str
    day: int
    order: int


def index_fingerprint() -> dict[str, Any]:
    """What an index built now would record about itself."""
    return {"schema_version": SEARCH_SCHEMA_VERSION, "dictionary": policy_terms_digest()}


class PortalWhooshBackend(WhooshSearchBackend):
    """Whoosh with the portal's schema, searcher cache and section search."""

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, Any]:
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            replacement = _whoosh_field(field_class)
            if replacement is not None:
                schema.remove(name)
                schema.add(name, replacement)
        return content_field_name, schema

    def setup(self) -> None:
        super().setup()
        meta = self.meta_path()
        if not meta.exists() and self.index.doc_count() == 0:
            self.write_meta()

    # -- bookkeeping -------------------------------------------------------------------------
    def meta_path(self) -> Path:
        return Path(self.path) / META_FILE

    def write_meta(self) -> None:
        """Record the fingerprint of a freshly created (empty) index."""
        self.meta_path().write_text(json.dumps(index_fingerprint()), encoding="utf-8")

    def read_meta(self) -> dict[str, Any] | None:
        """The fingerprint the index was built with, or ``None`` if unknown."""
        try:
            return json.loads(self.meta_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def document_count(self) -> int:
        """How many sections the index holds."""
        return self.searcher().doc_count()

    def release_document_count(self, release_id: int) -> int:
        """How many live (not deleted) sections of one release the index holds."""
        from whoosh.query import Term

        searcher = self.searcher()
        with _searcher_lock:
            return len(list(Term("release", str(release_id)).docs(searcher)))

    # -- writing -----------------------------------------------------------------------------
    def replace_releases(self, index: Any, release_ids: list[int], sections: list[Any]) -> None:
        """Drop the releases' sections from the index and add ``sections``, in one commit.

        A large batch (a bulk import publishing many releases at once) is analysed by
        sub-processes; a small one keeps the single writer, which starts at once.
        """
        if not self.setup_complete:
            self.setup()
        procs = parallel_procs() if len(sections) >= PARALLEL_MIN_SECTIONS else 1
        self._write(index, sections, procs=procs, release_ids=release_ids)

    def rebuild(self, index: Any, sections: Iterable[Any], *, procs: int | None = None) -> int:
        """Recreate the index and add every one of ``sections``; return how many were added.

        One writer and one commit for the whole index, instead of haystack's batches that each
        commit and merge segments. ``sections`` may be a lazy iterator: documents are prepared
        here, in the only process that reads the database, and analysed by ``procs``
        sub-processes (default: up to two, one per core).
        """
        self.delete_index()
        added = self._write(index, sections, procs=parallel_procs() if procs is None else procs)
        # A new mtime: every process's cached searcher is replaced, whatever generation it saw.
        self.write_meta()
        return added

    def _write(
        self,
        index: Any,
        sections: Iterable[Any],
        *,
        procs: int,
        release_ids: Iterable[int] = (),
    ) -> int:
        """Delete ``release_ids``, add ``sections``, commit; return the number of documents."""
        ix = self.index.refresh()
        if procs > 1:
            warm_analyzers(ix.schema)  # loaded once here, inherited by the forked sub-processes
            writer: SegmentWriter = _PortalMpWriter(
                ix,
                procs=procs,
                timeout=WRITE_LOCK_TIMEOUT,
                limitmb=WRITER_LIMIT_MB,
                codec=_PortalCodec(),
            )
        else:
            writer = ix.writer(
                timeout=WRITE_LOCK_TIMEOUT, limitmb=WRITER_LIMIT_MB, codec=_PortalCodec()
            )
        added = 0
        try:
            for release_id in release_ids:
                writer.delete_by_term("release", str(release_id))
            for section in sections:
                doc = self._document(index, section)
                if doc is not None:
                    writer.add_document(**doc)
                    added += 1
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return added

    def _document(self, index: Any, section: Any) -> dict[str, Any] | None:
        """The Whoosh fields of one section, as haystack's ``update()`` prepares them."""
        try:
            doc = index.full_prepare(section)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)  # Whoosh has no document boosts
        return doc

    def delete_index(self) -> None:
        super().delete_index()
        self.write_meta()

    # -- reading -----------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """This process's searcher, refreshed if any process committed or rebuilt since."""
        if not self.setup_complete:
            self.setup()
        try:
            build = self.meta_path().stat().st_mtime_ns
        except OSError:
            build = 0
        with _searcher_lock:
            cached, cached_build = _searchers.get(self.path, (None, None))
            if cached is not None and cached_build == build and cached.up_to_date():
                return cached
            # A new searcher, not ``cached.refresh()``: Whoosh's refresh reuses segment readers
            # with their old deletion lists, so replaced sections would still be found.
            if cached is not None:
                cached.close()
            current = self.index.refresh().searcher()
            _searchers[self.path] = (current, build)
            return current

    def match_sections(self, request: SearchRequest) -> list[Match]:
        """Every section matching ``request``, with its score; ranking happens in the caller."""
        plan = build_plan(request)
        if plan is None:
            return []
        searcher = self.searcher()
        with _searcher_lock:
            return self._collect(searcher, plan)

    def _collect(self, searcher: Searcher, plan: Any) -> list[Match]:
        query = plan.match
        if plan.words is not None:
            from whoosh.query import AndMaybe

            query = AndMaybe(query, plan.words)
        results = searcher.search(
            query, filter=plan.filter, mask=plan.mask, limit=None, terms=False
        )
        hits = [(hit.docnum, hit.score) for hit in results]
        if not hits:
            return []
        heading_docs: set[int] = set()
        if plan.heading is not None:
            heading_docs = set(searcher.docs_for_query(plan.heading))
        reader = searcher.reader()
        columns = {name: reader.column_reader(name) for name in _COLUMNS}
        matches = []
        for docnum, score in hits:
            values = {name: column[docnum] for name, column in columns.items()}
            matches.append(
                Match(
                    section=int(values["section"]),
                    release=int(values["release"]),
                    score=float(score or 0.0),
                    heading_hit=docnum in heading_docs,
                    province=values["province"] or "",
                    region=values["region"] or "",
                    year=values["year"] or "",
                    kind=values["kind"] or "",
                    day=int(values["day"] or 0),
                    order=int(values["order"] or 0),
                )
            )
        return matches


def parallel_procs() -> int:
    """Sub-processes for a bulk write: one per core, at most two (the portal's machines).

    1 (no sub-process: this process writes) in a multi-threaded process such as a threaded
    web server: a forked child gets only the forking thread, and a lock another thread held at
    that moment would stay locked in the child for ever.
    """
    if threading.active_count() > 1:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def warm_analyzers(schema: Any) -> None:
    """Load what the analyzers load lazily (jieba's dictionary, OpenCC) in this process."""
    for _name, field in schema.items():
        if isinstance(field, TEXT):
            list(field.process_text("预热 warm-up", mode="index"))


class _PortalMpWriter(MpWriter):
    """Whoosh's multi-process writer, made to fail loudly instead of hanging or losing documents.

    Whoosh's own ``MpWriter`` blocks for ever on its bounded job queue once its sub-processes
    have died, drops the documents of a sub-process that died without a word, and on
    ``cancel()`` leaves them waiting for jobs (so this process hangs at exit). Here the job
    queue is unbounded, the sub-processes are forked up front (before this process opens a
    database cursor or starts a queue thread), a commit checks that every document it handed
    out is in a segment before the new index generation is written, and cancelling ends them.
    """

    def __init__(self, ix: Any, *, procs: int, **kwargs: Any) -> None:
        # Each sub-process writes a segment of its own: no merge of their postings in here.
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
        self.jobqueue = Queue()
        self._handed_out = 0
        # The segments not written by a sub-process (Whoosh extends ``self.segments`` in place).
        self._own = {s.segment_id() for s in [*self.segments, self.newsegment]}
        try:
            for _ in range(self.procs):
                self._new_task()
        except BaseException:
            self.cancel()
            raise

    def add_document(self, **fields: Any) -> None:
        super().add_document(**fields)
        self._handed_out += 1

    def _enqueue(self) -> None:
        self._check_tasks()
        super()._enqueue()

    def commit(self, *args: Any, **kwargs: Any) -> None:
        if not self._added_sub:  # nothing for the sub-processes: let them go first
            self._stop_tasks()
        super().commit(*args, **kwargs)

    def _commit_toc(self, segments: list[Any]) -> None:
        self._check_tasks()
        if self._added_sub:
            written = sum(s.doc_count_all() for s in segments if s.segment_id() not in self._own)
            if written != self._handed_out:
                raise IndexingError(
                    f"sub-processes indexed {written} of {self._handed_out} documents"
                )
        super()._commit_toc(segments)

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join()
        self.jobqueue.cancel_join_thread()  # jobs nobody will take must not block the exit
        SegmentWriter.cancel(self)  # MpWriter.cancel only flips a flag in this process

    def _finish(self) -> None:
        super()._finish()
        self.jobqueue.close()
        self.jobqueue.join_thread()
        self.resultqueue.close()

    def _stop_tasks(self) -> None:
        for _task in self.tasks:
            self.jobqueue.put(None)
        for task in self.tasks:
            task.join()
        self._check_tasks()

    def _check_tasks(self) -> None:
        failed = [task.exitcode for task in self.tasks if task.exitcode not in (None, 0)]
        if failed:
            raise IndexingError(f"an indexing sub-process failed (exit codes {failed})")


class _PortalCodec(W3Codec):
    """Whoosh's default codec, writing the same files faster.

    Writing a segment looks up the field length of every posting's document in the new
    segment's length column, through a file read per posting; here each (document, field)
    is read once. Segments record the plain ``W3Codec``, so readers never need this class.
    """

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class _FieldWriter(W3FieldWriter):
    """Whoosh's field writer, handed the field lengths through ``_LengthCache``."""

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        super().add_postings(schema, _LengthCache(lengths) if lengths else None, items)


class _LengthCache:
    """A per-document reader's ``doc_field_length``, remembered per document and field."""

    def __init__(self, lengths: Any) -> None:
        self._lengths = lengths
        self._known: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        try:
            return self._known[key]
        except KeyError:
            length = self._known[key] = self._lengths.doc_field_length(docnum, fieldname, default)
            return length


def _whoosh_field(field_class: Any) -> Any:
    """The Whoosh field type for one of the portal's haystack field types, if it has one."""
    if isinstance(field_class, KeywordField):
        return ID(stored=False, sortable=True)
    if isinstance(field_class, NumberField):
        return NUMERIC(numtype=int, bits=64, stored=False, sortable=True)
    if isinstance(field_class, AnalyzedTextField):
        field = TEXT(
            analyzer=field_class.analyzer,
            phrase=field_class.positions,
            stored=field_class.stored,
            field_boost=field_class.boost,
        )
        fast = _TermPositions if field_class.positions else _TermFrequency
        field.format = fast(field_boost=field.format.field_boost)
        return field
    if field_class.is_multivalued:
        return KEYWORD(commas=True, stored=field_class.stored)
    return None


class _TermPositions(Positions):
    """Whoosh's ``Positions``, gathered from the tokenizer's ``terms()`` when it has them.

    The portal's tokenizers (``search.analysis``) yield plain (term, position) pairs and
    wrap them in Whoosh's ``Token`` protocol; indexing a document took far longer in that
    wrapping than in the analysis itself. The postings are byte for byte the same.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple]:
        terms = getattr(analyzer, "terms", None)
        if terms is None or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = defaultdict(list)
        for text, pos in terms(value, kwargs.get("mode", "")):
            positions[text].append(pos)
        boost = self.field_boost
        for text, found in positions.items():
            encoded = _one_position(found[0]) if len(found) == 1 else self.encode(found)
            yield text, len(found), len(found) * boost, encoded


class _TermFrequency(Frequency):
    """Whoosh's ``Frequency``, counted from the tokenizer's ``terms()`` when it has them."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple]:
        terms = getattr(analyzer, "terms", None)
        if terms is None or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        counts = Counter(text for text, _pos in terms(value, kwargs.get("mode", "")))
        boost = self.field_boost
        for text, count in counts.items():
            yield text, count, count * boost, pack_uint(count)


@lru_cache(maxsize=65536)
def _one_position(pos: int) -> bytes:
    """``Positions().encode([pos])``, remembered: most terms occur once in a section."""
    return _POSITIONS.encode([pos])


_POSITIONS = Positions()


class PortalWhooshEngine(WhooshEngine):
    """Select the portal's Whoosh backend from ``HAYSTACK_CONNECTIONS``."""

    backend = PortalWhooshBackend

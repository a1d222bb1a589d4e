"""haystack's Whoosh backend, extended where the portal needs more than it gives.

* Schema: codes become exact terms with a column each; values only read per section (its id,
  version, order, date) are columns without terms; text fields hold unit and unit-pair terms
  (no positions) plus their normalised text in a mapped column
  (``search.engines.whoosh.fields``). Nothing is stored: the portal reads sections from the
  database and never through haystack's search. Of haystack's own fields only ``django_ct``
  stays, as the one term ``clear`` deletes by.
* Versioned: the index remembers the schema version and dictionary it was built with, so a
  stale index is detected (``search.checks``) rather than silently half-matching.
* Fast: one searcher per process, refreshed only when the index changed on disk; sections are
  found by candidate postings and an exact check on the normalised text
  (``search.engines.whoosh.matching``), never through Whoosh's query parser or phrase matcher;
  haystack's own search path reopens the readers on every query.
* Release-wise updates: a release's sections are replaced in one writer and one commit.
* One writer at a time, waited for: every write goes through
  ``search.engines.whoosh.storage.acquire``, which polls the write lock for as long as the caller
  allows (haystack's ``remove`` gives up at once, and with ``SILENTLY_FAIL`` the delete is lost);
  haystack's ``update``, ``remove`` and ``clear`` are routed through it too.
* Rebuilt beside, then swapped: a full rebuild writes a new generation directory while the
  old one keeps serving (``search.engines.whoosh.storage``), never deleting the live index first.
* Parallel bulk writes: a whole rebuild, and any large batch, goes through forked Whoosh
  sub-processes (``search.engines.whoosh.writing``).
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID
from haystack.constants import ID as HAYSTACK_ID
from haystack.exceptions import SkipDocument
from whoosh.fields import ID, KEYWORD
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from search.core.fingerprint import index_fingerprint
from search.core.plan import MATCH_COLUMNS, Match, build_plan
from search.core.region_cache import forget_regions
from search.core.request import SearchRequest
from search.core.section_text import section_content
from search.engines.base import BulkWriter, PortalBackend, Similar
from search.engines.whoosh import matching, storage, text_store
from search.engines.whoosh.fields import (
    CodeColumn,
    ExactText,
    NormalisedColumn,
    NumberColumn,
    repeated_code,
)
from search.engines.whoosh.similar import more_like
from search.engines.whoosh.writing import (
    PortalCodec,
    PortalMpWriter,
    PortalSegmentWriter,
    parallel_procs,
    warm_analyzers,
)
from search.fields import AnalyzedTextField, KeywordField, NumberField

log = logging.getLogger(__name__)
T = TypeVar("T")

META_FILE = "portal-index.json"
#: From this many sections a write is spread over sub-processes; below it (one release
#: published from the admin) forking costs more than it saves.
PARALLEL_MIN_SECTIONS = 200
#: Postings each writer (and each sub-process) buffers in memory before spilling sorted runs.
WRITER_LIMIT_MB = 256
#: Tries at opening the index while other processes commit to it.
SETUP_ATTEMPTS = 5

#: Per index path: the process's searcher and the index build it belongs to.
_searchers: dict[str, tuple[Searcher, tuple[int, int]]] = {}
_searcher_lock = threading.Lock()


class PortalWhooshBackend(PortalBackend, WhooshSearchBackend):
    """Whoosh with the portal's schema, searcher cache and section search."""

    def build_schema(self, fields: dict[str, Any]) -> tuple[str, Any]:
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            replacement = _whoosh_field(field_class)
            if replacement is not None:
                schema.remove(name)
                schema.add(name, replacement)
        # haystack's own fields, stored and indexed for its search, which the portal never runs.
        # ``django_ct`` stays, one term, for ``clear``; ``id`` and ``django_id`` (the section's
        # pk, in the ``section`` column) go: a term per section costs some seventy bytes of
        # dictionary, and ``update`` and ``remove`` find a section by its column instead.
        schema.remove(DJANGO_CT)
        schema.add(DJANGO_CT, ID(stored=False))
        schema.remove(HAYSTACK_ID)
        schema.remove(DJANGO_ID)
        return content_field_name, schema

    def setup(self) -> None:
        """haystack's ``setup``, retried when another process's commit replaced the index's
        table of contents between Whoosh listing it and opening it (a new thread's first
        write, e.g. a worker's deferred update, can land exactly there)."""
        storage.ensure_layout(self.path)
        text_store.remove_legacy_folder(self.path)
        _retried_while_toc_replaced(super().setup)
        meta = self.meta_path()
        if not meta.exists() and self.index.doc_count() == 0:
            self.write_meta()

    # -- bookkeeping -------------------------------------------------------------------------
    def meta_path(self) -> Path:
        return Path(self.path) / META_FILE

    def write_meta(self, directory: Path | None = None) -> None:
        """Record the fingerprint of a freshly created index (the live one unless told)."""
        meta = (directory / META_FILE) if directory is not None else self.meta_path()
        meta.write_text(json.dumps(index_fingerprint()), encoding="utf-8")

    def read_meta(self) -> dict[str, Any] | None:
        """The fingerprint the index was built with, or ``None`` if unknown."""
        try:
            return json.loads(self.meta_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def document_count(self) -> int:
        """How many sections the index holds."""
        return self.searcher().doc_count()

    def document_versions(self) -> list[tuple[int, int, str]]:
        """(section, release, version) of every live document, duplicates included."""
        searcher = self.searcher()
        found: list[tuple[int, int, str]] = []
        with _searcher_lock:
            for reader, _offset in searcher.reader().leaf_readers():
                if not reader.doc_count_all():
                    continue
                data = matching.segment_data(self.path, reader)
                sections, releases, versions = (
                    data.values(reader, name) for name in ("section", "release", "version")
                )
                live = reader.all_doc_ids()  # deleted documents left out
                found.extend((sections[d], releases[d], versions[d]) for d in live)
        return found

    def release_document_count(self, release_id: int) -> int:
        """How many live (not deleted) sections of one release the index holds."""
        from whoosh.query import Term

        searcher = self.searcher()
        with _searcher_lock:
            return len(list(Term("release", str(release_id)).docs(searcher)))

    # -- writing -----------------------------------------------------------------------------
    def replace_releases(
        self, index: Any, release_ids: list[int], sections: list[Any], *, wait: float | None = None
    ) -> None:
        """Drop the releases' sections from the index and add ``sections``, in one commit.

        A large batch (a bulk import publishing many releases at once) is analysed by
        sub-processes; a small one keeps the single writer, which starts at once. The write
        lock is waited for up to ``wait`` seconds (``None``: as long as it takes), then
        ``IndexBusy`` is raised with nothing written.
        """
        procs = parallel_procs() if len(sections) >= PARALLEL_MIN_SECTIONS else 1
        self._write(index, sections, procs=procs, release_ids=release_ids, wait=wait)

    def rebuild(self, index: Any, sections: Iterable[Any], *, procs: int | None = None) -> int:
        """Build a complete new index beside the live one, swap it in; return the documents.

        One writer and one commit for the whole index, instead of haystack's batches that each
        commit and merge segments. ``sections`` may be a lazy iterator: documents are prepared
        here, in the only process that reads the database, and analysed by ``procs``
        sub-processes (default: up to two, one per core). The live index keeps answering
        searches throughout; its write lock is held from before ``sections`` is first read
        until the swap, so every write made meanwhile waits and lands in the new index.
        """
        if not self.setup_complete:
            self.setup()
        procs = parallel_procs() if procs is None else procs
        lock = storage.acquire(self.path, storage.hold_lock, lambda held: held.release(), wait=None)
        generation = storage.new_generation(self.path)
        try:
            ix = storage.FileStorage(str(generation)).create_index(self.schema)
            added = self._fill(self._new_writer(ix, procs), index, sections)
            self.write_meta(generation)
            storage.swap_in(self.path, generation)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        finally:
            lock.release()
        self.index = self.index.refresh()
        return added

    def delete_index(self) -> None:
        """Swap in an empty index (haystack deletes the live folder, under running searches)."""
        self.rebuild(None, (), procs=1)

    def clear(self, models: Any = None, commit: bool = True) -> None:
        """haystack's ``clear``, waiting for the write lock and never failing silently."""
        if not models or {m._meta.label for m in models} == {"documents.Section"}:
            self.delete_index()
            return
        writer = self.open_writer(1)
        try:
            for model in models:
                label = f"{model._meta.app_label}.{model._meta.model_name}"
                writer.delete_by_term("django_ct", label)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        """haystack's ``update`` (replace each object's document), through the waiting writer."""
        objects = list(iterable)
        writer = self.open_writer(1)
        try:
            _delete_sections(writer, {int(obj.pk) for obj in objects})
            for obj in objects:
                doc = self._document(index, obj)
                if doc is not None:
                    writer.add_document(**doc)
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        """haystack's ``remove``, which waits for the write lock instead of dropping the delete."""
        from haystack.utils import get_identifier

        app_model, _dot, pk = get_identifier(obj_or_string).rpartition(".")
        writer = self.open_writer(1)
        try:
            if app_model == "documents.section" and pk.isdigit():
                _delete_sections(writer, {int(pk)})
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise

    def _write(
        self,
        index: Any,
        sections: Iterable[Any],
        *,
        procs: int,
        release_ids: Iterable[int] = (),
        wait: float | None = None,
    ) -> int:
        """Delete ``release_ids``, add ``sections``, commit; return the number of documents."""
        writer = self.open_writer(procs, wait=wait)
        for release_id in release_ids:
            try:
                writer.delete_by_term("release", str(release_id))
            except BaseException:
                writer.cancel()
                raise
        return self._fill(writer, index, sections)

    def _fill(self, writer: SegmentWriter, index: Any, sections: Iterable[Any]) -> int:
        """Add ``sections`` with ``writer`` and commit it; cancel it on any failure."""
        try:
            added = self.add_sections(writer, index, sections)
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        return added

    def open_bulk_writer(self) -> BulkWriter | None:
        """A writer on two forked sub-processes, so analysis runs beside the import's parsing.

        ``None`` in a process that must not fork (``parallel_procs``) and for an index built
        by other code, which ``ensure_search_index`` rebuilds and no stream may write.
        """
        procs = parallel_procs()
        if procs < 2 or self.read_meta() not in (None, index_fingerprint()):
            return None
        return WhooshBulkWriter(self, self.open_writer(procs))

    def warm(self) -> None:
        """Open the searcher and load every segment's columns the matcher reads."""
        searcher = self.searcher()
        with _searcher_lock:
            for reader, _offset in searcher.reader().leaf_readers():
                if not reader.doc_count_all():
                    continue
                data = matching.segment_data(self.path, reader)
                for name in MATCH_COLUMNS:
                    data.values(reader, name)
                data.unpublished(reader)
                for name in ("text", "title", "heading"):
                    data.texts(reader, name)

    def describe_live(self) -> str:
        return f"live index: {storage.live_dir(self.path)}"

    def open_writer(self, procs: int, *, wait: float | None = None) -> SegmentWriter:
        """A writer holding the live index's write lock: ``procs`` > 1 forks sub-processes.

        Waits for another writer up to ``wait`` seconds (``None``: as long as it takes) and
        raises ``IndexBusy`` after that.
        """
        if not self.setup_complete:
            self.setup()

        def take(files: Any, timeout: float) -> SegmentWriter:
            index = _retried_while_toc_replaced(lambda: files.open_index(schema=self.schema))
            return self._new_writer(index, procs, timeout)

        return storage.acquire(self.path, take, lambda writer: writer.cancel(), wait=wait)

    def _new_writer(self, ix: Any, procs: int, timeout: float = 0.0) -> SegmentWriter:
        """A writer of plain (not compound) segment files.

        Whoosh reads a compound segment's parts into private buffers (``BytesIO``), so every
        process held its own copy of each term dictionary and posting file; plain files are
        read through the page cache, which all workers share.
        """
        options = {"timeout": timeout, "limitmb": WRITER_LIMIT_MB, "compound": False}
        if procs > 1:
            warm_analyzers(ix.schema)  # loaded once here, inherited by the forked sub-processes
            return PortalMpWriter(ix, procs=procs, codec=PortalCodec(), **options)
        return PortalSegmentWriter(ix, codec=PortalCodec(), **options)

    def add_sections(self, writer: SegmentWriter, index: Any, sections: Iterable[Any]) -> int:
        """Hand ``sections`` to an open writer; return how many became documents."""
        added = 0
        for section in sections:
            doc = self._document(index, section)
            if doc is not None:
                writer.add_document(**doc)
                added += 1
        return added

    def _document(self, index: Any, section: Any) -> dict[str, Any] | None:
        """The Whoosh fields of one section, as haystack's ``update()`` prepares them."""
        try:
            doc = index.full_prepare(section)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)  # Whoosh has no document boosts
        for name in (HAYSTACK_ID, DJANGO_ID):  # not in the schema (``build_schema``)
            doc.pop(name, None)
        return doc

    # -- reading -----------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """This process's searcher, refreshed if any process committed or rebuilt since."""
        if not self.setup_complete:
            self.setup()
        try:
            meta = self.meta_path().stat()  # a new file after a rebuild's swap
            build = (meta.st_ino, meta.st_mtime_ns)
        except OSError:
            build = (0, 0)
        with _searcher_lock:
            cached, cached_build = _searchers.get(self.path, (None, None))
            if cached is not None and cached_build == build and cached.up_to_date():
                return cached
            # A new searcher, not ``cached.refresh()``: Whoosh's refresh reuses segment readers
            # with their old deletion lists, so replaced sections would still be found.
            if cached is not None:
                cached.close()
            current = _retried_while_toc_replaced(lambda: self.index.refresh().searcher())
            _searchers[self.path] = (current, build)
            leaves = [reader for reader, _ in current.reader().leaf_readers()]
            matching.keep_segments(
                self.path, (r.segment().segment_id() for r in leaves if r.doc_count_all())
            )
            forget_regions()  # the index changed: new releases may name regions new to it
            return current

    def match_sections(self, request: SearchRequest) -> list[Match]:
        """Every section matching ``request``, with its score; ranking happens in the caller."""
        plan = build_plan(request)
        if plan is None:
            return []
        searcher = self.searcher()
        with _searcher_lock:
            return matching.match(self.path, searcher, plan)

    def similar_sections(self, section: Any) -> list[Similar]:
        """Indexed sections most like ``section`` (itself left out), best first."""
        searcher = self.searcher()
        with _searcher_lock:
            return more_like(self.path, searcher, section_content(section), section.pk)


def _retried_while_toc_replaced(call: Callable[[], T]) -> T:
    """``call()``, tried again when another process's commit replaced the index's table of
    contents between Whoosh listing it and opening it (``FileNotFoundError``): the next try
    reads the new one. Eight writers at once reach that window."""
    for attempt in range(SETUP_ATTEMPTS - 1):
        try:
            return call()
        except FileNotFoundError:
            time.sleep(0.05 * (attempt + 1))
    return call()


def _delete_sections(writer: SegmentWriter, section_ids: set[int]) -> None:
    """Delete the documents of ``section_ids``, found by their ``section`` column.

    A scan of one small column per segment: only haystack's ``update`` and ``remove`` delete
    single sections; the portal's own writes replace whole releases by their ``release`` term.
    """
    if not section_ids:
        return
    with writer.reader() as reader:
        for leaf, offset in reader.leaf_readers():
            if not leaf.doc_count_all() or not leaf.has_column("section"):
                continue
            for doc, value in enumerate(leaf.column_reader("section")):
                if value and int(value) in section_ids:
                    writer.delete_document(offset + doc)


def _whoosh_field(field_class: Any) -> Any:
    """The Whoosh field type for one of the portal's haystack field types, if it has one."""
    if isinstance(field_class, KeywordField):
        if not field_class.indexed:
            return CodeColumn()
        if field_class.few_values:
            return repeated_code()
        return ID(stored=False, sortable=True)
    if isinstance(field_class, NumberField):
        return NumberColumn()
    if isinstance(field_class, AnalyzedTextField):
        if not field_class.indexed:
            return NormalisedColumn()
        return ExactText(analyzer=field_class.analyzer, field_boost=field_class.boost)
    if field_class.is_multivalued:
        return KEYWORD(commas=True, stored=False)
    return None


class WhooshBulkWriter:
    """``BulkWriter`` over one open Whoosh writer (sub-processes analyse what it is given)."""

    def __init__(self, backend: PortalWhooshBackend, writer: SegmentWriter) -> None:
        self.backend = backend
        self.writer = writer

    def add(self, index: Any, sections: Iterable[Any]) -> int:
        return self.backend.add_sections(self.writer, index, sections)

    def commit(self) -> None:
        self.writer.commit()

    def cancel(self) -> None:
        if not self.writer.is_closed:
            self.writer.cancel()


class PortalWhooshEngine(WhooshEngine):
    """Select the portal's Whoosh backend from ``HAYSTACK_CONNECTIONS``."""

    backend = PortalWhooshBackend

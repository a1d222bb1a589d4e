"""Bulk writes to the Whoosh index: forked sub-processes and a faster codec, failing loudly.

A whole rebuild, and any large batch, is analysed by forked Whoosh sub-processes (``MpWriter``),
each writing its own segment; only the parent reads the database, the sub-processes get the
prepared documents. Whoosh's own multi-process writer hangs or loses documents when a
sub-process dies; ``PortalMpWriter`` checks every document reached a segment before the new
index generation is written.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import threading
import time
from collections.abc import Iterator
from multiprocessing import Queue
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3Segment
from whoosh.fields import TEXT
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.writing import IndexingError, SegmentWriter

from search.engines.whoosh.pool import TermPool
from search.engines.whoosh.terms import CompactTermInfo, CompactTermsReader


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


class _StreamedMerges:
    """A writer that merges segments by streaming their sorted postings, not through its pool.

    Whoosh merges a segment by adding every one of its postings to the new segment's posting
    pool, which sorts them again (spilling to temporary files once it is large) although a
    segment's postings are already in term order and its documents keep their order. A large
    merge then rewrote gigabytes of temporary runs. Here the merged segments' postings are read
    at the moment the new segment is written, merged in order with the pool's new postings, and
    never sorted or spilled. Merged documents get numbers after the new ones, so postings of a
    term never tie.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._merged: list[tuple[SegmentReader, int, dict[int, int] | None]] = []
        super().__init__(*args, **kwargs)
        self.pool = term_pool(self, kwargs.get("limitmb", 128))

    def add_reader(self, reader: Any) -> None:
        if not isinstance(reader, SegmentReader):
            self._add_reader_to_pool(reader)
            return
        self._check_state()
        basedoc = self.docnum
        indexed = {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
        # Whoosh's merge policies close their reader once this returns: keep one of our own.
        self._merged.append(
            (SegmentReader(self.storage, self.schema, reader.segment()), basedoc, docmap)
        )
        self._added = True

    def _add_reader_to_pool(self, reader: Any) -> None:
        """Whoosh's own merge through the pool, for a reader that is not one segment's."""
        self._check_state()
        basedoc = self.docnum
        indexed = {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | indexed, reader)
        add = self.pool.add
        for fieldname, btext, docnum, weight, value in self._process_posts(
            reader.iter_postings(), basedoc, docmap
        ):
            add((fieldname, btext, docnum, weight, value if value else b""))
        self._added = True

    def _flush_segment(self) -> None:
        if not self._merged:
            super()._flush_segment()
            return
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        sources = [self.pool.iter_postings()]
        sources += [
            segment_postings(r, self.schema, base, docmap) for r, base, docmap in self._merged
        ]
        self.fieldwriter.add_postings(self.schema, lengths, heapq.merge(*sources))
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()

    def _close_segment(self) -> None:
        try:
            super()._close_segment()
        finally:
            for reader, _base, _docmap in self._merged:
                reader.close()
            self._merged = []


def segment_postings(
    reader: SegmentReader, schema: Any, basedoc: int, docmap: dict[int, int] | None
) -> Iterator[tuple[str, bytes, int, float, Any]]:
    """A segment's postings as the new segment numbers them, in (field, term, document) order.

    ``docmap`` (Whoosh's, for a segment with deletions) maps the live documents' numbers; a
    deleted document's postings are left out. Short posting lists are read from their term
    entries without a matcher.
    """
    for fieldname in sorted(n for n in reader.indexed_field_names() if n in schema):
        for btext, info in reader.iter_field(fieldname):
            if info.is_inlined():
                ids, weights, values = info.inlined_postings()
                count = len(ids)
                postings: Iterator[tuple[int, float, Any]] = zip(
                    ids, weights or (1.0,) * count, values or (b"",) * count, strict=True
                )
            else:
                postings = _matched(reader.postings(fieldname, btext))
            if docmap is None:
                for docnum, weight, value in postings:
                    yield fieldname, btext, basedoc + docnum, weight, value
            else:
                for docnum, weight, value in postings:
                    if docnum in docmap:
                        yield fieldname, btext, docmap[docnum], weight, value


def _matched(matcher: Any) -> Iterator[tuple[int, float, Any]]:
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


class PortalSegmentWriter(_StreamedMerges, SegmentWriter):
    """Whoosh's single-process writer, with streamed merges."""


class PortalMpWriter(_StreamedMerges, MpWriter):
    """Whoosh's multi-process writer, made to fail loudly instead of hanging or losing documents.

    Whoosh's own ``MpWriter`` blocks for ever on its bounded job queue once its sub-processes
    have died, drops the documents of a sub-process that died without a word, and on
    ``cancel()`` leaves them waiting for jobs (so this process hangs at exit). Here the job
    queue is unbounded, the sub-processes are forked up front (before this process opens a
    database cursor or starts a queue thread), a commit checks that every document it handed
    out is in a segment before the new index generation is written, and cancelling ends them.

    A sub-process also closes its inherited copy of the write lock and ends when this process
    dies (``_OrphanSafeTask``): a killed import must not leave the index locked by orphans.
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

    def _new_task(self) -> SubWriterTask:
        lock_fd = self.writelock.fd if self.writelock is not None else None
        task = _OrphanSafeTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.lock_fd = lock_fd
        self.tasks.append(task)
        task.start()
        return task

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


class _OrphanSafeTask(SubWriterTask):
    """A Whoosh sub-writer that lets go of the index when the process that forked it dies.

    A forked child shares its parent's open file description of the write lock, and ``flock``
    locks belong to that description: a child outliving a killed parent (blocked for ever on
    the job queue, whose write end it also inherited) would keep the index locked. So the
    child closes its copy of the lock at once and exits when its parent is gone.
    """

    lock_fd: int | None = None

    def run(self) -> None:
        if self.lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.lock_fd)
        parent = os.getppid()

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)  # orphaned: the parent was killed; its writer's files are garbage

        threading.Thread(target=watch, daemon=True).start()
        super().run()

    def _process_file(self, filename: str, doc_count: int) -> None:
        # Whoosh's sub-process makes a plain ``SegmentWriter``, with Whoosh's pool: give it ours
        # before its first document.
        writer = self.writer
        if not isinstance(writer.pool, TermPool):
            writer.pool = term_pool(writer, self.kwargs.get("limitmb", 128))
        super()._process_file(filename, doc_count)


def term_pool(writer: SegmentWriter, limitmb: int) -> TermPool:
    """A ``TermPool`` for ``writer``'s new segment (in place of Whoosh's ``PostingPool``)."""
    return TermPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)


#: Posting lists this short are kept in the term dictionary (see ``PortalCodec``).
INLINE_LIMIT = 8


class PortalCodec(W3Codec):
    """Whoosh's default codec with compact term entries, writing the same files faster.

    Term entries are ``search.engines.whoosh.terms.CompactTermInfo``: segments record this
    codec, so their readers read them through ``CompactTermsReader``.

    Writing a segment looks up the field length of every posting's document in the new
    segment's length column, through a file read per posting; here each (document, field)
    is read once.

    Posting lists of up to ``INLINE_LIMIT`` documents are stored inside the term's entry
    (Whoosh's ``inlinelimit``) rather than as a block of their own, which costs some fifty
    bytes of headers: most unit pairs occur in a few sections only.
    """

    def __init__(self) -> None:
        super().__init__(inlinelimit=INLINE_LIMIT)

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _FieldWriter(self, storage, segment)

    def terms_reader(self, storage: Any, segment: Any) -> CompactTermsReader:
        terms_file = segment.make_filename(self.TERMS_EXT)
        return CompactTermsReader(
            self,
            storage.open_file(terms_file),
            storage.file_length(terms_file),
            segment.open_file(storage, self.POSTS_EXT),
        )

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        return W3Segment(self, indexname)


class _FieldWriter(W3FieldWriter):
    """Whoosh's field writer, handed the field lengths through ``_LengthCache``."""

    def start_term(self, btext: bytes) -> None:
        super().start_term(btext)
        self._postwriter._terminfo = CompactTermInfo()

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        super().add_postings(schema, _LengthCache(lengths) if lengths else None, _valued(items))


def _valued(items: Any) -> Any:
    """Postings with ``b""`` for a missing value: an inlined posting list stored without its
    empty values (``CompactTermInfo``) reads back as ``None`` or ``""``, which Whoosh's
    writer refuses when a merge copies the posting into a new segment."""
    for fieldname, btext, docnum, weight, value in items:
        yield fieldname, btext, docnum, weight, value if value else b""


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

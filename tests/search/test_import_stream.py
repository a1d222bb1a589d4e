"""A bulk import indexes its releases while it runs, and commits them with the database.

``ReleaseStream`` hands each stored release to the index's sub-processes at once; the index
may only show them once the import's transaction has committed, must drop them when it rolls
back, and the usual after-commit sync must not index them a second time.
"""

from __future__ import annotations

import multiprocessing

import pytest
from django.db import transaction
from haystack import connections

from documents.models import Release, Section
from documents.services import import_records, import_release
from search.core.fingerprint import index_fingerprint
from search.core.service import match
from search.engines.whoosh import backend as whoosh_backend
from search.indexing import sync
from search.indexing.state import index_state
from search.indexing.sync import ReleaseStream, open_stream, sync_releases
from tests.conftest import CORPUS_FILE, seed_text
from tests.search.scan import committing, forget_searchers, request


def backend():
    return connections["default"].get_backend()


def section_index():
    return connections["default"].get_unified_index().get_index(Section)


def new_release(marker: str) -> Release:
    """A published release no other test has: a seed with a sentence of its own in its body."""
    text = seed_text("002")
    middle = text.index("\n", len(text) // 2)
    text = f"{text[:middle]}\n本段为{marker}而设。{text[middle:]}"
    result = import_release(text.encode("utf-8"), filename=f"{marker}.txt", publish=True)
    assert result.release is not None, result.message
    return result.release


def two_process_stream() -> ReleaseStream:
    """A stream on two analysing sub-processes, as a bulk import opens it."""
    writer = whoosh_backend.WhooshBulkWriter(backend(), backend().open_writer(2))
    return ReleaseStream("default", section_index(), writer)


def forget(release: Release) -> None:
    """Take the release's documents out of the index, whatever the test left there."""
    backend().replace_releases(section_index(), [release.pk], [])


def found(phrase: str) -> set[int]:
    forget_searchers()
    return {m.section for m in match(request(q=phrase))}


@pytest.mark.django_db
def test_a_stream_shows_its_releases_only_after_the_commit(django_capture_on_commit_callbacks):
    stream = two_process_stream()
    release = None
    try:
        with committing(django_capture_on_commit_callbacks) as callbacks:
            transaction.on_commit(stream.commit)
            release = new_release("流式索引测试甲")
            stream.add(release)
            assert found("流式索引测试甲") == set()  # streamed, not yet committed
        assert callbacks  # the stream's commit (the usual sync had nothing left to do)
        sections = set(release.sections.values_list("pk", flat=True))
        hits = found("流式索引测试甲")
        assert hits and hits <= sections
        assert backend().release_document_count(release.pk) == len(sections)
        release.refresh_from_db()
        assert release.indexed_at is not None and release.index_error == ""
        assert multiprocessing.active_children() == []
    finally:
        stream.cancel()
        if release is not None:
            forget(release)  # the test's transaction rolls the release back, not the index
    assert backend().release_document_count(release.pk) == 0


@pytest.mark.django_db
def test_a_cancelled_stream_leaves_nothing_and_releases_the_lock():
    before = backend().document_count()
    stream = two_process_stream()
    release = new_release("流式索引测试乙")
    try:
        stream.add(release)
        stream.cancel()  # what the import does when its transaction did not commit
        assert multiprocessing.active_children() == []
        forget_searchers()
        assert backend().document_count() == before
        assert backend().release_document_count(release.pk) == 0
        sync_releases([release.pk])  # the write lock is free again
        assert backend().release_document_count(release.pk) == release.sections.count()
    finally:
        stream.cancel()
        forget(release)


@pytest.mark.django_db
def test_no_stream_inside_a_transaction():
    # The import's own commit would not be the real one: the after-commit sync does the work.
    assert transaction.get_connection().in_atomic_block
    assert open_stream() is None


@pytest.mark.django_db(transaction=True)
def test_no_stream_into_an_index_built_by_another_schema(monkeypatch):
    # An upgrade: the index on disk predates the schema; only a rebuild may write to it.
    monkeypatch.setattr(whoosh_backend, "parallel_procs", lambda: 2)
    stale = {**index_fingerprint(), "schema_version": -1}
    monkeypatch.setattr(whoosh_backend.PortalWhooshBackend, "read_meta", lambda self: stale)
    assert open_stream() is None


@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_outside_a_transaction_is_streamed_and_consistent(monkeypatch):
    """The production path: ``import_records`` with ``publish`` on a long file."""
    monkeypatch.setattr(whoosh_backend, "parallel_procs", lambda: 2)
    with transaction.atomic():
        Release.objects.all().delete()
    opened: list[ReleaseStream] = []
    real_open = sync.open_stream

    def spy(*args, **kwargs):
        stream = real_open(*args, **kwargs)
        opened.append(stream)
        return stream

    monkeypatch.setattr(sync, "open_stream", spy)
    synced: list[list[int]] = []
    real_sync = sync.sync_releases
    monkeypatch.setattr(
        sync, "sync_releases", lambda ids, **kw: synced.append(ids) or real_sync(ids, **kw)
    )

    results = import_records(CORPUS_FILE.read_bytes(), filename=CORPUS_FILE.name, publish=True)

    assert len(opened) == 1 and opened[0] is not None
    assert sorted(opened[0].counts) == sorted(r.release.pk for r in results)
    assert synced == []  # nothing indexed twice by the usual after-commit sync
    forget_searchers()
    assert index_state().healthy
    assert not Release.objects.filter(indexed_at__isnull=True).exists()
    assert multiprocessing.active_children() == []
    assert found("政府工作报告")

"""Rebuilding the whole index in one pass, and bulk syncs spread over sub-processes.

The session's index was filled release by release by the after-commit syncs; a rebuild (one
multi-process writer, one commit) and a parallel sync must find exactly the sections it found
for every query. Every test leaves the index holding what the database holds.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from haystack import connections
from whoosh.writing import IndexingError

from documents.models import Release, Section
from search.core.service import match
from search.engines.whoosh import backend as whoosh_backend
from search.engines.whoosh import fields as whoosh_fields
from search.indexing import rebuild
from search.indexing.rebuild import rebuild_all
from search.indexing.state import index_state
from search.indexing.sync import indexable_sections, sync_releases
from search.management.commands import ensure_search_index
from tests.search.scan import forget_searchers, request

pytestmark = pytest.mark.django_db

QUERIES = [
    {"q": "营商环境"},
    {"q": "營商環境 -改革"},
    {"q": "高质量发展", "sort": "newest"},
    {"q": "政府工作报告", "scope": "title"},
    {"q": "12345 OR 热线"},
    {"q": "营商环境", "region": "金昌"},
    {"q": "就业"},
]


def answers(*, fresh: bool = True) -> list[list[tuple[int, float]]]:
    """Each query's matches, best first, with scores (``fresh``: as a newly started process)."""
    if fresh:
        forget_searchers()
    return [[(m.section, m.score) for m in match(request(**params))] for params in QUERIES]


def found() -> list[set[int]]:
    """Each query's matching sections (scores shift with the deleted documents a sync leaves)."""
    return [{section for section, _score in matches} for matches in answers()]


def backend():
    return connections["default"].get_backend()


def published_sections() -> int:
    return Section.objects.filter(release__status=Release.Status.PUBLISHED).count()


@pytest.fixture
def mp_writers(monkeypatch) -> list[int]:
    """The sub-process counts of the multi-process writers opened during the test."""
    made: list[int] = []

    class Recording(whoosh_backend.PortalMpWriter):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self.procs)

    monkeypatch.setattr(whoosh_backend, "PortalMpWriter", Recording)
    return made


def test_rebuild_all_finds_what_the_release_by_release_index_found(mp_writers):
    before = found()
    assert all(before), "every query finds something"
    searcher = backend().searcher()

    assert rebuild_all(procs=2) == published_sections()

    assert mp_writers == [2]
    assert index_state().healthy
    # A process that had a searcher open gets a new one, on the rebuilt index.
    warm = answers(fresh=False)
    assert backend().searcher() is not searcher
    assert warm == answers()
    # Scores may differ: the syncs before left deleted documents in the statistics.
    assert [{section for section, _score in matches} for matches in warm] == before


def test_ensure_search_index_rebuilds_a_stale_index_with_rebuild_all(monkeypatch):
    before = found()
    calls = []

    def spy(*args, **kwargs):
        calls.append(args)
        return rebuild.rebuild_all(*args, **kwargs)

    def no_haystack_rebuild(*args, **kwargs):
        raise AssertionError("haystack's rebuild_index must not be used")

    monkeypatch.setattr(ensure_search_index, "rebuild_all", spy)
    monkeypatch.setattr(
        "haystack.management.commands.rebuild_index.Command.handle", no_haystack_rebuild
    )
    backend().meta_path().write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    assert not index_state().fingerprint_ok

    out = io.StringIO()
    call_command("ensure_search_index", stdout=out)

    assert calls == [()]
    assert f"search index rebuilt: {published_sections()} sections" in out.getvalue()
    assert index_state().healthy
    assert found() == before


def test_only_large_syncs_use_sub_processes(monkeypatch, mp_writers, seeds):
    monkeypatch.setattr(whoosh_backend, "parallel_procs", lambda: 2)
    releases = [seeds[prefix].pk for prefix in sorted(seeds)]
    sections = Section.objects.filter(release_id__in=releases).count()
    monkeypatch.setattr(whoosh_backend, "PARALLEL_MIN_SECTIONS", sections)
    before = found()

    sync_releases(releases[:1])
    assert mp_writers == []
    sync_releases(releases)
    assert mp_writers == [2]

    for release in releases:
        count = Section.objects.filter(release_id=release).count()
        assert backend().release_document_count(release) == count
    assert index_state().healthy
    assert found() == before


def test_a_failing_sub_process_leaves_the_index_as_it_was(monkeypatch, seeds):
    monkeypatch.setattr(whoosh_backend, "parallel_procs", lambda: 2)
    monkeypatch.setattr(whoosh_backend, "PARALLEL_MIN_SECTIONS", 1)

    def broken(self, value, **kwargs):
        raise RuntimeError("analysis failed in a sub-process")

    # Only the sub-processes analyse documents: the patch takes effect in them alone.
    monkeypatch.setattr(whoosh_fields.ExactText, "index", broken)
    release = seeds["004"].pk
    before = answers()  # nothing was committed: even the scores stay
    count = backend().release_document_count(release)

    with pytest.raises(IndexingError, match="sub-process"):
        sync_releases([release])

    monkeypatch.undo()
    forget_searchers()
    assert backend().release_document_count(release) == count
    assert index_state().healthy
    assert answers() == before
    sync_releases([release])  # the write lock was released
    assert backend().release_document_count(release) == count


def test_an_error_while_preparing_documents_ends_the_sub_processes(monkeypatch, seeds):
    monkeypatch.setattr(whoosh_backend, "parallel_procs", lambda: 2)
    monkeypatch.setattr(whoosh_backend, "PARALLEL_MIN_SECTIONS", 1)
    index = connections["default"].get_unified_index().get_index(Section)
    prepare = index.full_prepare
    prepared = []

    def failing(section):
        if len(prepared) == 100:  # one job (a batch of 100) already went to a sub-process
            raise ConnectionError("the database went away")
        prepared.append(section.pk)
        return prepare(section)

    monkeypatch.setattr(index, "full_prepare", failing)
    releases = [seeds[prefix].pk for prefix in sorted(seeds)]
    before = found()

    with pytest.raises(ConnectionError):
        sync_releases(releases)

    assert multiprocessing.active_children() == []
    monkeypatch.undo()
    assert index_state().healthy
    assert found() == before
    sync_releases(releases[:1])  # the write lock was released


def test_no_sub_processes_are_forked_from_a_multi_threaded_process():
    assert 1 <= whoosh_backend.parallel_procs() <= 2
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert whoosh_backend.parallel_procs() == 1
    finally:
        stop.set()
        other.join()


def test_preparing_every_document_takes_one_query():
    index = connections["default"].get_unified_index().get_index(Section)
    with CaptureQueriesContext(connection) as queries:
        docs = [
            backend()._document(index, section)
            for section in indexable_sections(index, "default").iterator(chunk_size=100)
        ]
    assert len(docs) == published_sections()
    assert len(queries.captured_queries) == 1

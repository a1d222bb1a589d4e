"""A publish while another process writes the index: the request does not wait, nothing is lost.

The sync after commit waits ``SEARCH_LOCK_WAIT`` seconds for the write lock, then hands the
release to the process's retry thread, which indexes it once the other writer is done. The
thread reads the database on its own connection, so the data must be committed: these tests
use a transactional database.
"""

from __future__ import annotations

import time

import pytest
from haystack import connections

from documents.models import Release
from documents.services import import_release
from search.indexing import retry as index_retry
from search.indexing.drift import index_drift
from tests.conftest import seed_text
from tests.search.scan import another_writer, forget_searchers

TOKEN = "壬癸子丑"  # occurs in no seed and in no corpus document


@pytest.mark.django_db(transaction=True)
def test_a_publish_during_another_write_returns_at_once_and_is_indexed_after_it(settings):
    forget_searchers()
    settings.SEARCH_LOCK_WAIT = 0
    backend = connections["default"].get_backend()
    with another_writer(backend.path, 3.0):
        lines = seed_text("003").splitlines()
        lines[4] += TOKEN
        started = time.monotonic()
        result = import_release(  # autocommit: the after-commit sync runs inside this call
            "\n".join(lines).encode(), filename="retry.txt", publish=True
        )
        took = time.monotonic() - started
        release = Release.objects.get(pk=result.release.pk)
        assert took < 2.5, "the publish waited for the other writer"
        assert (
            release.pk in index_retry.pending() or backend.release_document_count(release.pk) == 0
        )
        assert release.index_error == ""  # waiting is not an error
    assert index_retry.wait_idle(30)
    forget_searchers()
    release.refresh_from_db()
    assert backend.release_document_count(release.pk) == release.sections.count() > 0
    assert release.indexed_at is not None and release.index_error == ""
    assert index_drift().total == 0

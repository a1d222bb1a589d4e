"""A publish while another process writes the index: the request does not wait, nothing is lost.

The sync after commit waits ``SEARCH_LOCK_WAIT`` seconds for the write lock, then hands the
releases to the task queue's worker, which indexes them once the other writer is done. A
release whose update was lost anyway (its process killed after the commit, its queue lost) is
found by the worker's periodic repair from the release's own bookkeeping. The worker reads the
database on its own connection, so the data must be committed: transactional databases here.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone
from haystack import connections

from documents.models import Release
from documents.services import import_release
from search.indexing import later
from search.indexing.drift import index_drift
from search.indexing.repair import catch_up, releases_behind, repair_all
from search.indexing.sync import section_index
from tests.conftest import seed_text
from tests.search.scan import another_writer, forget_searchers

TOKEN = "壬癸子丑"  # occurs in no seed and in no corpus document


def _with_token(number: str, token: str = TOKEN) -> bytes:
    lines = seed_text(number).splitlines()
    lines[4] += token
    return "\n".join(lines).encode()


def _wait_indexed(release: Release, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        release.refresh_from_db()
        if release.indexed_at is not None and release.indexed_at >= release.updated:
            return
        time.sleep(0.1)
    raise AssertionError(f"release {release.pk} was not indexed within {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_a_publish_during_another_write_returns_at_once_and_the_worker_indexes_it(
    settings, huey_worker
):
    forget_searchers()
    settings.SEARCH_LOCK_WAIT = 0
    backend = connections["default"].get_backend()
    with another_writer(backend.path, 3.0):
        started = time.monotonic()
        result = import_release(  # autocommit: the after-commit sync runs inside this call
            _with_token("003"), filename="later.txt", publish=True
        )
        took = time.monotonic() - started
        release = Release.objects.get(pk=result.release.pk)
        assert took < 2.5, "the publish waited for the other writer"
        assert backend.release_document_count(release.pk) == 0  # not yet: the lock is held
        assert release.index_error == ""  # waiting is not an error
    _wait_indexed(release, 30)
    forget_searchers()
    assert backend.release_document_count(release.pk) == release.sections.count() > 0
    assert release.index_error == ""
    assert index_drift().total == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_records_an_error_only_after_the_retry_time(settings):
    forget_searchers()
    settings.SEARCH_RETRY_SECONDS = 1
    backend = connections["default"].get_backend()
    result = import_release(_with_token("002", "癸子丑寅"), filename="late.txt", publish=True)
    release = result.release
    with another_writer(backend.path, 4.0):
        started = time.monotonic()
        later.index_when_free([release.pk], time.time())  # what the worker runs
        assert time.monotonic() - started >= 0.9  # it waited for the lock first
    release.refresh_from_db()
    assert "check_search_index --repair" in release.index_error
    # The next periodic repair (once the change has settled) clears it.
    assert release.pk in releases_behind(timedelta(0))
    assert catch_up(timedelta(0)).releases >= 1
    release.refresh_from_db()
    assert release.index_error == "" and release.indexed_at is not None
    assert index_drift().total == 0


def _published_then_dropped_from_the_index(number: str, token: str) -> tuple[Release, int]:
    """A seed published and indexed, then its documents taken out of the index behind the
    portal's back; the release and its section count."""
    forget_searchers()
    backend = connections["default"].get_backend()
    release = import_release(_with_token(number, token), filename="x.txt", publish=True).release
    indexed = release.sections.count()
    assert backend.release_document_count(release.pk) == indexed > 0
    backend.replace_releases(section_index(), [release.pk], [], wait=None)
    forget_searchers()
    assert backend.release_document_count(release.pk) == 0
    return release, indexed


@pytest.mark.django_db(transaction=True)
def test_a_lost_update_is_caught_up_by_the_periodic_repair():
    release, indexed = _published_then_dropped_from_the_index("004", "子丑寅卯")
    backend = connections["default"].get_backend()
    # As if the web process died between the commit of an edit and its sync: the index still
    # has the old state, and the release says it was indexed before its last change.
    # (The plain QuerySet's update: the portal's would announce the change and sync it.)
    QuerySet.update(
        Release.objects.filter(pk=release.pk),
        indexed_at=timezone.now() - timedelta(minutes=10),
        updated=timezone.now() - timedelta(minutes=5),
    )
    assert release.pk not in releases_behind(timedelta(minutes=6))  # too fresh for that window
    assert release.pk in releases_behind()
    repaired = catch_up()
    assert repaired.releases == 1 and repaired.sections == indexed
    forget_searchers()
    assert backend.release_document_count(release.pk) == indexed
    assert releases_behind(timedelta(0)) == []
    assert index_drift().total == 0


@pytest.mark.django_db(transaction=True)
def test_the_nightly_repair_finds_what_bookkeeping_cannot_show():
    # The index restored from a backup older than the release: its bookkeeping says indexed.
    release, sections = _published_then_dropped_from_the_index("001", "丑寅卯辰")
    backend = connections["default"].get_backend()
    assert releases_behind(timedelta(0)) == []
    assert index_drift().total == sections
    repaired = repair_all()
    assert repaired.sections == sections and repaired.releases == 1
    forget_searchers()
    assert backend.release_document_count(release.pk) == sections
    assert index_drift().total == 0

"""Many staff publishing at the same moment on a server database: nothing lost, all searchable.

SQLite takes one writer at a time (the portal queues them: WAL and ``IMMEDIATE``
transactions; ``tests/reliability`` runs several importing processes against it). PostgreSQL
takes them side by side, which is why a bigger site switches to it; this test runs there
(``make test-postgres``): eight threads, each with its own database connection, import and
publish real releases at once, each after-commit index update waiting for the index's
write lock or handing over to the task queue (immediate in the suite: run in the same
thread). Every release must be stored with its sections, published, and the index must equal
the database.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from documents.models import Release, Section, Topic
from documents.services import Outcome, import_release
from documents.topics import thesaurus
from search.core.service import match
from search.indexing.drift import index_drift
from tests.reliability.instances import excerpt
from tests.search.scan import forget_searchers, request

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
WRITERS = 8
PER_WRITER = 2

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="concurrent writers in one process need a server database: "
        "make test-postgres runs this (SQLite's writers are tested as processes in "
        "tests/reliability)",
    ),
]


def test_eight_writers_at_once_store_publish_and_index_everything():
    # An index that equals the database to start with (tests/conftest.py keeps it so across
    # the flushes of earlier transactional tests).
    forget_searchers()
    assert index_drift().total == 0
    # As on a new deployment (or a new thesaurus): the first importers find the topic table
    # out of date, all at once, and must neither deadlock nor write it twice.
    Topic.objects.all().delete()
    start = threading.Barrier(WRITERS)
    results: list = []
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait(30)
            for k in range(PER_WRITER):
                record = excerpt(5000 + writer * PER_WRITER + k)
                data = f"{record['title']}\n\n{record['content']}\n".encode()
                results.append(
                    import_release(data, filename=f"concurrent-{writer}-{k}.txt", publish=True)
                )
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not errors, errors
    stored = [r for r in results if r.outcome == Outcome.IMPORTED]
    assert len(stored) == len(results) == WRITERS * PER_WRITER, [r.message for r in results]
    ids = [r.release.pk for r in stored]
    try:
        releases = Release.objects.filter(pk__in=ids)
        assert releases.count() == WRITERS * PER_WRITER
        assert set(releases.values_list("status", flat=True)) == {Release.Status.PUBLISHED}
        assert all(r.sections.exists() and not r.index_error for r in releases)
        assert Topic.objects.count() == len(thesaurus().topics)
        assert Section.topics.through.objects.filter(section__release__in=ids).exists()
        forget_searchers()
        assert index_drift().total == 0
        for release in releases[:4]:
            found = {m.release for m in match(request(q=release.title, scope="title"))}
            assert release.pk in found
    finally:
        for release in Release.objects.filter(pk__in=ids):
            release.delete()
        connection.close()

"""Shared fixtures: real documents (the seed releases and the national corpus) and the test DB.

Every test run gets its own data folder (``tests/settings.py``), so tests never touch a
developer's ``var/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "fixtures" / "seeds"
CORPUS_FILE = ROOT / "fixtures" / "corpora" / "national-government-work-reports.jsonl"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (``"000"`` … ``"004"``)."""
    (path,) = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return path


def seed_bytes(prefix: str) -> bytes:
    return seed_path(prefix).read_bytes()


def seed_text(prefix: str) -> str:
    return seed_bytes(prefix).decode("utf-8")


def corpus_records() -> list[dict]:
    """The 72 national government work reports and resolutions, as JSON records."""
    with CORPUS_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def import_seeds() -> dict[str, object]:
    """Import the five seed releases, published; return them by file prefix."""
    from documents.models import Release
    from documents.services import import_release

    found = {}
    for path in SEED_FILES:
        result = import_release(path.read_bytes(), filename=path.name, publish=True)
        assert result.release is not None, result.message
        found[path.name[:3]] = Release.objects.get(pk=result.release.pk)
    return found


def import_corpus() -> list[object]:
    """Import the national corpus (one bulk JSONL file), published; return its releases."""
    from documents.services import import_records

    results = import_records(CORPUS_FILE.read_bytes(), filename=CORPUS_FILE.name, publish=True)
    assert all(r.release is not None for r in results), [r.message for r in results]
    return [r.release for r in results]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the seed releases and the national corpus from the start.

    Both are imported through the service layer, so the search index (in this run's own
    data folder) is filled by the same after-commit signal processor as in production.
    """
    with django_db_blocker.unblock():
        import_seeds()
        import_corpus()


@pytest.fixture
def seeds(db) -> dict[str, object]:
    """The seed releases by prefix: ``seeds["000"]`` is 金昌, ``"004"`` 呼和浩特."""
    from documents.models import Release

    return {path.name[:3]: Release.objects.get(original_name=path.name) for path in SEED_FILES}


@pytest.fixture
def staff_client(client, db):
    """The test client, logged in as a superuser (an editor with every permission)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("editor", "e@example.org", "pw-123456")
    client.force_login(user)
    return client


@pytest.fixture
def live_seeds(transactional_db) -> dict[str, object]:
    """Exactly the five seeds, for tests that need a live server.

    The first such test still sees the session's data (seeds and corpus), later ones an empty
    database (``_index_follows_the_flush``); every one starts from the same five.
    """
    from django.db import transaction

    from documents.models import Release
    from search.indexing.rebuild import rebuild_all

    with transaction.atomic():
        Release.objects.all().delete()
    seeds = import_seeds()
    rebuild_all()
    return seeds


@pytest.fixture(autouse=True)
def _index_follows_the_flush(request) -> Iterator[None]:
    """After a transactional test, delete its releases through the ORM before the flush.

    pytest-django empties the tables of a transactional test afterwards without sending
    signals, which would leave the search index holding sections of releases that no longer
    exist for every later test. Deleting through the ORM first lets the signal processor take
    them out of the index, as in production.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so its flush comes after us
    yield
    from django.db import transaction

    from documents.models import Release

    with transaction.atomic():
        Release.objects.all().delete()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a request in English must not leak into the
    next test's messages (Django's locale middleware leaves the thread's language set)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pytest_report_header(config) -> str:
    """Say which database the run uses: ``make test`` runs the suite on SQLite and PostgreSQL."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}"


@pytest.fixture
def huey_worker() -> Iterator[object]:
    """The task queue as deployed: tasks queued, not run in the caller, and a worker (huey's
    consumer, one thread, no periodic tasks) in this process taking them from the queue file.

    The suite runs the queue in immediate mode otherwise (``tests/settings.py``); this fixture
    is for a test of what a request leaves to the worker. The consumer stops gracefully (its
    running task finishes) before the queue goes back to immediate mode.
    """
    import signal

    from huey.contrib.djhuey import HUEY

    from documents import jobs, tasks

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    HUEY.immediate = False
    HUEY.flush()
    jobs.set_queue(tasks.run_job, immediate=False)
    consumer = HUEY.create_consumer(
        workers=1, worker_type="thread", periodic=False, check_worker_health=False
    )
    consumer.start()
    try:
        yield HUEY
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        HUEY.flush()
        HUEY.immediate = True
        jobs.set_queue(tasks.run_job, immediate=True)


@pytest.fixture
def held_queue() -> Iterator[list[int]]:
    """A job queue that keeps jobs waiting (as a busy worker would); the ids given to it."""
    from documents import jobs
    from documents.tasks import HUEY, run_job

    given: list[int] = []
    jobs.set_queue(given.append, immediate=False)
    yield given
    jobs.set_queue(run_job, immediate=HUEY.immediate)

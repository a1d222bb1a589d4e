"""The reference every search result is checked against: a scan of the database.

A section is relevant iff its normalised heading + text (``section_content``) contains the
normalised phrase (``phrase_pattern``, with the same word-unit rule as the index). Built once
per test session from the imported seeds and corpus; call it before a test changes any data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import transaction

from documents.models import Release, Section
from search.core.analysis import normalise, phrase_pattern, query_units
from search.core.query import parse_query
from search.core.request import build_request
from search.core.section_text import section_content


@dataclass(frozen=True, slots=True)
class Row:
    pk: int
    release: int
    order: int
    kind: str
    content: str  # normalised heading + text
    heading: str  # normalised heading
    speaker: str  # normalised speaker and title
    day: int  # yyyymmdd of the release, 0 when unknown


@cache
def rows() -> tuple[Row, ...]:
    """Every section of a published release, normalised."""
    sections = Section.objects.filter(release__status=Release.Status.PUBLISHED).select_related(
        "release"
    )
    out = []
    for s in sections.order_by("release_id", "order"):
        published = s.release.published
        out.append(
            Row(
                pk=s.pk,
                release=s.release_id,
                order=s.order,
                kind=s.kind,
                content=normalise(section_content(s)),
                heading=normalise(s.heading),
                speaker=normalise(" ".join(filter(None, [s.speaker, s.speaker_title]))),
                day=published.year * 10000 + published.month * 100 + published.day
                if published
                else 0,
            )
        )
    return tuple(out)


def containing(phrase: str, where: Callable[[Row], bool] = lambda row: True) -> set[int]:
    """Ids of sections whose normalised content contains ``phrase`` (one phrase, as typed)."""
    pattern = phrase_pattern(query_units(phrase))
    return {row.pk for row in rows() if where(row) and pattern.search(row.content)}


def expected(query: str, where: Callable[[Row], bool] = lambda row: True) -> set[int]:
    """Ids a whole query (AND of OR-groups, minus exclusions) must return, by scan."""
    parsed = parse_query(query)
    groups = [[phrase_pattern(list(p.units)) for p in group] for group in parsed.groups]
    excluded = [phrase_pattern(list(p.units)) for p in parsed.excluded]
    return {
        row.pk
        for row in rows()
        if where(row)
        and all(any(p.search(row.content) for p in group) for group in groups)
        and not any(p.search(row.content) for p in excluded)
    }


def request(**params: str | Iterable[str]):
    """A validated ``SearchRequest`` from keyword parameters."""
    search, _ = build_request(
        {k: [v] if isinstance(v, str) else list(v) for k, v in params.items()}
    )
    return search


def forget_searchers() -> None:
    """Drop the process's cached Whoosh searchers, as a newly started process would have none.

    Tests that change the index call this before and after: a searcher refreshed in place
    after a change can keep showing deleted documents (see tests/search/test_signals.py), and
    the cache is shared by every later test in the session.
    """
    from search.engines.whoosh import backend as backends
    from search.engines.whoosh import matching

    with backends._searcher_lock:
        for searcher, _build in backends._searchers.values():
            searcher.close()
        backends._searchers.clear()
    matching.forget()


@contextmanager
def committing(capture: Callable[..., object]) -> Iterator[list[Callable[[], None]]]:
    """Run the block's after-commit callbacks at its end and then forget them, like a commit.

    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``. It runs the
    callbacks but leaves them queued on the connection, where the signal processor would
    take an already-run sync for a pending one (see ``test_signals``); a real commit empties
    the queue, so this does too.
    """
    connection = transaction.get_connection()
    with capture(execute=True) as callbacks:
        yield callbacks
    connection.run_on_commit[:] = [
        entry for entry in connection.run_on_commit if entry[1] not in callbacks
    ]


@contextmanager
def another_writer(index_dir: str, seconds: float) -> Iterator[None]:
    """Another process holds the index's write lock for ``seconds`` from the block's start."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    held = context.Event()
    holder = context.Process(target=_hold_writer, args=(index_dir, held, seconds))
    holder.start()
    try:
        assert held.wait(30)
        yield
    finally:
        holder.join(30)
    assert holder.exitcode == 0


def _hold_writer(index_dir: str, held: object, seconds: float) -> None:
    """In the other process: take the Whoosh write lock, say so, keep it a while, let go."""
    import time

    from whoosh import index as whoosh_index

    writer = whoosh_index.open_dir(index_dir).writer()
    held.set()
    time.sleep(seconds)
    writer.cancel()

"""The index's generations and its write lock: swap without a gap, wait instead of failing.

``search.engines.whoosh.storage`` keeps the live index behind a link so a rebuild can be swapped in
with one rename, and makes every writer wait for the lock of the generation that is live
when it gets it. haystack's own ``remove``/``update`` go through the same waiting writer.
"""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from haystack import connections

from documents.models import Section
from search.engines.base import IndexBusy
from search.engines.whoosh import storage as whoosh_storage
from search.engines.whoosh.storage import acquire, ensure_layout, hold_lock, live_dir, swap_in
from search.indexing.drift import index_drift
from tests.search.scan import another_writer, forget_searchers


def _release(lock) -> None:
    lock.release()


def test_a_new_index_path_is_a_link_to_a_generation(tmp_path):
    path = tmp_path / "index"
    ensure_layout(path)
    generation = live_dir(path)
    assert path.is_symlink() and generation.is_dir() and generation != path
    ensure_layout(path)  # idempotent
    assert live_dir(path) == generation


def test_a_plain_index_folder_is_moved_aside_at_the_first_swap_and_pruned_at_the_next(tmp_path):
    path = tmp_path / "index"
    path.mkdir()
    (path / "old-file").write_text("old")
    first = whoosh_storage.new_generation(path)
    previous = swap_in(path, first)
    assert live_dir(path) == first
    assert (previous / "old-file").read_text() == "old"  # kept for searchers still reading it
    second = whoosh_storage.new_generation(path)
    assert swap_in(path, second) == first
    assert live_dir(path) == second
    assert not previous.exists()  # two generations back: removed
    assert first.exists()


def _hold(folder: str, held, seconds: float) -> None:
    lock = hold_lock(whoosh_storage.FileStorage(folder), 5)
    held.set()
    time.sleep(seconds)
    lock.release()


def test_a_lock_held_by_another_process_is_waited_for_then_reported_busy(tmp_path):
    path = tmp_path / "index"
    ensure_layout(path)
    context = multiprocessing.get_context("fork")
    held = context.Event()
    holder = context.Process(target=_hold, args=(str(live_dir(path)), held, 1.5))
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(IndexBusy):
            acquire(path, hold_lock, _release, wait=0.3)
        assert 0.3 <= time.monotonic() - started < 1.5
        lock = acquire(path, hold_lock, _release, wait=10)  # waits out the holder
        assert time.monotonic() - started >= 1.0
        lock.release()
    finally:
        holder.join(10)


def test_a_writer_waiting_through_a_swap_gets_the_new_generation(tmp_path):
    path = tmp_path / "index"
    ensure_layout(path)
    old = live_dir(path)
    rebuilding = hold_lock(whoosh_storage.FileStorage(str(old)), 1)
    got = []
    waiter = threading.Thread(
        target=lambda: got.append(acquire(path, hold_lock, _release, wait=10))
    )
    waiter.start()
    time.sleep(0.3)
    new = whoosh_storage.new_generation(path)
    swap_in(path, new)
    rebuilding.release()  # the waiter gets the old lock first, sees the swap, moves on
    waiter.join(10)
    assert got and got[0].filename.startswith(str(new))
    got[0].release()


@pytest.mark.django_db
def test_haystack_remove_and_update_wait_for_the_lock_instead_of_failing_silently():
    """haystack's ``remove`` gives up at once and, with SILENTLY_FAIL, drops the delete."""
    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Section)
    section = Section.objects.filter(release__status="published").order_by("pk").first()
    forget_searchers()
    try:
        with another_writer(backend.path, 1.0):
            backend.remove(f"documents.section.{section.pk}")
        forget_searchers()
        assert index_drift().missing == {section.pk}  # the delete took effect
        with another_writer(backend.path, 1.0):
            backend.update(index, [section])
    finally:
        forget_searchers()
    assert index_drift().total == 0  # and the update put it back, exactly once


@pytest.mark.django_db
def test_a_writer_opens_when_another_commit_replaced_the_table_of_contents(monkeypatch):
    """Whoosh lists the newest ``_MAIN_<n>.toc`` and then opens it; a commit by another process
    in between deletes it. Eight writers at once reached that window on PostgreSQL."""
    from whoosh.filedb.filestore import FileStorage

    backend = connections["default"].get_backend()
    backend.setup()
    opened = FileStorage.open_index
    calls = []

    def replaced_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError(2, "No such file or directory", "_MAIN_11.toc")
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "open_index", replaced_once)
    writer = backend.open_writer(1, wait=1.0)
    writer.cancel()
    assert len(calls) == 2
